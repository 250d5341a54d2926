// Reads and validates an experiment document's [sweep] table: the grid a
// `marl run` covers (see ExperimentDocument::sweep()).
#pragma once

#include <vector>

#include "config_tree.h"
#include "marl/host/experiment_config.h"

namespace marl::detail {

std::vector<SweepAxis> parse_sweep(const ConfigTree& tree);

// "--sweep algorithm.lr=1e-3,5e-4" (values are TOML, or bare strings).
SweepAxis parse_sweep_argument(const std::string& argument);

}  // namespace marl::detail
