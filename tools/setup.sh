#!/usr/bin/env bash
# Quick start, step one: install what the build needs (Debian 12, as root),
# build backline, and run the main job on a bundled recording: the
# torque-chain analysis of a synthetic 5-repetition hip-hinge set with its
# MVC trials (fixtures/demo, made by backline-synth).
#   bash tools/setup.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

# The first column of the dependency list (tools/debian-packages.txt).
mapfile -t pkgs < <(sed -e 's/#.*//' tools/debian-packages.txt | awk 'NF { print $1 }')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages (${missing[*]}); run as root or install them" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBACKLINE_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
echo "setup: built $("$build"/tools/backline-analyse --version)"
echo
"$build"/tools/backline-analyse info fixtures/demo/session.wav
echo
mvc=()
for f in fixtures/demo/mvc_*.wav; do mvc+=(--mvc "$f"); done
"$build"/tools/backline-analyse hinge fixtures/demo/session.wav "${mvc[@]}" \
  --json "$build"/demo_hinge.json --csv "$build"/demo_hinge.csv --html "$build"/demo_hinge.html
echo
echo "setup: reports in $build/demo_hinge.{json,csv,html}; envelopes: $build/tools/backline-analyse envelope FILE -o OUT.csv"
