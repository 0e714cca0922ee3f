"""Loading a file as backline-analyse loads it (tools/common/tool.c's
load and check_loaded): the library's warnings on the stored metadata,
no envelope taken for raw EMG, NaN refused, the map resolved (given,
stored, the session's for a trial, generic EMG), one unit for all EMG
channels, gains applied."""
import os
import warnings

from ._errors import BacklineError, InvalidArgumentError, MapError
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._recording import Recording
from ._status import check, error

# The content= value of the WAVs `backline-analyse envelope` writes
# (TOOL_ENVELOPE_CONTENT in tools/common/tool.h): already enveloped, gains
# applied, so not raw EMG.
_ENVELOPE_CONTENT = "linear envelope"


def _load_status(path, rate):
    why = why_buffer()
    out = ffi.new("bl_recording **")
    if rate:
        st = lib.bl_recording_load_at(os.fsencode(path), float(rate), out, why, WHY_LEN)
    else:
        st = lib.bl_recording_load(os.fsencode(path), out, why, WHY_LEN)
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


# uV per unit of unit= (as backline-analyse --unit, tools/common/calibration_args.c).
_UNITS = {"uV": 1.0, "mV": 1e3, "V": 1e6}


def _calibrate(ptr, path, scale, unit):
    """backline-analyse --scale/--unit: gains for a file that carries none
    (one uV-per-unit value, or one per channel), noted as the recording's
    "calibration" so the reports say where the µV came from."""
    if scale is not None and unit is not None:
        raise InvalidArgumentError("give scale= or unit=, not both (unit=\"mV\" is scale=1000)")
    if unit is not None:
        if unit not in _UNITS:
            raise InvalidArgumentError("unit=%r: expected uV, mV or V" % (unit,))
        values, said = [_UNITS[unit]], "unit=%s given to backline.load" % unit
    else:
        values = [float(v) for v in (scale if isinstance(scale, (list, tuple)) else [scale])]
        if not values or not all(v > 0 and v != float("inf") for v in values):
            raise InvalidArgumentError("scale=%r: expected uV per unit, one positive number or one per channel"
                                       % (scale,))
        said = "scale= given to backline.load (uV per unit)"
    n = int(lib.bl_recording_channels(ptr))
    for c in range(n):
        if lib.bl_recording_gain(ptr, c) > 0 or lib.bl_recording_channel_in_uv(ptr, c):
            raise BacklineError("%s: the file carries its own calibration (channel %d: a stored gain); %s is for "
                                "files that carry none: drop it" % (path, c + 1, "unit=" if unit else "scale="))
    if len(values) > 1 and len(values) != n:
        raise InvalidArgumentError("scale=: %d values for the %d channels of %s (give one for all, or one per "
                                   "channel)" % (len(values), n, path))
    fs = lib.bl_recording_full_scale(ptr)
    for c in range(n):
        # uV = sample x fs / gain x 1e6: K uV per unit is gain fs x 1e6 / K.
        check(lib.bl_recording_set_gain(ptr, c, fs * 1e6 / values[c if len(values) > 1 else 0]))
    check(lib.bl_recording_set_meta(ptr, b"calibration", said.encode()))


def open_recording(path, map=None, rate=None, fallback=None, generic=False, need_map=True, raw=True, scale=None,
                   unit=None):
    """A file loaded as the CLI loads it (at `rate` when given: an
    audio-rate file decimated while read), in µV where it carries gains
    (or scale=/unit= give them)."""
    path = os.fspath(path)
    ptr = _load_status(path, rate)
    rec = Recording(ptr, path)
    if scale is not None or unit is not None:
        _calibrate(rec._ptr, path, scale, unit)
    prepare(rec._ptr, path, map, fallback, generic, need_map, raw)
    lib.bl_recording_to_microvolts(rec._ptr)
    return rec


def load(path, map=None, rate=None, scale=None, unit=None):
    """Load any file libsndfile reads. `map` ("L.ST,L.BF,...") overrides the
    map stored in the file; without either the channels are unnamed EMG.
    `rate` (Hz): load at that analysis rate, decimating an audio-rate file
    while it is read, as backline-analyse does (None: the file's own rate).
    Amplitudes are converted to µV where the file carries gains; for a file
    that carries none, `unit` ("uV", "mV" or "V") or `scale` (uV per unit:
    one number, or a list with one per channel) gives them, as the CLI's
    --unit/--scale (a file with its own calibration refuses them). Pass the
    Recording to the analyses."""
    return open_recording(path, map, rate, need_map=False, raw=False, scale=scale, unit=unit)


# The CLI's limit on --mvc trials (MAX_MVC in tools/analyse/cmd_hinge.c and cmd_gait.c).
_MAX_MVC = 32


def mvc_list(mvc):
    """mvc= as a list of trials (one path or Recording, or several), at most
    as many as the CLI takes."""
    if isinstance(mvc, (str, os.PathLike, Recording)):
        mvc = [mvc]
    mvc = list(mvc)
    if len(mvc) > _MAX_MVC:
        raise InvalidArgumentError("--mvc: at most %d trials" % _MAX_MVC)
    return mvc


def load_trials(mvc, map, rate_hz, session):
    """The MVC trials as the CLI loads them: map=, their own, else the
    session's; and the C array the analyses take (NULL for none)."""
    trials = [as_recording(t, map, rate_hz, fallback=lib.bl_recording_chanmap(session._ptr)) for t in mvc]
    return trials, (ffi.new("bl_recording *[]", [t._ptr for t in trials]) if trials else ffi.NULL)


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
