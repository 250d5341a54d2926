#include "marl/host/worker_group.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <string>

namespace marl {

namespace {

// The factory libmarl_torch exports (gloo_collectives.cpp).
using ConnectFn = Collectives*(const WorkerPlacement*, long long timeout_ms);
constexpr const char* kFactory = "marl_connect_gloo_collectives";

// Owns the library for as long as its object lives.
struct LoadedCollectives {
  boost::dll::shared_library library;
  std::unique_ptr<Collectives> group;
};

}  // namespace

std::shared_ptr<Collectives> connect_workers(const WorkerPlacement& placement, const WorkerGroupConfig& config) {
  if (!placement.distributed()) return std::make_shared<SingleProcess>();
  // libmarl_torch sits beside libmarl_core in the build tree and when installed.
  boost::dll::fs::error_code ec;
  const boost::dll::fs::path core = boost::dll::this_line_location(ec);
  const boost::dll::fs::path file = core.parent_path() / "libmarl_torch.so";
  auto loaded = std::make_shared<LoadedCollectives>();
  loaded->library.load(file, ec, boost::dll::load_mode::rtld_now);
  if (ec) {
    throw PluginError("a run with " + std::to_string(placement.world_size) +
                      " workers needs c10d from libmarl_torch, which could not be loaded from " + file.string() +
                      ": " + ec.message() + " (was marl built with MARL_BUILD_TORCH=ON?)");
  }
  if (!loaded->library.has(kFactory)) {
    throw PluginError(file.string() + " has no " + kFactory + ": it is older than this marl; rebuild it");
  }
  auto& connect = loaded->library.get<ConnectFn>(kFactory);
  loaded->group.reset(connect(&placement, static_cast<long long>(config.timeout.count())));
  Collectives* group = loaded->group.get();
  return std::shared_ptr<Collectives>(loaded, group);
}

}  // namespace marl
