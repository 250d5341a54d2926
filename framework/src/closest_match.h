// Typo suggestions in error messages ("did you mean 'lr'?").
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace marl {

// Closest candidate by edit distance if it is close enough to be a typo.
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace marl
