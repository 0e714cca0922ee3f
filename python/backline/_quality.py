"""quality(): `backline-analyse quality` (tools/analyse/cmd_quality.c):
bl_quality_assess on the file loaded with every channel generic EMG when
there is no map, and its report in the JSON's shape."""
import math

import numpy as np

from ._config import describe
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._load import as_recording
from ._status import check, error

NAN = float("nan")


def check_names():
    return [text(lib.bl_quality_check_name(k)) for k in range(int(lib.BL_QC_COUNT))]


def get_check(q, c, k):
    r = ffi.new("bl_quality_result *")
    check(lib.bl_quality_get_check(q, c, k, r))
    return r


def grade_summary(q, c):
    """A channel's grade with the checks that failed or warned (what the
    hinge and gait reports carry per channel)."""
    out = {"grade": text(lib.bl_grade_name(lib.bl_quality_channel_grade(q, c))), "failed": {}, "warned": {}}
    for k, name in enumerate(check_names()):
        r = get_check(q, c, k)
        if r.grade in (lib.BL_GRADE_FAIL, lib.BL_GRADE_WARN):
            out["failed" if r.grade == lib.BL_GRADE_FAIL else "warned"][name] = text(r.reason)
    return out


def _check_dict(q, r, k):
    o = {"value": r.value, "unit": text(r.unit), "grade": text(lib.bl_grade_name(r.grade))}
    if r.reason != ffi.NULL and text(r.reason):
        o["reason"] = text(r.reason)
    if k == lib.BL_QC_MAINS:
        o["frequency_hz"] = r.detail if r.detail > 0 else NAN
        o["prominence_db"] = r.value
    elif k == lib.BL_QC_SNR:
        o["activity"] = r.detail
    elif k == lib.BL_QC_ECG:
        o["heart_rate_bpm"], o["beats"] = r.detail, r.detail2
    elif k == lib.BL_QC_CROSSTALK:
        if math.isfinite(r.detail):
            o["with"] = text(lib.bl_quality_channel_name(q, int(r.detail)))
    elif k == lib.BL_QC_SPECTRUM:
        o["median_hz"], o["line_share"], o["high_share"] = r.value, r.detail, r.detail2
    return o


class Quality:
    """Every EMG channel's grade and checks. `channels` is the JSON's list
    ({name, grade, checks: {check: {value, unit, grade, reason?, ...}}});
    `parameters` the thresholds and their sources (bl_quality_describe);
    `dataframe()` one row per channel and check. Missing values are NaN."""

    def __init__(self, q, path):
        self.file = path
        self.amplitude_unit = text(lib.bl_quality_unit(q))
        mains = lib.bl_quality_mains_hz(q)
        self.mains_hz = mains if mains > 0 else NAN
        self.mains_prominence_db = lib.bl_quality_mains_prominence(q)
        names = check_names()
        self.channels = []
        for c in range(int(lib.bl_quality_channels(q))):
            g = lib.bl_quality_channel_grade(q, c)
            if g == lib.BL_GRADE_NA:  # AUX
                continue
            checks = {names[k]: _check_dict(q, get_check(q, c, k), k) for k in range(len(names))}
            self.channels.append({"name": text(lib.bl_quality_channel_name(q, c)),
                                  "grade": text(lib.bl_grade_name(g)), "checks": checks})
        self.parameters = describe(lambda d: check(lib.bl_quality_describe(q, d)))

    @property
    def grades(self):
        return {ch["name"]: ch["grade"] for ch in self.channels}

    def values(self, check_name):
        """One check's measured value on every graded channel (array, in the
        check's unit; NaN where not measured), e.g. values("snr")."""
        return np.array([ch["checks"][check_name]["value"] for ch in self.channels], dtype=float)

    def to_dict(self):
        return {"tool": "backline-analyse quality", "version": text(lib.bl_version()), "file": self.file,
                "amplitude_unit": self.amplitude_unit, "mains_hz": self.mains_hz,
                "mains_prominence_db": self.mains_prominence_db, "channels": self.channels,
                "parameters": self.parameters}

    def dataframe(self):
        from ._tables import records
        rows = []
        for ch in self.channels:
            for name, r in ch["checks"].items():
                rows.append({"channel": ch["name"], "channel_grade": ch["grade"], "check": name,
                             "value": r["value"], "unit": r["unit"], "grade": r["grade"],
                             "reason": r.get("reason", "")})
        return records(rows)


def quality(rec_or_path, map=None):
    """Grades as `backline-analyse quality FILE [--map MAP]`: without a map
    every channel is graded as generic EMG."""
    rec = as_recording(rec_or_path, map, generic=True)
    path = rec.path or "(recording)"
    why = why_buffer()
    out = ffi.new("bl_quality **")
    st = lib.bl_quality_assess(rec._ptr, ffi.NULL, out, why, WHY_LEN)
    if st != lib.BL_OK:
        raise error(st, "%s: %s" % (path, text(why) or text(lib.bl_strerror(st))))
    q = ffi.gc(out[0], lib.bl_quality_destroy)
    return Quality(q, path)
