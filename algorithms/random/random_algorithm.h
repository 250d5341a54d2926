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

  // Greedy draws restart from the seed: every evaluation plays alike.
  void begin_evaluation() override;

  // Text: "marl_random_v1 <rng state>\n" (the training stream; Greedy draws
  // restart at each evaluation). load() throws ContractError on anything
  // else.
  void save(std::ostream& out) const override;
  void load(std::istream& in) override;

  uint64_t rng_state() const { return rng_.state(); }

 private:
  int64_t draw_discrete(SplitMix64& rng, int agent, int n, const uint8_t* mask, int env);

  EnvSpec env_;
  std::string env_name_;
  uint64_t seed_;
  SplitMix64 rng_;
  // Greedy (evaluation) draws: their own stream, so that evaluating during
  // training never changes the training episodes. Seeded like rng_, so a
  // baseline (Greedy only) plays what it always played.
  SplitMix64 greedy_rng_;
};

}  // namespace marl::random_policy
