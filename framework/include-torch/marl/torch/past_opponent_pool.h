// Past policies of each learning team, for self-play against past opponents
// (a "league-lite", off by default): TeamPlan::past_opponents, opponent_pool_size.
//
// Every snapshot_interval env steps TeamAlgorithm adds each learning team's
// policy (TeamLearner::save_policy) here; at an update boundary it may let a
// team sit out one rollout while one of that team's past policies, drawn
// uniformly from the newest `capacity`, plays in its place, so the other
// teams learn against an older opponent. OpenAI Five's 80 % current / 20 %
// past self-play is the model; Baker et al. 2019's hide-and-seek used plain
// self-play.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace marl {

class TorchStateWriter;
class TorchStateReader;

class PastOpponentPool {
 public:
  PastOpponentPool(int num_teams, int capacity);

  // `policy`: a TorchStateWriter section written by the team's save_policy
  // under the prefix kPrefix. The oldest snapshot goes when full.
  void add(int team, std::string policy);
  int size(int team) const { return static_cast<int>(snapshots_[static_cast<size_t>(team)].size()); }
  const std::string& snapshot(int team, int index) const {
    return snapshots_[static_cast<size_t>(team)][static_cast<size_t>(index)];
  }

  void save(TorchStateWriter& w, const std::string& prefix) const;
  void load(TorchStateReader& r, const std::string& prefix);

  static constexpr const char* kPrefix = "policy/";

 private:
  int capacity_;
  std::vector<std::deque<std::string>> snapshots_;  // per team (env team index), oldest first
};

}  // namespace marl
