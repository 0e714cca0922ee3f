"""The Python package against backline-analyse on the real recordings
(run by test_python_real.sh; the comparisons of python_api.py):
  envelope  UCI 10Amar (1 kHz resampled to 2 kHz, its sidecar's map, the
            AUX knee angle left out; full-scale units, the file carrying no
            gains), bit-equal to the CLI's WAV
  onsets    BioSPPy emg_1 (1 kHz, kept at its own rate), three methods, JSON
  quality   Backyard Brains pulse_max (44.1 kHz, clipping), JSON
  gait      Santuz treadmill walk (13 muscles, its six cycles as an events
            CSV), JSON and CSV
Usage: python_real.py TOOLS_DIR FIXTURES_DIR WORK_DIR REAL_DIR
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_api as api  # noqa: E402 (skips, exit 77, without numpy or cffi)
import numpy as np  # noqa: E402

import backline  # noqa: E402

tools, fixtures, work, real = sys.argv[1:5]
api.setup(tools, fixtures, work)


def sidecar_map(wav):
    with open(wav[:-4] + ".json") as f:
        return ",".join(json.load(f)["channels"])


def check_envelope():
    wav = os.path.join(real, "uci-lower-limb", "10Amar.wav")
    out = os.path.join(work, "uci_env.wav")
    m = sidecar_map(wav)
    api.run("envelope", wav, "--map", m, "-o", out, "--quiet")
    env, cli = backline.envelope(wav, map=m), backline.load(out)
    if cli.data.shape != env.data.shape or not np.array_equal(cli.data.view(np.uint32), env.data.view(np.uint32)):
        api.fail("envelope of %s: not the CLI's WAV to the bit" % wav)
    print("python real envelope: %s %s, %d x %d frames bit-equal" % (os.path.basename(wav), env.channels,
                                                                    *env.data.shape))


def check_onsets():
    wav = os.path.join(real, "biosppy", "emg_1.wav")
    total = 0
    for method in ("baseline", "double", "tkeo"):
        js = os.path.join(work, "bio_%s.json" % method)
        api.run("onsets", wav, "--map", "EMG", "--method", method, "--json", js)
        o = backline.onsets(wav, map="EMG", method=method)
        with open(js) as f:
            api.same(o.to_dict(), api.results(json.load(f)), "onsets(%s, %s)" % (wav, method), api.cjson)
        total += o.channels[0]["count"]
    print("python real onsets: %s, %d bursts over three methods as the CLI's" % (os.path.basename(wav), total))


def check_quality():
    wav = os.path.join(real, "backyardbrains", "pulse_max.wav")
    js = os.path.join(work, "byb_quality.json")
    api.run("quality", wav, "--json", js)
    q = backline.quality(wav)
    with open(js) as f:
        api.same(q.to_dict(), api.results(json.load(f)), "quality(%s)" % wav, api.cjson)
    print("python real quality: %s graded %s as the CLI's" % (os.path.basename(wav), q.grades))


def check_gait():
    wav = os.path.join(real, "santuz-walking", "ID0012_TW_01.wav")
    with open(wav[:-4] + ".json") as f:
        side = json.load(f)
    events = os.path.join(work, "santuz_events.csv")
    with open(events, "w") as f:
        f.write("time_s,side,event\n")
        for c in side["gait_cycles"]:
            f.write("%.3f,R,touchdown\n%.3f,R,liftoff\n" % (c["touchdown_s"], c["liftoff_s"]))
    m = ",".join(side["channels"])
    js, cs = os.path.join(work, "santuz.json"), os.path.join(work, "santuz.csv")
    api.run("gait", wav, "--map", m, "--events", events, "--json", js, "--csv", cs, "--quiet")
    g = backline.gait(wav, map=m, events=events)
    with open(js) as f:
        doc = api.results(json.load(f))
    py = g.to_dict()
    for key in doc:
        api.same(py.get(key), doc[key], "gait(santuz).%s" % key, api.cjson if key == "parameters" else api.json_r4)
    rows = api.read_csv(cs)
    if len(rows) - 1 != len(g.rows()):
        api.fail("gait(santuz) CSV: %d rows, package %d" % (len(rows) - 1, len(g.rows())))
    print("python real gait: Santuz walk, %d cycles, %d muscles as the CLI's" % (len(g.cycles), len(g.muscles)))


for check in (check_envelope, check_onsets, check_quality, check_gait):
    check()
api.finish("python_real")
