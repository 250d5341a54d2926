#include "kept_checkpoints.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "marl/checkpoint.h"
#include "marl/error.h"

namespace marl {

KeptCheckpoints::KeptCheckpoints(std::filesystem::path run_dir, int keep) : run_dir_(std::move(run_dir)), keep_(keep) {}

void KeptCheckpoints::before_replacing(const std::filesystem::path& latest) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (keep_ <= 1 || !fs::exists(latest, ec)) return;
  const uint64_t steps = read_checkpoint_header(latest).env_steps;
  const fs::path kept = run_dir_ / ("checkpoint-" + std::to_string(steps) + ".bin");
  fs::remove(kept, ec);
  fs::create_hard_link(latest, kept, ec);
  if (ec) fs::copy_file(latest, kept, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error("cannot keep " + latest.string() + " as " + kept.string() + ": " + ec.message());

  std::vector<std::pair<uint64_t, fs::path>> older;
  for (const auto& entry : fs::directory_iterator(run_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("checkpoint-", 0) != 0 || entry.path().extension() != ".bin") continue;
    const std::string digits = name.substr(11, name.size() - 11 - 4);
    if (digits.empty() || digits.size() > 19 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    older.emplace_back(std::stoull(digits), entry.path());
  }
  std::sort(older.begin(), older.end());
  const size_t extra = older.size() > static_cast<size_t>(keep_ - 1) ? older.size() - (keep_ - 1) : 0;
  for (size_t i = 0; i < extra; ++i) fs::remove(older[i].second, ec);
}

}  // namespace marl
