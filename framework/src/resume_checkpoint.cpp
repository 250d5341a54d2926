#include "resume_checkpoint.h"

#include <sstream>
#include <vector>

#include <spdlog/spdlog.h>

#include "logging.h"
#include "marl/error.h"
#include "marl/host/run_status.h"
#include "worker_states.h"

namespace marl {

namespace {

// Reads the checkpoint a resumed run continues from into `algorithm` and
// `runner_state`, after checking that it belongs to this run.
CheckpointHeader read_own_checkpoint(const std::filesystem::path& run_dir, const Experiment& experiment,
                                     uint64_t seed, Algorithm& algorithm, std::string& runner_state) {
  const std::filesystem::path file = run_dir / "checkpoint.bin";
  std::error_code ec;
  const std::string status =
      std::filesystem::exists(run_dir / "run.json", ec) ? read_run_status_field(run_dir, "status") : "";
  if (status == "completed") {
    throw Error("cannot resume " + run_dir.string() + ": the run is completed (run.json); start a new run instead");
  }
  if (!std::filesystem::exists(file, ec)) {
    throw Error("cannot resume " + run_dir.string() + ": it has no checkpoint.bin (the run stopped before its first "
                "checkpoint; start it again)");
  }
  const CheckpointHeader header = load_checkpoint(file, experiment.config.algorithm_plugin, algorithm, &runner_state);
  if (header.env != experiment.config.env_plugin || header.seed != seed) {
    throw Error("cannot resume " + run_dir.string() + ": checkpoint.bin is of env '" + header.env + "' seed " +
                std::to_string(header.seed) + ", config.toml says env '" + experiment.config.env_plugin + "' seed " +
                std::to_string(seed));
  }
  if (runner_state.empty()) {
    throw Error("cannot resume " + run_dir.string() + ": checkpoint.bin holds no runner state (a policy written by "
                "`marl export`, or a checkpoint of an older marl); it can be evaluated but not resumed");
  }
  return header;
}

}  // namespace

CheckpointHeader read_resume_checkpoint(const std::filesystem::path& run_dir, const Experiment& experiment,
                                        uint64_t seed, Collectives& workers, Algorithm& algorithm,
                                        std::string& runner_state) {
  CheckpointHeader resumed;
  if (workers.is_main()) resumed = read_own_checkpoint(run_dir, experiment, seed, algorithm, runner_state);
  if (workers.distributed()) {
    runner_state = workers.broadcast_string(runner_state, 0);
    workers.broadcast(&resumed.env_steps, sizeof resumed.env_steps, 0);
  }
  if (workers.distributed() || is_worker_bundle(runner_state)) {
    WorkerState mine = worker_state_from_bundle(runner_state, workers.rank(), workers.size());
    runner_state = std::move(mine.runner);
    if (!workers.is_main()) {
      std::istringstream in(mine.algorithm);
      algorithm.load(in);
    }
  }
  return resumed;
}

// Every worker of a data-parallel run must hold the same networks; a
// difference (a non-deterministic reduction, an algorithm that forgot to
// average something) is caught here rather than silently training N models.
void check_same_parameters(Collectives& workers, const Algorithm& algorithm) {
  const uint64_t digest = algorithm.parameter_digest();
  const std::vector<std::string> all =
      workers.all_gather(std::string(reinterpret_cast<const char*>(&digest), sizeof digest));
  for (size_t r = 1; r < all.size(); ++r) {
    if (all[r] != all[0]) {
      throw CollectiveError("the workers' parameters differ (rank " + std::to_string(r) +
                            "'s digest is not rank 0's): the algorithm does not keep its workers in step");
    }
  }
  logger().info("the {} workers hold identical parameters (digest {:016x})", all.size(), digest);
}

}  // namespace marl
