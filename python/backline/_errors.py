"""Exceptions: every failure of the library (a negative bl_status) is a
BacklineError whose message is the library's one-line why, the line the
command-line tools print after "backline-analyse: "; the subclass says
which status it was."""


class BacklineError(Exception):
    """A backline failure. `status` is the library's bl_status (negative),
    or None for a check made in Python (an option out of range)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class InvalidArgumentError(BacklineError, ValueError):
    """BL_EINVAL, or an option the command line would refuse (its usage error)."""


class OutOfMemoryError(BacklineError, MemoryError):
    """BL_ENOMEM."""


class RangeError(BacklineError, ValueError):
    """BL_ERANGE: a frequency, order or duration out of its range."""


class FileError(BacklineError):
    """BL_EIO: a file that cannot be opened, read or written."""


class FormatError(BacklineError):
    """BL_EFORMAT: not an audio file, truncated, unsupported."""


class NonFiniteError(BacklineError, ValueError):
    """BL_ENONFINITE: NaN or infinity in the samples."""


class MapError(BacklineError, ValueError):
    """BL_EMAP: a channel map that does not parse or does not fit."""


class RateError(BacklineError, ValueError):
    """BL_ERATE: a sample rate too low for surface EMG."""


class DeviceError(BacklineError):
    """BL_EDEVICE."""


class NoDataError(BacklineError):
    """BL_ENODATA: nothing to analyse (too short, no events)."""


class StateError(BacklineError):
    """BL_ESTATE."""


class UnitError(BacklineError, ValueError):
    """BL_EUNIT: µV and full-scale amplitudes would be mixed."""


# By the enum's name in include/backline/backline.h (the values come from
# the cdef, see _status.py).
BY_STATUS_NAME = {
    "BL_EINVAL": InvalidArgumentError, "BL_ENOMEM": OutOfMemoryError, "BL_ERANGE": RangeError,
    "BL_EIO": FileError, "BL_EFORMAT": FormatError, "BL_ENONFINITE": NonFiniteError, "BL_EMAP": MapError,
    "BL_ERATE": RateError, "BL_EDEVICE": DeviceError, "BL_ENODATA": NoDataError, "BL_ESTATE": StateError,
    "BL_EUNIT": UnitError,
}
