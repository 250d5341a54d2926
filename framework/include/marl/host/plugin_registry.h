// Finding and loading plugins (core side; plugin authors do not need this).
//
// Search path, in order: the build tree's plugin folder, each folder of
// MARL_PLUGIN_PATH (colon-separated), the install tree's plugin folder next
// to the running executable, then --plugin-dir folders. Plugin files are
// named libmarl_env_<name>.so / libmarl_algo_<name>.so; the first one found
// for a kind and name wins.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/env.h"
#include "marl/params.h"

namespace marl {

enum class PluginKind { Env, Algorithm };
const char* plugin_kind_name(PluginKind kind);  // "env" / "algorithm"

// What `marl list` shows for one plugin file.
struct PluginRecord {
  std::filesystem::path file;
  std::string kind;  // "env" / "algorithm" (from the info record when readable)
  std::string name;
  std::string version;
  std::string description;
  std::string build_tag;
  std::string error;  // empty when the plugin loads; otherwise why not
  bool ok() const { return error.empty(); }
};

class LoadedPlugin;

class PluginRegistry {
 public:
  explicit PluginRegistry(std::vector<std::filesystem::path> search_dirs);

  // Build folder, MARL_PLUGIN_PATH, install folder, then `extra_dirs`.
  static std::vector<std::filesystem::path> default_search_path(
      const std::vector<std::filesystem::path>& extra_dirs = {});

  const std::vector<std::filesystem::path>& search_dirs() const { return dirs_; }

  // Every plugin file in the search path, each loaded and checked; failures
  // are reported in PluginRecord::error, never thrown.
  std::vector<PluginRecord> discover() const;

  // Loads the plugin of that kind and name. Throws PluginError with a
  // one-paragraph message: not found (listing what exists and the folders
  // searched), ABI or build-tag mismatch, missing symbols.
  std::shared_ptr<LoadedPlugin> load(PluginKind kind, const std::string& name) const;

  // Loads one file directly (tests, `marl info path/to/lib.so`).
  static std::shared_ptr<LoadedPlugin> load_file(const std::filesystem::path& file);

  // load(kind, name), or load_file() when `name` is a path (has a '/' or ends
  // in .so); a file of the other kind is a PluginError.
  std::shared_ptr<LoadedPlugin> load_name_or_file(PluginKind kind, const std::string& name) const;

 private:
  std::vector<std::filesystem::path> dirs_;
};

// A loaded, checked plugin. Objects it creates keep the library loaded for as
// long as they live, even after the LoadedPlugin is gone.
class LoadedPlugin : public std::enable_shared_from_this<LoadedPlugin> {
 public:
  virtual ~LoadedPlugin() = default;
  virtual const PluginRecord& record() const = 0;
  virtual PluginKind kind() const = 0;
  virtual const ParamSpecList& params() const = 0;

  // Factories; a throwing factory becomes a PluginError naming the plugin and
  // the exception's message. Calling the wrong kind's factory is a PluginError.
  virtual std::shared_ptr<Environment> make_env(const Params& params) const = 0;
  virtual std::shared_ptr<Algorithm> make_algorithm(const AlgorithmContext& context) const = 0;
};

// An env plugin's parameters: its defaults with `sets` ("key=value", values in
// TOML syntax) applied and validated exactly as an experiment file's [env]
// table; errors name `source` and the key.
Params env_params_from_sets(const LoadedPlugin& plugin, const std::vector<std::string>& sets,
                            const std::string& source);

}  // namespace marl
