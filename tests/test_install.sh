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
# Both libraries are installed: -lbackline takes libbackline.so (found at
# run time through LD_LIBRARY_PATH in a private prefix); -Wl,-Bstatic the .a.
libdir=$(pkg-config --variable=libdir backline)
cc "$here/install/consumer.c" $(pkg-config --cflags --libs backline) -o "$tmp/consumer_pc"
# (ldd's output kept whole: grep -q in a pipe could end it with SIGPIPE,
# which pipefail reports as a failure.)
deps=$(ldd "$tmp/consumer_pc")
grep -q "libbackline.so.0 => not found" <<< "$deps" ||
  { echo "FAILED: the pkg-config consumer is not linked to libbackline.so: $deps" >&2; exit 1; }
LD_LIBRARY_PATH="$libdir" "$tmp/consumer_pc" | grep -q "success, 4 sections" ||
  { echo "FAILED: pkg-config consumer (shared)" >&2; exit 1; }
cc "$here/install/consumer.c" $(pkg-config --cflags backline) -L"$libdir" -Wl,-Bstatic -lbackline -Wl,-Bdynamic \
  $(pkg-config --libs --static backline | sed 's/-lbackline//') -o "$tmp/consumer_static"
"$tmp/consumer_static" | grep -q "success, 4 sections" || { echo "FAILED: pkg-config consumer (static)" >&2; exit 1; }
cmake -S "$here/install" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" > /dev/null
cmake --build "$tmp/cmake" > /dev/null
"$tmp/cmake/consumer" | grep -q "success, 4 sections" || { echo "FAILED: CMake consumer" >&2; exit 1; }
deps=$(ldd "$tmp/cmake/consumer_shared")
grep -q "libbackline.so.0 => $tmp/prefix" <<< "$deps" ||
  { echo "FAILED: the CMake consumer of backline::backline_shared does not use the installed .so: $deps" >&2; exit 1; }
"$tmp/cmake/consumer_shared" | grep -q "success, 4 sections" || { echo "FAILED: CMake consumer (shared)" >&2; exit 1; }
# The man pages and the bash completion come with the tools (when built).
for page in backline-analyse backline-synth backline-analyse-hinge; do
  [ -x "$BL_TOOLS/backline-analyse" ] || break
  [ -s "$tmp/prefix/share/man/man1/$page.1" ] || { echo "FAILED: man page $page.1 not installed" >&2; exit 1; }
done
for tool in backline-analyse backline-synth; do
  [ -x "$BL_TOOLS/backline-analyse" ] || break
  [ -s "$tmp/prefix/share/bash-completion/completions/$tool" ] \
    || { echo "FAILED: bash completion for $tool not installed" >&2; exit 1; }
done
echo "test_install: pkg-config and find_package consumers, shared and static, build and run; man pages and completion installed"
