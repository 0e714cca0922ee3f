/* Writing EDF+/BDF+ files for the tests, through edflib's writer (the
 * library only reads them): a recording's samples with labels, a
 * physical dimension, a range and annotations. */
#ifndef TEST_EDFWRITE_H
#define TEST_EDFWRITE_H

#include <stddef.h>

#include "backline/recording.h"

typedef struct test_edf_spec {
    int bdf;                   /* BDF+ (24-bit) rather than EDF+ (16-bit) */
    const char *const *labels; /* one per channel; NULL: "ch1", "ch2", ... */
    const char *dimension;     /* the physical dimension of every signal ("uV"); NULL: "" */
    const char *const *dimensions; /* one per channel instead (NULL: `dimension`) */
    double physical_per_unit;  /* physical value = sample × this (0: 1) */
    double range;              /* physical max = -physical min (0: the largest |value| × 1.01) */
    const double *annot_s;     /* annotation onsets, seconds */
    const char *const *annot_text;
    size_t n_annot;
    int halve_last_rate;       /* the last signal at half the rate: a mixed-rate file */
} test_edf_spec;

/* `rec` (its own rate, which must be a whole number of Hz) written to
 * `path`: data records as long as divide the frames evenly (at least
 * 1 ms, at most 1 s), else whole seconds with the rest left out. 0, or -1
 * with one line in `why`. */
int test_edf_write(const char *path, const bl_recording *rec, const test_edf_spec *spec, char *why, size_t why_len);

#endif
