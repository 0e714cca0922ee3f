/* Reading the results of the hinge analysis (hinge.h getters). */
#include <math.h>
#include <string.h>

#include "hinge_internal.h"

bl_status bl_hinge_get_condition_report(const bl_hinge *h, bl_condition_report *out)
{
    if (!h || !out) return BL_EINVAL;
    *out = h->crep;
    return BL_OK;
}

bl_status bl_hinge_get_config(const bl_hinge *h, bl_hinge_config *out)
{
    if (!h || !out) return BL_EINVAL;
    *out = h->cfg;
    return BL_OK;
}

const char *bl_hinge_unit(const bl_hinge *h) { return h ? h->unit : ""; }
size_t bl_hinge_mvc_trials(const bl_hinge *h) { return h ? h->n_mvc : 0; }
size_t bl_hinge_channels(const bl_hinge *h) { return h ? h->nch : 0; }

const char *bl_hinge_channel_name(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->name[c] : "";
}

bl_muscle bl_hinge_channel_muscle(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->muscle[c] : BL_MUSCLE_COUNT;
}

bl_chain bl_hinge_channel_chain(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->chain[c] : BL_CHAIN_NONE;
}

bl_hinge_ch_state bl_hinge_channel_state(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->state[c] : BL_HINGE_CH_AUX;
}

const char *bl_hinge_channel_why(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->why[c] : "";
}

const bl_quality *bl_hinge_quality(const bl_hinge *h) { return h ? h->quality : NULL; }

bl_status bl_hinge_get_channel_reference(const bl_hinge *h, size_t c, bl_mvc_reference *out)
{
    if (!h || !out) return BL_EINVAL;
    if (c >= h->nch) return BL_ERANGE;
    *out = h->ref[c];
    return BL_OK;
}

double bl_hinge_channel_mf_slope(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->mf_slope[c] : NAN;
}

const float *bl_hinge_channel_envelope(const bl_hinge *h, size_t c, size_t *frames, double *rate_hz)
{
    if (!h || c >= h->nch || !bli_hinge_usable(h, c)) return NULL;
    if (frames) *frames = bl_recording_frames(h->env);
    if (rate_hz) *rate_hz = bl_recording_rate(h->env);
    return bl_recording_cdata(h->env, c);
}

const float *bl_hinge_channel_signal(const bl_hinge *h, size_t c, size_t *frames, double *rate_hz)
{
    if (!h || c >= h->nch || !bli_hinge_usable(h, c)) return NULL;
    if (frames) *frames = bl_recording_frames(h->cond);
    if (rate_hz) *rate_hz = bl_recording_rate(h->cond);
    return bl_recording_cdata(h->cond, c);
}

size_t bl_hinge_reps(const bl_hinge *h) { return h ? h->nreps : 0; }

bl_status bl_hinge_get_rep(const bl_hinge *h, size_t rep, bl_hinge_rep *out)
{
    if (!h || !out) return BL_EINVAL;
    if (rep >= h->nreps) return BL_ERANGE;
    *out = h->reps[rep];
    return BL_OK;
}

bl_status bl_hinge_get_rep_channel(const bl_hinge *h, size_t rep, size_t c, bl_hinge_rep_channel *out)
{
    if (!h || !out) return BL_EINVAL;
    if (rep >= h->nreps || c >= h->nch) return BL_ERANGE;
    *out = h->rc[rep * h->nch + c];
    return BL_OK;
}

size_t bl_hinge_firing_order(const bl_hinge *h, size_t rep, size_t *order, size_t cap)
{
    if (!h || rep >= h->nreps) return 0;
    size_t m = h->n_order[rep];
    for (size_t i = 0; i < m && i < cap && order; i++) order[i] = h->order[rep * h->nch + i];
    return m;
}

bl_status bl_hinge_get_summary(const bl_hinge *h, bl_hinge_summary *out)
{
    if (!h || !out) return BL_EINVAL;
    memset(out, 0, sizeof *out);
    out->mean_index = out->fatigue_slope_hz = NAN;
    out->reps = h->nreps;
    out->median_index = h->median_index;
    out->drift_per_rep = h->drift_per_rep;
    out->drift = h->drift;
    out->relative = h->relative;
    double si = 0;
    size_t ni = 0;
    for (size_t k = 0; k < h->nreps; k++) {
        switch (h->reps[k].verdict) {
        case BL_VERDICT_INTERNAL: out->internal++; break;
        case BL_VERDICT_EXTERNAL: out->external++; break;
        case BL_VERDICT_MIXED: out->mixed++; break;
        default: out->unknown++; break;
        }
        if (isfinite(h->reps[k].chain_index)) {
            si += h->reps[k].chain_index;
            ni++;
        }
    }
    if (ni) out->mean_index = si / (double)ni;
    double ss = 0;
    size_t ns = 0;
    int all_mvc = 1;
    for (size_t c = 0; c < h->nch; c++) {
        if (!bli_hinge_usable(h, c)) continue;
        if (h->ref[c].source != BL_MVC_TRIALS) all_mvc = 0;
        if (isfinite(h->mf_slope[c])) {
            ss += h->mf_slope[c];
            ns++;
        }
    }
    if (ns) out->fatigue_slope_hz = ss / (double)ns;
    out->normalised_to_mvc = all_mvc;
    return BL_OK;
}

size_t bl_hinge_warnings(const bl_hinge *h) { return h ? h->n_warn : 0; }

const char *bl_hinge_warning(const bl_hinge *h, size_t i)
{
    return h && i < h->n_warn ? h->warn[i] : NULL;
}

