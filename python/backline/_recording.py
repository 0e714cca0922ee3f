"""The Recording object around the library's bl_recording, and the
helpers that read channels, names and samples out of one."""
import os

import numpy as np

from ._errors import InvalidArgumentError
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._status import check

class Recording:
    """A recording in memory: `data` is float32, channels × frames (one row
    per channel, the library's planar layout), in µV when the file carries
    amplifier gains (`unit` "uV"), else in full-scale units ("full scale").
    `channels` are the map's names ("L.ST"; "EMG" for each channel of a
    file without a map), `rate` the sample rate in Hz, `markers` a list of
    (time_s, label) from the first frame."""

    def __init__(self, ptr, path=None):
        self._ptr = ffi.gc(ptr, lib.bl_recording_destroy)
        self.path = path
        self._data = None

    @property
    def rate(self):
        return float(lib.bl_recording_rate(self._ptr))

    @property
    def source_rate(self):
        """The rate of the file the samples came from (before decimation)."""
        return float(lib.bl_recording_source_rate(self._ptr))

    @property
    def frames(self):
        return int(lib.bl_recording_frames(self._ptr))

    @property
    def duration(self):
        return float(lib.bl_recording_duration(self._ptr))

    @property
    def map(self):
        """The canonical map text ("L.ST,L.BF"), None without a map."""
        p = lib.bl_recording_map(self._ptr)
        return text(p) if p != ffi.NULL else None

    @property
    def channels(self):
        n = int(lib.bl_recording_channels(self._ptr))
        m = lib.bl_recording_chanmap(self._ptr)
        if m == ffi.NULL:
            return ["EMG"] * n
        return [entry_name(m, c) for c in range(n)]

    @property
    def unit(self):
        return text(lib.bl_recording_unit(self._ptr))

    @property
    def gains(self):
        return [float(lib.bl_recording_gain(self._ptr, c)) for c in range(int(lib.bl_recording_channels(self._ptr)))]

    @property
    def markers(self):
        out = []
        m = ffi.new("bl_marker *")
        for i in range(int(lib.bl_recording_marker_count(self._ptr))):
            check(lib.bl_recording_get_marker(self._ptr, i, m))
            out.append((float(m.time_s), text(m.label)))
        return out

    @property
    def meta(self):
        """The free-form metadata keys (device, start_time, software...)."""
        keys = [text(lib.bl_recording_meta_key(self._ptr, i)) for i in range(int(lib.bl_recording_meta_count(self._ptr)))]
        return {k: text(lib.bl_recording_meta(self._ptr, k.encode())) for k in keys}

    @property
    def data(self):
        if self._data is None:
            self._data = planar(self._ptr, range(int(lib.bl_recording_channels(self._ptr))), self.frames)
        return self._data

    @classmethod
    def from_array(cls, data, rate, map=None, gains=None, full_scale=None):
        """A recording of `data` (channels × frames, any real dtype: stored
        as float32) at `rate` Hz, e.g. samples from another reader. `map`
        names the channels ("L.ST,L.BF"); `gains` (one per channel, 0 for
        unknown) with `full_scale` (volts) make the samples convertible to
        µV as a file's would be (bl_recording_to_microvolts, applied here);
        without gains the samples stay in full-scale units."""
        arr = np.ascontiguousarray(np.asarray(data, dtype=np.float32))
        if arr.ndim == 1:
            arr = arr[np.newaxis, :]
        if arr.ndim != 2:
            raise InvalidArgumentError("data: expected channels x frames, got %d dimensions" % arr.ndim)
        out = ffi.new("bl_recording **")
        check(lib.bl_recording_create(arr.shape[0], arr.shape[1], float(rate), out))
        rec = cls(out[0])
        for c in range(arr.shape[0]):
            ffi.memmove(lib.bl_recording_data(rec._ptr, c), arr[c].tobytes(), arr.shape[1] * 4)
        if map is not None:
            why = why_buffer()
            check(lib.bl_recording_set_map(rec._ptr, map.encode(), why, WHY_LEN), why)
        if full_scale is not None:
            check(lib.bl_recording_set_full_scale(rec._ptr, float(full_scale)))
        if gains is not None:
            if len(gains) != arr.shape[0]:
                raise InvalidArgumentError("gains: %d values for %d channels" % (len(gains), arr.shape[0]))
            for c, g in enumerate(gains):
                check(lib.bl_recording_set_gain(rec._ptr, c, float(g)))
            # The reports say where the µV came from (not from a file).
            check(lib.bl_recording_set_meta(rec._ptr, b"calibration", b"gains given to Recording.from_array"))
            why = why_buffer()
            check(lib.bl_recording_check_units(rec._ptr, why, WHY_LEN), why)
            check(lib.bl_recording_to_microvolts(rec._ptr))
        return rec

    def dataframe(self):
        """time_s and one column per channel (pandas)."""
        from ._tables import frame
        cols = {"time_s": np.arange(self.frames) / self.rate}
        for name, row in zip(unique_names(self.channels), self.data):
            cols[name] = row
        return frame(cols)

    def __repr__(self):
        return "<backline.Recording %s: %d channels (%s), %d frames at %g Hz, %s>" % (
            self.path or "(memory)", len(self.channels), self.map or "no map", self.frames, self.rate, self.unit)


def entry_name(chanmap, c):
    buf = ffi.new("char[]", 32)
    check(lib.bl_chanmap_get_entry_name(chanmap, c, buf, 32))
    return text(buf)


def channel_names(ptr, idx):
    """Names of channels idx of a bl_recording as the CLI's outputs head
    them (tool_emg_view_init): the map's, "chN" without a map."""
    m = lib.bl_recording_chanmap(ptr)
    return [entry_name(m, c) if m != ffi.NULL else "ch%d" % (c + 1) for c in idx]


def name_of(x):
    """How a report names an input: its path ("(recording)" for one made in memory)."""
    return (x.path or "(recording)") if isinstance(x, Recording) else os.fspath(x)


def unique_names(names):
    """Column names for a table: a repeated name gets #2, #3..."""
    seen, out = {}, []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else "%s#%d" % (n, seen[n]))
    return out


def planar(ptr, channels, frames, first=0):
    """Channels of a bl_recording as one float32 array (len(channels) × frames)."""
    channels = list(channels)
    out = np.empty((len(channels), frames), dtype=np.float32)
    for k, c in enumerate(channels):
        src = lib.bl_recording_cdata(ptr, c)
        out[k] = np.frombuffer(ffi.buffer(src + first, frames * 4), dtype=np.float32)
    return out


def emg_channels(ptr):
    """Indices of the channels that are not AUX (what the tools analyse)."""
    m = lib.bl_recording_chanmap(ptr)
    n = int(lib.bl_recording_channels(ptr))
    return [c for c in range(n) if m == ffi.NULL or lib.bl_chanmap_muscle(m, c) != lib.BL_MUSCLE_AUX]
