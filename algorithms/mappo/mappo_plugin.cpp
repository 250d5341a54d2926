// Registers MAPPO / IPPO as the "mappo" algorithm plugin.
#include "mappo_algorithm.h"
#include "mappo_config.h"
#include "marl/plugin.h"

MARL_ALGORITHM_PLUGIN("mappo", "1.0.0",
                      "MAPPO / IPPO (Yu et al. 2022; marlbenchmark/on-policy defaults): PPO with "
                      "a centralised (mode=mappo) or local (mode=ippo) critic per team",
                      marl::mappo::MappoAlgorithm, marl::mappo::mappo_params())
