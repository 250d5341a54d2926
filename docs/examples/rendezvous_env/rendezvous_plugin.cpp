// The plugin's entry points: marl loads libmarl_env_rendezvous.so and finds
// the env by the name given here (it must match marl_add_plugin's).
#include "marl/plugin.h"
#include "rendezvous_env.h"

MARL_ENV_PLUGIN("rendezvous", "1.0.0", "two walkers on a ring must meet", rendezvous::Rendezvous,
                rendezvous::rendezvous_params())
