"""Recordings: loading a file as backline-analyse loads it (tools/common/
tool.c: the library's warnings, NaN refused, the map resolved, one unit for
all EMG channels, gains applied), and the Recording object around the
library's bl_recording."""
import os
import warnings

import numpy as np

from ._errors import MapError, BacklineError
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._status import check, error

# The content= value of the WAVs `backline-analyse envelope` writes
# (TOOL_ENVELOPE_CONTENT in tools/common/tool.h): already enveloped, gains
# applied, so not raw EMG.
_ENVELOPE_CONTENT = "linear envelope"


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


def _load_status(path, rate):
    why = why_buffer()
    out = ffi.new("bl_recording **")
    if rate:
        st = lib.bl_recording_load_at(path.encode(), float(rate), out, why, WHY_LEN)
    else:
        st = lib.bl_recording_load(path.encode(), out, why, WHY_LEN)
    check(st, why, path)
    return out[0]


def set_map(ptr, path, map_text):
    """map_text wins over the stored map (as --map does)."""
    why = why_buffer()
    m = ffi.new("bl_chanmap **")
    st = lib.bl_chanmap_parse(map_text.encode(), m, why, WHY_LEN)
    check(st, why)
    try:
        st = lib.bl_recording_set_chanmap(ptr, m[0], why, WHY_LEN)
        if st != lib.BL_OK:
            raise error(st, "%s: %s" % (path, text(why)))
    finally:
        lib.bl_chanmap_destroy(m[0])


def _generic_map(ptr, path):
    n = int(lib.bl_recording_channels(ptr))
    why = why_buffer()
    st = lib.bl_recording_set_map(ptr, ",".join(["EMG"] * n).encode(), why, WHY_LEN)
    if st != lib.BL_OK:
        raise error(st, "%s: %s" % (path, text(why)))


def prepare(ptr, path, map_text=None, fallback=None, generic=False, need_map=True, raw=True):
    """What tool.c's check_loaded does to every recording before analysis:
    the stored metadata's warnings, no envelope taken for raw EMG, no NaN,
    the map (map_text, else the stored one, else `fallback`, else generic
    EMG when asked, else an error when need_map), one unit for all EMG
    channels."""
    for i in range(int(lib.bl_recording_warning_count(ptr))):
        warnings.warn("%s: %s" % (path, text(lib.bl_recording_warning(ptr, i))), stacklevel=3)
    content = lib.bl_recording_meta(ptr, b"content")
    if raw and content != ffi.NULL and text(content) == _ENVELOPE_CONTENT:
        raise BacklineError("%s: this is a linear envelope (content=%s, written by backline-analyse envelope), "
                            "not raw EMG: give the recording it was made from" % (path, _ENVELOPE_CONTENT))
    ch, fr = ffi.new("size_t *"), ffi.new("size_t *")
    st = lib.bl_recording_check_finite(ptr, ch, fr)
    if st != lib.BL_OK:
        raise error(st, "%s: non-finite sample (NaN or infinity) in channel %d at frame %d (%.6f s)"
                    % (path, ch[0] + 1, fr[0], fr[0] / lib.bl_recording_rate(ptr)))
    if map_text is not None:
        set_map(ptr, path, map_text)
    elif lib.bl_recording_chanmap(ptr) != ffi.NULL:
        pass
    elif fallback is not None and fallback != ffi.NULL:
        why = why_buffer()
        st = lib.bl_recording_set_chanmap(ptr, fallback, why, WHY_LEN)
        if st != lib.BL_OK:
            raise error(st, "%s: %s" % (path, text(why)))
    elif generic:
        _generic_map(ptr, path)
    elif need_map:
        raise MapError("%s: no channel map: give map= (e.g. map=\"L.ST,L.BF\") or record with "
                       "backline-capture --map" % path, int(lib.BL_EMAP))
    why = why_buffer()
    st = lib.bl_recording_check_units(ptr, why, WHY_LEN)
    if st != lib.BL_OK:
        raise error(st, "%s: %s" % (path, text(why)))


def open_recording(path, map=None, rate=None, fallback=None, generic=False, need_map=True, raw=True):
    """A file loaded as the CLI loads it (at `rate` when given: an
    audio-rate file decimated while read), in µV where it carries gains."""
    path = os.fspath(path)
    ptr = _load_status(path, rate)
    rec = Recording(ptr, path)
    prepare(rec._ptr, path, map, fallback, generic, need_map, raw)
    lib.bl_recording_to_microvolts(rec._ptr)
    return rec


def load(path, map=None, rate=None):
    """Load any file libsndfile reads. `map` ("L.ST,L.BF,...") overrides the
    map stored in the file; without either the channels are unnamed EMG.
    `rate` (Hz): load at that analysis rate, decimating an audio-rate file
    while it is read, as backline-analyse does (None: the file's own rate).
    Amplitudes are converted to µV where the file carries gains."""
    return open_recording(path, map, rate, need_map=False, raw=False)


def as_recording(rec_or_path, map=None, rate=None, fallback=None, generic=False, need_map=True, raw=True):
    """A Recording given, or a path loaded as the analyses load it. A given
    recording that would get another map (map=, the session's for a trial,
    generic EMG) gets it on a copy: the caller's is not changed."""
    if not isinstance(rec_or_path, Recording):
        return open_recording(rec_or_path, map, rate, fallback, generic, need_map, raw)
    rec = rec_or_path
    unmapped = lib.bl_recording_chanmap(rec._ptr) == ffi.NULL
    if map is not None or (unmapped and ((fallback is not None and fallback != ffi.NULL) or generic)):
        out = ffi.new("bl_recording **")
        n = int(lib.bl_recording_channels(rec._ptr))
        check(lib.bl_recording_select(rec._ptr, ffi.new("size_t[]", list(range(n))), n, out))
        rec = Recording(out[0], rec.path)
    prepare(rec._ptr, rec.path or "(recording)", map, fallback, generic, need_map, raw)
    return rec
