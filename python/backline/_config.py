"""The conditioning options of envelope, onsets, hinge and gait, as the
command line takes them (tools/common/conditioning_args.c): every default
is the library's own (bl_envelope_config_default and the other
*_config_default functions), an option given replaces one field, and the
checks are the command line's, with its messages."""
from ._errors import InvalidArgumentError
from ._status import error
from ._lib import CONSTANTS, ffi, lib, text

_NOTCH = {"auto": "BL_NOTCH_AUTO", "off": "BL_NOTCH_OFF", "50": "BL_NOTCH_50", "60": "BL_NOTCH_60"}


def _usage(message):
    return InvalidArgumentError(message)


def _number(name, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _usage("%s %r: expected a number" % (name, v))
    return float(v)


def fill_envelope(cfg, rate=None, bandpass=None, order=None, notch=None, ecg=None, lowpass=None, threads=None):
    """Options into a bl_envelope_config already at its defaults."""
    if rate is not None:
        cfg.rate_hz = _number("rate", rate)
        if not cfg.rate_hz > 0:
            raise _usage("--rate %g: expected a positive sample rate in Hz" % cfg.rate_hz)
    if bandpass is not None:
        try:
            lo, hi = (_number("bandpass", x) for x in bandpass)
        except (TypeError, ValueError):
            raise _usage("--bandpass %r: expected (LO, HI) in Hz with 0 < LO < HI, e.g. (20, 450)" % (bandpass,))
        if not (lo > 0 and hi > lo):
            raise _usage("--bandpass %g:%g: expected LO:HI in Hz with 0 < LO < HI, e.g. 20:450" % (lo, hi))
        cfg.bandpass_lo_hz, cfg.bandpass_hi_hz = lo, hi
    if order is not None:
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 8:
            raise _usage("--order %s: expected a Butterworth order from 1 to 8" % (order,))
        cfg.bandpass_order = order
    if notch is not None:
        key = str(notch)
        if key not in _NOTCH:
            raise _usage("--notch %s: expected auto, off, 50 or 60" % (notch,))
        cfg.notch = getattr(lib, _NOTCH[key])
    if ecg is not None:
        m = lib.bl_ecg_mode_from_name(str(ecg).encode())
        if m < 0:
            raise _usage("--ecg %s: expected auto, remove or off" % (ecg,))
        cfg.ecg = m
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int) or not 0 <= threads <= 64:
            raise _usage("--threads %s: expected 0 (one per core) to 64" % (threads,))
        cfg.threads = threads
    if lowpass is not None:
        cfg.lowpass_hz = _number("lowpass", lowpass)
        if not cfg.lowpass_hz > 0:
            raise _usage("--lowpass %g: expected a positive frequency in Hz" % cfg.lowpass_hz)
    if cfg.rate_hz < CONSTANTS["BL_MIN_EMG_RATE_HZ"]:
        raise _usage("--rate %g: an analysis rate below %g Hz is too low for surface EMG"
                     % (cfg.rate_hz, CONSTANTS["BL_MIN_EMG_RATE_HZ"]))
    if not cfg.bandpass_hi_hz < cfg.rate_hz / 2:
        raise _usage("--bandpass %g:%g: the upper corner must be below half the analysis rate (%g Hz at --rate %g)"
                     % (cfg.bandpass_lo_hz, cfg.bandpass_hi_hz, cfg.rate_hz / 2, cfg.rate_hz))
    return cfg


def check_design(option, value, order, band, f1, f2, rate):
    """tool_check_design (conditioning_args.c): a Butterworth design the
    library makes but that fails its own definition at this rate (unity
    passband gain, -3 dB at the corners, to 1 %: a corner too near 0 Hz or
    Nyquist) is refused, with the CLI's line. Designs the library refuses
    pass here: conditioning says why."""
    room = CONSTANTS["BL_BUTTER_MAX_ORDER"]
    sos = ffi.new("double[]", CONSTANTS["BL_SOS_WIDTH"] * room)
    n = ffi.new("size_t *")
    if lib.bl_butter_design(order, band, f1, f2, rate, sos, room, n) != lib.BL_OK:
        return
    bandpass = band == lib.BL_BANDPASS
    probes = [((f1 * f2) ** 0.5 if bandpass else 0.0, 1.0), (f1, 0.5 ** 0.5), (f2, 0.5 ** 0.5)][:3 if bandpass else 2]
    for f, want in probes:
        g = lib.bl_sos_gain(sos, n[0], f, rate)
        if g == g and abs(g - want) <= 0.01 * want and abs(g) != float("inf"):
            continue
        what = ("the order-%d Butterworth band-pass %.10g-%.10g Hz" % (order, f1, f2) if bandpass
                else "the order-%d Butterworth low-pass at %.10g Hz" % (order, f1))
        raise _usage("%s %s: %s cannot be designed reliably at the %g Hz analysis rate (gain %.3g instead of %.3g "
                     "at %.10g Hz); move it away from 0 Hz and from half the rate"
                     % (option, value, what, rate, g, want, f))


def check_designs(cfg, with_lowpass):
    """The band-pass and (with_lowpass) the envelope low-pass of cfg at its
    analysis rate (tool_check_conditioning_designs), named as options."""
    check_design("--bandpass", "%g:%g" % (cfg.bandpass_lo_hz, cfg.bandpass_hi_hz), cfg.bandpass_order,
                  lib.BL_BANDPASS, cfg.bandpass_lo_hz, cfg.bandpass_hi_hz, cfg.rate_hz)
    if with_lowpass:
        check_design("--lowpass", "%g" % cfg.lowpass_hz, cfg.lowpass_order, lib.BL_LOWPASS, cfg.lowpass_hz, 0.0,
                      cfg.rate_hz)


def conditioning_error(path, st, cfg):
    """A failure of bl_condition / bl_envelope_*: the library says only the
    status there; the CLI's fuller lines (tool_conditioning_error_at) rest
    on the tool's context, so this says the status and the settings."""
    return error(st, "%s: conditioning failed: %s (rate %g Hz, band %g-%g Hz, low-pass %g Hz)"
                 % (path, text(lib.bl_strerror(st)), cfg.rate_hz, cfg.bandpass_lo_hz, cfg.bandpass_hi_hz,
                    cfg.lowpass_hz))


def envelope_config(**options):
    cfg = ffi.new("bl_envelope_config *")
    lib.bl_envelope_config_default(cfg)
    fill_envelope(cfg, **options)
    check_designs(cfg, True)
    return cfg


def describe(fill):
    """A bl_doc tree filled by `fill(doc)` (a *_describe call) as Python
    dicts, lists, numbers and strings."""
    d = ffi.new("bl_doc **")
    lib.bl_doc_create(d)
    try:
        fill(d[0])
        return doc_value(d[0])
    finally:
        lib.bl_doc_destroy(d[0])


def doc_value(node):
    t = lib.bl_doc_type_of(node)
    if t == lib.BL_DOC_OBJECT:
        out = {}
        for i in range(int(lib.bl_doc_count(node))):
            child = lib.bl_doc_child(node, i)
            out[text(lib.bl_doc_key(child))] = doc_value(child)
        return out
    if t == lib.BL_DOC_ARRAY:
        return [doc_value(lib.bl_doc_child(node, i)) for i in range(int(lib.bl_doc_count(node)))]
    if t == lib.BL_DOC_STRING:
        return text(lib.bl_doc_string(node))
    if t == lib.BL_DOC_NUMBER:
        return float(lib.bl_doc_number(node))
    if t == lib.BL_DOC_BOOL:
        return bool(lib.bl_doc_bool(node))
    return None
