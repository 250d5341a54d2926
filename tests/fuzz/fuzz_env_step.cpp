// Fuzz target: the in-tree env plugins as marl loads them, with arbitrary
// parameters and arbitrary actions through the vector env (which must refuse
// an invalid action with InvalidActionError before the env sees it). The
// first bytes pick the plugin, its parameters and the seed; the rest are
// actions. Any marl::Error is a correct answer; a crash, another exception
// or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/host/vector_env.h"
#include "marl/testing/plugin_env.h"

namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  int32_t integer() {  // any int32, negative included
    int32_t v = 0;
    uint8_t raw[4] = {byte(), byte(), byte(), byte()};
    std::memcpy(&v, raw, sizeof v);
    return v;
  }
  float real() {  // any float, NaN and inf included
    float v = 0.0f;
    uint8_t raw[4] = {byte(), byte(), byte(), byte()};
    std::memcpy(&v, raw, sizeof v);
    return v;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// A few parameter settings per plugin, in and out of range.
std::vector<std::string> parameters(int plugin, Bytes& in) {
  const int b = in.byte();
  switch (plugin) {
    case 0: {
      static const char* scenarios[] = {"simple_spread_v3", "simple_tag_v3", "simple_reference_v3"};
      return {std::string("scenario=") + scenarios[b % 3], "continuous_actions=" + std::string(b & 4 ? "true" : "false"),
              "max_cycles=" + std::to_string(static_cast<int>(in.byte()) - 2),
              "N=" + std::to_string(in.byte() % 9)};
    }
    case 1:
      return {"n_seekers=" + std::to_string(b % 5), "n_hiders=" + std::to_string(in.byte() % 5),
              "width=" + std::to_string(in.byte() % 40), "height=" + std::to_string(in.byte() % 40),
              "n_boxes_max=" + std::to_string(in.byte() % 9), "n_ramps=" + std::to_string(in.byte() % 4)};
    default:
      return {std::string("game=") + (b & 1 ? "two_step" : "nonmonotonic")};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* plugins[] = {"mpe", "hide_and_seek", "matrix_games"};
  static std::map<std::string, marl::testing::EnvMaker> makers;
  // Each plugin loaded once with its defaults and never unloaded: a maker
  // whose parameters are refused unloads its library again, and libFuzzer's
  // coverage counters must not point into an unmapped plugin.
  static const std::vector<marl::testing::EnvMaker> keep_loaded = [] {
    std::vector<marl::testing::EnvMaker> loaded;
    for (const char* plugin : plugins) loaded.push_back(marl::testing::plugin_env_maker(plugin, {}, {MARL_FUZZ_PLUGIN_DIR}));
    return loaded;
  }();
  Bytes in(data, size);
  const int plugin = in.byte() % 3;
  try {
    const std::vector<std::string> sets = parameters(plugin, in);
    std::string key = plugins[plugin];
    for (const auto& s : sets) key += " " + s;
    auto found = makers.find(key);
    if (found == makers.end()) {
      found = makers.emplace(key, marl::testing::plugin_env_maker(plugins[plugin], sets, {MARL_FUZZ_PLUGIN_DIR})).first;
    }
    marl::VectorEnvConfig config;
    config.num_envs = 1 + in.byte() % 3;
    config.seed = in.byte();
    config.env_name = plugins[plugin];
    config.checked_steps = 4;
    marl::VectorEnv envs(found->second, config);
    envs.reset();
    const marl::EnvSpec& spec = envs.spec();
    while (!in.empty()) {
      marl::ActionBatch& actions = envs.actions();
      for (int a = 0; a < envs.num_agents(); ++a) {
        for (int e = 0; e < envs.num_envs(); ++e) {
          if (spec.agents[a].action.is_discrete()) {
            // Mostly valid (mod n), sometimes anything.
            const uint8_t b = in.byte();
            actions.agent_discrete(a, e) = b == 255 ? static_cast<int64_t>(in.integer()) : b % spec.agents[a].action.n;
          } else {
            for (int d = 0; d < spec.agents[a].action.dim(); ++d) actions.agent_continuous(a, e)[d] = in.real();
          }
        }
      }
      try {
        envs.step();
      } catch (const marl::InvalidActionError&) {
      }
      envs.finished_episodes().clear();
    }
  } catch (const marl::Error&) {
  }
  return 0;
}
