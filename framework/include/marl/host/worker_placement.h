// Where this process sits in a multi-process run (issue 17: data-parallel
// training on PyTorch's c10d), read from the launcher's environment the way
// PyTorch users already start jobs:
//  * torchrun (and `marl run --nproc N`): RANK, WORLD_SIZE, LOCAL_RANK,
//    MASTER_ADDR, MASTER_PORT;
//  * Slurm's srun: SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, with the
//    master given by MASTER_ADDR / MASTER_PORT (Slurm has no such variable);
//  * neither: one process (world size 1), nothing to connect to.
// Bad values (a missing rank, world size 0, a rank outside the world, a port
// that is not a number) are a LaunchError naming the variable.
#pragma once

#include <functional>
#include <string>

#include "marl/error.h"

namespace marl {

class LaunchError : public Error {
 public:
  using Error::Error;
};

struct WorkerPlacement {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;  // torchrun's default
  std::string launcher = "single";  // "torchrun", "slurm" or "single"

  bool distributed() const { return world_size > 1; }
  bool is_main() const { return rank == 0; }
};

// `getenv` stands for ::getenv (tests pass their own).
WorkerPlacement placement_from_environment(const std::function<const char*(const char*)>& getenv);
WorkerPlacement placement_from_environment();

}  // namespace marl
