/* Which channels the hinge analysis can use: names, muscles and chains
 * from the map; the session's quality (quality.h), which makes a flat
 * channel dead and leaves out one that fails any other check; and each
 * channel's MVC trial reference against the session's own levels. A
 * number resting on a channel that is left out is not computed, so no
 * verdict rests on it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hinge_internal.h"
#include "internal.h"

bl_status bli_hinge_leave_out(bl_hinge *h, size_t c, bl_hinge_ch_state state, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->why[c], BLI_HINGE_REASON_LEN, fmt, ap);
    va_end(ap);
    h->state[c] = state;
    return bli_hinge_warn(h, "channel %s %s: left out of segmentation, metrics and the verdict", h->name[c],
                          h->why[c]);
}

void bli_hinge_channel_identity(const bl_chanmap *map, size_t c, const bl_chain *table, char *name,
                                bl_muscle *muscle, bl_chain *chain)
{
    *muscle = map ? bl_chanmap_muscle(map, c) : BL_MUSCLE_EMG;
    if (!map || bl_chanmap_get_entry_name(map, c, name, BLI_HINGE_NAME_LEN) != BL_OK)
        snprintf(name, BLI_HINGE_NAME_LEN, "ch%zu", c + 1);
    *chain = *muscle == BL_MUSCLE_AUX ? BL_CHAIN_NONE : table[*muscle];
}

bl_status bli_hinge_setup_channels(bl_hinge *h, const bl_recording *session)
{
    size_t nch = h->nch;
    h->name = calloc(nch, sizeof *h->name);
    h->muscle = calloc(nch, sizeof *h->muscle);
    h->chain = calloc(nch, sizeof *h->chain);
    h->state = calloc(nch, sizeof *h->state);
    h->why = calloc(nch, sizeof *h->why);
    h->ref = calloc(nch, sizeof *h->ref);
    h->mf_slope = calloc(nch, sizeof *h->mf_slope);
    if (!h->name || !h->muscle || !h->chain || !h->state || !h->why || !h->ref || !h->mf_slope) return BL_ENOMEM;
    const bl_chanmap *map = bl_recording_chanmap(session);
    if (map && bl_chanmap_copy(map, &h->map) != BL_OK) return BL_ENOMEM;
    for (size_t c = 0; c < nch; c++) {
        bli_hinge_channel_identity(map, c, h->cfg.chain, h->name[c], &h->muscle[c], &h->chain[c]);
        h->state[c] = h->muscle[c] == BL_MUSCLE_AUX ? BL_HINGE_CH_AUX : BL_HINGE_CH_OK;
        h->mf_slope[c] = NAN;
    }
    if (!map)
        return bli_hinge_warn(h, "no channel map: channels are unnamed EMG, no torque-chain verdict is possible");
    return BL_OK;
}

/* The checks that disqualify channel c, as "clipping: 2.3 % of samples
 * ...; mains: ...", and whether the flat check is among them: every
 * failed check, and clipping from its warning level on (a clipped peak
 * caps the amplitude the balance compares, so a few clipped peaks already
 * bias a repetition). */
static int failed_checks(const bl_quality *q, size_t c, char *buf, size_t len, int *flat)
{
    size_t used = 0;
    int n = 0;
    *flat = 0;
    buf[0] = '\0';
    for (int k = 0; k < BL_QC_COUNT; k++) {
        bl_quality_result r;
        if (bl_quality_get_check(q, c, (bl_quality_check)k, &r) != BL_OK) continue;
        if (r.grade != BL_GRADE_FAIL && !(k == BL_QC_CLIPPING && r.grade == BL_GRADE_WARN)) continue;
        if (k == BL_QC_FLAT) *flat = 1;
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s: %s", n ? "; " : "",
                                     bl_quality_check_name((bl_quality_check)k), r.reason);
        n++;
    }
    return n;
}

bl_status bli_hinge_assess_quality(bl_hinge *h, const bl_recording *session, char *why, size_t why_len)
{
    char line[256] = "";
    bl_status st = bl_quality_assess(session, &h->cfg.quality, &h->quality, line, sizeof line);
    if (st != BL_OK) {
        bli_set_why(why, why_len, "%s", line[0] ? line : bl_strerror(st));
        return st;
    }
    for (size_t c = 0; c < h->nch && st == BL_OK; c++) {
        if (h->state[c] != BL_HINGE_CH_OK) continue;
        char checks[BLI_HINGE_REASON_LEN];
        int flat;
        if (!failed_checks(h->quality, c, checks, sizeof checks, &flat)) continue;
        st = flat ? bli_hinge_leave_out(h, c, BL_HINGE_CH_DEAD, "looks dead (%s)", checks)
                  : bli_hinge_leave_out(h, c, BL_HINGE_CH_FAILED_QUALITY, "failed quality (%s)", checks);
    }
    return st;
}

int bli_hinge_any_activity(const bl_hinge *h, const double *w)
{
    for (size_t c = 0; c < h->nch; c++) {
        bl_quality_result r;
        if (w[c] > 0 && bli_hinge_usable(h, c) && bl_quality_get_check(h->quality, c, BL_QC_SNR, &r) == BL_OK &&
            r.grade == BL_GRADE_PASS)
            return 1;
    }
    return 0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Percentiles lo and hi of x[0..n) (a sorted copy). */
static bl_status percentiles(const float *x, size_t n, double lo_pct, double hi_pct, double *lo, double *hi)
{
    float *v = malloc(n * sizeof *v);
    if (!v) return BL_ENOMEM;
    memcpy(v, x, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_float);
    *lo = v[(size_t)floor(lo_pct / 100.0 * (double)(n - 1))];
    *hi = v[(size_t)floor(hi_pct / 100.0 * (double)(n - 1))];
    free(v);
    return BL_OK;
}

bl_status bli_hinge_check_reference(bl_hinge *h, size_t c, const float *env, size_t n)
{
    const bl_mvc_reference *ref = &h->ref[c];
    if (h->state[c] != BL_HINGE_CH_OK || ref->source != BL_MVC_TRIALS || n == 0) return BL_OK;
    double rest, active;
    bl_status st = percentiles(env, n, BLI_REF_REST_PCT, BLI_REF_ACTIVE_PCT, &rest, &active);
    if (st != BL_OK) return st;
    double pct = ref->value > 0 ? 100.0 * active / ref->value : INFINITY;
    if (ref->value < h->cfg.mvc_noise_ratio * rest)
        return bli_hinge_leave_out(h, c, BL_HINGE_CH_BAD_REFERENCE, "has an MVC reference at noise level (%.3g, "
                                   "%.2g x its rest level in the session: the muscle was not contracted in any "
                                   "trial?)", ref->value, rest > 0 ? ref->value / rest : 0.0);
    if (pct > h->cfg.mvc_max_pct)
        return bli_hinge_leave_out(h, c, BL_HINGE_CH_BAD_REFERENCE, "reaches %.0f %%MVC in the session (above "
                                   "%.0f %%: its MVC reference %.3g is below the session's own activity)", pct,
                                   h->cfg.mvc_max_pct, ref->value);
    return BL_OK;
}
