// The plugin search path and lookups by kind and name. Opening and checking a
// single file lives in plugin_library.cpp.
#include "marl/host/plugin_registry.h"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <optional>
#include <cstdlib>
#include <set>
#include <system_error>
#include <utility>

#include "closest_match.h"
#include "marl/error.h"
#include "marl/host/experiment_config.h"
#include "plugin_library.h"

namespace fs = std::filesystem;

namespace marl {
namespace {

// Where an installed marl keeps its plugins: <prefix>/bin/marl ->
// <prefix>/<libdir>/marl/plugins.
std::optional<fs::path> install_plugin_dir() {
  const fs::path relative(MARL_INSTALL_PLUGIN_DIR_REL);
  if (relative.is_absolute()) return relative;
  boost::dll::fs::error_code ec;
  const boost::dll::fs::path program = boost::dll::program_location(ec);
  if (ec || program.empty()) return std::nullopt;
  return fs::path(program.parent_path().string()) / ".." / relative;
}

// The build tree's plugin folder counts only for programs run from that build
// tree: an installed marl must not pick up a developer's stale build.
bool running_from_build_tree() {
  boost::dll::fs::error_code ec;
  const boost::dll::fs::path program = boost::dll::program_location(ec);
  if (ec || program.empty()) return false;
  std::error_code fs_ec;
  const fs::path build = fs::weakly_canonical(fs::path(MARL_BUILD_DIR), fs_ec);
  const fs::path exe = fs::weakly_canonical(fs::path(program.string()), fs_ec);
  const auto mismatch = std::mismatch(build.begin(), build.end(), exe.begin(), exe.end());
  return mismatch.first == build.end();
}

std::vector<fs::path> split_path_list(const char* list) {
  std::vector<fs::path> dirs;
  if (!list) return dirs;
  std::string rest(list);
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t colon = std::min(rest.find(':', start), rest.size());
    if (colon > start) dirs.emplace_back(rest.substr(start, colon - start));
    start = colon + 1;
  }
  return dirs;
}

struct PluginFileEntry {
  fs::path file;
  detail::PluginFileName parsed;
};

// Plugin-named files in one folder, sorted so results do not depend on the
// file system's directory order. Unreadable folders are skipped: a search
// path entry may legitimately vanish or be unreadable.
std::vector<PluginFileEntry> plugin_files_in(const fs::path& dir) {
  std::vector<PluginFileEntry> entries;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;  // follows symlinks
    auto parsed = detail::parse_plugin_file_name(it->path().filename().string());
    if (parsed) entries.push_back({it->path(), std::move(*parsed)});
  }
  std::sort(entries.begin(), entries.end(),
            [](const PluginFileEntry& a, const PluginFileEntry& b) { return a.file < b.file; });
  return entries;
}

int kind_rank(const std::string& kind) {
  if (kind == "env") return 0;
  if (kind == "algorithm") return 1;
  return 2;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) joined += separator;
    joined += items[i];
  }
  return joined;
}

}  // namespace

PluginRegistry::PluginRegistry(std::vector<fs::path> search_dirs) : dirs_(std::move(search_dirs)) {}

std::vector<fs::path> PluginRegistry::default_search_path(const std::vector<fs::path>& extra_dirs) {
  std::vector<fs::path> candidates;
  if (running_from_build_tree()) candidates.emplace_back(MARL_BUILD_PLUGIN_DIR);
  for (fs::path& dir : split_path_list(std::getenv("MARL_PLUGIN_PATH"))) {
    candidates.push_back(std::move(dir));
  }
  if (auto installed = install_plugin_dir()) candidates.push_back(std::move(*installed));
  candidates.insert(candidates.end(), extra_dirs.begin(), extra_dirs.end());

  std::vector<fs::path> dirs;
  std::set<fs::path> seen;
  for (const fs::path& dir : candidates) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    fs::path canonical = fs::canonical(dir, ec);
    if (ec) continue;
    if (seen.insert(canonical).second) dirs.push_back(std::move(canonical));
  }
  return dirs;
}

std::vector<PluginRecord> PluginRegistry::discover() const {
  struct Found {
    PluginRecord record;
    size_t order;
  };
  std::vector<Found> found;
  // First file found wins, as in load(); a later file with the same kind and
  // name is listed as shadowed, without being opened.
  std::set<std::pair<PluginKind, std::string>> claimed;
  std::vector<std::pair<std::pair<PluginKind, std::string>, fs::path>> winners;
  for (const fs::path& dir : dirs_) {
    for (const PluginFileEntry& entry : plugin_files_in(dir)) {
      const auto key = std::make_pair(entry.parsed.kind, entry.parsed.name);
      PluginRecord record;
      if (claimed.insert(key).second) {
        winners.emplace_back(key, entry.file);
        record = detail::probe_plugin_file(entry.file).record;
      } else {
        const auto winner = std::find_if(winners.begin(), winners.end(),
                                         [&](const auto& w) { return w.first == key; });
        record.file = entry.file;
        record.kind = plugin_kind_name(entry.parsed.kind);
        record.name = entry.parsed.name;
        record.error = "shadowed by '" + winner->second.string() +
                       "', which comes earlier in the search path and is the one marl loads.";
      }
      found.push_back({std::move(record), found.size()});
    }
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    const int ra = kind_rank(a.record.kind), rb = kind_rank(b.record.kind);
    if (ra != rb) return ra < rb;
    if (a.record.kind != b.record.kind) return a.record.kind < b.record.kind;
    if (a.record.name != b.record.name) return a.record.name < b.record.name;
    return a.order < b.order;
  });
  std::vector<PluginRecord> records;
  records.reserve(found.size());
  for (Found& f : found) records.push_back(std::move(f.record));
  return records;
}

std::shared_ptr<LoadedPlugin> PluginRegistry::load(PluginKind kind, const std::string& name) const {
  const std::string file_name = detail::plugin_file_name(kind, name);
  // A name with a path separator would escape the search folders.
  if (!name.empty() && name.find('/') == std::string::npos) {
    for (const fs::path& dir : dirs_) {
      const fs::path candidate = dir / file_name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec)) return load_file(candidate);
    }
  }

  std::set<std::string> available_set;
  for (const fs::path& dir : dirs_) {
    for (const PluginFileEntry& entry : plugin_files_in(dir)) {
      if (entry.parsed.kind == kind) available_set.insert(entry.parsed.name);
    }
  }
  const std::vector<std::string> available(available_set.begin(), available_set.end());
  std::vector<std::string> searched;
  for (const fs::path& dir : dirs_) searched.push_back(dir.string());

  const std::string kind_name = plugin_kind_name(kind);
  std::string message = "no " + kind_name + " plugin named '" + name + "'";
  if (auto suggestion = closest_match(name, available)) {
    message += " (did you mean '" + *suggestion + "'?)";
  }
  message += "; searched: " + (searched.empty() ? std::string("no existing plugin folder")
                                                 : join(searched, ", "));
  message += "; available " + kind_name + " plugins: " +
             (available.empty() ? std::string("none") : join(available, ", "));
  message += ". Build it, or add the folder holding " + file_name +
             " to MARL_PLUGIN_PATH or --plugin-dir.";
  throw PluginError(message);
}

std::shared_ptr<LoadedPlugin> PluginRegistry::load_name_or_file(PluginKind kind, const std::string& name) const {
  const bool is_file = name.find('/') != std::string::npos || (name.size() > 3 && name.substr(name.size() - 3) == ".so");
  if (!is_file) return load(kind, name);
  std::shared_ptr<LoadedPlugin> plugin = load_file(name);
  if (plugin->kind() != kind) {
    throw PluginError("'" + name + "' is " + (plugin->kind() == PluginKind::Env ? "an env" : "an algorithm") +
                      " plugin, not " + (kind == PluginKind::Env ? "an env" : "an algorithm") + " plugin");
  }
  return plugin;
}

}  // namespace marl
