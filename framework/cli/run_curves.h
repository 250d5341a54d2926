// The learning curves of run directories, for `marl compare` and `marl
// check`: per metric, the (env_steps, value) rows of metrics.csv or eval.csv
// that have a value, and the figures taken from them.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace marl::cli {

struct Curve {
  std::vector<double> steps, values;  // rows with a value, in file order
};

struct RunCurves {
  std::filesystem::path dir;
  std::string experiment;  // run.json "experiment": the group
  std::string status;      // run.json "status"
  double env_steps = 0.0;  // the file's last row
  std::map<std::string, Curve> curves;
};

// Reads `file_name` ("metrics.csv" or "eval.csv") of a run for `metrics`.
// Every bad cell is an Error naming the file, line and column; a missing
// column names the file and the columns it has. Empty cells (no value at
// that row, e.g. no update yet) are left out of the curve.
RunCurves read_run_curves(const std::filesystem::path& dir, const std::string& file_name,
                          const std::vector<std::string>& metrics);

// The figure of one run that a comparison uses (NaN when the curve is empty):
//   final: mean of the last `last_rows` values;  best: the highest value;
//   auc: normalised area under the curve (its mean height over the steps).
enum class Figure { Final, Best, Auc };
Figure figure_from_name(const std::string& name);  // Error naming the valid ones
const char* figure_name(Figure figure);
double figure_of(const Curve& curve, Figure figure, int last_rows);

// The value at the last row whose env_steps <= at (NaN if none).
double value_at(const Curve& curve, double at);

}  // namespace marl::cli
