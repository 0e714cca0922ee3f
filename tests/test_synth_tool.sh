#!/usr/bin/env bash
# backline-synth end to end: --help, one-line errors for bad input,
# byte-identical output for the same seed, the truth.json contract, the mvc
# and rest commands, and the independent plain analysis
# (test_synth_fixtures) on freshly generated sets: all four patterns, both
# firing orders, noise levels, 2 kHz and 44.1 kHz, pcm16/pcm24/float.
set -u
tools=${BL_TOOLS:?BL_TOOLS not set (run through ctest)}
synth=$tools/backline-synth
checker=$tools/../tests/test_synth_fixtures
py=${BL_PYTHON:-/usr/bin/python3}
. "$(dirname "$0")/support/paths.sh"
require_tool "$synth" "$checker"

tmp=$(mktemp -d /tmp/bl_synth_tool.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# --help
out=$("$synth" --help) || bad "--help exit status"
case $out in *"usage: backline-synth"*) ;; *) bad "--help text";; esac
"$synth" hinge --help | grep -q -- "--pattern" || bad "hinge --help"

# Bad input: non-zero exit, exactly one line on stderr, nothing on stdout.
expect_error() {
  local err="$tmp/err" outp="$tmp/out"
  "$@" >"$outp" 2>"$err"
  local rc=$?
  local lines
  lines=$(wc -l <"$err")
  if [ "$rc" -eq 0 ]; then bad "accepted: $*"; return; fi
  if [ "$lines" -ne 1 ]; then bad "$lines stderr lines for: $* :: $(cat "$err")"; return; fi
  if [ -s "$outp" ]; then bad "stdout not empty for: $*"; fi
  case $(cat "$err") in backline-synth:*) ;; *) bad "error line lacks the tool name: $(cat "$err")";; esac
}
d=$tmp/bad
expect_error "$synth"
expect_error "$synth" bogus -o "$d"
expect_error "$synth" hinge
expect_error "$synth" hinge -o "$d" --rate abc
expect_error "$synth" hinge -o "$d" --rate 500
expect_error "$synth" hinge -o "$d" --rate 1e9
expect_error "$synth" hinge -o "$d" --rate 44100.5
expect_error "$synth" hinge -o "$d" --reps 0
expect_error "$synth" hinge -o "$d" --reps 2.5
expect_error "$synth" hinge -o "$d" --pattern sideways
expect_error "$synth" hinge -o "$d" --order feet-first
expect_error "$synth" hinge -o "$d" --mains 55
expect_error "$synth" hinge -o "$d" --format pcm8
expect_error "$synth" rest -o "$d" --duration 1 --seed " -1"
expect_error "$synth" hinge -o "$d" --reps 1 --no-mvc --mvc-hold 9
expect_error "$synth" mvc -o "$d" --map L.ST,R.ST,AUX --muscle ST
expect_error "$synth" hinge -o "$d" --rate 384000 --lead 600 --tail 600 --no-mvc
expect_error "$synth" hinge -o "$d" --map L.ST,L.XX
expect_error "$synth" hinge -o "$d" --map AUX
expect_error "$synth" hinge -o "$d" --map ""
expect_error "$synth" hinge -o "$d" --seed -1
expect_error "$synth" hinge -o "$d" --seed 12abc
expect_error "$synth" hinge -o "$d" --seed 99999999999999999999999
expect_error "$synth" hinge -o "$d" --seed +5
expect_error "$synth" hinge -o "$d" --seed 0x10
expect_error "$synth" hinge -o "$d" --rate 0x7d0
expect_error "$synth" hinge -o "$d" --rate " 2000"
expect_error "$synth" hinge -o "$d" --reps "3 "
expect_error "$synth" hinge -o "$d" --reps 0x3
expect_error "$synth" hinge -o "$d" --gain inf
expect_error "$synth" hinge -o "$d" --mains-uv nan
expect_error "$synth" hinge -o "$d" --noise 0x3
expect_error "$synth" hinge -o "$d" --noise loud
expect_error "$synth" hinge -o "$d" --noise -3
expect_error "$synth" hinge -o "$d" --gain 0
expect_error "$synth" hinge -o "$d" --fatigue 0.9
expect_error "$synth" hinge -o "$d" --shape square
expect_error "$synth" mvc -o "$d" --shape torque
expect_error "$synth" hinge -o "$d" --frobnicate
expect_error "$synth" hinge -o "$d" --reps
expect_error "$synth" hinge -o "$d" extra
expect_error "$synth" hinge -o "$d" --duration 3
expect_error "$synth" rest -o "$d" --reps 3
expect_error "$synth" mvc -o "$d" --muscle L.GMED
expect_error "$synth" hinge -o /proc/backline-cannot-exist/x
touch "$tmp/afile"
expect_error "$synth" hinge -o "$tmp/afile"
[ -e "$d" ] && bad "a failed run left $d behind"

# Same seed, same bytes; another seed, other bytes.
"$synth" hinge -o "$tmp/a" --seed 77 --reps 2 >/dev/null || bad "hinge a"
"$synth" hinge -o "$tmp/b" --seed 77 --reps 2 >/dev/null || bad "hinge b"
"$synth" hinge -o "$tmp/c" --seed 78 --reps 2 >/dev/null || bad "hinge c"
for f in "$tmp"/a/*; do
  cmp -s "$f" "$tmp/b/$(basename "$f")" || bad "seed 77 twice: $(basename "$f") differs"
done
cmp -s "$tmp/a/session.wav" "$tmp/c/session.wav" && bad "seeds 77 and 78 give the same session"
# Float WAV carries a PEAK chunk with a time stamp: still identical bytes,
# even a few seconds apart.
"$synth" hinge -o "$tmp/fa" --seed 9 --reps 1 --format float --map L.ST --mvc-hold 1 >/dev/null || bad "float a"
sleep 1.1
"$synth" hinge -o "$tmp/fb" --seed 9 --reps 1 --format float --map L.ST --mvc-hold 1 >/dev/null || bad "float b"
for f in "$tmp"/fa/*; do
  cmp -s "$f" "$tmp/fb/$(basename "$f")" || bad "float, seed 9 twice: $(basename "$f") differs"
done
[ "$(ls "$tmp/a" | wc -l)" -eq 8 ] || bad "expected session, 6 MVC files and truth.json: $(ls "$tmp/a")"

# truth.json contract.
"$py" - "$tmp/a" <<'EOF' || bad "truth.json contract"
import json, os, sys
d = sys.argv[1]
t = json.load(open(os.path.join(d, "truth.json")))
assert t["map"] == "L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL", t["map"]
assert t["rate_hz"] == 2000 and t["seed"] == 77
assert len(t["reps"]) == 2
for r in t["reps"]:
    assert r["start_s"] < r["turn_s"] < r["end_s"]
    assert r["chain"] in ("internal", "external")
    assert len(r["level_pct"]) == 6 and len(r["onset_s"]) == 6
assert t["mvc"] == ["mvc_%s.wav" % c for c in ("ST", "BF", "GMAX", "ES", "EO", "VL")], t["mvc"]
for f in t["mvc"]:
    assert os.path.getsize(os.path.join(d, f)) > 1000
assert len(t["mvc_uV"]) == 6 and all(100 < v < 700 for v in t["mvc_uV"])
assert all(60 < v < 130 for v in t["median_hz"])
assert t["artefacts"]["ecg_channels"] == ["L.ES", "L.EO"]
assert len(t["artefacts"]["motion_s"]) == 6
assert t["gain"] == [500] * 6 and t["full_scale_v"] == 1
EOF

# AUX channel, both sides of one muscle, mvc and rest commands.
"$synth" hinge -o "$tmp/aux" --map L.ST,R.ST,L.BF,AUX --reps 1 >/dev/null || bad "hinge with AUX"
ls "$tmp/aux" | grep -q '^mvc_L_ST.wav$' || bad "side-qualified MVC name: $(ls "$tmp/aux")"
ls "$tmp/aux" | grep -q 'AUX' && bad "an MVC file for AUX"
"$synth" mvc -o "$tmp/m" --muscle L.BF --mvc-hold 1 >/dev/null || bad "mvc command"
[ "$(ls "$tmp/m")" = "$(printf 'mvc.json\nmvc_BF.wav')" ] || bad "mvc outputs: $(ls "$tmp/m")"
"$synth" rest -o "$tmp/r" --duration 5 --rate 48000 --format float >/dev/null || bad "rest command"
[ -s "$tmp/r/rest.wav" ] && [ -s "$tmp/r/rest.json" ] || bad "rest outputs"
"$synth" hinge -o "$tmp/clip" --gain 20000 --reps 1 --no-mvc >/dev/null 2>"$tmp/err" || bad "overdriven run"
grep -q "clipped" "$tmp/err" || bad "no clipping warning when overdriven"

# Fresh seeds through the independent analysis.
sets=()
seed=501
for pattern in internal external drift alternating; do
  for order in glute-first hamstring-first; do
    case $seed in
      501|505) extra=(--noise high --format pcm24) ;;
      502|506) extra=(--noise low --mains 60 --format float) ;;
      *) extra=(--noise medium) ;;
    esac
    "$synth" hinge -o "$tmp/s$seed" --seed $seed --pattern $pattern --order $order --reps 6 \
      --mvc-hold 2 "${extra[@]}" >/dev/null || bad "hinge seed $seed"
    sets+=("$tmp/s$seed")
    seed=$((seed + 1))
  done
done
"$synth" hinge -o "$tmp/tq" --seed 530 --pattern drift --reps 6 --shape torque --mvc-hold 2 >/dev/null || bad "torque shape"
sets+=("$tmp/tq")
"$synth" hinge -o "$tmp/s44k" --seed 520 --rate 44100 --pattern alternating --reps 3 \
  --map L.ST,L.BF,L.ES,L.EO --mvc-hold 2 --format pcm24 >/dev/null || bad "hinge 44.1 kHz"
sets+=("$tmp/s44k")
"$checker" "${sets[@]}" || bad "independent analysis on fresh seeds"

if [ $fail -ne 0 ]; then echo "test_synth_tool: FAILED" >&2; exit 1; fi
echo "test_synth_tool: all checks passed"
