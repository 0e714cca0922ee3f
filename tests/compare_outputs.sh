#!/usr/bin/env bash
# Shows that a change keeps every output on the committed fixtures byte for
# byte: builds BASE (a commit, default HEAD) in a temporary worktree, makes
# the outputs of both builds with tests/fixture_outputs.sh and compares them.
#   bash tests/compare_outputs.sh [BASE] [BUILD_DIR]
# BUILD_DIR (default build/) holds the build of the working tree. Prints the
# files that differ (with a diff of the text ones) and exits 1 when any does.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
base=${1:-HEAD}
build=$(cd "${2:-$root/build}" && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/base" "$base" >/dev/null 2>&1 ||
  { echo "compare_outputs: cannot check out $base" >&2; exit 2; }
echo "compare_outputs: building $base ($(git -C "$root" rev-parse --short "$base"))"
cmake -S "$work/base" -B "$work/base-build" -DCMAKE_BUILD_TYPE=Release -DBACKLINE_TESTS=OFF >/dev/null &&
  cmake --build "$work/base-build" -j"$(nproc)" >/dev/null ||
  { echo "compare_outputs: $base does not build" >&2; exit 2; }

# Both runs read the fixtures of the working tree: the comparison is of the
# code, not of the data.
bash "$here/fixture_outputs.sh" "$work/base-build" "$work/old" >/dev/null
bash "$here/fixture_outputs.sh" "$build" "$work/new" >/dev/null
differ=0
while IFS= read -r f; do
  if ! cmp -s "$work/old/$f" "$work/new/$f"; then
    differ=$((differ + 1))
    echo "differs: $f"
    case "$f" in
      *.wav) ;;
      *) diff -u "$work/old/$f" "$work/new/$f" | head -40 ;;
    esac
  fi
done < <({ (cd "$work/old" && find . -type f); (cd "$work/new" && find . -type f); } | sort -u)
n=$(cd "$work/old" && find . -type f | wc -l)
if [ "$differ" -gt 0 ]; then
  echo "compare_outputs: $differ of $n files differ from $base"
  exit 1
fi
echo "compare_outputs: all $n files identical to $base"
