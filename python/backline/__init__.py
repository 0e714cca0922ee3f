"""backline: surface EMG of the posterior chain, from Python.

Pure Python over the shared libbackline (cffi, ABI mode): the numbers are
the library's, computed by the same calls as backline-analyse makes, with
the same defaults (read from the library's *_config_default functions).

    import backline
    rec = backline.load("session.wav")            # Recording: .data channels × frames float32
    env = backline.envelope("session.wav")        # as `backline-analyse envelope`
    h = backline.hinge("session.wav", mvc=["mvc_ST.wav", ...])
    h.reps[0]["chain"], h.summary["mean_chain_index"], h.dataframe()

Errors are BacklineError (subclasses by status) with the library's
one-line message.
"""
from ._errors import (BacklineError, DeviceError, FileError, FormatError, InvalidArgumentError, MapError,
                      NoDataError, NonFiniteError, OutOfMemoryError, RangeError, RateError, StateError, UnitError)
# ffi and lib: the raw cffi handles on libbackline.so, for calls the package
# does not wrap (every function of include/backline/*.h is declared).
from ._lib import CDEF_PATH, LIBRARY_PATH, ffi, lib, text as _text
from ._recording import Recording
from ._load import load
from ._envelope import Envelope, envelope
from ._hinge import Hinge, hinge
from ._quality import Quality, quality
from ._onsets import Onsets, onsets
from ._gait import Gait, gait
from ._tables import HAVE_PANDAS

__version__ = _text(lib.bl_version())

__all__ = ["load", "envelope", "hinge", "quality", "onsets", "gait", "Recording", "Envelope", "Hinge", "Quality",
           "Onsets", "Gait", "BacklineError", "FileError", "FormatError", "MapError",
           "UnitError", "RateError", "RangeError", "NoDataError", "NonFiniteError", "InvalidArgumentError",
           "OutOfMemoryError", "StateError", "DeviceError", "HAVE_PANDAS", "LIBRARY_PATH", "CDEF_PATH", "ffi", "lib"]
