"""The Python package against backline-analyse (run by test_python.sh):
every number the package returns must be the CLI's.

  hinge     the demo set with its six MVC trials: every repetition's
            verdict, reason, lean, firing order and every metric of the
            JSON report (the package's value rounded as the JSON rounds:
            4 decimals, C's round()), every cell of the CSV (the package's
            value printed as the CSV prints it, %.6g), the summary, the
            channels (states, quality, MVC references) and the parameters
            (exact); the DataFrame equals the CSV read by pandas
  envelope  float32 envelopes bit-equal to the CLI's WAV; channel names,
            rate and unit as the WAV carries them; the CSV's header
  quality   every check of every channel as in the JSON (exact)
  onsets    every burst of every channel as in the JSON (exact)
  gait      the synthetic walk's cycles and channel curves as in the JSON
  recordings  Recordings (load(path, rate=2000)) instead of paths give the
            same envelopes and hinge rows; markers survive save and load;
            every BL_API function of the headers is reachable through the
            generated cdef in the library
  errors    a missing file, a map that does not parse and one that does not
            fit raise the exception with the line the CLI prints
Usage: python_api.py TOOLS_DIR FIXTURES_DIR WORK_DIR
"""
import glob
import json
import math
import os
import re
import subprocess
import sys

try:
    import numpy as np
    import cffi  # noqa: F401
except ImportError as e:
    sys.stderr.write("SKIPPED: %s: the Python package needs python3-numpy and python3-cffi "
                     "(tools/debian-packages.txt; run tools/setup.sh)\n" % e)
    sys.exit(77)

import backline

tools = fixtures = work = analyse = None
failures = []


def setup(tools_dir, fixtures_dir, work_dir):
    """Where the tools, the fixtures and a scratch folder are (python_real.py
    imports this module's helpers too)."""
    global tools, fixtures, work, analyse
    tools, fixtures, work = tools_dir, fixtures_dir, work_dir
    analyse = os.path.join(tools, "backline-analyse")


def fail(msg):
    failures.append(msg)
    sys.stderr.write("FAIL: %s\n" % msg)


def run(*args, ok=True):
    p = subprocess.run([analyse] + list(args), capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise SystemExit("FAILED: backline-analyse %s: %s" % (" ".join(args), p.stderr))
    return p


def c_round4(v):
    """report_json.c's r4: round(v * 1e4) / 1e4 with C's round (half away from zero)."""
    y = v * 1e4
    r = math.floor(abs(y) + 0.5)
    if r - abs(y) > 0.5:  # abs(y) + 0.5 rounded up past the half
        r -= 1
    return math.copysign(r, y) / 1e4


def cjson(v):
    """What cJSON prints for a double (print_number): 15 significant digits
    when they read back within DBL_EPSILON of it, else 17."""
    s = "%1.15g" % v
    back = float(s)
    if abs(back - v) <= max(abs(back), abs(v)) * sys.float_info.epsilon:
        return back
    return float("%1.17g" % v)


def json_r4(v):
    return cjson(c_round4(v))


def same(py, js, where, rounding):
    """The package's value against the JSON's: null for NaN, numbers after
    `rounding`, containers key by key."""
    if isinstance(js, dict):
        if not isinstance(py, dict):
            return fail("%s: package has %r, JSON an object" % (where, py))
        if set(py) != set(js):
            fail("%s: keys differ: package %s, JSON %s" % (where, sorted(py), sorted(js)))
        for k in js:
            if k in py:
                same(py[k], js[k], "%s.%s" % (where, k), rounding)
    elif isinstance(js, list):
        if not isinstance(py, list) or len(py) != len(js):
            return fail("%s: package %r, JSON %r" % (where, py, js))
        for i, (a, b) in enumerate(zip(py, js)):
            same(a, b, "%s[%d]" % (where, i), rounding)
    elif js is None:
        if not (py is None or (isinstance(py, float) and math.isnan(py))):
            fail("%s: package %r, JSON null" % (where, py))
    elif isinstance(js, bool) or isinstance(js, str):
        if py != js:
            fail("%s: package %r, JSON %r" % (where, py, js))
    else:
        got = rounding(float(py)) if isinstance(py, (int, float)) else py
        if got != js:
            fail("%s: package %r (%r as printed), JSON %r" % (where, py, got, js))


# Keys of the CLI's documents that describe the document, not results the
# package returns (the JSON schemas' version, issue 13 part 4).
DOCUMENT_KEYS = {"schema_version"}


def results(doc):
    """The CLI's JSON document without DOCUMENT_KEYS."""
    return {k: v for k, v in doc.items() if k not in DOCUMENT_KEYS}


def csv_cell(v):
    """report_csv.c's cell: %.6g, empty for NaN."""
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return "%d" % v
    return "%.6g" % v if math.isfinite(v) else ""


def read_csv(path):
    import csv
    with open(path, newline="") as f:
        return list(csv.reader(f))


def check_hinge():
    session = os.path.join(fixtures, "demo", "session.wav")
    mvc = sorted(glob.glob(os.path.join(fixtures, "demo", "mvc_*.wav")))
    if len(mvc) != 6:
        raise SystemExit("FAILED: fixtures/demo lacks its six MVC trials")
    js, cs = os.path.join(work, "hinge.json"), os.path.join(work, "hinge.csv")
    args = ["hinge", session]
    for m in mvc:
        args += ["--mvc", m]
    run(*args, "--json", js, "--csv", cs, "--quiet")
    h = backline.hinge(session, mvc=mvc)
    with open(js) as f:
        doc = json.load(f)
    if len(h.reps) != 5 or len(doc["reps"]) != 5:
        fail("hinge: %d reps from the package, %d in the JSON (the demo has 5)" % (len(h.reps), len(doc["reps"])))
    py = h.to_dict()
    for key in ("tool", "session", "channels", "reps", "summary", "warnings"):
        same(py[key], doc[key], "hinge." + key, json_r4)
    same(py["parameters"], doc["parameters"], "hinge.parameters", cjson)
    verdicts = [r["chain"] for r in doc["reps"]]
    if h.verdicts != verdicts:
        fail("hinge verdicts: package %s, CLI %s" % (h.verdicts, verdicts))
    rows = read_csv(cs)
    header, body = rows[0], rows[1:]
    mine = h.rows()
    if len(mine) != len(body):
        fail("hinge CSV: %d rows, package %d" % (len(body), len(mine)))
    for i, (row, m) in enumerate(zip(body, mine)):
        if list(m.keys()) != header:
            fail("hinge CSV header %s, package %s" % (header, list(m.keys())))
            break
        for col, cell in zip(header, row):
            if csv_cell(m[col]) != cell:
                fail("hinge CSV row %d %s: %r, package %r" % (i + 1, col, cell, csv_cell(m[col])))
    for metric in ("mean_pct_mvc", "peak_pct_mvc", "iemg_pct_mvc_s", "onset_s", "median_freq_hz"):
        col = header.index(metric)
        want = [r[col] for r in body]
        got = [csv_cell(float(v)) for v in h.metric(metric).ravel()]
        if got != want:
            fail("hinge metric(%s): %s, CSV %s" % (metric, got[:6], want[:6]))
    if backline.HAVE_PANDAS:
        import pandas as pd
        df, ref = h.dataframe(), pd.read_csv(cs)
        if list(df.columns) != list(ref.columns) or len(df) != len(ref):
            fail("hinge DataFrame: columns or rows differ from the CSV")
        else:
            for col in ref.columns:
                a, b = df[col].to_numpy(), ref[col].to_numpy()
                if a.dtype.kind == "f":
                    printed = np.array([float(csv_cell(x)) if math.isfinite(x) else np.nan for x in a])
                    if not np.array_equal(printed, b.astype(float), equal_nan=True):
                        fail("hinge DataFrame column %s differs from the CSV" % col)
                elif [str(x) for x in a] != [str(x) for x in b]:
                    fail("hinge DataFrame column %s differs from the CSV" % col)
    else:
        sys.stderr.write("SKIPPED PART: python3-pandas is not installed: the hinge DataFrame is not compared "
                         "with the CSV (tools/debian-packages.txt lists it)\n")
    print("python hinge: %d reps (%s), %d CSV rows, JSON and CSV numbers equal the CLI's"
          % (len(h.reps), ",".join(h.verdicts), len(body)))
    # Without trials (the session's peak, leans and drift instead of
    # verdicts), on a 48 kHz 24-bit set decimated while read, with options.
    synth = os.path.join(tools, "backline-synth")
    fast = os.path.join(work, "fast48")
    p = subprocess.run([synth, "hinge", "-o", fast, "--rate", "48000", "--format", "pcm24", "--reps", "4",
                        "--pattern", "drift", "--no-mvc", "--seed", "5"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("FAILED: backline-synth hinge: %s" % p.stderr)
    session = os.path.join(fast, "session.wav")
    js = os.path.join(work, "hinge48.json")
    run("hinge", session, "--json", js, "--notch", "50", "--ecg", "remove", "--chain", "GMAX=none", "--quiet")
    h = backline.hinge(session, notch=50, ecg="remove", chain="GMAX=none")
    with open(js) as f:
        doc = json.load(f)
    py = h.to_dict()
    for key in ("channels", "reps", "summary", "warnings"):
        same(py[key], doc[key], "hinge48." + key, json_r4)
    same(py["parameters"], doc["parameters"], "hinge48.parameters", cjson)
    if not doc["reps"] or any(r["chain"] != "unknown" for r in doc["reps"]):
        fail("hinge48: want repetitions, all unknown without trials: %s" % [r["chain"] for r in doc["reps"]])
    print("python hinge: 48 kHz set without trials, %d reps (leans %s) as the CLI's"
          % (len(h.reps), ",".join(r["lean"] for r in h.reps)))


def check_envelope():
    session = os.path.join(fixtures, "demo", "session.wav")
    wav, csv = os.path.join(work, "env.wav"), os.path.join(work, "env.csv")
    run("envelope", session, "-o", wav, "--quiet")
    run("envelope", session, "--notch", "off", "--lowpass", "8", "-o", csv, "--quiet")
    env = backline.envelope(session)
    demo_shape = env.data.shape
    cli = backline.load(wav)
    if cli.data.shape != env.data.shape or not np.array_equal(cli.data.view(np.uint32), env.data.view(np.uint32)):
        fail("envelope: the package's float32 envelopes are not the CLI's WAV to the bit")
    if cli.channels != env.channels or cli.rate != env.rate or cli.unit != env.unit:
        fail("envelope: channels/rate/unit %s %g %s, CLI's WAV %s %g %s"
             % (env.channels, env.rate, env.unit, cli.channels, cli.rate, cli.unit))
    header = read_csv(csv)[0]
    env2 = backline.envelope(session, notch="off", lowpass=8)
    if header != ["time_s"] + env2.channels:
        fail("envelope CSV header %s, package %s" % (header, env2.channels))
    rows = read_csv(csv)[1:]
    worst = max(abs(float(rows[i][k + 1]) - env2.data[k, i]) / max(abs(float(env2.data[k, i])), 1e-30)
                for i in range(0, len(rows), 997) for k in range(len(env2.channels)))
    if worst > 5e-7:  # the CSV prints 7 significant digits
        fail("envelope CSV (notch off, 8 Hz): relative difference %.3g beyond its 7 digits" % worst)
    # Past 3 minutes the CLI envelopes in blocks (bl_envelope_spool), and a
    # 48 kHz file is decimated while read: the package must join the same
    # blocks the same way.
    synth = os.path.join(tools, "backline-synth")
    made = [(os.path.join(work, "long", "rest.wav"), [synth, "rest", "-o", os.path.join(work, "long"),
                                                      "--duration", "400"]),
            (os.path.join(work, "fast", "session.wav"), [synth, "hinge", "-o", os.path.join(work, "fast"), "--rate",
                                                         "48000", "--format", "pcm24", "--reps", "2", "--no-mvc"])]
    for path, cmd in made:
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("FAILED: %s: %s" % (" ".join(cmd), p.stderr))
        out = path + ".env.wav"
        run("envelope", path, "-o", out, "--quiet")
        env, cli = backline.envelope(path), backline.load(out)
        if cli.data.shape != env.data.shape or not np.array_equal(cli.data.view(np.uint32), env.data.view(np.uint32)):
            fail("envelope of %s (%d blocks): not the CLI's WAV to the bit" % (path, env.report["blocks"]))
        print("python envelope: %s, %d block(s), %d x %d frames bit-equal to the CLI's"
              % (os.path.basename(os.path.dirname(path)), env.report["blocks"], *env.data.shape))
    print("python envelope: demo %d channels x %d frames bit-equal to the CLI's WAV; options match the CSV"
          % demo_shape)


def check_calibration():
    """load(unit=/scale=) is the CLI's --unit/--scale: a file without gains
    gives the CLI's envelopes in uV, and says where the gains came from; a
    file with its own calibration refuses them."""
    from scipy.io import wavfile
    raw = os.path.join(work, "nogain.wav")
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((2000 * 20, 2)) * 3000 * (1 + np.sin(np.arange(2000 * 20) / 2000.0)[:, None]))
    wavfile.write(raw, 2000, x.astype(np.int16))
    out = os.path.join(work, "nogain.env.wav")
    run("envelope", raw, "--map", "L.ST,L.BF", "--unit", "mV", "-o", out, "--quiet")
    rec = backline.load(raw, map="L.ST,L.BF", rate=2000, unit="mV")
    env, cli = backline.envelope(rec), backline.load(out)
    if env.unit != "uV" or not np.array_equal(cli.data.view(np.uint32), env.data.view(np.uint32)):
        fail("load(unit='mV'): envelopes (%s) not the CLI's --unit mV WAV to the bit" % env.unit)
    if env.parameters.get("amplitude_calibration") != "unit=mV given to backline.load":
        fail("load(unit='mV'): the parameters do not say where the gains came from: %r"
             % env.parameters.get("amplitude_calibration"))
    one = backline.envelope(backline.load(raw, map="L.ST,L.BF", rate=2000, scale=[1000, 1000]))
    if not np.array_equal(one.data, env.data):
        fail("load(scale=[1000, 1000]) differs from unit='mV'")
    try:
        backline.load(os.path.join(fixtures, "demo", "session.wav"), unit="mV")
        fail("load(unit=) on a file with stored gains did not raise")
    except backline.BacklineError as e:
        if "carries its own calibration" not in str(e):
            fail("load(unit=) on a calibrated file: %s" % e)
    for bad in ({"unit": "kV"}, {"scale": 0}, {"scale": [1, 2, 3]}, {"scale": 1, "unit": "mV"}):
        try:
            backline.load(raw, **bad)
            fail("load(%s) did not raise" % bad)
        except backline.BacklineError:
            pass
    print("python calibration: load(unit='mV') gives the CLI's --unit mV envelopes to the bit; bad values raise")


def check_quality():
    session = os.path.join(fixtures, "demo", "session.wav")
    js = os.path.join(work, "quality.json")
    run("quality", session, "--json", js)
    q = backline.quality(session)
    with open(js) as f:
        doc = json.load(f)
    same(q.to_dict(), results(doc), "quality", cjson)
    print("python quality: %d channels, grades %s as the CLI's" % (len(q.channels), q.grades))


def check_onsets():
    session = os.path.join(fixtures, "demo", "session.wav")
    total = 0
    for method, extra in (("baseline", []), ("double", []), ("tkeo", ["--backtrack-k", "off"])):
        js = os.path.join(work, "onsets_%s.json" % method)
        run("onsets", session, "--method", method, *extra, "--json", js)
        o = backline.onsets(session, method=method, backtrack_k="off" if extra else None)
        with open(js) as f:
            doc = json.load(f)
        same(o.to_dict(), results(doc), "onsets(%s)" % method, cjson)
        total += sum(ch["count"] for ch in o.channels)
    if total == 0:
        fail("onsets: no bursts at all on the demo set (nothing was compared)")
    print("python onsets: %d bursts over three methods as the CLI's" % total)


def check_gait():
    synth = os.path.join(tools, "backline-synth")
    walk = os.path.join(work, "walk")
    p = subprocess.run([synth, "gait", "-o", walk, "--strides", "8", "--seed", "3"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("FAILED: backline-synth gait: %s" % p.stderr)
    session = os.path.join(walk, "session.wav")
    mvc = sorted(glob.glob(os.path.join(walk, "mvc_*.wav")))
    formats = {"start_s": "%.4f", "liftoff_s": "%.4f", "end_s": "%.4f", "phase_pct": "%.3f", "value": "%.6g"}
    runs = (("footswitch", ["--footswitch", "R.AUX"] + sum((["--mvc", m] for m in mvc), []),
             dict(footswitch="R.AUX", mvc=mvc)),
            ("events", ["--events", os.path.join(walk, "events.csv"), "--normalise", "cycle"],
             dict(events=os.path.join(walk, "events.csv"), normalise="cycle")))
    for name, args, kw in runs:
        js, cs = os.path.join(work, "gait_%s.json" % name), os.path.join(work, "gait_%s.csv" % name)
        run("gait", session, *args, "--json", js, "--csv", cs, "--quiet")
        g = backline.gait(session, **kw)
        with open(js) as f:
            doc = json.load(f)
        if len(doc["cycles"]) < 6:
            fail("gait %s: only %d cycles in the CLI's JSON" % (name, len(doc["cycles"])))
        py = g.to_dict()
        for key in results(doc):
            if key != "parameters":
                same(py.get(key), doc[key], "gait(%s).%s" % (name, key), json_r4)
        same(py["parameters"], doc["parameters"], "gait(%s).parameters" % name, cjson)
        rows = read_csv(cs)
        mine = g.rows()
        if len(mine) != len(rows) - 1 or (mine and list(mine[0]) != rows[0]):
            fail("gait %s CSV: %d rows %s, package %d" % (name, len(rows) - 1, rows[0], len(mine)))
        bad = 0
        for row, m in zip(rows[1:], mine):
            for col, cell in zip(rows[0], row):
                v = m[col]
                printed = formats[col] % v if col in formats else csv_cell(v) if not isinstance(v, str) else v
                if printed != cell:
                    bad += 1
                    if bad <= 5:
                        fail("gait %s CSV %s: %r, package %r" % (name, col, cell, printed))
        print("python gait (%s): %d cycles, %d muscles, %d CSV rows as the CLI's"
              % (name, len(g.cycles), len(g.muscles), len(mine)))


def check_recordings():
    """Recordings given instead of paths (loaded at the analysis rate) give
    the same numbers; markers survive a save and load; the cdef declares
    every BL_API function of the headers and the library has each."""
    session = os.path.join(fixtures, "demo", "session.wav")
    mvc = sorted(glob.glob(os.path.join(fixtures, "demo", "mvc_*.wav")))
    rec = backline.load(session, rate=2000)
    a, b = backline.envelope(rec), backline.envelope(session)
    if not np.array_equal(a.data.view(np.uint32), b.data.view(np.uint32)):
        fail("envelope of a Recording differs from the envelope of its path")
    h1 = backline.hinge(rec, mvc=[backline.load(m, rate=2000) for m in mvc])
    h2 = backline.hinge(session, mvc=mvc)
    if json.dumps(h1.rows()) != json.dumps(h2.rows()):  # (NaN != NaN: compare as text)
        fail("hinge of Recordings differs from hinge of their paths")
    arr = backline.Recording.from_array(rec.data, rec.rate, map=rec.map)
    if not np.array_equal(backline.envelope(arr).data.view(np.uint32), a.data.view(np.uint32)):
        fail("envelope of Recording.from_array(load(...).data) differs from the file's")
    if rec.data.shape != (6, rec.frames) or rec.data.dtype != np.float32 or rec.unit != "uV":
        fail("load: data %s %s, unit %s (want 6 x frames float32 in uV)" % (rec.data.shape, rec.data.dtype, rec.unit))
    # A marker written through the library comes back through load().
    lib, ffi = backline.lib, backline.ffi
    out, why = ffi.new("bl_recording **"), ffi.new("char[]", 512)
    if lib.bl_recording_load(session.encode(), out, why, 512) != lib.BL_OK:
        raise SystemExit("FAILED: bl_recording_load through backline.lib")
    ptr = ffi.gc(out[0], lib.bl_recording_destroy)
    marked = os.path.join(work, "marked.wav")
    if (lib.bl_recording_add_marker(ptr, 1.25, b"mark") != lib.BL_OK or
            lib.bl_recording_save(ptr, marked.encode(), lib.BL_FORMAT_PCM16, why, 512) != lib.BL_OK):
        raise SystemExit("FAILED: saving a marked copy: %s" % ffi.string(why).decode())
    if backline.load(marked).markers != [(1.25, "mark")]:
        fail("markers: %s, want [(1.25, 'mark')]" % backline.load(marked).markers)
    include = os.path.join(os.path.dirname(fixtures), "include", "backline")
    text = " ".join(open(os.path.join(include, h)).read() for h in sorted(os.listdir(include)) if h.endswith(".h"))
    declared = set(re.findall(r"BL_API\s[^;(]*?\b(bl_[A-Za-z0-9_]+)\s*\(", text))
    missing = [name for name in sorted(declared) if not hasattr(lib, name)]
    if len(declared) < 200 or missing:
        fail("cdef/library: %d BL_API functions declared, %d not reachable: %s"
             % (len(declared), len(missing), ", ".join(missing[:10])))
    # Without pandas the numbers are all there and dataframe() says what is missing.
    code = ("import sys; sys.modules['pandas'] = None\n"
            "import glob, backline\n"
            "h = backline.hinge(sys.argv[1], mvc=sorted(glob.glob(sys.argv[2])))\n"
            "assert not backline.HAVE_PANDAS and len(h.rows()) == 30 and h.verdicts == ['internal'] * 5\n"
            "try:\n    h.dataframe()\nexcept ImportError as e:\n    print(e)\nelse:\n    sys.exit('no ImportError')\n")
    p = subprocess.run([sys.executable, "-c", code, session, os.path.join(fixtures, "demo", "mvc_*.wav")],
                       capture_output=True, text=True)
    if p.returncode != 0 or "python3-pandas" not in p.stdout:
        fail("without pandas: %s %s" % (p.stdout.strip(), p.stderr.strip()[-300:]))
    print("python recordings: Recording inputs (files, from_array) as paths; markers; without pandas; %d BL_API "
          "functions reachable" % len(declared))


def check_errors():
    missing = os.path.join(work, "no-such-file.wav")
    p = run("envelope", missing, "-o", os.path.join(work, "x.wav"), ok=False)
    try:
        backline.envelope(missing)
        fail("envelope of a missing file raised nothing")
    except backline.FileError as e:
        if p.stderr.strip() != "backline-analyse: %s" % e:
            fail("missing file: CLI %r, package %r" % (p.stderr.strip(), str(e)))
    session = os.path.join(fixtures, "demo", "session.wav")
    for bad, prefix in (("L.ST,L.XX,L.GMAX,L.ES,L.EO,L.VL", "--map: "), ("L.ST,L.BF", "")):
        p = run("hinge", session, "--map", bad, "--json", os.path.join(work, "x.json"), ok=False)
        try:
            backline.hinge(session, map=bad)
            fail("hinge with map %s raised nothing" % bad)
        except backline.MapError as e:
            if p.stderr.strip() != "backline-analyse: %s%s" % (prefix, e):
                fail("map %s: CLI %r, package %r" % (bad, p.stderr.strip(), str(e)))
    not_audio = os.path.join(fixtures, "demo", "truth.json")
    p = run("quality", not_audio, ok=False)
    try:
        backline.quality(not_audio)
        fail("quality of a JSON file raised nothing")
    except backline.FormatError as e:
        if p.stderr.strip() != "backline-analyse: %s" % e:
            fail("not audio: CLI %r, package %r" % (p.stderr.strip(), str(e)))
    try:
        backline.envelope(session, bandpass=(20, 1200))
        fail("a band-pass above Nyquist raised nothing")
    except backline.InvalidArgumentError as e:
        p = run("envelope", session, "--bandpass", "20:1200", "-o", os.path.join(work, "x.csv"), ok=False)
        if p.stderr.strip() != "backline-analyse: %s" % e:
            fail("band above Nyquist: CLI %r, package %r" % (p.stderr.strip(), str(e)))
    try:
        backline.envelope(session, lowpass=1e-6)
        fail("a low-pass at 1e-6 Hz raised nothing")
    except backline.InvalidArgumentError as e:
        p = run("envelope", session, "--lowpass", "1e-06", "-o", os.path.join(work, "x.csv"), ok=False)
        if p.stderr.strip() != "backline-analyse: %s" % e:
            fail("degenerate low-pass: CLI %r, package %r" % (p.stderr.strip(), str(e)))
    print("python errors: a missing file, a file that is not audio, bad maps, a band above Nyquist and a "
          "degenerate low-pass raise with the CLI's lines")


def finish(name):
    if failures:
        print("%s: %d failure(s)" % (name, len(failures)), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    setup(*sys.argv[1:4])
    for check in (check_hinge, check_envelope, check_calibration, check_quality, check_onsets, check_gait, check_recordings,
                  check_errors):
        check()
    finish("python_api")
