/* Live repetitions for the meters: the library's bl_hinge_stream (the
 * offline segmenter's stages and the offline verdict, run on the last
 * minute) fed every block in the references' unit, so each repetition's
 * torque-chain verdict is on screen about 0.4 s after it ends and is the
 * one `backline-analyse hinge` gives the same trials (test_capture_meters
 * compares them). Only with %MVC references and a map: without them the
 * verdict could only be "unknown". Writer thread; the line it makes is
 * part of the meters' snapshot (under their lock). */
#define _POSIX_C_SOURCE 200809L
#include "meters_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/hinge.h"

void cap_reps_start(cap_meters *m, const cap_meters_setup *su)
{
    if (!su->live || !su->mvc || !su->map) return;
    bl_hinge_stream_config cfg;
    bl_hinge_stream_config_default(&cfg);
    bl_envelope_config *ec = &cfg.hinge.envelope;
    if (ec->bandpass_hi_hz >= 0.45 * su->rate_hz) ec->bandpass_hi_hz = 0.45 * su->rate_hz;
    ec->notch = su->mains == 50 ? BL_NOTCH_50 : su->mains == 60 ? BL_NOTCH_60 : su->mains == 0 ? BL_NOTCH_OFF
                                                                                           : BL_NOTCH_AUTO;
    bl_mvc_reference *refs = calloc(su->channels, sizeof *refs);
    m->scaled = malloc(su->max_block * su->channels * sizeof *m->scaled);
    for (size_t c = 0; refs && c < su->channels; c++)
        if (bl_mvc_get_reference(su->mvc, c, &refs[c]) != BL_OK) memset(&refs[c], 0, sizeof refs[c]);
    if (!refs || !m->scaled || bl_hinge_stream_create(&cfg, su->map, su->rate_hz, refs, &m->reps) != BL_OK) {
        m->reps = NULL; /* the meters go on without verdicts */
        free(m->scaled);
        m->scaled = NULL;
    }
    free(refs);
}

void cap_reps_stop(cap_meters *m)
{
    bl_hinge_stream_destroy(m->reps);
    free(m->scaled);
}

/* "rep 3  12.40-15.92 s  internal  +0.27  M:L 1.83  (2 internal, 1 external)" */
static void verdict_line(cap_meters *m, const bl_hinge_live_rep *r)
{
    char num[32] = "", ml[32] = "";
    if (isfinite(r->chain_index)) snprintf(num, sizeof num, "  %+.2f", r->chain_index);
    if (isfinite(r->medial_lateral)) snprintf(ml, sizeof ml, "  M:L %.2f", r->medial_lateral);
    m->verdicts[(unsigned)r->verdict < 4 ? r->verdict : BL_VERDICT_UNKNOWN]++;
    snprintf(m->verdict, sizeof m->verdict, "rep %zu  %.2f-%.2f s  %s%s%s  (%zu int, %zu ext, %zu mixed, %zu unk)",
             r->index + 1, r->start_s, r->end_s, bl_hinge_verdict_name(r->verdict), num, ml,
             m->verdicts[BL_VERDICT_INTERNAL], m->verdicts[BL_VERDICT_EXTERNAL], m->verdicts[BL_VERDICT_MIXED],
             m->verdicts[BL_VERDICT_UNKNOWN]);
}

void cap_reps_feed(cap_meters *m, const float *x, size_t n)
{
    if (!m->reps) return;
    size_t ch = m->channels;
    for (size_t i = 0; i < n; i++) /* the references' unit (uV with gains) */
        for (size_t c = 0; c < ch; c++) m->scaled[i * ch + c] = (float)(x[i * ch + c] * m->per_fs[c]);
    size_t done = 0;
    if (bl_hinge_stream_process(m->reps, m->scaled, n, &done) != BL_OK || !done) return;
    bl_hinge_live_rep r;
    pthread_mutex_lock(&m->lock);
    while (bl_hinge_stream_next_rep(m->reps, &r) == BL_OK) verdict_line(m, &r);
    pthread_mutex_unlock(&m->lock);
}
