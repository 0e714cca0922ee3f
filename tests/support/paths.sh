# Sourced by the tests/*.sh scripts: where the committed fixtures and the
# optional real recordings are, and what a missing one does. A committed
# fixture (anything under fixtures/) that is missing FAILS the test; only
# the optional real-data folder may skip (exit 77, CTest's SKIP_RETURN_CODE),
# always saying which file and that BL_REAL_DATA can point elsewhere.
#
# BL_REAL_DATA exported for the ctest run wins; ctest passes the default
# beside the checkout (../shared/data/real) in BL_REAL_DATA_DEFAULT.
BL_REAL_DATA=${BL_REAL_DATA:-${BL_REAL_DATA_DEFAULT:-}}
# ctest sets BL_FIXTURES; run by hand, the source tree's fixtures/.
BL_FIXTURES=${BL_FIXTURES:-$(dirname "${BASH_SOURCE[0]}")/../../fixtures}

# require_fixture PATH...: every committed fixture named must exist.
require_fixture() {
  local f
  for f in "$@"; do
    if [ ! -e "$f" ]; then
      echo "FAILED: committed fixture $f is missing (fixtures/ is part of the checkout:" \
           "restore it with git checkout, or regenerate it with the script beside it)" >&2
      exit 1
    fi
  done
}

# require_tool PATH...: the tools this test drives were configured, so they
# must have been built.
require_tool() {
  local f
  for f in "$@"; do
    [ -x "$f" ] || { echo "FAILED: $f is not built (build the project before running ctest)" >&2; exit 1; }
  done
}

# real_absent_msg PATH: why a real recording cannot be used.
real_absent_msg() {
  if [ -z "$BL_REAL_DATA" ]; then
    echo "no real-data folder: neither BL_REAL_DATA nor BL_REAL_DATA_DEFAULT is set (export BL_REAL_DATA=/path/to/real)"
  else
    echo "real recording $1 is absent from the optional real-data folder; export BL_REAL_DATA=/path/to/real to point elsewhere"
  fi
}

# require_real PATH...: skip the whole test unless every real recording named
# is there.
require_real() {
  local f
  for f in "$@"; do
    [ -n "$BL_REAL_DATA" ] && [ -e "$f" ] || { echo "SKIPPED: $(real_absent_msg "$f")" >&2; exit 77; }
  done
}

# real_present PATH: 0 when the real recording is there; otherwise says on
# stderr that this part of the test is skipped, and returns 1.
real_present() {
  [ -n "$BL_REAL_DATA" ] && [ -e "$1" ] && return 0
  echo "SKIPPED PART: $(real_absent_msg "$1")" >&2
  return 1
}
