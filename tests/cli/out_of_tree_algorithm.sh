#!/usr/bin/env bash
# Follows docs/writing-an-algorithm-plugin.md: install marl into a prefix,
# check the installed LibTorch plugins load and train, then build a plugin made
# by `marl new algorithm` (the REINFORCE example renamed) outside the source
# tree against it and run its test (trains and beats random).
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
marl="$work/prefix/bin/marl"
# The installed in-tree LibTorch plugins load from the installed tree alone.
"$marl" list | tee "$work/list.txt"
grep -q "mappo" "$work/list.txt"
if grep -qi "broken\|error\|cannot open" "$work/list.txt"; then echo "an installed plugin does not load"; exit 1; fi
# ... and train: mappo from the installed tree, with nothing but its RUNPATHs.
env -u LD_LIBRARY_PATH "$marl" run "$source_dir/experiments/matrix/two_step_mappo.toml" --set run.env_steps=800 \
  --set run.log_interval=400 --out "$work/mappo_run" --no-progress --no-hints
grep -q '"status": "completed"' "$work/mappo_run/run.json"

# `marl new algorithm` writes the REINFORCE example (docs/examples) under a
# new name: it builds against the installed package and its own CTest test
# trains it on the two-step game and asks it to beat random.
(cd "$work" && "$marl" new algorithm team_pg | tee "$work/new.txt")
grep -q "created algorithm plugin 'team_pg'" "$work/new.txt"
cmake -S "$work/team_pg" -B "$work/team_pg/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/team_pg/build"
ctest --test-dir "$work/team_pg/build" --output-on-failure

plugins=(--plugin-dir "$work/team_pg/build")
"$marl" "${plugins[@]}" info team_pg | grep -q "episodes_per_update"
"$marl" "${plugins[@]}" run "$work/team_pg/team_pg.toml" --set run.eval_episodes=0 --set run.env_steps=1000 \
  --out "$work/run" --no-progress --no-hints
grep -q '"status": "completed"' "$work/run/run.json"
head -1 "$work/run/metrics.csv" | grep -q ',loss,entropy,episode_return$'
echo "marl new algorithm: built, discovered, trained (beats random) and evaluated"
