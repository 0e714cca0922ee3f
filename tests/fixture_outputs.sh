#!/usr/bin/env bash
# Every output the tools make from the committed fixtures, into one folder,
# so two builds can be compared byte for byte (tests/compare_outputs.sh):
#   bash tests/fixture_outputs.sh BUILD_DIR OUT_DIR
# Runs info, envelope (CSV and WAV, notch auto and off), onsets (every
# method) and hinge (JSON, CSV, HTML, with and without MVC trials) on the
# demo set and every synthetic set, and regenerates two synthetic sets.
# stdout, stderr and the exit status of each command are kept beside its
# files. Paths are relative (the fixtures are reached through a link in
# OUT_DIR), so the outputs do not depend on where the folders are.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${1:?usage: fixture_outputs.sh BUILD_DIR OUT_DIR}" && pwd)
out=${2:?usage: fixture_outputs.sh BUILD_DIR OUT_DIR}
analyse="$build/tools/backline-analyse"
synth="$build/tools/backline-synth"
[ -x "$analyse" ] || { echo "fixture_outputs: $analyse is not built" >&2; exit 1; }
mkdir -p "$out"
cd "$out" || exit 1
rm -rf ./*
ln -s "$root/fixtures" fx

# run NAME CMD...: stdout, stderr and status into NAME.{out,err,status}.
run() {
  local name=$1; shift
  "$@" > "$name.out" 2> "$name.err"
  echo $? > "$name.status"
}

sets=(demo)
for d in "$root"/fixtures/synth/*/; do sets+=("synth/$(basename "$d")"); done

for s in "${sets[@]}"; do
  tag=${s//\//_}
  session="fx/$s/session.wav"
  run "$tag.info" "$analyse" info "$session"
  run "$tag.env_auto" "$analyse" envelope "$session" -o "$tag.env_auto.csv"
  run "$tag.env_off" "$analyse" envelope "$session" --notch off -o "$tag.env_off.wav"
  for m in baseline double tkeo; do
    run "$tag.onsets_$m" "$analyse" onsets "$session" --method "$m" --json "$tag.onsets_$m.json"
  done
  mvc=()
  for f in "$root/fixtures/$s"/mvc_*.wav; do
    [ -e "$f" ] && mvc+=(--mvc "fx/$s/$(basename "$f")")
  done
  run "$tag.hinge_mvc" "$analyse" hinge "$session" "${mvc[@]}" \
    --json "$tag.hinge_mvc.json" --csv "$tag.hinge_mvc.csv" --html "$tag.hinge_mvc.html"
  run "$tag.hinge_peak" "$analyse" hinge "$session" --json "$tag.hinge_peak.json"
done

# Settings away from the defaults, so their descriptions are compared too.
run demo.env_60 "$analyse" envelope fx/demo/session.wav --notch 60 --bandpass 30:400 --order 2 \
  --lowpass 4 -o demo.env_60.csv
run demo.onsets_given "$analyse" onsets fx/demo/session.wav --baseline 0:1 --k 5 --backtrack-k off \
  --json demo.onsets_given.json
run demo.hinge_chain "$analyse" hinge fx/demo/session.wav --chain ST=external,BF=internal \
  --json demo.hinge_chain.json

# The generator: two sets regenerated (the committed ones were made the same way).
if [ -x "$synth" ]; then
  run synth_internal "$synth" hinge -o synth_internal --seed 11 --map L.ST,L.BF,L.ES,L.EO \
    --pattern internal --reps 3 --noise low --mains 50 --format pcm16 --mvc-hold 2 --mains-uv 60
  run synth_rate48k "$synth" hinge -o synth_rate48k --seed 16 --map L.BF --pattern external --reps 1 \
    --noise none --mains 50 --format pcm24 --rate 48000 --lead 0.5 --tail 0.5 --no-mvc
fi
rm fx
echo "fixture_outputs: $(find . -type f | wc -l) files in $out"
