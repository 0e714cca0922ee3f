#!/usr/bin/env bash
# --threads N on the analyse subcommands (issue 10): the same bytes for any
# N. A 30-repetition set (about 3 minutes x 6 channels at 2 kHz, above the
# size from which the zero-phase filters split channels over threads) goes
# through envelope, onsets and hinge with --threads 1, 2 and 0 (one per
# core); every output must be identical. A bad value is one usage line.
set -uo pipefail
analyse="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
. "$(dirname "$0")/support/paths.sh"
require_tool "$analyse" "$synth"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$synth" hinge -o "$tmp/set" --reps 30 --seed 41 --pattern drift > /dev/null || { echo "FAILED: synth" >&2; exit 1; }
mvc=()
for f in "$tmp"/set/mvc_*.wav; do mvc+=(--mvc "../set/${f##*/}"); done
# Each run writes the same names in its own folder: stdout names them.
for n in 1 2 0; do
  mkdir -p "$tmp/t$n" && cd "$tmp/t$n" || exit 1
  "$analyse" envelope ../set/session.wav --threads $n -o env.csv > env.out || fail "envelope --threads $n"
  "$analyse" onsets ../set/session.wav --threads $n --json on.json > on.out || fail "onsets --threads $n"
  "$analyse" hinge ../set/session.wav "${mvc[@]}" --threads $n --json h.json --csv h.csv > h.out ||
    fail "hinge --threads $n"
done
cd "$tmp" || exit 1
for f in env.csv env.out on.json on.out h.json h.csv h.out; do
  for n in 2 0; do
    cmp -s "t1/$f" "t$n/$f" || fail "$f differs between --threads 1 and --threads $n"
  done
done
echo "test_threads: $(wc -l < t1/env.csv) envelope rows, hinge CSV of $(wc -l < t1/h.csv) lines;" \
  "outputs of --threads 1, 2, 0 identical"

"$analyse" envelope "$tmp/set/session.wav" --threads -1 -o "$tmp/x.csv" 2> "$tmp/err" > /dev/null
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q -- "--threads -1" "$tmp/err" || fail "--threads -1: exit $rc, stderr $(cat "$tmp/err")"
[ -e "$tmp/x.csv" ] && fail "--threads -1 wrote an output"
[ $failures -eq 0 ] || { echo "test_threads: $failures failure(s)" >&2; exit 1; }
echo "test_threads: passed"
