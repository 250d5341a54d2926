#include "random_algorithm.h"

#include <algorithm>
#include <cmath>
#include <istream>
#include <ostream>

#include "marl/error.h"

namespace marl::random_policy {

namespace {
const char* const kSaveTag = "marl_random_v1";
}

ParamSpecList random_params() { return {}; }

RandomAlgorithm::RandomAlgorithm(const AlgorithmContext& context)
    : env_(context.env), env_name_(context.env_name), seed_(context.seed), rng_(context.seed), greedy_rng_(context.seed) {
  for (const AgentSpec& agent : env_.agents) {
    if (agent.action.is_discrete()) continue;
    for (int d = 0; d < agent.action.dim(); ++d) {
      if (!std::isfinite(agent.action.low[d]) || !std::isfinite(agent.action.high[d])) {
        throw ConfigError("algorithm 'random' cannot play env '" + env_name_ + "': agent '" + agent.name +
                          "' has a box action whose component " + std::to_string(d) +
                          " has non-finite bounds; the uniform policy needs finite low and high.");
      }
    }
  }
}

int64_t RandomAlgorithm::draw_discrete(SplitMix64& rng, int agent, int n, const uint8_t* mask, int env) {
  if (!mask) return static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
  int available = 0;
  for (int k = 0; k < n; ++k) available += mask[k] != 0;
  if (available == 0) {
    throw ContractError("env '" + env_name_ + "' offers agent " + std::to_string(agent) + " ('" +
                        env_.agents[agent].name + "') no available action in env " + std::to_string(env) +
                        ": every mask needs at least one 1.");
  }
  // The pick-th available action, so the draw is uniform among them.
  int pick = static_cast<int>(rng.below(static_cast<uint64_t>(available)));
  for (int k = 0; k < n; ++k) {
    if (mask[k] && pick-- == 0) return k;
  }
  return n - 1;  // unreachable
}

void RandomAlgorithm::act(const Batch& obs, ActionBatch& actions, ActMode mode) {
  SplitMix64& rng = mode == ActMode::Explore ? rng_ : greedy_rng_;
  for (int a = 0; a < obs.num_agents; ++a) {
    const ActionSpace& space = env_.agents[a].action;
    for (int e = 0; e < obs.num_envs; ++e) {
      if (space.is_discrete()) {
        const int n = obs.avail ? static_cast<int>(std::min<int64_t>(space.n, obs.avail_size)) : space.n;
        actions.agent_discrete(a, e) = draw_discrete(rng, a, n, obs.avail ? obs.agent_avail(a, e) : nullptr, e);
      } else {
        float* out = actions.agent_continuous(a, e);
        for (int d = 0; d < space.dim(); ++d) {
          const double low = space.low[d];
          const double high = space.high[d];
          // Rounding to float can reach `high` but never pass it.
          out[d] = static_cast<float>(low + rng.uniform() * (high - low));
        }
      }
    }
  }
}

void RandomAlgorithm::begin_evaluation() { greedy_rng_ = SplitMix64(seed_); }

void RandomAlgorithm::save(std::ostream& out) const { out << kSaveTag << ' ' << rng_.state() << '\n'; }

void RandomAlgorithm::load(std::istream& in) {
  std::string tag;
  uint64_t state = 0;
  in >> tag >> state;
  if (!in || tag != kSaveTag) {
    throw ContractError(std::string("algorithm 'random': the checkpoint does not hold a random-policy state "
                                    "(expected '") +
                        kSaveTag + " <rng state>', found '" + tag + "').");
  }
  // SplitMix64's state is its whole stream position.
  rng_ = SplitMix64(state);
}

}  // namespace marl::random_policy
