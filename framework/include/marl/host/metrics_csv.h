// metrics.csv: one row per log interval, header fixed at creation. Each row
// is one write() of the whole line; a write that fails part-way (disk full,
// I/O error) is cut back to the end of the previous row, so the file never
// ends in a half row, and the error names the file.
#pragma once

#include <cstdint>
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
  void write_whole(const std::string& text);

  std::filesystem::path path_;
  int fd_ = -1;
  int64_t size_ = 0;  // bytes of whole rows written
  std::vector<std::string> columns_;
};

}  // namespace marl
