#!/usr/bin/env bash
# Follows docs/writing-an-env-plugin.md: install marl into a prefix, build the
# example env plugin outside the source tree against it, run an experiment.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cp -r "$source_dir/docs/examples/rendezvous_env" "$work/rendezvous_env"
# An env plugin needs marl's core component only: LibTorch must not be looked for.
cmake -S "$work/rendezvous_env" -B "$work/rendezvous_env/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_DISABLE_FIND_PACKAGE_Torch=ON >/dev/null
cmake --build "$work/rendezvous_env/build"

marl="$work/prefix/bin/marl"
"$marl" --plugin-dir "$work/rendezvous_env/build" info rendezvous | grep -q "step_penalty"
"$marl" --plugin-dir "$work/rendezvous_env/build" run "$work/rendezvous_env/rendezvous.toml" \
  --out "$work/run" --no-progress
grep -q '"status": "completed"' "$work/run/run.json"
grep -q '^env_steps,episodes,updates,wall_s,steps_per_s,return_mean,return_walker_0,return_walker_1,episode_length,met' \
  "$work/run/metrics.csv"
echo "out-of-tree plugin built, discovered and run"
