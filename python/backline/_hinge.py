"""hinge(): `backline-analyse hinge` (tools/analyse/cmd_hinge.c) from
Python: the session and the MVC trials loaded as the CLI loads them (at
the analysis rate, trials taking the session's map when they carry none),
bl_hinge_analyse with bl_hinge_config_default and the options given, and
the results read through the same getters as report_json.c and
report_csv.c, unrounded (the JSON rounds to 4 decimals, the CSV prints 6
significant digits). Missing values are NaN where the JSON has null."""
import os

import numpy as np

from ._config import check_designs, describe, fill_envelope
from ._errors import InvalidArgumentError
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._quality import grade_summary
from ._load import as_recording, load_trials, mvc_list
from ._recording import name_of
from ._status import check


def _name(fn, value):
    p = fn(value)
    return text(p) if p != ffi.NULL else "?"


class Hinge:
    """The analysis of one hinge set: `channels`, `reps` and `summary` in
    the JSON report's shape (report_json.c), `warnings`, `parameters` (the
    library's description, bl_hinge_describe), `unit` of the session
    before normalisation, and dataframe() with the CSV's columns."""

    def __init__(self, h, session_path, mvc_paths):
        self._h = h
        self.session = session_path
        self.mvc = list(mvc_paths)
        self.unit = text(lib.bl_hinge_unit(h))
        self.channels = [self._channel(c) for c in range(int(lib.bl_hinge_channels(h)))]
        self.reps = [self._rep(k) for k in range(int(lib.bl_hinge_reps(h)))]
        self.summary = self._summary()
        self.warnings = [text(lib.bl_hinge_warning(h, i)) for i in range(int(lib.bl_hinge_warnings(h)))]
        c_names = [ffi.new("char[]", os.fsencode(s)) for s in self.mvc]
        # Never NULL, as the CLI passes its (maybe empty) list: NULL leaves the names out.
        trial_names = ffi.new("const char *[]", c_names + [ffi.NULL])
        session = ffi.new("char[]", os.fsencode(session_path))
        self.parameters = describe(lambda d: check(lib.bl_hinge_describe(h, session, trial_names, d, ffi.NULL)))

    def _channel(self, c):
        h = self._h
        m = lib.bl_hinge_channel_muscle(h, c)
        state = lib.bl_hinge_channel_state(h, c)
        o = {"name": text(lib.bl_hinge_channel_name(h, c)), "muscle": _name(lib.bl_muscle_code, m),
             "muscle_name": _name(lib.bl_muscle_name, m),
             "chain": text(lib.bl_chain_name(lib.bl_hinge_channel_chain(h, c))),
             "state": text(lib.bl_hinge_ch_state_name(state))}
        why = text(lib.bl_hinge_channel_why(h, c))
        if why:
            o["left_out"] = why
        if state != lib.BL_HINGE_CH_AUX:
            o["quality"] = grade_summary(lib.bl_hinge_quality(h), c)
            ref = ffi.new("bl_mvc_reference *")
            if lib.bl_hinge_get_channel_reference(h, c, ref) == lib.BL_OK:
                r = {"value": ref.value, "unit": self.unit, "source": text(lib.bl_mvc_source_name(ref.source))}
                if ref.source == lib.BL_MVC_TRIALS and ref.trial < len(self.mvc):
                    r["file"] = self.mvc[ref.trial]
                elif ref.source == lib.BL_MVC_SESSION_PEAK:
                    r["file"] = self.session
                r["window_centre_s"] = ref.time_s
                r["trials_used"] = int(ref.trials_used)
                o["mvc_reference"] = r
        o["median_freq_slope_hz_per_rep"] = lib.bl_hinge_channel_mf_slope(h, c)
        return o

    def _rep(self, k):
        h = self._h
        rep = ffi.new("bl_hinge_rep *")
        check(lib.bl_hinge_get_rep(h, k, rep))
        o = {"index": k + 1, "start_s": rep.start_s, "end_s": rep.end_s, "duration_s": rep.end_s - rep.start_s,
             "chain": text(lib.bl_hinge_verdict_name(rep.verdict)), "chain_index": rep.chain_index,
             "reason": text(rep.reason), "index_vs_set_median": rep.relative_index,
             "lean": text(lib.bl_hinge_lean_name(rep.lean)), "turn_s": rep.turn_s}
        ph = {"method": text(rep.phase_method)}
        if np.isfinite(rep.turn_s):
            ph["eccentric"] = {"start_s": rep.start_s, "end_s": rep.turn_s}
            ph["concentric"] = {"start_s": rep.turn_s, "end_s": rep.end_s}
        else:
            ph["eccentric"] = ph["concentric"] = None
        o["phases"] = ph
        o["balances"] = {"hamstring": rep.hamstring_balance, "trunk": rep.trunk_balance, "other": rep.other_balance}
        o["ratios"] = {"medial_lateral_hamstring": rep.medial_lateral, "glute_hamstring": rep.glute_hamstring,
                       "erector_share": rep.erector_share, "hamstring_quad": rep.hamstring_quad}
        o["hamstring_mean_pct_mvc"] = rep.hamstring_pct
        order = ffi.new("size_t[]", 256)
        n = int(lib.bl_hinge_firing_order(h, k, order, 256))
        o["firing_order"] = [text(lib.bl_hinge_channel_name(h, order[i])) for i in range(min(n, 256))]
        chs = {}
        rc = ffi.new("bl_hinge_rep_channel *")
        for c in range(int(lib.bl_hinge_channels(h))):
            if lib.bl_hinge_channel_state(h, c) == lib.BL_HINGE_CH_AUX:
                continue
            if lib.bl_hinge_get_rep_channel(h, k, c, rc) != lib.BL_OK:
                continue
            chs[text(lib.bl_hinge_channel_name(h, c))] = {
                "mean_pct_mvc": rc.mean_pct, "peak_pct_mvc": rc.peak_pct, "iemg_pct_mvc_s": rc.iemg,
                "onset_s": rc.onset_s, "median_freq_hz": rc.median_hz}
        o["channels"] = chs
        return o

    def _summary(self):
        s = ffi.new("bl_hinge_summary *")
        check(lib.bl_hinge_get_summary(self._h, s))
        return {"reps": int(s.reps),
                "verdicts": {"internal": int(s.internal), "external": int(s.external), "mixed": int(s.mixed),
                             "unknown": int(s.unknown)},
                "mean_chain_index": s.mean_index, "median_chain_index": s.median_index,
                "index_drift_per_rep": s.drift_per_rep, "index_drift_over_set": s.drift,
                "relative_to_set": text(s.relative), "fatigue_slope_hz_per_rep": s.fatigue_slope_hz,
                "fatigue_index": text(lib.bl_hinge_fatigue_method()),
                "normalisation": "mvc" if s.normalised_to_mvc else "session-peak",
                "confidence": "normal" if s.normalised_to_mvc else "lower (no MVC reference for every channel)"}

    @property
    def verdicts(self):
        """Each repetition's verdict: "internal", "external", "mixed" or "unknown"."""
        return [r["chain"] for r in self.reps]

    @property
    def chain_index(self):
        return np.array([r["chain_index"] for r in self.reps])

    @property
    def emg_channels(self):
        """The channels the repetitions report (all but AUX), in order."""
        return [ch["name"] for ch in self.channels if ch["state"] != "aux"]

    def metric(self, name):
        """One per-channel metric of every repetition as an array, reps ×
        emg_channels: "mean_pct_mvc", "peak_pct_mvc", "iemg_pct_mvc_s",
        "onset_s" or "median_freq_hz" (NaN where the JSON has null)."""
        names = self.emg_channels
        return np.array([[rep["channels"].get(c, {}).get(name, np.nan) for c in names] for rep in self.reps],
                        dtype=float).reshape(len(self.reps), len(names))

    def envelope(self, channel):
        """A channel's %MVC envelope at the analysis rate (float32 copy) and
        the rate; None for AUX and left-out channels. `channel`: index or name."""
        c = self._index(channel)
        frames, rate = ffi.new("size_t *"), ffi.new("double *")
        p = lib.bl_hinge_channel_envelope(self._h, c, frames, rate)
        if p == ffi.NULL:
            return None
        return np.frombuffer(ffi.buffer(p, frames[0] * 4), dtype=np.float32).copy(), rate[0]

    def _index(self, channel):
        if isinstance(channel, str):
            names = [ch["name"] for ch in self.channels]
            if channel not in names:
                raise InvalidArgumentError("no channel %s (channels: %s)" % (channel, ",".join(names)))
            return names.index(channel)
        return int(channel)

    def rows(self):
        """The CSV's rows (report_csv.c): one per repetition and EMG channel."""
        out = []
        for rep in self.reps:
            for ch in self.channels:
                if ch["state"] == "aux" or ch["name"] not in rep["channels"]:
                    continue
                v = rep["channels"][ch["name"]]
                out.append({"rep": rep["index"], "start_s": rep["start_s"], "end_s": rep["end_s"],
                            "turn_s": rep["turn_s"], "chain": rep["chain"], "chain_index": rep["chain_index"],
                            "hamstring_balance": rep["balances"]["hamstring"],
                            "trunk_balance": rep["balances"]["trunk"],
                            "medial_lateral": rep["ratios"]["medial_lateral_hamstring"],
                            "glute_hamstring": rep["ratios"]["glute_hamstring"],
                            "erector_share": rep["ratios"]["erector_share"],
                            "hamstring_quad": rep["ratios"]["hamstring_quad"], "channel": ch["name"],
                            "muscle": ch["muscle"] if ch["muscle"] != "?" else "", "channel_chain": ch["chain"],
                            "mean_pct_mvc": v["mean_pct_mvc"], "peak_pct_mvc": v["peak_pct_mvc"],
                            "iemg_pct_mvc_s": v["iemg_pct_mvc_s"], "onset_s": v["onset_s"],
                            "median_freq_hz": v["median_freq_hz"], "reason": rep["reason"]})
        return out

    def dataframe(self):
        """The CSV report as a DataFrame (pandas): same columns, same rows."""
        from ._tables import records
        return records(self.rows())

    def to_dict(self):
        """The JSON report's document (unrounded; NaN for null)."""
        reps = [{k: v for k, v in r.items() if k != "turn_s"} for r in self.reps]
        return {"tool": "backline-analyse hinge", "version": text(lib.bl_version()), "session": self.session,
                "channels": self.channels, "reps": reps, "summary": self.summary, "parameters": self.parameters,
                "warnings": self.warnings}

    def __repr__(self):
        return "<backline.Hinge %s: %d reps, verdicts %s>" % (self.session, len(self.reps), self.summary["verdicts"])


def hinge(session, mvc=(), map=None, rate=None, bandpass=None, order=None, notch=None, ecg=None, threads=None,
          chain=None):
    """The hip-hinge analysis, as `backline-analyse hinge SESSION --mvc
    FILE... [--map MAP] [--chain LIST] [--rate ...]` (options as
    envelope(); chain "ST=internal,BF=external,..."). `session` and each
    trial are paths (loaded as the CLI loads them) or Recordings loaded at
    the analysis rate (load(path, rate=2000))."""
    cfg = ffi.new("bl_hinge_config *")
    lib.bl_hinge_config_default(cfg)
    fill_envelope(cfg.envelope, rate=rate, bandpass=bandpass, order=order, notch=notch, ecg=ecg, threads=threads)
    check_designs(cfg.envelope, True)
    if chain is not None:
        why = why_buffer()
        if lib.bl_hinge_chain_parse(chain.encode(), cfg.chain, why, WHY_LEN) != lib.BL_OK:
            raise InvalidArgumentError("--chain %s: %s" % (chain, text(why)))
    mvc = mvc_list(mvc)
    rate_hz = cfg.envelope.rate_hz
    rec = as_recording(session, map, rate_hz)
    trials, arr = load_trials(mvc, map, rate_hz, rec)
    out = ffi.new("bl_hinge **")
    why = why_buffer()
    st = lib.bl_hinge_analyse(rec._ptr, arr, len(trials), cfg, out, why, WHY_LEN)
    check(st, why, name_of(session))
    h = ffi.gc(out[0], lib.bl_hinge_destroy)
    return Hinge(h, name_of(session), [name_of(t) for t in mvc])
