// [expect]: what runs of an experiment must show, stated in the experiment
// file with its source, checked by `marl check` and `marl reproduce`.
//
//   [expect]
//   return_mean = { at = 2000000, stat = "iqm", min = -12.0, max = -9.0,
//                   from = "eval", source = "docs/results/mpe-spread.md" }
//
// Per entry: the metric (a column of eval.csv, or of metrics.csv with
// from = "train"); `at`, the env step whose row is read (the last row at or
// before it; default: each run's last row); `stat` over the runs' values:
// "mean", "iqm" (default) or "each" (every run on its own); at least one of
// `min` and `max` (inclusive); `source`, where the numbers come from;
// optionally `experiment`, the run name it holds for (an extending file's
// runs, named otherwise, are then not checked against it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace marl {

struct Expectation {
  std::string metric;
  std::string from = "eval";  // "eval" (eval.csv) or "train" (metrics.csv)
  std::optional<int64_t> at;  // env steps; none: the last row
  std::string stat = "iqm";   // "mean", "iqm" or "each"
  std::optional<double> min, max;
  std::string source;
  // The experiment (run name) it was measured for: files extending this one
  // inherit the table, and their runs are not checked against it. Empty: any.
  std::string experiment;
  std::string location;  // where it was written (file:line:column)

  // The entry as a TOML inline table (config.toml's [expect]).
  std::string to_toml() const;
  // "return_mean (eval.csv) at 2000000, iqm over seeds in [-12, -9]"
  std::string describe() const;
};

}  // namespace marl
