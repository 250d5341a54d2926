#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine for marl, builds it, then either runs
# the default experiment (`run`) or the whole test suite (`test`).
#
#   scripts/bootstrap.sh run  [extra `marl run` args]
#   scripts/bootstrap.sh test [extra ctest args]
#
# Installs missing Debian packages with apt-get (as root, or through sudo).
# Environment: BUILD_DIR (default build), JOBS (default: number of cores).
set -euo pipefail

mode=${1:-}
shift || true
case "$mode" in
  run|test|build) ;;
  *) echo "usage: $0 run|test|build [args...]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-openmp
  libboost-dev libboost-filesystem-dev
  libtomlplusplus-dev libspdlog-dev libcli11-dev catch2
  libplplot-dev plplot-driver-cairo libbenchmark-dev libblas-dev libgloo-dev
  pybind11-dev python3-dev python3-numpy python3-pytest nlohmann-json3-dev
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing missing packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# LibTorch from Debian links the reference BLAS; OpenBLAS (installed above)
# takes over through the alternatives system. Make sure it is selected.
if command -v update-alternatives >/dev/null; then
  blas=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas | head -1 || true)
  if [ -n "$blas" ] && [ "$(id -u)" -eq 0 ]; then
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas" >/dev/null || true
  fi
fi

cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j "$jobs"

cd "$root"
case "$mode" in
  run)
    exec "$build_dir/bin/marl" run experiments/default.toml "$@"
    ;;
  test)
    exec ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" "$@"
    ;;
  build)
    echo "built into $build_dir"
    ;;
esac
