// Starting marl itself as a child process (seed jobs, --nproc workers): the
// child gets SIGINT and SIGTERM back at their defaults, so it stops
// gracefully on Ctrl-C even though its launcher ignores the signal.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace marl::cli {

struct ChildOutput {
  std::string stdout_file;  // empty: inherit
  bool truncate = false;    // create or truncate it (a log), else open as is (/dev/null)
  bool stderr_too = false;  // stderr into the same file
};

// argv[0] included; `envp` null-terminated. Returns posix_spawn's code (0 = started).
int spawn_marl(std::vector<std::string> args, char* const* envp, const ChildOutput& output, pid_t& pid);

}  // namespace marl::cli
