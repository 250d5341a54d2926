// Reads and validates an experiment document's [expect] table (see
// marl/host/expectation.h); every mistake is a ConfigError at its file:line.
#pragma once

#include <vector>

#include "config_tree.h"
#include "marl/host/expectation.h"

namespace marl::detail {

std::vector<Expectation> parse_expectations(const ConfigTree& tree);

}  // namespace marl::detail
