#!/usr/bin/env bash
# Builds the whole project with AddressSanitizer and UndefinedBehaviorSanitizer
# (CMake preset "sanitize", folder build-sanitize/) and runs the test suite
# under them. Any report fails the run. Takes about an hour on 2 cores (the
# learning tests run several times slower instrumented): too long for CI's
# budget, so it is run by hand and its last result is in the README.
#
#   scripts/sanitize.sh [--core] [extra ctest args, e.g. -R mpe or -LE slow]
#
# --core: preset "sanitize-core" (build-sanitize-core/), without LibTorch:
# the core, the env plugins, the CLI and their tests, in about 15 minutes.
#
# Leak checking is off: LibTorch keeps process-lifetime allocations that
# LeakSanitizer reports at exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh build >/dev/null   # the packages (and a normal build) first
preset=sanitize
if [ "${1:-}" = "--core" ]; then
  preset=sanitize-core
  shift
fi
cmake --preset "$preset" >/dev/null
cmake --build "build-$preset" -j "${JOBS:-$(nproc)}"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec ctest --test-dir "build-$preset" --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 3000 "$@"
