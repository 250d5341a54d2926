#include "eval_csv.h"

#include <string>
#include <system_error>
#include <vector>

namespace marl {

EvalCsv::EvalCsv(const std::filesystem::path& path, const EnvSpec& spec, double resume_up_to) {
  std::vector<std::string> columns = {"env_steps", "episodes"};
  for (const auto& name : EpisodeStats(spec).column_names()) columns.push_back(name);
  std::error_code ec;
  if (resume_up_to >= 0.0 && std::filesystem::exists(path, ec)) {
    csv_ = MetricsCsv::resume(path, columns, resume_up_to);
  } else {
    csv_ = std::make_unique<MetricsCsv>(path, columns);
  }
}

void EvalCsv::append(const EpisodeStats& result, uint64_t env_steps) {
  std::vector<double> row = {static_cast<double>(env_steps), static_cast<double>(result.count())};
  for (double v : result.column_values()) row.push_back(v);
  csv_->append(row);
}

}  // namespace marl
