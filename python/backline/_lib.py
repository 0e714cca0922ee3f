"""Finding and opening libbackline.so through cffi in ABI mode.

The declarations (the cdef) are never written here: the build makes them
from include/backline/*.h (python/cdef.cmake) and keeps them beside the
library, so the package reads exactly what the library was built from.

Where the library is looked for, first found wins:
  1. BACKLINE_LIBRARY, a path to libbackline.so;
  2. _installed.py, written by `cmake --install` beside this file;
  3. the source tree's build folder (<checkout>/build/dsp/libbackline.so),
     when the package is imported from python/ of a built checkout;
  4. libbackline.so.0 in a folder of LD_LIBRARY_PATH, then in the dynamic
     linker's cache (ldconfig -p: an install into /usr/local after ldconfig).
The cdef comes from BACKLINE_CDEF, else _installed.py, else beside the
library (a build folder), else share/backline/ beside its lib/ (an
installed prefix).
"""
import os
import subprocess

import cffi

from ._errors import BacklineError

_HERE = os.path.dirname(os.path.abspath(__file__))
# The SONAME: SOVERSION is the project's major version (dsp/CMakeLists.txt).
_SONAME = "libbackline.so.0"


def _installed():
    try:
        from . import _installed as inst
    except ImportError:
        return None, None
    return (os.path.normpath(os.path.join(_HERE, inst.LIBRARY)),
            os.path.normpath(os.path.join(_HERE, inst.CDEF)))


def _library_candidates():
    env = os.environ.get("BACKLINE_LIBRARY")
    if env:
        return [env], True
    found = []
    lib, _ = _installed()
    if lib:
        found.append(lib)
    found.append(os.path.join(os.path.dirname(os.path.dirname(_HERE)), "build", "dsp", "libbackline.so"))
    return found, False


def _find_library():
    candidates, forced = _library_candidates()
    for path in candidates:
        if os.path.exists(path):
            return path
    if forced:
        raise BacklineError("BACKLINE_LIBRARY=%s: no such file" % candidates[0])
    for d in os.environ.get("LD_LIBRARY_PATH", "").split(":"):
        if d and os.path.exists(os.path.join(d, _SONAME)):
            return os.path.join(d, _SONAME)
    cached = _ldconfig_path(_SONAME)
    if cached:
        return cached
    raise BacklineError("cannot find libbackline.so: build the tree (cmake --build build), install it "
                        "(cmake --install build) or set BACKLINE_LIBRARY to its path")


def _ldconfig_path(soname):
    """Where the dynamic linker's cache (ldconfig) has `soname`, or None
    (a path, not a bare name: the cdef is found beside it)."""
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in out.splitlines():
            name, _, path = line.strip().partition(" => ")
            if name.split(" ")[0] == soname and os.path.exists(path):
                return path
    return None


def _find_cdef(library):
    env = os.environ.get("BACKLINE_CDEF")
    if env:
        return env
    _, cdef = _installed()
    here = os.path.dirname(os.path.abspath(library))
    candidates = [cdef] if cdef else []
    candidates += [os.path.join(here, "backline.cdef"),
                   os.path.join(os.path.dirname(here), "share", "backline", "backline.cdef")]
    for path in candidates:
        if path and os.path.exists(path):
            return path
    raise BacklineError("cannot find backline.cdef (the declarations the build makes beside %s); "
                        "set BACKLINE_CDEF to its path" % library)


def _open():
    library = _find_library()
    cdef_path = _find_cdef(library)
    with open(cdef_path, encoding="utf-8") as f:
        text = f.read()
    ffi = cffi.FFI()
    ffi.cdef(text)
    lib = ffi.dlopen(library)
    # The first line names the version the cdef was made for; another
    # library's structures might differ.
    want = text.split()[2] if text.startswith("/* backline ") else "?"
    have = ffi.string(lib.bl_version()).decode()
    if have != want:
        raise BacklineError("%s is backline %s but %s was made for %s" % (library, have, cdef_path, want))
    return ffi, lib, library, cdef_path, _constants(text)


def _constants(text):
    """The headers' numeric macros, from the cdef's second line."""
    out = {}
    for line in text.splitlines()[:3]:
        if line.startswith("/* constants: "):
            for pair in line[len("/* constants: "):-len(" */")].split():
                name, value = pair.split("=", 1)
                out[name] = float(value) if any(ch in value for ch in ".eE") else int(value)
    return out


ffi, lib, LIBRARY_PATH, CDEF_PATH, CONSTANTS = _open()


def text(ptr):
    """A C string as str ("" for NULL)."""
    return ffi.string(ptr).decode("utf-8", "replace") if ptr != ffi.NULL else ""


# Room for the library's one-line why (the tools use 512 bytes too).
WHY_LEN = 512


def why_buffer():
    return ffi.new("char[]", WHY_LEN)
