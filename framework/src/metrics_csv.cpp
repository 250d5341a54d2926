#include "marl/host/metrics_csv.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cmath>
#include <cstring>

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
