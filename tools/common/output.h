/* Writing per-channel results: the EMG channels of a processed recording
 * as CSV (time_s,<channel>,...) or float32 WAV, and the summary line per
 * channel that the tools print. */
#ifndef BL_OUTPUT_H
#define BL_OUTPUT_H

#include <stdio.h>

#include "backline/chanmap.h"
#include "backline/envelope.h"
#include "backline/recording.h"

typedef enum bl_output_kind { BL_OUTPUT_OTHER = 0, BL_OUTPUT_CSV, BL_OUTPUT_WAV, BL_OUTPUT_JSON,
                              BL_OUTPUT_HTML } bl_output_kind;

/* By extension, case-insensitive. */
bl_output_kind bl_output_kind_of(const char *path);

/* The EMG (non-AUX) channels of a recording with their names. */
typedef struct bl_emg_view {
    const bl_recording *rec;
    size_t count;
    size_t *index;   /* channel index in rec */
    char (*name)[32];/* "L.ST" */
} bl_emg_view;

/* 0, or -1 when there is no EMG channel or memory ran out. */
int bl_emg_view_init(bl_emg_view *v, const bl_recording *rec, const bl_chanmap *map);
void bl_emg_view_free(bl_emg_view *v);

/* Write the view; on failure print one error line and return 1. A failed
 * write (full disk) removes nothing already written elsewhere. */
int bl_write_csv(const char *path, const bl_emg_view *v);
int bl_write_wav(const char *path, const bl_emg_view *v);

/* Human-readable result of the envelope command. */
void bl_print_envelope_summary(FILE *out, const char *in_path, const char *out_path, const bl_emg_view *v,
                               const bl_envelope_config *cfg, const bl_condition_report *rep);

#endif
