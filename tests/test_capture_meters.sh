#!/bin/bash
# The live meters as a user sees them: backline-capture runs in a detached
# tmux session of 80x24 while a synthetic hinge set (backline-synth hinge
# --pattern alternating: internal, external, internal) plays through the
# ALSA file device from a FIFO at real time (tests/alsa/blsource.py pace),
# with the set's MVC trials as --mvc and --target internal. Channel 5
# (L.EO) delivers NaN from 6 to 9 s and channel 6 (L.VL) a constant. The
# pane is captured every 0.4 s (tmux capture-pane -p -J: wrapped lines
# joined, so a line too wide shows as one; the summary printed after the
# meters, which holds the file's path, is not part of the view). Checks,
# against the set's
# truth.json and the time the status line shows:
#  - the %MVC scale label and %MVC bars; no line wider than 80 columns;
#  - the medial:lateral balance in the middle of every repetition, with its
#    sign and "on/off target" as the repetition's chain (internal: +, on
#    target; external: -, off target), and "at rest" between repetitions;
#  - "NaN" on L.EO while it delivers NaN, "flat" on L.VL;
# then a 60x8 pane without references: the uV scale label, lines within
# 60 columns, a "+N more" line for the channels that do not fit, and the
# balance saying it needs references; then a clean alternating set of 6
# repetitions at 80x24 with --mvc, the pane captured every 0.1 s: every
# repetition `backline-analyse hinge` finds in the set (same trials) shows
# on screen as "rep N  START-END s  VERDICT" with the same verdict, its
# start and end within 0.3 s, and the line appears within 0.5 s of the
# repetition's end on the status line's clock (plus the 0.1 s sampling).
#
# Skips (exit 77, with a line) when tmux is absent or PortAudio has no
# ALSA host API here.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*" >&2; exit 77; }
note() { echo "test_capture_meters: $*"; }

TOOLS=${BL_TOOLS:-}
[ -n "$TOOLS" ] || skip "BL_TOOLS is not set (run through ctest)"
PY=${BL_PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
CAP=$TOOLS/backline-capture
SYN=$TOOLS/backline-synth
SRC_PY=$HERE/alsa/blsource.py
TMUX=$(command -v tmux) || skip "tmux is not installed (apt-get install tmux): the live view is not exercised"
[ -x "$CAP" ] || fail "backline-capture is not built ($CAP)"
[ -x "$SYN" ] || fail "backline-synth is not built ($SYN)"
PA_LIB=$(ldd "$CAP" | awk '/libportaudio/ {print $3}')
[ -n "$PA_LIB" ] || fail "cannot find the PortAudio library backline-capture uses"
ldd "$PA_LIB" | grep -q libasound || skip "PortAudio ($PA_LIB) is built without ALSA: no ALSA file device possible"
[ -f /usr/share/alsa/alsa.conf ] || skip "ALSA configuration /usr/share/alsa/alsa.conf is absent"
"$PY" -c 'import numpy' 2>/dev/null || fail "$PY lacks numpy"

WORK=$(mktemp -d)
SOCK=$WORK/tmux.sock
PACER=""
cleanup() {
    [ -n "$PACER" ] && kill $PACER 2>/dev/null
    "$TMUX" -S "$SOCK" kill-server 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

"$SYN" hinge -o "$WORK/syn" --reps 3 --pattern alternating --seed 5 > "$WORK/syn.out" 2>&1 \
    || { cat "$WORK/syn.out"; fail "backline-synth hinge failed"; }
# The session as raw float32 frames, with the two bad channels injected.
"$PY" "$SRC_PY" raw "$WORK/syn/session.wav" "$WORK/clean.raw" || fail "cannot convert the session"
"$PY" - "$WORK/clean.raw" "$WORK/src.raw" <<'PY' || fail "cannot inject the bad channels"
import sys
import numpy as np
x = np.fromfile(sys.argv[1], '<f4').reshape(-1, 6).copy()
x[6 * 2000:9 * 2000, 4] = np.nan   # L.EO: NaN from 6 to 9 s
x[:, 5] = 0.001                    # L.VL: a constant (a dead input)
x.astype('<f4').tofile(sys.argv[2])
PY
MAP=$("$TOOLS/backline-analyse" info "$WORK/syn/session.wav" | sed -n 's/^channel map: *//p')
[ "$MAP" = L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL ] || fail "unexpected map of the synthetic set: $MAP"
SECONDS_PLAYED=$("$PY" -c 'import os, sys; print((os.path.getsize(sys.argv[1]) // 24 - 1000) / 2000)' "$WORK/src.raw")
mkfifo "$WORK/audio.fifo" || fail "cannot make a FIFO"
sed "s|@INFILE@|$WORK/audio.fifo|" "$HERE/alsa/blfile.conf.in" > "$WORK/paced.conf"
MVCS=""
for f in "$WORK"/syn/mvc_*.wav; do MVCS="$MVCS --mvc $f"; done

# play COLS ROWS SECONDS ARGS...: the capture in a detached tmux pane of
# COLS x ROWS, fed at real time; the pane captured every 0.4 s into
# $WORK/pane.N until the capture ends. Sets NPANES.
play() {
    local cols=$1 rows=$2 secs=$3
    shift 3
    "$PY" "$SRC_PY" pace "$WORK/audio.fifo" "${SRC:-$WORK/src.raw}" 2000 6 170 &
    PACER=$!
    rm -f "$WORK/done" "$WORK"/pane.*
    "$TMUX" -S "$SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/paced.conf $CAP --device blfile --channels 6 --rate 2000 \
         --seconds $secs --map $MAP --gain 500 $* -o $WORK/out.wav; echo \$? > $WORK/done; sleep 60" \
        || fail "tmux cannot start a session"
    NPANES=0
    local i=0
    while [ ! -e "$WORK/done" ]; do
        [ $i -lt 600 ] || fail "the capture did not end within 60 s"
        sleep "${EVERY:-0.4}"
        "$TMUX" -S "$SOCK" capture-pane -p -J -t 0 > "$WORK/pane.$NPANES" 2>/dev/null && NPANES=$((NPANES + 1))
        i=$((i + 1))
    done
    "$TMUX" -S "$SOCK" capture-pane -p -J -t 0 > "$WORK/pane.$NPANES" 2>/dev/null && NPANES=$((NPANES + 1))
    [ "$(cat "$WORK/done")" = 0 ] || { cat "$WORK/pane.$((NPANES - 1))"; fail "the capture failed"; }
    "$TMUX" -S "$SOCK" kill-server 2>/dev/null
    kill $PACER 2>/dev/null
    wait $PACER 2>/dev/null
    PACER=""
    rm -f "$WORK/out.wav"
}

play 80 24 "$SECONDS_PLAYED" $MVCS --target internal
note "80x24 with --mvc: $NPANES captures; one from the middle of rep 1:"
"$PY" - "$WORK" "$NPANES" "$WORK/syn/truth.json" 80 <<'PY' || fail "the 80x24 meters are wrong (see above)"
import json, re, sys
work, n, truth, width = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3])), int(sys.argv[4])
reps = truth["reps"]
errs, seen = [], {"scale": 0, "bars": 0, "rep": 0, "rest": 0, "nan": 0, "flat": 0}
shown = False
bad_pane = []
for k in range(n):
    # tmux pads the rows with spaces; the summary at the end (one line with
    # the file's path, after the meters) is not part of the view.
    lines = [l.rstrip() for l in open(f"{work}/pane.{k}").read().split("\n")]
    for l in lines:
        if len(l) > width and not l.startswith("backline-capture: "):
            errs.append(f"pane {k}: a line of {len(l)} columns: {l!r}")
    m = [re.search(r"recording (\d+):(\d+\.\d)", l) for l in lines]
    m = [x for x in m if x]
    if not m:
        continue
    t = int(m[0].group(1)) * 60 + float(m[0].group(2))
    text = "\n".join(lines)
    if re.search(r"^ scale %MVC +0 +25 +50 +75 +100$", text, re.M):
        seen["scale"] += 1
    if re.search(r"^ +1 L\.ST +\[#+[.:#]*\] +[0-9.]+ %MVC$", text, re.M):
        seen["bars"] += 1
    eo = [l for l in lines if " 5 L.EO" in l]
    vl = [l for l in lines if " 6 L.VL" in l]
    if 6.5 <= t <= 8.8:
        if eo and eo[0].rstrip().endswith("NaN"):
            seen["nan"] += 1
        else:
            errs.append(f"t={t}: L.EO (NaN from 6 to 9 s) shows {eo}")
    if t >= 1.5:
        if vl and vl[0].rstrip().endswith("flat"):
            seen["flat"] += 1
        else:
            errs.append(f"t={t}: L.VL (constant) shows {vl}")
    bal = [l for l in lines if l.startswith(" hamstrings L")]
    for i, r in enumerate(reps):
        a, b = r["start_s"], r["end_s"]
        if a + 0.25 * (b - a) <= t <= b - 0.25 * (b - a):
            want_sign, want_target = ("+", "on target") if r["chain"] == "internal" else ("-", "off target")
            mm = re.search(r"M:L ([+-])[0-9.]+ \[lat [.=|*]+ med\] (on|off) target", bal[0]) if bal else None
            if not mm or mm.group(1) != want_sign or not bal[0].endswith(want_target):
                errs.append(f"t={t} (middle of rep {i + 1}, {r['chain']}): balance line {bal}")
                if not bad_pane:  # the whole screen of the first, to tell a starved source from a wrong balance
                    bad_pane = [l for l in lines if l.strip()]
            else:
                seen["rep"] += 1
            if i == 0 and not shown:
                print("\n".join("    " + l for l in lines if l.strip()))
                shown = True
    gaps = [(1.2, reps[0]["start_s"] - 0.3)] + [(reps[i]["end_s"] + 0.8, reps[i + 1]["start_s"] - 0.3)
                                                 for i in range(len(reps) - 1)]
    if any(a <= t <= b for a, b in gaps):
        if bal and "at rest (below 5 %MVC)" in bal[0]:
            seen["rest"] += 1
        else:
            errs.append(f"t={t} (rest between repetitions): balance line {bal}")
print("    seen:", seen)
for e in errs[:12]:
    print("   ", e)
if bad_pane:
    print("    the screen of the first wrong balance:")
    print("\n".join("      " + l for l in bad_pane))
ok = not errs and seen["scale"] > 5 and seen["bars"] > 5 and seen["rep"] >= 6 and seen["rest"] >= 3 and \
     seen["nan"] >= 2 and seen["flat"] > 5
sys.exit(0 if ok else 1)
PY

play 60 8 6 --scale 400
note "60x8 without references, one capture:"
sed 's/^/    /' "$WORK/pane.$((NPANES / 2))"
"$PY" - "$WORK" "$NPANES" 60 <<'PY' || fail "the 60x8 meters are wrong (see above)"
import re, sys
work, n, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
errs, good = [], 0
for k in range(n):
    lines = [l.rstrip() for l in open(f"{work}/pane.{k}").read().split("\n")]
    text = "\n".join(lines)
    errs += [f"pane {k}: {len(l)} columns: {l!r}" for l in lines if len(l) > width and not l.startswith("backline-capture: ")]
    if "recording" not in text or "--" in text.split("scale")[-1][:200]:
        continue  # before the first levels
    ok = re.search(r"^ scale uV +0 +100 +200 +300 +400$", text, re.M) and \
         re.search(r"^ \+[1-6] more channels?$", text, re.M) and \
         re.search(r"^ +1 L\.ST +\[[#.:]+\] +[0-9.]+ uV$", text, re.M) and \
         "hamstrings L M:L balance: needs --mvc or --reference" in text and \
         len([l for l in lines if re.match(r"^ +[1-6] L\.", l)]) < 6
    good += bool(ok)
for e in errs[:8]:
    print("   ", e)
print("    captures with the uV scale, the +N more line and the balance note:", good, "of", n)
sys.exit(0 if not errs and good >= 3 else 1)
PY
"$SYN" hinge -o "$WORK/alt" --reps 6 --pattern alternating --seed 11 > "$WORK/alt.out" 2>&1 \
    || { cat "$WORK/alt.out"; fail "backline-synth hinge (6 reps) failed"; }
"$PY" "$SRC_PY" raw "$WORK/alt/session.wav" "$WORK/alt.raw" || fail "cannot convert the 6-rep session"
ALT_MVCS=""
for f in "$WORK"/alt/mvc_*.wav; do ALT_MVCS="$ALT_MVCS --mvc $f"; done
"$TOOLS/backline-analyse" hinge "$WORK/alt/session.wav" $ALT_MVCS --json "$WORK/alt.json" > /dev/null 2>&1 \
    || fail "backline-analyse hinge on the 6-rep set failed"
ALT_SECONDS=$("$PY" -c 'import os, sys; print((os.path.getsize(sys.argv[1]) // 24 - 1000) / 2000)' "$WORK/alt.raw")
SRC=$WORK/alt.raw EVERY=0.1 play 80 24 "$ALT_SECONDS" $ALT_MVCS
note "80x24, 6 alternating repetitions: $NPANES captures; live verdicts against backline-analyse hinge:"
"$PY" - "$WORK" "$NPANES" "$WORK/alt.json" <<'PY' || fail "the live verdicts differ from the offline ones (see above)"
import json, re, sys
work, n, offline = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))["reps"]
first = {}  # rep number -> (start, end, verdict, clock when first on screen)
for k in range(n):
    text = open(f"{work}/pane.{k}").read()
    clock = re.search(r"recording (\d+):(\d+\.\d)", text)
    v = re.search(r"^ rep (\d+)  ([0-9.]+)-([0-9.]+) s  (internal|external|mixed|unknown)", text, re.M)
    if clock and v and int(v.group(1)) not in first:
        first[int(v.group(1))] = (float(v.group(2)), float(v.group(3)), v.group(4),
                                  int(clock.group(1)) * 60 + float(clock.group(2)))
errs, worst_edge, worst_late = [], 0.0, -1e9
for r in offline:
    live = [x for x in first.values() if abs(x[0] - r["start_s"]) <= 0.3 and abs(x[1] - r["end_s"]) <= 0.3]
    if not live:
        errs.append(f"offline rep {r['index']} ({r['start_s']:.2f}-{r['end_s']:.2f} s, {r['chain']}): not on screen")
        continue
    s, e, verdict, seen_at = live[0]
    worst_edge = max(worst_edge, abs(s - r["start_s"]), abs(e - r["end_s"]))
    worst_late = max(worst_late, seen_at - r["end_s"])
    print(f"    rep {r['index']}: offline {r['start_s']:.2f}-{r['end_s']:.2f} s {r['chain']:8s} live {s:.2f}-{e:.2f} s "
          f"{verdict:8s} on screen {seen_at - r['end_s']:+.2f} s after its end")
    if verdict != r["chain"]:
        errs.append(f"rep {r['index']}: live {verdict}, offline {r['chain']}")
    if seen_at - r["end_s"] > 0.6:
        errs.append(f"rep {r['index']}: on screen {seen_at - r['end_s']:.2f} s after its end")
if len(first) != len(offline):
    errs.append(f"{len(first)} repetitions on screen, {len(offline)} offline")
print(f"    worst start/end difference {worst_edge:.2f} s, latest on screen {worst_late:+.2f} s after the end")
for e in errs:
    print("   ", e)
sys.exit(0 if not errs and len(offline) >= 5 else 1)
PY
note "all meter checks passed"
