#include "marl/host/worker_placement.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace marl {

namespace {

using GetEnv = std::function<const char*(const char*)>;

int integer(const GetEnv& getenv, const char* name, const std::string& launcher, long min, long max) {
  const char* v = getenv(name);
  if (v == nullptr || *v == '\0') {
    throw LaunchError(launcher + " launch: " + name + " is not set (expected an integer in [" +
                      std::to_string(min) + ", " + std::to_string(max) + "])");
  }
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0' || x < min || x > max) {
    throw LaunchError(launcher + " launch: " + name + "='" + v + "' is not an integer in [" + std::to_string(min) +
                      ", " + std::to_string(max) + "]");
  }
  return static_cast<int>(x);
}

void master(const GetEnv& getenv, WorkerPlacement& p, bool required) {
  const char* addr = getenv("MASTER_ADDR");
  if (addr != nullptr && *addr != '\0') {
    p.master_addr = addr;
  } else if (required) {
    throw LaunchError(p.launcher + " launch: MASTER_ADDR is not set (the host of rank 0, e.g. the first node)");
  }
  if (getenv("MASTER_PORT") != nullptr) p.master_port = integer(getenv, "MASTER_PORT", p.launcher, 1, 65535);
}

}  // namespace

WorkerPlacement placement_from_environment(const GetEnv& getenv) {
  WorkerPlacement p;
  if (getenv("WORLD_SIZE") != nullptr || getenv("RANK") != nullptr) {
    p.launcher = "torchrun";
    p.world_size = integer(getenv, "WORLD_SIZE", p.launcher, 1, 1 << 20);
    p.rank = integer(getenv, "RANK", p.launcher, 0, p.world_size - 1);
    p.local_rank = getenv("LOCAL_RANK") != nullptr ? integer(getenv, "LOCAL_RANK", p.launcher, 0, p.world_size - 1)
                                                   : 0;
    master(getenv, p, p.world_size > 1);
    return p;
  }
  if (getenv("SLURM_NTASKS") != nullptr || getenv("SLURM_PROCID") != nullptr) {
    p.launcher = "slurm";
    p.world_size = integer(getenv, "SLURM_NTASKS", p.launcher, 1, 1 << 20);
    p.rank = integer(getenv, "SLURM_PROCID", p.launcher, 0, p.world_size - 1);
    p.local_rank = getenv("SLURM_LOCALID") != nullptr
                       ? integer(getenv, "SLURM_LOCALID", p.launcher, 0, p.world_size - 1)
                       : 0;
    master(getenv, p, p.world_size > 1);
    return p;
  }
  return p;
}

WorkerPlacement placement_from_environment() {
  return placement_from_environment([](const char* name) { return std::getenv(name); });
}

}  // namespace marl
