#!/usr/bin/env bash
# The throughput figures of bench/README.md in one sitting (about 5 minutes
# on 2 cores; run it on an otherwise idle machine). Each training figure is
# printed with fused_networks on (the default) and off (LibTorch autograd),
# so the two are always compared side by side.
#
#   bench/throughput.sh [> bench/throughput.txt]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
marl=${MARL:-build/bin/marl}

train() {
  local file=$1 steps=$2
  shift 2
  for fused in true false; do
    echo "== $file $* fused_networks=$fused"
    "$marl" bench train "$file" --env-steps "$steps" --set algorithm.fused_networks=$fused "$@" 2>&1 | grep -v '^\['
  done
}

train experiments/mpe/spread_mappo.toml 100000 --set run.num_envs=8
train experiments/mpe/spread_mappo.toml 100000 --set run.num_envs=8 --set run.torch_threads=2
train experiments/mpe/spread_mappo.toml 128000
train experiments/mpe/spread_mappo.toml 128000 --set run.torch_threads=2
train experiments/mpe/spread_qmix.toml 20000
train experiments/mpe/spread_qmix.toml 20000 --set run.torch_threads=2
train experiments/hide_and_seek/quadrant_mappo.toml 12800
train experiments/hide_and_seek/quadrant_mappo.toml 12800 --set run.torch_threads=2
for env in mpe hide_and_seek; do
  for n in 16 64; do
    echo "== bench env $env --num-envs $n"
    "$marl" bench env "$env" --num-envs "$n" --seconds 3
  done
done
for b in bench_networks bench_blocks bench_env_step; do
  if [ -x "build/bench/$b" ]; then "build/bench/$b"; fi
done
