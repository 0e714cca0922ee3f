#!/usr/bin/python3
"""Helpers for tests/test_capture.sh: make the raw source an ALSA `file`
PCM plays into the capture, and compare a captured WAV with it.

  blsource.py gen OUT.raw FRAMES CHANNELS SEED
      FLOAT_LE interleaved samples k/32768 with k seeded-random in
      [-30000, 30000]: exact in float32 and in 24-bit, and below the
      clipping level so no warnings clutter the logs.
  blsource.py compare FILE.wav SOURCE.raw CHANNELS EXPECT_FRAMES
      Parse the WAV's RIFF chunks (float32 or PCM 24-bit) ourselves, or
      decode a FLAC through libsndfile (ctypes); check the frame count
      (EXPECT_FRAMES; 'any' for at least one frame; 'atleast:N' for at
      least N frames, of which only the first N are compared) and that the
      frames equal the source from its first frame, sample for sample.
      Prints one line; exit 1 on any difference.
  blsource.py feed FIFO SOURCE.raw BYTES HOLD_SECONDS
      Feed the first BYTES of the source into a FIFO used as the `infile`,
      then keep the FIFO open without writing for HOLD_SECONDS: the device
      delivers that much and then hangs, like an interface that stops
      (PortAudio opens the device several times while enumerating; each
      reader that goes away without reading makes us start over).
  blsource.py raw IN.wav OUT.raw
      A WAV (float32, PCM 16 or 24-bit) as the raw FLOAT_LE interleaved
      frames the ALSA file device plays (exact: float32 holds them all).
  blsource.py pace FIFO SOURCE.raw RATE CHANNELS CHUNK [MARKER_FIFO MARKS]
      Feed the source into a FIFO at real time, CHUNK frames a write, so a
      capture from the device sees the frames as a board would deliver
      them. Each write is one atomic pipe write of whole chunks: the file
      plugin then never reads a short chunk (which it would pad with stale
      bytes), as long as its reads are a divisor of CHUNK frames (17 frames
      here; test_capture checks every frame against the source). MARKS
      "FRAME:KEY,..." writes KEY (a character; "space" for ' ') into
      MARKER_FIFO once the frames before FRAME have been written, then
      waits 50 ms (a late pacer goes on at real time, never catching up in
      a burst, so a key is read within a few blocks of its frame). Starts
      over when the reader goes away before the first second (PortAudio
      opens the device more than once); ends when the reader goes away
      later or the source is done (then holds the FIFO open 2 s).
"""
import errno
import os
import signal
import time
import ctypes
import ctypes.util
import struct
import sys

import numpy as np


def gen(out, frames, channels, seed):
    rng = np.random.default_rng(seed)
    k = rng.integers(-30000, 30001, size=frames * channels)
    (k.astype(np.float32) / np.float32(32768)).astype('<f4').tofile(out)


def read_wav(path):
    data = open(path, 'rb').read()
    if data[:4] != b'RIFF' or data[8:12] != b'WAVE':
        sys.exit(f'{path}: not a RIFF/WAVE file')
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack('<I', data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b'fmt ':
            tag, channels, rate = struct.unpack('<HHI', body[:8])
            bits = struct.unpack('<H', body[14:16])[0]
            if tag == 0xFFFE:
                tag = struct.unpack('<H', body[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b'data':
            if len(body) < size:
                sys.exit(f'{path}: data chunk declares {size} bytes, file holds {len(body)}')
            samples = body
        pos += 8 + size + (size & 1)
    if fmt is None or samples is None:
        sys.exit(f'{path}: no fmt or data chunk')
    tag, channels, rate, bits = fmt
    if tag == 3 and bits == 32:
        x = np.frombuffer(samples, '<f4').astype(np.float64)
    elif tag == 1 and bits == 16:
        x = np.frombuffer(samples, '<i2').astype(np.float64) / 32768.0
    elif tag == 1 and bits == 24:
        b = np.frombuffer(samples, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        x = v / float(1 << 23)
    else:
        sys.exit(f'{path}: unexpected WAV format tag {tag}, {bits} bits')
    return x.reshape(-1, channels), rate


class SfInfo(ctypes.Structure):
    _fields_ = [('frames', ctypes.c_int64), ('samplerate', ctypes.c_int),
                ('channels', ctypes.c_int), ('format', ctypes.c_int),
                ('sections', ctypes.c_int), ('seekable', ctypes.c_int)]


def read_sndfile(path):
    """Decode through libsndfile: floats normalised like backline reads."""
    name = ctypes.util.find_library('sndfile') or 'libsndfile.so.1'
    lib = ctypes.CDLL(name)
    lib.sf_open.restype = ctypes.c_void_p
    lib.sf_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(SfInfo)]
    lib.sf_readf_float.restype = ctypes.c_int64
    lib.sf_readf_float.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    lib.sf_close.argtypes = [ctypes.c_void_p]
    info = SfInfo()
    sf = lib.sf_open(path.encode(), 0x10, ctypes.byref(info))  # SFM_READ
    if not sf:
        sys.exit(f'{path}: libsndfile cannot open it')
    out = np.zeros((info.frames, info.channels), np.float32)
    n = lib.sf_readf_float(sf, out.ctypes.data, info.frames)
    lib.sf_close(sf)
    if n != info.frames:
        sys.exit(f'{path}: read {n} of {info.frames} frames')
    return out.astype(np.float64), info.samplerate


def compare(path, source, channels, expect):
    got, rate = read_wav(path) if path.lower().endswith('.wav') else read_sndfile(path)
    src = np.fromfile(source, '<f4').astype(np.float64).reshape(-1, channels)
    if got.shape[1] != channels:
        sys.exit(f'{path}: {got.shape[1]} channels, expected {channels}')
    n = got.shape[0]
    m = min(n, src.shape[0])
    if expect.startswith('atleast:'):
        want = int(expect[8:])
        if n < want:
            sys.exit(f'{path}: {n} frames, expected at least {want}')
        m = min(m, want)
    elif expect != 'any' and n != int(expect):
        sys.exit(f'{path}: {n} frames, expected {expect}')
    if n == 0:
        sys.exit(f'{path}: no frames')
    diff = np.nonzero(np.any(got[:m] != src[:m], axis=1))[0]
    if diff.size:
        first = int(diff[0])
        # Where in the source does the capture start? Helps tell a late
        # start from corrupted data.
        hits = np.nonzero(np.all(src == got[0], axis=1))[0]
        where = f'source frame {int(hits[0])}' if hits.size else 'nowhere in the source'
        sys.exit(f'{path}: {diff.size} of {m} frames differ from the source, first at frame '
                 f'{first} (file {got[first].tolist()} vs source {src[first].tolist()}); '
                 f'the file starts at {where}')
    print(f'{path}: {n} frames at {rate} Hz x {channels} equal the source sample for sample '
          f'(compared {m})')


def feed(fifo, source, nbytes, hold):
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    data = open(source, 'rb').read(nbytes)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fd = os.open(fifo, os.O_WRONLY)  # blocks until a reader opens
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            os.close(fd)
            continue
        time.sleep(hold)
        os.close(fd)
        return
    sys.exit('feed: no reader took the data')


def raw(inp, out):
    x, _ = read_wav(inp)
    x.astype('<f4').tofile(out)


def pace(fifo, source, rate, channels, chunk, marker_fifo=None, marks=''):
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    data = open(source, 'rb').read()
    frame_bytes = 4 * channels
    todo = []
    for item in filter(None, marks.split(',')):
        f, k = item.split(':')
        todo.append((int(f), ' ' if k == 'space' else k))
    todo.sort()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fd = os.open(fifo, os.O_WRONLY)  # blocks until a reader opens
        start = time.monotonic()
        sent, pending, mfd = 0, list(todo), None
        try:
            while sent * frame_bytes < len(data):
                n = min(chunk, len(data) // frame_bytes - sent)
                wait = start + (sent + n) / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                elif wait < -0.02:
                    start -= wait  # late (a busy machine): go on at real time, never in a burst
                os.write(fd, data[sent * frame_bytes:(sent + n) * frame_bytes])
                sent += n
                while pending and pending[0][0] <= sent:
                    while mfd is None:
                        try:
                            mfd = os.open(marker_fifo, os.O_WRONLY | os.O_NONBLOCK)
                        except OSError:
                            time.sleep(0.005)  # no reader yet
                    os.write(mfd, pending.pop(0)[1].encode())
                    # Let the capture read the key before more frames come.
                    time.sleep(0.05)
                    start += 0.05
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            os.close(fd)
            if time.monotonic() - start < 1.0:
                continue  # an enumerating open: start over
            return
        time.sleep(2)
        os.close(fd)
        return
    sys.exit('pace: no reader took the data')


if __name__ == '__main__':
    if len(sys.argv) == 6 and sys.argv[1] == 'gen':
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) == 6 and sys.argv[1] == 'feed':
        feed(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) == 4 and sys.argv[1] == 'raw':
        raw(sys.argv[2], sys.argv[3])
    elif len(sys.argv) in (7, 9) and sys.argv[1] == 'pace':
        pace(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]),
             *(sys.argv[7:9]))
    elif len(sys.argv) == 6 and sys.argv[1] == 'compare':
        compare(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
