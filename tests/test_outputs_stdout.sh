#!/usr/bin/env bash
# What the tools print must arrive: a write error on stdout (> /dev/full, a
# file-size limit) makes a run that had succeeded fail with one line on
# stderr; a run that failed keeps its own one line. A closed pipe on stdout
# ends the run quietly through SIGPIPE (status 141); with SIGPIPE ignored it
# is the same write error with its line.
set -uo pipefail
analyse="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
. "$(dirname "$0")/support/paths.sh"
require_tool "$analyse" "$synth"
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# check WHAT RC WANT_RC PATTERN: the status of a run and its one error line
# (the last on stderr, after any warnings), matching PATTERN.
check() {
  local what=$1 rc=$2 want=$3 pattern=$4 errors
  errors=$(grep -vc ': warning: ' "$tmp/err")
  if [ "$rc" -ne "$want" ] || [ "$errors" -ne 1 ] || ! tail -1 "$tmp/err" | grep -qE -- "$pattern"; then
    fail "$what -> exit $rc (wanted $want), $errors error line(s), wanted /$pattern/: $(cat "$tmp/err")"
  else
    echo "ok: $what -> $(tail -1 "$tmp/err")"
  fi
}

cd "$tmp" || exit 1
if [ -w /dev/full ]; then
  full="write error on standard output: No space left on device$"
  while IFS= read -r line; do
    eval "set -- $line"
    tool=$1; shift
    "$tool" "$@" > /dev/full 2> "$tmp/err"
    rc=$?
    check "$(basename "$tool") $* > /dev/full" $rc 1 "^$(basename "$tool"): $full"
  done <<EOF
"$analyse" --help
"$analyse" --version
"$analyse" info "$demo/session.wav"
"$analyse" envelope --help
"$analyse" envelope "$demo/session.wav" -o e.csv
"$analyse" onsets "$demo/session.wav"
"$analyse" hinge "$demo/session.wav" --mvc "$demo/mvc_ST.wav" --json h.json
"$synth" --help
"$synth" rest -o r --duration 1
EOF
  # A run that failed already says why, once, and keeps its status.
  "$analyse" envelope missing.wav -o e.csv > /dev/full 2> "$tmp/err"
  rc=$?
  check "envelope missing.wav > /dev/full" $rc 1 "missing.wav: .*(No such|cannot open)"
  "$analyse" envelope "$demo/session.wav" --order 0 -o e.csv > /dev/full 2> "$tmp/err"
  rc=$?
  check "envelope --order 0 > /dev/full" $rc 2 "--order 0: expected"
else
  echo "SKIPPED part: /dev/full is not writable here" >&2
fi

# A file-size limit on stdout: SIGXFSZ ignored, so a line, not a silent kill
# (onsets prints about 3.4 KB; the limit is 2 KiB, room for the line).
bash -c 'ulimit -f 2; exec "$@"' sh "$analyse" onsets "$demo/session.wav" > "$tmp/onsets.txt" 2> "$tmp/err"
rc=$?
check "onsets > file under ulimit -f 2" $rc 1 "^backline-analyse: write error on standard output: File too large$"

# A closed pipe. The reader closes its end, then says so; only then does
# the tool start writing.
rm -f "$tmp/closed"
{ while [ ! -e "$tmp/closed" ]; do sleep 0.02; done; exec "$analyse" info "$demo/session.wav"; } 2> "$tmp/err" |
  { exec 0<&-; touch "$tmp/closed"; }
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 141 ] || [ -s "$tmp/err" ]; then
  fail "info into a closed pipe: exit $rc (wanted 141, killed by SIGPIPE), stderr: $(cat "$tmp/err")"
else
  echo "ok: info into a closed pipe -> SIGPIPE, quiet"
fi
rm -f "$tmp/closed"
{ while [ ! -e "$tmp/closed" ]; do sleep 0.02; done; trap '' PIPE; exec "$analyse" info "$demo/session.wav"; } \
  2> "$tmp/err" | { exec 0<&-; touch "$tmp/closed"; }
check "info into a closed pipe, SIGPIPE ignored" "${PIPESTATUS[0]}" 1 \
  "^backline-analyse: write error on standard output: Broken pipe$"

# And a good run still exits 0 with its output.
"$analyse" info "$demo/session.wav" > "$tmp/info.txt" 2> "$tmp/err" && grep -q '^rate: ' "$tmp/info.txt" ||
  fail "info to a file: $(cat "$tmp/err")"

if [ $failures -ne 0 ]; then echo "test_outputs_stdout: $failures failure(s)" >&2; exit 1; fi
echo "test_outputs_stdout: passed"
