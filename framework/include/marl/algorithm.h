// The algorithm API: what an algorithm plugin implements.
//
// The runner drives every algorithm with the same loop, on-policy or
// off-policy alike:
//
//   act(batch, actions, Explore) -> vector env steps -> observe(transition)
//   while (ready_to_train()) train(metrics)
//
// An on-policy learner stores the rollout in observe() and becomes ready when
// it is full; an off-policy learner appends to its replay in observe() and
// becomes ready every N steps/episodes once the replay holds a batch.
// Evaluation calls act(..., Greedy) only, never observe().
//
// Randomness: seed every generator (exploration, network init, minibatch
// shuffling) from AlgorithmContext::seed, so a run is reproducible.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "marl/batch.h"
#include "marl/collectives.h"
#include "marl/env.h"
#include "marl/params.h"

namespace marl {

enum class ActMode { Explore, Greedy };

struct AlgorithmContext {
  EnvSpec env;                 // spec of the environment being played
  std::string env_name;        // plugin name, for messages and checkpoints
  int num_envs = 1;            // batch width
  uint64_t seed = 0;           // derive all RNG streams from this
  int threads = 1;             // intra-op threads the algorithm may use ([run].torch_threads)
  // [run].checkpoint_replay: save() includes replay buffers (they can be
  // large), so that a resumed run continues bit-identically. On-policy
  // storage is always saved.
  bool checkpoint_replay = false;
  Params params;               // validated, defaults filled in
  // The workers of a data-parallel run (marl/collectives.h); null or size 1:
  // one process. With several, `seed` differs per worker (rank 0 keeps the
  // single-process seed), so exploration differs; an algorithm makes its
  // networks rank 0's (broadcast) and averages gradients and whole-batch
  // statistics over the workers. Owned by the runner, outlives the algorithm.
  Collectives* collectives = nullptr;
  // The same on every worker of a data-parallel run (rank 0's `seed`), and
  // the run-wide index of this worker's env 0: for draws that must not
  // depend on how the envs are split (counter_uniform in marl/rng.h).
  uint64_t shared_seed = 0;
  int64_t first_env = 0;

  Collectives& workers() const { return collectives != nullptr ? *collectives : SingleProcess::instance(); }
};

// One matrix multiplication of an update, row-major C[m, n] = op(A) op(B)
// with inner size k, done `count` times per update (roofline figures of
// `marl bench train`: 2 m n k count floating-point operations).
struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  double count = 1;
};

class Algorithm {
 public:
  virtual ~Algorithm() = default;

  // Names of the values train() reports (losses, entropies, ...): fixed for
  // the object's life so metrics.csv has a stable header.
  virtual std::vector<std::string> metric_names() const { return {}; }

  // Choose actions for every agent of every env in `obs`.
  virtual void act(const Batch& obs, ActionBatch& actions, ActMode mode) = 0;

  // The outcome of the actions chosen by the last act() (training only).
  virtual void observe(const Transition& transition) = 0;

  virtual bool ready_to_train() const = 0;
  // True when ready_to_train() follows from the number of act/observe calls
  // alone (a fixed-length on-policy rollout): the workers of a data-parallel
  // run, stepping in lockstep, then agree without asking each other every
  // step. Otherwise (e.g. due every N finished episodes) they all-reduce it.
  virtual bool ready_in_lockstep() const { return false; }

  // Called by the evaluator before each greedy evaluation. Whatever Greedy
  // acting draws (e.g. a random opponent's generator) restarts here, so every
  // evaluation of the same policy plays the same episodes the same way, and
  // evaluating never touches what Explore acting uses.
  virtual void begin_evaluation() {}

  // One update; writes metric_names().size() values into metrics (resized by
  // the caller).
  virtual void train(std::vector<double>& metrics) = 0;

  // The matrix multiplications of one train() call, counted from the
  // networks' shapes (not timed): `marl bench train` compares the update's
  // speed with this machine's measured speed for the same shapes. Empty:
  // not counted.
  virtual std::vector<GemmShape> update_gemms() const { return {}; }

  // A checksum of what every worker of a data-parallel run must hold alike
  // (the networks' parameters and buffers); 0: not provided. The runner
  // compares the workers' digests at every checkpoint and fails the run,
  // naming the workers, if they differ.
  virtual uint64_t parameter_digest() const { return 0; }

  // Full learner state (networks, optimizers, normalizers, counters,
  // generators, and what is in progress: an on-policy rollout, episodes being
  // recorded, the recurrent state of the training envs; the replay buffer when
  // AlgorithmContext::checkpoint_replay). Written by the core inside an
  // atomically replaced checkpoint file, between a step's observe()/train()
  // and the next act(). `marl run --resume` builds the algorithm from the
  // run's config and calls load(): with everything saved, the resumed run
  // writes the same numbers as an uninterrupted one. load() also serves
  // `marl eval`, where the in-progress parts are simply unused.
  virtual void save(std::ostream& out) const = 0;
  virtual void load(std::istream& in) = 0;

  // What playing the policy needs (networks, normalizers, optimizers and
  // counters), without what is in progress (an on-policy rollout, a replay
  // buffer): `marl export` writes it into small checkpoints that `marl eval`
  // and frozen opponents read with load(), which must accept it. Default:
  // save().
  virtual void save_policy(std::ostream& out) const { save(out); }
};

}  // namespace marl
