#!/usr/bin/python3
"""The SciPy peer of `backline-analyse envelope --notch off`, file to file.

    scipy_envelope.py IN.wav OUT.(wav|csv|npy) [--bandpass LO:HI] [--order N] [--lowpass HZ] [--rate HZ]
                      [--notch HZ]

sosfiltfilt(butter(N, [LO, HI], 'bandpass', output='sos', fs)) -> abs ->
sosfiltfilt(butter(4, LP, output='sos', fs)) on every channel, at the file's
own rate, or with --rate after resample_poly(x, up, down) to that rate (the
peer of backline's decimation from audio rates); with --notch, first
iirnotch(f, Q=30) at HZ and every harmonic below the band's upper corner,
each applied with filtfilt (the peer of `--notch 50|60|auto` on a file with
hum: a SciPy user who knows the mains frequency). Integer PCM is scaled to [-1, 1) as libsndfile
does. Used by the envelope tests (reference) and the benchmark (peer).
Run with Debian's /usr/bin/python3 (python3-scipy).
"""
import sys
import warnings

import numpy as np
from scipy.io import wavfile
from scipy.signal import butter, filtfilt, iirnotch, resample_poly, sosfiltfilt


def read_wav(path):
    with warnings.catch_warnings():
        # backline stores its metadata in a LIST chunk SciPy does not parse.
        warnings.simplefilter("ignore", wavfile.WavFileWarning)
        rate, x = wavfile.read(path)
    if x.ndim == 1:
        x = x[:, None]
    if x.dtype == np.int16:
        x = x.astype(np.float64) / 32768.0
    elif x.dtype == np.int32:
        x = x.astype(np.float64) / 2147483648.0
    else:
        x = x.astype(np.float64)
    return rate, x


def to_rate(x, rate, out_rate):
    """resample_poly to out_rate (SciPy's own Kaiser FIR), as a user would."""
    if out_rate == rate:
        return x
    g = np.gcd(int(rate), int(out_rate))
    return resample_poly(x, int(out_rate) // g, int(rate) // g, axis=0)


def notch(x, rate, mains, hi):
    """Mains and its harmonics below hi, as a SciPy user would remove them."""
    f = mains
    while f < hi:
        b, a = iirnotch(f, 30.0, fs=rate)
        x = filtfilt(b, a, x, axis=0)
        f += mains
    return x


def envelope(x, rate, lo=20.0, hi=450.0, order=4, lp=6.0):
    bp = butter(order, [lo, hi], btype="bandpass", output="sos", fs=rate)
    low = butter(4, lp, output="sos", fs=rate)
    y = sosfiltfilt(bp, x, axis=0)
    return sosfiltfilt(low, np.abs(y), axis=0)


def main(argv):
    opts = {"--bandpass": "20:450", "--order": "4", "--lowpass": "6", "--rate": "", "--notch": ""}
    pos = []
    i = 1
    while i < len(argv):
        if argv[i] in opts:
            opts[argv[i]] = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    src, dst = pos
    lo, hi = (float(v) for v in opts["--bandpass"].split(":"))
    rate, x = read_wav(src)
    if opts["--rate"]:
        x = to_rate(x, rate, float(opts["--rate"]))
        rate = float(opts["--rate"])
    if opts["--notch"]:
        x = notch(x, rate, float(opts["--notch"]), hi)
    env = envelope(x, rate, lo, hi, int(opts["--order"]), float(opts["--lowpass"]))
    if dst.endswith(".npy"):
        np.save(dst, env)
    elif dst.endswith(".csv"):
        t = np.arange(env.shape[0]) / rate
        header = "time_s," + ",".join(f"ch{k + 1}" for k in range(env.shape[1]))
        np.savetxt(dst, np.column_stack([t, env]), delimiter=",", header=header, comments="", fmt="%.7g")
    else:
        wavfile.write(dst, int(rate), env.astype(np.float32))


if __name__ == "__main__":
    main(sys.argv)
