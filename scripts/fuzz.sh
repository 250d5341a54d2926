#!/usr/bin/env bash
# Fuzzes the config loader, the checkpoint reader and env stepping with
# libFuzzer under ASan + UBSan (Debian clang; folder build-fuzz/, the core and
# env plugins only, no LibTorch), each target for SECONDS seconds (default
# 60), starting from tests/fuzz/corpus/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [target ...]      targets: config checkpoint env_step
#
# CTest runs it for 15 s per target (fuzz_bounded_run); exit 77 = skipped
# (no clang with libFuzzer and not root to install it).
#
# A crash stops with exit 1 and names the input that caused it: copy it into
# tests/fuzz/corpus/<target>/ (the CTest test fuzz_<target>_corpus replays it
# from then on) and fix the bug. New inputs the fuzzer finds stay in
# build-fuzz/corpus/, not in the repository.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config checkpoint env_step)

# clang and its libFuzzer runtime (Debian: clang, libclang-rt-14-dev); the
# core's own packages come from scripts/bootstrap.sh.
if ! command -v clang++ >/dev/null || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     clang++ -x c++ -fsanitize=fuzzer - -o /tmp/marl_fuzz_probe 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; }; then
      echo "fuzz.sh: could not install clang and libclang-rt-14-dev; skipped" >&2
      exit 77
    fi
  else
    echo "fuzz.sh: needs clang with libFuzzer (apt-get install clang libclang-rt-14-dev); skipped" >&2
    exit 77
  fi
fi

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DMARL_BUILD_TORCH=OFF -DMARL_BUILD_TESTS=OFF -DMARL_BUILD_FUZZERS=ON >/dev/null
cmake --build build-fuzz -j "${JOBS:-$(nproc)}" --target $(printf 'fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus" build-fuzz/crashes/$target
  echo "== fuzz_$target for ${seconds}s"
  if ! build-fuzz/fuzz/fuzz_$target "$corpus" "tests/fuzz/corpus/$target" -max_total_time="$seconds" \
       -max_len=4096 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix=build-fuzz/crashes/$target/ 2>build-fuzz/fuzz_$target.log; then
    tail -40 build-fuzz/fuzz_$target.log
    echo "fuzz_$target found a crash: $(ls build-fuzz/crashes/$target/ | head -1) in build-fuzz/crashes/$target/" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" build-fuzz/fuzz_$target.log || true
  fi
done
exit $status
