#!/usr/bin/env bash
# End-to-end: backline-synth makes hinge sessions (fresh seeds), then
# `backline-analyse hinge` must find the repetitions of truth.json (F1 >= 0.95
# at IoU >= 0.5), give the right chain verdict for >= 95 % of them with MVC
# trials, write JSON/CSV/HTML with the documented fields, fall back to the
# session peak (warning on stderr and in the JSON) without --mvc, and fail
# with one stderr line for each bad input. The committed fixtures/synth/
# sessions are checked the same way (a missing one fails the test).
set -uo pipefail
synth="$BL_TOOLS/backline-synth"
tool="$BL_TOOLS/backline-analyse"
py=${BL_PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd) # match.py: the interval matching shared with support/match.c
. "$(dirname "$0")/support/paths.sh"
require_tool "$tool" "$synth"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# check_session DIR JSON [with_mvc]: compare the report with truth.json.
check_session() {
  PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" "$py" - "$1/truth.json" "$2" "${3:-1}" <<'PY'
import json, sys
from match import match_iou, f1 as f1_of
truth = json.load(open(sys.argv[1])); rep = json.load(open(sys.argv[2])); with_mvc = sys.argv[3] == "1"
T = [(r["start_s"], r["end_s"], r["chain"]) for r in truth["reps"]]
F = rep["reps"]
match = match_iou([(s, e) for (s, e, _) in T], [(r["start_s"], r["end_s"]) for r in F], 0.5)
matched = sum(j is not None for j in match)
ok = sum(F[j]["chain"] == chain for j, (_, _, chain) in zip(match, T) if j is not None)
f1 = f1_of(len(T), len(F), matched)
acc = ok / matched if matched else 0.0
print(f"  {sys.argv[2]}: truth {len(T)} found {len(F)} matched {matched} F1 {f1:.3f} verdict {ok}/{matched} = {acc:.3f}")
errs = []
if not T: errs.append("the truth has no repetitions")
if f1 < 0.95: errs.append(f"F1 {f1:.3f} < 0.95")
if with_mvc and acc < 0.95: errs.append(f"verdict accuracy {acc:.3f} < 0.95")
# The documented shape.
for k in ("reps", "summary", "parameters", "warnings"):
    if k not in rep: errs.append(f"missing top-level key {k}")
for r in F:
    for k in ("index", "start_s", "end_s", "chain", "chain_index", "reason", "phases", "channels", "ratios", "firing_order"):
        if k not in r: errs.append(f"rep {r.get('index')}: missing {k}")
    for name, c in r.get("channels", {}).items():
        for k in ("mean_pct_mvc", "peak_pct_mvc", "iemg_pct_mvc_s", "onset_s", "median_freq_hz"):
            if k not in c: errs.append(f"rep {r['index']} {name}: missing {k}")
    if r["chain"] not in ("internal", "external", "mixed", "unknown"): errs.append(f"bad chain {r['chain']}")
P = rep["parameters"]
for k in ("conditioning", "normalisation", "segmentation", "onsets", "spectrum", "torque_chain"):
    if k not in P: errs.append(f"parameters: missing {k}")
if P["normalisation"]["window_s"] != 0.5: errs.append("normalisation window is not 0.5 s")
for name, c in P["normalisation"]["per_channel"].items():
    if with_mvc and c["source"] != "mvc": errs.append(f"{name}: reference source {c['source']} with MVC trials")
    if not c["files"]: errs.append(f"{name}: no reference file listed")
S = rep["summary"]
if sum(S["verdicts"].values()) != len(F): errs.append("summary verdict counts do not add up to the reps")
if not with_mvc and not any("session's own peak" in w for w in rep["warnings"]):
    errs.append("no session-peak warning in the JSON without MVC trials")
for e in errs: print("  error:", e)
sys.exit(1 if errs else 0)
PY
}

mvc_args() { for f in "$1"/mvc_*.wav; do printf -- '--mvc\n%s\n' "$f"; done; }

run_case() { # NAME SYNTH-ARGS...
  local name=$1; shift
  local d="$tmp/$name"
  "$synth" hinge -o "$d" "$@" > "$d.synth.log" 2>&1 || { fail "$name: backline-synth $*"; cat "$d.synth.log" >&2; return; }
  mapfile -t m < <(mvc_args "$d")
  if ! "$tool" hinge "$d/session.wav" "${m[@]}" --json "$d/out.json" --csv "$d/out.csv" --html "$d/out.html" \
      > "$d/stdout" 2> "$d/stderr"; then
    fail "$name: backline-analyse hinge exited non-zero"; cat "$d/stderr" >&2; return
  fi
  check_session "$d" "$d/out.json" 1 || fail "$name: report does not match the truth"
  grep -q "repetitions\?" "$d/stdout" || fail "$name: no table on stdout"
  [ -s "$d/out.csv" ] && [ "$(head -1 "$d/out.csv" | cut -d, -f1)" = rep ] || fail "$name: CSV missing or no header"
  grep -q '<svg [^>]*data-channel=' "$d/out.html" || fail "$name: HTML report missing or without panels"
}

echo "== synthetic sessions (fresh seeds) =="
run_case s48k_float_alt --seed 5101 --rate 48000 --format float --reps 8 --pattern alternating --noise high --mains 60
run_case s44k_pcm16_drift --seed 5102 --rate 44100 --format pcm16 --reps 10 --pattern drift
run_case s2k_pcm24_ext --seed 5103 --rate 2000 --format pcm24 --reps 1 --pattern external --noise medium
run_case s2k_pcm16_int20 --seed 5104 --rate 2000 --format pcm16 --reps 20 --pattern internal --ecg 150

echo "== no MVC trials: session-peak fallback =="
d="$tmp/s48k_float_alt"
if "$tool" hinge "$d/session.wav" --json "$tmp/nomvc.json" > "$tmp/nomvc.out" 2> "$tmp/nomvc.err"; then
  grep -q "session's own peak" "$tmp/nomvc.err" || fail "no session-peak warning on stderr"
  check_session "$d" "$tmp/nomvc.json" 0 || fail "no-MVC report"
  grep -q "session peak" "$tmp/nomvc.out" || fail "stdout does not say the session peak was used"
else
  fail "hinge without --mvc exited non-zero"; cat "$tmp/nomvc.err" >&2
fi

echo "== chain override =="
if "$tool" hinge "$d/session.wav" --chain ST=external,BF=internal --json "$tmp/swap.json" > /dev/null 2>&1; then
  "$py" - "$tmp/nomvc.json" "$tmp/swap.json" <<'PY' || fail "--chain ST=external,BF=internal did not flip the hamstring balance"
import json, sys
a = json.load(open(sys.argv[1]))["reps"]; b = json.load(open(sys.argv[2]))["reps"]
ok = len(a) == len(b) and all(x["balances"]["hamstring"] is not None and
    abs(x["balances"]["hamstring"] + y["balances"]["hamstring"]) < 1e-6 for x, y in zip(a, b))
tab = json.load(open(sys.argv[2]))["parameters"]["torque_chain"]["table"]
sys.exit(0 if ok and tab["ST"] == "external" and tab["BF"] == "internal" else 1)
PY
else
  fail "--chain override run failed"
fi

echo "== bad input: one line on stderr, non-zero exit =="
expect_error() {
  local pattern=$1; shift
  "$tool" "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$? lines
  lines=$(wc -l < "$tmp/err")
  if [ $rc -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -qiE "$pattern" "$tmp/err"; then
    fail "backline-analyse $* -> exit $rc, $lines stderr line(s), wanted /$pattern/:"; sed 's/^/    /' "$tmp/err" >&2
  else
    echo "ok: -> $(cat "$tmp/err")"
  fi
}
s="$d/session.wav"
expect_error "needs --json" hinge "$s"
expect_error "must end in .json" hinge "$s" --json "$tmp/x.txt"
expect_error "exactly one SESSION" hinge --json "$tmp/x.json"
expect_error "unknown muscle code \"XX\"" hinge "$s" --json "$tmp/x.json" --chain XX=internal
expect_error "not internal, external or none" hinge "$s" --json "$tmp/x.json" --chain ST=sideways
expect_error "nope.wav" hinge "$s" --json "$tmp/x.json" --mvc "$tmp/nope.wav"
expect_error "must end in .html" hinge "$s" --json "$tmp/x.json" --html "$tmp/x.txt"
expect_error "cannot write|No such file" hinge "$s" --json "$tmp/no/such/dir/x.json"
"$py" -c 'import sys, wave, struct
w = wave.open(sys.argv[1], "wb"); w.setnchannels(2); w.setsampwidth(2); w.setframerate(2000)
w.writeframes(struct.pack("<1200h", *([0, 100, -100] * 400))); w.close()' "$tmp/short.wav"
expect_error "at least 1 s" hinge "$tmp/short.wav" --map ST,BF --json "$tmp/x.json"
# An MVC trial in another layout (a 4-channel session's trial).
"$synth" hinge -o "$tmp/four" --seed 5105 --reps 1 --map L.ST,L.BF,L.GMAX,L.ES > /dev/null 2>&1
expect_error "channel|map" hinge "$s" --json "$tmp/x.json" --mvc "$tmp/four/mvc_ST.wav"

echo "== a real recording through the CLI (UCI knee flexion, 1000 Hz) =="
real="$BL_REAL_DATA/uci-lower-limb/1Npie.wav"
if real_present "$real"; then
  if "$tool" hinge "$real" --map RF,BF,VM,ST,AUX --rate 1000 --bandpass 20:450 --json "$tmp/real.json" \
      --csv "$tmp/real.csv" --html "$tmp/real.html" > "$tmp/real.out" 2> "$tmp/real.err"; then
    "$py" - "$tmp/real.json" <<'PY' || fail "UCI 1Npie: repetitions or hamstring dominance"
import json, sys
d = json.load(open(sys.argv[1])); reps = d["reps"]
ham = [(r["channels"]["ST"]["mean_pct_mvc"] + r["channels"]["BF"]["mean_pct_mvc"]) / 2 for r in reps]
quad = [(r["channels"]["RF"]["mean_pct_mvc"] + r["channels"]["VM"]["mean_pct_mvc"]) / 2 for r in reps]
print(f"  1Npie: {len(reps)} repetitions; hamstrings {['%.0f' % x for x in ham]} vs quads {['%.0f' % x for x in quad]} (% of own session peak)")
print(f"  phases: {sorted(set(r['phases']['method'] for r in reps))}")
sys.exit(0 if 3 <= len(reps) <= 8 and all(r["phases"]["method"] != "envelope change point" for r in reps) else 1)
PY
  else
    fail "hinge on $real failed"; cat "$tmp/real.err" >&2
  fi
fi

echo "== committed fixtures/synth =="
fx="$BL_FIXTURES/synth"
require_fixture "$fx"
hinge_sets=0
for t in "$fx"/*/truth.json; do
    dd=$(dirname "$t")
    require_fixture "$t" "$dd/session.wav"
    "$py" -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("scenario") == "hinge" else 1)' "$t" || continue
    hinge_sets=$((hinge_sets + 1))
    mapfile -t m < <(mvc_args "$dd")
    [ -e "${m[1]:-}" ] || m=()
    out="$tmp/fixture_$(basename "$dd").json"
    if "$tool" hinge "$dd/session.wav" "${m[@]}" --json "$out" > /dev/null 2> "$tmp/fx.err"; then
      check_session "$dd" "$out" $([ ${#m[@]} -gt 0 ] && echo 1 || echo 0) || fail "fixture $dd"
    else
      fail "fixture $dd: analyse failed"; cat "$tmp/fx.err" >&2
    fi
done
# fixtures/synth is committed with its hinge sets (make_fixtures.sh).
[ "$hinge_sets" -gt 0 ] || fail "no hinge sets among the committed fixtures under $fx"

if [ $failures -ne 0 ]; then echo "test_hinge_cli: $failures failure(s)" >&2; exit 1; fi
echo "test_hinge_cli: all checks passed"
