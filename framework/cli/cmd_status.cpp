// marl status: what each run directory is doing, from its run.json and its
// lock. A run.json that says "running" while no process holds the folder's
// lock belonged to a process that died (kill -9, a crash, a lost machine):
// that run is "dead", not running.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "marl/host/run_status.h"

namespace marl::cli {

namespace {

std::string this_host() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// running / completed / failed / interrupted / dead, and how sure that is.
std::string state_of(const std::filesystem::path& dir) {
  const std::string status = read_run_status_field(dir, "status");
  if (status != "running") return status.empty() ? "unknown" : status;
  const std::string host = read_run_status_field(dir, "host");
  if (!host.empty() && host != this_host()) return "running? (on " + host + ": not checkable from here)";
  return run_dir_in_use(dir) ? "running" : "dead";
}

int status(const std::vector<std::string>& dirs) {
  const std::vector<std::filesystem::path> runs = collect_run_dirs(dirs);
  std::printf("%-44s %-12s %12s  %-20s  %s\n", "run", "status", "env_steps", "last heartbeat (UTC)", "process");
  std::vector<std::filesystem::path> resumable;
  for (const auto& dir : runs) {
    const std::string state = state_of(dir);
    if ((state == "dead" || state == "interrupted" || state == "failed") &&
        std::filesystem::exists(dir / "checkpoint.bin")) {
      resumable.push_back(dir);
    }
    const std::string pid = read_run_status_field(dir, "pid");
    const std::string host = read_run_status_field(dir, "host");
    const std::string process = pid.empty() || pid == "0" ? "" : "pid " + pid + (host.empty() ? "" : " on " + host);
    std::printf("%-44s %-12s %12s  %-20s  %s\n", dir.string().c_str(), state.c_str(),
                read_run_status_field(dir, "env_steps").c_str(), read_run_status_field(dir, "heartbeat").c_str(),
                process.c_str());
  }
  // What can go on from its last checkpoint (marl run --resume).
  for (const auto& dir : resumable) std::printf("continue it: marl run --resume %s\n", dir.string().c_str());
  return 0;
}

}  // namespace

void add_status_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "status", "what run directories are doing: running, completed, failed, interrupted, or dead (process gone)");
  cmd->add_option("runs", *dirs, "run directories, or folders holding them")->required();
  cmd->callback([dirs, &selected] { selected = [dirs] { return status(*dirs); }; });
}

}  // namespace marl::cli
