#include "marl/host/metrics_csv.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <cstring>

#include "atomic_file.h"
#include "marl/error.h"

namespace marl {

MetricsCsv::MetricsCsv(const std::filesystem::path& path, std::vector<std::string> columns)
    : path_(path), columns_(std::move(columns)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot create " + path.string() + ": " + std::strerror(errno));
  std::string header;
  for (size_t i = 0; i < columns_.size(); ++i) header += (i ? "," : "") + columns_[i];
  header += '\n';
  write_whole(header);
}

MetricsCsv::MetricsCsv(const std::filesystem::path& path, std::vector<std::string> columns, int fd, int64_t size)
    : path_(path), fd_(fd), size_(size), columns_(std::move(columns)) {}

std::unique_ptr<MetricsCsv> MetricsCsv::resume(const std::filesystem::path& path, std::vector<std::string> columns,
                                               double keep_up_to) {
  const std::string text = read_file(path);
  std::string header;
  for (size_t i = 0; i < columns.size(); ++i) header += (i ? "," : "") + columns[i];
  header += '\n';
  if (text.compare(0, header.size(), header) != 0) {
    throw Error(path.string() + ": line 1 is not the header this run writes (" + header.substr(0, header.size() - 1) +
                "); was the config or the algorithm changed?");
  }
  size_t keep = header.size();
  int line = 1;
  while (keep < text.size()) {
    const size_t end = text.find('\n', keep);
    if (end == std::string::npos) break;  // a torn last line
    ++line;
    const std::string first = text.substr(keep, text.find(',', keep) - keep);
    char* parsed = nullptr;
    const double steps = std::strtod(first.c_str(), &parsed);
    if (first.empty() || *parsed != '\0') {
      throw Error(path.string() + ":" + std::to_string(line) + ": env_steps '" + first + "' is not a number");
    }
    if (steps > keep_up_to) break;
    keep = end + 1;
  }
  if (keep != text.size()) write_file_atomic(path, text.substr(0, keep));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path.string() + ": " + std::strerror(errno));
  return std::unique_ptr<MetricsCsv>(new MetricsCsv(path, std::move(columns), fd, static_cast<int64_t>(keep)));
}

MetricsCsv::~MetricsCsv() {
  if (fd_ >= 0) ::close(fd_);
}

void MetricsCsv::write_whole(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      // Cut a partial row off again: readers see whole rows only.
      if (done > 0 && ::ftruncate(fd_, size_) == 0) ::lseek(fd_, size_, SEEK_SET);
      throw Error("failed writing " + path_.string() + ": " + std::strerror(error) +
                  (error == ENOSPC ? " (the disk is full)" : ""));
    }
    done += static_cast<size_t>(n);
  }
  size_ += static_cast<int64_t>(text.size());
}

std::string MetricsCsv::format(double value) {
  if (std::isnan(value)) return "";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  char buffer[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

void MetricsCsv::append(const std::vector<double>& values) {
  if (values.size() != columns_.size()) {
    throw Error("metrics row has " + std::to_string(values.size()) + " values for " +
                std::to_string(columns_.size()) + " columns");
  }
  std::string row;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) row += ',';
    row += format(values[i]);
  }
  row += '\n';
  write_whole(row);
}

}  // namespace marl
