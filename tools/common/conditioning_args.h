/* The conditioning options shared by envelope, onsets and hinge:
 * --map --rate --bandpass --order --notch, their parsing into a
 * bl_envelope_config, the one-line messages for conditioning failures, and
 * the ISEK-style description of what was done (text and JSON). */
#ifndef TOOL_CONDITIONING_ARGS_H
#define TOOL_CONDITIONING_ARGS_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "backline/envelope.h"
#include "backline/recording.h"
#include "tool.h"

#define TOOL_CONDITIONING_OPTS \
    {"--map", 1, 0}, {"--rate", 1, 0}, {"--bandpass", 1, 0}, {"--order", 1, 0}, {"--notch", 1, 0}

/* Defaults, then the options given. Returns 0, or 2 after a usage error line. */
int tool_conditioning_from_args(const tool_args *a, bl_envelope_config *cfg);

/* One error line explaining why conditioning `path` failed; returns 1. */
int tool_conditioning_error(const char *path, const bl_recording *rec, const bl_envelope_config *cfg,
                          bl_status st);

/* "band-pass 20-450 Hz Butterworth order 4 (SciPy N, zero-phase)"-style
 * parameters block, one item per line, each prefixed with `indent`. */
void tool_print_conditioning(FILE *out, const char *indent, const bl_envelope_config *cfg,
                           const bl_condition_report *rep, const char *unit, int with_envelope);
/* The same as a JSON object (caller owns it). */
cJSON *tool_conditioning_json(const bl_envelope_config *cfg, const bl_condition_report *rep,
                            const char *unit, int with_envelope);

#endif
