/* Reading a gait analysis: its cycles, grid, channels and per-muscle
 * results (gait.h). Out-of-range queries give neutral values. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "gait_internal.h"

const char *bl_gait_unit(const bl_gait *g) { return g ? g->unit : ""; }
const char *bl_gait_signal_unit(const bl_gait *g) { return g ? g->signal_unit : ""; }
int bl_gait_estimated(const bl_gait *g) { return g && bl_gait_events_estimated(g->events); }

bl_status bl_gait_get_config(const bl_gait *g, bl_gait_config *out)
{
    if (!g || !out) return BL_EINVAL;
    *out = g->cfg;
    return BL_OK;
}

size_t bl_gait_cycles(const bl_gait *g) { return g ? g->ncyc : 0; }

bl_status bl_gait_get_cycle(const bl_gait *g, size_t k, bl_gait_cycle *out)
{
    if (!g || !out) return BL_EINVAL;
    if (k >= g->ncyc) return BL_ERANGE;
    *out = g->cyc[k];
    return BL_OK;
}

size_t bl_gait_points(const bl_gait *g) { return g ? g->points : 0; }
double bl_gait_stance_points(const bl_gait *g) { return g ? g->stance_points : NAN; }
size_t bl_gait_channels(const bl_gait *g) { return g ? g->nch : 0; }

static int in_range(const bl_gait *g, size_t c) { return g && c < g->nch; }
static int used(const bl_gait *g, size_t c) { return in_range(g, c) && g->ch[c].used; }

const char *bl_gait_channel_name(const bl_gait *g, size_t c) { return in_range(g, c) ? g->ch[c].name : ""; }
bl_muscle bl_gait_channel_muscle(const bl_gait *g, size_t c)
{
    return in_range(g, c) ? g->ch[c].muscle : BL_MUSCLE_COUNT;
}
int bl_gait_channel_used(const bl_gait *g, size_t c) { return used(g, c); }
const char *bl_gait_channel_why(const bl_gait *g, size_t c) { return used(g, c) || !in_range(g, c) ? "" : g->ch[c].why; }
size_t bl_gait_channel_cycles(const bl_gait *g, size_t c) { return used(g, c) ? g->ch[c].ncyc : 0; }

const float *bl_gait_channel_envelope(const bl_gait *g, size_t c, size_t *frames, double *rate_hz)
{
    if (!used(g, c) || !g->env) return NULL;
    if (frames) *frames = bl_recording_frames(g->env);
    if (rate_hz) *rate_hz = bl_recording_rate(g->env);
    return bl_recording_cdata(g->env, c);
}

const float *bl_gait_channel_signal(const bl_gait *g, size_t c, size_t *frames, double *rate_hz)
{
    if (!used(g, c) || !g->cond) return NULL;
    if (frames) *frames = bl_recording_frames(g->cond);
    if (rate_hz) *rate_hz = bl_recording_rate(g->cond);
    return bl_recording_cdata(g->cond, c);
}

size_t bl_gait_channel_cycle(const bl_gait *g, size_t c, size_t k)
{
    return used(g, c) && k < g->ch[c].ncyc ? g->ch[c].cyc[k] : SIZE_MAX;
}

bl_status bl_gait_get_muscle(const bl_gait *g, size_t c, bl_gait_muscle *out)
{
    if (!g || !out) return BL_EINVAL;
    if (c >= g->nch) return BL_ERANGE;
    if (!g->ch[c].used) return BL_ENODATA;
    *out = g->ch[c].mus;
    return BL_OK;
}

const double *bl_gait_channel_mean(const bl_gait *g, size_t c) { return used(g, c) ? g->ch[c].mean : NULL; }
const double *bl_gait_channel_sd(const bl_gait *g, size_t c) { return used(g, c) ? g->ch[c].sd : NULL; }

const double *bl_gait_channel_curve(const bl_gait *g, size_t c, size_t k)
{
    return used(g, c) && k < g->ch[c].ncyc ? g->ch[c].curves + k * g->points : NULL;
}

const double *bl_gait_channel_curve_phase(const bl_gait *g, size_t c, size_t k)
{
    return used(g, c) && k < g->ch[c].ncyc ? g->ch[c].phase_pct + k * g->points : NULL;
}

double bl_gait_channel_point_phase(const bl_gait *g, size_t c, size_t i)
{
    return used(g, c) && i < g->points ? g->ch[c].point_phase[i] : NAN;
}

size_t bl_gait_channel_bursts(const bl_gait *g, size_t c) { return used(g, c) ? g->ch[c].n_bursts : 0; }

bl_status bl_gait_get_burst(const bl_gait *g, size_t c, size_t b, double *onset_pct, double *offset_pct)
{
    if (!g || !onset_pct || !offset_pct) return BL_EINVAL;
    if (!used(g, c) || b >= g->ch[c].n_bursts) return BL_ERANGE;
    *onset_pct = g->ch[c].bursts[2 * b];
    *offset_pct = g->ch[c].bursts[2 * b + 1];
    return BL_OK;
}

size_t bl_gait_chains(const bl_gait *g) { return g ? g->nchains : 0; }

bl_status bl_gait_get_chain(const bl_gait *g, size_t i, bl_gait_chain *out)
{
    if (!g || !out) return BL_EINVAL;
    if (i >= g->nchains) return BL_ERANGE;
    *out = g->chains[i];
    return BL_OK;
}

double bl_gait_cycle_glute_lead_s(const bl_gait *g, size_t k) { return g && k < g->ncyc ? g->lead_s[k] : NAN; }

size_t bl_gait_statements(const bl_gait *g) { return g ? g->nstmt : 0; }

bl_status bl_gait_get_statement(const bl_gait *g, size_t i, bl_gait_statement *out)
{
    if (!g || !out) return BL_EINVAL;
    if (i >= g->nstmt) return BL_ERANGE;
    const bli_gait_stmt *s = &g->stmt[i];
    *out = (bl_gait_statement){s->side, s->key, s->text, s->rule};
    return BL_OK;
}

size_t bl_gait_symmetries(const bl_gait *g) { return g ? g->nsym : 0; }

bl_status bl_gait_get_symmetry(const bl_gait *g, size_t i, bl_gait_symmetry *out)
{
    if (!g || !out) return BL_EINVAL;
    if (i >= g->nsym) return BL_ERANGE;
    *out = g->sym[i];
    return BL_OK;
}

size_t bl_gait_synergy_sets(const bl_gait *g) { return g ? g->nsyn : 0; }

bl_status bl_gait_get_synergies(const bl_gait *g, size_t i, bl_gait_synergies *out)
{
    if (!g || !out) return BL_EINVAL;
    if (i >= g->nsyn) return BL_ERANGE;
    const bli_gait_syn *s = &g->syn[i];
    *out = (bl_gait_synergies){s->side, s->m, s->points, s->cycles, s->max_rank, s->rank, s->r2, s->channel, s->w,
                               s->h, s->mean_h};
    return BL_OK;
}

size_t bl_gait_warnings(const bl_gait *g) { return g ? g->warn.n : 0; }
const char *bl_gait_warning(const bl_gait *g, size_t i) { return g && i < g->warn.n ? g->warn.line[i] : NULL; }
