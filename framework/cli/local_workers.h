// `marl run x.toml --nproc N`: one data-parallel run on this machine without
// torchrun. The workers are N copies of the same `marl run` command with the
// variables torchrun would set (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR =
// 127.0.0.1, MASTER_PORT = a free port); rank 0 prints and writes the run,
// the others print only warnings and errors.
//
// The launcher waits for them all. When a worker dies, it names the worker
// (rank, pid, exit code or signal), gives the others the collective timeout
// to notice and exit on their own, then kills what is left; a run.json still
// "running" (rank 0 itself killed) is marked failed. Exit code: 0 when every
// worker completed, else the first failed worker's.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace marl::cli {

struct LocalWorkers {
  std::vector<std::string> args;  // every worker's arguments after the program name
  int nproc = 2;
  std::filesystem::path run_dir;  // where rank 0 writes run.json
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

// Set in the workers' environment: a worker started by --nproc.
inline constexpr const char* kLocalWorkerVariable = "MARL_LOCAL_WORKER";

int run_local_workers(const LocalWorkers& workers);

// This process's command-line arguments after the program name, as the
// kernel keeps them (/proc/self/cmdline): what the workers are started with.
std::vector<std::string> own_arguments();

}  // namespace marl::cli
