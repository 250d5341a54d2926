#!/usr/bin/env bash
# The simple_spread benchmark of docs/results/mpe-spread.md: every algorithm
# with EPyMARL's protocol (2M env steps; 100 greedy evaluation episodes every
# 50k steps, [run].eval_interval in each experiments/mpe/spread_<algo>.toml),
# SEEDS seeds each (default 1-3) as JOBS parallel processes (default 2), into
# OUT/<algo>/seed_<n>; then the table (IQM and 95% CI of the best and final
# evaluation returns) and the learning curves.
#
#   scripts/benchmark_spread.sh                  # everything (about 7 hours on 2 cores)
#   ALGOS="mappo ippo coma" scripts/benchmark_spread.sh
#
# Algorithms already done (OUT/<algo>/.done) are skipped, so it can be run
# again after an interruption; a run interrupted mid-way is continued with
# `marl run --resume OUT/<algo>/seed_<n>`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
marl=${MARL:-build/bin/marl}
seeds=${SEEDS:-1-3}
jobs=${JOBS:-2}
out=${OUT:-runs/bench/spread}
algos=${ALGOS:-"mappo ippo maa2c ia2c coma qmix vdn iql maddpg"}

for algo in $algos; do
  if [ -f "$out/$algo/.done" ]; then echo "== $algo: done before"; continue; fi
  echo "== $algo"
  "$marl" run "experiments/mpe/spread_$algo.toml" --seeds "$seeds" --jobs "$jobs" --out "$out/$algo" --no-hints
  touch "$out/$algo/.done"
done

"$marl" compare "$out" --eval --figure best --figure final --format markdown > "$out/table.md"
"$marl" compare "$out" --eval --figure best --figure final --format csv > "$out/table.csv"
"$marl" compare "$out" --eval --plot "$out/curves.svg" > /dev/null
# Wall-clock time of each run, from its run.json.
for run in "$out"/*/seed_*/run.json; do
  printf '%s %s\n' "$(dirname "$run")" "$(grep -o '"wall_seconds": [0-9.e+]*' "$run" | cut -d' ' -f2)"
done > "$out/wall_seconds.txt"
echo "table: $out/table.md, curves: $out/curves.svg, wall time: $out/wall_seconds.txt"
