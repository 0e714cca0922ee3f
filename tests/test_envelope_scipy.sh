#!/usr/bin/env bash
# Issue 2 acceptance: `backline-analyse envelope --notch off --ecg off` matches SciPy's
# sosfiltfilt(butter(4,[20,450],'bandpass')) -> abs -> sosfiltfilt(butter(4,6))
# within 1e-3 relative RMS away from the edges (held here to 1e-6), on a generated 2 kHz file
# and on a real 1 kHz recording (Santuz walking, 13 channels). From 48 and 44.1 kHz files
# (issue 10) the peer is resample_poly to 2 kHz then the same pipeline: the decimation
# filters differ, so the contract is 1e-3 relative RMS away from the edges.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${BL_PYTHON:-/usr/bin/python3}
tool="$BL_TOOLS/backline-analyse"
. "$(dirname "$0")/support/paths.sh"
require_tool "$tool"
"$py" -c "import scipy" 2>/dev/null || { echo "FAILED: $py has no scipy (install python3-scipy)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

make_input() { # path seconds
"$py" - "$1" "$2" <<'PY'
import sys
import numpy as np
from scipy.io import wavfile
from scipy.signal import butter, sosfilt
rng = np.random.default_rng(7)
rate, n = 2000, 2000 * int(sys.argv[2])
t = np.arange(n) / rate
noise = sosfilt(butter(4, [30, 300], "bandpass", output="sos", fs=rate), rng.standard_normal((n, 3)), axis=0)
amp = np.stack([0.2 + 0.8 * (np.sin(2 * np.pi * f * t) > 0.3) for f in (0.25, 0.4, 0.15)], axis=1)
x = 0.05 * noise * amp + 0.002 * rng.standard_normal((n, 3))
wavfile.write(sys.argv[1], rate, x.astype(np.float32))
PY
}
make_input "$tmp/in.wav" 20

"$tool" envelope "$tmp/in.wav" --map L.ST,L.BF,L.ES --notch off --ecg off -o "$tmp/out.wav" > "$tmp/stdout"
"$tool" envelope "$tmp/in.wav" --map L.ST,L.BF,L.ES --notch off --ecg off -o "$tmp/out.csv" > /dev/null
grep -q "band-pass:   20-450 Hz, Butterworth order 4" "$tmp/stdout" || { echo "FAILED: summary lacks the filter description" >&2; cat "$tmp/stdout" >&2; exit 1; }

compare() { # ours.wav input.wav edge_s [limit [analysis rate]]
  "$py" - "$@" <<'PY'
import sys
import numpy as np
import os; sys.path.insert(0, os.environ["HERE"])
from scipy.io import wavfile
from scipy_envelope import read_wav, envelope
from scipy_envelope import to_rate
ours_path, in_path, edge_s = sys.argv[1], sys.argv[2], float(sys.argv[3])
limit = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-6
rate, x = read_wav(in_path)
if len(sys.argv) > 5:
    x, rate = to_rate(x, rate, float(sys.argv[5])), float(sys.argv[5])
ref = envelope(x, rate)
_, ours = wavfile.read(ours_path)
ours = ours.reshape(ours.shape[0], -1).astype(np.float64)
assert ours.shape == ref.shape, f"shape {ours.shape} != SciPy {ref.shape}"
e = int(edge_s * rate)
worst = 0.0
for k in range(ref.shape[1]):
    a, b = ours[e:-e, k], ref[e:-e, k]
    rel = np.sqrt(np.mean((a - b) ** 2)) / np.sqrt(np.mean(b ** 2))
    worst = max(worst, rel)
    print(f"  channel {k + 1}: relative RMS difference {rel:.2e}")
# The issue asks for 1e-3; float32 storage gives ~3e-8, so at the file's own
# rate hold it to 1e-6.
print(f"  worst {worst:.2e} (limit {limit:g}; the contract is 1e-3)")
sys.exit(0 if worst < limit else 1)
PY
}
export HERE="$here"
echo "generated 2 kHz, 3 channels:"
compare "$tmp/out.wav" "$tmp/in.wav" 1.0 || { echo "FAILED: envelope differs from SciPy" >&2; exit 1; }

# Longer than 3 minutes, envelope works in 2-minute blocks (bounded
# memory): the blocks' seams must not show.
make_input "$tmp/long.wav" 400
"$tool" envelope "$tmp/long.wav" --map L.ST,L.BF,L.ES --notch off --ecg off -o "$tmp/long_out.wav" > /dev/null
echo "generated 2 kHz, 400 s (three blocks):"
compare "$tmp/long_out.wav" "$tmp/long.wav" 1.0 || { echo "FAILED: block-wise envelope differs from SciPy" >&2; exit 1; }

# CSV and WAV carry the same numbers; the header is the contract.
head -1 "$tmp/out.csv" | grep -qx "time_s,L.ST,L.BF,L.ES" || { echo "FAILED: CSV header $(head -1 "$tmp/out.csv")" >&2; exit 1; }
"$py" - "$tmp/out.csv" "$tmp/out.wav" <<'PY' || { echo "FAILED: CSV and WAV outputs differ" >&2; exit 1; }
import sys
import numpy as np
from scipy.io import wavfile
c = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
_, w = wavfile.read(sys.argv[2])
assert c.shape[0] == w.shape[0], (c.shape, w.shape)
assert np.allclose(c[:, 0], np.arange(w.shape[0]) / 2000.0, atol=1e-6)
assert np.allclose(c[:, 1:], w, rtol=1e-6, atol=1e-12)
PY

for rate in 48000 44100; do
  "$py" - "$tmp/in$rate.wav" "$rate" <<'PY'
import sys
import numpy as np
from scipy.io import wavfile
rng = np.random.default_rng(11)
rate = int(sys.argv[2]); n = rate * 20
t = np.arange(n) / rate
# Broadband noise (up to the file's Nyquist, so there is something to
# alias) in bursts, as sound-card EMG boards deliver it.
amp = np.stack([0.2 + 0.8 * (np.sin(2 * np.pi * f * t) > 0.3) for f in (0.25, 0.4, 0.15)], axis=1)
x = 0.05 * rng.standard_normal((n, 3)) * amp
wavfile.write(sys.argv[1], rate, x.astype(np.float32))
PY
  "$tool" envelope "$tmp/in$rate.wav" --map L.ST,L.BF,L.ES --notch off --ecg off -o "$tmp/out$rate.wav" > "$tmp/stdout$rate"
  grep -q "polyphase FIR" "$tmp/stdout$rate" || { echo "FAILED: $rate Hz summary does not name the decimator" >&2; cat "$tmp/stdout$rate" >&2; exit 1; }
  echo "generated $rate Hz, 3 channels, against resample_poly to 2 kHz:"
  compare "$tmp/out$rate.wav" "$tmp/in$rate.wav" 1.0 1e-3 2000 || { echo "FAILED: $rate Hz envelope differs from SciPy's" >&2; exit 1; }
done

real="$BL_REAL_DATA/santuz-walking/ID0012_TW_01.wav"
if real_present "$real"; then
  map=$("$py" -c "import json,sys; print(','.join(json.load(open(sys.argv[1]))['channels']))" "${real%.wav}.json")
  "$tool" envelope "$real" --map "$map" --rate 1000 --notch off --ecg off -o "$tmp/real.wav" > /dev/null
  echo "Santuz walking, 1 kHz, 13 channels:"
  compare "$tmp/real.wav" "$real" 0.5 || { echo "FAILED: envelope of the real recording differs from SciPy" >&2; exit 1; }
fi
echo "test_envelope_scipy: passed"
