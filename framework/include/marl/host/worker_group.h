// Connects this process to the other workers of its run (issue 17), as the
// launcher placed it (marl/host/worker_placement.h): a single process gets
// SingleProcess; several get c10d's Gloo process group, whose implementation
// lives in libmarl_torch (the core does not link LibTorch) and is loaded from
// beside libmarl_core only when a run has several workers.
#pragma once

#include <chrono>
#include <memory>

#include "marl/collectives.h"
#include "marl/host/worker_placement.h"

namespace marl {

struct WorkerGroupConfig {
  // Rendezvous and every collective; a dead worker is noticed within it.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

// LaunchError when the master cannot be reached or the others do not arrive
// within the timeout, PluginError when libmarl_torch cannot be loaded.
std::shared_ptr<Collectives> connect_workers(const WorkerPlacement& placement, const WorkerGroupConfig& config = {});

}  // namespace marl
