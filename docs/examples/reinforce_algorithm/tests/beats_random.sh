#!/usr/bin/env bash
# Trains the plugin with the experiment file and checks that its greedy policy
# beats the uniformly random one on the same evaluation episodes (eval.csv
# against eval_baseline.csv) by at least <margin>.
#   beats_random.sh <marl> <plugin folder> <experiment.toml> <margin>
set -euo pipefail
marl=$1 plugin_dir=$2 experiment=$3 margin=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$marl" --plugin-dir "$plugin_dir" run "$experiment" --out "$out/run" --no-progress --no-hints
column() {  # column <file> <name>: that column's value in the file's last row
  awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == name) c = i } END { print $c }' "$1"
}
learned=$(column "$out/run/eval.csv" return_mean)
random=$(column "$out/run/eval_baseline.csv" return_mean)
echo "greedy return $learned, random $random (needed: random + $margin)"
awk -v l="$learned" -v r="$random" -v m="$margin" 'BEGIN { exit !(l >= r + m) }'
# The checkpoint loads back for evaluation.
"$marl" --plugin-dir "$plugin_dir" eval "$out/run" --episodes 4 >/dev/null
