#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

namespace marl::cli {

int spawn_marl(std::vector<std::string> args, char* const* envp, const ChildOutput& output, pid_t& pid) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  if (!output.stdout_file.empty()) {
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, output.stdout_file.c_str(),
                                     output.truncate ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY, 0644);
    if (output.stderr_too) posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  const int rc = posix_spawn(&pid, "/proc/self/exe", &files, &attr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  return rc;
}

}  // namespace marl::cli
