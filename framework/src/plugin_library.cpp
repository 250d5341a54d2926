// Opening one plugin file with Boost.DLL and checking it before any C++
// object crosses the boundary: the plain-C info record is read first, and the
// parameter list and factory are only touched once ABI, build tag, kind and
// name all match.
#include "plugin_guards.h"
#include "plugin_library.h"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <exception>
#include <string_view>
#include <utility>

#include "marl/error.h"
#include "marl/plugin.h"

namespace marl {

const char* plugin_kind_name(PluginKind kind) {
  return kind == PluginKind::Env ? "env" : "algorithm";
}

namespace detail {
namespace {

constexpr std::string_view kEnvPrefix = "libmarl_env_";
constexpr std::string_view kAlgorithmPrefix = "libmarl_algo_";
constexpr std::string_view kSuffix = ".so";

using Library = boost::dll::shared_library;
using CreateEnvFn = Environment*(const Params&);
using CreateAlgorithmFn = Algorithm*(const AlgorithmContext&);
using InfoFn = const MarlPluginInfo*();
using ParamsFn = const ParamSpecList*();

std::string text_or_empty(const char* text) { return text ? std::string(text) : std::string(); }

std::string abi_text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

const std::string& core_abi_text() {
  static const std::string text = abi_text(MARL_ABI_MAJOR, MARL_ABI_MINOR);
  return text;
}

// "env plugin 'mpe' (/path/libmarl_env_mpe.so)": how every message names the plugin.
std::string describe(const PluginRecord& record) {
  return record.kind + " plugin '" + record.name + "' (" + record.file.string() + ")";
}

// Deletes a plugin-made object with the plugin's own code, then lets go of the
// library, so the code outlives every object it made.
template <typename T>
struct LibraryOwningDeleter {
  std::shared_ptr<Library> library;
  void operator()(T* object) {
    delete object;
    library.reset();
  }
};

class DllPlugin final : public LoadedPlugin {
 public:
  DllPlugin(std::shared_ptr<Library> library, PluginRecord record, PluginKind kind,
            ParamSpecList params)
      : library_(std::move(library)),
        record_(std::move(record)),
        kind_(kind),
        params_(std::move(params)) {
    if (kind_ == PluginKind::Env) {
      create_env_ = &library_->get<CreateEnvFn>("marl_create_env");
    } else {
      create_algorithm_ = &library_->get<CreateAlgorithmFn>("marl_create_algorithm");
    }
  }

  const PluginRecord& record() const override { return record_; }
  PluginKind kind() const override { return kind_; }
  const ParamSpecList& params() const override { return params_; }

  std::shared_ptr<Environment> make_env(const Params& params) const override {
    if (!create_env_) throw wrong_kind(PluginKind::Env);
    Environment* raw = guarded_call("an environment", [&] { return create_env_(params); });
    std::shared_ptr<Environment> env(raw, LibraryOwningDeleter<Environment>{library_});
    env->spec().validate(record_.name);
    return guard_environment(std::move(env));
  }

  std::shared_ptr<Algorithm> make_algorithm(const AlgorithmContext& context) const override {
    if (!create_algorithm_) throw wrong_kind(PluginKind::Algorithm);
    Algorithm* raw = guarded_call("an algorithm", [&] { return create_algorithm_(context); });
    return guard_algorithm(std::shared_ptr<Algorithm>(raw, LibraryOwningDeleter<Algorithm>{library_}));
  }

 private:
  PluginError wrong_kind(PluginKind wanted) const {
    return PluginError(describe(record_) + " is the wrong kind: it is " +
                       (kind_ == PluginKind::Env ? "an env" : "an algorithm") +
                       " plugin and cannot create " +
                       (wanted == PluginKind::Env ? "an environment" : "an algorithm") +
                       ". Name " + (wanted == PluginKind::Env ? "an env" : "an algorithm") +
                       " plugin here instead (`marl list` shows them by kind).");
  }

  // Exceptions leave as PluginError naming the plugin, and a null result is
  // refused rather than handed on.
  template <typename Factory>
  auto guarded_call(const char* what, Factory&& factory) const -> decltype(factory()) {
    decltype(factory()) result = nullptr;
    try {
      result = factory();
    } catch (const std::exception& e) {
      throw PluginError(describe(record_) + " failed to create " + what + ": " + e.what());
    } catch (...) {
      throw PluginError(describe(record_) + " failed to create " + what +
                        ": its factory threw something that is not a std::exception.");
    }
    if (!result) {
      throw PluginError(describe(record_) + " failed to create " + what +
                        ": its factory returned null. Fix the plugin's factory.");
    }
    return result;
  }

  std::shared_ptr<Library> library_;
  PluginRecord record_;
  PluginKind kind_;
  ParamSpecList params_;
  CreateEnvFn* create_env_ = nullptr;
  CreateAlgorithmFn* create_algorithm_ = nullptr;
};

std::shared_ptr<Library> open_library(const std::filesystem::path& file) {
  auto library = std::make_shared<Library>();
  boost::dll::fs::error_code ec;
  dlerror();  // drop any stale message so the one we report is this load's
  // rtld_now: a missing dependency or unresolved symbol fails here, with
  // dlerror's text, instead of crashing on first call.
  library->load(boost::dll::fs::path(file.string()), ec, boost::dll::load_mode::rtld_now);
  if (ec || !library->is_loaded()) {
    const char* dl_message = dlerror();
    std::string reason = dl_message ? std::string(dl_message) : ec.message();
    // dlerror repeats the path ("<file>: invalid ELF header"); it is named already.
    const std::string path_prefix = file.string() + ": ";
    if (reason.compare(0, path_prefix.size(), path_prefix) == 0) reason.erase(0, path_prefix.size());
    throw PluginError("cannot load plugin file '" + file.string() + "': " + reason +
                      ". If a library it needs is missing, install it or add its folder to "
                      "LD_LIBRARY_PATH; if the file is not a marl plugin, remove it from the "
                      "plugin folder; otherwise rebuild it.");
  }
  return library;
}

PluginKind checked_kind(const MarlPluginInfo& info, PluginRecord& record,
                        const std::optional<PluginFileName>& file_name) {
  const std::string rebuild = " Rebuild the plugin against this marl (ABI " + core_abi_text() + ")";
  if (info.abi_major != MARL_ABI_MAJOR) {
    throw PluginError(describe(record) + " was built for marl plugin ABI " +
                      abi_text(info.abi_major, info.abi_minor) + " but this marl has ABI " +
                      core_abi_text() + "; the major version must match exactly." + rebuild + ".");
  }
  if (info.abi_minor > MARL_ABI_MINOR) {
    throw PluginError(describe(record) + " was built for marl plugin ABI " +
                      abi_text(info.abi_major, info.abi_minor) +
                      ", which is newer than this marl's ABI " + core_abi_text() +
                      "; it may use features this marl lacks." + rebuild +
                      ", or upgrade marl.");
  }
  if (record.build_tag != MARL_BUILD_TAG) {
    throw PluginError(describe(record) + " has build tag '" + record.build_tag +
                      "' but this marl expects '" MARL_BUILD_TAG
                      "'; C++ objects cross the plugin boundary, so compiler, C++ library ABI, "
                      "LibTorch and marl versions must all match." + rebuild + ".");
  }
  PluginKind kind;
  if (record.kind == "env") {
    kind = PluginKind::Env;
  } else if (record.kind == "algorithm") {
    kind = PluginKind::Algorithm;
  } else {
    throw PluginError("plugin file '" + record.file.string() + "' declares kind '" +
                      record.kind + "' in marl_plugin_info; expected 'env' or 'algorithm'." +
                      " Register it with MARL_ENV_PLUGIN or MARL_ALGORITHM_PLUGIN and rebuild it.");
  }
  const std::string proper_name = plugin_file_name(kind, record.name);
  if (!file_name) {
    throw PluginError(describe(record) + " is in a file not named like a marl plugin; "
                      "expected " + proper_name + ". Rename the file so the registry can find it.");
  }
  if (file_name->kind != kind) {
    throw PluginError("plugin file '" + record.file.string() + "' is named like " +
                      (file_name->kind == PluginKind::Env ? "an env" : "an algorithm") +
                      " plugin but registers " + record.kind + " plugin '" + record.name +
                      "' (kind mismatch: expected '" + plugin_kind_name(file_name->kind) +
                      "'). Rename the file to " + proper_name +
                      " or register it with the other plugin macro.");
  }
  if (file_name->name != record.name) {
    throw PluginError("plugin file '" + record.file.string() + "' is named for " +
                      record.kind + " plugin '" + file_name->name + "' but registers '" +
                      record.name + "'. Rename the file to " + proper_name +
                      " or change the name in its registration macro.");
  }
  return kind;
}

std::shared_ptr<LoadedPlugin> open_checked(const std::filesystem::path& file,
                                           const std::optional<PluginFileName>& file_name,
                                           PluginRecord& record) {
  std::shared_ptr<Library> library = open_library(file);
  if (!library->has("marl_plugin_info")) {
    throw PluginError("plugin file '" + file.string() +
                      "' is not a marl plugin: missing symbol marl_plugin_info. Plugins "
                      "register with MARL_ENV_PLUGIN or MARL_ALGORITHM_PLUGIN (marl/plugin.h); "
                      "remove the file from the plugin folder if it is something else.");
  }
  const MarlPluginInfo* info = library->get<InfoFn>("marl_plugin_info")();
  if (!info) {
    throw PluginError("plugin file '" + file.string() +
                      "' is broken: marl_plugin_info returned null. Register the plugin with "
                      "MARL_ENV_PLUGIN or MARL_ALGORITHM_PLUGIN and rebuild it.");
  }
  record.kind = text_or_empty(info->kind);
  record.name = text_or_empty(info->name);
  record.version = text_or_empty(info->version);
  record.description = text_or_empty(info->description);
  record.build_tag = text_or_empty(info->build_tag);

  const PluginKind kind = checked_kind(*info, record, file_name);
  const char* factory = kind == PluginKind::Env ? "marl_create_env" : "marl_create_algorithm";
  const char* macro = kind == PluginKind::Env ? "MARL_ENV_PLUGIN" : "MARL_ALGORITHM_PLUGIN";
  for (const char* symbol : {"marl_plugin_params", factory}) {
    if (!library->has(symbol)) {
      throw PluginError(describe(record) + " is missing the exported symbol " + symbol +
                        "; register the plugin with " + macro +
                        " (marl/plugin.h), which exports it, and rebuild.");
    }
  }

  // Copied so the core never holds a pointer into the library's static data.
  ParamSpecList params;
  try {
    const ParamSpecList* declared = library->get<ParamsFn>("marl_plugin_params")();
    if (declared) params = *declared;
  } catch (const std::exception& e) {
    throw PluginError(describe(record) + " failed while declaring its parameters: " + e.what());
  }
  return std::make_shared<DllPlugin>(std::move(library), record, kind, std::move(params));
}

}  // namespace

std::optional<PluginFileName> parse_plugin_file_name(const std::string& filename) {
  std::string_view rest(filename);
  if (rest.size() <= kSuffix.size() || rest.substr(rest.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  rest.remove_suffix(kSuffix.size());
  PluginFileName parsed;
  if (rest.substr(0, kEnvPrefix.size()) == kEnvPrefix) {
    parsed.kind = PluginKind::Env;
    rest.remove_prefix(kEnvPrefix.size());
  } else if (rest.substr(0, kAlgorithmPrefix.size()) == kAlgorithmPrefix) {
    parsed.kind = PluginKind::Algorithm;
    rest.remove_prefix(kAlgorithmPrefix.size());
  } else {
    return std::nullopt;
  }
  if (rest.empty()) return std::nullopt;
  parsed.name = std::string(rest);
  return parsed;
}

std::string plugin_file_name(PluginKind kind, const std::string& name) {
  const std::string_view prefix = kind == PluginKind::Env ? kEnvPrefix : kAlgorithmPrefix;
  return std::string(prefix) + name + std::string(kSuffix);
}

PluginProbe probe_plugin_file(const std::filesystem::path& file) {
  PluginProbe probe;
  probe.record.file = file;
  const std::optional<PluginFileName> file_name = parse_plugin_file_name(file.filename().string());
  if (file_name) {
    probe.record.kind = plugin_kind_name(file_name->kind);
    probe.record.name = file_name->name;
  }
  try {
    probe.plugin = open_checked(file, file_name, probe.record);
  } catch (const PluginError& e) {
    probe.record.error = e.what();
  } catch (const std::exception& e) {
    probe.record.error = "plugin file '" + file.string() + "' could not be opened: " + e.what();
  }
  return probe;
}

}  // namespace detail

std::shared_ptr<LoadedPlugin> PluginRegistry::load_file(const std::filesystem::path& file) {
  detail::PluginProbe probe = detail::probe_plugin_file(file);
  if (!probe.plugin) throw PluginError(probe.record.error);
  return probe.plugin;
}

}  // namespace marl
