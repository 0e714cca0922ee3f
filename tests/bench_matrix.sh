#!/usr/bin/env bash
# The benchmarks of README's performance section, in one run: 8 channels,
# 2 kHz and 48 kHz, float and 24-bit, --notch off and auto on a file with
# hum, and hinge at 1, 10 and 60 minutes; each against the SciPy peer in
# the same run (build/tests/bench_envelope). About ten minutes.
#   bash tests/bench_matrix.sh [BUILD_DIR]
set -euo pipefail
bench="${1:-build}/tests/bench_envelope"
[ -x "$bench" ] || { echo "bench_matrix: $bench is not built" >&2; exit 1; }
echo "== 2 kHz float, 10 min, hum; hinge"; "$bench" --rate 2000 --format float --hum --hinge --repeats 5
echo "== 2 kHz 24-bit, 10 min"; "$bench" --rate 2000 --format pcm24 --repeats 5
echo "== 48 kHz float, 10 min, hum"; "$bench" --rate 48000 --format float --hum --repeats 3
echo "== 48 kHz 24-bit, 10 min"; "$bench" --rate 48000 --format pcm24 --repeats 3
echo "== hinge at 1 min"; "$bench" --rate 2000 --minutes 1 --hum --hinge --repeats 5
echo "== hinge at 60 min"; "$bench" --rate 2000 --minutes 60 --hum --hinge --repeats 1
