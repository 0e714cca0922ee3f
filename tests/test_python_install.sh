#!/usr/bin/env bash
# The installed Python package: `cmake --install` into a fresh prefix puts
# the package into its Python site folder, the library into lib/ and the
# cdef into share/backline; python3 run outside the tree, with that site
# folder on its path and no BACKLINE_* variables, must import the package
# with the installed library and give the CLI's verdicts on the demo set.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(dirname "${BL_TOOLS:?run through ctest}")
python=${BL_PYTHON:-python3}
if [ "${BL_SANITIZED:-}" = 1 ]; then
  echo "SKIPPED: the Python package loads libbackline.so into python3; it runs in the non-sanitized build" >&2
  exit 77
fi
if ! "$python" -c 'import cffi, numpy' 2>/dev/null; then
  echo "SKIPPED: $python lacks python3-cffi or python3-numpy (tools/debian-packages.txt)" >&2
  exit 77
fi
if [ ! -f "$build/dsp/backline.cdef" ]; then
  echo "SKIPPED: configured with -DBACKLINE_PYTHON=OFF: no Python package to install" >&2
  exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > /dev/null || { echo "FAILED: cmake --install" >&2; exit 1; }
inst=$(find "$tmp/prefix" -name _installed.py -path '*/backline/*' | head -1)
[ -n "$inst" ] || { echo "FAILED: no backline/_installed.py under the prefix" >&2; exit 1; }
site=$(dirname "$(dirname "$inst")")
[ -f "$tmp/prefix/share/backline/backline.cdef" ] || { echo "FAILED: no share/backline/backline.cdef" >&2; exit 1; }
# The README's plain `python3 -c 'import backline'` after `cmake --install`
# (prefix /usr/local) needs that folder on python3's own path.
rel=${site#"$tmp/prefix/"}
env -u PYTHONPATH "$python" -c 'import sys; sys.exit(0 if sys.argv[1] in sys.path else 1)' "/usr/local/$rel" ||
  { echo "FAILED: /usr/local/$rel (where cmake --install puts the package) is not on $python's sys.path" >&2; exit 1; }
mvc=()
for f in "$root"/fixtures/demo/mvc_*.wav; do mvc+=(--mvc "$f"); done
"$BL_TOOLS/backline-analyse" hinge "$root/fixtures/demo/session.wav" "${mvc[@]}" --json "$tmp/cli.json" --quiet \
  > /dev/null || { echo "FAILED: backline-analyse hinge" >&2; exit 1; }
cd "$tmp"
env -u BACKLINE_LIBRARY -u BACKLINE_CDEF -u LD_LIBRARY_PATH PYTHONPATH="$site" PYTHONDONTWRITEBYTECODE=1 \
  "$python" - "$tmp/prefix" "$root/fixtures/demo" "$tmp/cli.json" <<'PY'
import glob, json, math, os, sys
import backline
prefix, demo, cli = sys.argv[1:4]
def inside(p):
    return os.path.realpath(p).startswith(os.path.realpath(prefix) + os.sep)
if not inside(backline.__file__) or not inside(backline.LIBRARY_PATH) or not inside(backline.CDEF_PATH):
    sys.exit("FAILED: not the installed package, library and cdef: %s, %s, %s"
             % (backline.__file__, backline.LIBRARY_PATH, backline.CDEF_PATH))
h = backline.hinge(os.path.join(demo, "session.wav"), mvc=sorted(glob.glob(os.path.join(demo, "mvc_*.wav"))))
doc = json.load(open(cli))
want = [(r["chain"], r["chain_index"]) for r in doc["reps"]]
got = [(r["chain"], round(r["chain_index"], 4)) for r in h.reps]
if len(want) != 5 or got != want:
    sys.exit("FAILED: installed package: %s, CLI %s" % (got, want))
print("test_python_install: %s imports with %s; verdicts %s as the CLI's"
      % (os.path.dirname(backline.__file__), backline.LIBRARY_PATH, [g[0] for g in got]))
PY
[ $? -eq 0 ] || exit 1

# The package installed on its own (as `pip install ./python` does: no
# _installed.py) finds the installed library through LD_LIBRARY_PATH and
# the cdef in share/backline beside its lib folder.
mkdir -p "$tmp/alone"
cp -r "$root/python/backline" "$tmp/alone/"
rm -rf "$tmp/alone/backline/__pycache__"
libdir=$(dirname "$(find "$tmp/prefix" -name libbackline.so.0 | head -1)")
env -u BACKLINE_LIBRARY -u BACKLINE_CDEF LD_LIBRARY_PATH="$libdir" PYTHONPATH="$tmp/alone" PYTHONDONTWRITEBYTECODE=1 \
  "$python" -c '
import os, sys, backline
want = (os.path.join(sys.argv[1], "libbackline.so.0"), os.path.join(sys.argv[2], "share", "backline", "backline.cdef"))
got = (backline.LIBRARY_PATH, backline.CDEF_PATH)
sys.exit(0 if [os.path.realpath(p) for p in got] == [os.path.realpath(p) for p in want]
         else "FAILED: through LD_LIBRARY_PATH the package found %s, not %s" % (got, want))
' "$libdir" "$tmp/prefix" || exit 1
echo "test_python_install: the package alone finds the installed library through LD_LIBRARY_PATH"
