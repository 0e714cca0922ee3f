#!/usr/bin/env bash
# End-to-end: `backline-synth gait` makes the walk and run sets (normal and
# every variant) with their MVC trials, events.csv and truth.json; then
# `backline-analyse gait` on each, from the footswitch (R.AUX) or the
# events file, must name the variant truth.json gives, keep as many cycles
# as the truth has strides, and place each muscle's peak within 5 % of the
# cycle of the truth's. Bad gait options give one stderr line and exit 2.
set -uo pipefail
synth="$BL_TOOLS/backline-synth"
tool="$BL_TOOLS/backline-analyse"
py=${BL_PYTHON:-/usr/bin/python3}
. "$(dirname "$0")/support/paths.sh"
require_tool "$synth"
require_tool "$tool"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# analyse NAME SOURCE...: the set in $tmp/NAME analysed with its MVC trials.
analyse() {
  local d="$tmp/$1"; shift
  local mvc=()
  for f in "$d"/mvc_*.wav; do mvc+=(--mvc "$f"); done
  "$tool" gait "$d/session.wav" "$@" "${mvc[@]}" --json "$d/a.json" >"$d/out.txt" 2>"$d/err.txt"
}

# compare NAME: the report against truth.json.
compare() {
  "$py" - "$tmp/$1/truth.json" "$tmp/$1/a.json" "$1" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); a = json.load(open(sys.argv[2])); name = sys.argv[3]
bad = []
chains = a["posterior_chain"]
if [c["pattern"] for c in chains] != [t["variant"]]:
    bad.append("pattern %s, truth %s" % ([c["pattern"] for c in chains], t["variant"]))
if len(a["cycles"]) != len(t["strides"]):
    bad.append("%d cycles, %d strides" % (len(a["cycles"]), len(t["strides"])))
for m in a["muscles"]:
    i = t["channels"].index(m["name"])
    d = abs((m["peak_phase_pct"] - t["peak_phase_pct"][i] + 150) % 100 - 50)
    if d > 5:
        bad.append("%s peaks at %.1f %%, truth %.1f %%" % (m["name"], m["peak_phase_pct"], t["peak_phase_pct"][i]))
for k in ("task", "variant", "strides", "events", "peak_phase_pct", "phase_mean_pct_mvc", "profiles"):
    if k not in t: bad.append("truth.json has no " + k)
print("  %s: pattern %s, %d cycles%s" % (name, chains[0]["pattern"] if chains else "-", len(a["cycles"]),
      "" if not bad else ": " + "; ".join(bad)))
sys.exit(1 if bad else 0)
PY
}

for set in walk:normal walk:dormant-glute walk:quad-dominant run:normal run:dormant-glute run:quad-dominant \
           run:active-recovery; do
  task=${set%%:*}; variant=${set#*:}; name="$task-$variant"
  "$synth" gait -o "$tmp/$name" --task "$task" --variant "$variant" --strides 12 --seed 3 >/dev/null 2>"$tmp/synth.err" ||
    { fail "$name: backline-synth gait failed: $(cat "$tmp/synth.err")"; continue; }
  if analyse "$name" --footswitch R.AUX; then
    compare "$name" || fail "$name: the analysis does not recover the truth"
  else
    fail "$name: backline-analyse gait failed: $(cat "$tmp/$name/err.txt")"
  fi
done

# The events file gives the same cycles and the same pattern.
if analyse walk-dormant-glute --events "$tmp/walk-dormant-glute/events.csv"; then
  compare walk-dormant-glute || fail "walk-dormant-glute from events.csv: the analysis does not recover the truth"
  grep -q "pattern dormant-glute" "$tmp/walk-dormant-glute/out.txt" || fail "the printed statements do not name the pattern"
else
  fail "walk-dormant-glute --events: $(cat "$tmp/walk-dormant-glute/err.txt")"
fi

# Bad options: one line, exit 2, no folder made.
bad_option() {
  "$synth" gait -o "$tmp/bad" "$@" >/dev/null 2>"$tmp/bad.err"; rc=$?
  lines=$(wc -l <"$tmp/bad.err")
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -e "$tmp/bad" ]; then
    fail "gait $*: exit $rc, $lines stderr lines (want 2 and 1, no folder)"; cat "$tmp/bad.err" >&2
  fi
}
bad_option --variant active-recovery
bad_option --task jog
bad_option --variant lazy-glute
bad_option --strides 2
bad_option --stance 95
bad_option --stance 40
bad_option --task run --stance 60
bad_option --stride-s 5
bad_option --variation 0.5
bad_option --reps 5
"$synth" hinge -o "$tmp/bad" --task run >/dev/null 2>"$tmp/bad.err"
[ $? -eq 2 ] && [ ! -e "$tmp/bad" ] || fail "hinge --task: not refused"

[ "$failures" -eq 0 ] && echo "test_synth_gait_cli: all checks passed" || { echo "test_synth_gait_cli: $failures failure(s)" >&2; exit 1; }
