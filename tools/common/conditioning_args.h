/* The conditioning options shared by envelope, onsets and hinge:
 * --map --rate --bandpass --order --notch, their parsing into a
 * bl_envelope_config and the one-line messages for conditioning failures.
 * What conditioning did is described by the library
 * (bl_condition_describe), rendered by doc_render.h. */
#ifndef TOOL_CONDITIONING_ARGS_H
#define TOOL_CONDITIONING_ARGS_H

#include <stdio.h>

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

#endif
