// The QMIX paper's matrix games (Rashid et al. 2018, "QMIX: Monotonic Value
// Function Factorisation for Deep Multi-Agent Reinforcement Learning",
// section 6.1 and appendix), as the env plugin "matrix_games".
//
// Both games are fully cooperative: two agents in one team, each receiving
// the joint payoff as its reward. They are deterministic, so reset() ignores
// its seed. They exist to show what a value factorisation can represent:
//  * two_step: agent 0 picks a branch in state 1; in 2A every joint action
//    pays 7, in 2B the payoff is [[0,1],[1,8]]. The optimum (8) needs agent 0
//    to pass up the safe branch, which VDN-style factorisations miss.
//  * nonmonotonic: one step, [[8,-12,-12],[-12,0,0],[-12,0,0]]: the optimum
//    (0,0) is surrounded by penalties, which no monotonic mixer represents.
//
// Observations: two_step writes the one-hot of the current state (1, 2A, 2B);
// the final observation, after the episode ended, is all zeros (there is no
// fourth state to point at, and a terminated episode is never bootstrapped
// from it). nonmonotonic writes the constant [1]. With agent_id_in_obs the
// agent's one-hot id follows. The global state is the same without the id.
#pragma once

#include <cstdint>
#include <string>

#include "marl/env.h"
#include "marl/params.h"

namespace marl::matrix_games {

// The plugin's parameters: game, agent_id_in_obs.
ParamSpecList matrix_games_params();

enum class Game { TwoStep, Nonmonotonic };

class MatrixGamesEnv : public Environment {
 public:
  // Throws ConfigError for a game name outside the declared choices.
  explicit MatrixGamesEnv(const Params& params);

  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const StepOutput& out) override;
  StepStatus step(const ActionInput& actions, const StepOutput& out) override;
  // two_step: branch_2b, optimal; nonmonotonic: optimal (1 when the return was 8).
  void episode_metrics(double* out) const override;
  std::string render() const override;

  Game game() const { return game_; }

 private:
  // two_step's states; Ended is the "no state" after the last step.
  enum class Stage { State1, State2A, State2B, Ended };

  void write_outputs(const StepOutput& out) const;

  EnvSpec spec_;
  Game game_;
  bool agent_id_in_obs_;
  int64_t game_obs_size_;  // floats before the optional agent id
  Stage stage_ = Stage::State1;
  int steps_ = 0;
  bool took_branch_2b_ = false;
  float episode_return_ = 0.0f;
  float last_reward_ = 0.0f;
  int64_t last_actions_[2] = {-1, -1};
};

}  // namespace marl::matrix_games
