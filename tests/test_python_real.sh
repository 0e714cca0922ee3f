#!/usr/bin/env bash
# The Python package against backline-analyse on the real recordings
# (python_real.py says what is compared); skips (77) without them.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/support/paths.sh"
build=$(dirname "${BL_TOOLS:?run through ctest}")
python=${BL_PYTHON:-python3}
require_tool "$BL_TOOLS/backline-analyse"
if [ "${BL_SANITIZED:-}" = 1 ]; then
  echo "SKIPPED: the Python package loads libbackline.so into python3; it runs in the non-sanitized build" >&2
  exit 77
fi
if [ ! -f "$build/dsp/backline.cdef" ]; then
  echo "SKIPPED: no $build/dsp/backline.cdef: configured with -DBACKLINE_PYTHON=OFF" >&2
  exit 77
fi
require_real "$BL_REAL_DATA/uci-lower-limb/10Amar.wav" "$BL_REAL_DATA/biosppy/emg_1.wav" \
  "$BL_REAL_DATA/backyardbrains/pulse_max.wav" "$BL_REAL_DATA/santuz-walking/ID0012_TW_01.wav"
export BACKLINE_LIBRARY="$build/dsp/libbackline.so"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1 "$python" "$here/python_real.py" "$BL_TOOLS" "$root/fixtures" \
  "$tmp" "$BL_REAL_DATA"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || { echo "test_python_real: FAILED" >&2; exit 1; }
exit "$rc"
