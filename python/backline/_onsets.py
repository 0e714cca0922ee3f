"""onsets(): `backline-analyse onsets` (tools/analyse/cmd_onsets.c): the
file at the analysis rate, conditioned (bl_condition), the detection
signal made (bl_onset_prepare), bursts per EMG channel (bl_onset_detect)
with bl_onset_config_default_method's defaults and the options given."""
import numpy as np

from ._config import check_design, check_designs, conditioning_error, describe, fill_envelope
from ._errors import BacklineError, InvalidArgumentError
from ._lib import CONSTANTS, ffi, lib, text
from ._load import as_recording
from ._recording import channel_names, emg_channels
from ._status import check, error

_NUMBERS = {  # option: (field, minimum, inclusive, maximum, what) as the CLI checks them
    "k": ("k", 0, True, 1e6, "a threshold multiplier K >= 0"),
    "min_on": ("min_on_s", 0, True, 1e6, "a duration in seconds >= 0"),
    "min_off": ("min_off_s", 0, True, 1e6, "a duration in seconds >= 0"),
    "baseline_window": ("baseline_window_s", 0, False, 1e6, "a window length in seconds > 0"),
    "double_window": ("double_window_s", 0, False, 1e6, "a window length in seconds > 0"),
    "double_fraction": ("double_fraction", 0, False, 1, "a fraction in (0, 1]"),
    "tkeo_lowpass": ("tkeo_lowpass_hz", 0, False, 1e9, "a positive frequency in Hz"),
}


def _onset_config(method, baseline, backtrack_k, numbers):
    oc = ffi.new("bl_onset_config *")
    m = ffi.new("bl_onset_method *", lib.BL_ONSET_BASELINE)
    if method is not None and lib.bl_onset_method_from_name(str(method).encode(), m) != lib.BL_OK:
        raise InvalidArgumentError("--method %s: expected baseline, double or tkeo" % (method,))
    lib.bl_onset_config_default_method(oc, m[0])
    for name, value in numbers.items():
        if value is None:
            continue
        field, lo, inclusive, hi, what = _NUMBERS[name]
        v = float(value)
        if (v < lo if inclusive else v <= lo) or v > hi:
            raise InvalidArgumentError("--%s %s: expected %s" % (name.replace("_", "-"), value, what))
        setattr(oc, field, v)
    if backtrack_k is not None:
        if backtrack_k == "off":
            oc.backtrack_k = -1
        elif float(backtrack_k) < 0:
            raise InvalidArgumentError("--backtrack-k %s: expected a multiplier >= 0 or off" % (backtrack_k,))
        else:
            oc.backtrack_k = float(backtrack_k)
    if baseline is not None:
        s, e = (float(x) for x in baseline)
        if s < 0 or not e > s:
            raise InvalidArgumentError("--baseline %g:%g: expected START:END in seconds with 0 <= START < END"
                                       % (s, e))
        oc.baseline_start_s, oc.baseline_end_s = s, e
    return oc


class Onsets:
    """Bursts per EMG channel: `channels` in the JSON's shape ({name,
    channel_index, count, threshold, signal_unit, baseline{...},
    merged_gaps, rejected_short, bursts: [{onset_s, offset_s, duration_s,
    peak, peak_s}]}), `bursts(name)` as an array (onset_s, offset_s, peak,
    peak_s per row), `parameters` (bl_condition_describe and
    bl_onset_describe, as the JSON's), dataframe() one row per burst."""

    def __init__(self, path, duration_s, channels, parameters):
        self.file, self.duration_s, self.channels, self.parameters = path, duration_s, channels, parameters

    def bursts(self, name):
        for ch in self.channels:
            if ch["name"] == name:
                return np.array([[b["onset_s"], b["offset_s"], b["peak"], b["peak_s"]] for b in ch["bursts"]]
                                ).reshape(-1, 4)
        raise InvalidArgumentError("no channel %s" % name)

    def to_dict(self):
        return {"file": self.file, "command": "onsets", "software_version": text(lib.bl_version()),
                "duration_s": self.duration_s, "channels": self.channels, "parameters": self.parameters}

    def dataframe(self):
        from ._tables import records
        rows = [dict({"channel": ch["name"], "burst": i + 1}, **b) for ch in self.channels
                for i, b in enumerate(ch["bursts"])]
        return records(rows)


def onsets(rec_or_path, map=None, method=None, rate=None, bandpass=None, order=None, notch=None, ecg=None,
           lowpass=None, threads=None, k=None, baseline=None, baseline_window=None, min_on=None, min_off=None,
           double_window=None, double_fraction=None, tkeo_lowpass=None, backtrack_k=None):
    """Burst onsets and offsets, as `backline-analyse onsets FILE` with the
    same options (baseline=(START, END) in s, backtrack_k a number or
    "off"). As the CLI: a file recorded below the analysis rate is analysed
    at its own rate unless rate= is given."""
    cfg = ffi.new("bl_envelope_config *")
    lib.bl_envelope_config_default(cfg)
    fill_envelope(cfg, rate=rate, bandpass=bandpass, order=order, notch=notch, ecg=ecg, lowpass=lowpass,
                  threads=threads)
    oc = _onset_config(method, baseline, backtrack_k,
                       dict(k=k, min_on=min_on, min_off=min_off, baseline_window=baseline_window,
                            double_window=double_window, double_fraction=double_fraction,
                            tkeo_lowpass=tkeo_lowpass))
    rec = as_recording(rec_or_path, map, cfg.rate_hz)
    path = rec.path or "(recording)"
    kept_rate = _fit_rate(path, rec, rate is not None, cfg, oc)
    # check_designs in cmd_onsets.c: the filters of this method at the rate chosen.
    check_designs(cfg, lib.bl_onset_method_input(oc.method) == lib.BL_ONSET_ON_ENVELOPE)
    if oc.method == lib.BL_ONSET_TKEO:
        check_design("--tkeo-lowpass", "%g" % oc.tkeo_lowpass_hz, oc.tkeo_lowpass_order, lib.BL_LOWPASS,
                     oc.tkeo_lowpass_hz, 0.0, cfg.rate_hz)
    rep = ffi.new("bl_condition_report *")
    out = ffi.new("bl_recording **")
    st = lib.bl_condition(rec._ptr, cfg, out, rep)
    cond = ffi.gc(out[0], lib.bl_recording_destroy) if st == lib.BL_OK else None
    if st == lib.BL_OK:
        st = lib.bl_onset_prepare(cond, cfg, oc.method)
    if st != lib.BL_OK:
        raise conditioning_error(path, st, cfg)
    idx = emg_channels(cond)
    if not idx:
        raise BacklineError("%s: no EMG channels to analyse (every channel is AUX)" % path)
    unit = text(lib.bl_recording_unit(rec._ptr))
    sig_unit = text(lib.bl_onset_signal_unit(oc.method, unit.encode()))
    rate_hz, frames = float(lib.bl_recording_rate(cond)), int(lib.bl_recording_frames(cond))
    bursts = ffi.gc(_new_bursts(), lib.bl_bursts_destroy)
    channels = []
    for c, name in zip(idx, channel_names(cond, idx)):
        orep = ffi.new("bl_onset_report *")
        st = lib.bl_onset_detect(lib.bl_recording_cdata(cond, c), frames, rate_hz, oc, bursts, orep)
        if st != lib.BL_OK:
            raise error(st, "%s: channel %s: onset detection failed: %s" % (path, name, text(lib.bl_strerror(st))))
        channels.append(_channel(name, c, bursts, orep, sig_unit, oc.method))
    params = describe(lambda d: _describe(d, cfg, rep, unit, oc))
    default = ffi.new("bl_envelope_config *")
    lib.bl_envelope_config_default(default)
    params["analysis_rate_rule"] = (
        "recorded rate (below the %g Hz default; never upsampled without --rate)" % default.rate_hz if kept_rate
        else "--rate or the %g Hz default" % default.rate_hz)
    return Onsets(path, frames / rate_hz, channels, params)


def _new_bursts():
    b = ffi.new("bl_bursts **")
    check(lib.bl_bursts_create(b))
    return b[0]


def _describe(d, cfg, rep, unit, oc):
    """report_parameters in cmd_onsets.c: the conditioning's description
    with the onsets' under "onsets"."""
    with_envelope = 1 if lib.bl_onset_method_input(oc.method) == lib.BL_ONSET_ON_ENVELOPE else 0
    check(lib.bl_condition_describe(cfg, rep, unit.encode(), with_envelope, d, ffi.NULL))
    check(lib.bl_onset_describe(oc, lib.bl_doc_add_object(d, b"onsets"), ffi.NULL))


def _fit_rate(path, rec, rate_given, cfg, oc):
    """cmd_onsets.c's fit_rate: below the default analysis rate a file is
    analysed at its own rate (upsampling adds nothing and rings at the
    edges); a band the file cannot carry is refused with what would fit."""
    in_rate = rec.rate
    kept = False
    if not rate_given and in_rate < cfg.rate_hz and in_rate >= CONSTANTS["BL_MIN_EMG_RATE_HZ"]:
        cfg.rate_hz = in_rate
        kept = True
    if in_rate >= CONSTANTS["BL_MIN_EMG_RATE_HZ"] and not cfg.bandpass_hi_hz < in_rate / 2:
        raise error(lib.BL_ERATE, "%s: recorded at %g Hz, which cannot carry the %g-%g Hz band (Nyquist %g Hz); "
                    "give a band below it, e.g. --bandpass %g:%g"
                    % (path, in_rate, cfg.bandpass_lo_hz, cfg.bandpass_hi_hz, in_rate / 2, min(10.0, in_rate / 8),
                       np.floor(in_rate * 0.24)))
    if oc.method == lib.BL_ONSET_TKEO and not oc.tkeo_lowpass_hz < cfg.rate_hz / 2:
        raise InvalidArgumentError("--tkeo-lowpass %g: must be below half the analysis rate (%g Hz)"
                                   % (oc.tkeo_lowpass_hz, cfg.rate_hz / 2))
    return kept


def _channel(name, c, bursts, orep, sig_unit, method):
    nb = int(lib.bl_bursts_count(bursts))
    ch = {"name": name, "channel_index": c, "count": nb, "threshold": orep.threshold, "signal_unit": sig_unit,
          "baseline": {"start_s": orep.baseline_start_s, "end_s": orep.baseline_end_s, "mean": orep.baseline_mean,
                       "sd": orep.baseline_sd, "automatic": bool(orep.baseline_automatic)},
          "merged_gaps": int(orep.merged), "rejected_short": int(orep.rejected_short)}
    if method == lib.BL_ONSET_DOUBLE:
        ch["double_window_samples"] = int(orep.double_window_samples)
        ch["double_min_samples"] = int(orep.double_min_samples)
    out = []
    b = ffi.new("bl_burst *")
    for i in range(nb):
        check(lib.bl_bursts_get_burst(bursts, i, b))
        out.append({"onset_s": b.onset_s, "offset_s": b.offset_s, "duration_s": b.offset_s - b.onset_s,
                    "peak": b.peak, "peak_s": b.peak_s})
    ch["bursts"] = out
    if nb == 0:
        ch["note"] = ("no bursts: nothing stays above the threshold from the quietest window; either the muscle is at "
                      "rest throughout, or it is active throughout (continuous walking or running has no quiet "
                      "window: give --baseline START:END from a rest period)")
    return ch
