// metrics.csv: one row per log interval, header fixed at creation. Each row
// is appended and flushed at once, so a crash loses at most the row being
// written, and a reader never sees a half-row (the row is one write call).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace marl {

class MetricsCsv {
 public:
  MetricsCsv(const std::filesystem::path& path, std::vector<std::string> columns);
  ~MetricsCsv();
  MetricsCsv(const MetricsCsv&) = delete;
  MetricsCsv& operator=(const MetricsCsv&) = delete;

  // values.size() must equal the number of columns; NaN is written empty.
  void append(const std::vector<double>& values);
  const std::vector<std::string>& columns() const { return columns_; }

  // Shortest text that reads back as the same double ("" for NaN).
  static std::string format(double value);

 private:
  std::FILE* file_ = nullptr;
  std::vector<std::string> columns_;
};

}  // namespace marl
