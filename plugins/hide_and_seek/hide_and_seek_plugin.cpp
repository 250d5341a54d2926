// Registers GHNS v1 as the "hide_and_seek" env plugin.
#include "hide_and_seek_env.h"
#include "marl/plugin.h"

MARL_ENV_PLUGIN("hide_and_seek", "1.0.0",
                "GHNS v1: grid hide-and-seek after Baker et al. 2019 (team reward, preparation "
                "phase, box/ramp grabbing and team locks, view cone), integer rules",
                marl::hide_and_seek::HideAndSeekEnv, marl::hide_and_seek::hide_and_seek_params())
