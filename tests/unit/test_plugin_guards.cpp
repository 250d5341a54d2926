// Everything a plugin implements reaches it through the loader's guard
// (plugin_guards.cpp): fixture_probe answers every virtual method of
// Environment and Algorithm with a value no default gives, so a method the
// guard does not forward shows up here as the base class's default.
#include <catch2/catch.hpp>

#include <sstream>

#include "marl/host/plugin_registry.h"

namespace {
std::filesystem::path probe(const std::string& kind) {
  return std::filesystem::path(MARL_TEST_FIXTURE_DIR) / ("libmarl_" + kind + "_fixture_probe.so");
}
}  // namespace

TEST_CASE("the plugin guard forwards every Environment method", "[plugins]") {
  const auto plugin = marl::PluginRegistry::load_file(probe("env"));
  const auto env = plugin->make_env(marl::Params::defaults(plugin->params()));
  float obs[1] = {0};
  float reward[1] = {0};
  marl::StepOutput out;
  out.obs = obs;
  out.obs_stride = 1;
  out.reward = reward;
  CHECK(env->spec().episode_metrics == std::vector<std::string>{"probe_metric"});
  env->reset(5, out);
  CHECK(obs[0] == 5.0f);
  int64_t action = 1;
  marl::ActionInput in;
  in.discrete = &action;
  CHECK(env->step(in, out).truncated);
  CHECK(obs[0] == 11.0f);
  CHECK(reward[0] == 7.0f);
  double metric = 0;
  env->episode_metrics(&metric);
  CHECK(metric == 42.0);
  CHECK(env->render() == "probe render");
  marl::Frame frame;
  CHECK(env->describe_frame(frame));
  REQUIRE(frame.shapes.size() == 1);
  CHECK(frame.shapes[0].label == "probe frame");
}

TEST_CASE("the plugin guard forwards every Algorithm method", "[plugins]") {
  const auto env_plugin = marl::PluginRegistry::load_file(probe("env"));
  const auto plugin = marl::PluginRegistry::load_file(probe("algo"));
  marl::AlgorithmContext context;
  context.env = env_plugin->make_env(marl::Params::defaults(env_plugin->params()))->spec();
  context.env_name = "fixture_probe";
  context.num_envs = 1;
  context.params = marl::Params::defaults(plugin->params());
  const auto algo = plugin->make_algorithm(context);
  CHECK(algo->metric_names() == std::vector<std::string>{"probe_metric"});
  int64_t action = 0;
  marl::ActionBatch actions;
  actions.num_agents = 1;
  actions.num_envs = 1;
  actions.discrete = &action;
  marl::Batch batch;
  batch.num_agents = 1;
  batch.num_envs = 1;
  algo->act(batch, actions, marl::ActMode::Greedy);
  CHECK(action == 1);
  marl::Transition transition;
  algo->observe(transition);
  CHECK(algo->ready_to_train());
  CHECK(algo->ready_in_lockstep());
  algo->begin_evaluation();
  std::vector<double> metrics;
  algo->train(metrics);
  CHECK(metrics == std::vector<double>{101.0});  // one observe, one begin_evaluation
  REQUIRE(algo->update_gemms().size() == 1);
  CHECK(algo->update_gemms()[0].k == 7);
  CHECK(algo->parameter_digest() == 4242);
  std::ostringstream full, policy;
  algo->save(full);
  algo->save_policy(policy);
  CHECK(full.str() == "full 1");
  CHECK(policy.str() == "policy 1");
  std::istringstream in("full 9");
  algo->load(in);
  std::ostringstream again;
  algo->save(again);
  CHECK(again.str() == "full 9");
}
