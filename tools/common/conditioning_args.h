/* The conditioning options shared by envelope, onsets and hinge:
 * --map --rate --bandpass --order --notch --ecg (and the loading's
 * --scale/--unit, calibration_args.h), their parsing into a
 * bl_envelope_config and the one-line messages for conditioning failures.
 * What conditioning did is described by the library
 * (bl_condition_describe), rendered by doc_render.h. */
#ifndef TOOL_CONDITIONING_ARGS_H
#define TOOL_CONDITIONING_ARGS_H

#include <stdio.h>

#include "backline/envelope.h"
#include "backline/filter.h"
#include "backline/recording.h"
#include "calibration_args.h"
#include "tool.h"

#define TOOL_CONDITIONING_OPTS \
    {"--map", 1, 0}, {"--rate", 1, 0}, {"--bandpass", 1, 0}, {"--order", 1, 0}, {"--notch", 1, 0}, {"--ecg", 1, 0}, \
        {"--threads", 1, 0}, {"--quiet", 0, 0}, TOOL_CALIBRATION_OPTS

/* Defaults, then the options given. Returns 0, or 2 after a usage error line. */
int tool_conditioning_from_args(const tool_args *a, bl_envelope_config *cfg);

/* Refuse a Butterworth design of the library (bl_butter_design) that does
 * not meet its definition at this rate (unity passband gain, -3 dB at the
 * corners, to 1 %: a corner too near 0 Hz or Nyquist): one usage line
 * naming `option` and `value`, returns 2; else 0. Designs the library
 * itself refuses return 0 (conditioning says why). */
int tool_check_design(const char *option, const char *value, int order, bl_band band, double f1_hz, double f2_hz,
                      double rate_hz);
/* The option a filter setting came from, for messages: `name` and its text
 * when given; else --rate and its text when given (a default made
 * degenerate by the rate); else `name` and `fallback` (the default). */
void tool_setting_source(const tool_args *a, const char *name, const char *fallback, const char **option,
                         const char **value);
/* The band-pass and (with_lowpass) the envelope low-pass of cfg at its
 * analysis rate, as tool_check_design; the message names --bandpass or
 * --lowpass, or --rate when only the rate was given. */
int tool_check_conditioning_designs(const tool_args *a, const bl_envelope_config *cfg, int with_lowpass);

/* The last guard before anything is written: 0 when every sample of the
 * processed recording is finite, else one line ("the `what` came out
 * non-finite ...") and 1. */
int tool_check_result_finite(const char *path, const bl_recording *rec, const char *what);

/* One error line explaining why conditioning `path` failed; returns 1. */
int tool_conditioning_error(const char *path, const bl_recording *rec, const bl_envelope_config *cfg,
                          bl_status st);
/* The same for an input not held whole: its rate and length. */
int tool_conditioning_error_at(const char *path, double rate, size_t frames, const bl_envelope_config *cfg,
                               bl_status st);

#endif
