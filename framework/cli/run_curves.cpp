#include "run_curves.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "marl/error.h"
#include "marl/host/run_statistics.h"
#include "marl/host/run_status.h"

namespace marl::cli {

namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// A cell as a finite number; anything else is an error naming file, line and column.
double number_at(const std::string& cell, const std::filesystem::path& file, size_t line, const std::string& column) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(cell.c_str(), &end);
  if (cell.empty() || end != cell.c_str() + cell.size() || errno == ERANGE || !std::isfinite(value)) {
    throw Error(file.string() + ":" + std::to_string(line) + ": column '" + column + "' holds '" + cell +
                "', not a finite number");
  }
  return value;
}

}  // namespace

RunCurves read_run_curves(const std::filesystem::path& dir, const std::string& file_name,
                          const std::vector<std::string>& metrics) {
  RunCurves run;
  run.dir = dir;
  run.experiment = read_run_status_field(dir, "experiment");
  run.status = read_run_status_field(dir, "status");
  const std::filesystem::path file = dir / file_name;
  std::ifstream csv(file);
  if (!csv) throw Error(dir.string() + " has run.json but no " + file_name);
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = split_csv(line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(csv, line)) {
    rows.push_back(split_csv(line));
    if (rows.back().size() != header.size()) {
      throw Error(file.string() + ":" + std::to_string(rows.size() + 1) + ": a row of " +
                  std::to_string(rows.back().size()) + " cells under a header of " + std::to_string(header.size()) +
                  " (a cut-off or foreign row)");
    }
  }
  std::vector<double> steps;
  for (size_t r = 0; r < rows.size(); ++r) steps.push_back(number_at(rows[r][0], file, r + 2, header[0]));
  if (!steps.empty()) run.env_steps = steps.back();
  for (const auto& metric : metrics) {
    const auto column = std::find(header.begin(), header.end(), metric);
    if (column == header.end()) {
      std::string have;
      for (const auto& name : header) have += (have.empty() ? "" : ", ") + name;
      throw Error(file.string() + " has no column '" + metric + "' (it has: " + have + ")");
    }
    const size_t index = static_cast<size_t>(column - header.begin());
    Curve& curve = run.curves[metric];
    for (size_t r = 0; r < rows.size(); ++r) {
      if (rows[r][index].empty()) continue;
      curve.steps.push_back(steps[r]);
      curve.values.push_back(number_at(rows[r][index], file, r + 2, metric));
    }
  }
  return run;
}

Figure figure_from_name(const std::string& name) {
  if (name == "final") return Figure::Final;
  if (name == "best") return Figure::Best;
  if (name == "auc") return Figure::Auc;
  throw Error("unknown figure '" + name + "': one of final, best, auc");
}

const char* figure_name(Figure figure) {
  switch (figure) {
    case Figure::Final: return "final";
    case Figure::Best: return "best";
    case Figure::Auc: return "auc";
  }
  return "?";
}

double figure_of(const Curve& curve, Figure figure, int last_rows) {
  if (curve.values.empty()) return NAN;
  switch (figure) {
    case Figure::Final: {
      const size_t n = std::min(curve.values.size(), static_cast<size_t>(std::max(1, last_rows)));
      return mean_of(std::vector<double>(curve.values.end() - static_cast<std::ptrdiff_t>(n), curve.values.end()));
    }
    case Figure::Best: return *std::max_element(curve.values.begin(), curve.values.end());
    case Figure::Auc: return normalized_area_under_curve(curve.steps, curve.values);
  }
  return NAN;
}

double value_at(const Curve& curve, double at) {
  double value = NAN;
  for (size_t i = 0; i < curve.steps.size() && curve.steps[i] <= at; ++i) value = curve.values[i];
  return value;
}

}  // namespace marl::cli
