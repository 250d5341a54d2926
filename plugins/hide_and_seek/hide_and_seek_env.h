// marl::Environment adapter for GHNS v1 (plugin "hide_and_seek").
//
// Agents: hiders first, then seekers; teams {"hiders", "seekers"}. Every
// agent has discrete(20) actions (move = a%5, pull = (a/5)%2, lock = a/10),
// all always legal, so the env declares no action masks
// (has_avail_actions = false). Episodes never terminate; they are truncated
// at t == horizon (= episode_limit).
#pragma once

#include <string>
#include <vector>

#include "ghns_config.h"
#include "ghns_entities.h"
#include "ghns_game.h"
#include "ghns_metrics.h"
#include "ghns_observation.h"
#include "marl/env.h"
#include "marl/params.h"

namespace marl::hide_and_seek {

constexpr int kNumActions = 20;

class HideAndSeekEnv : public Environment {
 public:
  explicit HideAndSeekEnv(const Params& params);
  explicit HideAndSeekEnv(const GhnsConfig& config);

  const EnvSpec& spec() const override { return spec_; }
  void reset(uint64_t seed, const StepOutput& out) override;
  StepStatus step(const ActionInput& actions, const StepOutput& out) override;
  void episode_metrics(double* out) const override;
  std::string render() const override;
  bool describe_frame(Frame& frame) const override;

  // Tests and tools.
  const Game& game() const { return game_; }
  const GhnsConfig& config() const { return game_.config(); }

 private:
  void write_outputs(const StepOutput& out);

  Game game_;
  ObservationWriter writer_;                  // window observations and the global state
  EntityObservationWriter entity_writer_;     // obs_mode = "entities"
  EpisodeMetrics metrics_;
  EnvSpec spec_;
  std::vector<int> actions_;
};

}  // namespace marl::hide_and_seek
