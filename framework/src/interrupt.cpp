#include "marl/host/interrupt.h"

#include <atomic>
#include <csignal>

namespace marl {

namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_count{0};
int g_depth = 0;
struct sigaction g_old_int, g_old_term;

extern "C" void on_signal(int sig) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, sig);
  // The first two only ask: a second Ctrl-C while the run writes its last
  // row, checkpoint and run.json must not cut those writes short. A third
  // ends the process at once (something is stuck).
  if (g_count.fetch_add(1) + 1 >= 3) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

InterruptGuard::InterruptGuard() {
  if (g_depth++ > 0) return;
  g_signal = 0;
  g_count = 0;
  struct sigaction action = {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  if (--g_depth > 0) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool InterruptGuard::requested() { return g_signal.load() != 0; }
int InterruptGuard::signal_number() { return g_signal.load(); }

}  // namespace marl
