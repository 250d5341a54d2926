#include "marl/host/episode_stats.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "binary_stream.h"

namespace marl {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

EpisodeStats::EpisodeStats(const EnvSpec& spec) : spec_(spec) { clear(); }

void EpisodeStats::clear() {
  count_ = 0;
  length_sum_ = 0.0;
  agent_sum_.assign(spec_.num_agents(), 0.0);
  metric_sum_.assign(spec_.episode_metrics.size(), 0.0);
}

void EpisodeStats::add(const EpisodeRecord& episode) {
  ++count_;
  length_sum_ += episode.length;
  for (size_t a = 0; a < agent_sum_.size() && a < episode.agent_returns.size(); ++a) {
    agent_sum_[a] += episode.agent_returns[a];
  }
  for (size_t m = 0; m < metric_sum_.size() && m < episode.metrics.size(); ++m) {
    metric_sum_[m] += episode.metrics[m];
  }
}

void EpisodeStats::all_reduce(Collectives& workers) {
  if (!workers.distributed()) return;
  std::vector<double> sums = {static_cast<double>(count_), length_sum_};
  sums.insert(sums.end(), agent_sum_.begin(), agent_sum_.end());
  sums.insert(sums.end(), metric_sum_.begin(), metric_sum_.end());
  workers.all_reduce_sum(sums.data(), sums.size());
  count_ = static_cast<int>(sums[0]);
  length_sum_ = sums[1];
  std::copy(sums.begin() + 2, sums.begin() + 2 + static_cast<std::ptrdiff_t>(agent_sum_.size()), agent_sum_.begin());
  std::copy(sums.end() - static_cast<std::ptrdiff_t>(metric_sum_.size()), sums.end(), metric_sum_.begin());
}

double EpisodeStats::mean_return() const {
  if (count_ == 0 || agent_sum_.empty()) return kNaN;
  double total = 0.0;
  for (double s : agent_sum_) total += s;
  return total / (static_cast<double>(count_) * agent_sum_.size());
}

double EpisodeStats::team_mean_return(int team) const {
  const std::vector<int> members = spec_.team_agents(team);
  if (count_ == 0 || members.empty()) return kNaN;
  double total = 0.0;
  for (int a : members) total += agent_sum_[a];
  return total / (static_cast<double>(count_) * members.size());
}

double EpisodeStats::mean_metric(int index) const {
  return count_ == 0 ? kNaN : metric_sum_[index] / count_;
}

std::vector<std::string> EpisodeStats::column_names() const {
  std::vector<std::string> names = {"return_mean"};
  if (spec_.num_teams() > 1) {
    for (const auto& team : spec_.teams) names.push_back("return_" + team);
  }
  for (const auto& agent : spec_.agents) names.push_back("return_" + agent.name);
  names.push_back("episode_length");
  for (const auto& metric : spec_.episode_metrics) names.push_back(metric);
  return names;
}

std::vector<double> EpisodeStats::column_values() const {
  std::vector<double> values = {mean_return()};
  if (spec_.num_teams() > 1) {
    for (int t = 0; t < spec_.num_teams(); ++t) values.push_back(team_mean_return(t));
  }
  for (size_t a = 0; a < agent_sum_.size(); ++a) {
    values.push_back(count_ == 0 ? kNaN : agent_sum_[a] / count_);
  }
  values.push_back(count_ == 0 ? kNaN : length_sum_ / count_);
  for (size_t m = 0; m < metric_sum_.size(); ++m) values.push_back(mean_metric(static_cast<int>(m)));
  return values;
}

void EpisodeStats::save(std::ostream& out) const {
  binary::write<int64_t>(out, count_);
  binary::write(out, length_sum_);
  binary::write_vector(out, agent_sum_);
  binary::write_vector(out, metric_sum_);
}

void EpisodeStats::load(std::istream& in) {
  const int64_t count = binary::read<int64_t>(in, "the episode count");
  if (count < 0 || count > INT32_MAX) throw Error("the checkpoint's runner state has an impossible episode count");
  count_ = static_cast<int>(count);
  length_sum_ = binary::read<double>(in, "the episode lengths");
  binary::read_vector(in, agent_sum_, agent_sum_.size(), "the episode returns");
  binary::read_vector(in, metric_sum_, metric_sum_.size(), "the episode metrics");
}

}  // namespace marl
