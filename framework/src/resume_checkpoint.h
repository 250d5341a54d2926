// The trainer's side of a run's checkpoint that is not the checkpoint file
// format itself: reading the checkpoint a resumed run continues from (each
// worker of a data-parallel run takes its own part), and checking that the
// workers still hold the same networks.
#pragma once

#include <filesystem>
#include <string>

#include "marl/checkpoint.h"
#include "marl/collectives.h"
#include "marl/host/experiment.h"

namespace marl {

// Rank 0 reads <run_dir>/checkpoint.bin into `algorithm` after checking that
// it belongs to this run; every worker then gets its own runner state (and,
// past rank 0, loads its own algorithm state). marl::Error when the run
// cannot be resumed (completed, no checkpoint, another env or seed, another
// number of workers).
CheckpointHeader read_resume_checkpoint(const std::filesystem::path& run_dir, const Experiment& experiment,
                                        uint64_t seed, Collectives& workers, Algorithm& algorithm,
                                        std::string& runner_state);

// CollectiveError naming the first worker whose Algorithm::parameter_digest
// differs from rank 0's; logs the digest when they agree.
void check_same_parameters(Collectives& workers, const Algorithm& algorithm);

}  // namespace marl
