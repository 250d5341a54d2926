#!/usr/bin/env bash
# Follows docs/writing-an-env-plugin.md: install marl into a prefix, build the
# example env plugin outside the source tree against it, run its conformance
# test and an experiment; then the same for a plugin made by `marl new env`.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
marl="$work/prefix/bin/marl"

# configure_and_test <folder>: build against the installed package (an env
# plugin needs marl's core and testing components only: LibTorch must not be
# looked for) and run its CTest suite.
configure_and_test() {
  cmake -S "$1" -B "$1/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_DISABLE_FIND_PACKAGE_Torch=ON >/dev/null
  cmake --build "$1/build"
  ctest --test-dir "$1/build" --output-on-failure
}

cp -r "$source_dir/docs/examples/rendezvous_env" "$work/rendezvous_env"
configure_and_test "$work/rendezvous_env"
plugins=(--plugin-dir "$work/rendezvous_env/build")
"$marl" "${plugins[@]}" info rendezvous | grep -q "step_penalty"
"$marl" "${plugins[@]}" test-env rendezvous --set cells=3 | tee "$work/test_env.txt"
grep -q "env 'rendezvous' conforms" "$work/test_env.txt"
"$marl" "${plugins[@]}" run "$work/rendezvous_env/rendezvous.toml" --out "$work/run" --no-progress --no-hints
grep -q '"status": "completed"' "$work/run/run.json"
grep -q '^env_steps,episodes,updates,wall_s,steps_per_s,return_mean,return_walker_0,return_walker_1,episode_length,met' \
  "$work/run/metrics.csv"
# Its describe_frame() makes a replay a person can watch.
"$marl" "${plugins[@]}" eval "$work/run" --episodes 2 --record "$work/replay.html" | grep -q "(2 episodes"
grep -q '"shapes":\[\["circle"' "$work/replay.html"
echo "example env plugin built, tested, discovered, run and replayed"

# A new plugin from the scaffold builds and passes its test as generated.
(cd "$work" && "$marl" new env predator_prey | tee "$work/new.txt")
grep -q "created env plugin 'predator_prey'" "$work/new.txt"
test -f "$work/predator_prey/predator_prey_env.h"
test -f "$work/predator_prey/README.md"
if "$marl" new env predator_prey --dir "$work/predator_prey" 2>"$work/again.txt"; then
  echo "marl new overwrote a folder"; exit 1
fi
grep -q "already exists" "$work/again.txt"
configure_and_test "$work/predator_prey"
plugins=(--plugin-dir "$work/predator_prey/build")
"$marl" "${plugins[@]}" test-env predator_prey | grep -q "env 'predator_prey' conforms"
"$marl" "${plugins[@]}" run "$work/predator_prey/predator_prey.toml" --out "$work/run_new" --no-progress --no-hints
grep -q '"status": "completed"' "$work/run_new/run.json"
echo "marl new env: built, tested, discovered and run"
