#!/usr/bin/env bash
# End-to-end: EDF+/BDF+ input and --scale/--unit. tests/edf_write (edflib's
# writer) turns WAVs into EDF+ (16-bit) and BDF+ (24-bit) files with signal
# labels, a physical dimension and annotations; backline-analyse must read
# them as it reads the WAV.
#
# Synthetic part (runs everywhere, CI included): the demo hinge set
# (fixtures/demo, 6 channels at 2 kHz, gain 500: 2000 uV per full-scale
# unit) as EDF+ and BDF+ in uV, labelled in lab words ("BF L", "EMG GMAX
# left", "ES_L"...): info shows the format, the labels as the map, the
# units and the annotations as markers; envelope gives the WAV's
# envelopes; the same file in mV gives the same; hinge the same
# repetitions and verdicts; a truncated file, a corrupt header and a
# mixed-rate file each give one error line and exit 1; an EDF without a
# physical dimension is uncalibrated and takes --scale/--unit (values
# checked: x1000, per channel, --unit mV = --scale 1000), a wrong count is
# a usage error (exit 2), and a calibrated file refuses them (exit 1).
#
# Real part (skips loudly without the real-data folder): the Santuz
# treadmill walk, whose sidecar gives the map and says uV, as EDF+ and
# BDF+ with its gait events as annotations 1/2: the same envelopes as the
# WAV with --unit uV --map, the events listed by info, and gait --events
# markers on the EDF finding the WAV's cycles from --events CSV; and a UCI
# walk (mV) with --unit mV.
#
# Tolerances (max |EDF - WAV| over each channel's envelope peak, worst
# channel): EDF stores 16 bits over the physical range, BDF 24 (a step 256
# times finer). Measured on the demo: EDF 2.2e-4, BDF 1.5e-6; on Santuz
# (range ~770 uV, a 0.024 uV step): EDF 2.5e-4, BDF 1.4e-6. Bounds: EDF
# 1e-3, BDF 1e-5, four to seven times the worst measured; a unit or scale
# error is a factor of 1000. A scale given to the same file (x1000, per
# channel) agrees to 1e-5: float32 samples scaled before the filters
# round differently from the envelopes scaled after (measured 9e-7).
set -uo pipefail
tool="$BL_TOOLS/backline-analyse"
writer="$BL_TOOLS/../tests/edf_write"
py=${BL_PYTHON:-/usr/bin/python3}
. "$(dirname "$0")/support/paths.sh"
require_tool "$tool" "$writer"
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav" "$demo/mvc_ST.wav"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# compare A.csv B.csv BOUND WHAT [FACTOR]: every channel of A within BOUND
# of FACTOR x B, relative to B's peak (times and channel names equal).
compare() {
  local out
  out=$("$py" - "$@" <<'PY'
import csv, sys
a_path, b_path, bound, what = sys.argv[1:5]
factor = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
def load(p):
    with open(p) as f:
        r = csv.reader(f); head = next(r); return head, [[float(v) for v in row] for row in r]
ha, a = load(a_path); hb, b = load(b_path)
if ha != hb or len(a) != len(b):
    print("%s: columns %s vs %s, rows %d vs %d" % (what, ha, hb, len(a), len(b))); sys.exit(1)
if any(abs(x[0] - y[0]) > 1e-9 for x, y in zip(a, b)):
    print("%s: the time columns differ" % what); sys.exit(1)
worst, at = 0.0, ""
for c in range(1, len(ha)):
    peak = max(abs(r[c]) for r in b) * factor
    d = max(abs(x[c] - factor * y[c]) for x, y in zip(a, b)) / peak
    if d > worst: worst, at = d, ha[c]
print("%s: worst %.3g of the peak (%s), bound %s" % (what, worst, at, bound))
sys.exit(0 if worst <= float(bound) else 1)
PY
)
  local rc=$?
  echo "$out" >&2
  [ $rc -eq 0 ] || fail "$out"
}

# one_line_error STATUS WHAT PATTERN CMD...: exits STATUS with exactly one
# stderr line matching PATTERN and nothing on stdout.
one_line_error() {
  local want=$1 what=$2 pattern=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ $rc -eq "$want" ] || fail "$what: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$what: $(wc -l < "$tmp/err") stderr lines: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "$what: stderr lacks '$pattern': $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "$what: wrote to stdout"
}

labels="L.ST,BF L,EMG GMAX left,ES_L,L EO,VL left"
map=L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL
annots=(--annot "1.25:1" --annot "2.5:Rep start")
"$writer" "$demo/session.wav" "$tmp/demo.edf" --labels "$labels" --dimension uV --physical-per-unit 2000 \
  "${annots[@]}" || { echo "FAILED: cannot write the demo EDF" >&2; exit 1; }
"$writer" "$demo/session.wav" "$tmp/demo.bdf" --labels "$labels" --dimension uV --physical-per-unit 2000 \
  "${annots[@]}" || { echo "FAILED: cannot write the demo BDF" >&2; exit 1; }
"$writer" "$demo/session.wav" "$tmp/demo_mv.edf" --labels "$labels" --dimension mV --physical-per-unit 2 ||
  { echo "FAILED: cannot write the demo EDF in mV" >&2; exit 1; }
"$writer" "$demo/session.wav" "$tmp/demo_raw.edf" --labels "$labels" ||
  { echo "FAILED: cannot write the demo EDF without a unit" >&2; exit 1; }

# info: the format, labels as the map, units, annotations as markers.
for ext in edf bdf; do
  "$tool" info "$tmp/demo.$ext" >"$tmp/info" 2>"$tmp/err" || fail "info demo.$ext: exit $? ($(cat "$tmp/err"))"
  [ ! -s "$tmp/err" ] || fail "info demo.$ext: warnings: $(cat "$tmp/err")"
  want_format=$([ $ext = edf ] && echo "EDF+ 16-bit" || echo "BDF+ 24-bit")
  grep -q "^format: *$want_format$" "$tmp/info" || fail "info demo.$ext: format is not $want_format: $(grep format "$tmp/info")"
  grep -q "^channel map: *$map$" "$tmp/info" || fail "info demo.$ext: labels did not become the map: $(grep map "$tmp/info")"
  grep -q "^edf_labels: *$labels$" "$tmp/info" || fail "info demo.$ext: labels not listed"
  grep -q "^edf_units: *uV,uV,uV,uV,uV,uV$" "$tmp/info" || fail "info demo.$ext: units not listed"
  grep -q "^gains: .*(from the EDF/BDF physical ranges" "$tmp/info" || fail "info demo.$ext: no calibration shown"
  grep -q "^start_time: *2026-12-03T07:00:00.000$" "$tmp/info" || fail "info demo.$ext: no start time from the header"
  grep -q "^markers: *2 " "$tmp/info" || fail "info demo.$ext: annotations are not 2 markers"
  grep -qE "^ +1 +1\.250000 s +frame 2500 +1$" "$tmp/info" || fail "info demo.$ext: marker 1 wrong: $(cat "$tmp/info")"
  grep -qE "^ +2 +2\.500000 s +frame 5000 +Rep_start$" "$tmp/info" || fail "info demo.$ext: marker 2 wrong"
done
# A label that names no channel of ours: unnamed, with one warning naming it.
"$writer" "$demo/session.wav" "$tmp/gm.edf" --labels "L.ST,L.BF,GM_L,L.ES,L.EO,L.VL" --dimension uV \
  --physical-per-unit 2000 || fail "cannot write gm.edf"
"$tool" info "$tmp/gm.edf" >"$tmp/info" 2>"$tmp/err"
grep -q "^channel map: *L.ST,L.BF,EMG,L.ES,L.EO,L.VL$" "$tmp/info" || fail "GM_L: not unnamed EMG: $(grep map "$tmp/info")"
[ "$(grep -c 'label 3 "GM_L"' "$tmp/err")" -eq 1 ] || fail "GM_L: no one warning naming it: $(cat "$tmp/err")"

# envelope: the EDF, the BDF and the WAV alike; mV the same as uV.
"$tool" envelope "$demo/session.wav" -o "$tmp/w.csv" >/dev/null 2>"$tmp/err" || fail "envelope demo.wav: $(cat "$tmp/err")"
for f in demo.edf demo.bdf demo_mv.edf; do
  "$tool" envelope "$tmp/$f" -o "$tmp/$f.csv" >"$tmp/out" 2>"$tmp/err" || fail "envelope $f: $(cat "$tmp/err")"
  grep -q "amplitude: *uV at the electrode" "$tmp/out" || fail "envelope $f: not in uV: $(grep amplitude "$tmp/out")"
done
compare "$tmp/demo.edf.csv" "$tmp/w.csv" 1e-3 "demo EDF+ vs WAV"
compare "$tmp/demo.bdf.csv" "$tmp/w.csv" 1e-5 "demo BDF+ vs WAV"
compare "$tmp/demo_mv.edf.csv" "$tmp/w.csv" 1e-3 "demo EDF+ in mV vs WAV"

# hinge (bl_recording_load_at, MVC trials too): the same repetitions and verdicts.
mvc_args=() mvc_edf=()
for m in ST BF GMAX ES EO VL; do
  "$writer" "$demo/mvc_$m.wav" "$tmp/mvc_$m.edf" --labels "$labels" --dimension uV --physical-per-unit 2000 ||
    fail "cannot write mvc_$m.edf"
  mvc_args+=(--mvc "$demo/mvc_$m.wav"); mvc_edf+=(--mvc "$tmp/mvc_$m.edf")
done
"$tool" hinge "$demo/session.wav" "${mvc_args[@]}" --json "$tmp/hw.json" >/dev/null 2>&1 || fail "hinge demo.wav"
"$tool" hinge "$tmp/demo.edf" "${mvc_edf[@]}" --json "$tmp/he.json" >/dev/null 2>"$tmp/err" ||
  fail "hinge demo.edf: $(cat "$tmp/err")"
"$py" - "$tmp/hw.json" "$tmp/he.json" <<'PY' || fail "hinge: the EDF's repetitions differ from the WAV's"
import json, sys
w, e = (json.load(open(p)) for p in sys.argv[1:3])
rw, re_ = w["reps"], e["reps"]
assert len(rw) == len(re_) and len(rw) > 0, (len(rw), len(re_))
for a, b in zip(rw, re_):
    assert a["chain"] == b["chain"], (a["chain"], b["chain"])
    assert abs(a["start_s"] - b["start_s"]) < 0.01 and abs(a["end_s"] - b["end_s"]) < 0.01
    assert abs(a["chain_index"] - b["chain_index"]) < 1e-3, (a["chain_index"], b["chain_index"])
print("hinge: %d repetitions, the same verdicts" % len(rw), file=sys.stderr)
PY

# Bad files: one line, exit 1, for every subcommand's loading path.
size=$(stat -c %s "$tmp/demo.edf")
head -c $((size - 1000)) "$tmp/demo.edf" > "$tmp/cut.edf"
cp "$tmp/demo.edf" "$tmp/corrupt.edf"
printf 'x9' | dd of="$tmp/corrupt.edf" bs=1 seek=252 conv=notrunc 2>/dev/null  # the signal count
head -c 200 "$tmp/demo.edf" > "$tmp/header_only.edf"
for f in cut corrupt header_only; do
  one_line_error 1 "info $f.edf" "$f.edf: " "$tool" info "$tmp/$f.edf"
  one_line_error 1 "envelope $f.edf" "$f.edf: not a valid EDF/BDF file" "$tool" envelope "$tmp/$f.edf" -o "$tmp/x.csv"
  one_line_error 1 "quality $f.edf" "$f.edf: not a valid EDF/BDF file" "$tool" quality "$tmp/$f.edf"
  [ ! -e "$tmp/x.csv" ] || fail "envelope $f.edf left an output"
done
"$writer" "$demo/session.wav" "$tmp/mixed.edf" --labels "$labels" --dimension uV --physical-per-unit 2000 --mixed ||
  fail "cannot write mixed.edf"
one_line_error 1 "mixed rates" "signals at different sample rates (1 \"L.ST\" 2000 Hz, 6 \"VL left\" 666.667 Hz)" \
  "$tool" envelope "$tmp/mixed.edf" -o "$tmp/x.csv"
one_line_error 1 "mixed rates (info)" "different sample rates" "$tool" info "$tmp/mixed.edf"

# --scale/--unit on the EDF without a unit (samples in full-scale units x 2000 uV).
"$tool" info "$tmp/demo_raw.edf" 2>/dev/null | grep -q "^gains: .*(unknown" || fail "demo_raw.edf: not uncalibrated"
"$tool" envelope "$tmp/demo_raw.edf" -o "$tmp/raw.csv" >"$tmp/out" 2>&1 || fail "envelope demo_raw.edf: $(cat "$tmp/out")"
grep -q "amplitude: *full-scale units" "$tmp/out" || fail "demo_raw.edf: not in full-scale units"
"$tool" envelope "$tmp/demo_raw.edf" --scale 1 -o "$tmp/s1.csv" >/dev/null 2>&1 || fail "--scale 1"
"$tool" envelope "$tmp/demo_raw.edf" --scale 1000 -o "$tmp/s1000.csv" >/dev/null 2>&1 || fail "--scale 1000"
"$tool" envelope "$tmp/demo_raw.edf" --unit mV -o "$tmp/mv.csv" >"$tmp/mv.out" 2>&1 || fail "--unit mV"
# The report says where the gains came from: the command line, not the file.
grep -q "amplitude: *uV at the electrode (gain from --unit mV on the command line, not from the file)" "$tmp/mv.out" \
  || fail "--unit mV: the summary does not say where the gain came from: $(grep amplitude "$tmp/mv.out")"
"$tool" quality "$tmp/demo_raw.edf" --unit mV --json "$tmp/qmv.json" >/dev/null 2>&1 || fail "quality --unit mV"
grep -q '"amplitude_calibration":[[:space:]]*"--unit mV on the command line"' "$tmp/qmv.json" \
  || fail "quality --unit mV: the JSON does not say where the gain came from"
"$tool" envelope "$tmp/demo_raw.edf" --scale 2000,2000,2000,2000,2000,4000 -o "$tmp/per.csv" >/dev/null 2>&1 ||
  fail "--scale per channel"
compare "$tmp/s1000.csv" "$tmp/s1.csv" 1e-5 "--scale 1000 vs 1 (x1000)" 1000
compare "$tmp/mv.csv" "$tmp/s1000.csv" 0 "--unit mV vs --scale 1000"
compare "$tmp/s1.csv" "$tmp/raw.csv" 1e-6 "--scale 1 vs none"
"$py" - "$tmp/per.csv" "$tmp/s1.csv" <<'PY' || fail "--scale per channel: wrong factors"
import csv, sys
rows = [list(csv.reader(open(p))) for p in sys.argv[1:3]]
per, one = ([[float(v) for v in r] for r in t[1:]] for t in rows)
for c, k in enumerate([2000, 2000, 2000, 2000, 2000, 4000], start=1):
    peak = max(abs(r[c]) for r in one)
    worst = max(abs(a[c] - k * b[c]) for a, b in zip(per, one)) / (k * peak)
    assert worst < 1e-5, (c, k, worst)
PY
one_line_error 2 "--scale count" "--scale: 2 values for the 6 channels" \
  "$tool" envelope "$tmp/demo_raw.edf" --scale 1,2 -o "$tmp/x.csv"
one_line_error 2 "--scale count (hinge)" "--scale: 3 values for the 6 channels" \
  "$tool" hinge "$tmp/demo_raw.edf" --scale 1,2,3 --json "$tmp/x.json"
one_line_error 2 "--scale and --unit" "not both" "$tool" quality "$tmp/demo_raw.edf" --scale 1 --unit uV
one_line_error 2 "--unit kV" "expected uV, mV or V" "$tool" onsets "$tmp/demo_raw.edf" --unit kV
one_line_error 2 "--scale -1" "not a positive number" "$tool" info "$tmp/demo_raw.edf" --scale -1
one_line_error 1 "--unit on a calibrated EDF" "carries its own calibration" \
  "$tool" envelope "$tmp/demo.edf" --unit uV -o "$tmp/x.csv"
one_line_error 1 "--scale on a WAV with gains" "carries its own calibration" \
  "$tool" gait "$demo/session.wav" --scale 2 --events markers
one_line_error 1 "--scale on an MVC trial with gains" "mvc_ST.wav: the file carries its own calibration" \
  "$tool" hinge "$tmp/demo_raw.edf" --scale 2000 --mvc "$demo/mvc_ST.wav" --json "$tmp/x.json"
[ ! -e "$tmp/x.csv" ] && [ ! -e "$tmp/x.json" ] || fail "a refused run left an output"
# The MVC trials take the same calibration: hinge on the raw EDFs with --scale 2000 = the calibrated EDFs.
mvc_raw=()
for m in ST BF GMAX ES EO VL; do
  "$writer" "$demo/mvc_$m.wav" "$tmp/mvc_raw_$m.edf" --labels "$labels" || fail "cannot write mvc_raw_$m.edf"
  mvc_raw+=(--mvc "$tmp/mvc_raw_$m.edf")
done
"$tool" hinge "$tmp/demo_raw.edf" --scale 2000 "${mvc_raw[@]}" --json "$tmp/hr.json" >/dev/null 2>"$tmp/err" ||
  fail "hinge --scale with MVC trials: $(cat "$tmp/err")"
"$py" - "$tmp/he.json" "$tmp/hr.json" <<'PY' || fail "hinge --scale 2000 on raw EDFs differs from the calibrated EDFs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ca, cb = a["channels"], b["channels"]
assert len(ca) == len(cb)
for x, y in zip(ca, cb):
    ra, rb = x["mvc_reference"], y["mvc_reference"]
    assert ra["unit"] == rb["unit"] == "uV", (ra, rb)
    assert abs(ra["value"] - rb["value"]) <= 1e-5 * abs(ra["value"]), (ra, rb)
assert [r["chain"] for r in a["reps"]] == [r["chain"] for r in b["reps"]]
PY

# Real: the Santuz walk.
santuz="$BL_REAL_DATA/santuz-walking/ID0012_TW_01.wav"
if real_present "$santuz"; then
  side="${santuz%.wav}.json"
  smap=$("$py" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["channels"]))' "$side")
  unit=$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["unit"].split()[0], d["scale_to_uV"])' "$side")
  [ "$unit" = "uV 1.0" ] || fail "Santuz sidecar no longer says uV at scale 1: $unit"
  ev=()
  n_ev=0
  while read -r t e; do ev+=(--annot "$t:$e"); n_ev=$((n_ev + 1)); done < <("$py" -c '
import json, sys
for c in json.load(open(sys.argv[1]))["gait_cycles"]:
    print(c["touchdown_s"], 1); print(c["liftoff_s"], 2)' "$side")
  for ext in edf bdf; do
    "$writer" "$santuz" "$tmp/santuz.$ext" --labels "$smap" --dimension uV "${ev[@]}" ||
      fail "cannot write santuz.$ext"
  done
  "$tool" envelope "$santuz" --unit uV --map "$smap" -o "$tmp/sw.csv" >/dev/null 2>&1 || fail "envelope Santuz WAV"
  for ext in edf bdf; do
    "$tool" envelope "$tmp/santuz.$ext" -o "$tmp/s$ext.csv" >/dev/null 2>"$tmp/err" || fail "envelope santuz.$ext: $(cat "$tmp/err")"
    "$tool" info "$tmp/santuz.$ext" >"$tmp/info" 2>&1
    grep -q "^channel map: *$smap$" "$tmp/info" || fail "santuz.$ext: the labels are not the sidecar's map"
    grep -q "^markers: *$n_ev " "$tmp/info" || fail "santuz.$ext: not $n_ev markers: $(grep markers "$tmp/info")"
  done
  compare "$tmp/sedf.csv" "$tmp/sw.csv" 1e-3 "Santuz EDF+ vs WAV"
  compare "$tmp/sbdf.csv" "$tmp/sw.csv" 1e-5 "Santuz BDF+ vs WAV"
  "$py" -c '
import json, sys
print("time_s,side,event")
for c in json.load(open(sys.argv[1]))["gait_cycles"]:
    print("%s,R,touchdown" % c["touchdown_s"]); print("%s,R,liftoff" % c["liftoff_s"])' "$side" > "$tmp/events.csv"
  "$tool" gait "$santuz" --unit uV --map "$smap" --events "$tmp/events.csv" --json "$tmp/gw.json" >/dev/null 2>&1 ||
    fail "gait Santuz WAV"
  "$tool" gait "$tmp/santuz.edf" --events markers --json "$tmp/ge.json" >/dev/null 2>"$tmp/err" ||
    fail "gait santuz.edf --events markers: $(cat "$tmp/err")"
  "$py" - "$tmp/gw.json" "$tmp/ge.json" <<'PY' || fail "gait: the EDF's annotations do not give the WAV's cycles"
import json, sys
w, e = (json.load(open(p)) for p in sys.argv[1:3])
cw, ce = w["cycles"], e["cycles"]
assert len(cw) == len(ce) and len(cw) >= 5, (len(cw), len(ce))
for a, b in zip(cw, ce):
    assert abs(a["start_s"] - b["start_s"]) < 1e-3 and abs(a["end_s"] - b["end_s"]) < 1e-3, (a, b)
print("gait: %d cycles from the annotations, as from the events CSV" % len(cw), file=sys.stderr)
PY
fi

# Real: a UCI walk, in mV (its sidecar's scale_to_uV 1000): --unit mV makes
# uV, 1000 times the uncalibrated envelopes; the AUX goniometer is left out.
uci="$BL_REAL_DATA/uci-lower-limb/10Amar.wav"
if real_present "$uci"; then
  umap=$("$py" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["channels"]))' "${uci%.wav}.json")
  k=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["scale_to_uV"])' "${uci%.wav}.json")
  [ "$k" = "1000.0" ] || fail "UCI sidecar no longer says 1000 uV per unit: $k"
  "$tool" envelope "$uci" --map "$umap" -o "$tmp/u0.csv" >/dev/null 2>&1 || fail "envelope UCI"
  "$tool" envelope "$uci" --map "$umap" --unit mV -o "$tmp/umv.csv" >"$tmp/out" 2>&1 || fail "envelope UCI --unit mV"
  grep -q "amplitude: *uV at the electrode" "$tmp/out" || fail "UCI --unit mV: not in uV: $(grep amplitude "$tmp/out")"
  compare "$tmp/umv.csv" "$tmp/u0.csv" 1e-5 "UCI --unit mV vs uncalibrated (x1000)" 1000
  "$tool" quality "$uci" --map "$umap" --unit mV >"$tmp/out" 2>&1 || fail "quality UCI --unit mV: $(cat "$tmp/out")"
  grep -q "5 channels, uV" "$tmp/out" || fail "quality UCI --unit mV: not uV: $(head -1 "$tmp/out")"
fi

if [ $failures -ne 0 ]; then
  echo "test_edf_cli: $failures failure(s)" >&2
  exit 1
fi
echo "test_edf_cli: EDF+/BDF+ read as WAV, --scale/--unit checked"
