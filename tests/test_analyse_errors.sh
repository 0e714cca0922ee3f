#!/usr/bin/env bash
# Every bad input to backline-analyse gets exactly one line on stderr that
# names the problem, and a non-zero exit; good input exits 0.
set -uo pipefail
tool="$BL_TOOLS/backline-analyse"
py=${BL_PYTHON:-/usr/bin/python3}
. "$(dirname "$0")/support/paths.sh"
require_tool "$tool"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0

# expect_error PATTERN ARGS...: non-zero exit, one stderr line matching PATTERN.
expect_error() {
  local pattern=$1; shift
  "$tool" "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$? lines
  lines=$(wc -l < "$tmp/err")
  if [ $rc -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -qiE "$pattern" "$tmp/err"; then
    echo "FAIL: backline-analyse $* -> exit $rc, $lines stderr line(s), wanted /$pattern/:" >&2
    sed 's/^/    /' "$tmp/err" >&2
    failures=$((failures + 1))
  else
    echo "ok: $* -> $(cat "$tmp/err")"
  fi
}

"$py" - "$tmp" <<'PY'
import sys, struct
import numpy as np
from scipy.io import wavfile
d = sys.argv[1]
rng = np.random.default_rng(1)
x = (0.1 * rng.standard_normal((4000, 2))).astype(np.float32)
wavfile.write(f"{d}/good.wav", 2000, x)
y = x.copy(); y[1234, 1] = np.nan
wavfile.write(f"{d}/nan.wav", 2000, y)
wavfile.write(f"{d}/slow.wav", 100, x)
wavfile.write(f"{d}/short.wav", 2000, x[:10])
open(f"{d}/text.wav", "w").write("this is not audio\n" * 20)
raw = open(f"{d}/good.wav", "rb").read()
open(f"{d}/truncated.wav", "wb").write(raw[:30])
# backline metadata with a gain for one of two EMG channels only
meta = b"backline-meta 1\nmap=L.ST,L.BF\ngain=500,0\nfull_scale_v=1\n\0"
icmt = b"ICMT" + struct.pack("<I", len(meta)) + meta + (b"\0" if len(meta) % 2 else b"")
lst = b"LIST" + struct.pack("<I", 4 + len(icmt)) + b"INFO" + icmt
body = raw[12:] + lst
open(f"{d}/partial_gain.wav", "wb").write(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)
# damaged metadata: one bad map entry, one bad gain, invalid counters
meta = (b"backline-meta 1\nmap=L.ST,L.XX\ngain=1000,abc\nfull_scale_v=1\noverruns=-5\n"
        b"ring_overflows=abc\ndevice=board\n\0")
icmt = b"ICMT" + struct.pack("<I", len(meta)) + meta + (b"\0" if len(meta) % 2 else b"")
lst = b"LIST" + struct.pack("<I", 4 + len(icmt)) + b"INFO" + icmt
body = raw[12:] + lst
open(f"{d}/damaged_meta.wav", "wb").write(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)
PY

expect_error "no such|cannot open|not found" info "$tmp/missing.wav"
expect_error "audio|format|recogni" info "$tmp/text.wav"
expect_error "audio|format|truncat|short|header" info "$tmp/truncated.wav"
expect_error "unknown command" frobnicate
expect_error "exactly one FILE" info
expect_error "unknown option" envelope "$tmp/good.wav" --map L.ST,L.BF --bogus -o "$tmp/o.csv"
expect_error "needs -o" envelope "$tmp/good.wav" --map L.ST,L.BF
expect_error "\.csv or \.wav" envelope "$tmp/good.wav" --map L.ST,L.BF -o "$tmp/o.txt"
expect_error "channel map|--map" envelope "$tmp/good.wav" -o "$tmp/o.csv"
expect_error "XX.*valid" envelope "$tmp/good.wav" --map L.ST,L.XX -o "$tmp/o.csv"
expect_error "3 .*2|2 .*3" envelope "$tmp/good.wav" --map L.ST,L.BF,L.ES -o "$tmp/o.csv"
expect_error "non-finite|NaN" envelope "$tmp/nan.wav" --map L.ST,L.BF -o "$tmp/o.csv"
expect_error "too low" envelope "$tmp/slow.wav" --map L.ST,L.BF -o "$tmp/o.csv"
expect_error "too short" envelope "$tmp/short.wav" --map L.ST,L.BF -o "$tmp/o.csv"
expect_error "bandpass" envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass 450:20 -o "$tmp/o.csv"
expect_error "bandpass" envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass 20:1500 -o "$tmp/o.csv"
expect_error "notch" envelope "$tmp/good.wav" --map L.ST,L.BF --notch 55 -o "$tmp/o.csv"
expect_error "order" envelope "$tmp/good.wav" --map L.ST,L.BF --order 0 -o "$tmp/o.csv"
expect_error "rate" envelope "$tmp/good.wav" --map L.ST,L.BF --rate 50 -o "$tmp/o.csv"
expect_error "lowpass" envelope "$tmp/good.wav" --map L.ST,L.BF --lowpass -3 -o "$tmp/o.csv"
# One number syntax everywhere: no hex, no spaces around, no inf/nan.
for v in 0x10 " 6" "6 " inf nan 1e999 0x1p3 6e; do
  expect_error "^backline-analyse: --lowpass $v: expected" envelope "$tmp/good.wav" --map L.ST,L.BF --lowpass "$v" -o "$tmp/o.csv"
done
expect_error "^backline-analyse: --bandpass 0x14:450: expected" envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass 0x14:450 -o "$tmp/o.csv"
expect_error "^backline-analyse: --bandpass 20: 450: expected" envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass "20: 450" -o "$tmp/o.csv"
expect_error "^backline-analyse: --order 0x4: expected" envelope "$tmp/good.wav" --map L.ST,L.BF --order 0x4 -o "$tmp/o.csv"
expect_error "^backline-analyse: --order  4: expected" envelope "$tmp/good.wav" --map L.ST,L.BF --order " 4" -o "$tmp/o.csv"
expect_error "^backline-analyse: --rate 2e3 : expected" envelope "$tmp/good.wav" --map L.ST,L.BF --rate "2e3 " -o "$tmp/o.csv"
expect_error "^backline-analyse: --k 0x5: expected" onsets "$tmp/good.wav" --map L.ST,L.BF --k 0x5
expect_error "^backline-analyse: --min-on  0.1: expected" onsets "$tmp/good.wav" --map L.ST,L.BF --min-on " 0.1"
expect_error "^backline-analyse: --backtrack-k nan: expected" onsets "$tmp/good.wav" --map L.ST,L.BF --backtrack-k nan
expect_error "^backline-analyse: --baseline 0:inf: expected" onsets "$tmp/good.wav" --map L.ST,L.BF --baseline 0:inf
# Filters whose design degenerates (here a 1e-6 Hz low-pass wrote NaN rows
# with exit 0) are refused, naming the option, before anything is written.
rm -f "$tmp/o.csv"
expect_error "^backline-analyse: --lowpass 1e-6: the order-4 Butterworth low-pass at 1e-06 Hz cannot be designed reliably at the 2000 Hz" \
  envelope "$tmp/good.wav" --map L.ST,L.BF --lowpass 1e-6 -o "$tmp/o.csv"
expect_error "^backline-analyse: --lowpass 1e-5: .*cannot be designed" envelope "$tmp/good.wav" --map L.ST,L.BF --lowpass 1e-5 -o "$tmp/o.csv"
expect_error "^backline-analyse: --bandpass 1e-6:450: .*band-pass 1e-06-450 Hz cannot be designed" \
  envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass 1e-6:450 -o "$tmp/o.csv"
expect_error "^backline-analyse: --bandpass 20:999.99999: .*cannot be designed" \
  envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass 20:999.99999 -o "$tmp/o.csv"
[ -e "$tmp/o.csv" ] && { echo "FAIL: a degenerate filter left o.csv" >&2; failures=$((failures + 1)); }
expect_error "^backline-analyse: --tkeo-lowpass 1e-7: .*low-pass at 1e-07 Hz cannot be designed" \
  onsets "$tmp/good.wav" --map L.ST,L.BF --method tkeo --tkeo-lowpass 1e-7
expect_error "^backline-analyse: --lowpass 1e-7: .*cannot be designed" onsets "$tmp/good.wav" --map L.ST,L.BF --lowpass 1e-7
expect_error "^backline-analyse: --bandpass 1e-6:450: .*cannot be designed" \
  hinge "$BL_FIXTURES/demo/session.wav" --bandpass 1e-6:450 --json "$tmp/h.json"
# Close to the edge but sound: accepted, and every row finite.
if ! "$tool" envelope "$tmp/good.wav" --map L.ST,L.BF --bandpass 0.01:450 --lowpass 0.01 -o "$tmp/edge.csv" >/dev/null 2>"$tmp/err" ||
   grep -qi nan "$tmp/edge.csv"; then
  echo "FAIL: --bandpass 0.01:450 --lowpass 0.01 refused or not finite: $(cat "$tmp/err")" >&2; failures=$((failures + 1))
fi
expect_error "cannot create|No such" envelope "$tmp/good.wav" --map L.ST,L.BF -o "$tmp/nodir/o.csv"
# A full disk: /dev/full accepts the open and fails every write with ENOSPC.
if [ -w /dev/full ]; then
  ln -s /dev/full "$tmp/full.csv"
  expect_error "write failed.*space" envelope "$tmp/good.wav" --map L.ST,L.BF -o "$tmp/full.csv"
else
  echo "SKIPPED part: /dev/full is not writable here" >&2
fi
expect_error "gain given for 1 of 2 EMG channels" envelope "$tmp/partial_gain.wav" -o "$tmp/o.csv"

# %MVC needs the session and its MVC trials in one unit: strip the gains of a trial.
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav" "$demo/mvc_ST.wav"
{
  "$py" -c "import sys; from scipy.io import wavfile; r, x = wavfile.read(sys.argv[1]); wavfile.write(sys.argv[2], r, x)" \
    "$demo/mvc_ST.wav" "$tmp/plain_mvc_ST.wav" 2>/dev/null
  expect_error "mvc trial 1 is in full scale but the session is in uV" hinge "$demo/session.wav" \
    --mvc "$tmp/plain_mvc_ST.wav" --json "$tmp/h.json"
  expect_error "json" hinge "$demo/session.wav" --json "$tmp/nodir/h.json"
  # An envelope WAV (content=linear envelope) is not raw EMG: its gains were
  # applied already. Refused by every command that conditions EMG.
  if "$tool" envelope "$demo/session.wav" -o "$tmp/env.wav" > /dev/null 2>&1; then
    env_line="env.wav: this is a linear envelope \(content=linear envelope, written by backline-analyse envelope\), not raw EMG"
    expect_error "$env_line" envelope "$tmp/env.wav" -o "$tmp/o.csv"
    expect_error "$env_line" onsets "$tmp/env.wav"
    expect_error "$env_line" hinge "$tmp/env.wav" --json "$tmp/h.json"
    expect_error "$env_line" hinge "$demo/session.wav" --mvc "$tmp/env.wav" --json "$tmp/h.json"
    "$tool" info "$tmp/env.wav" | grep -q "^content: *linear envelope$" ||
      { echo "FAIL: info does not show content=linear envelope" >&2; failures=$((failures + 1)); }
  else
    echo "FAIL: envelope of the demo session failed" >&2; failures=$((failures + 1))
  fi
  # A muscle code twice in --chain: one of the two values would be dropped.
  expect_error "chain entry 2: ST is already given by entry 1" hinge "$demo/session.wav" \
    --chain ST=internal,ST=external --json "$tmp/h.json"
  expect_error "chain entry 2 is empty" hinge "$demo/session.wav" --chain ST=internal, --json "$tmp/h.json"
  [ -e "$tmp/h.json" ] && { echo "FAIL: a refused --chain left h.json" >&2; failures=$((failures + 1)); }
}

real="$BL_REAL_DATA/emggo-tibialis/ta_250hz.wav"
if real_present "$real"; then
  expect_error "cannot carry|too low" envelope "$real" --map TA -o "$tmp/o.csv"
fi

# The good file works, with the map given or stored.
if ! "$tool" envelope "$tmp/good.wav" --map L.ST,L.BF -o "$tmp/o.csv" > "$tmp/out" 2> "$tmp/err"; then
  echo "FAIL: good input failed: $(cat "$tmp/err")" >&2; failures=$((failures + 1))
fi
[ "$(head -1 "$tmp/o.csv")" = "time_s,L.ST,L.BF" ] || { echo "FAIL: CSV header" >&2; failures=$((failures + 1)); }
[ "$(wc -l < "$tmp/o.csv")" -eq 4001 ] || { echo "FAIL: CSV rows $(wc -l < "$tmp/o.csv")" >&2; failures=$((failures + 1)); }

# Damaged stored metadata: what parses is used, each bad line is one warning
# line (NAME: warning: FILE: KEY: ...), info names invalid values as such.
check_warnings() {
  local what=$1 n
  n=$(grep -c "^backline-analyse: warning: $tmp/damaged_meta.wav: " "$tmp/err")
  if [ "$n" -ne 4 ] ||
     ! grep -q 'warning: .*: map: entry 2 "L.XX" is not SIDE.CODE or CODE.*channel 2 kept as unnamed EMG' "$tmp/err" ||
     ! grep -q 'warning: .*: gain: entry 2 "abc" is not a number >= 0; channel 2 has no gain' "$tmp/err" ||
     ! grep -q 'warning: .*: overruns: "-5" is not a count' "$tmp/err" ||
     ! grep -q 'warning: .*: ring_overflows: "abc" is not a count' "$tmp/err"; then
    echo "FAIL: $what: wanted 4 metadata warnings:" >&2; sed 's/^/    /' "$tmp/err" >&2
    failures=$((failures + 1))
  else
    echo "ok: $what warns:"; sed 's/^/    /' "$tmp/err"
  fi
}
if "$tool" info "$tmp/damaged_meta.wav" > "$tmp/out" 2> "$tmp/err"; then
  check_warnings "info on damaged metadata"
  for want in '^channel map:  L.ST,EMG$' '^gains:        1000,\?' '^device:       board$' \
              '^overruns:     \(invalid; see the warning\)$' '^ring_overflows: \(invalid; see the warning\)$'; do
    grep -Eq "$want" "$tmp/out" || { echo "FAIL: info output lacks /$want/:" >&2; cat "$tmp/out" >&2; failures=$((failures + 1)); }
  done
  if grep -Eq '^overruns: +-5' "$tmp/out"; then echo "FAIL: info shows overruns=-5 as a value" >&2; failures=$((failures + 1)); fi
else
  echo "FAIL: info on damaged metadata failed: $(cat "$tmp/err")" >&2; failures=$((failures + 1))
fi
# Through tool_load: the warnings, then the analysis goes on with --map and
# one unit (the gain that parsed makes the units mixed: that is the error).
"$tool" envelope "$tmp/damaged_meta.wav" -o "$tmp/o.csv" > "$tmp/out" 2> "$tmp/err"
rc=$?
grep -q 'amplifier gain given for 1 of 2 EMG channels' "$tmp/err" && [ $rc -ne 0 ] ||
  { echo "FAIL: envelope on damaged metadata: exit $rc" >&2; failures=$((failures + 1)); }
grep -v 'amplifier gain given' "$tmp/err" > "$tmp/err2"; mv "$tmp/err2" "$tmp/err"
check_warnings "envelope on damaged metadata"

if [ $failures -ne 0 ]; then echo "test_analyse_errors: $failures failure(s)" >&2; exit 1; fi
echo "test_analyse_errors: passed"
