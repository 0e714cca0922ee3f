#!/usr/bin/env bash
# End-to-end: `backline-analyse gait` on a synthetic walk made here (a
# 16-bit WAV: R.ST bursting at 92 % of every cycle, R.TA through stance, an
# R.AUX footswitch with contact bounce) with its events as CSV, and on the
# Santuz treadmill walk when the real-data folder is there (its sidecar's
# events as CSV). Bad events files (unsorted, outside the recording, no
# header, one touchdown, a touchdown and a lift-off of one foot at one
# time) must give exactly one stderr line naming the problem, a non-zero
# exit and no report; good runs must write the JSON with the documented
# keys (checked with python3 -c json) and a tidy CSV with one row per
# cycle x muscle x point; the footswitch must give the events file's
# cycles, and so must the same events stored as markers (--events markers).
set -uo pipefail
tool="$BL_TOOLS/backline-analyse"
py=${BL_PYTHON:-/usr/bin/python3}
. "$(dirname "$0")/support/paths.sh"
require_tool "$tool"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
map=R.ST,R.TA,R.AUX

# The walk and its events: 14 cycles of 1.0-1.1 s, stance 58-66 %.
"$py" - "$tmp" <<'PY' || { echo "FAILED: cannot make the synthetic walk" >&2; exit 1; }
import math, random, struct, sys, wave
d = sys.argv[1]; rate = 2000; random.seed(11)
td, lo, t = [], [], 0.8
for k in range(15):
    dur = 1.0 + 0.1 * (k % 3) / 2; sf = 0.58 + 0.08 * ((k * 7) % 5) / 4
    td.append(t); lo.append(t + sf * dur); t += dur
n = int((td[-1] + 0.7) * rate)
frames = bytearray()
k = 0
for i in range(n):
    ti = i / rate
    while k + 1 < len(td) and ti >= td[k + 1]: k += 1
    st = ta = 0.02; contact = 0
    if td[0] <= ti < td[-1]:
        u = (ti - td[k]) / (td[k + 1] - td[k])
        st += math.exp(-0.5 * ((u - 0.92) / 0.03) ** 2)
        contact = ti < lo[k]
        ta += 1.0 if contact else 0.0
        if contact and 0.010 <= ti - td[k] < 0.014: contact = 0  # bounce
    elif td[-1] <= ti < td[-1] + 0.3:
        contact = 1  # the last touchdown starts a stance the recording cuts
    s = [st * random.uniform(-0.4, 0.4), ta * random.uniform(-0.4, 0.4), 0.1 + (0.6 if contact else 0.0)]
    frames += struct.pack("<3h", *(int(max(-1, min(1, v)) * 32767) for v in s))
w = wave.open(f"{d}/walk.wav", "wb"); w.setnchannels(3); w.setsampwidth(2); w.setframerate(rate)
w.writeframes(bytes(frames)); w.close()
# An MVC trial in the same layout: 3 s of every muscle at 1.5.
mvc = bytearray()
for i in range(3 * rate):
    s = [1.5 * random.uniform(-0.4, 0.4), 1.5 * random.uniform(-0.4, 0.4), 0.1]
    mvc += struct.pack("<3h", *(int(max(-1, min(1, v)) * 32767) for v in s))
w = wave.open(f"{d}/mvc.wav", "wb"); w.setnchannels(3); w.setsampwidth(2); w.setframerate(rate)
w.writeframes(bytes(mvc)); w.close()
with open(f"{d}/walk.csv", "w") as f:
    f.write("time_s,side,event\n")
    for a, b in zip(td, lo + [None]):
        f.write(f"{a:.4f},R,touchdown\n")
        if b is not None and a != td[-1]: f.write(f"{b:.4f},R,liftoff\n")
PY
walk="$tmp/walk.wav"

# check_json JSON CYCLES POINTS STANCE_POINTS: the documented keys and values.
check_json() {
  "$py" -c '
import json, sys
d = json.load(open(sys.argv[1])); cycles, points, stance = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
errs = []
for k in ("cycles", "points_per_cycle", "stance_points", "muscles", "posterior_chain", "synergies", "parameters",
          "warnings"):
    if k not in d: errs.append("missing key " + k)
if len(d["cycles"]) != cycles: errs.append(f"{len(d['cycles'])} cycles, want {cycles}")
for c in d["cycles"]:
    for k in ("start_s", "liftoff_s", "end_s", "side"):
        if k not in c: errs.append("cycle without " + k)
    if not c["start_s"] < c["liftoff_s"] < c["end_s"]: errs.append(f"cycle {c} out of order")
if d["points_per_cycle"] != points: errs.append(f"points_per_cycle {d['points_per_cycle']}, want {points}")
if abs(d["stance_points"] - stance) > 1.5: errs.append(f"stance_points {d['stance_points']}, want {stance}")
phases = ["loading_response", "mid_stance", "terminal_stance", "pre_swing", "initial_swing", "mid_swing", "terminal_swing"]
if len(d["muscles"]) < 1: errs.append("no muscles")
for m in d["muscles"]:
    for k in ("name", "mean", "sd", "peak_phase_pct", "phases"):
        if k not in m: errs.append(m.get("name", "?") + ": missing " + k)
    if len(m["mean"]) != points or len(m["sd"]) != points: errs.append(m["name"] + ": curve length")
    if sorted(m["phases"]) != sorted(phases): errs.append(m["name"] + ": phases keys " + ",".join(m["phases"]))
    if not 0 <= m["peak_phase_pct"] <= 100: errs.append(m["name"] + ": peak phase out of range")
for k in ("conditioning", "events", "cycles", "normalisation", "time_normalisation", "phases", "posterior_chain"):
    if k not in d["parameters"]: errs.append("parameters: missing " + k)
for sy in d["synergies"]:
    for k in ("rank", "r2", "modules", "primitives"):
        if k not in sy: errs.append("synergies: missing " + k)
    if len(sy["r2"]) != sy["max_rank"] or len(sy["modules"]) != sy["rank"] or len(sy["primitives"]) != sy["rank"]:
        errs.append("synergies: sizes")
    if any(len(p) != points for p in sy["primitives"]): errs.append("synergies: primitive length")
for pc in d["posterior_chain"]:
    keys = [s["key"] for s in pc["statements"]]
    for k in ("braking", "propulsion", "glute_lead", "glute_hamstring", "quad_hamstring", "medial_lateral"):
        if k not in keys: errs.append("posterior_chain: no statement " + k)
    if any(not s["rule"] for s in pc["statements"]): errs.append("posterior_chain: a statement without its rule")
for e in errs: print("  error:", e)
sys.exit(1 if errs else 0)
' "$@"
}

echo "== synthetic walk, events file =="
if "$tool" gait "$walk" --map "$map" --events "$tmp/walk.csv" --json "$tmp/w.json" --csv "$tmp/w.csv" \
    > "$tmp/w.out" 2> "$tmp/w.err"; then
  check_json "$tmp/w.json" 14 100 60 || fail "synthetic walk: JSON"
  "$py" -c '
import json, sys
d = json.load(open(sys.argv[1])); m = {x["name"]: x for x in d["muscles"]}
st = m["R.ST"]["peak_phase_pct"]; print(f"  R.ST peaks at {st:.1f} % (made at 92 %)")
sys.exit(0 if abs(st - 92) <= 3 and max(m["R.ST"]["phases"], key=m["R.ST"]["phases"].get) == "terminal_swing" else 1)
' "$tmp/w.json" || fail "synthetic walk: R.ST does not peak at 92 % in terminal swing"
  rows=$(($(wc -l < "$tmp/w.csv") - 1))
  [ "$rows" -eq $((14 * 2 * 100)) ] || fail "CSV: $rows rows, want 14 cycles x 2 muscles x 100 points"
  [ "$(head -1 "$tmp/w.csv")" = "cycle,side,start_s,liftoff_s,end_s,events_estimated,channel,muscle,point,phase_pct,value,unit" ] ||
    fail "CSV header: $(head -1 "$tmp/w.csv")"
  grep -q "14 gait cycles" "$tmp/w.out" || fail "no cycle count on stdout"
else
  fail "gait on the synthetic walk exited non-zero"; cat "$tmp/w.err" >&2
fi

echo "== --html: self-contained, one panel per muscle (test_report_html renders it) =="
if "$tool" gait "$walk" --map "$map" --events "$tmp/walk.csv" --html "$tmp/w.html" > /dev/null 2> "$tmp/h.err"; then
  grep -nE '<link|<script|src=|@import|url\(|https?://' "$tmp/w.html" | grep -v 'http://www.w3.org/2000/svg' &&
    fail "the HTML report references an external resource or carries a script"
  panels=$(grep -c '^<div class="panel muscle">' "$tmp/w.html")
  [ "$panels" -eq 2 ] || fail "the gait report has $panels muscle panels, want 2"
  for ch in $(echo "$map" | tr , ' '); do
    case $ch in *AUX*) continue ;; esac
    grep -q "<svg [^>]*data-channel=\"$ch\"" "$tmp/w.html" || fail "no SVG panel with data-channel=$ch"
  done
  echo "  HTML: $(wc -c < "$tmp/w.html") bytes, $panels muscle panels"
else
  fail "gait --html exited non-zero"; cat "$tmp/h.err" >&2
fi

echo "== --normalise cycle =="
if "$tool" gait "$walk" --map "$map" --events "$tmp/walk.csv" --normalise cycle --json "$tmp/c.json" \
    > /dev/null 2> "$tmp/c.err"; then
  stance=$("$py" -c 'import json,sys; c=json.load(open(sys.argv[1]))["cycles"]; print(sum(x["stance_pct"] for x in c)/len(c))' "$tmp/c.json")
  check_json "$tmp/c.json" 14 101 "$stance" || fail "cycle mode: JSON"
else
  fail "gait --normalise cycle exited non-zero"; cat "$tmp/c.err" >&2
fi

echo "== --mvc: %MVC =="
if "$tool" gait "$walk" --map "$map" --events "$tmp/walk.csv" --mvc "$tmp/mvc.wav" --json "$tmp/m.json" \
    > /dev/null 2> "$tmp/m.err"; then
  "$py" -c '
import json, sys
d = json.load(open(sys.argv[1])); m = {x["name"]: x for x in d["muscles"]}
ta = m["R.TA"]["phases"]["mid_stance"]; print("  unit %s; R.TA in mid-stance %.0f %%MVC (made at 1/1.5 = 67)" % (d["unit"], ta))
sys.exit(0 if d["unit"] == "%MVC" and d["parameters"]["normalisation"]["mvc_trials"] == 1 and 50 < ta < 85 else 1)
' "$tmp/m.json" || fail "--mvc: not %MVC, or the level is off"
else
  fail "gait --mvc exited non-zero"; cat "$tmp/m.err" >&2
fi

echo "== --footswitch R.AUX =="
if "$tool" gait "$walk" --map "$map" --footswitch R.AUX --json "$tmp/f.json" > /dev/null 2> "$tmp/f.err"; then
  "$py" -c '
import json, sys
a = json.load(open(sys.argv[1]))["cycles"]; b = json.load(open(sys.argv[2]))["cycles"]
print(f"  footswitch: {len(b)} cycles, events file: {len(a)}")
ok = len(a) == len(b) and all(abs(x[k] - y[k]) <= 0.002 for x, y in zip(a, b) for k in ("start_s", "liftoff_s", "end_s"))
sys.exit(0 if ok else 1)
' "$tmp/w.json" "$tmp/f.json" || fail "the footswitch's cycles differ from the events file's"
else
  fail "gait --footswitch exited non-zero"; cat "$tmp/f.err" >&2
fi

echo "== --events markers (a capture's digit keys: 1 touchdown, 2 lift-off of the right leg) =="
# The walk with its events stored as markers in its metadata (a LIST/INFO
# comment, as backline writes it), plus markers that are not events.
"$py" - "$walk" "$tmp/walk.csv" "$tmp/marked.wav" "$tmp/unmarked.wav" <<'PY' || fail "cannot write the marked walk"
import struct, sys
raw = open(sys.argv[1], "rb").read()
ev = [l.split(",") for l in open(sys.argv[2]).read().split()[1:]]
marks = ["0.100000:mark"] + [f"{float(t):.6f}:{'1' if e == 'touchdown' else '2'}" for t, _, e in ev] + ["9.000000:7"]
def with_comment(text):
    meta = text.encode() + b"\0"
    icmt = b"ICMT" + struct.pack("<I", len(meta)) + meta + (b"\0" if len(meta) % 2 else b"")
    lst = b"LIST" + struct.pack("<I", 4 + len(icmt)) + b"INFO" + icmt
    body = raw[12:] + lst
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body
open(sys.argv[3], "wb").write(with_comment("backline-meta 1\nmarkers=" + ",".join(marks)))
open(sys.argv[4], "wb").write(with_comment("backline-meta 1\nmarkers=1.000000:mark,2.000000:5"))
PY
if "$tool" gait "$tmp/marked.wav" --map "$map" --events markers --json "$tmp/k.json" > /dev/null 2> "$tmp/k.err"; then
  "$py" -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
print("  markers: %d cycles, events file: %d; events: %s" % (len(b["cycles"]), len(a["cycles"]), b.get("events")))
ok = len(a["cycles"]) == len(b["cycles"]) > 10 and b.get("events") == "markers" and all(
    abs(x[k] - y[k]) <= 1e-3 for x, y in zip(a["cycles"], b["cycles"]) for k in ("start_s", "liftoff_s", "end_s"))
sys.exit(0 if ok else 1)
' "$tmp/w.json" "$tmp/k.json" || fail "--events markers: the cycles differ from the events file's"
else
  fail "gait --events markers exited non-zero"; cat "$tmp/k.err" >&2
fi
"$tool" gait "$tmp/unmarked.wav" --map "$map" --events markers --json "$tmp/bad.json" > /dev/null 2> "$tmp/err" &&
  fail "--events markers without event markers accepted"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "none of its 2 markers is 1-4" "$tmp/err" && [ ! -e "$tmp/bad.json" ] ||
  { fail "--events markers without event markers: not one line saying so"; cat "$tmp/err" >&2; }
"$tool" gait "$walk" --map "$map" --events markers > /dev/null 2> "$tmp/err" && fail "--events markers on a file without markers accepted"
grep -q "none of its 0 markers" "$tmp/err" || { fail "no markers: wrong line"; cat "$tmp/err" >&2; }

echo "== an existing report is replaced, and said so unless --quiet =="
"$tool" gait "$tmp/marked.wav" --map "$map" --events markers --json "$tmp/k.json" > /dev/null 2> "$tmp/err" ||
  fail "gait over its own report failed"
grep -qx "backline-analyse: replacing $tmp/k.json" "$tmp/err" || { fail "gait: no 'replacing' line"; cat "$tmp/err" >&2; }
"$tool" gait "$tmp/marked.wav" --map "$map" --events markers --json "$tmp/k.json" --quiet > /dev/null 2> "$tmp/err" ||
  fail "gait --quiet over its own report failed"
! grep -q replacing "$tmp/err" || { fail "gait --quiet still said replacing"; cat "$tmp/err" >&2; }

echo "== bad events: one line, non-zero exit, no report =="
bad() { # NAME PATTERN CONTENT
  printf '%b' "$3" > "$tmp/$1.csv"
  rm -f "$tmp/bad.json"
  "$tool" gait "$walk" --map "$map" --events "$tmp/$1.csv" --json "$tmp/bad.json" > /dev/null 2> "$tmp/err"
  local rc=$? lines
  lines=$(wc -l < "$tmp/err")
  if [ "$rc" -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -q -- "$2" "$tmp/err"; then
    fail "$1: exit $rc, $lines stderr line(s), wanted /$2/:"; sed 's/^/    /' "$tmp/err" >&2
  fi
  [ ! -e "$tmp/bad.json" ] || fail "$1: a report was written"
  echo "  $1: $(cat "$tmp/err")"
}
bad unsorted "line 3.*sorted" 'time_s,side,event\n2.0,R,touchdown\n1.5,R,liftoff\n3.0,R,touchdown\n'
bad outside "line 4.*outside the recording" 'time_s,side,event\n1.0,R,touchdown\n1.6,R,liftoff\n99,R,touchdown\n'
bad no_header "line 1.*header" '1.0,R,touchdown\n1.6,R,liftoff\n2.0,R,touchdown\n'
bad one_touchdown "fewer than two touchdowns" 'time_s,side,event\n1.0,R,touchdown\n1.6,R,liftoff\n'
bad same_time "line 4.*same time" 'time_s,side,event\n1.0,R,touchdown\n1.6,R,liftoff\n1.6,R,touchdown\n2.6,R,touchdown\n'
bad bad_event "line 2.*heelstrike" 'time_s,side,event\n1.0,R,heelstrike\n'
bad empty "empty" ''
"$tool" gait "$walk" --map "$map" --events "$tmp/walk.csv" --footswitch R.AUX > /dev/null 2> "$tmp/err" &&
  fail "--events with --footswitch accepted"
"$tool" gait "$walk" --map "$map" --footswitch R.ST > /dev/null 2> "$tmp/err" && fail "--footswitch on EMG accepted"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "--footswitch R.ST: not one line"
"$tool" gait "$walk" --map "$map" --footswitch R.AUX --footswitch R.AUX > /dev/null 2> "$tmp/err" &&
  fail "one footswitch given twice accepted"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "the same touchdown" "$tmp/err" ||
  { fail "one footswitch given twice: not one line naming the duplicate"; cat "$tmp/err" >&2; }

"$tool" gait "$walk" --map "$map" --knee R.AUX > /dev/null 2> "$tmp/err" && fail "--knee on a footswitch accepted"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "not walking" "$tmp/err" ||
  { fail "--knee on a footswitch: not one line saying it is not walking"; cat "$tmp/err" >&2; }

echo "== UCI walk, events estimated from the knee goniometer =="
uci="$BL_REAL_DATA/uci-lower-limb/1Nmar.wav"
if real_present "$uci"; then
  if "$tool" gait "$uci" --map RF,BF,VM,ST,AUX --knee AUX --json "$tmp/k.json" --csv "$tmp/k.csv" > "$tmp/k.out" \
      2> "$tmp/k.err"; then
    "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("  UCI 1Nmar: %d cycles from the knee, estimated=%s, stance %s" % (len(d["cycles"]), d["events_estimated"],
      ", ".join("%.0f" % c["stance_pct"] for c in d["cycles"])))
ok = d["events_estimated"] is True and len(d["cycles"]) >= 2 and d["parameters"]["events"]["estimated"] is True
sys.exit(0 if ok else 1)
' "$tmp/k.json" || fail "--knee: the report does not say the events are estimated, or no cycles"
    grep -q "ESTIMATED" "$tmp/k.out" || fail "--knee: stdout does not say the events are estimated"
    grep -q "ESTIMATED" "$tmp/k.err" || fail "--knee: no warning that the events are estimated"
    [ "$(sed -n 2p "$tmp/k.csv" | cut -d, -f6)" = 1 ] || fail "--knee: the CSV rows do not say estimated"
  else
    fail "gait --knee on UCI 1Nmar exited non-zero"; cat "$tmp/k.err" >&2
  fi
fi

echo "== Santuz treadmill walk =="
santuz="$BL_REAL_DATA/santuz-walking/ID0012_TW_01"
if real_present "$santuz.wav"; then
  smap=$("$py" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["channels"]))' "$santuz.json")
  "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as f:
    f.write("time_s,side,event\n")
    for c in d["gait_cycles"]: f.write("%s,R,touchdown\n%s,R,liftoff\n" % (c["touchdown_s"], c["liftoff_s"]))
' "$santuz.json" "$tmp/santuz.csv"
  if "$tool" gait "$santuz.wav" --map "$smap" --events "$tmp/santuz.csv" --json "$tmp/s.json" > "$tmp/s.out" \
      2> "$tmp/s.err"; then
    n=$("$py" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["gait_cycles"]) - 1)' "$santuz.json")
    check_json "$tmp/s.json" "$n" 100 60 || fail "Santuz: JSON"
    "$py" -c '
import json, sys
s = json.load(open(sys.argv[1]))["gait_cycles"]; c = json.load(open(sys.argv[2]))["cycles"]
bad = [k for k, x in enumerate(c) if abs(x["stance_pct"] - 100 * (s[k]["liftoff_s"] - s[k]["touchdown_s"]) /
       (s[k + 1]["touchdown_s"] - s[k]["touchdown_s"])) > 0.01]
print("  Santuz: %d cycles, stance %s" % (len(c), ", ".join("%.1f" % x["stance_pct"] for x in c)))
sys.exit(1 if bad else 0)
' "$santuz.json" "$tmp/s.json" || fail "Santuz: stance fractions differ from the sidecar"
  else
    fail "gait on the Santuz walk exited non-zero"; cat "$tmp/s.err" >&2
  fi
fi

[ "$failures" -eq 0 ] && echo "test_gait_cli: all checks passed" || { echo "test_gait_cli: $failures failure(s)" >&2; exit 1; }
