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

bl_status bl_synth_hinge(bl_synth *s, const bl_synth_hinge_config *cfg, bl_recording **out,
                         bl_synth_truth **truth_out)
{
    if (out)
        *out = NULL;
    if (truth_out)
        *truth_out = NULL;
    if (!s || !cfg || !out)
        return BL_EINVAL;
    if (cfg->reps < 1 || cfg->reps > 100 || (int)cfg->pattern < 0 ||
        cfg->pattern > BL_SYNTH_ALTERNATING || (int)cfg->order < 0 ||
        cfg->order > BL_SYNTH_HAMSTRING_FIRST || (int)cfg->shape < 0 || cfg->shape > BL_SYNTH_TORQUE ||
        !isfinite(cfg->fatigue) || cfg->fatigue > 0.5 ||
        !(cfg->lead_s >= 0.3 && cfg->lead_s <= 600.0) || !(cfg->tail_s >= 0.5 && cfg->tail_s <= 600.0))
        return BL_EINVAL;

    size_t nch = s->nch, nreps = (size_t)cfg->reps;
    double rate = s->cfg.rate_hz;
    double fatigue = cfg->fatigue >= 0.0 ? cfg->fatigue : (cfg->pattern == BL_SYNTH_DRIFT ? 0.20 : 0.08);
    bl_synth_truth *t = bli_synth_truth_alloc(nch, nreps);
    double *trans = malloc(3 * nreps * sizeof *trans);
    double *angle_max = malloc(nreps * sizeof *angle_max);
    double *hr_t = malloc((nreps + 1) * sizeof *hr_t), *hr_mult = malloc((nreps + 1) * sizeof *hr_mult);
    if (!t || !trans || !angle_max || !hr_t || !hr_mult) {
        free(hr_t);
        free(hr_mult);
        bl_synth_truth_destroy(t);
        free(trans);
        free(angle_max);
        return BL_ENOMEM;
    }

    synth_rng rng;
    bli_synth_rng_seed(&rng, s->cfg.seed, SYNTH_SCN_HINGE, SYNTH_SUB_TIMELINE);

    /* Timeline: eccentric 1.5–2.5 s, concentric 1.0–1.5 s, rests 1–4 s. */
    double now = cfg->lead_s;
    size_t n_int = (nreps + 1) / 2, n_ext = nreps - n_int;
    for (size_t k = 0; k < nreps; k++) {
        bl_synth_rep *r = &t->reps[k];
        double ecc = bli_synth_rng_range(&rng, 1.5, 2.5), con = bli_synth_rng_range(&rng, 1.0, 1.5);
        r->start_s = now;
        r->turn_s = now + ecc;
        r->end_s = r->turn_s + con;
        now = r->end_s + (k + 1 < nreps ? bli_synth_rng_range(&rng, 1.0, 4.0) : 0.0);
        angle_max[k] = bli_synth_rng_range(&rng, 70.0, 95.0);

        double blend;
        switch (cfg->pattern) {
        case BL_SYNTH_INTERNAL: blend = 0.0; break;
        case BL_SYNTH_EXTERNAL: blend = 1.0; break;
        case BL_SYNTH_ALTERNATING: blend = (k % 2) ? 1.0 : 0.0; break;
        default:
            /* Drift: the first half stays internal but slides towards
             * external (blend 0–0.2), the second half has turned (0.8–1).
             * Keeping clear of 0.5 leaves every rep one defined label. */
            if (k < n_int)
                blend = n_int > 1 ? 0.2 * (double)k / (double)(n_int - 1) : 0.0;
            else
                blend = n_ext > 1 ? 0.8 + 0.2 * (double)(k - n_int) / (double)(n_ext - 1) : 1.0;
            break;
        }
        r->blend = blend;
        r->chain = blend < 0.5 ? BL_CHAIN_INTERNAL : BL_CHAIN_EXTERNAL;
        r->mf_scale = nreps > 1 ? 1.0 - fatigue * (double)k / (double)(nreps - 1) : 1.0;

        /* Firing order: one base delay per rep for the group that follows. */
        double follow = bli_synth_rng_range(&rng, 0.06, 0.15);
        for (size_t c = 0; c < nch; c++) {
            const synth_channel *ch = &s->ch[c];
            size_t i = k * nch + c;
            /* Draw for every channel so an AUX channel does not shift the
             * stream of the others. */
            double jitter = bli_synth_rng_range(&rng, -0.005, 0.005);
            double lvl_j = bli_synth_rng_range(&rng, 0.94, 1.06);
            double ecc_j = bli_synth_rng_range(&rng, 0.95, 1.05);
            /* Within a group the lag stays below the group-to-group delay
             * so the firing order holds for every muscle of the group. */
            double lag = bli_synth_rng_range(&rng, 0.01, 0.03);
            double other = bli_synth_rng_range(&rng, 0.08, 0.20);
            double trunk = bli_synth_rng_range(&rng, -0.08, 0.02);
            if (!ch->is_emg) {
                t->level[i] = t->ecc_level[i] = t->onset[i] = NAN;
                continue;
            }
            const synth_muscle_params *mp = bli_synth_muscle_table(ch->muscle);
            double lvl = ((1.0 - blend) * mp->internal_pct + blend * mp->external_pct) * lvl_j;
            t->level[i] = lvl;
            t->ecc_level[i] = lvl * mp->ecc_frac * ecc_j;
            bl_group g = bl_muscle_group(ch->muscle);
            double off;
            if (muscle_group_is_hamstring(ch->muscle)) {
                /* The dominant side of the hamstrings also fires first. */
                int leads = (blend < 0.5) == (g == BL_GROUP_MEDIAL_HAMSTRING);
                off = (cfg->order == BL_SYNTH_HAMSTRING_FIRST ? 0.0 : follow) + (leads ? 0.0 : lag);
            } else if (g == BL_GROUP_GLUTE) {
                off = cfg->order == BL_SYNTH_GLUTE_FIRST ? 0.0 : follow;
                if (ch->muscle == BL_MUSCLE_GMED)
                    off += lag;
            } else if (g == BL_GROUP_TRUNK) {
                off = trunk; /* anticipatory bracing */
            } else {
                off = other;
            }
            t->onset[i] = r->start_s + off + jitter;
        }
        trans[3 * k] = r->start_s;
        trans[3 * k + 1] = r->turn_s;
        trans[3 * k + 2] = r->end_s;
    }
    double duration = t->reps[nreps - 1].end_s + cfg->tail_s;
    size_t frames = (size_t)llround(duration * rate);
    for (size_t c = 0; c < nch; c++)
        t->rest_level[c] = s->ch[c].is_emg ? s->ch[c].rest_pct : NAN;

    synth_scene sc;
    bl_status st = bli_synth_scene_alloc(&sc, nch, frames);
    if (st != BL_OK) {
        bl_synth_truth_destroy(t);
        free(trans);
        free(angle_max);
        free(hr_t);
        free(hr_mult);
        return st;
    }
    /* The heart speeds up with the work done: +15 % by the last rep. */
    hr_t[0] = t->reps[0].start_s;
    hr_mult[0] = 1.0;
    for (size_t k = 0; k < nreps; k++) {
        hr_t[k + 1] = t->reps[k].end_s;
        hr_mult[k + 1] = 1.0 + 0.15 * (double)(k + 1) / (double)nreps;
    }
    sc.hr_t = hr_t;
    sc.hr_mult = hr_mult;
    sc.n_hr = nreps + 1;
    sc.transitions = trans;
    sc.n_transitions = 3 * nreps;
    sc.motion_scale = 1.0;
    sc.scenario = SYNTH_SCN_HINGE;
    sc.name = "hinge";

    /* Activation profiles. */
    for (size_t c = 0; c < nch; c++) {
        float *a = sc.act[c];
        if (!s->ch[c].is_emg)
            continue;
        double rest = s->ch[c].rest_pct;
        for (size_t i = 0; i < frames; i++)
            a[i] = (float)rest;
        for (size_t k = 0; k < nreps; k++) {
            const bl_synth_rep *r = &t->reps[k];
            double on = t->onset[k * nch + c], E = t->ecc_level[k * nch + c], C = t->level[k * nch + c];
            size_t i0 = to_frame(on, rate, frames), i1 = to_frame(r->end_s + FALL_S, rate, frames);
            double amax = angle_max[k] * M_PI / 180.0;
            for (size_t i = i0; i < i1; i++) {
                double tt = (double)i / rate, v;
                if (cfg->shape == BL_SYNTH_TORQUE) {
                    /* Demand d = sin(angle)/sin(max angle), the angle
                     * following the same raised cosine as the AUX trace. */
                    if (tt < r->turn_s) {
                        double d = sin(amax * rc((tt - r->start_s) / (r->turn_s - r->start_s))) / sin(amax);
                        v = rest + (E * (0.35 + 0.65 * d) - rest) * rc((tt - on) / RISE_S);
                    } else if (tt < r->end_s) {
                        double d = sin(amax * (1.0 - rc((tt - r->turn_s) / (r->end_s - r->turn_s)))) / sin(amax);
                        v = E + (C * (0.6 + 0.4 * d) - E) * rc((tt - r->turn_s) / TURN_S);
                    } else {
                        v = 0.6 * C + (rest - 0.6 * C) * rc((tt - r->end_s) / FALL_S);
                    }
                } else if (tt < r->turn_s) {
                    v = rest + (E - rest) * rc((tt - on) / RISE_S);
                } else if (tt < r->end_s) {
                    v = E + (C - E) * rc((tt - r->turn_s) / TURN_S);
                } else {
                    v = C + (rest - C) * rc((tt - r->end_s) / FALL_S);
                }
                a[i] = (float)v;
            }
        }
    }
    /* Spectral scale: each rep's value, linear between rep centres. Hip
     * angle: raised-cosine down in the eccentric, up in the concentric. */
    size_t seg = 0; /* rep whose centre is the last one at or before tt */
    for (size_t i = 0; i < frames; i++) {
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
        sc.mf[i] = (float)m;
        sc.angle_deg[i] = 0.0f;
    }
    for (size_t k = 0; k < nreps; k++) {
        const bl_synth_rep *r = &t->reps[k];
        size_t i0 = to_frame(r->start_s, rate, frames), i1 = to_frame(r->end_s, rate, frames);
        for (size_t i = i0; i < i1; i++) {
            double tt = (double)i / rate;
            double v = tt < r->turn_s ? rc((tt - r->start_s) / (r->turn_s - r->start_s))
                                      : 1.0 - rc((tt - r->turn_s) / (r->end_s - r->turn_s));
            sc.angle_deg[i] = (float)(angle_max[k] * v);
        }
    }

    st = bli_synth_render(s, &sc, out, t);
    bli_synth_scene_free(&sc, nch);
    free(trans);
    free(angle_max);
    free(hr_t);
    free(hr_mult);
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
