// The plugin loader against the fixture plugins in tests/fixtures: the happy
// paths, lookups, discovery, search-path rules and object lifetime after
// unloading. Refusals are in test_plugin_refusals.cpp.
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/plugin.h"
#include "marl/host/plugin_registry.h"
#include "plugin_fixture_files.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using marl_test::check_contains_all;
using marl_test::fixture_file;
using marl::PluginKind;
using marl::PluginRegistry;

namespace {

const fs::path kFixtureDir = marl_test::fixture_dir();

std::string registry_load_error(const PluginRegistry& registry, PluginKind kind,
                                const std::string& name) {
  try {
    registry.load(kind, name);
  } catch (const marl::PluginError& e) {
    return e.what();
  }
  FAIL("loading '" << name << "' should have thrown marl::PluginError");
  return {};
}

// Whether the dynamic linker still has `file` mapped (RTLD_NOLOAD never loads).
bool library_is_mapped(const fs::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle) dlclose(handle);
  return handle != nullptr;
}

class ScopedEnvVar {
 public:
  ScopedEnvVar(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnvVar() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A fresh, empty folder under the system temp dir, removed afterwards.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() /
              ("marl_plugin_registry_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Buffers for fixture_ok's two agents with two-float observations.
struct FixtureOkBuffers {
  std::vector<float> obs = std::vector<float>(4, -1.0f);
  std::vector<float> reward = std::vector<float>(2, -1.0f);
  std::vector<int64_t> actions = std::vector<int64_t>(2, 0);

  marl::StepOutput output() {
    marl::StepOutput out;
    out.obs = obs.data();
    out.obs_stride = 2;
    out.reward = reward.data();
    return out;
  }
  marl::ActionInput input() const {
    marl::ActionInput in;
    in.discrete = actions.data();
    return in;
  }
};

marl::Params fixture_ok_params(const marl::LoadedPlugin& plugin, int64_t steps) {
  return marl::Params::defaults(plugin.params(), {{"steps", steps}});
}

marl::AlgorithmContext algo_context(const marl::LoadedPlugin& plugin, int64_t action) {
  marl::AlgorithmContext context;
  context.env.agents.resize(2);
  context.env_name = "fixture_ok";
  context.num_envs = 3;
  context.params = marl::Params::defaults(plugin.params(), {{"action", action}});
  return context;
}

}  // namespace

TEST_CASE("a good env plugin loads, declares its parameters and makes working envs",
          "[plugin_registry]") {
  const auto plugin = PluginRegistry::load_file(fixture_file("env", "fixture_ok"));
  const marl::PluginRecord& record = plugin->record();
  CHECK(record.ok());
  CHECK(record.kind == "env");
  CHECK(record.name == "fixture_ok");
  CHECK(record.version == "0.1.0");
  CHECK(record.build_tag == MARL_BUILD_TAG);
  CHECK(plugin->kind() == PluginKind::Env);
  REQUIRE(plugin->params().size() == 9);
  CHECK(plugin->params()[1].name == "steps");

  const auto env = plugin->make_env(fixture_ok_params(*plugin, 2));
  const marl::EnvSpec& spec = env->spec();
  REQUIRE(spec.num_agents() == 2);
  CHECK(spec.agents[1].action.is_discrete());
  CHECK(spec.agents[1].action.n == 3);
  CHECK(spec.episode_limit == 2);

  FixtureOkBuffers buffers;
  env->reset(12, buffers.output());
  CHECK(buffers.obs[0] == 5.0f);  // 12 % 7
  buffers.actions = {1, 1};
  CHECK_FALSE(env->step(buffers.input(), buffers.output()).done());
  CHECK(buffers.reward == std::vector<float>{1.0f, 1.0f});
  buffers.actions = {0, 2};
  CHECK(env->step(buffers.input(), buffers.output()).truncated);
  CHECK(buffers.reward == std::vector<float>{0.0f, 0.0f});
}

TEST_CASE("a good algorithm plugin loads by kind and name and makes algorithms",
          "[plugin_registry]") {
  const PluginRegistry registry({kFixtureDir});
  const auto plugin = registry.load(PluginKind::Algorithm, "fixture_algo_ok");
  CHECK(plugin->kind() == PluginKind::Algorithm);
  CHECK(plugin->record().kind == "algorithm");
  const auto algorithm = plugin->make_algorithm(algo_context(*plugin, 2));

  std::vector<int64_t> discrete(6, -1);
  marl::Batch batch;
  batch.num_agents = 2;
  batch.num_envs = 3;
  marl::ActionBatch actions;
  actions.num_agents = 2;
  actions.num_envs = 3;
  actions.discrete = discrete.data();
  algorithm->act(batch, actions, marl::ActMode::Explore);
  CHECK(discrete == std::vector<int64_t>(6, 2));
  CHECK_FALSE(algorithm->ready_to_train());
  algorithm->observe(marl::Transition{});
  algorithm->observe(marl::Transition{});
  CHECK(algorithm->ready_to_train());
}

TEST_CASE("asking a plugin for the other kind's object is a PluginError", "[plugin_registry]") {
  const PluginRegistry registry({kFixtureDir});
  const auto env_plugin = registry.load(PluginKind::Env, "fixture_ok");
  const auto algo_plugin = registry.load(PluginKind::Algorithm, "fixture_algo_ok");
  try {
    env_plugin->make_algorithm(algo_context(*algo_plugin, 0));
    FAIL("an env plugin made an algorithm");
  } catch (const marl::PluginError& e) {
    check_contains_all(e.what(), {"env plugin 'fixture_ok'", "wrong kind", "cannot create an algorithm"});
  }
  try {
    algo_plugin->make_env(marl::Params{});
    FAIL("an algorithm plugin made an env");
  } catch (const marl::PluginError& e) {
    check_contains_all(e.what(), {"algorithm plugin 'fixture_algo_ok'", "wrong kind",
                                  "cannot create an environment"});
  }
  const std::string message = registry_load_error(registry, PluginKind::Env, "fixture_algo_ok");
  check_contains_all(message, {"no env plugin named 'fixture_algo_ok'"});
}

TEST_CASE("created objects keep their library loaded after registry and plugin are gone",
          "[plugin_registry]") {
  const fs::path env_file = fixture_file("env", "fixture_ok");
  const fs::path algo_file = fixture_file("algo", "fixture_algo_ok");
  // Nothing else holds them, so the checks below see this test's references only.
  REQUIRE_FALSE(library_is_mapped(env_file));
  REQUIRE_FALSE(library_is_mapped(algo_file));

  std::shared_ptr<marl::Environment> env;
  std::shared_ptr<marl::Algorithm> algorithm;
  {
    auto registry = std::make_unique<PluginRegistry>(std::vector<fs::path>{kFixtureDir});
    auto env_plugin = registry->load(PluginKind::Env, "fixture_ok");
    auto algo_plugin = registry->load(PluginKind::Algorithm, "fixture_algo_ok");
    env = env_plugin->make_env(fixture_ok_params(*env_plugin, 3));
    algorithm = algo_plugin->make_algorithm(algo_context(*algo_plugin, 1));
    registry.reset();
    env_plugin.reset();
    algo_plugin.reset();
  }
  CHECK(library_is_mapped(env_file));
  CHECK(library_is_mapped(algo_file));

  // The plugin's code (vtables, spec, step) is still callable.
  FixtureOkBuffers buffers;
  env->reset(3, buffers.output());
  buffers.actions = {2, 2};
  env->step(buffers.input(), buffers.output());
  CHECK(buffers.reward == std::vector<float>{1.0f, 1.0f});
  CHECK(env->spec().agents[0].name == "agent_0");
  CHECK(algorithm->metric_names() == std::vector<std::string>{"observed"});

  env.reset();
  algorithm.reset();
  CHECK_FALSE(library_is_mapped(env_file));
  CHECK_FALSE(library_is_mapped(algo_file));
}

TEST_CASE("a missing plugin lists what exists, where it looked, and a likely typo",
          "[plugin_registry]") {
  const PluginRegistry registry({kFixtureDir});
  const std::string typo = registry_load_error(registry, PluginKind::Env, "fixture_okk");
  check_contains_all(typo, {"no env plugin named 'fixture_okk' (did you mean 'fixture_ok'?)",
                            "searched: " + kFixtureDir.string(),
                            "available env plugins: ", "fixture_abi_major", "fixture_ok",
                            "libmarl_env_fixture_okk.so", "MARL_PLUGIN_PATH", "--plugin-dir"});
  CHECK_THAT(typo, !Contains("fixture_algo_ok"));

  const std::string far = registry_load_error(registry, PluginKind::Algorithm, "qwertyuiopasdf");
  check_contains_all(far, {"no algorithm plugin named 'qwertyuiopasdf'",
                           "available algorithm plugins: fixture_algo_ok, fixture_probe."});
  CHECK_THAT(far, !Contains("did you mean"));

  const PluginRegistry empty({});
  check_contains_all(registry_load_error(empty, PluginKind::Env, "fixture_ok"),
                     {"searched: no existing plugin folder", "available env plugins: none"});
}

TEST_CASE("the first file found in the search path wins", "[plugin_registry]") {
  TempDir earlier("first_wins");
  fs::copy_file(fixture_file("env", "fixture_ok"), earlier.path() / "libmarl_env_fixture_ok.so");
  const PluginRegistry registry({earlier.path(), kFixtureDir});
  CHECK(registry.load(PluginKind::Env, "fixture_ok")->record().file.parent_path() ==
        earlier.path());

  const std::vector<marl::PluginRecord> records = registry.discover();
  std::vector<const marl::PluginRecord*> fixture_ok;
  for (const auto& record : records) {
    if (record.name == "fixture_ok") fixture_ok.push_back(&record);
  }
  REQUIRE(fixture_ok.size() == 2);
  CHECK(fixture_ok[0]->ok());
  CHECK(fixture_ok[0]->file.parent_path() == earlier.path());
  CHECK_THAT(fixture_ok[1]->error, Contains("shadowed by"));
}

TEST_CASE("discover lists good and broken plugins, sorted, without throwing",
          "[plugin_registry]") {
  const PluginRegistry registry({kFixtureDir});
  std::vector<marl::PluginRecord> records;
  REQUIRE_NOTHROW(records = registry.discover());

  auto find = [&](const std::string& name) -> const marl::PluginRecord* {
    for (const auto& record : records) {
      if (record.name == name) return &record;
    }
    FAIL("discover() did not list " << name);
    return nullptr;
  };
  const auto* ok = find("fixture_ok");
  CHECK(ok->ok());
  CHECK(ok->kind == "env");
  CHECK(ok->version == "0.1.0");
  CHECK(ok->description == "loader test fixture: two agents, discrete(3)");
  CHECK(find("fixture_algo_ok")->ok());
  CHECK(find("fixture_throws")->ok());  // its factory fails, but it loads fine

  const auto* abi = find("fixture_abi_major");
  CHECK_FALSE(abi->ok());
  CHECK_THAT(abi->error, Contains("major version must match"));
  CHECK(abi->version == "0.0.1");  // read from the info record before refusing
  const auto* garbage = find("garbage");
  CHECK(garbage->kind == "env");  // from the file name: nothing else was readable
  CHECK_THAT(garbage->error, Contains("invalid ELF header"));
  CHECK(find("fixture_kind_mismatch")->kind == "algorithm");
  CHECK_THAT(find("someone_else")->error, Contains("registers 'someone_else'"));
  for (const char* broken : {"fixture_abi_minor", "fixture_build_tag", "fixture_no_symbols",
                             "fixture_no_factory", "fixture_unresolved"}) {
    CHECK_FALSE(find(broken)->error.empty());
  }

  auto rank = [](const marl::PluginRecord& r) { return r.kind == "env" ? 0 : 1; };
  CHECK(std::is_sorted(records.begin(), records.end(),
                       [&](const marl::PluginRecord& a, const marl::PluginRecord& b) {
                         if (rank(a) != rank(b)) return rank(a) < rank(b);
                         return a.name < b.name;
                       }));
  CHECK(records.back().kind == "algorithm");
}

TEST_CASE("default_search_path reads MARL_PLUGIN_PATH, skips missing folders, drops duplicates",
          "[plugin_registry]") {
  TempDir extra("search_path");
  const fs::path fixtures = fs::canonical(kFixtureDir);
  const fs::path same_fixtures = kFixtureDir / ".." / kFixtureDir.filename();
  auto count = [](const std::vector<fs::path>& dirs, const fs::path& dir) {
    return std::count(dirs.begin(), dirs.end(), fs::canonical(dir));
  };
  auto index = [](const std::vector<fs::path>& dirs, const fs::path& dir) {
    return std::find(dirs.begin(), dirs.end(), fs::canonical(dir)) - dirs.begin();
  };

  {
    ScopedEnvVar unset("MARL_PLUGIN_PATH", std::nullopt);
    CHECK(count(PluginRegistry::default_search_path(), fixtures) == 0);
  }

  ScopedEnvVar path("MARL_PLUGIN_PATH", "/nonexistent/marl/plugins::" + kFixtureDir.string() +
                                            ":" + same_fixtures.string());
  const std::vector<fs::path> dirs = PluginRegistry::default_search_path({extra.path(), fixtures});
  CHECK(count(dirs, fixtures) == 1);
  CHECK(count(dirs, extra.path()) == 1);
  CHECK(index(dirs, fixtures) < index(dirs, extra.path()));
  for (const fs::path& dir : dirs) {
    CHECK(fs::is_directory(dir));
    CHECK(dir.string().find("nonexistent") == std::string::npos);
  }
  const fs::path build_plugins = MARL_TEST_PLUGIN_DIR;
  if (fs::is_directory(build_plugins)) CHECK(dirs.front() == fs::canonical(build_plugins));

  const PluginRegistry registry(dirs);
  CHECK(registry.load(PluginKind::Env, "fixture_ok")->record().name == "fixture_ok");
}
