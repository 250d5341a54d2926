#include <algorithm>
#include <iostream>

#include "commands.h"
#include "marl/error.h"

namespace marl::cli {

namespace {

// Whether `dir` holds a run (run.json) at most `depth` folders down.
bool holds_runs(const std::filesystem::path& dir, int depth) {
  if (std::filesystem::exists(dir / "run.json")) return true;
  if (depth == 0) return false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory() && holds_runs(entry.path(), depth - 1)) return true;
  }
  return false;
}

// A run dir, or a folder of run dirs (one seed_<n> per seed, one folder per
// sweep setting holding those). Folders inside it that hold no run are named
// on stderr, not skipped silently.
void collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& out, int depth = 2) {
  if (std::filesystem::exists(path / "run.json")) {
    out.push_back(path);
    return;
  }
  if (!std::filesystem::is_directory(path)) throw Error(path.string() + " is not a folder");
  std::vector<std::filesystem::path> children;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (!entry.is_directory()) continue;
    if (holds_runs(entry.path(), depth - 1)) {
      children.push_back(entry.path());
    } else {
      std::cerr << "note: " << entry.path().string() << " is not a run (no run.json): left out\n";
    }
  }
  if (children.empty()) throw Error(path.string() + " holds no run directory (no run.json)");
  std::sort(children.begin(), children.end());
  for (const auto& child : children) collect(child, out, depth - 1);
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
