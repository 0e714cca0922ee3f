/* Synth: from a scene (activation in %MVC per channel, spectral scale, hip
 * angle, movement transitions) to a recording as a sound card would deliver
 * it: EMG → crosstalk → baseline noise, mains, ECG, motion artefact (all in
 * µV at the electrode) → board path (gain, full scale, AC coupling, clip,
 * quantisation). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

bl_status bli_synth_scene_alloc(synth_scene *sc, size_t nch, size_t frames)
{
    memset(sc, 0, sizeof *sc);
    sc->frames = frames;
    sc->act = calloc(nch, sizeof *sc->act);
    sc->mf = calloc(frames, sizeof *sc->mf);
    sc->angle_deg = calloc(frames, sizeof *sc->angle_deg);
    if (!sc->act || !sc->mf || !sc->angle_deg) {
        bli_synth_scene_free(sc, nch);
        return BL_ENOMEM;
    }
    for (size_t c = 0; c < nch; c++) {
        sc->act[c] = calloc(frames, sizeof **sc->act);
        if (!sc->act[c]) {
            bli_synth_scene_free(sc, nch);
            return BL_ENOMEM;
        }
    }
    return BL_OK;
}

void bli_synth_scene_free(synth_scene *sc, size_t nch)
{
    if (sc->act)
        for (size_t c = 0; c < nch; c++)
            free(sc->act[c]);
    free(sc->act);
    free(sc->mf);
    free(sc->angle_deg);
    sc->act = NULL;
    sc->mf = NULL;
    sc->angle_deg = NULL;
}

/* One heartbeat as seen on a surface lead: P, Q, R, S, T as Gaussians
 * (times in s from the R peak, amplitudes relative to R). The QRS is
 * narrow (~80 ms) so part of it survives a 20 Hz high-pass — which is what
 * makes ECG contamination look like muscle activity. */
static const struct { double t, a, sd; } ecg_waves[] = {
    {-0.160, 0.12, 0.025}, {-0.022, -0.15, 0.005}, {0.0, 1.0, 0.006},
    {0.022, -0.28, 0.006}, {0.260, 0.25, 0.045},
};

static void add_beat(float *x, size_t frames, double rate, double tb, double amp)
{
    long long i0 = (long long)floor((tb - 0.35) * rate), i1 = (long long)ceil((tb + 0.50) * rate);
    if (i0 < 0)
        i0 = 0;
    if (i1 > (long long)frames)
        i1 = (long long)frames;
    for (long long i = i0; i < i1; i++) {
        double t = (double)i / rate - tb, v = 0.0;
        for (size_t w = 0; w < sizeof ecg_waves / sizeof ecg_waves[0]; w++) {
            double z = (t - ecg_waves[w].t) / ecg_waves[w].sd;
            if (fabs(z) < 8.0) /* beyond, exp() is below 1e-14 */
                v += ecg_waves[w].a * exp(-0.5 * z * z);
        }
        x[i] += (float)(amp * v);
    }
}

/* Heart-rate multiplier of the scene at time t: piecewise linear through
 * (hr_t[k], hr_mult[k]), 1 before the first point. */
static double heart_rate_multiplier(const synth_scene *sc, double t)
{
    double mult = 1.0;
    for (size_t k = 0; k < sc->n_hr; k++) {
        if (t >= sc->hr_t[k])
            mult = sc->hr_mult[k];
        if (k + 1 < sc->n_hr && t >= sc->hr_t[k] && t < sc->hr_t[k + 1]) {
            mult = sc->hr_mult[k] + (sc->hr_mult[k + 1] - sc->hr_mult[k]) * (t - sc->hr_t[k]) /
                                        (sc->hr_t[k + 1] - sc->hr_t[k]);
            break;
        }
    }
    return mult;
}

/* Stage 1: each muscle's own signal at its electrode, µV, into emg (nch
 * blocks of frames; zeros on AUX channels). */
static bl_status render_muscles(const bl_synth *s, const synth_scene *sc, float *emg)
{
    const bl_synth_config *cfg = &s->cfg;
    size_t frames = sc->frames;
    synth_shaper *sh = NULL;
    float *tmp = malloc(frames * sizeof *tmp);
    if (!tmp)
        return BL_ENOMEM;
    bl_status st = bli_synth_shaper_create(cfg->rate_hz, &sh);
    if (st != BL_OK) {
        free(tmp);
        return st;
    }
    for (size_t c = 0; c < s->nch; c++) {
        const synth_channel *ch = &s->ch[c];
        float *e = emg + c * frames;
        if (!ch->is_emg) {
            memset(e, 0, frames * sizeof *e);
            continue;
        }
        synth_rng rng;
        bli_synth_rng_seed(&rng, cfg->seed, sc->scenario, SYNTH_SUB_EMG + c);
        bli_synth_shaper_run(sh, ch->fl_hz, ch->fh_hz, ch->power, sc->mf, frames, &rng, tmp);
        double k = ch->mvc_uV / 100.0;
        for (size_t i = 0; i < frames; i++)
            e[i] = (float)(k * sc->act[c][i] * tmp[i]);
    }
    bli_synth_shaper_destroy(sh);
    free(tmp);
    return BL_OK;
}

/* Stage 2, crosstalk: volume conduction from neighbouring muscles. Each
 * channel of rec becomes its own muscle's EMG plus the weighted EMG of the
 * others. */
static void mix_crosstalk(const bl_synth *s, const float *emg, size_t frames, bl_recording *rec)
{
    size_t nch = s->nch;
    for (size_t c = 0; c < nch; c++) {
        float *d = bl_recording_data(rec, c);
        memcpy(d, emg + c * frames, frames * sizeof *d);
        for (size_t src = 0; src < nch; src++) {
            double w = s->xt[c * nch + src];
            if (w == 0.0)
                continue;
            const float *e = emg + src * frames;
            for (size_t i = 0; i < frames; i++)
                d[i] += (float)(w * e[i]);
        }
    }
}

/* R-wave times with a few % beat-to-beat variability, the rate following
 * the exertion profile of the scene; a new array (caller frees). */
static bl_status draw_beat_times(const bl_synth *s, const synth_scene *sc, synth_rng *art, double **beats_out,
                                 size_t *n_out)
{
    double dur = (double)sc->frames / s->cfg.rate_hz;
    double rr = 60.0 / s->hr_rest_bpm;
    /* Room to spare: no interval is shorter than 0.6·rr/multiplier, and
     * the scenarios raise the rate by 15 % at most. */
    size_t cap = (size_t)(dur / (0.5 * rr / 1.2)) + 4, n = 0;
    double *beats = malloc(cap * sizeof *beats);
    if (!beats)
        return BL_ENOMEM;
    double t = bli_synth_rng_range(art, 0.1, rr);
    while (t < dur && n < cap) {
        beats[n++] = t;
        double base = rr / heart_rate_multiplier(sc, t);
        double r = base * (1.0 + 0.04 * bli_synth_rng_normal(art));
        if (r < 0.6 * base)
            r = 0.6 * base;
        t += r;
    }
    *beats_out = beats;
    *n_out = n;
    return BL_OK;
}

/* ECG on the channels that pick it up; the beat times go to *beats_out
 * (NULL and 0 when the ECG is off). */
static bl_status add_ecg(const bl_synth *s, const synth_scene *sc, synth_rng *art, bl_recording *rec,
                         double **beats_out, size_t *n_out)
{
    const bl_synth_config *cfg = &s->cfg;
    double *beats = NULL;
    size_t n_beats = 0;
    *beats_out = NULL;
    *n_out = 0;
    if (!(cfg->ecg_uV > 0.0))
        return BL_OK;
    bl_status st = draw_beat_times(s, sc, art, &beats, &n_beats);
    if (st != BL_OK)
        return st;
    for (size_t c = 0; c < s->nch; c++) {
        if (s->ch[c].ecg_gain == 0.0)
            continue;
        float *d = bl_recording_data(rec, c);
        for (size_t b = 0; b < n_beats; b++)
            add_beat(d, sc->frames, cfg->rate_hz, beats[b], cfg->ecg_uV * s->ch[c].ecg_gain);
    }
    *beats_out = beats;
    *n_out = n_beats;
    return BL_OK;
}

/* a·sin(w·i + p) added to d[0..frames) by a rotating phasor, re-anchored
 * on sin/cos every 4096 samples so rounding cannot accumulate: a sine per
 * sample costs more than the whole EMG model at audio rates. */
static void add_sine(float *d, size_t frames, double w, double a, double p)
{
    double cw = cos(w), sw = sin(w);
    for (size_t i0 = 0; i0 < frames; i0 += 4096) {
        double sn = sin(w * (double)i0 + p), cs = cos(w * (double)i0 + p);
        size_t i1 = i0 + 4096 < frames ? i0 + 4096 : frames;
        for (size_t i = i0; i < i1; i++) {
            d[i] += (float)(a * sn);
            double t = sn * cw + cs * sw;
            cs = cs * cw - sn * sw;
            sn = t;
        }
    }
}

/* Mains: fundamental and harmonics below Nyquist (odd ones stronger, as
 * from rectifier loads), phases per harmonic, pickup per electrode. */
static void add_mains(const bl_synth *s, synth_rng *art, bl_recording *rec)
{
    static const double rel[] = {1.0, 0.08, 0.35, 0.05, 0.15, 0.03, 0.06};
    const bl_synth_config *cfg = &s->cfg;
    double rate = cfg->rate_hz;
    size_t frames = bl_recording_frames(rec);
    if (!(cfg->mains_hz > 0.0 && cfg->mains_uV > 0.0))
        return;
    double ph[7];
    for (int h = 0; h < 7; h++)
        ph[h] = bli_synth_rng_range(art, 0.0, 2.0 * M_PI);
    for (size_t c = 0; c < s->nch; c++) {
        if (!s->ch[c].is_emg)
            continue;
        float *d = bl_recording_data(rec, c);
        double a0 = cfg->mains_uV * s->ch[c].mains_gain;
        for (int h = 0; h < 7; h++) {
            double f = cfg->mains_hz * (h + 1);
            if (f >= 0.49 * rate)
                break;
            double w = 2.0 * M_PI * f / rate, a = a0 * rel[h], p = ph[h] + s->ch[c].mains_phase;
            add_sine(d, frames, w, a, p);
        }
    }
}

/* One motion transient, amp·u·e^(1-u) with u = (t - t0)/tau, over ten
 * time constants from t0. */
static void add_transient(float *d, size_t frames, double rate, double t0, double amp, double tau)
{
    size_t i0 = (size_t)ceil(t0 * rate), i1 = (size_t)ceil((t0 + 10.0 * tau) * rate);
    if (i1 > frames)
        i1 = frames;
    for (size_t i = i0; i < i1; i++) {
        double u = ((double)i / rate - t0) / tau;
        d[i] += (float)(amp * u * exp(1.0 - u));
    }
}

/* Motion artefact: a slow transient (cable and skin movement) per channel
 * at each movement transition; the AC coupling of the board path makes it
 * biphasic, as on a real board. The event times go to *times_out (NULL
 * and 0 when there are none). */
static bl_status add_motion(const bl_synth *s, const synth_scene *sc, synth_rng *art, bl_recording *rec,
                            double **times_out, size_t *n_out)
{
    const bl_synth_config *cfg = &s->cfg;
    *times_out = NULL;
    *n_out = 0;
    if (!(sc->n_transitions && cfg->motion_uV > 0.0 && sc->motion_scale > 0.0))
        return BL_OK;
    double *times = malloc(sc->n_transitions * sizeof *times);
    if (!times)
        return BL_ENOMEM;
    for (size_t m = 0; m < sc->n_transitions; m++) {
        double t0 = sc->transitions[m] + bli_synth_rng_range(art, -0.05, 0.05);
        if (t0 < 0.0)
            t0 = 0.0;
        times[m] = t0;
        for (size_t c = 0; c < s->nch; c++) {
            /* Drawn for every channel so an AUX channel does not shift the
             * stream of the others. */
            double amp = cfg->motion_uV * sc->motion_scale * bli_synth_rng_range(art, 0.2, 1.0);
            if (bli_synth_rng_uniform(art) < 0.5)
                amp = -amp;
            double tau = bli_synth_rng_range(art, 0.04, 0.12);
            if (s->ch[c].is_emg)
                add_transient(bl_recording_data(rec, c), sc->frames, cfg->rate_hz, t0, amp, tau);
        }
    }
    *times_out = times;
    *n_out = sc->n_transitions;
    return BL_OK;
}

/* Baseline noise: white, cfg->noise_uV RMS in the 10–500 Hz band, so the
 * in-band noise does not depend on the output rate. */
static void add_baseline_noise(const bl_synth *s, const synth_scene *sc, bl_recording *rec)
{
    const bl_synth_config *cfg = &s->cfg;
    size_t frames = sc->frames;
    synth_rng nz;
    bli_synth_rng_seed(&nz, cfg->seed, sc->scenario, SYNTH_SUB_NOISE);
    double sd = cfg->noise_uV * sqrt(0.5 * cfg->rate_hz / 490.0);
    for (size_t c = 0; c < s->nch; c++) {
        if (!s->ch[c].is_emg || sd == 0.0)
            continue;
        float *d = bl_recording_data(rec, c);
        for (size_t i = 0; i + 1 < frames; i += 2) {
            double g1, g2;
            bli_synth_rng_normal2(&nz, &g1, &g2);
            d[i] += (float)(sd * g1);
            d[i + 1] += (float)(sd * g2);
        }
        if (frames % 2)
            d[frames - 1] += (float)(sd * bli_synth_rng_normal(&nz));
    }
}

/* Stage 4, the board path of one channel in place: µV to full scale through
 * gain and AC coupling (EMG), the goniometer scale or the given trace
 * (AUX), then clipping
 * and quantisation. Returns the number of clipped samples. */
static size_t board_channel(const bl_synth_config *cfg, int is_emg, const float *angle_deg, const float *aux,
                            float *d, size_t frames)
{
    double rate = cfg->rate_hz;
    double q = cfg->quantise_bits ? ldexp(1.0, -(cfg->quantise_bits - 1)) : 0.0;
    double top = q > 0.0 ? 1.0 - q : 1.0;
    double K = tan(M_PI * cfg->ac_coupling_hz / rate);
    double hp_b = 1.0 / (1.0 + K), hp_a = (1.0 - K) / (1.0 + K);
    double k = 1e-6 * cfg->gain / cfg->full_scale_v;
    size_t clipped = 0;
    double xprev = 0.0, yprev = 0.0;
    for (size_t i = 0; i < frames; i++) {
        double x;
        if (is_emg) {
            x = (double)d[i] * k;
            if (cfg->ac_coupling_hz > 0.0) {
                /* First-order high-pass (bilinear): the coupling capacitor
                 * of the line input. */
                double y = hp_b * (x - xprev) + hp_a * yprev;
                xprev = x;
                yprev = y;
                x = y;
            }
        } else if (aux) {
            x = (double)aux[i]; /* AUX: already in full-scale units (a footswitch) */
        } else {
            /* AUX: a goniometer on a DC-coupled input, 180° = full scale. */
            x = (double)angle_deg[i] / 180.0;
        }
        if (x > top) {
            x = top;
            clipped++;
        } else if (x < -1.0) {
            x = -1.0;
            clipped++;
        }
        if (q > 0.0)
            x = nearbyint(x / q) * q;
        d[i] = (float)x;
    }
    return clipped;
}

/* Metadata: what makes the file describe itself. */
static bl_status describe_recording(const bl_synth *s, const synth_scene *sc, bl_recording *rec)
{
    const bl_synth_config *cfg = &s->cfg;
    bl_status st;
    if ((st = bl_recording_set_chanmap(rec, s->map, NULL, 0)) != BL_OK)
        return st;
    if ((st = bl_recording_set_full_scale(rec, cfg->full_scale_v)) != BL_OK)
        return st;
    for (size_t c = 0; c < s->nch; c++)
        if (s->ch[c].is_emg && (st = bl_recording_set_gain(rec, c, cfg->gain)) != BL_OK)
            return st;
    char buf[96];
    snprintf(buf, sizeof buf, "backline %s synth", bl_version());
    if ((st = bl_recording_set_meta(rec, "software", buf)) != BL_OK)
        return st;
    if ((st = bl_recording_set_meta(rec, "synth_scenario", sc->name)) != BL_OK)
        return st;
    snprintf(buf, sizeof buf, "%" PRIu64, cfg->seed);
    return bl_recording_set_meta(rec, "synth_seed", buf);
}

bl_status bli_synth_render(const bl_synth *s, const synth_scene *sc, bl_recording **out,
                           bl_synth_truth *truth)
{
    const bl_synth_config *cfg = &s->cfg;
    size_t nch = s->nch, frames = sc->frames;
    bl_recording *rec = NULL;
    float *emg = NULL;
    double *beats = NULL, *motion = NULL;
    size_t n_beats = 0, n_motion = 0;
    bl_status st;

    *out = NULL;
    if ((st = bl_recording_create(nch, frames, cfg->rate_hz, &rec)) != BL_OK)
        return st;
    if (frames > SIZE_MAX / sizeof(float) / nch) {
        st = BL_ENOMEM;
        goto fail;
    }
    emg = malloc(nch * frames * sizeof *emg);
    if (!emg) {
        st = BL_ENOMEM;
        goto fail;
    }
    if ((st = render_muscles(s, sc, emg)) != BL_OK)
        goto fail;
    mix_crosstalk(s, emg, frames, rec);

    /* Stage 3, artefacts (in µV at the electrode). ECG, mains and motion
     * draw from their own stream, in this order, so they do not move when
     * the EMG model changes; the noise has a stream of its own. */
    synth_rng art;
    bli_synth_rng_seed(&art, cfg->seed, sc->scenario, SYNTH_SUB_ARTEFACT);
    if (truth)
        truth->hr_rest_bpm = s->hr_rest_bpm;
    if ((st = add_ecg(s, sc, &art, rec, &beats, &n_beats)) != BL_OK)
        goto fail;
    add_mains(s, &art, rec);
    if ((st = add_motion(s, sc, &art, rec, &motion, &n_motion)) != BL_OK)
        goto fail;
    add_baseline_noise(s, sc, rec);

    for (size_t c = 0; c < nch; c++) {
        size_t clipped = board_channel(cfg, s->ch[c].is_emg, sc->angle_deg, sc->aux ? sc->aux[c] : NULL,
                                       bl_recording_data(rec, c), frames);
        if (truth)
            truth->clipped[c] = clipped;
    }
    if ((st = describe_recording(s, sc, rec)) != BL_OK)
        goto fail;

    if (truth) {
        truth->duration_s = (double)frames / cfg->rate_hz;
        truth->ecg = beats;
        truth->n_ecg = n_beats;
        truth->motion = motion;
        truth->n_motion = n_motion;
        beats = motion = NULL;
    }
    free(beats);
    free(motion);
    free(emg);
    *out = rec;
    return BL_OK;

fail:
    free(beats);
    free(motion);
    free(emg);
    bl_recording_destroy(rec);
    return st;
}
