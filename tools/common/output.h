/* Writing per-channel results: the EMG channels of a processed recording
 * as CSV (time_s,<channel>,...) or float32 WAV, and the summary line per
 * channel that the tools print. */
#ifndef TOOL_OUTPUT_H
#define TOOL_OUTPUT_H

#include <stdio.h>

#include "backline/chanmap.h"
#include "backline/envelope.h"
#include "backline/recording.h"
#include "output_file.h"

typedef enum tool_output_kind { TOOL_OUTPUT_OTHER = 0, TOOL_OUTPUT_CSV, TOOL_OUTPUT_WAV, TOOL_OUTPUT_JSON,
                              TOOL_OUTPUT_HTML } tool_output_kind;

/* By extension, case-insensitive. */
tool_output_kind tool_output_kind_of(const char *path);

/* The EMG (non-AUX) channels of a recording with their names. */
typedef struct tool_emg_view {
    const bl_recording *rec;
    size_t count;
    size_t *index;   /* channel index in rec */
    char (*name)[32];/* "L.ST" */
} tool_emg_view;

/* 0, or -1 when there is no EMG channel or memory ran out. */
int tool_emg_view_init(tool_emg_view *v, const bl_recording *rec);
void tool_emg_view_free(tool_emg_view *v);

/* Write the view into the output (begun here, output_file.h), complete and
 * closed but not yet in place: the caller commits it with the command's
 * other outputs. On failure one error line, the output aborted (nothing
 * left on disk), and 1. */
int tool_write_csv(tool_output *o, const tool_emg_view *v);
int tool_write_wav(tool_output *o, const tool_emg_view *v);

/* Human-readable result of the envelope command. */
void tool_print_envelope_summary(FILE *out, const char *in_path, const char *out_path, const tool_emg_view *v,
                               const bl_envelope_config *cfg, const bl_condition_report *rep);

#endif
