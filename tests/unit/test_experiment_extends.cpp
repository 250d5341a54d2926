// `extends` chains: merging, error locations in the file that set a value,
// missing files and cycles. Files go to a fresh temp dir per test.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "marl/error.h"
#include "marl/host/experiment_config.h"

namespace fs = std::filesystem;
using marl::ExperimentDocument;
using marl::ParamSpec;

namespace {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("marl_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path write(const std::string& relative, const std::string& text) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }
  std::string str(const std::string& relative) const { return (path_ / relative).string(); }

 private:
  fs::path path_;
};

marl::ParamSpecList env_specs() {
  return {
      ParamSpec::choice("game", "two_step", {"two_step", "nonmonotonic"}, "which game"),
      ParamSpec::integer("n_agents", 2, "agents").range(1, 64),
  };
}

marl::ParamSpecList algorithm_specs() { return {ParamSpec::real("lr", 7e-4, "learning rate").range(0, 1)}; }

ExperimentDocument::Resolved resolve_file(const fs::path& file, const std::vector<std::string>& overrides = {}) {
  return ExperimentDocument::load(file, overrides).resolve(env_specs(), algorithm_specs());
}

std::string load_error(const fs::path& file, const std::vector<std::string>& overrides = {}) {
  try {
    resolve_file(file, overrides);
  } catch (const marl::ConfigError& e) {
    return e.what();
  }
  FAIL("expected a marl::ConfigError");
  return "";
}

const char* const kBase =
    "[run]\n"
    "seed = 1\n"
    "env_steps = 500\n"
    "[env]\n"
    "plugin = \"matrix_games\"\n"
    "game = \"nonmonotonic\"\n"
    "n_agents = 3\n"
    "[algorithm]\n"
    "plugin = \"random\"\n";

}  // namespace

TEST_CASE("a file extending another is merged over it key by key", "[config][extends]") {
  TempDir dir;
  dir.write("base.toml", kBase);
  const fs::path child = dir.write("exps/child.toml",
                                   "extends = \"../base.toml\"\n"
                                   "[run]\nenv_steps = 200\n"
                                   "[env]\nn_agents = 5\n");
  const auto resolved = resolve_file(child);
  CHECK(resolved.run.get_int("seed") == 1);  // from the parent
  CHECK(resolved.run.get_int("env_steps") == 200);
  CHECK(resolved.env_plugin == "matrix_games");
  CHECK(resolved.env.get_string("game") == "nonmonotonic");
  CHECK(resolved.env.get_int("n_agents") == 5);
  CHECK(resolved.algorithm_plugin == "random");
  CHECK(ExperimentDocument::load(child).source_name() == child.string());
}

TEST_CASE("extends chains apply from the root file outwards, then --set", "[config][extends]") {
  TempDir dir;
  dir.write("a.toml", kBase);
  dir.write("b.toml", "extends = \"a.toml\"\n[run]\nseed = 2\nenv_steps = 700\n");
  const fs::path c = dir.write("c.toml", "extends = 'b.toml'\n[run]\nseed = 3\n[algorithm]\nlr = 0.5\n");
  const auto resolved = resolve_file(c);
  CHECK(resolved.run.get_int("seed") == 3);
  CHECK(resolved.run.get_int("env_steps") == 700);
  CHECK(resolved.env.get_int("n_agents") == 3);
  CHECK(resolved.algorithm.get_double("lr") == 0.5);
  CHECK(resolved.algorithm_plugin == "random");  // [algorithm] merged, not replaced

  const auto overridden = resolve_file(c, {"run.env_steps=900", "env.game=two_step"});
  CHECK(overridden.run.get_int("env_steps") == 900);
  CHECK(overridden.env.get_string("game") == "two_step");
}

TEST_CASE("an error points at the file that set the bad value", "[config][extends]") {
  TempDir dir;
  dir.write("base.toml", std::string(kBase) + "lrr = 0.1\n");
  const fs::path child = dir.write("sub/child.toml", "extends = \"../base.toml\"\n[run]\nnum_envs = 0\n");
  // The child's own bad value comes first in [run]'s validation...
  CHECK_THAT(load_error(child), Catch::StartsWith(child.string() + ":3:12: key 'run.num_envs'"));
  // ...and once it is fixed, the parent's typo is reported in the parent.
  const fs::path fixed = dir.write("sub/fixed.toml", "extends = \"../base.toml\"\n");
  CHECK_THAT(load_error(fixed),
             Catch::StartsWith(dir.str("base.toml") + ":10:7: unknown key 'algorithm.lrr'"));
  // A value the child replaces is reported where the child set it.
  const fs::path replaced = dir.write("sub/replaced.toml", "extends = \"../base.toml\"\n[algorithm]\nlrr = 2\n");
  CHECK_THAT(load_error(replaced), Catch::StartsWith(replaced.string() + ":3:7: unknown key 'algorithm.lrr'"));
}

TEST_CASE("extends naming a missing file names the extending file and line", "[config][extends]") {
  TempDir dir;
  const fs::path child = dir.write("child.toml", "# comment\nextends = \"missing.toml\"\n");
  const std::string message = load_error(child);
  CHECK_THAT(message, Catch::StartsWith(child.string() + ":2:11: "));
  CHECK_THAT(message, Catch::Contains(dir.str("missing.toml")) && Catch::Contains("does not exist"));

  const fs::path not_string = dir.write("bad.toml", "extends = 3\n");
  CHECK_THAT(load_error(not_string),
             Catch::StartsWith(not_string.string() + ":1:11: 'extends' must be a string") &&
                 Catch::Contains("got an integer 3"));
}

TEST_CASE("extends naming a folder says so", "[config][extends]") {
  TempDir dir;
  dir.write("sub/x.toml", kBase);
  const fs::path child = dir.write("child.toml", "extends = \"sub\"\n");
  CHECK_THAT(load_error(child), Catch::Contains("which is a folder; 'extends' names an experiment file"));
}

TEST_CASE("absurdly deep keys are refused quickly, with a location", "[config]") {
  TempDir dir;
  std::string key = "a";
  for (int i = 0; i < 12000; ++i) key += ".a";
  const fs::path file = dir.write("deep.toml", std::string(kBase) + key + " = 1\n");
  CHECK_THAT(load_error(file), Catch::StartsWith(file.string() + ":10:") && Catch::Contains("nested more than 32 levels"));
  CHECK_THAT(load_error(dir.write("ok.toml", kBase), {key + "=1"}), Catch::Contains("a key of more than 32 parts"));
}

TEST_CASE("extends cycles are errors naming the chain", "[config][extends]") {
  TempDir dir;
  const fs::path a = dir.write("a.toml", "extends = \"b.toml\"\n");
  dir.write("b.toml", "extends = \"./a.toml\"\n");
  const std::string message = load_error(a);
  CHECK_THAT(message, Catch::StartsWith(dir.str("b.toml") + ":1:11: 'extends' forms a cycle: "));
  CHECK_THAT(message, Catch::EndsWith(a.string() + " -> " + dir.str("b.toml") + " -> " + a.string()));

  const fs::path self = dir.write("self.toml", "extends = \"self.toml\"\n");
  CHECK_THAT(load_error(self), Catch::Contains("cycle"));
}

TEST_CASE("a missing or malformed experiment file is a ConfigError naming it", "[config][extends]") {
  TempDir dir;
  CHECK_THAT(load_error(dir.str("nope.toml")), Catch::StartsWith(dir.str("nope.toml") + ": "));
  dir.write("base.toml", "[run\nseed = 1\n");
  const fs::path child = dir.write("child.toml", "extends = \"base.toml\"\n");
  CHECK_THAT(load_error(child), Catch::StartsWith(dir.str("base.toml") + ":1:") &&
                                    Catch::Contains("invalid TOML"));
}
