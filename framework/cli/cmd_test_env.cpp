// marl test-env: the env conformance check (marl/testing/env_conformance.h)
// on any env plugin, as a command. The check runs in a child process that
// streams what it finds through a pipe, so an env that corrupts memory or
// hangs is reported with the stage it was in and the violations found
// before, instead of taking the command down or hanging it.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

#include "commands.h"
#include "marl/error.h"
#include "marl/testing/env_conformance.h"
#include "marl/testing/plugin_env.h"

namespace marl::cli {

namespace {

struct TestEnvArgs {
  std::string plugin;
  std::vector<std::string> sets;
  int episodes = 20;
  uint64_t seed = 1;
  int num_envs = 4;
  int vector_steps = 200;
  bool seed_independent = false;
  int timeout_s = 600;
};

// One line per message: a tag, a tab, the text (newlines flattened).
void send(int fd, char tag, const std::string& text) {
  std::string line(1, tag);
  line += '\t';
  for (char c : text) line += c == '\n' ? ' ' : c;
  line += '\n';
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// The child: load, check, report; exit 0 (conforms), 1 (violations), 2 (error).
[[noreturn]] void run_check(const TestEnvArgs& args, const GlobalOptions& global, int fd) {
  int code = 2;
  try {
    std::vector<std::filesystem::path> dirs(global.plugin_dirs.begin(), global.plugin_dirs.end());
    const testing::EnvMaker make_env = testing::plugin_env_maker(args.plugin, args.sets, dirs);
    testing::ConformanceOptions options;
    options.episodes = args.episodes;
    options.seed = args.seed;
    options.num_envs = args.num_envs;
    options.vector_steps = args.vector_steps;
    options.seeds_change_episodes = !args.seed_independent;
    options.env_name = args.plugin;
    options.on_stage = [fd](const std::string& stage) { send(fd, 'S', stage); };
    options.on_violation = [fd](const std::string& violation) { send(fd, 'V', violation); };
    const testing::ConformanceReport report = testing::find_conformance_violations(make_env, options);
    if (!report.skipped.empty()) send(fd, 'K', report.skipped);
    code = report.ok() ? 0 : 1;
  } catch (const Error& e) {
    send(fd, 'E', e.what());
  } catch (const std::exception& e) {
    send(fd, 'E', std::string("the check stopped: ") + e.what());
  }
  std::cout.flush();
  ::_exit(code);
}

std::string signal_text(int sig) {
  const char* name = ::sigabbrev_np(sig);
  return name ? std::string("SIG") + name : "signal " + std::to_string(sig);
}

int test_env(const TestEnvArgs& args, const GlobalOptions& global) {
  if (args.episodes <= 0 || args.num_envs <= 0 || args.vector_steps <= 0) {
    throw Error("--episodes, --num-envs and --steps must be positive");
  }
  int fds[2];
  if (::pipe(fds) != 0) throw Error(std::string("marl test-env: pipe() failed: ") + std::strerror(errno));
  std::cout.flush();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("marl test-env: fork() failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    run_check(args, global, fds[1]);
  }
  ::close(fds[1]);

  std::cout << "conformance check of env '" << args.plugin << "' (" << args.episodes << " episodes, seed "
            << args.seed << ", " << args.num_envs << " vector envs x " << args.vector_steps << " steps)\n";
  std::string stage = "loading the plugin", skipped, error, pending;
  int violations = 0;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_s);
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its end: finished or died
    pending.append(buffer, static_cast<size_t>(n));
    for (size_t eol; (eol = pending.find('\n')) != std::string::npos; pending.erase(0, eol + 1)) {
      const std::string line = pending.substr(0, eol);
      if (line.size() < 2) continue;
      const std::string text = line.substr(2);
      switch (line[0]) {
        case 'S': stage = text; std::cout << "  checking " << text << '\n'; break;
        case 'V': ++violations; if (violations <= 50) std::cout << "    VIOLATION: " << text << '\n'; break;
        case 'K': skipped = text; break;
        case 'E': error = text; break;
        default: break;
      }
      std::cout.flush();
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (violations > 50) std::cout << "    ... " << violations - 50 << " more\n";
  if (!skipped.empty()) std::cout << "  not run: " << skipped << '\n';

  const std::string before =
      violations == 0 ? "no violation found before" : std::to_string(violations) + " violations before, listed above";
  if (timed_out) {
    throw Error("env '" + args.plugin + "' did not finish the conformance check within " +
                std::to_string(args.timeout_s) + " s (stopped while checking " + stage + "; " + before + "): an episode that never ends, or a hang in "
                "reset()/step()? (--timeout to allow longer)");
  }
  if (WIFSIGNALED(status)) {
    throw Error("env '" + args.plugin + "' crashed the conformance check with " + signal_text(WTERMSIG(status)) +
                " while checking " + stage + " (" + before + "): usually a write past the buffers its spec declares, or a "
                "use of freed memory in the env");
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  if (!error.empty()) throw Error(error);
  if (code == 0) {
    std::cout << "env '" << args.plugin << "' conforms\n";
    return 0;
  }
  std::cout << "env '" << args.plugin << "': " << violations << " violation" << (violations == 1 ? "" : "s") << '\n';
  return 1;
}

}  // namespace

void add_test_env_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<TestEnvArgs>();
  CLI::App* cmd = app.add_subcommand(
      "test-env", "run the env conformance check on an env plugin (exit 0: conforms, 1: violations, 2: error)");
  cmd->add_option("plugin", args->plugin, "env plugin name (or path to its .so)")->required();
  cmd->add_option("--set", args->sets, "env parameter, e.g. --set n_hiders=3 (repeatable)")->type_name("KEY=VALUE");
  cmd->add_option("--episodes", args->episodes, "random episodes per single-env stage")->capture_default_str();
  cmd->add_option("--seed", args->seed, "seeds the envs and the random actions")->capture_default_str();
  cmd->add_option("--num-envs", args->num_envs, "envs in the vector-env stages")->capture_default_str();
  cmd->add_option("--steps", args->vector_steps, "steps of each vector-env stage")->capture_default_str();
  cmd->add_flag("--seed-independent", args->seed_independent,
                "the env's episodes do not depend on the reset seed (e.g. matrix games): do not ask that they do");
  cmd->add_option("--timeout", args->timeout_s, "seconds before the check is stopped as hung")->capture_default_str();
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return test_env(*args, global); }; });
}

}  // namespace marl::cli
