/* Synth scenarios: the hinge set, MVC trials and quiet rest, as activation
 * profiles in %MVC with their ground truth. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Raised-cosine step from 0 to 1 over u in [0, 1]. */
static double rc(double u)
{
    if (u <= 0.0)
        return 0.0;
    if (u >= 1.0)
        return 1.0;
    return 0.5 - 0.5 * cos(M_PI * u);
}

static size_t to_frame(double t, double rate, size_t frames)
{
    if (t <= 0.0)
        return 0;
    double f = ceil(t * rate);
    if (f >= (double)frames)
        return frames;
    return (size_t)f;
}

/* Timing of a hinge muscle's burst (seconds). */
#define RISE_S 0.25  /* onset to eccentric level */
#define TURN_S 0.20  /* eccentric to concentric level at the turn */
#define FALL_S 0.30  /* concentric level back to rest after standing */

static int muscle_group_is_hamstring(bl_muscle m)
{
    bl_group g = bl_muscle_group(m);
    return g == BL_GROUP_MEDIAL_HAMSTRING || g == BL_GROUP_LATERAL_HAMSTRING;
}

static int hinge_config_valid(const bl_synth_hinge_config *cfg)
{
    return !(cfg->reps < 1 || cfg->reps > 100 || (int)cfg->pattern < 0 || cfg->pattern > BL_SYNTH_ALTERNATING ||
             (int)cfg->order < 0 || cfg->order > BL_SYNTH_HAMSTRING_FIRST || (int)cfg->shape < 0 ||
             cfg->shape > BL_SYNTH_TORQUE || !isfinite(cfg->fatigue) || cfg->fatigue > 0.5 ||
             !(cfg->lead_s >= 0.3 && cfg->lead_s <= 600.0) || !(cfg->tail_s >= 0.5 && cfg->tail_s <= 600.0));
}

/* Rep k's place between the internal (0) and the external (1) chain. */
static double rep_blend(bl_synth_pattern pattern, size_t k, size_t nreps)
{
    size_t n_int = (nreps + 1) / 2, n_ext = nreps - n_int;
    switch (pattern) {
    case BL_SYNTH_INTERNAL: return 0.0;
    case BL_SYNTH_EXTERNAL: return 1.0;
    case BL_SYNTH_ALTERNATING: return (k % 2) ? 1.0 : 0.0;
    default:
        /* Drift: the first half stays internal but slides towards
         * external (blend 0–0.2), the second half has turned (0.8–1).
         * Keeping clear of 0.5 leaves every rep one defined label. */
        if (k < n_int)
            return n_int > 1 ? 0.2 * (double)k / (double)(n_int - 1) : 0.0;
        return n_ext > 1 ? 0.8 + 0.2 * (double)(k - n_int) / (double)(n_ext - 1) : 1.0;
    }
}

/* One rep's random timing of a channel's onset, drawn by draw_rep_channels. */
typedef struct onset_draws {
    double follow; /* the rep's delay of the group that follows */
    double lag;    /* within a group, for the muscle that does not lead */
    double other;  /* muscles outside the hip chains */
    double trunk;  /* anticipatory bracing, may be early */
} onset_draws;

/* Onset of muscle m after the rep's start, before jitter: the firing order
 * of the hip groups, the dominant hamstring first. */
static double onset_offset(bl_muscle m, double blend, bl_synth_order order, const onset_draws *d)
{
    bl_group g = bl_muscle_group(m);
    if (muscle_group_is_hamstring(m)) {
        /* The dominant side of the hamstrings also fires first. */
        int leads = (blend < 0.5) == (g == BL_GROUP_MEDIAL_HAMSTRING);
        return (order == BL_SYNTH_HAMSTRING_FIRST ? 0.0 : d->follow) + (leads ? 0.0 : d->lag);
    }
    if (g == BL_GROUP_GLUTE) {
        double off = order == BL_SYNTH_GLUTE_FIRST ? 0.0 : d->follow;
        if (m == BL_MUSCLE_GMED)
            off += d->lag;
        return off;
    }
    if (g == BL_GROUP_TRUNK)
        return d->trunk; /* anticipatory bracing */
    return d->other;
}

/* Rep k's level, eccentric level and onset of every channel into the
 * truth (NAN on AUX). */
static void draw_rep_channels(const bl_synth *s, bl_synth_order order, size_t k, synth_rng *rng,
                              bl_synth_truth *t)
{
    const bl_synth_rep *r = &t->reps[k];
    size_t nch = s->nch;
    onset_draws d;
    d.follow = bli_synth_rng_range(rng, 0.06, 0.15);
    for (size_t c = 0; c < nch; c++) {
        const synth_channel *ch = &s->ch[c];
        size_t i = k * nch + c;
        /* Draw for every channel so an AUX channel does not shift the
         * stream of the others. */
        double jitter = bli_synth_rng_range(rng, -0.005, 0.005);
        double lvl_j = bli_synth_rng_range(rng, 0.94, 1.06);
        double ecc_j = bli_synth_rng_range(rng, 0.95, 1.05);
        /* Within a group the lag stays below the group-to-group delay
         * so the firing order holds for every muscle of the group. */
        d.lag = bli_synth_rng_range(rng, 0.01, 0.03);
        d.other = bli_synth_rng_range(rng, 0.08, 0.20);
        d.trunk = bli_synth_rng_range(rng, -0.08, 0.02);
        if (!ch->is_emg) {
            t->level[i] = t->ecc_level[i] = t->onset[i] = NAN;
            continue;
        }
        const synth_muscle_params *mp = bli_synth_muscle_table(ch->muscle);
        double lvl = ((1.0 - r->blend) * mp->internal_pct + r->blend * mp->external_pct) * lvl_j;
        t->level[i] = lvl;
        t->ecc_level[i] = lvl * mp->ecc_frac * ecc_j;
        t->onset[i] = r->start_s + onset_offset(ch->muscle, r->blend, order, &d) + jitter;
    }
}

/* The set's timeline into the truth: eccentric 1.5–2.5 s, concentric
 * 1.0–1.5 s, rests 1–4 s; each rep's chain, fatigue scale, peak hip angle
 * (angle_max, degrees) and per-channel levels and onsets. */
static void draw_timeline(const bl_synth *s, const bl_synth_hinge_config *cfg, double fatigue, bl_synth_truth *t,
                          double *angle_max)
{
    size_t nreps = t->nreps;
    synth_rng rng;
    bli_synth_rng_seed(&rng, s->cfg.seed, SYNTH_SCN_HINGE, SYNTH_SUB_TIMELINE);
    double now = cfg->lead_s;
    for (size_t k = 0; k < nreps; k++) {
        bl_synth_rep *r = &t->reps[k];
        double ecc = bli_synth_rng_range(&rng, 1.5, 2.5), con = bli_synth_rng_range(&rng, 1.0, 1.5);
        r->start_s = now;
        r->turn_s = now + ecc;
        r->end_s = r->turn_s + con;
        now = r->end_s + (k + 1 < nreps ? bli_synth_rng_range(&rng, 1.0, 4.0) : 0.0);
        angle_max[k] = bli_synth_rng_range(&rng, 70.0, 95.0);
        r->blend = rep_blend(cfg->pattern, k, nreps);
        r->chain = r->blend < 0.5 ? BL_CHAIN_INTERNAL : BL_CHAIN_EXTERNAL;
        r->mf_scale = nreps > 1 ? 1.0 - fatigue * (double)k / (double)(nreps - 1) : 1.0;
        draw_rep_channels(s, cfg->order, k, &rng, t);
    }
    for (size_t c = 0; c < s->nch; c++)
        t->rest_level[c] = s->ch[c].is_emg ? s->ch[c].rest_pct : NAN;
}

/* A channel's burst in one rep, %MVC: rest, onset (s), eccentric and
 * concentric levels, and the rep's peak hip angle in radians. */
typedef struct burst {
    double rest, on, ecc, con, amax;
} burst;

/* The burst's activation at tt. Plateau: rest to the eccentric level from
 * the onset, to the concentric level at the turn, back to rest after
 * standing. Torque: the levels scaled by the demand sin(angle)/sin(max
 * angle), the angle following the same raised cosine as the AUX trace. */
static double burst_at(const bl_synth_rep *r, const burst *b, bl_synth_shape shape, double tt)
{
    double rest = b->rest, on = b->on, E = b->ecc, C = b->con, amax = b->amax;
    if (shape == BL_SYNTH_TORQUE) {
        if (tt < r->turn_s) {
            double d = sin(amax * rc((tt - r->start_s) / (r->turn_s - r->start_s))) / sin(amax);
            return rest + (E * (0.35 + 0.65 * d) - rest) * rc((tt - on) / RISE_S);
        }
        if (tt < r->end_s) {
            double d = sin(amax * (1.0 - rc((tt - r->turn_s) / (r->end_s - r->turn_s)))) / sin(amax);
            return E + (C * (0.6 + 0.4 * d) - E) * rc((tt - r->turn_s) / TURN_S);
        }
        return 0.6 * C + (rest - 0.6 * C) * rc((tt - r->end_s) / FALL_S);
    }
    if (tt < r->turn_s)
        return rest + (E - rest) * rc((tt - on) / RISE_S);
    if (tt < r->end_s)
        return E + (C - E) * rc((tt - r->turn_s) / TURN_S);
    return C + (rest - C) * rc((tt - r->end_s) / FALL_S);
}

/* Activation profiles: the rest level, and each rep's burst from its onset
 * to FALL_S after it ends. */
static void hinge_activation(const bl_synth *s, bl_synth_shape shape, const bl_synth_truth *t,
                             const double *angle_max, synth_scene *sc)
{
    size_t nch = s->nch, frames = sc->frames;
    double rate = s->cfg.rate_hz;
    for (size_t c = 0; c < nch; c++) {
        float *a = sc->act[c];
        if (!s->ch[c].is_emg)
            continue;
        double rest = s->ch[c].rest_pct;
        for (size_t i = 0; i < frames; i++)
            a[i] = (float)rest;
        for (size_t k = 0; k < t->nreps; k++) {
            const bl_synth_rep *r = &t->reps[k];
            burst b = {rest, t->onset[k * nch + c], t->ecc_level[k * nch + c], t->level[k * nch + c],
                       angle_max[k] * M_PI / 180.0};
            size_t i0 = to_frame(b.on, rate, frames), i1 = to_frame(r->end_s + FALL_S, rate, frames);
            for (size_t i = i0; i < i1; i++)
                a[i] = (float)burst_at(r, &b, shape, (double)i / rate);
        }
    }
}

/* Spectral scale: each rep's value, linear between rep centres. */
static void hinge_spectral_scale(const bl_synth_truth *t, double rate, synth_scene *sc)
{
    size_t nreps = t->nreps;
    size_t seg = 0; /* rep whose centre is the last one at or before tt */
    for (size_t i = 0; i < sc->frames; i++) {
        double tt = (double)i / rate, m;
        while (seg + 1 < nreps && tt >= 0.5 * (t->reps[seg + 1].start_s + t->reps[seg + 1].end_s))
            seg++;
        double c0 = 0.5 * (t->reps[seg].start_s + t->reps[seg].end_s);
        if (tt < c0 || seg + 1 >= nreps) {
            m = t->reps[seg].mf_scale;
        } else {
            double c1 = 0.5 * (t->reps[seg + 1].start_s + t->reps[seg + 1].end_s);
            m = t->reps[seg].mf_scale + (t->reps[seg + 1].mf_scale - t->reps[seg].mf_scale) * (tt - c0) / (c1 - c0);
        }
        sc->mf[i] = (float)m;
    }
}

/* Hip angle: 0 while standing, raised-cosine down in the eccentric to the
 * rep's peak, up in the concentric. */
static void hinge_angle(const bl_synth_truth *t, const double *angle_max, double rate, synth_scene *sc)
{
    size_t frames = sc->frames;
    for (size_t i = 0; i < frames; i++)
        sc->angle_deg[i] = 0.0f;
    for (size_t k = 0; k < t->nreps; k++) {
        const bl_synth_rep *r = &t->reps[k];
        size_t i0 = to_frame(r->start_s, rate, frames), i1 = to_frame(r->end_s, rate, frames);
        for (size_t i = i0; i < i1; i++) {
            double tt = (double)i / rate;
            double v = tt < r->turn_s ? rc((tt - r->start_s) / (r->turn_s - r->start_s))
                                      : 1.0 - rc((tt - r->turn_s) / (r->end_s - r->turn_s));
            sc->angle_deg[i] = (float)(angle_max[k] * v);
        }
    }
}

/* The arrays of a hinge scene that are not per frame: what the scene points
 * to must outlive it, so they are owned here. */
typedef struct hinge_plan {
    double *trans;          /* 3 per rep: start, turn, end (s) */
    double *angle_max;      /* per rep, degrees */
    double *hr_t, *hr_mult; /* nreps + 1 points of the heart-rate profile */
} hinge_plan;

static void hinge_plan_free(hinge_plan *p)
{
    free(p->trans);
    free(p->angle_max);
    free(p->hr_t);
    free(p->hr_mult);
}

static bl_status hinge_plan_alloc(hinge_plan *p, size_t nreps)
{
    p->trans = malloc(3 * nreps * sizeof *p->trans);
    p->angle_max = malloc(nreps * sizeof *p->angle_max);
    p->hr_t = malloc((nreps + 1) * sizeof *p->hr_t);
    p->hr_mult = malloc((nreps + 1) * sizeof *p->hr_mult);
    if (!p->trans || !p->angle_max || !p->hr_t || !p->hr_mult) {
        hinge_plan_free(p);
        return BL_ENOMEM;
    }
    return BL_OK;
}

/* Everything of the scene but its per-frame arrays: movement transitions
 * (for motion artefacts), the heart-rate profile (+15 % by the last rep:
 * the heart speeds up with the work done) and the stream. */
static void hinge_scene_events(const bl_synth_truth *t, hinge_plan *p, synth_scene *sc)
{
    size_t nreps = t->nreps;
    for (size_t k = 0; k < nreps; k++) {
        p->trans[3 * k] = t->reps[k].start_s;
        p->trans[3 * k + 1] = t->reps[k].turn_s;
        p->trans[3 * k + 2] = t->reps[k].end_s;
    }
    p->hr_t[0] = t->reps[0].start_s;
    p->hr_mult[0] = 1.0;
    for (size_t k = 0; k < nreps; k++) {
        p->hr_t[k + 1] = t->reps[k].end_s;
        p->hr_mult[k + 1] = 1.0 + 0.15 * (double)(k + 1) / (double)nreps;
    }
    sc->hr_t = p->hr_t;
    sc->hr_mult = p->hr_mult;
    sc->n_hr = nreps + 1;
    sc->transitions = p->trans;
    sc->n_transitions = 3 * nreps;
    sc->motion_scale = 1.0;
    sc->scenario = SYNTH_SCN_HINGE;
    sc->name = "hinge";
}

bl_status bl_synth_hinge(bl_synth *s, const bl_synth_hinge_config *cfg, bl_recording **out,
                         bl_synth_truth **truth_out)
{
    if (out)
        *out = NULL;
    if (truth_out)
        *truth_out = NULL;
    if (!s || !cfg || !out)
        return BL_EINVAL;
    if (!hinge_config_valid(cfg))
        return BL_EINVAL;

    size_t nch = s->nch, nreps = (size_t)cfg->reps;
    double rate = s->cfg.rate_hz;
    double fatigue = cfg->fatigue >= 0.0 ? cfg->fatigue : (cfg->pattern == BL_SYNTH_DRIFT ? 0.20 : 0.08);
    hinge_plan plan = {0};
    bl_synth_truth *t = bli_synth_truth_alloc(nch, nreps);
    if (!t || hinge_plan_alloc(&plan, nreps) != BL_OK) {
        bl_synth_truth_destroy(t);
        return BL_ENOMEM;
    }
    draw_timeline(s, cfg, fatigue, t, plan.angle_max);

    double duration = t->reps[nreps - 1].end_s + cfg->tail_s;
    size_t frames = (size_t)llround(duration * rate);
    synth_scene sc;
    bl_status st = bli_synth_scene_alloc(&sc, nch, frames);
    if (st != BL_OK) {
        bl_synth_truth_destroy(t);
        hinge_plan_free(&plan);
        return st;
    }
    hinge_scene_events(t, &plan, &sc);
    hinge_activation(s, cfg->shape, t, plan.angle_max, &sc);
    hinge_spectral_scale(t, rate, &sc);
    hinge_angle(t, plan.angle_max, rate, &sc);

    st = bli_synth_render(s, &sc, out, t);
    bli_synth_scene_free(&sc, nch);
    hinge_plan_free(&plan);
    if (st != BL_OK) {
        bl_synth_truth_destroy(t);
        return st;
    }
    if (truth_out)
        *truth_out = t;
    else
        bl_synth_truth_destroy(t);
    return BL_OK;
}

/* The common start of the MVC and rest scenarios: a truth without
 * repetitions that records each EMG channel's rest level, and an empty
 * scene of `frames`. Nothing is left allocated on failure. */
static bl_status begin_scene(const bl_synth *s, size_t frames, synth_scene *sc, bl_synth_truth **truth)
{
    bl_synth_truth *t = bli_synth_truth_alloc(s->nch, 0);
    if (!t)
        return BL_ENOMEM;
    for (size_t c = 0; c < s->nch; c++)
        t->rest_level[c] = s->ch[c].is_emg ? s->ch[c].rest_pct : NAN;
    bl_status st = bli_synth_scene_alloc(sc, s->nch, frames);
    if (st != BL_OK) {
        bl_synth_truth_destroy(t);
        return st;
    }
    *truth = t;
    return BL_OK;
}

/* Render a prepared scene, free it, and hand the truth to the caller (or
 * drop it): the common end of the MVC and rest scenarios. */
static bl_status render_scene(bl_synth *s, synth_scene *sc, size_t nch, bl_synth_truth *t, bl_recording **out,
                              bl_synth_truth **truth_out)
{
    bl_status st = bli_synth_render(s, sc, out, t);
    bli_synth_scene_free(sc, nch);
    if (st != BL_OK || !truth_out)
        bl_synth_truth_destroy(t);
    else
        *truth_out = t;
    return st;
}

bl_status bl_synth_mvc(bl_synth *s, const bl_synth_mvc_config *cfg, size_t channel,
                       bl_recording **out, bl_synth_truth **truth_out)
{
    if (out)
        *out = NULL;
    if (truth_out)
        *truth_out = NULL;
    if (!s || !cfg || !out || channel >= s->nch || !s->ch[channel].is_emg)
        return BL_EINVAL;
    if (!(cfg->rest_s >= 0.0 && cfg->rest_s <= 60.0) || !(cfg->ramp_s >= 0.05 && cfg->ramp_s <= 10.0) ||
        !(cfg->hold_s >= 0.5 && cfg->hold_s <= 60.0) || !(cfg->others_pct >= 0.0 && cfg->others_pct <= 50.0))
        return BL_EINVAL;
    size_t nch = s->nch;
    double rate = s->cfg.rate_hz;
    double duration = 2.0 * (cfg->rest_s + cfg->ramp_s) + cfg->hold_s;
    size_t frames = (size_t)llround(duration * rate);
    synth_scene sc;
    bl_synth_truth *t = NULL;
    bl_status st = begin_scene(s, frames, &sc, &t);
    if (st != BL_OK)
        return st;
    double t_up = cfg->rest_s, t_hold = t_up + cfg->ramp_s, t_down = t_hold + cfg->hold_s;
    double t_end = t_down + cfg->ramp_s;
    t->hold_start_s = t_hold;
    t->hold_end_s = t_down;
    double trans[2] = {t_up, t_end};
    sc.transitions = trans;
    sc.n_transitions = 2;
    sc.motion_scale = 0.5; /* isometric: the limb barely moves */
    sc.scenario = SYNTH_SCN_MVC + channel;
    sc.name = "mvc";
    for (size_t c = 0; c < nch; c++) {
        if (!s->ch[c].is_emg)
            continue;
        double rest = s->ch[c].rest_pct, top = c == channel ? 100.0 : cfg->others_pct;
        if (top < rest)
            top = rest;
        for (size_t i = 0; i < frames; i++) {
            double tt = (double)i / rate;
            double v = tt < t_down ? rc((tt - t_up) / cfg->ramp_s) : 1.0 - rc((tt - t_down) / cfg->ramp_s);
            sc.act[c][i] = (float)(rest + (top - rest) * v);
        }
    }
    for (size_t i = 0; i < frames; i++) {
        sc.mf[i] = 1.0f;
        sc.angle_deg[i] = 0.0f;
    }
    return render_scene(s, &sc, nch, t, out, truth_out);
}

bl_status bl_synth_rest(bl_synth *s, double duration_s, bl_recording **out, bl_synth_truth **truth_out)
{
    if (out)
        *out = NULL;
    if (truth_out)
        *truth_out = NULL;
    if (!s || !out || !(duration_s >= 0.5 && duration_s <= 3600.0))
        return BL_EINVAL;
    size_t nch = s->nch;
    size_t frames = (size_t)llround(duration_s * s->cfg.rate_hz);
    synth_scene sc;
    bl_synth_truth *t = NULL;
    bl_status st = begin_scene(s, frames, &sc, &t);
    if (st != BL_OK)
        return st;
    sc.scenario = SYNTH_SCN_REST;
    sc.name = "rest";
    for (size_t c = 0; c < nch; c++)
        if (s->ch[c].is_emg)
            for (size_t i = 0; i < frames; i++)
                sc.act[c][i] = (float)s->ch[c].rest_pct;
    for (size_t i = 0; i < frames; i++)
        sc.mf[i] = 1.0f;
    return render_scene(s, &sc, nch, t, out, truth_out);
}
