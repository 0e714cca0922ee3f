/* Synth scenario: walking or running (bl_synth_gait). The legs' stride
 * timelines, each channel's activation from its muscle's profile
 * (gait_profiles.c) placed by its leg's own events, a footswitch on every
 * AUX channel, and the ground truth: strides, events, peak phases and
 * Perry's phase means of the activation that was rendered. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define FOOTSWITCH_ON 0.5   /* full scale, in contact */
#define FOOTSWITCH_OFF 0.02 /* full scale, off the ground */
#define FOOTSWITCH_EDGE_S 0.01

static const char *const task_names[] = {"walk", "run"};
static const char *const variant_names[] = {"normal", "dormant-glute", "quad-dominant", "active-recovery"};

const char *bl_synth_gait_task_name(bl_synth_gait_task t)
{
    return (int)t >= 0 && t <= BL_SYNTH_RUN ? task_names[t] : NULL;
}

int bl_synth_gait_task_from_name(const char *name)
{
    for (int i = 0; name && i <= BL_SYNTH_RUN; i++)
        if (!strcmp(name, task_names[i]))
            return i;
    return -1;
}

const char *bl_synth_gait_variant_name(bl_synth_gait_variant v)
{
    return (int)v >= 0 && v <= BL_SYNTH_GAIT_ACTIVE_RECOVERY ? variant_names[v] : NULL;
}

int bl_synth_gait_variant_from_name(const char *name)
{
    for (int i = 0; name && i <= BL_SYNTH_GAIT_ACTIVE_RECOVERY; i++)
        if (!strcmp(name, variant_names[i]))
            return i;
    return -1;
}

void bl_synth_gait_config_default(bl_synth_gait_config *cfg)
{
    if (!cfg)
        return;
    cfg->task = BL_SYNTH_WALK;
    cfg->variant = BL_SYNTH_GAIT_NORMAL;
    cfg->strides = 20;
    cfg->stride_s = 0.0;
    cfg->stance_pct = 0.0;
    cfg->variation = 0.025;
}

static int gait_config_valid(const bl_synth_gait_config *c)
{
    if ((int)c->task < 0 || c->task > BL_SYNTH_RUN || (int)c->variant < 0 ||
        c->variant > BL_SYNTH_GAIT_ACTIVE_RECOVERY)
        return 0;
    /* Recovery is the swing of running: walking has no such variant. */
    if (c->variant == BL_SYNTH_GAIT_ACTIVE_RECOVERY && c->task != BL_SYNTH_RUN)
        return 0;
    return c->strides >= 3 && c->strides <= 1000 && (c->stride_s == 0.0 || (c->stride_s >= 0.4 && c->stride_s <= 3.0)) &&
           (c->stance_pct == 0.0 || (c->task == BL_SYNTH_RUN ? c->stance_pct >= 20.0 && c->stance_pct <= 50.0
                                                             : c->stance_pct >= 50.0 && c->stance_pct <= 80.0)) &&
           c->variation >= 0.0 && c->variation <= 0.1;
}

/* Raised-cosine step from 0 to 1 over u in [0, 1]. */
static double rc(double u) { return u <= 0.0 ? 0.0 : u >= 1.0 ? 1.0 : 0.5 - 0.5 * cos(M_PI * u); }

/* A normal draw held to +/- 3 SD. */
static double normal3(synth_rng *r)
{
    double z = bli_synth_rng_normal(r);
    return z > 3.0 ? 3.0 : z < -3.0 ? -3.0 : z;
}

/* One leg: its touchdowns td[0..n) (td[0] <= 0, td[n-1] >= the end: the
 * strides cut by the recording's ends are there too), the lift-off of each
 * stride lo[0..n-1), and each channel's level factor at each touchdown
 * (gain[k * nch + c]). */
typedef struct leg {
    bl_side side;
    size_t n;
    double *td, *lo, *gain;
} leg;

static void leg_free(leg *l)
{
    free(l->td);
    free(l->lo);
    free(l->gain);
}

/* The whole set's plan: both legs (the left one only when the map has
 * side L), the task's stride and stance, the duration. */
typedef struct gait_plan {
    leg legs[2];
    size_t n_legs;
    double stride_s, stance, duration_s;
} gait_plan;

static void plan_free(gait_plan *p)
{
    for (size_t i = 0; i < p->n_legs; i++)
        leg_free(&p->legs[i]);
}

static bl_status leg_alloc(leg *l, size_t n, size_t nch)
{
    l->n = n;
    l->td = malloc(n * sizeof *l->td);
    l->lo = malloc(n * sizeof *l->lo);
    l->gain = malloc(n * nch * sizeof *l->gain);
    return l->td && l->lo && l->gain ? BL_OK : BL_ENOMEM;
}

/* Lift-offs and level factors of a leg whose touchdowns are set. */
static void leg_fill(leg *l, const bl_synth_gait_config *cfg, double stance, size_t nch, synth_rng *rng)
{
    for (size_t k = 0; k + 1 < l->n; k++) {
        double s = stance * (1.0 + 0.5 * cfg->variation * normal3(rng));
        l->lo[k] = l->td[k] + s * (l->td[k + 1] - l->td[k]);
    }
    l->lo[l->n - 1] = NAN;
    for (size_t i = 0; i < l->n * nch; i++)
        l->gain[i] = 1.0 + 3.0 * cfg->variation * normal3(rng);
}

/* Events this close to the recording's start or end are moved away from
 * it: a footswitch edge cut by the file's end is not an event a detector
 * can see, and the truth would hold a stride no analysis can find. */
#define EDGE_CLEAR_S 0.05

/* 1 when no event of any leg lies within EDGE_CLEAR_S of t. */
static int clear_of(const gait_plan *p, double t)
{
    for (size_t i = 0; i < p->n_legs; i++)
        for (size_t k = 0; k < p->legs[i].n; k++)
            if (fabs(p->legs[i].td[k] - t) < EDGE_CLEAR_S ||
                (k + 1 < p->legs[i].n && fabs(p->legs[i].lo[k] - t) < EDGE_CLEAR_S))
                return 0;
    return 1;
}

/* Every event later, or the end later, until both ends are clear. */
static bl_status clear_ends(gait_plan *p)
{
    for (int tries = 0; !clear_of(p, 0.0) && tries < 20; tries++)
        for (size_t i = 0; i < p->n_legs; i++)
            for (size_t k = 0; k < p->legs[i].n; k++) {
                p->legs[i].td[k] += EDGE_CLEAR_S;
                p->legs[i].lo[k] += EDGE_CLEAR_S;
            }
    for (int tries = 0; !clear_of(p, p->duration_s) && tries < 20; tries++)
        p->duration_s += EDGE_CLEAR_S;
    return BL_OK;
}

/* The first leg's touchdowns: one before the start, `strides` complete
 * strides from a first touchdown 0.2-0.6 stride in, two after the end
 * (which falls 0.3-0.6 stride after the last complete stride). The
 * second leg's (when the map has both sides) lie halfway between the
 * first's, each moved by half the stride variation, one more at each end.
 * The first leg is R when any channel is R, else L when any is L, else
 * one without a side; channels without a side follow it. */
static bl_status plan_legs(const bl_synth *s, const bl_synth_gait_config *cfg, gait_plan *p)
{
    size_t nch = s->nch, n = (size_t)cfg->strides + 4;
    synth_rng rng;
    bli_synth_rng_seed(&rng, s->cfg.seed, SYNTH_SCN_GAIT, SYNTH_SUB_TIMELINE);
    int has_left = 0, has_right = 0;
    for (size_t c = 0; c < nch; c++) {
        has_left |= s->ch[c].side == BL_SIDE_LEFT;
        has_right |= s->ch[c].side == BL_SIDE_RIGHT;
    }
    leg *r = &p->legs[0];
    p->n_legs = 1;
    r->side = has_right ? BL_SIDE_RIGHT : has_left ? BL_SIDE_LEFT : BL_SIDE_NONE;
    if (leg_alloc(r, n, nch) != BL_OK)
        return BL_ENOMEM;
    double T = p->stride_s;
    r->td[1] = bli_synth_rng_range(&rng, 0.2, 0.6) * T;
    r->td[0] = r->td[1] - T;
    for (size_t k = 2; k < n; k++)
        r->td[k] = r->td[k - 1] + T * (1.0 + cfg->variation * normal3(&rng));
    p->duration_s = r->td[n - 3] + bli_synth_rng_range(&rng, 0.3, 0.6) * (r->td[n - 2] - r->td[n - 3]);
    leg_fill(r, cfg, p->stance, nch, &rng);
    if (!(has_left && has_right))
        return clear_ends(p);
    leg *l = &p->legs[p->n_legs++];
    l->side = BL_SIDE_LEFT;
    if (leg_alloc(l, n + 1, nch) != BL_OK)
        return BL_ENOMEM;
    for (size_t k = 0; k + 1 < n; k++)
        l->td[k + 1] = 0.5 * (r->td[k] + r->td[k + 1]) + 0.5 * cfg->variation * T * normal3(&rng);
    l->td[0] = l->td[1] - T;
    l->td[n] = l->td[n - 1] + T;
    leg_fill(l, cfg, p->stance, nch, &rng);
    return clear_ends(p);
}

/* The leg a channel follows: its side's, else (no side) the first. */
static const leg *leg_of(const gait_plan *p, const synth_channel *ch)
{
    for (size_t i = 0; i < p->n_legs; i++)
        if (ch->side != BL_SIDE_NONE && p->legs[i].side == ch->side)
            return &p->legs[i];
    return &p->legs[0];
}

/* Event-relative phase of time t in stride k of the leg, % (stance to
 * [0, stance_ref), swing to [stance_ref, 100)). */
static double stride_phase(const leg *l, size_t k, double t, double stance_ref)
{
    if (t < l->lo[k])
        return stance_ref * (t - l->td[k]) / (l->lo[k] - l->td[k]);
    return stance_ref + (100.0 - stance_ref) * (t - l->lo[k]) / (l->td[k + 1] - l->lo[k]);
}

/* Channel c's activation (%MVC) over the recording: rest plus the
 * profile, its level factor moving linearly from one touchdown's to the
 * next's so that strides join without a step. */
static void channel_activation(const bl_synth *s, const bl_synth_gait_config *cfg, const gait_plan *p, size_t c,
                               synth_scene *sc)
{
    const synth_channel *ch = &s->ch[c];
    const leg *l = leg_of(p, ch);
    double rate = s->cfg.rate_hz, ref = bli_synth_gait_stance_ref(cfg->task);
    size_t k = 0;
    for (size_t i = 0; i < sc->frames; i++) {
        double t = (double)i / rate;
        while (k + 2 < l->n && t >= l->td[k + 1])
            k++;
        double f = (t - l->td[k]) / (l->td[k + 1] - l->td[k]);
        double g = l->gain[k * s->nch + c] + (l->gain[(k + 1) * s->nch + c] - l->gain[k * s->nch + c]) * f;
        double a = bli_synth_gait_activation(ch->muscle, cfg->task, cfg->variant, stride_phase(l, k, t, ref));
        sc->act[c][i] = (float)(ch->rest_pct + g * a);
    }
}

/* Contact of stride k at t, 0..1: edges of FOOTSWITCH_EDGE_S centred on
 * the touchdown and the lift-off. */
static double contact(const leg *l, size_t k, double t)
{
    double h = 0.5 * FOOTSWITCH_EDGE_S;
    if (k + 1 >= l->n || t < l->td[k] - h || t >= l->lo[k] + h)
        return 0.0;
    if (t < l->td[k] + h)
        return rc((t - l->td[k] + h) / FOOTSWITCH_EDGE_S);
    return t < l->lo[k] - h ? 1.0 : 1.0 - rc((t - l->lo[k] + h) / FOOTSWITCH_EDGE_S);
}

static void footswitch(const gait_plan *p, const synth_channel *ch, double rate, float *out, size_t frames)
{
    const leg *l = leg_of(p, ch);
    size_t k = 0;
    for (size_t i = 0; i < frames; i++) {
        double t = (double)i / rate;
        while (k + 2 < l->n && t >= l->td[k + 1])
            k++;
        double v = fmax(contact(l, k, t), k > 0 ? contact(l, k - 1, t) : 0.0);
        v = fmax(v, contact(l, k + 1, t));
        out[i] = (float)(FOOTSWITCH_OFF + (FOOTSWITCH_ON - FOOTSWITCH_OFF) * v);
    }
}

/* The truth's strides (complete ones, right leg first) and every event
 * inside the recording, in time order. */
static bl_status truth_events(const gait_plan *p, bl_synth_truth *t)
{
    size_t cap = 0;
    for (size_t i = 0; i < p->n_legs; i++)
        cap += p->legs[i].n;
    t->strides = calloc(cap, sizeof *t->strides);
    t->gait_events = calloc(2 * cap * 3, sizeof *t->gait_events);
    if (!t->strides || !t->gait_events)
        return BL_ENOMEM;
    for (size_t i = 0; i < p->n_legs; i++) {
        const leg *l = &p->legs[i];
        for (size_t k = 0; k + 1 < l->n; k++)
            if (l->td[k] >= 0.0 && l->td[k + 1] <= p->duration_s)
                t->strides[t->n_strides++] = (bl_synth_stride){l->td[k], l->lo[k], l->td[k + 1], l->side};
        for (size_t k = 0; k < l->n; k++) {
            double times[2] = {l->td[k], l->lo[k]};
            for (int e = 0; e < 2; e++) {
                if (!(times[e] >= 0.0 && times[e] <= p->duration_s))
                    continue;
                double *ev = &t->gait_events[3 * t->n_gait_events++];
                ev[0] = times[e];
                ev[1] = (double)l->side;
                ev[2] = e == 0;
            }
        }
    }
    /* Insertion sort: the two legs' lists are each in order. */
    double *e = t->gait_events;
    for (size_t i = 1; i < t->n_gait_events; i++)
        for (size_t j = i; j > 0 && e[3 * j] < e[3 * (j - 1)]; j--)
            for (int q = 0; q < 3; q++) {
                double tmp = e[3 * j + q];
                e[3 * j + q] = e[3 * (j - 1) + q];
                e[3 * (j - 1) + q] = tmp;
            }
    return BL_OK;
}

/* Mean of x over the frames in [t0, t1) (the analysis's rule). */
static double mean_over(const float *x, size_t n, double rate, double t0, double t1)
{
    size_t a = (size_t)ceil(t0 * rate), b = (size_t)ceil(t1 * rate);
    if (b > n)
        b = n;
    double sum = 0.0;
    for (size_t i = a; i < b; i++)
        sum += x[i];
    return b > a ? sum / (double)(b - a) : NAN;
}

/* Channel c's peak phase and Perry phase means over its leg's complete
 * strides. The peak is that of the profile (without the stride-to-stride
 * factors), placed in real time by the leg's mean stance. */
static void truth_channel(const bl_synth *s, const bl_synth_gait_config *cfg, const gait_plan *p,
                          const synth_scene *sc, size_t c, bl_synth_truth *t)
{
    const synth_channel *ch = &s->ch[c];
    const leg *l = leg_of(p, ch);
    double ref = bli_synth_gait_stance_ref(cfg->task), best = -1.0, u_peak = 0.0, stance = 0.0;
    for (double u = 0.0; u < 100.0; u += 0.05) {
        double a = bli_synth_gait_activation(ch->muscle, cfg->task, cfg->variant, u);
        if (a > best) {
            best = a;
            u_peak = u;
        }
    }
    double sum[BL_GAIT_PHASES] = {0};
    size_t used = 0;
    for (size_t k = 0; k < t->n_strides; k++) {
        const bl_synth_stride *st = &t->strides[k];
        if (st->side != l->side)
            continue;
        used++;
        stance += (st->liftoff_s - st->start_s) / (st->end_s - st->start_s);
        for (int b = 0; b < BL_GAIT_PHASES; b++)
            sum[b] += mean_over(sc->act[c], sc->frames, s->cfg.rate_hz,
                                bl_gait_phase_bound_time(b, st->start_s, st->liftoff_s, st->end_s),
                                bl_gait_phase_bound_time(b + 1, st->start_s, st->liftoff_s, st->end_s));
    }
    stance = 100.0 * stance / (double)used;
    if (best <= 0.0) { /* a muscle without a profile (EMG): rest only, no peak */
        t->peak_phase[c] = NAN;
    } else
        t->peak_phase[c] = u_peak < ref ? u_peak / ref * stance : stance + (u_peak - ref) / (100.0 - ref) * (100.0 - stance);
    for (int b = 0; b < BL_GAIT_PHASES; b++)
        t->phase_mean[c * BL_GAIT_PHASES + b] = sum[b] / (double)used;
}

/* Touchdowns inside the recording (heel strikes: motion artefacts). */
static bl_status heel_strikes(const gait_plan *p, double **out, size_t *n)
{
    size_t cap = 0;
    for (size_t i = 0; i < p->n_legs; i++)
        cap += p->legs[i].n;
    double *tr = malloc(cap * sizeof *tr);
    if (!tr)
        return BL_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < p->n_legs; i++)
        for (size_t k = 0; k < p->legs[i].n; k++)
            if (p->legs[i].td[k] >= 0.0 && p->legs[i].td[k] < p->duration_s)
                tr[(*n)++] = p->legs[i].td[k];
    *out = tr;
    return BL_OK;
}

/* The scene's activations, footswitches and truth; aux arrays are taken
 * by the caller from sc->aux. */
static bl_status gait_scene(const bl_synth *s, const bl_synth_gait_config *cfg, const gait_plan *p, synth_scene *sc,
                            bl_synth_truth *t)
{
    size_t nch = s->nch;
    double rate = s->cfg.rate_hz;
    if (!(sc->aux = calloc(nch, sizeof *sc->aux)))
        return BL_ENOMEM;
    for (size_t i = 0; i < sc->frames; i++)
        sc->mf[i] = 1.0f;
    bl_status st = truth_events(p, t);
    if (st == BL_OK && (!(t->peak_phase = malloc(nch * sizeof *t->peak_phase)) ||
                        !(t->phase_mean = malloc(nch * BL_GAIT_PHASES * sizeof *t->phase_mean))))
        st = BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && c < nch; c++) {
        t->rest_level[c] = t->peak_phase[c] = NAN;
        for (int b = 0; b < BL_GAIT_PHASES; b++)
            t->phase_mean[c * BL_GAIT_PHASES + b] = NAN;
        if (s->ch[c].is_emg) {
            t->rest_level[c] = s->ch[c].rest_pct;
            channel_activation(s, cfg, p, c, sc);
            truth_channel(s, cfg, p, sc, c, t);
        } else if (!(sc->aux[c] = malloc(sc->frames * sizeof **sc->aux))) {
            st = BL_ENOMEM;
        } else {
            footswitch(p, &s->ch[c], rate, sc->aux[c], sc->frames);
        }
    }
    return st;
}

static void free_aux(synth_scene *sc, size_t nch)
{
    for (size_t c = 0; sc->aux && c < nch; c++)
        free(sc->aux[c]);
    free(sc->aux);
    sc->aux = NULL;
}

bl_status bl_synth_gait(bl_synth *s, const bl_synth_gait_config *cfg, bl_recording **out, bl_synth_truth **truth_out)
{
    if (out)
        *out = NULL;
    if (truth_out)
        *truth_out = NULL;
    if (!s || !cfg || !out || !gait_config_valid(cfg))
        return BL_EINVAL;
    size_t nch = s->nch;
    gait_plan plan = {0};
    plan.stride_s = cfg->stride_s > 0.0 ? cfg->stride_s : cfg->task == BL_SYNTH_RUN ? 0.72 : 1.10;
    plan.stance = (cfg->stance_pct > 0.0 ? cfg->stance_pct : cfg->task == BL_SYNTH_RUN ? 38.0 : 61.0) / 100.0;
    bl_synth_truth *t = bli_synth_truth_alloc(nch, 0);
    bl_status st = t ? plan_legs(s, cfg, &plan) : BL_ENOMEM;
    synth_scene sc;
    int scene = 0;
    double *strikes = NULL, hr_t = 0.0, hr_mult = cfg->task == BL_SYNTH_RUN ? 1.6 : 1.25;
    if (st == BL_OK && (st = bli_synth_scene_alloc(&sc, nch, (size_t)llround(plan.duration_s * s->cfg.rate_hz))) == BL_OK)
        scene = 1;
    if (st == BL_OK) {
        t->gait_task = (int)cfg->task;
        t->gait_variant = (int)cfg->variant;
        st = gait_scene(s, cfg, &plan, &sc, t);
    }
    if (st == BL_OK && (st = heel_strikes(&plan, &strikes, &sc.n_transitions)) == BL_OK) {
        sc.transitions = strikes;
        sc.motion_scale = 0.3; /* a heel strike shakes the cables less than a lift */
        sc.hr_t = &hr_t;
        sc.hr_mult = &hr_mult;
        sc.n_hr = 1;
        sc.scenario = SYNTH_SCN_GAIT;
        sc.name = "gait";
        st = bli_synth_render(s, &sc, out, t);
    }
    if (scene) {
        free_aux(&sc, nch);
        bli_synth_scene_free(&sc, nch);
    }
    free(strikes);
    plan_free(&plan);
    if (st != BL_OK || !truth_out)
        bl_synth_truth_destroy(t);
    else
        *truth_out = t;
    return st;
}
