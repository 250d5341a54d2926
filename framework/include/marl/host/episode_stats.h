// Aggregates finished episodes over a log interval into the returns and env
// metrics that metrics.csv reports: mean return over all agents, per team
// (mean over the team's agents) and per agent, mean length, and the mean of
// each episode metric the env declares.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "marl/collectives.h"
#include "marl/env.h"
#include "marl/host/vector_env.h"

namespace marl {

class EpisodeStats {
 public:
  explicit EpisodeStats(const EnvSpec& spec);

  void add(const EpisodeRecord& episode);
  void clear();

  int count() const { return count_; }
  // Column names and values in the same order; values are NaN when no
  // episode finished.
  std::vector<std::string> column_names() const;
  std::vector<double> column_values() const;

  double mean_return() const;               // over all agents
  double team_mean_return(int team) const;  // over the team's agents
  double mean_metric(int index) const;

  // These stats over all workers of a data-parallel run (sums all-reduced):
  // the same on every worker afterwards.
  void all_reduce(Collectives& workers);

  // The sums so far, bit for bit (a resumed run's next metrics row).
  void save(std::ostream& out) const;
  void load(std::istream& in);

 private:
  EnvSpec spec_;
  int count_ = 0;
  double length_sum_ = 0.0;
  std::vector<double> agent_sum_;
  std::vector<double> metric_sum_;
};

}  // namespace marl
