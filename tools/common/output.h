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
/* Whether an output option may be given `path` for an output of `kind`:
 * its extension says so, or it is "-" (standard output) and kind is text. */
int tool_output_is(const char *path, tool_output_kind kind);

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

/* Envelopes written as bl_envelope_spool hands them over, block by block:
 * OUT.csv (time_s,<channel>,... then one row per frame) or OUT.wav
 * (float32, the map and units of the EMG channels, content=envelope).
 * The output (begun at the first block, output_file.h) is complete and
 * closed after end, but not yet in place: the caller commits it with the
 * command's other outputs, or aborts it on any failure (a target written
 * in place, such as /dev/stdout or a FIFO, then keeps the rows of the
 * blocks before the failure). begin: -1 when
 * desc has no EMG channel or memory ran out (no message); add and end:
 * 0, or 1 after one error line. The writer keeps each channel's sum,
 * peak and its frame for the summary. */
#define TOOL_BLOCK_MAX_CHANNELS 64
typedef struct tool_block_writer {
    tool_output *o;
    tool_output_kind kind;
    tool_emg_view view; /* names and indices only (view.rec is NULL) */
    FILE *csv;
    bl_writer *wav;
    float *frame_buf;
    double rate;
    char unit[8];
    size_t frames;
    double *sum;
    float *peak;
    size_t *at;
    int failed;
} tool_block_writer;
int tool_block_writer_begin(tool_block_writer *w, tool_output *o, tool_output_kind kind, const bl_recording *desc);
int tool_block_writer_add(tool_block_writer *w, const bl_recording *env, size_t offset, size_t frames,
                          size_t first_frame);
int tool_block_writer_end(tool_block_writer *w);
void tool_block_writer_free(tool_block_writer *w);
/* The per-channel summary as CSV (channel,unit,mean,peak,peak_s; peak_s
 * from the first frame written): begun, written and closed on `o`, not
 * committed. 0, or 1 after one error line. */
int tool_write_envelope_summary_csv(tool_output *o, const tool_block_writer *w);
/* Human-readable result of the envelope command. */
void tool_print_envelope_summary(FILE *out, const char *in_path, const char *out_path, const tool_block_writer *w,
                                 const bl_envelope_config *cfg, const bl_condition_report *rep);
#endif
