"""Where gait() gets its events, by the rules of tools/analyse/gait_events.c:
the events CSV parsed by the library, the recording's markers (1-4:
touchdown and lift-off, right then left leg), or AUX channels
(footswitches, knee goniometers) detected by it, one a leg, merged and
validated."""
import errno as _errno
import os

from ._errors import BacklineError, FileError, InvalidArgumentError
from ._lib import WHY_LEN, ffi, lib, text, why_buffer
from ._recording import entry_name
from ._status import check, error

# An events file is a few lines a stride (EVENTS_MAX_BYTES in gait_events.c).
_EVENTS_MAX_BYTES = 16 << 20


def _events_destroyer(ptr):
    return ffi.gc(ptr, lib.bl_gait_events_destroy)


def from_file(path, rec):
    try:
        with open(path, "rb") as f:
            data = f.read(_EVENTS_MAX_BYTES + 1)
    except OSError as e:
        raise FileError("%s: cannot open: %s" % (path, os.strerror(e.errno or _errno.EIO)), int(lib.BL_EIO))
    if len(data) > _EVENTS_MAX_BYTES:
        raise FileError("%s: cannot read (too large or out of memory)" % path, int(lib.BL_EIO))
    if b"\0" in data:
        raise BacklineError("%s: not a text file (a NUL byte)" % path)
    out, why = ffi.new("bl_gait_events **"), why_buffer()
    st = lib.bl_gait_events_parse_csv(data, lib.bl_recording_duration(rec._ptr), out, why, WHY_LEN)
    if st != lib.BL_OK:
        raise error(st, "%s: %s" % (path, text(why) or text(lib.bl_strerror(st))))
    return _events_destroyer(out[0])


def from_markers(path, rec):
    out = ffi.new("bl_gait_events **")
    check(lib.bl_gait_events_create(out))
    ev = _events_destroyer(out[0])
    used = 0
    for t, label in rec.markers:
        if len(label) != 1 or not "1" <= label <= "4":
            continue
        k = ord(label) - ord("1")
        check(lib.bl_gait_events_add(ev, t, lib.BL_SIDE_RIGHT if k < 2 else lib.BL_SIDE_LEFT,
                                     lib.BL_GAIT_LIFTOFF if k % 2 else lib.BL_GAIT_TOUCHDOWN))
        used += 1
    if not used:
        raise error(lib.BL_ENODATA, "%s: --events markers: none of its %d markers is 1-4 (touchdown/lift-off, right "
                    "then left leg; backline-analyse info lists them)" % (path, len(rec.markers)))
    why = why_buffer()
    st = lib.bl_gait_events_validate(ev, lib.bl_recording_duration(rec._ptr), why, WHY_LEN)
    if st != lib.BL_OK:
        raise error(st, "%s: --events markers: %s" % (path, text(why) or text(lib.bl_strerror(st))))
    return ev


def _parse_aux(option, spec, rec):
    """"14", "R.AUX", "14:L": the channel (0-based) and side (parse_aux)."""
    name, _, side_text = spec.rpartition(":") if ":" in spec else (spec, None, None)
    if not name or len(name) >= 64:
        raise InvalidArgumentError("%s %s: expected CH[:SIDE]" % (option, spec))
    m = lib.bl_recording_chanmap(rec._ptr)
    n = int(lib.bl_recording_channels(rec._ptr))
    c = n
    if name.isdigit():
        c = int(name) - 1 if 1 <= int(name) <= n else n
    for i in range(n):
        if c != n or m == ffi.NULL:
            break
        if entry_name(m, i) == name:
            c = i
    if c == n:
        raise InvalidArgumentError("%s %s: no channel %s (a number 1-%d or a map name)" % (option, spec, name, n))
    if m == ffi.NULL or lib.bl_chanmap_muscle(m, c) != lib.BL_MUSCLE_AUX:
        raise InvalidArgumentError("%s %s: channel %d is not mapped AUX (it would be conditioned as EMG)"
                                   % (option, spec, c + 1))
    side = lib.bl_chanmap_side(m, c)
    if side_text == "L":
        side = lib.BL_SIDE_LEFT
    elif side_text == "R":
        side = lib.BL_SIDE_RIGHT
    elif side_text is not None:
        raise InvalidArgumentError("%s %s: side \"%s\" is not L or R" % (option, spec, side_text))
    return c, side


def from_aux(option, specs, rec):
    merged = None
    for spec in specs:
        c, side = _parse_aux(option, spec, rec)
        x = lib.bl_recording_cdata(rec._ptr, c)
        out, why = ffi.new("bl_gait_events **"), why_buffer()
        if option == "--knee":
            kcfg = ffi.new("bl_gait_knee_config *")
            lib.bl_gait_knee_config_default(kcfg)
            st = lib.bl_gait_events_from_knee(x, rec.frames, rec.rate, side, c, kcfg, out, why, WHY_LEN)
        else:
            fcfg = ffi.new("bl_gait_footswitch_config *")
            lib.bl_gait_footswitch_config_default(fcfg)
            st = lib.bl_gait_events_from_footswitch(x, rec.frames, rec.rate, side, c, fcfg, out, why, WHY_LEN)
        if st != lib.BL_OK:
            raise error(st, "%s %s: %s" % (option, spec, text(why) or text(lib.bl_strerror(st))))
        one = _events_destroyer(out[0])
        if merged is None:
            merged = one
            continue
        both = ffi.new("bl_gait_events **")
        st = lib.bl_gait_events_merge(merged, one, both)
        if st != lib.BL_OK:
            raise error(st, "%s %s: %s" % (option, spec, "at most four channels" if st == lib.BL_ERANGE
                                          else text(lib.bl_strerror(st))))
        merged = _events_destroyer(both[0])
    why = why_buffer()
    st = lib.bl_gait_events_validate(merged, lib.bl_recording_duration(rec._ptr), why, WHY_LEN)
    if st != lib.BL_OK:
        raise error(st, "%s: %s" % (option, text(why) or text(lib.bl_strerror(st))))
    return merged
