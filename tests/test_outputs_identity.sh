#!/usr/bin/env bash
# An output that is the same file as an input (any spelling, a symlink, a
# hard link: same device and inode) or as another output of the same command
# is refused with one line before anything is written; the input is never
# touched.
set -uo pipefail
analyse="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
. "$(dirname "$0")/support/paths.sh"
require_tool "$analyse" "$synth"
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav" "$demo/mvc_ST.wav"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_refused PATTERN CMD... (run in $tmp/w): exit 2, one stderr line
# matching PATTERN, nothing on stdout, every file in $tmp/w unchanged.
expect_refused() {
  local pattern=$1; shift
  local before after
  before=$(cd "$tmp/w" && ls -A | sort && find . -type f -exec md5sum {} + | sort)
  (cd "$tmp/w" && "$@") > "$tmp/out" 2> "$tmp/err"
  local rc=$? lines
  lines=$(wc -l < "$tmp/err")
  after=$(cd "$tmp/w" && ls -A | sort && find . -type f -exec md5sum {} + | sort)
  if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qE -- "$pattern" "$tmp/err"; then
    fail "$* -> exit $rc, $lines stderr line(s), wanted 2 and /$pattern/: $(cat "$tmp/err")"
  elif [ -s "$tmp/out" ]; then
    fail "$* printed on stdout: $(head -2 "$tmp/out")"
  elif [ "$before" != "$after" ]; then
    fail "$* changed the folder"
  else
    echo "ok: $* -> $(cat "$tmp/err")"
  fi
}

mkdir "$tmp/w" "$tmp/w/sub"
cp "$demo/session.wav" "$tmp/w/REC.wav"
cp "$demo/mvc_ST.wav" "$tmp/w/mvc_ST.wav"
ln -s REC.wav "$tmp/w/link.wav"
ln "$tmp/w/REC.wav" "$tmp/w/hard.wav"
ln -s ../REC.wav "$tmp/w/sub/up.wav"
ln -s REC.wav "$tmp/w/rec.json"     # a report name that is the recording
ln "$tmp/w/mvc_ST.wav" "$tmp/w/trial.csv"

same="the same file as the input"
expect_refused "^backline-analyse: -o REC.wav: $same REC.wav; refusing to overwrite it$" \
  "$analyse" envelope REC.wav -o REC.wav
expect_refused "^backline-analyse: -o ./REC.wav: $same REC.wav" "$analyse" envelope REC.wav -o ./REC.wav
expect_refused "^backline-analyse: -o sub/../REC.wav: $same" "$analyse" envelope REC.wav -o sub/../REC.wav
expect_refused "^backline-analyse: -o $tmp/w/REC.wav: $same" "$analyse" envelope REC.wav -o "$tmp/w/REC.wav"
expect_refused "^backline-analyse: -o link.wav: $same REC.wav" "$analyse" envelope REC.wav -o link.wav
expect_refused "^backline-analyse: -o REC.wav: $same link.wav" "$analyse" envelope link.wav -o REC.wav
expect_refused "^backline-analyse: -o hard.wav: $same REC.wav" "$analyse" envelope REC.wav -o hard.wav
expect_refused "^backline-analyse: -o sub/up.wav: $same" "$analyse" envelope REC.wav -o sub/up.wav
expect_refused "^backline-analyse: --json rec.json: $same REC.wav" "$analyse" onsets REC.wav --json rec.json
expect_refused "^backline-analyse: --json rec.json: $same REC.wav" "$analyse" hinge REC.wav --json rec.json
expect_refused "^backline-analyse: --csv trial.csv: $same mvc_ST.wav" \
  "$analyse" hinge REC.wav --mvc mvc_ST.wav --json h.json --csv trial.csv
# Two outputs of one command that are one file.
echo '{}' > "$tmp/w/h.json"
ln -s h.json "$tmp/w/h.html"
expect_refused "^backline-analyse: --html h.html: the same file as --json h.json; give two different outputs$" \
  "$analyse" hinge REC.wav --json h.json --html h.html
# backline-synth has no inputs, but two of its files may be one (a link in DIR).
mkdir "$tmp/w/set"
echo '{}' > "$tmp/w/set/truth.json"
ln "$tmp/w/set/truth.json" "$tmp/w/set/session.wav"
expect_refused "^backline-synth: -o set/truth.json: the same file as -o set/session.wav" \
  "$synth" hinge -o set --reps 1 --no-mvc

# The input is untouched and the tools still work on it.
cmp -s "$tmp/w/REC.wav" "$demo/session.wav" || fail "REC.wav was changed"
(cd "$tmp/w" && "$analyse" envelope link.wav -o env.wav && "$analyse" hinge REC.wav --json rep.json) >/dev/null 2>&1 ||
  fail "good runs beside the links failed"

if [ $failures -ne 0 ]; then echo "test_outputs_identity: $failures failure(s)" >&2; exit 1; fi
echo "test_outputs_identity: passed"
