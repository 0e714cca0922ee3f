#!/usr/bin/env bash
# The progress line (issue 10): on a terminal, long work shows
# "backline-analyse hinge: reading 42 % (3 s)" redrawn in place and erased
# before the results; --quiet shows none; stderr to a file or a pipe never
# gets it. The terminal is a pty from script(1); BL_PROGRESS_AFTER_S=0
# shows the line from the first redraw (half a second) instead of after 2 s,
# so a few seconds of work suffice.
set -uo pipefail
analyse="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
. "$(dirname "$0")/support/paths.sh"
require_tool "$analyse" "$synth"
command -v script > /dev/null || { echo "FAILED: script(1) from util-linux is needed" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$synth" hinge -o "$tmp/set" --reps 40 --seed 43 > /dev/null || { echo "FAILED: synth" >&2; exit 1; }
export BL_PROGRESS_AFTER_S=0
cmd="'$analyse' hinge '$tmp/set/session.wav' --json '$tmp/tty.json' > '$tmp/tty.out'"
script -qec "$cmd" "$tmp/tty.typescript" > /dev/null 2>&1 || fail "hinge on a terminal failed"
grep -aq "backline-analyse hinge: \(reading\|analysing\|writing\)" "$tmp/tty.typescript" ||
  fail "no progress line on a terminal: $(tr '\r' '\n' < "$tmp/tty.typescript" | head -5)"
# Erased before the run ends: the last progress text is followed by an
# erase (\r, ESC [K) before anything else is written.
last=$(tr '\r' '\n' < "$tmp/tty.typescript" | grep -a "backline-analyse hinge: " | tail -1)
[ -n "$last" ] && tr '\r' '\n' < "$tmp/tty.typescript" | grep -aqx $'\033\\[K.*' || fail "the progress line is not erased"

script -qec "'$analyse' hinge '$tmp/set/session.wav' --quiet --json '$tmp/q.json' > /dev/null" "$tmp/quiet.typescript" \
  > /dev/null 2>&1 || fail "hinge --quiet failed"
grep -aq "backline-analyse hinge: \(reading\|analysing\)" "$tmp/quiet.typescript" && fail "--quiet still shows progress"

"$analyse" hinge "$tmp/set/session.wav" --json "$tmp/file.json" > "$tmp/file.out" 2> "$tmp/file.err" || fail "hinge"
grep -aq $'\r' "$tmp/file.err" && fail "progress went to a file: $(cat -v "$tmp/file.err" | head -3)"
"$analyse" envelope "$tmp/set/session.wav" -o "$tmp/e.csv" 2>&1 > /dev/null | cat > "$tmp/pipe.err"
grep -aq $'\r' "$tmp/pipe.err" && fail "progress went to a pipe"
cmp -s "$tmp/tty.json" "$tmp/file.json" || fail "the JSON differs between a terminal and a file"
cmp -s "$tmp/tty.out" "$tmp/file.out" || fail "stdout differs between a terminal run and a file run"
[ $failures -eq 0 ] || { echo "test_progress: $failures failure(s)" >&2; exit 1; }
echo "test_progress: passed (last line on the terminal: ${last:0:60})"
