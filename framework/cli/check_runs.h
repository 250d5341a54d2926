// The check behind `marl check` and `marl reproduce`.
#pragma once

#include <string>
#include <vector>

namespace marl::cli {

// Prints PASS/MISS per expectation; returns 0 when all hold, 1 otherwise.
// Throws marl::Error when there is nothing to check or a file is bad.
int check_runs(const std::vector<std::string>& dirs);

}  // namespace marl::cli
