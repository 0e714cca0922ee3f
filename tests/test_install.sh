#!/usr/bin/env bash
# Install rules: `cmake --install` into a fresh prefix, then a program outside
# the tree builds and runs against it through pkg-config and through CMake's
# find_package(backline).
set -euo pipefail
if [ "${BL_SANITIZED:-}" = 1 ]; then
  echo "SKIPPED: the install test links a plain consumer; it runs in the non-sanitized build" >&2
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$BL_TOOLS")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > /dev/null
pc=$(find "$tmp/prefix" -name backline.pc | head -1)
[ -n "$pc" ] || { echo "FAILED: no backline.pc installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
cc "$here/install/consumer.c" $(pkg-config --cflags --libs --static backline) -o "$tmp/consumer_pc"
"$tmp/consumer_pc" | grep -q "success, 4 sections" || { echo "FAILED: pkg-config consumer" >&2; exit 1; }
cmake -S "$here/install" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" > /dev/null
cmake --build "$tmp/cmake" > /dev/null
"$tmp/cmake/consumer" | grep -q "success, 4 sections" || { echo "FAILED: CMake consumer" >&2; exit 1; }
# The man pages and the bash completion come with the tools.
for page in backline-analyse backline-synth backline-analyse-hinge; do
  [ -s "$tmp/prefix/share/man/man1/$page.1" ] || { echo "FAILED: man page $page.1 not installed" >&2; exit 1; }
done
for tool in backline-analyse backline-synth; do
  [ -s "$tmp/prefix/share/bash-completion/completions/$tool" ] \
    || { echo "FAILED: bash completion for $tool not installed" >&2; exit 1; }
done
echo "test_install: pkg-config and find_package consumers build and run; man pages and completion installed"
