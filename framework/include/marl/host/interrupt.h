// Graceful stop on Ctrl-C (SIGINT) or SIGTERM.
//
// Why: a long run stopped by its user (or a cluster's time limit) must not
// lose what it learned. While an InterruptGuard lives, the first SIGINT or
// SIGTERM only sets a flag; the trainer sees it between steps, writes the last
// metrics row and a checkpoint, skips (or stops) the final evaluation, and
// marks the run "interrupted". A second signal changes nothing (it must not
// cut the last writes short); a third ends the process at once (default
// action), for a stop that hangs.
//
// Contract: one guard at a time per process (nested guards share the flag);
// the previous handlers are restored when the outermost guard is destroyed.
#pragma once

namespace marl {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // Whether a signal arrived since the outermost guard was installed.
  static bool requested();
  // The signal number received (0 if none): the CLI exits with 128 + it.
  static int signal_number();
};

}  // namespace marl
