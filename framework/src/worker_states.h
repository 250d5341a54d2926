// A data-parallel run's checkpoint holds every worker's own state, so that
// `marl run --resume` continues each worker exactly: its env streams and
// counters (the runner state) and, past rank 0, its algorithm state (each
// worker's rollout in progress, exploration and replay differ; the networks
// are the same). Rank 0's algorithm state is the checkpoint's ordinary
// payload, so `marl eval` and frozen opponents read such a checkpoint like
// any other. The bundle goes where a single process keeps its runner state.
#pragma once

#include <string>
#include <vector>

namespace marl {

struct WorkerState {
  std::string runner;     // save_runner_state's bytes
  std::string algorithm;  // Algorithm::save's bytes (empty for rank 0)
};

std::string pack_worker_state(const WorkerState& state);
WorkerState unpack_worker_state(const std::string& bytes);

// `packed`: every worker's pack_worker_state, in rank order.
std::string bundle_worker_states(const std::vector<std::string>& packed);

bool is_worker_bundle(const std::string& runner_state);
// marl::Error when the bundle is damaged or is of another number of workers
// than `world_size` (resuming needs the same number).
WorkerState worker_state_from_bundle(const std::string& bundle, int rank, int world_size);

}  // namespace marl
