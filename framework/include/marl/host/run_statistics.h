// Statistics over runs (one value per seed), as rliable recommends for RL
// results (Agarwal et al. 2021, "Deep RL at the Edge of the Statistical
// Precipice"): the interquartile mean, percentile bootstrap confidence
// intervals, the probability of improvement between two groups, and the
// normalised area under a learning curve.
//
// Why here: `marl compare` and `marl check` report and test the same
// figures, so they are computed once. Reproducible: the bootstrap draws from
// a SplitMix64 seeded by the caller.
#pragma once

#include <cstdint>
#include <vector>

namespace marl {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

double mean_of(const std::vector<double>& values);

// scipy.stats.trim_mean(values, 0.25), which rliable's IQM is: floor(n/4)
// values cut from each end, the mean of the rest (n < 4 cuts nothing).
double interquartile_mean(std::vector<double> values);

enum class Statistic { Mean, Iqm };
double statistic_of(Statistic statistic, const std::vector<double>& values);

// Percentile bootstrap: `resamples` resamples of the runs with replacement,
// the statistic of each, and the (1-confidence)/2 and (1+confidence)/2
// quantiles of those. One group is one task here, so rliable's stratified
// bootstrap reduces to this. NaN bounds for an empty group.
Interval bootstrap_interval(Statistic statistic, const std::vector<double>& values, double confidence,
                            int resamples, uint64_t seed);

// P(X > Y) for a run X of group x and a run Y of group y, ties counting
// half (rliable's probability of improvement on one task).
double probability_of_improvement(const std::vector<double>& x, const std::vector<double>& y);

// Its bootstrap interval: x and y resampled independently.
Interval probability_of_improvement_interval(const std::vector<double>& x, const std::vector<double>& y,
                                             double confidence, int resamples, uint64_t seed);

// Area under the curve (steps[i], values[i]) by the trapezoid rule, divided
// by the steps it spans: the curve's mean height, comparable across budgets.
// NaN with fewer than two points.
double normalized_area_under_curve(const std::vector<double>& steps, const std::vector<double>& values);

}  // namespace marl
