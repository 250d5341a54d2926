// Experiment files: validation against ParamSpecs, error messages, --set
// overrides and closest_match. `extends` has its own file.
#include <catch2/catch.hpp>

#include <functional>

#include "marl/error.h"
#include "closest_match.h"
#include "marl/host/experiment_config.h"

using marl::ExperimentDocument;
using marl::ParamSpec;

namespace {

marl::ParamSpecList env_specs() {
  return {
      ParamSpec::choice("game", "two_step", {"two_step", "nonmonotonic"}, "which game"),
      ParamSpec::integer("n_agents", 2, "agents").range(1, 64),
      ParamSpec::boolean("shaped", false, "reward shaping"),
  };
}

marl::ParamSpecList algorithm_specs() {
  return {
      ParamSpec::real("lr", 7e-4, "learning rate").range(0, 1),
      ParamSpec::real("gamma", 0.99, "discount").range(0, 1),
      ParamSpec::int_list("layers", {64, 64}, "hidden sizes").range(1, 1024),
      ParamSpec::real_list("weights", {}, "mixing weights"),
  };
}

const char* const kMinimal =
    "[env]\n"
    "plugin = \"matrix_games\"\n"
    "[algorithm]\n"
    "plugin = \"random\"\n";

ExperimentDocument::Resolved resolve(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return ExperimentDocument::parse(text, "exp.toml", overrides).resolve(env_specs(), algorithm_specs());
}

// The message of the ConfigError `action` throws; fails the test if none.
std::string config_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const marl::ConfigError& e) {
    return e.what();
  }
  FAIL("expected a marl::ConfigError");
  return "";
}

std::string resolve_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return config_error([&] { resolve(text, overrides); });
}

}  // namespace

TEST_CASE("a minimal experiment resolves with every default filled in", "[config]") {
  const auto resolved = resolve(kMinimal);
  CHECK(resolved.env_plugin == "matrix_games");
  CHECK(resolved.algorithm_plugin == "random");
  CHECK(resolved.run.values().size() == marl::run_param_specs().size());
  CHECK(resolved.run.get_int("env_steps") == 10000);
  CHECK(resolved.run.get_int("num_envs") == 8);
  CHECK(resolved.run.get_string("name").empty());
  CHECK(resolved.env.get_string("game") == "two_step");
  CHECK(resolved.env.values().size() == 3);  // 'plugin' is not a param
  CHECK(resolved.algorithm.get_int_list("layers") == std::vector<int64_t>{64, 64});
}

TEST_CASE("values from the file replace the defaults", "[config]") {
  const auto resolved = resolve(std::string(kMinimal) +
                                "lr = 1\n"
                                "weights = [1, 0.5]\n"
                                "layers = [8]\n"
                                "[run]\nseed = 5\nseeds = [1, 2]\nthreads = 0\n");
  CHECK(resolved.run.get_int("seed") == 5);
  CHECK(resolved.run.get_int_list("seeds") == std::vector<int64_t>{1, 2});
  CHECK(resolved.run.get_int("threads") == 0);
  // TOML integers are accepted for floats and stored as doubles.
  CHECK(std::holds_alternative<double>(resolved.algorithm.get("lr")));
  CHECK(resolved.algorithm.get_double("lr") == 1.0);
  CHECK(std::get<std::vector<double>>(resolved.algorithm.get("weights")) == std::vector<double>{1.0, 0.5});
  CHECK(resolved.algorithm.get_int_list("layers") == std::vector<int64_t>{8});
}

TEST_CASE("run_param_specs declares the core's [run] keys with valid defaults", "[config]") {
  std::vector<std::string> names;
  for (const auto& spec : marl::run_param_specs()) {
    names.push_back(spec.name);
    INFO(spec.name);
    CHECK(spec.check(spec.default_value).empty());
    CHECK_FALSE(spec.doc.empty());
  }
  CHECK(names == std::vector<std::string>{"name", "seed", "seeds", "env_steps", "num_envs", "threads",
                                          "torch_threads", "log_interval", "checkpoint_interval", "checkpoint_minutes",
                                          "keep_checkpoints", "checkpoint_replay", "eval_interval", "eval_episodes", "check_env_steps", "eval_baseline"});
  CHECK_FALSE(marl::run_param_specs()[4].check(int64_t{65537}).empty());  // num_envs
  CHECK_FALSE(marl::run_param_specs()[5].check(int64_t{257}).empty());    // threads
}

TEST_CASE("malformed TOML is reported at its file, line and column", "[config]") {
  const std::string message = resolve_error("[run]\nseed = \n");
  CHECK_THAT(message, Catch::StartsWith("exp.toml:2:"));
  CHECK_THAT(message, Catch::Contains("invalid TOML"));
}

TEST_CASE("an unknown key names the key, the plugin, the likely typo and the valid keys", "[config]") {
  const std::string message = resolve_error(std::string(kMinimal) + "lrr = 0.1\n");
  CHECK_THAT(message, Catch::StartsWith("exp.toml:5:7: unknown key 'algorithm.lrr'"));
  CHECK_THAT(message, Catch::Contains("algorithm plugin 'random'"));
  CHECK_THAT(message, Catch::Contains("did you mean 'lr'?"));
  CHECK_THAT(message, Catch::Contains("Valid keys: plugin, lr, gamma, layers, weights."));

  const std::string far = resolve_error(std::string(kMinimal) + "[run]\nbanana = 1\n");
  CHECK_THAT(far, Catch::StartsWith("exp.toml:6:10: unknown key 'run.banana' in [run]."));
  CHECK_THAT(far, !Catch::Contains("did you mean"));
  CHECK_THAT(far, Catch::Contains("env_steps"));
}

TEST_CASE("a value of the wrong type names the key, what was expected and what was given", "[config]") {
  CHECK(resolve_error(std::string(kMinimal) + "[run]\nenv_steps = \"1e5\"\n") ==
        "exp.toml:6:13: key 'run.env_steps' expects an integer >= 1, got a string \"1e5\"");
  CHECK(resolve_error("[env]\nplugin = \"m\"\nn_agents = 2.0\n[algorithm]\nplugin = \"r\"\n") ==
        "exp.toml:3:12: key 'env.n_agents' expects an integer in [1, 64], got a float 2.0");
  CHECK_THAT(resolve_error("[env]\nplugin = \"m\"\nshaped = 1\n[algorithm]\nplugin = \"r\"\n"),
             Catch::Contains("expects a boolean (true or false), got an integer 1"));
  CHECK_THAT(resolve_error("[env]\nplugin = \"m\"\nshaped = \"true\"\n[algorithm]\nplugin = \"r\"\n"),
             Catch::Contains("got a string \"true\""));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "layers = [64, \"a\"]\n"),
             Catch::Contains("key 'algorithm.layers' expects a list of integers, each in [1, 1024], got a list "
                             "[64, \"a\"]"));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "layers = 64\n"),
             Catch::Contains("got an integer 64"));
}

TEST_CASE("nan and inf are refused for every float, bounded or not", "[config]") {
  CHECK_THAT(resolve_error(std::string(kMinimal) + "weights = [0.5, nan]\n"),
             Catch::EndsWith("key 'algorithm.weights' expects a list of finite floats, got [0.5, nan]"));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "weights = [inf]\n"), Catch::Contains("got [inf]"));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "gamma = nan\n"),
             Catch::EndsWith("key 'algorithm.gamma' expects a float in [0, 1], got nan"));
}

TEST_CASE("run.name must be a plain folder name", "[config]") {
  CHECK_THAT(resolve_error(std::string(kMinimal) + "[run]\nname = \"../../x\"\n"),
             Catch::Contains("key 'run.name' must hold only letters, digits, '-', '_' and '.'"));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "[run]\nname = \"a\\nb\"\n"), Catch::Contains("run.name"));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "[run]\nname = \"..\"\n"), Catch::Contains("run.name"));
  CHECK(resolve(std::string(kMinimal) + "[run]\nname = \"spread-v3_seed.1\"\n").run.get_string("name") ==
        "spread-v3_seed.1");
}

TEST_CASE("a repeated seed in run.seeds is refused", "[config]") {
  CHECK(resolve_error(std::string(kMinimal) + "[run]\nseeds = [1, 2, 1]\n") ==
        "exp.toml:6:9: key 'run.seeds' lists seed 1 more than once; each seed is one run (folder seed_<n>)");
}

TEST_CASE("a value out of range names the range and the value", "[config]") {
  CHECK(resolve_error(std::string(kMinimal) + "[run]\nnum_envs = 0\n") ==
        "exp.toml:6:12: key 'run.num_envs' expects an integer in [1, 65536], got 0");
  CHECK_THAT(resolve_error(std::string(kMinimal) + "gamma = 1.5\n"),
             Catch::EndsWith("key 'algorithm.gamma' expects a float in [0, 1], got 1.5"));
  CHECK_THAT(resolve_error(std::string(kMinimal) + "layers = [64, 0]\n"),
             Catch::EndsWith("expects a list of integers, each in [1, 1024], got [64, 0]"));
  CHECK_THAT(resolve_error("[env]\nplugin = \"m\"\ngame = \"climb\"\n[algorithm]\nplugin = \"r\"\n"),
             Catch::EndsWith("key 'env.game' expects one of \"two_step\", \"nonmonotonic\", got \"climb\""));
  CHECK_THAT(resolve_error("[env]\nplugin = \"m\"\ngame = \"Two_Stepp\"\n[algorithm]\nplugin = \"r\"\n"),
             Catch::EndsWith("got \"Two_Stepp\"; did you mean \"two_step\"?"));
}

TEST_CASE("only extends, [run], [env], [algorithm], [expect] and [sweep] are allowed at the top level", "[config]") {
  const std::string table = resolve_error(std::string(kMinimal) + "[algoritm]\nx = 1\n");
  CHECK_THAT(table,
             Catch::StartsWith("exp.toml:5:1: unknown top-level table [algoritm]; did you mean 'algorithm'?"));
  const std::string key = resolve_error("sed = 3\n" + std::string(kMinimal));
  CHECK_THAT(key, Catch::StartsWith("exp.toml:1:7: unknown top-level key 'sed'"));
  CHECK_THAT(key, Catch::Contains("[run], [env], [algorithm], [expect] and [sweep]"));
  CHECK_THAT(resolve_error("run = 3\n" + std::string(kMinimal)),
             Catch::StartsWith("exp.toml:1:7: 'run' must be a table"));
}

TEST_CASE("[env] and [algorithm] must name their plugin", "[config]") {
  const std::string hint = "[env] needs a 'plugin' key naming the environment plugin; `marl list` shows the "
                           "installed ones";
  const std::string no_table = resolve_error("[algorithm]\nplugin = \"random\"\n");
  CHECK_THAT(no_table, Catch::StartsWith("exp.toml:1:1: " + hint));

  const std::string no_key = resolve_error("[env]\ngame = \"two_step\"\n[algorithm]\nplugin = \"random\"\n");
  CHECK_THAT(no_key, Catch::StartsWith("exp.toml:1:1: " + hint));

  const std::string not_string = resolve_error("[env]\nplugin = 3\n[algorithm]\nplugin = \"random\"\n");
  CHECK_THAT(not_string, Catch::StartsWith("exp.toml:2:10: key 'env.plugin' must be a string"));
  CHECK_THAT(not_string, Catch::Contains("got an integer 3"));

  const std::string no_algorithm = config_error(
      [] { ExperimentDocument::parse("[env]\nplugin = \"m\"\n", "exp.toml").algorithm_plugin(); });
  CHECK_THAT(no_algorithm, Catch::Contains("[algorithm] needs a 'plugin' key naming the algorithm plugin"));
  CHECK(ExperimentDocument::parse(kMinimal, "exp.toml").env_plugin() == "matrix_games");
}

TEST_CASE("overrides (--set) parse TOML values, or take the text as a string", "[config][set]") {
  const auto resolved = resolve(kMinimal, {"run.seed=7", "env.game=nonmonotonic", "algorithm.layers=[8, 8]",
                                           "algorithm.lr = 0.5", "run.name=\"quoted-name\"",
                                           "env.shaped=true"});
  CHECK(resolved.run.get_int("seed") == 7);
  CHECK(resolved.env.get_string("game") == "nonmonotonic");
  CHECK(resolved.algorithm.get_int_list("layers") == std::vector<int64_t>{8, 8});
  CHECK(resolved.algorithm.get_double("lr") == 0.5);
  CHECK(resolved.run.get_string("name") == "quoted-name");
  CHECK(resolved.env.get_bool("shaped"));

  // Later overrides win, and an override can create a table or switch the plugin.
  const auto later = resolve("[env]\nplugin = \"m\"\n", {"run.seed=1", "run.seed=2", "algorithm.plugin=ppo"});
  CHECK(later.run.get_int("seed") == 2);
  CHECK(later.algorithm_plugin == "ppo");
}

TEST_CASE("errors in --set values are located at the --set argument", "[config][set]") {
  CHECK_THAT(resolve_error(kMinimal, {"algorithm.lrr=0.1"}),
             Catch::StartsWith("--set algorithm.lrr=0.1: unknown key 'algorithm.lrr'") &&
                 Catch::Contains("did you mean 'lr'?"));
  CHECK(resolve_error(kMinimal, {"run.env_steps=ten"}) ==
        "--set run.env_steps=ten: key 'run.env_steps' expects an integer >= 1, got a string \"ten\"");
  CHECK_THAT(resolve_error(kMinimal, {"run.num_envs=0"}), Catch::StartsWith("--set run.num_envs=0: "));
}

TEST_CASE("a malformed --set argument is a ConfigError naming it", "[config][set]") {
  for (const std::string bad : {"run.seed", "=3", "run..seed=3", "run.=3", " =3"}) {
    INFO(bad);
    CHECK_THAT(resolve_error(kMinimal, {bad}), Catch::StartsWith("--set " + bad + ": "));
  }
  CHECK_THAT(resolve_error(kMinimal, {"env.plugin.x=1"}),
             Catch::Contains("'env.plugin' is a string \"matrix_games\" (set at exp.toml:2:10), not a table"));
  CHECK_THAT(resolve_error(kMinimal, {"extends=other.toml"}), Catch::Contains("'extends'"));
}

TEST_CASE("closest_match finds likely typos and nothing else", "[config]") {
  const std::vector<std::string> keys = {"lr", "gamma", "seed", "seeds", "env_steps", "learning_rate"};
  CHECK(marl::closest_match("lrr", keys) == std::optional<std::string>("lr"));
  CHECK(marl::closest_match("LR", keys) == std::optional<std::string>("lr"));
  CHECK(marl::closest_match("GAMMA", keys) == std::optional<std::string>("gamma"));
  CHECK(marl::closest_match("seeds", keys) == std::optional<std::string>("seeds"));
  CHECK(marl::closest_match("sed", keys) == std::optional<std::string>("seed"));
  CHECK(marl::closest_match("enf_step", keys) == std::optional<std::string>("env_steps"));
  CHECK(marl::closest_match("learnign_rate", keys) == std::optional<std::string>("learning_rate"));
  CHECK_FALSE(marl::closest_match("xy", keys).has_value());
  CHECK_FALSE(marl::closest_match("banana", keys).has_value());
  CHECK_FALSE(marl::closest_match("gamma_decay", keys).has_value());
  CHECK_FALSE(marl::closest_match("lr", {}).has_value());
}

TEST_CASE("a string list key takes a TOML list, or the comma-separated string of older files",
          "[config]") {
  const marl::ParamSpecList specs = {ParamSpec::string_list("teams", {}, "team names")};
  auto resolve = [&](const std::string& value) {
    const auto doc = marl::ExperimentDocument::parse(
        "[env]\nplugin = \"e\"\n[algorithm]\nplugin = \"a\"\nteams = " + value + "\n", "exp.toml");
    return doc.resolve({}, specs).algorithm.get_string_list("teams");
  };
  CHECK(resolve("[\"hiders\", \"seekers\"]") == std::vector<std::string>{"hiders", "seekers"});
  CHECK(resolve("[]").empty());
  CHECK(resolve("\"\"").empty());
  CHECK(resolve("\"hiders, seekers\"") == std::vector<std::string>{"hiders", "seekers"});
  CHECK_THROWS_WITH(resolve("\"a,,b\""), Catch::Contains("exp.toml:5:") && Catch::Contains("distinct non-empty"));
  CHECK_THROWS_WITH(resolve("[1, 2]"), Catch::Contains("list of distinct non-empty strings"));
}
