/* Status strings and version: the only strings the library hands out
 * without being asked for a specific object. */
#include "backline/backline.h"
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include "bl_version_config.h"

const char *bl_strerror(int status)
{
    switch (status) {
    case BL_OK: return "success";
    case BL_EINVAL: return "invalid argument";
    case BL_ENOMEM: return "out of memory";
    case BL_ERANGE: return "value out of range";
    case BL_EIO: return "input/output error";
    case BL_EFORMAT: return "not a readable audio file or unsupported format";
    case BL_ENONFINITE: return "non-finite sample (NaN or infinity)";
    case BL_EMAP: return "channel map invalid or does not fit the recording";
    case BL_ERATE: return "sample rate too low for surface EMG";
    case BL_EDEVICE: return "audio device unavailable";
    case BL_ENODATA: return "no data to analyse";
    case BL_ESTATE: return "invalid in the current state";
    case BL_EUNIT: return "units would be mixed (uV and full scale)";
    default: return "unknown status";
    }
}

const char *bl_version(void)
{
    return BL_VERSION_STRING;
}

void bli_set_why(char *why, size_t why_len, const char *fmt, ...)
{
    if (!why || why_len == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}
