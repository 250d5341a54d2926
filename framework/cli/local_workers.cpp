#include "local_workers.h"

#include "child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <thread>

#include "marl/error.h"
#include "marl/host/run_status.h"

extern char** environ;

namespace marl::cli {

namespace {

// A port nobody listens on now (the kernel's choice for port 0); rank 0's
// TCPStore binds it a moment later.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error(std::string("--nproc: cannot open a socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
  ::close(fd);
  if (!ok) throw Error(std::string("--nproc: cannot find a free port: ") + std::strerror(errno));
  return ntohs(addr.sin_port);
}

pid_t spawn_worker(const LocalWorkers& w, int rank, int port) {
  std::vector<std::string> args = {"marl"};
  args.insert(args.end(), w.args.begin(), w.args.end());

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (name == "RANK" || name == "WORLD_SIZE" || name == "LOCAL_RANK" || name == "MASTER_ADDR" ||
        name == "MASTER_PORT" || name == kLocalWorkerVariable) {
      continue;
    }
    env.push_back(entry);
  }
  env.push_back("RANK=" + std::to_string(rank));
  env.push_back("WORLD_SIZE=" + std::to_string(w.nproc));
  env.push_back("LOCAL_RANK=" + std::to_string(rank));
  env.push_back("MASTER_ADDR=127.0.0.1");
  env.push_back("MASTER_PORT=" + std::to_string(port));
  env.push_back(std::string(kLocalWorkerVariable) + "=1");
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  // Rank 0 speaks for the run; the others' warnings and errors reach stderr.
  ChildOutput output;
  if (rank > 0) output.stdout_file = "/dev/null";
  pid_t pid = 0;
  const int rc = spawn_marl(std::move(args), envp.data(), output, pid);
  if (rc != 0) throw Error("--nproc: cannot start worker " + std::to_string(rank) + ": " + std::strerror(rc));
  return pid;
}

std::atomic<int> g_terminate{0};

void on_terminate(int) { g_terminate = 1; }

std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

std::vector<std::string> own_arguments() {
  std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  std::vector<std::string> argv;
  for (size_t at = 0; at < all.size();) {
    const size_t end = all.find('\0', at);
    argv.push_back(all.substr(at, end == std::string::npos ? std::string::npos : end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  if (!argv.empty()) argv.erase(argv.begin());
  return argv;
}

int run_local_workers(const LocalWorkers& w) {
  const int port = free_port();
  // Ctrl-C reaches every worker from the terminal (each stops gracefully at
  // the same step); a SIGTERM to the launcher is passed on to them.
  struct sigaction ignore {}, term {}, old_int {}, old_term {};
  ignore.sa_handler = SIG_IGN;
  term.sa_handler = on_terminate;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGTERM, &term, &old_term);

  std::map<pid_t, int> running;  // pid -> rank
  for (int r = 0; r < w.nproc; ++r) running[spawn_worker(w, r, port)] = r;
  std::printf("started %d workers (ranks 0-%d, rendezvous 127.0.0.1:%d)\n", w.nproc, w.nproc - 1, port);
  std::fflush(stdout);

  int exit_code = 0;
  std::string first_failure;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  bool forwarded = false;
  while (!running.empty()) {
    if (g_terminate && !forwarded) {
      for (const auto& [pid, rank] : running) ::kill(pid, SIGTERM);
      forwarded = true;
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done > 0 && running.count(done)) {
      const int rank = running[done];
      running.erase(done);
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (code == 130 || code == 143) {  // stopped by Ctrl-C / SIGTERM: interrupted, not failed
        if (exit_code == 0) exit_code = code;
        continue;
      }
      if (code != 0 && first_failure.empty()) {
        first_failure = "worker rank " + std::to_string(rank) + " (pid " + std::to_string(done) + ") " + describe(status);
        exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::fprintf(stderr, "marl: %s; the other workers stop within the collective timeout (%.0f s)\n",
                     first_failure.c_str(), std::chrono::duration<double>(w.timeout).count());
        // They notice in their next collective; past that, they are stuck.
        kill_at = std::chrono::steady_clock::now() + w.timeout + std::chrono::seconds(15);
      }
      continue;
    }
    if (kill_at && std::chrono::steady_clock::now() > *kill_at) {
      for (const auto& [pid, rank] : running) {
        std::fprintf(stderr, "marl: worker rank %d (pid %d) did not stop after %s; killing it\n", rank,
                     static_cast<int>(pid), first_failure.c_str());
        ::kill(pid, SIGKILL);
      }
      kill_at.reset();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (!first_failure.empty()) {
    try {
      if (!w.run_dir.empty() && mark_run_failed(w.run_dir, first_failure)) {
        std::fprintf(stderr, "marl: %s marked failed in run.json\n", w.run_dir.string().c_str());
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "marl: could not mark %s failed: %s\n", w.run_dir.string().c_str(), e.what());
    }
    std::fprintf(stderr, "marl: the run failed: %s\n", first_failure.c_str());
  }
  return exit_code;
}

}  // namespace marl::cli
