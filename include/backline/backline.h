/* backline: surface EMG of the posterior chain.
 *
 * This header holds what every module shares: status codes and the version.
 * Each module has its own header beside this one (ARCHITECTURE.md lists
 * them by layer).
 *
 * Conventions (see STYLE.md): functions return bl_status (0 = BL_OK, errors
 * negative) and hand results back through out-parameters; handles are
 * opaque; `_destroy(NULL)` is a no-op; the library never prints, never exits
 * and keeps no mutable global state. Frequencies are in Hz, durations in
 * seconds, amplitudes in µV once a gain is known.
 */
#ifndef BACKLINE_H
#define BACKLINE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the public API: the library is compiled with hidden visibility,
 * so only what carries BL_API is exported from the shared library, and the
 * exported-symbol test holds the list to the declarations here. A reader
 * of these headers that wants bare declarations may define it empty
 * first (the Python package's cdef, python/cdef.cmake, does). */
#ifndef BL_API
#if defined(__GNUC__) || defined(__clang__)
#define BL_API __attribute__((visibility("default")))
#else
#define BL_API
#endif
#endif

typedef enum bl_status {
    BL_OK = 0,
    BL_EINVAL = -1,     /* a NULL pointer, zero length or malformed argument */
    BL_ENOMEM = -2,     /* allocation failed or a size would overflow */
    BL_ERANGE = -3,     /* a frequency, order or duration out of its valid range */
    BL_EIO = -4,        /* a file could not be opened, read or written */
    BL_EFORMAT = -5,    /* not an audio file, truncated, or an unsupported format */
    BL_ENONFINITE = -6, /* NaN or infinity in the samples */
    BL_EMAP = -7,       /* a channel map that does not parse or does not fit */
    BL_ERATE = -8,      /* a sample rate too low for surface EMG */
    BL_EDEVICE = -9,    /* an audio device missing, busy or gone */
    BL_ENODATA = -10,   /* nothing to analyse: empty signal or no events found */
    BL_ESTATE = -11,    /* call not valid in the object's current state */
    BL_EUNIT = -12      /* amplitudes in different units (µV and full scale) would be mixed */
} bl_status;

/* A short English description of a status code; never NULL. */
BL_API const char *bl_strerror(int status);

/* Progress of long work, 0..1, called on the caller's thread between
 * blocks of it (never from another thread); `user` is the caller's. */
typedef void (*bl_progress_fn)(void *user, double fraction);

/* The library version as "MAJOR.MINOR.PATCH", e.g. "0.1.0". */
BL_API const char *bl_version(void);

#ifdef __cplusplus
}
#endif
#endif
