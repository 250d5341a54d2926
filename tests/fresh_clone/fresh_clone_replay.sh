#!/usr/bin/env bash
# A clone of the repository, alone in an empty folder, must replay its own
# reference recordings: the data the tests read lives in the project, and
# nothing beside the clone (no sibling folder, no MARL_REFERENCE_DIR) is needed.
#
#   fresh_clone_replay.sh <source tree>
#
# The clone is of HEAD plus the tracked files' uncommitted changes, so a
# developer tests what they are about to commit; untracked files do not
# travel, so a recording someone forgot to `git add` fails here as it would
# in a user's clone. Only the env plugins' tests are built (no LibTorch).
set -euo pipefail
source_dir=$1
if ! git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
  echo "$source_dir is not a git checkout: nothing to clone"
  exit 77  # SKIP_RETURN_CODE
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$source_dir" "$work/marl"
git -C "$source_dir" diff HEAD --binary >"$work/tracked-changes.patch"
if [ -s "$work/tracked-changes.patch" ]; then
  git -C "$work/marl" apply --whitespace=nowarn "$work/tracked-changes.patch"
fi
rm "$work/tracked-changes.patch"
[ "$(ls -A "$work")" = marl ] || { echo "the clone's folder is not alone: $(ls -A "$work")"; exit 1; }

unset MARL_REFERENCE_DIR
cd "$work"  # neither the source tree nor anything beside it is the working directory
# Quiet unless something fails; then the log says why.
quietly() {
  "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log"; echo "failed in the fresh clone: $*"; exit 1; }
}
quietly cmake -S marl -B marl/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMARL_BUILD_TORCH=OFF
quietly cmake --build marl/build -j "${JOBS:-2}" --target test_mpe test_hide_and_seek
ctest --test-dir marl/build -R 'replay' --no-tests=error --output-on-failure
count=$(ctest --test-dir marl/build -R 'replay' -N | sed -n 's/^Total Tests: //p')
[ "$count" -ge 4 ] || { echo "expected at least 4 replay tests in the clone, found $count"; exit 1; }
echo "a fresh clone with nothing beside it replayed its $count reference-recording tests"
