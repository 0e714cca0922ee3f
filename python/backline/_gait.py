"""gait(): `backline-analyse gait` (tools/analyse/cmd_gait.c) from
Python: the session and trials loaded as the CLI loads them, the events
as the CLI finds them (_gait_events.py), bl_gait_analyse with
bl_gait_config_default and the options given, and the results read
through the getters gait_report.c uses: to_dict() is the JSON document
unrounded (NaN for null), rows() the CSV's rows."""
import os

import numpy as np

from ._config import check_designs, describe, fill_envelope
from ._errors import InvalidArgumentError
from ._gait_events import from_aux, from_file, from_markers
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._load import as_recording, load_trials, mvc_list
from ._recording import name_of
from ._status import check, error


def _phase_names():
    return [text(lib.bl_gait_phase_name(p)) for p in range(int(lib.BL_GAIT_PHASES))]


def _list(p, n):
    return [p[i] for i in range(n)] if p != ffi.NULL else []


class Gait:
    """The gait analysis: `cycles`, `muscles`, `left_out`,
    `posterior_chain`, `symmetry`, `synergies`, `parameters`, `warnings`
    in the JSON report's shape (gait_report.c); curves(name) every kept
    cycle's normalised curve of a muscle (cycles × points), mean(name) and
    sd(name); rows()/dataframe() the CSV's tidy table (one row per cycle ×
    muscle × point)."""

    def __init__(self, g, session_path, events_path):
        self._g = g
        self.session, self.events = session_path, events_path
        self.estimated = bool(lib.bl_gait_estimated(g))
        self.unit = text(lib.bl_gait_unit(g))
        cfg = ffi.new("bl_gait_config *")
        check(lib.bl_gait_get_config(g, cfg))
        self.normalise = text(lib.bl_gait_normalise_name(cfg.normalise))
        self.points = int(lib.bl_gait_points(g))
        self.stance_points = float(lib.bl_gait_stance_points(g))
        self.cycles = self._cycles()
        self.muscles, self.left_out = [], []
        for c in range(int(lib.bl_gait_channels(g))):
            m = self._muscle(c)
            if m is not None:
                self.muscles.append(m)
            else:
                self.left_out.append({"name": text(lib.bl_gait_channel_name(g, c)),
                                      "why": text(lib.bl_gait_channel_why(g, c))})
        self.posterior_chain = [self._chain(i) for i in range(int(lib.bl_gait_chains(g)))]
        self.symmetry = [self._symmetry(i) for i in range(int(lib.bl_gait_symmetries(g)))]
        self.synergies = [self._synergies(i) for i in range(int(lib.bl_gait_synergy_sets(g)))]
        self.parameters = describe(lambda d: check(lib.bl_gait_describe(g, d, ffi.NULL)))
        self.warnings = [text(lib.bl_gait_warning(g, i)) for i in range(int(lib.bl_gait_warnings(g)))]

    def _cycles(self):
        out, cy = [], ffi.new("bl_gait_cycle *")
        for k in range(int(lib.bl_gait_cycles(self._g))):
            check(lib.bl_gait_get_cycle(self._g, k, cy))
            out.append({"index": k + 1, "side": text(lib.bl_gait_side_name(cy.side)), "start_s": cy.start_s,
                        "liftoff_s": cy.liftoff_s, "end_s": cy.end_s, "duration_s": cy.end_s - cy.start_s,
                        "stance_pct": lib.bl_gait_cycle_stance_pct(cy),
                        "glute_lead_s": lib.bl_gait_cycle_glute_lead_s(self._g, k)})
        return out

    def _muscle(self, c):
        g, m = self._g, ffi.new("bl_gait_muscle *")
        if lib.bl_gait_get_muscle(g, c, m) != lib.BL_OK:
            return None
        mu = lib.bl_gait_channel_muscle(g, c)
        code, name = lib.bl_muscle_code(mu), lib.bl_muscle_name(mu)
        phases = _phase_names()
        bursts, on, off = [], ffi.new("double *"), ffi.new("double *")
        for i in range(int(lib.bl_gait_channel_bursts(g, c))):
            if lib.bl_gait_get_burst(g, c, i, on, off) == lib.BL_OK:
                bursts.append({"onset_pct": on[0], "offset_pct": off[0]})
        return {"name": text(lib.bl_gait_channel_name(g, c)), "muscle": text(code) if code != ffi.NULL else "?",
                "muscle_name": text(name) if name != ffi.NULL else "?", "cycles": int(m.cycles),
                "peak_phase_pct": m.peak_phase_pct, "peak": m.peak, "mean_level": m.mean, "cv_pct": m.cv_pct,
                "phases": {p: m.phase_mean[i] for i, p in enumerate(phases)},
                "phases_sd": {p: m.phase_sd[i] for i, p in enumerate(phases)}, "bursts": bursts,
                "mean": _list(lib.bl_gait_channel_mean(g, c), self.points),
                "sd": _list(lib.bl_gait_channel_sd(g, c), self.points),
                "point_phase_pct": [lib.bl_gait_channel_point_phase(g, c, i) for i in range(self.points)]}

    def _chain(self, i):
        g, ch = self._g, ffi.new("bl_gait_chain *")
        check(lib.bl_gait_get_chain(g, i, ch))
        tri = {-1: "unknown", 0: "no", 1: "yes"}
        statements = []
        s = ffi.new("bl_gait_statement *")
        for k in range(int(lib.bl_gait_statements(g))):
            if lib.bl_gait_get_statement(g, k, s) != lib.BL_OK or s.side != ch.side:
                continue
            statements.append({"key": text(s.key), "text": text(s.text), "rule": text(s.rule)})
        return {"side": text(lib.bl_gait_side_name(ch.side)), "cycles": int(ch.cycles), "stance_pct": ch.stance_pct,
                "running": bool(ch.running), "comparable_levels": bool(ch.comparable), "pattern": text(ch.pattern),
                "glute_dormant": tri[ch.glute_dormant], "quad_dominant": tri[ch.quad_dominant],
                "hamstrings_pct_of_peak": {
                    "terminal_swing_braking": ch.braking_pct,
                    "terminal_stance_pre_swing_propulsion": ch.propulsion_pct,
                    "initial_swing_knee_flexion": ch.knee_flexion_pct,
                    "recovery_initial_mid_swing": ch.recovery_pct, "braking_active": bool(ch.braking_active),
                    "propulsion_active": bool(ch.propulsion_active), "recovery_high": bool(ch.recovery_flag)},
                "glute_lead": {"median_s": ch.glute_lead_s, "median_pct": ch.glute_lead_pct,
                               "cycles": int(ch.lead_cycles), "glute_first": int(ch.glute_first)},
                "stance": {"hamstrings": ch.hamstring_stance, "glute": ch.glute_stance, "quads": ch.quad_stance,
                           "glute_hamstring": ch.gh_stance, "quad_hamstring": ch.qh_stance},
                "medial_lateral": {p: ch.ml_ratio[k] for k, p in enumerate(_phase_names())},
                "statements": statements}

    def _symmetry(self, i):
        g, sy = self._g, ffi.new("bl_gait_symmetry *")
        check(lib.bl_gait_get_symmetry(g, i, sy))
        return {"muscle": text(lib.bl_muscle_code(sy.muscle)), "left": text(lib.bl_gait_channel_name(g, sy.left)),
                "right": text(lib.bl_gait_channel_name(g, sy.right)), "level_left": sy.level_left,
                "level_right": sy.level_right, "symmetry_index_pct": sy.si_pct, "r": sy.r, "lag_pct": sy.lag_pct,
                "peak_phase_diff_pct": sy.peak_diff_pct, "comparable_levels": bool(sy.comparable)}

    def _synergies(self, i):
        g, s = self._g, ffi.new("bl_gait_synergies *")
        check(lib.bl_gait_get_synergies(g, i, s))
        rank, muscles, points = int(s.rank), int(s.muscles), int(s.points)
        names = [text(lib.bl_gait_channel_name(g, s.channel[m])) for m in range(muscles)]
        return {"side": text(lib.bl_gait_side_name(s.side)), "rank": rank, "max_rank": int(s.max_rank),
                "cycles": int(s.cycles), "r2": _list(s.r2, int(s.max_rank)),
                "modules": [{names[m]: s.modules[m * rank + k] for m in range(muscles)} for k in range(rank)],
                "primitives": [[s.mean_primitives[k * points + j] for j in range(points)] for k in range(rank)]}

    def _channel(self, name):
        for c in range(int(lib.bl_gait_channels(self._g))):
            if text(lib.bl_gait_channel_name(self._g, c)) == name:
                return c
        raise InvalidArgumentError("no channel %s" % name)

    def curves(self, name):
        """Every kept cycle's normalised curve of muscle `name`: (cycles × points), in `unit`."""
        g, c = self._g, self._channel(name)
        rows = [_list(lib.bl_gait_channel_curve(g, c, k), self.points) for k in range(int(lib.bl_gait_channel_cycles(g, c)))]
        return np.array(rows, dtype=float).reshape(-1, self.points)

    def mean(self, name):
        return np.array(_list(lib.bl_gait_channel_mean(self._g, self._channel(name)), self.points))

    def sd(self, name):
        return np.array(_list(lib.bl_gait_channel_sd(self._g, self._channel(name)), self.points))

    def rows(self):
        """The CSV's rows (gait_write_csv)."""
        g, out, cy = self._g, [], ffi.new("bl_gait_cycle *")
        for c in range(int(lib.bl_gait_channels(g))):
            mu = lib.bl_gait_channel_muscle(g, c)
            code = lib.bl_muscle_code(mu)
            name = text(lib.bl_gait_channel_name(g, c))
            for k in range(int(lib.bl_gait_channel_cycles(g, c))):
                idx = int(lib.bl_gait_channel_cycle(g, c, k))
                v, ph = lib.bl_gait_channel_curve(g, c, k), lib.bl_gait_channel_curve_phase(g, c, k)
                if v == ffi.NULL or ph == ffi.NULL or lib.bl_gait_get_cycle(g, idx, cy) != lib.BL_OK:
                    continue
                side = text(lib.bl_gait_side_name(cy.side))
                for i in range(self.points):
                    out.append({"cycle": idx + 1, "side": side, "start_s": cy.start_s, "liftoff_s": cy.liftoff_s,
                                "end_s": cy.end_s, "events_estimated": int(self.estimated), "channel": name,
                                "muscle": text(code) if code != ffi.NULL else "", "point": i, "phase_pct": ph[i],
                                "value": v[i], "unit": self.unit})
        return out

    def dataframe(self):
        from ._tables import records
        return records(self.rows())

    def to_dict(self):
        return {"tool": "backline-analyse gait", "version": text(lib.bl_version()), "session": self.session,
                "events": self.events, "events_estimated": self.estimated, "unit": self.unit,
                "normalise": self.normalise, "points_per_cycle": self.points, "stance_points": self.stance_points,
                "cycles": self.cycles, "muscles": self.muscles, "left_out": self.left_out,
                "posterior_chain": self.posterior_chain, "symmetry": self.symmetry, "synergies": self.synergies,
                "parameters": self.parameters, "warnings": self.warnings}

    def __repr__(self):
        return "<backline.Gait %s: %d cycles, %d muscles, %s>" % (self.session, len(self.cycles), len(self.muscles),
                                                                 self.unit)


def gait(session, events=None, footswitch=None, knee=None, mvc=(), map=None, normalise=None, task=None, rate=None,
         bandpass=None, order=None, notch=None, ecg=None, threads=None):
    """Gait cycles and muscle curves, as `backline-analyse gait FILE` with
    one of events=EVENTS.csv | "markers", footswitch=["R.AUX", "9:L"...]
    or knee=[...] (CH[:SIDE] as the CLI takes them), and --mvc, --map,
    --normalise phases|cycle, --task auto|walk|run and the conditioning
    options of envelope()."""
    if (events is not None) + (footswitch is not None) + (knee is not None) != 1:
        raise InvalidArgumentError("gait needs one of --events EVENTS.csv, --footswitch CH[:SIDE] or --knee CH[:SIDE]")
    cfg = ffi.new("bl_gait_config *")
    lib.bl_gait_config_default(cfg)
    if normalise is not None:
        m = lib.bl_gait_normalise_from_name(str(normalise).encode())
        if m < 0:
            raise InvalidArgumentError("--normalise %s: expected phases or cycle" % (normalise,))
        cfg.normalise = m
    if task is not None:
        t = lib.bl_gait_task_from_name(str(task).encode())
        if t < 0:
            raise InvalidArgumentError("--task %s: expected auto, walk or run" % (task,))
        cfg.task = t
    fill_envelope(cfg.envelope, rate=rate, bandpass=bandpass, order=order, notch=notch, ecg=ecg, threads=threads)
    check_designs(cfg.envelope, True)
    mvc = mvc_list(mvc)
    rate_hz = cfg.envelope.rate_hz
    rec = as_recording(session, map, rate_hz)
    path = name_of(session)
    if isinstance(footswitch, str):
        footswitch = [footswitch]
    if isinstance(knee, str):
        knee = [knee]
    if events is not None and os.fspath(events) == "markers":
        ev, events_path = from_markers(path, rec), "markers"
    elif events is not None:
        events_path = os.fspath(events)
        ev = from_file(events_path, rec)
    elif footswitch is not None:
        ev, events_path = from_aux("--footswitch", footswitch, rec), None
    else:
        ev, events_path = from_aux("--knee", knee, rec), None
    trials, arr = load_trials(mvc, map, rate_hz, rec)
    out, why = ffi.new("bl_gait **"), why_buffer()
    st = lib.bl_gait_analyse(rec._ptr, arr, len(trials), ev, cfg, out, why, WHY_LEN)
    if st != lib.BL_OK:
        w = text(why)
        raise error(st, w if w.startswith("mvc trial") else "%s: %s" % (path, w or text(lib.bl_strerror(st))))
    return Gait(ffi.gc(out[0], lib.bl_gait_destroy), path, events_path)
