// Registers the MPE environments as the "mpe" env plugin.
#include "marl/plugin.h"
#include "mpe_env.h"

MARL_ENV_PLUGIN("mpe", "1.0.0",
                "PettingZoo 1.25 MPE (simple_spread_v3, simple_tag_v3, simple_reference_v3), "
                "discrete or continuous actions, bit-exact dynamics",
                marl::mpe::MpeEnv, marl::mpe::mpe_params())
