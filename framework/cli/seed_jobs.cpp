#include "seed_jobs.h"

#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <thread>

#include "marl/error.h"
#include "marl/host/run_status.h"
#include "marl/host/thread_pool.h"

extern char** environ;

namespace marl::cli {

std::vector<uint64_t> parse_seed_list(const std::string& text) {
  std::vector<uint64_t> seeds;
  std::stringstream in(text);
  std::string part;
  auto number = [&](const std::string& s) -> uint64_t {
    if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), ::isdigit)) {
      throw Error("--seeds " + text + ": '" + s + "' is not a seed (a non-negative integer)");
    }
    return std::stoull(s);
  };
  while (std::getline(in, part, ',')) {
    const auto dash = part.find('-');
    const uint64_t first = number(part.substr(0, dash));
    const uint64_t last = dash == std::string::npos ? first : number(part.substr(dash + 1));
    if (last < first || last - first > 10000) throw Error("--seeds " + text + ": '" + part + "' is not a range a-b with a <= b");
    for (uint64_t s = first; s <= last; ++s) {
      if (std::find(seeds.begin(), seeds.end(), s) != seeds.end()) {
        throw Error("--seeds " + text + ": seed " + std::to_string(s) + " is listed twice");
      }
      seeds.push_back(s);
    }
  }
  if (seeds.empty()) throw Error("--seeds needs at least one seed, e.g. 1-5 or 1,3,7");
  return seeds;
}

int default_jobs(int torch_threads) {
  return std::max(1, ThreadPool::hardware_threads() / std::max(1, torch_threads));
}

namespace {

pid_t spawn_seed(const SeedJobs& jobs, uint64_t seed) {
  const std::string dir = (jobs.parent / ("seed_" + std::to_string(seed))).string();
  std::vector<std::string> args = {"marl"};
  for (const auto& d : jobs.plugin_dirs) {
    args.push_back("--plugin-dir");
    args.push_back(d);
  }
  args.insert(args.end(), {"run", jobs.experiment_file, "--seed", std::to_string(seed), "--out", dir,
                           "--no-progress", "--no-hints"});
  if (jobs.no_sweep) args.push_back("--no-sweep");
  for (const auto& s : jobs.sets) {
    args.push_back("--set");
    args.push_back(s);
  }

  const std::string log = (jobs.parent / ("seed_" + std::to_string(seed) + ".log")).string();
  // The children stop gracefully on Ctrl-C themselves (the parent ignores it).
  ChildOutput output;
  output.stdout_file = log;
  output.truncate = true;
  output.stderr_too = true;
  pid_t pid = 0;
  const int rc = spawn_marl(std::move(args), environ, output, pid);
  if (rc != 0) throw Error("cannot start marl for seed " + std::to_string(seed) + ": " + std::strerror(rc));
  return pid;
}

}  // namespace

int run_seed_jobs(const SeedJobs& jobs) {
  std::error_code ec;
  std::filesystem::create_directories(jobs.parent, ec);
  if (ec) throw Error("cannot create " + jobs.parent.string() + ": " + ec.message());
  // The children handle Ctrl-C (a graceful stop each); the parent waits for them.
  struct sigaction ignore {}, old_int {}, old_term {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGTERM, &ignore, &old_term);

  std::map<pid_t, uint64_t> running;
  std::map<uint64_t, int> exit_codes;
  size_t next = 0;
  auto last_print = std::chrono::steady_clock::now();
  std::printf("running %zu seeds, %d at a time, into %s (each seed's output: seed_<n>.log)\n", jobs.seeds.size(),
              jobs.jobs, jobs.parent.string().c_str());
  std::fflush(stdout);
  while (next < jobs.seeds.size() || !running.empty()) {
    while (next < jobs.seeds.size() && static_cast<int>(running.size()) < jobs.jobs) {
      const uint64_t seed = jobs.seeds[next++];
      running[spawn_seed(jobs, seed)] = seed;
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done > 0 && running.count(done)) {
      const uint64_t seed = running[done];
      running.erase(done);
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      exit_codes[seed] = code;
      const bool interrupted = code == 130 || code == 143;
      std::printf("seed %llu: %s (exit %d)\n", static_cast<unsigned long long>(seed),
                  code == 0 ? "completed" : interrupted ? "interrupted (marl run --resume continues it)" : "FAILED",
                  code);
      std::fflush(stdout);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (std::chrono::steady_clock::now() - last_print > std::chrono::seconds(15) && !running.empty()) {
      // run.json's env steps (rewritten every 10 s by each run).
      std::string line = "progress:";
      for (const auto& [pid, seed] : running) {
        const auto dir = jobs.parent / ("seed_" + std::to_string(seed));
        std::string steps = "starting";
        try {
          if (std::filesystem::exists(dir / "run.json")) steps = read_run_status_field(dir, "env_steps");
        } catch (const std::exception&) {
        }
        line += " seed " + std::to_string(seed) + " " + steps + "/" + std::to_string(jobs.env_steps) + ";";
      }
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      last_print = std::chrono::steady_clock::now();
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  int failed = 0;
  for (const auto& [seed, code] : exit_codes) {
    if (code == 0) continue;
    ++failed;
    std::printf("seed %llu failed with exit code %d: see %s\n", static_cast<unsigned long long>(seed), code,
                (jobs.parent / ("seed_" + std::to_string(seed) + ".log")).string().c_str());
  }
  std::printf("%zu of %zu seeds completed\n", jobs.seeds.size() - failed, jobs.seeds.size());
  return failed ? 1 : 0;
}

}  // namespace marl::cli
