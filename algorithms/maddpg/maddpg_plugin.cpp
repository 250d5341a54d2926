#include "maddpg_algorithm.h"
#include "marl/plugin.h"

MARL_ALGORITHM_PLUGIN("maddpg", "0.1.0",
                      "MADDPG: decentralised actors, centralised critics on all agents' actions (Lowe et al. 2017)",
                      marl::maddpg::MaddpgAlgorithm, marl::maddpg::maddpg_params())
