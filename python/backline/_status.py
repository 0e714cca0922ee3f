"""bl_status into exceptions (the why-buffer convention of the library)."""
from ._errors import BY_STATUS_NAME, BacklineError
from ._lib import lib, text

_CLASSES = {int(getattr(lib, name)): cls for name, cls in BY_STATUS_NAME.items()}


def error(status, message):
    return _CLASSES.get(int(status), BacklineError)(message, int(status))


def check(status, why=None, path=None):
    """Raise for a failed status: the why line when the library wrote one,
    else "PATH: <bl_strerror>" as the tools say it."""
    if status == lib.BL_OK:
        return
    line = text(why) if why is not None else ""
    if not line:
        line = text(lib.bl_strerror(status))
        if path:
            line = "%s: %s" % (path, line)
    raise error(status, line)
