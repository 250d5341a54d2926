#include "ac_algorithm.h"
#include "marl/plugin.h"

MARL_ALGORITHM_PLUGIN("actor_critic", "0.1.0",
                      "COMA, MAA2C and IA2C (param baseline = counterfactual | state_value | independent): "
                      "on-policy actor-critics with GRU actors",
                      marl::actor_critic::AcAlgorithm, marl::actor_critic::actor_critic_params())
