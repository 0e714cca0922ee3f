#!/usr/bin/env bash
# backline-analyse batch on a 20-row manifest built here from the
# committed fixtures (the demo set, the synthetic hinge sets) and three
# synthetic walks made with backline-synth, one row of them broken (its
# recording is missing). Checks, with --threads 2: the other 19 finish,
# the exit status is non-zero, the broken row is one stderr line and the
# status table names it and why; the merged tables load in pandas with the
# dtypes of schemas/columns.csv; the merged hinge table's rows are the
# per-row CSVs' rows behind file,subject,session; every row's JSON
# validates against its schema; --resume after deleting one row's output
# reruns that row (and the failed one) only, and reruns a row whose input
# changed; --rows slices then --merge give the same tables as one run; a
# row whose process is killed fails alone (killed by signal 9, exit 137);
# a rerun in which ok rows now fail (their recording moved away) leaves
# none of their old reports, no merged table with their rows, and a status
# that says failed; a --merge from another folder with the manifest named
# absolutely finds the same rows complete; the scale and unit columns
# calibrate a file without gains (mV: 1000 times), refuse one with its own
# (one line), and --resume reruns a row whose unit changed; a manifest
# with an unknown column runs nothing; 'batch -' is a usage error in one
# line (the manifest must be a file).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
py=${BL_PYTHON:-/usr/bin/python3}
. "$here/support/paths.sh"
require_tool "$tool" "$synth"
require_fixture "$BL_FIXTURES/demo/session.wav" "$BL_FIXTURES/synth/internal_2k_pcm16/session.wav"
schemas="$here/../schemas"
columns="$schemas/columns.csv"
"$py" -c 'import pandas, jsonschema' 2>/dev/null ||
  { echo "FAILED: $py cannot import pandas and jsonschema (apt install python3-pandas python3-jsonschema)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$tmp" || exit 1
mkdir data
ln -s "$BL_FIXTURES" data/fx
for s in 1 2 3; do
  "$synth" gait -o "data/walk$s" --seed "$s" --strides 8 > /dev/null 2>&1 || { echo "FAILED: backline-synth gait" >&2; exit 1; }
done

# The manifest (in data/, paths relative to it), CRLF line ends, quoted maps.
mvcs() { local d=$1 out="" f; for f in "$BL_FIXTURES/$d"/mvc_*.wav; do [ -e "$f" ] && out+="${out:+;}fx/$d/$(basename "$f")"; done; echo "$out"; }
sets=(internal_2k_pcm16 external_2k_pcm24 drift_2k_pcm16 alternating_2k_float torque_2k_pcm16 rate44k_pcm16)
{
  printf 'file,subject,session,task,map,mvc,events\r\n'
  printf 'fx/demo/session.wav,S01,1,hinge,,%s,\r\n' "$(mvcs demo)"
  n=2
  for d in "${sets[@]}"; do
    printf 'fx/synth/%s/session.wav,S%02d,1,hinge,,%s,\r\n' "$d" "$n" "$(mvcs "synth/$d")"; n=$((n + 1))
  done
  printf 'fx/demo/missing.wav,S08,1,hinge,,,\r\n'
  for s in 1 2 3; do
    printf 'walk%s/session.wav,S%02d,1,gait,"R.ST,R.BF,R.GMAX,R.GMED,R.VL,R.RF,R.TA,R.MG,R.AUX",walk%s/mvc_ST.wav;walk%s/mvc_BF.wav,walk%s/events.csv\r\n' \
      "$s" "$((s + 8))" "$s" "$s" "$s"
  done
  for s in 1 2 3 4 5; do
    printf 'fx/synth/%s/session.wav,S%02d,2,envelope,,,\r\n' "${sets[$((s - 1))]}" "$s"
  done
  for s in 1 2 3 4; do
    printf 'fx/synth/%s/session.wav,S%02d,2,quality,,,\r\n' "${sets[$((s - 1))]}" "$s"
  done
} > data/manifest.csv
rows=$(($(wc -l < data/manifest.csv) - 1))
[ "$rows" -eq 20 ] || fail "the manifest has $rows rows, not 20"

echo "== 20 rows, one broken, --threads 2 =="
start=$(date +%s%N)
"$tool" batch data/manifest.csv -o out --threads 2 > run1.out 2> run1.err
status=$?
echo "  $(tail -1 run1.out) in $((($(date +%s%N) - start) / 1000000)) ms"
[ "$status" -ne 0 ] || fail "batch with a broken row exited 0"
cp out/batch_status.csv status_run1.csv
[ "$(grep -c 'batch row' run1.err)" -eq 1 ] || { fail "not exactly one stderr line about a bad row"; cat run1.err >&2; }
grep -q 'batch row 8 (line 9, S08/1/hinge): .*missing.wav' run1.err || { fail "the stderr line does not name row 8 and its file"; cat run1.err >&2; }
"$py" - out/batch_status.csv <<'PY' || fail "the status table"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = [r for r in rows if r["status"] != "ok"]
assert len(rows) == 20, "%d rows in the status table" % len(rows)
assert len(bad) == 1 and bad[0]["row"] == "8", "not ok: %s" % [(r["row"], r["status"]) for r in bad]
assert bad[0]["status"] == "failed" and bad[0]["exit_code"] == "1", bad[0]
assert "missing.wav" in bad[0]["error"] and "cannot open" in bad[0]["error"], bad[0]["error"]
print("  status: 19 ok; row 8 failed: %s" % bad[0]["error"])
PY

echo "== the merged tables against the column dictionary (pandas dtypes) =="
for t in hinge gait quality envelope_summary; do
  "$py" "$here/check_columns.py" "$columns" "batch_key+$t.csv" "out/$t.csv" --load || fail "out/$t.csv"
done
"$py" "$here/check_columns.py" "$columns" batch_status.csv out/batch_status.csv --load || fail "out/batch_status.csv"

echo "== merged hinge rows = the rows' own CSVs =="
"$py" - out <<'PY' || fail "the merged hinge table is not the rows' tables"
import csv, sys, pandas as pd
out = sys.argv[1]
status = [r for r in csv.DictReader(open(out + "/batch_status.csv")) if r["task"] == "hinge" and r["status"] == "ok"]
parts = []
for r in status:
    d = pd.read_csv("%s/%s/hinge.csv" % (out, r["dir"]), dtype=str, keep_default_na=False)
    d.insert(0, "session", r["session"]); d.insert(0, "subject", r["subject"]); d.insert(0, "file", r["file"])
    parts.append(d)
want = pd.concat(parts, ignore_index=True)
got = pd.read_csv(out + "/hinge.csv", dtype=str, keep_default_na=False)
assert list(got.columns) == list(want.columns), "columns differ"
assert got.equals(want), "rows differ"
print("  %d hinge rows from %d recordings, equal" % (len(got), len(status)))
PY

echo "== every row's JSON against its schema =="
for t in hinge gait quality; do
  "$py" "$here/check_schemas.py" "$schemas" "$t" out/S*/*/"$t"/"$t".json > "schemas_$t.out" || { fail "a $t row's JSON"; cat "schemas_$t.out" >&2; }
done

echo "== --resume after deleting one row's output =="
keep=out/S01/1/hinge/hinge.json
before=$(stat -c %Y.%y "$keep")
cp out/hinge.csv hinge_before.csv
rm out/S03/1/hinge/hinge.csv
"$tool" batch data/manifest.csv -o out --threads 2 --resume > run2.out 2> run2.err
[ $? -ne 0 ] || fail "--resume with the broken row still broken exited 0"
ran=$(grep -c ' ok: ' run2.out); skipped=$(grep -c ' skipped: ' run2.out)
[ "$ran" -eq 1 ] && grep -q '^row 3 ok: S03/1/hinge$' run2.out || { fail "--resume ran $ran rows, not row 3 alone"; cat run2.out >&2; }
[ "$skipped" -eq 18 ] || fail "--resume skipped $skipped rows, not 18"
grep -q 'batch row 8 ' run2.err || fail "--resume did not retry the failed row"
[ "$(stat -c %Y.%y "$keep")" = "$before" ] || fail "--resume rewrote a complete row's outputs"
cmp -s out/hinge.csv hinge_before.csv || fail "the merged hinge table differs after --resume"
echo "  ran row 3 (and retried row 8), skipped 18"
touch data/walk2/events.csv
"$tool" batch data/manifest.csv -o out --threads 2 --resume > run3.out 2> run3.err
[ "$(grep -c ' ok: ' run3.out)" -eq 1 ] && grep -q '^row 10 ok: S10/1/gait$' run3.out ||
  { fail "--resume after an input changed did not rerun that row alone"; cat run3.out >&2; }

echo "== a cluster: --rows slices, then --merge =="
"$tool" batch data/manifest.csv -o out2 --rows 1-7 --quiet > /dev/null 2> rows1.err || fail "--rows 1-7 (all good rows) failed"
"$tool" batch data/manifest.csv -o out2 --rows 8-20 --quiet > /dev/null 2> rows2.err && fail "--rows 8-20 (with the broken row) exited 0"
[ ! -e out2/hinge.csv ] && [ ! -e out2/batch_status.csv ] || fail "--rows wrote merged tables"
"$tool" batch data/manifest.csv -o out2 --merge --quiet > /dev/null 2> merge.err && fail "--merge with a failed row exited 0"
for t in hinge gait quality envelope_summary; do
  cmp -s "out/$t.csv" "out2/$t.csv" || fail "$t.csv from --rows + --merge differs from one run's"
done
cmp -s status_run1.csv out2/batch_status.csv || fail "batch_status.csv from --rows + --merge differs from one run's"
echo "  --rows 1-7, 8-20 and --merge: the same five tables"
# The rows' fingerprints are the manifest's text, not paths resolved from
# how its name was typed: a --merge from another folder, the manifest and
# OUTDIR named absolutely, finds every row complete as before.
mkdir elsewhere
(cd elsewhere && "$tool" batch "$tmp/data/manifest.csv" -o "$tmp/out2" --merge --quiet > /dev/null 2> "$tmp/merge_abs.err")
grep -q 'no complete outputs' merge_abs.err && { fail "--merge with an absolute manifest path from another folder found rows incomplete"; head -3 merge_abs.err >&2; }
for t in hinge gait quality envelope_summary; do
  cmp -s "out/$t.csv" "out2/$t.csv" || fail "$t.csv from --merge with an absolute manifest path differs"
done
cmp -s status_run1.csv out2/batch_status.csv || fail "batch_status.csv from --merge with an absolute manifest path differs"
echo "  --merge from another folder, absolute paths: the same five tables"

echo "== a row whose process dies takes nothing else down =="
# Row 2 reads a FIFO nobody writes, so its process waits in open(); it is
# killed by its pid (found as a child of this batch), as a crash would end it.
mkfifo data/stuck.wav
printf 'file,subject,session,task\nfx/demo/session.wav,K1,1,quality\nstuck.wav,K2,1,quality\nfx/demo/session.wav,K3,1,envelope\n' > data/crash.csv
"$tool" batch data/crash.csv -o out5 --threads 2 > crash.out 2> crash.err &
batch_pid=$!
victim=""
for _ in $(seq 100); do
  for c in $(pgrep -P "$batch_pid"); do
    grep -q stuck.wav "/proc/$c/cmdline" 2>/dev/null && victim=$c
  done
  [ -n "$victim" ] && break
  sleep 0.1
done
if [ -z "$victim" ]; then
  fail "the FIFO row's process did not appear"; kill "$batch_pid"
else
  kill -KILL "$victim"
fi
wait "$batch_pid"; crash_status=$?
[ "$crash_status" -eq 1 ] || fail "batch with a killed row exited $crash_status, not 1"
"$py" - out5/batch_status.csv <<'PY' || fail "the killed row's status"
import csv, sys
rows = {r["row"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["1"]["status"] == "ok" and rows["3"]["status"] == "ok", rows
assert rows["2"]["status"] == "failed" and rows["2"]["exit_code"] == "137", rows["2"]
assert "killed by signal 9" in rows["2"]["error"], rows["2"]["error"]
print("  rows 1 and 3 ok; row 2: %s (exit %s)" % (rows["2"]["error"], rows["2"]["exit_code"]))
PY

echo "== a rerun where an ok row now fails leaves none of its old outputs =="
# Rows A and C read a copy of the demo recording; it is moved away before
# the rerun, so both fail: A's folder keeps no envelope report of the
# first run, the merged envelope table holds B's rows only, and the
# quality table (C its only row) is gone rather than the first run's.
cp "$BL_FIXTURES/demo/session.wav" data/moved.wav
printf 'file,subject,session,task\nmoved.wav,A,1,envelope\nfx/demo/session.wav,B,1,envelope\nmoved.wav,C,1,quality\n' > data/stale.csv
"$tool" batch data/stale.csv -o out6 --quiet > /dev/null 2> stale1.err || { fail "the stale-output manifest's first run failed"; cat stale1.err >&2; }
[ -e out6/A/1/envelope/envelope.csv ] && [ -e out6/quality.csv ] && grep -q '^"moved.wav","A","1",' out6/envelope_summary.csv ||
  fail "the first run did not leave A's outputs and the merged tables"
mv data/moved.wav data/moved_away.wav
"$tool" batch data/stale.csv -o out6 > stale2.out 2> stale2.err && fail "the rerun with a moved recording exited 0"
for f in envelope.csv envelope_summary.csv; do
  [ ! -e "out6/A/1/envelope/$f" ] || fail "the failed rerun left the first run's A/1/envelope/$f"
done
[ ! -e out6/C/1/quality/quality.json ] || fail "the failed rerun left the first run's C/1/quality/quality.json"
[ ! -e out6/quality.csv ] || fail "out6/quality.csv of the first run is still there, its only row now failed"
grep -q 'removing out6/quality.csv' stale2.err || { fail "no line said quality.csv was removed"; cat stale2.err >&2; }
grep -q '^"moved.wav","A",' out6/envelope_summary.csv && fail "the merged envelope table still has the failed row A"
grep -q '^"fx/demo/session.wav","B","1",' out6/envelope_summary.csv || fail "the merged envelope table lost row B"
"$py" - out6/batch_status.csv <<'PY' || fail "the status after the failed rerun"
import csv, sys
rows = {r["subject"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["A"]["status"] == "failed" and "moved.wav" in rows["A"]["error"], rows["A"]
assert rows["C"]["status"] == "failed" and rows["B"]["status"] == "ok", rows
print("  A and C failed (%s); B ok; no old outputs left" % rows["A"]["error"])
PY

echo "== calibration columns: scale and unit =="
# A WAV written by scipy carries no gain: unit mV makes its envelope 1000
# times the one in full-scale units, scale 2;4 two and four times (one
# value per channel). A file with its own gains refuses unit: one line.
"$py" - data/raw.wav <<'PY' || fail "cannot write an uncalibrated WAV"
import sys, numpy as np, scipy.io.wavfile as w
x = (np.random.default_rng(1).standard_normal((4000, 2)) * 3000).astype(np.int16)
w.write(sys.argv[1], 2000, x)
PY
printf 'file,subject,session,task,map,unit,scale\nraw.wav,R1,1,envelope,"L.ST,L.BF",,\nraw.wav,R2,1,envelope,"L.ST,L.BF",mV,\nraw.wav,R3,1,envelope,"L.ST,L.BF",,2;4\nfx/synth/internal_2k_pcm16/session.wav,R4,1,quality,,mV,\nraw.wav,R5,1,quality,,mV,1\n' > data/cal.csv
"$tool" batch data/cal.csv -o out7 --quiet > /dev/null 2> cal.err && fail "a row with unit on a calibrated file exited 0"
"$py" - out7 <<'PY' || fail "the calibrated rows"
import csv, sys
out = sys.argv[1]
st = {r["subject"]: r for r in csv.DictReader(open(out + "/batch_status.csv"))}
assert [st[s]["status"] for s in ("R1", "R2", "R3")] == ["ok"] * 3, st
assert st["R4"]["status"] == "failed" and st["R4"]["exit_code"] == "1", st["R4"]
assert "carries its own calibration" in st["R4"]["error"] and "--unit" in st["R4"]["error"], st["R4"]["error"]
assert st["R5"]["status"] == "failed" and "scale and unit" in st["R5"]["error"], st["R5"]
env = {}
for r in csv.DictReader(open(out + "/envelope_summary.csv")):
    env[(r["subject"], r["channel"])] = r
for ch, k3 in (("L.ST", 2.0), ("L.BF", 4.0)):
    base = float(env[("R1", ch)]["mean"])
    for subj, k in (("R2", 1000.0), ("R3", k3)):
        got = float(env[(subj, ch)]["mean"])
        assert abs(got / base - k) < 1e-4 * k, "%s %s: mean %g, %g times R1's, not %g" % (subj, ch, got, got / base, k)
        assert env[(subj, ch)]["unit"] == "uV", env[(subj, ch)]
print("  unit mV: 1000x; scale 2;4: 2x and 4x; a calibrated file with unit: %s" % st["R4"]["error"])
PY
[ "$(grep -c 'batch row' cal.err)" -eq 2 ] || { fail "not one stderr line for each of the two bad calibration rows"; cat cal.err >&2; }
# --resume reruns the row whose unit changed, and that row only.
sed -i 's/^raw.wav,R2,1,envelope,"L.ST,L.BF",mV,$/raw.wav,R2,1,envelope,"L.ST,L.BF",V,/' data/cal.csv
"$tool" batch data/cal.csv -o out7 --resume > cal2.out 2> cal2.err
[ "$(grep -c ' ok: ' cal2.out)" -eq 1 ] && grep -q '^row 2 ok: R2/1/envelope$' cal2.out ||
  { fail "--resume after a row's unit changed did not rerun that row alone"; cat cal2.out >&2; }

echo "== bad manifests =="
printf 'file,subject,session,task,evnts\nfx/demo/session.wav,S1,1,hinge,\n' > data/typo.csv
"$tool" batch data/typo.csv -o out3 > typo.out 2> typo.err && fail "a manifest with an unknown column exited 0"
[ "$(wc -l < typo.err)" -eq 1 ] && grep -q 'unknown column "evnts"' typo.err || { fail "the unknown column's line"; cat typo.err >&2; }
[ ! -e out3 ] || fail "a bad manifest made OUTDIR"
printf 'file,subject,session,task\n"fx/demo/session.wav,S1,1,hinge\n' > data/open.csv
"$tool" batch data/open.csv -o out4 > open.out 2> open.err && fail "an unterminated quote exited 0"
grep -q 'row 1 (line 2): malformed line: a quoted field is not closed' open.err || { fail "the unterminated quote's line"; cat open.err >&2; }

"$tool" batch - -o out8 < data/manifest.csv > stdin.out 2> stdin.err; st=$?
[ "$st" -eq 2 ] || fail "batch - exited $st, not 2 (a usage error)"
[ "$(wc -l < stdin.err)" -eq 1 ] && grep -q 'the manifest must be a file (standard input is not supported)' stdin.err ||
  { fail "batch -: not one line saying the manifest must be a file"; cat stdin.err >&2; }
[ ! -e out8 ] || fail "batch - made OUTDIR"
"$tool" batch --help | grep -q 'one line on stderr per bad row' || fail "batch --help does not say one line per bad row"

if [ "$failures" -ne 0 ]; then echo "test_batch: $failures failure(s)" >&2; exit 1; fi
echo "test_batch: 19 of 20 rows, the broken one reported; tables, resume and merge as documented"
