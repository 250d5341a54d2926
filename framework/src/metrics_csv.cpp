#include "marl/host/metrics_csv.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include "marl/error.h"

namespace marl {

MetricsCsv::MetricsCsv(const std::filesystem::path& path, std::vector<std::string> columns)
    : columns_(std::move(columns)) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw Error("cannot create " + path.string() + ": " + std::strerror(errno));
  std::string header;
  for (size_t i = 0; i < columns_.size(); ++i) header += (i ? "," : "") + columns_[i];
  header += '\n';
  std::fputs(header.c_str(), file_);
  std::fflush(file_);
}

MetricsCsv::~MetricsCsv() {
  if (file_) std::fclose(file_);
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
  if (std::fputs(row.c_str(), file_) < 0 || std::fflush(file_) != 0) {
    throw Error(std::string("failed writing metrics.csv: ") + std::strerror(errno));
  }
}

}  // namespace marl
