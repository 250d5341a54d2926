// The uniform random policy (algorithm plugin "random"): a baseline, a smoke
// test for env plugins and the reference the learners must beat.
//
// Discrete agents pick uniformly among their available actions (the batch's
// masks when the env has them, otherwise all n); box agents draw each
// component uniformly within its bounds. Explore and Greedy act alike. It
// never trains. Its whole state is one marl::SplitMix64 seeded from
// AlgorithmContext::seed, which save()/load() write and restore exactly, so a
// resumed run continues the same action stream.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "marl/algorithm.h"
#include "marl/rng.h"

namespace marl::random_policy {

// No parameters.
ParamSpecList random_params();

class RandomAlgorithm : public Algorithm {
 public:
  // Throws ConfigError when a box action has non-finite bounds (nothing is
  // uniform on an unbounded interval).
  explicit RandomAlgorithm(const AlgorithmContext& context);

  // Throws ContractError when a mask offers an agent no action at all.
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override;
  void observe(const Transition& /*transition*/) override {}
  bool ready_to_train() const override { return false; }
  void train(std::vector<double>& /*metrics*/) override {}

  // Text: "marl_random_v1 <rng state>\n". load() throws ContractError on
  // anything else.
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  uint64_t rng_state() const { return rng_.state(); }

 private:
  int64_t draw_discrete(int agent, int n, const uint8_t* mask, int env);

  EnvSpec env_;
  std::string env_name_;
  SplitMix64 rng_;
};

}  // namespace marl::random_policy
