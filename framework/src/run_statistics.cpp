#include "marl/host/run_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "marl/rng.h"

namespace marl {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Linear interpolation between order statistics (numpy's default quantile).
double quantile(std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

template <typename Draw>
Interval percentile_interval(int resamples, double confidence, Draw&& draw) {
  std::vector<double> stats;
  stats.reserve(static_cast<size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    const double s = draw();
    if (!std::isnan(s)) stats.push_back(s);
  }
  if (stats.empty()) return {kNaN, kNaN};
  std::sort(stats.begin(), stats.end());
  return {quantile(stats, (1.0 - confidence) / 2.0), quantile(stats, (1.0 + confidence) / 2.0)};
}

void resample(const std::vector<double>& from, std::vector<double>& into, SplitMix64& rng) {
  into.resize(from.size());
  for (double& v : into) v = from[rng.below(from.size())];
}
}  // namespace

double mean_of(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double interquartile_mean(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const size_t cut = values.size() / 4;
  return mean_of(std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(cut),
                                     values.end() - static_cast<std::ptrdiff_t>(cut)));
}

double statistic_of(Statistic statistic, const std::vector<double>& values) {
  return statistic == Statistic::Iqm ? interquartile_mean(values) : mean_of(values);
}

Interval bootstrap_interval(Statistic statistic, const std::vector<double>& values, double confidence,
                            int resamples, uint64_t seed) {
  if (values.empty()) return {kNaN, kNaN};
  SplitMix64 rng(seed);
  std::vector<double> sample;
  return percentile_interval(resamples, confidence, [&] {
    resample(values, sample, rng);
    return statistic_of(statistic, sample);
  });
}

double probability_of_improvement(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.empty() || y.empty()) return kNaN;
  double wins = 0.0;
  for (double a : x) {
    for (double b : y) wins += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
  }
  return wins / static_cast<double>(x.size() * y.size());
}

Interval probability_of_improvement_interval(const std::vector<double>& x, const std::vector<double>& y,
                                             double confidence, int resamples, uint64_t seed) {
  if (x.empty() || y.empty()) return {kNaN, kNaN};
  SplitMix64 rng(seed);
  std::vector<double> xs, ys;
  return percentile_interval(resamples, confidence, [&] {
    resample(x, xs, rng);
    resample(y, ys, rng);
    return probability_of_improvement(xs, ys);
  });
}

double normalized_area_under_curve(const std::vector<double>& steps, const std::vector<double>& values) {
  if (steps.size() < 2 || steps.size() != values.size() || steps.back() <= steps.front()) return kNaN;
  double area = 0.0;
  for (size_t i = 1; i < steps.size(); ++i) area += 0.5 * (values[i] + values[i - 1]) * (steps[i] - steps[i - 1]);
  return area / (steps.back() - steps.front());
}

}  // namespace marl
