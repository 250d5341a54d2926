#include <algorithm>
#include <iostream>

#include "commands.h"
#include "marl/error.h"

namespace marl::cli {

namespace {

// A run dir, or a folder of run dirs (e.g. one seed_<n> per seed). Folders
// inside it that are not runs are named on stderr, not skipped silently.
void collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& out) {
  if (std::filesystem::exists(path / "run.json")) {
    out.push_back(path);
    return;
  }
  if (!std::filesystem::is_directory(path)) throw Error(path.string() + " is not a folder");
  std::vector<std::filesystem::path> children;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (!entry.is_directory()) continue;
    if (std::filesystem::exists(entry.path() / "run.json")) {
      children.push_back(entry.path());
    } else {
      std::cerr << "note: " << entry.path().string() << " is not a run (no run.json): left out\n";
    }
  }
  if (children.empty()) throw Error(path.string() + " holds no run directory (no run.json)");
  std::sort(children.begin(), children.end());
  out.insert(out.end(), children.begin(), children.end());
}

}  // namespace

std::vector<std::filesystem::path> collect_run_dirs(const std::vector<std::string>& args) {
  std::vector<std::filesystem::path> found;
  for (const auto& dir : args) collect(dir, found);
  // A run named twice (directly and through its folder) counts once.
  std::vector<std::filesystem::path> runs, seen;
  for (const auto& dir : found) {
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    runs.push_back(dir);
  }
  return runs;
}

}  // namespace marl::cli
