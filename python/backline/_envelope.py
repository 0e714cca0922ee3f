"""envelope(): `backline-analyse envelope` (tools/analyse/cmd_envelope.c)
from Python: the same calls (bl_spool_load_at at the analysis rate, then
bl_envelope_spool block by block), so the same float32 numbers."""
import os

import numpy as np

from ._config import conditioning_error, describe, envelope_config
from ._errors import BacklineError
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._load import as_recording, prepare
from ._recording import Recording, channel_names, emg_channels, planar, unique_names
from ._status import check, error


def _report_dict(rep):
    return {name: getattr(rep, name) for name, _ in ffi.typeof("bl_condition_report").fields}


class Envelope:
    """Linear envelopes of the EMG channels (AUX left out, as the CLI's
    output): `data` float32, channels × frames at `rate` Hz, in `unit`;
    `report` what conditioning did (bl_condition_report's fields),
    `parameters` the library's description of it (bl_condition_describe:
    what the CLI's reports carry)."""

    def __init__(self, data, rate, channels, unit, report, parameters):
        self.data, self.rate, self.channels, self.unit = data, rate, channels, unit
        self.report, self.parameters = report, parameters

    @property
    def times(self):
        """Seconds from the first frame, the CSV's time_s column."""
        return np.arange(self.data.shape[1]) / self.rate

    def dataframe(self):
        """The CSV's table: time_s, then one column per channel."""
        from ._tables import frame
        cols = {"time_s": self.times}
        for name, row in zip(unique_names(self.channels), self.data):
            cols[name] = row
        return frame(cols)

    def __repr__(self):
        return "<backline.Envelope %d channels × %d frames at %g Hz, %s>" % (
            self.data.shape[0], self.data.shape[1], self.rate, self.unit)


def _spool(path, map_text, rate_hz):
    """tool_spool_at: spooled at the analysis rate, checked as loaded."""
    why = why_buffer()
    out = ffi.new("bl_spool **")
    check(lib.bl_spool_load_at(os.fsencode(path), rate_hz, ffi.NULL, ffi.NULL, out, why, WHY_LEN), why, path)
    spool = ffi.gc(out[0], lib.bl_spool_destroy)
    prepare(lib.bl_spool_info(spool), path, map_text)
    lib.bl_spool_to_microvolts(spool)
    return spool


def _describe(cfg, rep, unit):
    return describe(lambda d: check(lib.bl_condition_describe(cfg, rep, unit.encode(), 1, d, ffi.NULL)))


def envelope(rec_or_path, map=None, rate=None, bandpass=None, order=None, notch=None, ecg=None, lowpass=None,
             threads=None):
    """Linear envelopes, as `backline-analyse envelope FILE` with the same
    options (None: the library's default, bl_envelope_config_default:
    2000 Hz, 20-450 Hz order 4, notch auto, ECG auto, 6 Hz low-pass).
    bandpass=(LO, HI) in Hz, notch "auto"|"off"|50|60, ecg
    "auto"|"remove"|"off". A path is read as the CLI reads it (decimated
    to the analysis rate while read, in blocks): the result is the CLI's
    float32 output to the bit. A Recording (backline.load) is enveloped
    whole (bl_envelope_recording): the same numbers when it was loaded at
    the analysis rate (load(path, rate=2000)) and lasts at most 3 minutes."""
    cfg = envelope_config(rate=rate, bandpass=bandpass, order=order, notch=notch, ecg=ecg, lowpass=lowpass,
                          threads=threads)
    rep = ffi.new("bl_condition_report *")
    if isinstance(rec_or_path, Recording):
        return _envelope_recording(rec_or_path, map, cfg, rep)
    path = os.fspath(rec_or_path)
    spool = _spool(path, map, cfg.rate_hz)
    info = lib.bl_spool_info(spool)
    idx = emg_channels(info)
    if not idx:
        raise BacklineError("%s: no EMG channels to envelope (every channel is AUX)" % path)
    frames = int(lib.bl_spool_frames(spool))
    data = np.empty((len(idx), frames), dtype=np.float32)
    failure, unit = [], []

    # bl_envelope_sink: each finished block's middle into its place.
    @ffi.callback("bl_status(void *, const bl_recording *, size_t, size_t, size_t)")
    def sink(user, env, offset, n, first):
        try:
            data[:, first:first + n] = planar(env, idx, n, offset)
            if not unit:  # the blocks' unit, as the CLI's writer takes it (the spool converts them)
                unit.append(text(lib.bl_recording_unit(env)))
            return lib.BL_OK
        except BaseException as e:  # never let an exception cross the C frames
            failure.append(e)
            return lib.BL_EIO

    st = lib.bl_envelope_spool(spool, cfg, 0, sink, ffi.NULL, rep)
    if failure:
        raise failure[0]
    if st != lib.BL_OK:
        raise conditioning_error(path, st, cfg)
    _check_finite(path, data, idx)
    unit = unit[0] if unit else text(lib.bl_recording_unit(info))
    return Envelope(data, float(cfg.rate_hz), channel_names(info, idx), unit, _report_dict(rep), _describe(cfg, rep, unit))


def _envelope_recording(rec, map_text, cfg, rep):

    rec = as_recording(rec, map_text)
    out = ffi.new("bl_recording **")
    st = lib.bl_envelope_recording(rec._ptr, cfg, out, rep)
    if st != lib.BL_OK:
        raise conditioning_error(rec.path or "(recording)", st, cfg)
    env = ffi.gc(out[0], lib.bl_recording_destroy)
    idx = emg_channels(env)
    if not idx:
        raise BacklineError("%s: no EMG channels to envelope (every channel is AUX)" % (rec.path or "(recording)"))
    data = planar(env, idx, int(lib.bl_recording_frames(env)))
    _check_finite(rec.path or "(recording)", data, idx)
    unit = text(lib.bl_recording_unit(env))
    return Envelope(data, float(lib.bl_recording_rate(env)), channel_names(env, idx), unit, _report_dict(rep),
                    _describe(cfg, rep, unit))


def _check_finite(path, data, idx):
    bad = ~np.isfinite(data)
    if bad.any():
        k, i = np.argwhere(bad)[0]
        raise error(lib.BL_ENONFINITE, "%s: the envelope came out non-finite (NaN or infinity) in channel %d at "
                    "frame %d: the filter settings are numerically degenerate for this recording"
                    % (path, idx[k] + 1, i))

