#!/usr/bin/env bash
# Outputs appear whole or not at all. Every file backline-analyse and
# backline-synth write goes to a temporary beside it and is renamed into
# place once complete; after any failure (a missing folder, a full disk, a
# file-size limit, a signal) none of a command's outputs and no temporary
# is left, and a file the run would have replaced keeps its old contents.
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

# listing DIR: every name in it, hidden ones too (temporaries are hidden).
listing() { (cd "$1" && ls -A | tr '\n' ' '); }

# expect_fail DIR WANTED PATTERN CMD...: CMD (run in DIR) exits non-zero with
# one stderr line matching PATTERN, and DIR then holds exactly WANTED.
expect_fail() {
  local dir=$1 wanted=$2 pattern=$3; shift 3
  (cd "$dir" && "$@") > "$tmp/out" 2> "$tmp/err"
  local rc=$? lines
  lines=$(wc -l < "$tmp/err")
  if [ $rc -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -qE -- "$pattern" "$tmp/err"; then
    fail "$* -> exit $rc, $lines stderr line(s), wanted /$pattern/: $(cat "$tmp/err")"
  elif [ "$(listing "$dir")" != "$wanted" ]; then
    fail "$* left [$(listing "$dir")], wanted [$wanted]"
  else
    echo "ok: $* -> $(cat "$tmp/err")"
  fi
}

# A fresh folder holding only the given files.
fresh() { rm -rf "$tmp/w"; mkdir "$tmp/w"; }

# 1. A missing folder for one of hinge's reports: none of them is written.
fresh
expect_fail "$tmp/w" "" "nodir/h.csv: cannot write: No such file" \
  "$analyse" hinge "$demo/session.wav" --json h.json --csv nodir/h.csv --html h.html
expect_fail "$tmp/w" "" "nodir/h.html: cannot write: No such file" \
  "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --html nodir/h.html
expect_fail "$tmp/w" "" "-o nodir/e.wav: cannot create: No such file" "$analyse" envelope "$demo/session.wav" -o nodir/e.wav

# 2. A full disk (/dev/full accepts the open, fails every write): the
#    reports written before it are not left behind.
if [ -w /dev/full ]; then
  fresh; ln -s /dev/full "$tmp/w/full.html"
  expect_fail "$tmp/w" "full.html " "full.html: write failed \(disk full\?\)" \
    "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --html full.html
  fresh; ln -s /dev/full "$tmp/w/full.csv"
  expect_fail "$tmp/w" "full.csv " "full.csv: write failed \(disk full\?\)" \
    "$analyse" hinge "$demo/session.wav" --mvc "$demo/mvc_ST.wav" --json h.json --csv full.csv
else
  echo "SKIPPED part: /dev/full is not writable here" >&2
fi

# 3. A file-size limit (ulimit -f, in KiB): SIGXFSZ is ignored, so the
#    write fails with a line instead of the process dying, and everything
#    goes. h.json (22 KB, with the channels' quality) and h.csv (10 KB)
#    fit in 32 KiB, h.html (45 KB) does not.
fresh
expect_fail "$tmp/w" "" "h.html: write failed" \
  bash -c 'ulimit -f 32; exec "$@"' sh "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --html h.html
expect_fail "$tmp/w" "" "-o e.csv: write failed: File too large" \
  bash -c 'ulimit -f 20; exec "$@"' sh "$analyse" envelope "$demo/session.wav" -o e.csv
expect_fail "$tmp/w" "" "-o e.wav: .*File too large" \
  bash -c 'ulimit -f 20; exec "$@"' sh "$analyse" envelope "$demo/session.wav" -o e.wav
expect_fail "$tmp/w" "" "--json o.json: write failed: File too large" \
  bash -c 'ulimit -f 4; exec "$@"' sh "$analyse" onsets "$demo/session.wav" --json o.json
# backline-synth: the whole set or nothing, and no folder it made.
expect_fail "$tmp/w" "" "sy/deep/session.wav: .*File too large" \
  bash -c 'ulimit -f 20; exec "$@"' sh "$synth" hinge -o sy/deep --reps 2
# The last file of the set failing (its name taken by a folder) takes the
# WAVs already written with it.
fresh; mkdir -p "$tmp/w/sy/truth.json"
expect_fail "$tmp/w/sy" "truth.json " "sy/truth.json: cannot write" \
  "$synth" hinge -o ../sy --reps 1 --map L.ST,L.BF --mvc-hold 1

# 4. A file the run would replace keeps its old contents after a failure,
#    and after a success is replaced whole, keeping its mode.
fresh
echo "old report" > "$tmp/w/h.json"; chmod 640 "$tmp/w/h.json"
expect_fail "$tmp/w" "h.json " "nodir/h.csv: cannot write" \
  "$analyse" hinge "$demo/session.wav" --json h.json --csv nodir/h.csv
[ "$(cat "$tmp/w/h.json")" = "old report" ] || fail "a failed run changed the existing h.json"
if (cd "$tmp/w" && "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --html h.html) >/dev/null 2>"$tmp/err"; then
  [ "$(listing "$tmp/w")" = "h.csv h.html h.json " ] || fail "success left [$(listing "$tmp/w")]"
  head -c1 "$tmp/w/h.json" | grep -q '{' || fail "h.json was not replaced by the report"
  [ "$(stat -c %a "$tmp/w/h.json")" = 640 ] || fail "h.json lost its mode: $(stat -c %a "$tmp/w/h.json")"
  # Replacing is never silent: one line for h.json, none for the new files.
  [ "$(grep -c 'replacing' "$tmp/err")" = 1 ] && grep -qx 'backline-analyse: replacing h.json' "$tmp/err" \
    || fail "replacing h.json: wanted exactly the line 'backline-analyse: replacing h.json', got: $(cat "$tmp/err")"
else
  fail "hinge into an existing h.json failed"
fi
# Again: all three exist now, three lines; --quiet says nothing.
(cd "$tmp/w" && "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --html h.html) >/dev/null 2>"$tmp/err" \
  || fail "hinge over its own reports failed"
for f in h.json h.csv h.html; do
  grep -qx "backline-analyse: replacing $f" "$tmp/err" || fail "no 'replacing $f' line: $(cat "$tmp/err")"
done
(cd "$tmp/w" && "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --quiet) >/dev/null 2>"$tmp/err" \
  || fail "hinge --quiet over its reports failed"
! grep -q replacing "$tmp/err" || fail "--quiet still said: $(cat "$tmp/err")"
# The other subcommands that write: envelope, onsets and gait (through
# the same output code), each one line, none under --quiet.
for cmd in "envelope $demo/session.wav -o x.csv" "onsets $demo/session.wav --json x.json"; do
  set -- $cmd
  out=${*: -1}
  fresh; echo old > "$tmp/w/$out"
  (cd "$tmp/w" && "$analyse" "$@") >/dev/null 2>"$tmp/err" || fail "$cmd over an existing file failed"
  [ "$(grep -c . "$tmp/err")" = 1 ] && grep -qx "backline-analyse: replacing $out" "$tmp/err" \
    || fail "$cmd: wanted the one line 'replacing $out', got: $(cat "$tmp/err")"
  (cd "$tmp/w" && "$analyse" "$@" --quiet) >/dev/null 2>"$tmp/err" || fail "$cmd --quiet failed"
  ! grep -q replacing "$tmp/err" || fail "$cmd --quiet still said: $(cat "$tmp/err")"
  echo "ok: $cmd over an existing $out says so once, --quiet not"
done
# A device written in place (a link to /dev/null) is not "replaced".
fresh; ln -s /dev/null "$tmp/w/null.json"
(cd "$tmp/w" && "$analyse" onsets "$demo/session.wav" --json null.json) >/dev/null 2>"$tmp/err" || fail "onsets into /dev/null failed"
! grep -q replacing "$tmp/err" || fail "--json to /dev/null said: $(cat "$tmp/err")"
# An output that is a symlink to a file: the file is written, the link kept.
fresh
echo old > "$tmp/w/real.csv"; ln -s real.csv "$tmp/w/link.csv"
if (cd "$tmp/w" && "$analyse" envelope "$demo/session.wav" -o link.csv) >/dev/null 2>&1; then
  [ -L "$tmp/w/link.csv" ] || fail "the symlink output was replaced by a file"
  head -1 "$tmp/w/real.csv" | grep -q '^time_s,' || fail "the symlink's target was not written"
  [ "$(listing "$tmp/w")" = "link.csv real.csv " ] || fail "symlink output left [$(listing "$tmp/w")]"
else
  fail "envelope through a symlink failed"
fi

# 5. A signal while outputs are half made removes their temporaries: the
#    HTML report goes to a FIFO nobody reads, so the run waits there with
#    the JSON and CSV written to temporaries; SIGTERM ends it.
fresh; mkfifo "$tmp/w/wait.html"
(cd "$tmp/w" && exec "$analyse" hinge "$demo/session.wav" --json h.json --csv h.csv --html wait.html) \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  ls -A "$tmp/w" | grep -q '^\.h\.tmp.*\.csv$' && break
  sleep 0.1
done
if ! ls -A "$tmp/w" | grep -q '^\.h\.tmp.*\.csv$'; then
  fail "no temporary h.csv while the run waits on the FIFO: [$(listing "$tmp/w")]"
fi
kill -TERM "$pid"; wait "$pid"; rc=$?
[ $rc -eq 143 ] || fail "SIGTERM: exit status $rc, wanted 143 (killed by the signal)"
[ "$(listing "$tmp/w")" = "wait.html " ] || fail "SIGTERM left [$(listing "$tmp/w")]"

# 6. Successful runs leave exactly their outputs.
fresh
(cd "$tmp/w" && "$analyse" envelope "$demo/session.wav" -o e.wav && "$analyse" envelope "$demo/session.wav" -o e.csv &&
  "$analyse" onsets "$demo/session.wav" --json o.json && "$synth" rest -o r --duration 1) >/dev/null 2>&1 ||
  fail "a good run failed"
[ "$(listing "$tmp/w")" = "e.csv e.wav o.json r " ] || fail "good runs left [$(listing "$tmp/w")]"
[ "$(listing "$tmp/w/r")" = "rest.json rest.wav " ] || fail "synth rest left [$(listing "$tmp/w/r")]"

if [ $failures -ne 0 ]; then echo "test_outputs_atomic: $failures failure(s)" >&2; exit 1; fi
echo "test_outputs_atomic: passed"
