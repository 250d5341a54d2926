// Registers the uniform random policy as the "random" algorithm plugin.
#include "marl/plugin.h"
#include "random_algorithm.h"

MARL_ALGORITHM_PLUGIN("random", "1.0.0",
                      "uniform random policy over available actions (box: uniform within bounds); "
                      "never trains",
                      marl::random_policy::RandomAlgorithm, marl::random_policy::random_params())
