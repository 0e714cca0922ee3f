/* Synth: configuration, the object (per-electrode parameters drawn once from
 * the seed) and the ground-truth getters. The model lives in model.c, the
 * scenarios in scenario.c, the signal chain in render.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

void bl_synth_config_default(bl_synth_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->rate_hz = 2000.0;
    cfg->seed = 1;
    cfg->map = BL_SYNTH_DEFAULT_MAP;
    cfg->noise_uV = 3.0;
    cfg->mains_hz = 50.0;
    cfg->mains_uV = 25.0;
    cfg->crosstalk = 0.05;
    cfg->ecg_uV = 80.0;
    cfg->heart_rate_bpm = 0.0;
    cfg->motion_uV = 150.0;
    /* 500× into a 1 V interface: ±2 mV at the electrode, headroom for a
     * 420 µV-RMS biceps femoris at MVC (peaks ~4× RMS). */
    cfg->gain = 500.0;
    cfg->full_scale_v = 1.0;
    cfg->ac_coupling_hz = 2.0;
    cfg->quantise_bits = 16;
}

void bl_synth_hinge_config_default(bl_synth_hinge_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->reps = 5;
    cfg->pattern = BL_SYNTH_INTERNAL;
    cfg->order = BL_SYNTH_GLUTE_FIRST;
    cfg->fatigue = -1.0;
    cfg->lead_s = 1.5;
    cfg->tail_s = 1.5;
    cfg->shape = BL_SYNTH_PLATEAU;
}

void bl_synth_mvc_config_default(bl_synth_mvc_config *cfg)
{
    if (!cfg)
        return;
    cfg->rest_s = 0.5;
    cfg->ramp_s = 0.5;
    cfg->hold_s = 3.0;
    cfg->others_pct = 3.0;
}

static const char *const pattern_names[] = {"internal", "external", "drift", "alternating"};
static const char *const order_names[] = {"glute-first", "hamstring-first"};
static const char *const shape_names[] = {"plateau", "torque"};

const char *bl_synth_shape_name(bl_synth_shape sh)
{
    return ((int)sh >= 0 && (int)sh < 2) ? shape_names[sh] : NULL;
}

int bl_synth_shape_from_name(const char *name)
{
    for (int i = 0; name && i < 2; i++)
        if (!strcmp(name, shape_names[i]))
            return i;
    return -1;
}

const char *bl_synth_pattern_name(bl_synth_pattern p)
{
    return ((int)p >= 0 && (int)p < 4) ? pattern_names[p] : NULL;
}

int bl_synth_pattern_from_name(const char *name)
{
    for (int i = 0; name && i < 4; i++)
        if (!strcmp(name, pattern_names[i]))
            return i;
    return -1;
}

const char *bl_synth_order_name(bl_synth_order o)
{
    return ((int)o >= 0 && (int)o < 2) ? order_names[o] : NULL;
}

int bl_synth_order_from_name(const char *name)
{
    for (int i = 0; name && i < 2; i++)
        if (!strcmp(name, order_names[i]))
            return i;
    return -1;
}

static int finite_nonneg(double x) { return isfinite(x) && x >= 0.0; }

/* The configuration on its own: BL_EINVAL for what is not a number or a
 * valid choice, BL_ERATE for the rate, BL_ERANGE for values out of range. */
static bl_status check_config(const bl_synth_config *cfg)
{
    if (!isfinite(cfg->rate_hz) || !finite_nonneg(cfg->noise_uV) || !isfinite(cfg->mains_hz) ||
        !finite_nonneg(cfg->mains_uV) || !isfinite(cfg->crosstalk) || !finite_nonneg(cfg->ecg_uV) ||
        !isfinite(cfg->heart_rate_bpm) || !finite_nonneg(cfg->motion_uV) || !isfinite(cfg->gain) ||
        !isfinite(cfg->full_scale_v) || !finite_nonneg(cfg->ac_coupling_hz))
        return BL_EINVAL;
    if (cfg->quantise_bits != 0 && cfg->quantise_bits != 16 && cfg->quantise_bits != 24)
        return BL_EINVAL;
    if (cfg->rate_hz < BL_SYNTH_MIN_RATE_HZ || cfg->rate_hz > BL_SYNTH_MAX_RATE_HZ)
        return BL_ERATE;
    if ((cfg->mains_hz != 0.0 && cfg->mains_hz != 50.0 && cfg->mains_hz != 60.0) || cfg->crosstalk < 0.0 ||
        cfg->crosstalk > 0.5 ||
        (cfg->heart_rate_bpm != 0.0 && (cfg->heart_rate_bpm < 30.0 || cfg->heart_rate_bpm > 200.0)) ||
        cfg->gain <= 0.0 || cfg->full_scale_v <= 0.0 || cfg->ac_coupling_hz >= 0.1 * cfg->rate_hz)
        return BL_ERANGE;
    return BL_OK;
}

/* Parse the map into s and size the per-channel arrays. s->cfg.map then
 * points to s's own normalised copy of the map. On failure the caller
 * destroys s. */
static bl_status take_map(bl_synth *s, const char *map, char *why, size_t why_len)
{
    bl_status st = bl_chanmap_parse(map, &s->map, why, why_len);
    if (st != BL_OK)
        return st;
    s->nch = bl_chanmap_count(s->map);
    char buf[1024];
    if (bl_chanmap_format(s->map, buf, sizeof buf) != BL_OK)
        return BL_EMAP;
    s->map_text = malloc(strlen(buf) + 1);
    s->ch = calloc(s->nch, sizeof *s->ch);
    s->xt = calloc(s->nch * s->nch, sizeof *s->xt);
    if (!s->map_text || !s->ch || !s->xt)
        return BL_ENOMEM;
    strcpy(s->map_text, buf);
    s->cfg.map = s->map_text;
    return BL_OK;
}

/* Per-electrode parameters: the same seed gives the same "subject and
 * electrode placement" in the session and in every MVC trial. Returns the
 * number of EMG channels. */
static size_t draw_electrodes(bl_synth *s, synth_rng *rng)
{
    size_t n_emg = 0;
    for (size_t c = 0; c < s->nch; c++) {
        synth_channel *ch = &s->ch[c];
        ch->muscle = bl_chanmap_muscle(s->map, c);
        ch->side = bl_chanmap_side(s->map, c);
        ch->is_emg = ch->muscle != BL_MUSCLE_AUX;
        /* Drawn for every channel so an AUX channel does not shift the
         * stream of the others. */
        double amp_j = bli_synth_rng_range(rng, 0.8, 1.25);
        double fh_j = bli_synth_rng_range(rng, 0.95, 1.05);
        double fl_r = bli_synth_rng_range(rng, 0.45, 0.55);
        double mains_g = bli_synth_rng_range(rng, 0.5, 1.5);
        double mains_p = bli_synth_rng_range(rng, -0.3, 0.3);
        double ecg_g = bli_synth_rng_range(rng, 0.8, 1.2) * (bli_synth_rng_uniform(rng) < 0.5 ? -1.0 : 1.0);
        double rest_j = bli_synth_rng_range(rng, 0.8, 1.2);
        if (!ch->is_emg)
            continue;
        n_emg++;
        const synth_muscle_params *mp = bli_synth_muscle_table(ch->muscle);
        ch->mvc_uV = mp->mvc_uV * amp_j;
        ch->fh_hz = mp->fh_hz * fh_j;
        ch->fl_hz = ch->fh_hz * fl_r;
        ch->power = bli_synth_shwedyk_power(ch->fl_hz, ch->fh_hz);
        ch->median_hz = bli_synth_shwedyk_median(ch->fl_hz, ch->fh_hz);
        ch->mains_gain = mains_g;
        ch->mains_phase = mains_p;
        ch->ecg_gain = bli_synth_ecg_weight(ch->muscle, ch->side) * ecg_g;
        /* Tonic level while standing: trunk muscles hold posture. */
        ch->rest_pct = (bl_muscle_group(ch->muscle) == BL_GROUP_TRUNK ? 2.0 : 0.8) * rest_j;
    }
    return n_emg;
}

/* Crosstalk weights, only between sites on the same side (or unsided
 * maps). One draw per ordered pair, used or not, so which pairs are
 * neighbours does not move the other weights. */
static void draw_crosstalk(bl_synth *s, synth_rng *rng)
{
    for (size_t d = 0; d < s->nch; d++)
        for (size_t src = 0; src < s->nch; src++) {
            double j = bli_synth_rng_range(rng, 0.6, 1.4);
            const synth_channel *a = &s->ch[d], *b = &s->ch[src];
            if (!a->is_emg || !b->is_emg || d == src)
                continue;
            if (a->side != b->side && a->side != BL_SIDE_NONE && b->side != BL_SIDE_NONE)
                continue;
            s->xt[d * s->nch + src] = s->cfg.crosstalk * j * bli_synth_crosstalk_weight(a->muscle, b->muscle);
        }
}

bl_status bl_synth_create(const bl_synth_config *cfg, bl_synth **out, char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (why && why_len)
        why[0] = '\0';
    if (!cfg || !out)
        return BL_EINVAL;
    bl_status st = check_config(cfg);
    if (st != BL_OK)
        return st;

    bl_synth *s = calloc(1, sizeof *s);
    if (!s)
        return BL_ENOMEM;
    s->cfg = *cfg;
    if ((st = take_map(s, cfg->map ? cfg->map : BL_SYNTH_DEFAULT_MAP, why, why_len)) != BL_OK) {
        bl_synth_destroy(s);
        return st;
    }
    synth_rng rng;
    bli_synth_rng_seed(&rng, cfg->seed, SYNTH_SCN_ELECTRODES, 0);
    if (!draw_electrodes(s, &rng)) {
        if (why && why_len)
            strncpy(why, "the channel map has no EMG channel", why_len - 1), why[why_len - 1] = '\0';
        bl_synth_destroy(s);
        return BL_EMAP;
    }
    /* The resting heart rate is drawn after the crosstalk, so the
     * electrodes do not move when a rate is given. */
    draw_crosstalk(s, &rng);
    s->hr_rest_bpm = cfg->heart_rate_bpm > 0.0 ? cfg->heart_rate_bpm : bli_synth_rng_range(&rng, 60.0, 85.0);
    *out = s;
    return BL_OK;
}

void bl_synth_destroy(bl_synth *s)
{
    if (!s)
        return;
    bl_chanmap_destroy(s->map);
    free(s->map_text);
    free(s->ch);
    free(s->xt);
    free(s);
}

size_t bl_synth_channels(const bl_synth *s) { return s ? s->nch : 0; }
double bl_synth_rate(const bl_synth *s) { return s ? s->cfg.rate_hz : 0.0; }
const char *bl_synth_map(const bl_synth *s) { return s ? s->map_text : NULL; }
const bl_chanmap *bl_synth_chanmap(const bl_synth *s) { return s ? s->map : NULL; }

double bl_synth_mvc_uV(const bl_synth *s, size_t channel)
{
    return (s && channel < s->nch) ? s->ch[channel].mvc_uV : 0.0;
}

bl_status bl_synth_get_corners(const bl_synth *s, size_t channel, double *fl_hz, double *fh_hz)
{
    int ok = s && channel < s->nch;
    if (fl_hz)
        *fl_hz = ok ? s->ch[channel].fl_hz : 0.0;
    if (fh_hz)
        *fh_hz = ok ? s->ch[channel].fh_hz : 0.0;
    return !s ? BL_EINVAL : ok ? BL_OK : BL_ERANGE;
}

double bl_synth_heart_rate(const bl_synth *s) { return s ? s->hr_rest_bpm : 0.0; }

double bl_synth_median_hz(const bl_synth *s, size_t channel)
{
    return (s && channel < s->nch) ? s->ch[channel].median_hz : 0.0;
}

/* ---------------------------------------------------------------- truth */

bl_synth_truth *bli_synth_truth_alloc(size_t nch, size_t nreps)
{
    bl_synth_truth *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->nch = nch;
    t->nreps = nreps;
    t->gait_task = t->gait_variant = -1;
    size_t cells = nreps * nch;
    t->reps = calloc(nreps ? nreps : 1, sizeof *t->reps);
    t->level = calloc(cells ? cells : 1, sizeof *t->level);
    t->ecc_level = calloc(cells ? cells : 1, sizeof *t->ecc_level);
    t->onset = calloc(cells ? cells : 1, sizeof *t->onset);
    t->rest_level = calloc(nch ? nch : 1, sizeof *t->rest_level);
    t->clipped = calloc(nch ? nch : 1, sizeof *t->clipped);
    if (!t->reps || !t->level || !t->ecc_level || !t->onset || !t->rest_level || !t->clipped) {
        bl_synth_truth_destroy(t);
        return NULL;
    }
    return t;
}

void bl_synth_truth_destroy(bl_synth_truth *t)
{
    if (!t)
        return;
    free(t->reps);
    free(t->level);
    free(t->ecc_level);
    free(t->onset);
    free(t->rest_level);
    free(t->ecg);
    free(t->motion);
    free(t->clipped);
    free(t->strides);
    free(t->gait_events);
    free(t->peak_phase);
    free(t->phase_mean);
    free(t);
}

size_t bl_synth_truth_channels(const bl_synth_truth *t) { return t ? t->nch : 0; }
double bl_synth_truth_duration(const bl_synth_truth *t) { return t ? t->duration_s : 0.0; }
size_t bl_synth_truth_reps(const bl_synth_truth *t) { return t ? t->nreps : 0; }

bl_status bl_synth_truth_get_rep(const bl_synth_truth *t, size_t rep, bl_synth_rep *out)
{
    if (!t || !out)
        return BL_EINVAL;
    if (rep >= t->nreps)
        return BL_ERANGE;
    *out = t->reps[rep];
    return BL_OK;
}

static double cell(const bl_synth_truth *t, const double *a, size_t rep, size_t channel)
{
    if (!t || rep >= t->nreps || channel >= t->nch)
        return NAN;
    return a[rep * t->nch + channel];
}

double bl_synth_truth_level(const bl_synth_truth *t, size_t rep, size_t channel)
{
    return t ? cell(t, t->level, rep, channel) : NAN;
}

double bl_synth_truth_ecc_level(const bl_synth_truth *t, size_t rep, size_t channel)
{
    return t ? cell(t, t->ecc_level, rep, channel) : NAN;
}

double bl_synth_truth_onset(const bl_synth_truth *t, size_t rep, size_t channel)
{
    return t ? cell(t, t->onset, rep, channel) : NAN;
}

double bl_synth_truth_rest_level(const bl_synth_truth *t, size_t channel)
{
    return (t && channel < t->nch) ? t->rest_level[channel] : NAN;
}

bl_status bl_synth_truth_get_hold(const bl_synth_truth *t, double *start_s, double *end_s)
{
    if (start_s)
        *start_s = t ? t->hold_start_s : 0.0;
    if (end_s)
        *end_s = t ? t->hold_end_s : 0.0;
    return t ? BL_OK : BL_EINVAL;
}

size_t bl_synth_truth_ecg_count(const bl_synth_truth *t) { return t ? t->n_ecg : 0; }

double bl_synth_truth_heart_rate(const bl_synth_truth *t) { return t ? t->hr_rest_bpm : NAN; }

double bl_synth_truth_mean_heart_rate(const bl_synth_truth *t)
{
    if (!t || t->n_ecg < 2)
        return NAN;
    return 60.0 * (double)(t->n_ecg - 1) / (t->ecg[t->n_ecg - 1] - t->ecg[0]);
}

double bl_synth_truth_ecg_time(const bl_synth_truth *t, size_t i)
{
    return (t && i < t->n_ecg) ? t->ecg[i] : NAN;
}

size_t bl_synth_truth_motion_count(const bl_synth_truth *t) { return t ? t->n_motion : 0; }

double bl_synth_truth_motion_time(const bl_synth_truth *t, size_t i)
{
    return (t && i < t->n_motion) ? t->motion[i] : NAN;
}

size_t bl_synth_truth_clipped(const bl_synth_truth *t, size_t channel)
{
    return (t && channel < t->nch) ? t->clipped[channel] : 0;
}

size_t bl_synth_truth_strides(const bl_synth_truth *t) { return t ? t->n_strides : 0; }

bl_status bl_synth_truth_get_stride(const bl_synth_truth *t, size_t k, bl_synth_stride *out)
{
    if (!t || !out)
        return BL_EINVAL;
    if (k >= t->n_strides)
        return BL_ERANGE;
    *out = t->strides[k];
    return BL_OK;
}

size_t bl_synth_truth_gait_events(const bl_synth_truth *t) { return t ? t->n_gait_events : 0; }

bl_status bl_synth_truth_get_gait_event(const bl_synth_truth *t, size_t i, double *time_s, bl_side *side,
                                        int *touchdown)
{
    if (!t || !time_s || !side || !touchdown)
        return BL_EINVAL;
    if (i >= t->n_gait_events)
        return BL_ERANGE;
    *time_s = t->gait_events[3 * i];
    *side = (bl_side)(int)t->gait_events[3 * i + 1];
    *touchdown = t->gait_events[3 * i + 2] != 0.0;
    return BL_OK;
}

int bl_synth_truth_gait_task(const bl_synth_truth *t) { return t ? t->gait_task : -1; }
int bl_synth_truth_gait_variant(const bl_synth_truth *t) { return t ? t->gait_variant : -1; }

double bl_synth_truth_peak_phase(const bl_synth_truth *t, size_t channel)
{
    return t && t->peak_phase && channel < t->nch ? t->peak_phase[channel] : NAN;
}

double bl_synth_truth_phase_mean(const bl_synth_truth *t, size_t channel, bl_gait_phase phase)
{
    if (!t || !t->phase_mean || channel >= t->nch || (int)phase < 0 || phase >= BL_GAIT_PHASES)
        return NAN;
    return t->phase_mean[channel * BL_GAIT_PHASES + phase];
}
