#!/usr/bin/env bash
# The Python package from the source tree (PYTHONPATH=python) against
# backline-analyse on the committed fixtures: python_api.py says what is
# compared. The build's own library is used: found by the package itself
# when the build folder is the checkout's build/, else through
# BACKLINE_LIBRARY (CI's other build folders).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(dirname "${BL_TOOLS:?run through ctest}")
python=${BL_PYTHON:-python3}
if [ "${BL_SANITIZED:-}" = 1 ]; then
  # An instrumented libbackline.so cannot be loaded into an uninstrumented python3.
  echo "SKIPPED: the Python package loads libbackline.so into python3; it runs in the non-sanitized build" >&2
  exit 77
fi
if [ ! -f "$build/dsp/backline.cdef" ]; then
  echo "SKIPPED: no $build/dsp/backline.cdef: configured with -DBACKLINE_PYTHON=OFF" >&2
  exit 77
fi
if [ "$build" != "$root/build" ]; then
  export BACKLINE_LIBRARY="$build/dsp/libbackline.so"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" # nothing found through the current folder
PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1 "$python" "$here/python_api.py" "$BL_TOOLS" \
  "$root/fixtures" "$tmp"
rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || { echo "test_python: FAILED" >&2; exit 1; }
# The package must have used this build's library.
PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1 "$python" -c \
  'import backline, os, sys; sys.exit(os.path.realpath(backline.LIBRARY_PATH) != os.path.realpath(sys.argv[1]))' \
  "$build/dsp/libbackline.so" || { echo "FAILED: the package did not load $build/dsp/libbackline.so" >&2; exit 1; }
echo "test_python: the package's numbers are the CLI's"
