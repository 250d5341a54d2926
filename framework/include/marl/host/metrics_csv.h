// metrics.csv: one row per log interval, header fixed at creation. Each row
// is one write() of the whole line; a write that fails part-way (disk full,
// I/O error) is cut back to the end of the previous row, so the file never
// ends in a half row, and the error names the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace marl {

class MetricsCsv {
 public:
  MetricsCsv(const std::filesystem::path& path, std::vector<std::string> columns);
  // Continues the file of a resumed run: its header must be `columns`; rows
  // whose first value (env_steps) is above keep_up_to, and a torn last line,
  // are cut off (the file is replaced atomically), then rows are appended.
  // marl::Error naming the file and line if it cannot be read as such.
  static std::unique_ptr<MetricsCsv> resume(const std::filesystem::path& path, std::vector<std::string> columns,
                                            double keep_up_to);
  ~MetricsCsv();
  MetricsCsv(const MetricsCsv&) = delete;
  MetricsCsv& operator=(const MetricsCsv&) = delete;

  // values.size() must equal the number of columns; NaN is written empty.
  void append(const std::vector<double>& values);
  const std::vector<std::string>& columns() const { return columns_; }

  // Shortest text that reads back as the same double ("" for NaN).
  static std::string format(double value);

 private:
  MetricsCsv(const std::filesystem::path& path, std::vector<std::string> columns, int fd, int64_t size);
  void write_whole(const std::string& text);

  std::filesystem::path path_;
  int fd_ = -1;
  int64_t size_ = 0;  // bytes of whole rows written
  std::vector<std::string> columns_;
};

}  // namespace marl
