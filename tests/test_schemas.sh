#!/usr/bin/env bash
# Documented outputs: every JSON the tools write validates against its
# schema in schemas/ (python3-jsonschema), and every CSV's header is the
# column dictionary's (schemas/columns.csv) and loads in pandas with the
# documented dtypes. Run on the demo set (also with two markers added and
# hinge --between-markers), a synthetic hinge set, walk, MVC
# trials and rest made here, and the Santuz treadmill walk when the
# real-data folder holds it (that part skipped loudly otherwise). Then the
# negative checks: a report with a field missing, a field of the wrong
# type, an unknown field or another schema_version, and a CSV with a
# renamed column, must each fail, so the checks can fail.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
py=${BL_PYTHON:-/usr/bin/python3}
. "$here/support/paths.sh"
require_tool "$tool" "$synth"
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav" "$demo/mvc_ST.wav"
schemas="$here/../schemas"
columns="$schemas/columns.csv"
"$py" -c 'import jsonschema, pandas' 2>/dev/null ||
  { echo "FAILED: $py cannot import jsonschema and pandas (apt install python3-jsonschema python3-pandas)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# run NAME CMD...: the command must succeed (its stderr shown if not).
run() {
  local name=$1; shift
  "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || { fail "$name: exit $?"; cat "$tmp/$name.err" >&2; }
}
valid() { "$py" "$here/check_schemas.py" "$schemas" "$@" || fail "schema $1: a file does not validate"; }
header() { "$py" "$here/check_columns.py" "$columns" "$@" --load || fail "columns $1: a header or dtype differs"; }

echo "== the schemas themselves =="
"$py" "$here/check_schemas.py" "$schemas" --self || fail "a schema is not a valid draft 2020-12 schema"

echo "== the demo set =="
mvc=(); for f in "$demo"/mvc_*.wav; do mvc+=(--mvc "$f"); done
cd "$tmp" || exit 1
run hinge "$tool" hinge "$demo/session.wav" "${mvc[@]}" --json h.json --csv h.csv
run hinge_peak "$tool" hinge "$demo/session.wav" --json hp.json
for m in baseline double tkeo; do run "onsets_$m" "$tool" onsets "$demo/session.wav" --method $m --json "o_$m.json"; done
run quality "$tool" quality "$demo/session.wav" --json q.json --csv q.csv
run envelope "$tool" envelope "$demo/session.wav" -o e.csv --summary es.csv

# The demo with two markers (1 s and 10 s) in its metadata, for
# --between-markers: the span's report has between_markers, its repetition
# times on the file's clock, and each onset_s still from its repetition's
# start: within 0.5 s of the whole file's (the span is conditioned on its
# own, trunk onsets move by about 0.1 s), where a file time would be 1 s later.
"$py" - "$demo/session.wav" marked.wav <<'PY' || fail "cannot add markers to the demo"
import struct, sys
d = open(sys.argv[1], "rb").read()
out, i = [d[:12]], 12
while i < len(d):
    cid = d[i:i + 4]; n = struct.unpack("<I", d[i + 4:i + 8])[0]; body = d[i + 8:i + 8 + n]
    if cid == b"LIST" and body[:4] == b"INFO":
        text = body[12:12 + struct.unpack("<I", body[8:12])[0]].rstrip(b"\0") + b"\nmarkers=1.0:a,10.0:b\n\0"
        text += b"\0" * (len(text) & 1)
        body = b"INFOICMT" + struct.pack("<I", len(text)) + text
    out.append(cid + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1))
    i += 8 + n + (n & 1)
w = b"".join(out)
open(sys.argv[2], "wb").write(w[:4] + struct.pack("<I", len(w) - 8) + w[8:])
PY
run hinge_span "$tool" hinge marked.wav --between-markers 1,2 --json hspan.json --csv hspan.csv
"$py" - hp.json hspan.json <<'PY' || fail "--between-markers: onset_s is not relative to its repetition"
import json, sys
full = {r["start_s"]: r for r in json.load(open(sys.argv[1]))["reps"]}
span = json.load(open(sys.argv[2]))
assert span["between_markers"]["start_s"] == 1, span["between_markers"]
n = 0
for r in span["reps"]:
    f = full.get(r["start_s"])
    assert f, "span repetition at %s s is not one of the whole file's" % r["start_s"]
    for ch, v in r["channels"].items():
        a, b = v["onset_s"], f["channels"][ch]["onset_s"]
        if a is not None and b is not None:
            assert abs(a - b) < 0.5, "%s rep at %s s: onset_s %s in the span, %s in the file" % (ch, r["start_s"], a, b)
            n += 1
print("  --between-markers 1,2: %d repetitions, %d onsets relative to their repetition" % (len(span["reps"]), n))
PY

echo "== backline-synth sets =="
run synth_hinge "$synth" hinge -o sh --seed 5 --reps 3 --pattern drift
run synth_gait "$synth" gait -o sg --seed 5 --strides 8
run synth_mvc "$synth" mvc -o sm --seed 5
run synth_rest "$synth" rest -o sr --seed 5
run hinge_synth "$tool" hinge sh/session.wav --mvc sh/mvc_ST.wav --mvc sh/mvc_BF.wav --mvc sh/mvc_GMAX.wav \
  --mvc sh/mvc_ES.wav --mvc sh/mvc_EO.wav --mvc sh/mvc_VL.wav --json hs.json --csv hs.csv
run gait_events "$tool" gait sg/session.wav --events sg/events.csv --mvc sg/mvc_ST.wav --json ge.json --csv ge.csv
run gait_footswitch "$tool" gait sg/session.wav --footswitch R.AUX --normalise cycle --json gf.json --csv gf.csv
run quality_synth "$tool" quality sg/session.wav --json qs.json --csv qs.csv

echo "== the Santuz treadmill walk =="
jsons_gait=(ge.json gf.json); csvs_gait=(ge.csv gf.csv)
santuz="$BL_REAL_DATA/santuz-walking/ID0012_TW_01"
if real_present "$santuz.wav"; then
  smap=$("$py" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["channels"]))' "$santuz.json")
  "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as f:
    f.write("time_s,side,event\n")
    for c in d["gait_cycles"]: f.write("%s,R,touchdown\n%s,R,liftoff\n" % (c["touchdown_s"], c["liftoff_s"]))
' "$santuz.json" santuz_events.csv
  run santuz "$tool" gait "$santuz.wav" --map "$smap" --events santuz_events.csv --json gs.json --csv gs.csv
  jsons_gait+=(gs.json); csvs_gait+=(gs.csv)
fi

echo "== every JSON against its schema =="
valid hinge h.json hp.json hs.json hspan.json
valid gait "${jsons_gait[@]}"
valid onsets o_baseline.json o_double.json o_tkeo.json
valid quality q.json qs.json
valid synth-truth sh/truth.json sg/truth.json sm/mvc.json sr/rest.json
valid synth-truth "$BL_FIXTURES"/demo/truth.json "$BL_FIXTURES"/synth/*/truth.json  # the committed ones
for f in h.json ge.json o_baseline.json q.json sh/truth.json; do
  "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if next(iter(d)) == "schema_version" else 1)' "$f" ||
    fail "$f: schema_version is not the first key"
done

echo "== every CSV against the column dictionary =="
header hinge.csv h.csv hs.csv hspan.csv
header gait.csv "${csvs_gait[@]}"
header quality.csv q.csv qs.csv
header envelope.csv e.csv
header envelope_summary.csv es.csv
header events.csv sg/events.csv

echo "== negative checks: broken copies must fail =="
# break SRC NAME PYTHON: a copy of SRC changed by PYTHON (d is the document).
break_json() {
  "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2], 'w'))" "$1" "$2"
}
break_json h.json bad_missing.json 'del d["reps"][0]["chain"]'
break_json h.json bad_type.json 'd["reps"][0]["channels"]["L.ST"]["onset_s"] = "0.1"'
break_json ge.json bad_unknown.json 'd["cycles"][0]["stance_fraction"] = 0.6'
break_json o_baseline.json bad_version.json 'd["schema_version"] = 2'
break_json q.json bad_enum.json 'd["channels"][0]["grade"] = "good"'
for b in bad_missing:hinge bad_type:hinge bad_unknown:gait bad_version:onsets bad_enum:quality; do
  f=${b%%:*}.json; s=${b#*:}
  if "$py" "$here/check_schemas.py" "$schemas" "$s" "$f" > "$f.out"; then
    fail "$f validated against $s although it is broken"
  else
    echo "  $f rejected: $(head -1 "$f.out")"
  fi
done
sed '1s/onset_s/onset_time/' h.csv > bad_header.csv
if "$py" "$here/check_columns.py" "$columns" hinge.csv bad_header.csv > bad_header.out; then
  fail "a hinge CSV with a renamed column passed the dictionary check"
else
  echo "  bad_header.csv rejected: $(head -1 bad_header.out)"
fi
sed '2s/^1,/one,/' h.csv > bad_dtype.csv
if "$py" "$here/check_columns.py" "$columns" hinge.csv bad_dtype.csv --load > bad_dtype.out; then
  fail "a hinge CSV with text in the integer column rep loaded with the documented dtypes"
else
  echo "  bad_dtype.csv rejected: $(head -1 bad_dtype.out)"
fi

if [ "$failures" -ne 0 ]; then echo "test_schemas: $failures failure(s)" >&2; exit 1; fi
echo "test_schemas: every JSON and CSV matches its documentation"
