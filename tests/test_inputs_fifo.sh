#!/usr/bin/env bash
# FIFOs and pipes as inputs (the reader opens a file once), FIFOs as
# outputs, and nothing that opens an input early: the same-file check on a
# FIFO nobody writes to answers at once instead of blocking. Results through
# a FIFO are those of the regular file.
set -uo pipefail
analyse="$BL_TOOLS/backline-analyse"
. "$(dirname "$0")/support/paths.sh"
require_tool "$analyse"
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav" "$demo/mvc_ST.wav"
tmp=$(mktemp -d)
writers=()
cleanup() {
  local p
  for p in "${writers[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$tmp" || exit 1

# feed FIFO FILE: a background writer of FILE into FIFO.
feed() { cat "$2" > "$1" & writers+=($!); }
# run NAME CMD...: CMD under a 60 s timeout, stdout/stderr/status kept.
run() {
  local name=$1; shift
  timeout 60 "$@" > "$name.out" 2> "$name.err"
  echo $? > "$name.status"
  [ "$(cat "$name.status")" = 0 ] || fail "$name: exit $(cat "$name.status"): $(cat "$name.err")"
}

cp "$demo/session.wav" reg.wav
cp "$demo/mvc_ST.wav" reg_mvc.wav
mkfifo in.wav mvc.wav

run ref_env "$analyse" envelope reg.wav -o ref.csv
feed in.wav reg.wav
run fifo_env "$analyse" envelope in.wav -o fifo.csv
cmp -s ref.csv fifo.csv || fail "envelope through a FIFO differs from the file's"
[ "$(tail -n +2 ref_env.out)" = "$(tail -n +2 fifo_env.out)" ] || fail "envelope summary through a FIFO differs"

feed in.wav reg.wav
run fifo_info "$analyse" info in.wav
grep -q '^frames: *60699$' fifo_info.out || fail "info through a FIFO: $(grep frames fifo_info.out)"

run ref_hinge "$analyse" hinge reg.wav --mvc reg_mvc.wav --json ref.json --csv ref_h.csv
feed in.wav reg.wav
feed mvc.wav reg_mvc.wav
run fifo_hinge "$analyse" hinge in.wav --mvc mvc.wav --json fifo.json --csv fifo_h.csv
cmp -s ref_h.csv fifo_h.csv || fail "hinge CSV with session and MVC trial through FIFOs differs"

# A pipe on stdin.
run ref_onsets "$analyse" onsets reg.wav --json ref_o.json
timeout 60 "$analyse" onsets /dev/stdin --json pipe_o.json < <(cat reg.wav) > pipe_onsets.out 2> pipe_onsets.err ||
  fail "onsets from a pipe: $(cat pipe_onsets.err)"
diff <(grep -v '"file"' ref_o.json) <(grep -v '"file"' pipe_o.json) > /dev/null ||
  fail "onsets from a pipe differ from the file's"

# A FIFO as output: written in place, read by whoever listens.
mkfifo out.csv
cat out.csv > got.csv & reader=$!
run fifo_out "$analyse" envelope reg.wav -o out.csv
wait "$reader"
cmp -s ref.csv got.csv || fail "envelope into a FIFO differs from the file's"
[ -p out.csv ] || fail "the FIFO output was replaced by a file"

# Refusals that must not open the FIFO: no writer ever comes.
mkfifo lonely.wav
timeout 10 "$analyse" envelope lonely.wav -o lonely.wav > /dev/null 2> lonely.err
rc=$?
[ $rc -eq 2 ] && grep -q "the same file as the input lonely.wav" lonely.err ||
  fail "output = FIFO input: exit $rc (124 = blocked), $(cat lonely.err)"
timeout 10 "$analyse" envelope lonely.wav --lowpass 0x6 -o x.csv > /dev/null 2> lonely.err
rc=$?
[ $rc -eq 2 ] || fail "a bad option with a FIFO input: exit $rc (124 = blocked)"

ls -A | grep -q '\.tmp' && fail "temporaries left: $(ls -A | grep '\.tmp')"
if [ $failures -ne 0 ]; then echo "test_inputs_fifo: $failures failure(s)" >&2; exit 1; fi
echo "test_inputs_fifo: passed"
