// Statistics over seeds for marl compare / marl check: IQM, bootstrap
// intervals (reproducible, and covering a known mean at about the stated
// rate), probability of improvement, area under a learning curve.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "marl/host/run_statistics.h"
#include "marl/rng.h"

namespace {
// A standard normal draw (Box-Muller) from a seeded generator.
double normal(marl::SplitMix64& rng) {
  const double u1 = (static_cast<double>(rng.next() >> 11) + 1.0) / 9007199254740993.0;
  const double u2 = static_cast<double>(rng.next() >> 11) / 9007199254740992.0;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
}  // namespace

TEST_CASE("the interquartile mean cuts a quarter from each end as scipy's trim_mean", "[statistics]") {
  CHECK(marl::interquartile_mean({8, 1, 7, 2, 6, 3, 5, 4}) == Approx(4.5));
  CHECK(marl::interquartile_mean({100, 1, 2, 3, -100}) == Approx(2.0));  // floor(5/4) = 1 each side
  CHECK(marl::interquartile_mean({1, 2, 9}) == Approx(4.0));             // n < 4: the mean
  CHECK(std::isnan(marl::interquartile_mean({})));
}

TEST_CASE("bootstrap intervals are reproducible and bracket the statistic", "[statistics]") {
  const std::vector<double> runs = {-12.1, -10.4, -11.0, -9.8, -13.2};
  const auto a = marl::bootstrap_interval(marl::Statistic::Iqm, runs, 0.95, 5000, 7);
  const auto b = marl::bootstrap_interval(marl::Statistic::Iqm, runs, 0.95, 5000, 7);
  CHECK(a.low == b.low);
  CHECK(a.high == b.high);
  CHECK(a.low <= marl::interquartile_mean(runs));
  CHECK(a.high >= marl::interquartile_mean(runs));
  CHECK(a.low >= -13.2);
  CHECK(a.high <= -9.8);
}

TEST_CASE("a 95% bootstrap interval of the mean covers the true mean at about that rate", "[statistics]") {
  marl::SplitMix64 rng(2026);
  int covered = 0;
  const int trials = 400;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> sample(20);
    for (double& v : sample) v = 3.0 + 2.0 * normal(rng);
    const auto ci = marl::bootstrap_interval(marl::Statistic::Mean, sample, 0.95, 1000, 100 + t);
    covered += ci.low <= 3.0 && 3.0 <= ci.high;
  }
  const double rate = static_cast<double>(covered) / trials;
  INFO("coverage " << rate);
  // The percentile bootstrap under-covers a little at n = 20 (about 0.93).
  CHECK(rate > 0.88);
  CHECK(rate < 0.99);
}

TEST_CASE("probability of improvement counts pairs, ties as half", "[statistics]") {
  CHECK(marl::probability_of_improvement({2, 3}, {1, 2}) == Approx(0.875));
  CHECK(marl::probability_of_improvement({1, 1}, {1, 1}) == Approx(0.5));
  const auto ci = marl::probability_of_improvement_interval({5, 6, 7}, {1, 2, 3}, 0.95, 2000, 1);
  CHECK(ci.low == Approx(1.0));
  CHECK(ci.high == Approx(1.0));
}

TEST_CASE("the normalised area under a curve is its mean height", "[statistics]") {
  CHECK(marl::normalized_area_under_curve({0, 10, 20}, {0, 10, 10}) == Approx(7.5));
  CHECK(marl::normalized_area_under_curve({1000, 3000}, {-20, -10}) == Approx(-15.0));
  CHECK(std::isnan(marl::normalized_area_under_curve({5}, {1})));
}
