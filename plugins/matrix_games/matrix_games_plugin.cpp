// Registers the QMIX paper's matrix games as the "matrix_games" env plugin.
#include "marl/plugin.h"
#include "matrix_games_env.h"

MARL_ENV_PLUGIN("matrix_games", "1.0.0",
                "QMIX paper matrix games (Rashid et al. 2018): two_step and nonmonotonic, "
                "2 cooperative agents, discrete actions",
                marl::matrix_games::MatrixGamesEnv, marl::matrix_games::matrix_games_params())
