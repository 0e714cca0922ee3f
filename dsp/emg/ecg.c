/* ECG removal from surface EMG (ecg.h): configuration, the result object
 * and the four steps put together, on planar arrays and on conditioned
 * recordings. Detection is in ecg_detect.c, templates in ecg_template.c. */
#include "backline/ecg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/filter.h"
#include "emg_internal.h"

void bl_ecg_config_default(bl_ecg_config *cfg)
{
    if (!cfg) return;
    cfg->qrs_lo_hz = 20.0;
    cfg->qrs_hi_hz = 50.0;
    cfg->integration_s = 0.05;
    cfg->min_rate_bpm = 30.0;
    cfg->max_rate_bpm = 240.0;
    cfg->noise_window_s = 1.0;
    cfg->qrs_half_s = 0.05;
    cfg->detect_z = 4.0;
    cfg->searchback_z = 3.0;
    cfg->presence_snr_db = 10.0;
    cfg->min_beats = 8;
    cfg->template_pre_s = 0.2;
    cfg->template_post_s = 0.3;
    cfg->template_beats = 40;
    cfg->adaptive_amplitude = 1;
    cfg->amplitude_sd = 0.2;
}

static int positive(double v) { return v > 0 && isfinite(v); }

bl_status bli_ecg_config_check(const bl_ecg_config *cfg, double rate_hz)
{
    if (!cfg) return BL_EINVAL;
    if (!(rate_hz >= BL_MIN_EMG_RATE_HZ) || !isfinite(rate_hz)) return BL_ERATE;
    if (!positive(cfg->qrs_lo_hz) || !(cfg->qrs_hi_hz > cfg->qrs_lo_hz) || !(cfg->qrs_hi_hz < rate_hz / 2))
        return BL_ERANGE;
    if (!positive(cfg->integration_s) || !positive(cfg->noise_window_s) || !positive(cfg->qrs_half_s) ||
        !positive(cfg->template_pre_s) || !positive(cfg->template_post_s))
        return BL_ERANGE;
    if (!positive(cfg->min_rate_bpm) || !(cfg->max_rate_bpm > cfg->min_rate_bpm) || !(cfg->max_rate_bpm <= 600))
        return BL_ERANGE;
    if (!positive(cfg->searchback_z) || !(cfg->detect_z >= cfg->searchback_z) || !isfinite(cfg->detect_z))
        return BL_ERANGE;
    if (!isfinite(cfg->presence_snr_db) || cfg->template_beats < 2 || cfg->min_beats < 2) return BL_ERANGE;
    if (!positive(cfg->amplitude_sd)) return BL_ERANGE;
    /* Windows of at least one sample at this rate. */
    if (cfg->qrs_half_s * rate_hz < 1 || cfg->integration_s * rate_hz < 1 ||
        60.0 / cfg->max_rate_bpm * rate_hz < 2)
        return BL_ERANGE;
    return BL_OK;
}

/* ------------------------------------------------------------ result */

struct bl_ecg_result {
    double *beats_s;
    size_t n_beats;
    double heart_rate_bpm;
    bl_ecg_channel *ch;
    size_t n_ch;
};

bl_status bl_ecg_result_create(bl_ecg_result **out)
{
    if (!out) return BL_EINVAL;
    *out = calloc(1, sizeof **out);
    if (!*out) return BL_ENOMEM;
    (*out)->heart_rate_bpm = NAN;
    return BL_OK;
}

void bl_ecg_result_destroy(bl_ecg_result *r)
{
    if (!r) return;
    free(r->beats_s);
    free(r->ch);
    free(r);
}

int bl_ecg_result_detected(const bl_ecg_result *r)
{
    if (!r) return 0;
    for (size_t i = 0; i < r->n_ch; i++)
        if (r->ch[i].ecg_detected) return 1;
    return 0;
}

size_t bl_ecg_result_beats(const bl_ecg_result *r) { return r ? r->n_beats : 0; }
double bl_ecg_result_beat_time(const bl_ecg_result *r, size_t i) { return r && i < r->n_beats ? r->beats_s[i] : NAN; }
double bl_ecg_result_heart_rate(const bl_ecg_result *r) { return r ? r->heart_rate_bpm : NAN; }
size_t bl_ecg_result_channels(const bl_ecg_result *r) { return r ? r->n_ch : 0; }

size_t bl_ecg_result_treated(const bl_ecg_result *r)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n_ch; i++) n += r->ch[i].treated ? 1 : 0;
    return n;
}

bl_status bl_ecg_result_get_channel(const bl_ecg_result *r, size_t i, bl_ecg_channel *out)
{
    if (!r || !out) return BL_EINVAL;
    if (i >= r->n_ch) return BL_ERANGE;
    *out = r->ch[i];
    return BL_OK;
}

/* ------------------------------------------------------------- a run */

/* Everything a run holds until it is adopted: scratch and the new result. */
typedef struct ecg_run {
    const float *const *x;
    size_t nch, n;
    double rate;
    const bl_ecg_config *cfg;
    size_t q;            /* QRS half-window, samples */
    bli_ecg_level *scale; /* local noise SD per channel */
    double *tmpl;        /* nch × (2q + 1) average beats */
    double *work;        /* the template steps' scratch (bli_ecg_work_size) */
    double *mean;        /* one average beat (2q + 1) */
    double *energy;      /* per channel: the average beat's energy before removal */
    float *clean;        /* removal: one channel's cleaned copy at a time */
    bli_ecg_beats b1, b2;
    bl_ecg_result res;
} ecg_run;

static void run_free(ecg_run *r)
{
    for (size_t c = 0; r->scale && c < r->nch; c++) bli_ecg_level_free(&r->scale[c]);
    free(r->scale);
    free(r->clean);
    free(r->work);
    free(r->mean);
    free(r->energy);
    free(r->tmpl);
    free(r->b1.pos);
    free(r->b2.pos);
    free(r->res.beats_s);
    free(r->res.ch);
}

/* Everything a run allocates before it starts but the removal's scratch
 * copy (run_steps allocates it once beats are found, before any write):
 * the removal's writes, which come last, cannot then fail half way. */
static bl_status run_alloc(ecg_run *r)
{
    size_t len = 2 * r->q + 1, refr = (size_t)floor(60.0 / r->cfg->max_rate_bpm * r->rate);
    size_t cap = r->n / (refr ? refr : 1) + 2;
    r->scale = calloc(r->nch, sizeof *r->scale);
    r->tmpl = calloc(r->nch * len, sizeof *r->tmpl);
    r->work = malloc(bli_ecg_work_size(r->cfg, r->rate, cap) * sizeof *r->work);
    r->mean = malloc(len * sizeof *r->mean);
    r->energy = calloc(r->nch, sizeof *r->energy);
    r->b1.pos = malloc(cap * sizeof *r->b1.pos);
    r->b2.pos = malloc(cap * sizeof *r->b2.pos);
    r->res.ch = calloc(r->nch, sizeof *r->res.ch);
    r->res.beats_s = malloc(cap * sizeof *r->res.beats_s);
    if (!r->scale || !r->tmpl || !r->work || !r->mean || !r->energy || !r->b1.pos || !r->b2.pos || !r->res.ch ||
        !r->res.beats_s)
        return BL_ENOMEM;
    r->b1.cap = r->b2.cap = cap;
    size_t win = (size_t)llround(r->cfg->noise_window_s * r->rate);
    for (size_t c = 0; c < r->nch; c++) {
        bl_status st = bli_ecg_level_init(&r->scale[c], r->x[c], r->n, win, 1, (float)BLI_ECG_MAD_SCALE);
        if (st != BL_OK) return st;
    }
    return BL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Whether an RR interval d is one beat to the next (neither a gap left
 * by missed beats nor split by a false one) for a typical interval base. */
static int single_interval(double d, double base)
{
    return d >= BLI_ECG_SPLIT_RR * base && d <= BLI_ECG_GAP_RR * base;
}

/* The typical RR interval (samples) of b: the median of the single
 * intervals around the lower quartile of all intervals (gaps, which
 * misses inside bursts leave many of, do not move it); 0 with fewer than
 * two beats. */
static double rr_base(const bli_ecg_beats *b, double *scratch)
{
    if (b->n < 2) return 0;
    size_t m = b->n - 1, k = 0;
    for (size_t i = 1; i < b->n; i++) scratch[i - 1] = b->pos[i] - b->pos[i - 1];
    qsort(scratch, m, sizeof *scratch, cmp_double);
    double q1 = scratch[(m - 1) / 4];
    for (size_t i = 0; i < m; i++)
        if (single_interval(scratch[i], q1)) scratch[k++] = scratch[i];
    return k ? scratch[(k - 1) / 2] : q1;
}

/* Step 2: which channels have ECG, from the first-pass beats (the
 * rhythm is checked on the final beats, see rhythm_ok). Returns how many;
 * their templates are left in r->tmpl. */
static bl_status presence(ecg_run *r, size_t *present)
{
    *present = 0;
    for (size_t c = 0; c < r->nch; c++) {
        bl_ecg_channel *ch = &r->res.ch[c];
        bli_ecg_stats st = {0};
        if (r->b1.n > 0)
            bli_ecg_qrs_average(r->x[c], r->n, &r->scale[c], &r->b1, r->q, r->tmpl + c * (2 * r->q + 1), &st, r->work);
        size_t len = 2 * r->q + 1;
        ch->snr_db = r->b1.n > 0 ? 10.0 * log10(st.snr) : 0.0;
        ch->peak_before = ch->peak_after = st.peak;
        ch->snr_after_db = ch->snr_db;
        ch->low_fraction = bli_ecg_low_fraction(r->tmpl + c * len, len, r->rate, BLI_ECG_LOW_HZ);
        ch->ecg_detected = r->b1.n >= 2 && ch->snr_db >= r->cfg->presence_snr_db &&
                           ch->low_fraction >= BLI_ECG_LOW_FRACTION;
        *present += ch->ecg_detected ? 1 : 0;
    }
    return BL_OK;
}

/* A heart's rhythm in the final beats: at least min_beats, their typical
 * RR interval (rr_base) between 60/max_rate_bpm and 60/min_rate_bpm, and
 * regular: the median change from one single interval to the next at most
 * BLI_ECG_RR_IRREGULAR of the typical interval (the trains of a large
 * motor unit, picked at the refractory period, are not). */
static bl_status rhythm_ok(ecg_run *r, int *ok)
{
    size_t n = r->b2.n;
    double *rr = malloc((n + 1) * sizeof *rr);
    if (!rr) return BL_ENOMEM;
    double med = rr_base(&r->b2, rr);
    size_t m = 0;
    for (size_t k = 2; k < n; k++) {
        double a = r->b2.pos[k - 1] - r->b2.pos[k - 2], b = r->b2.pos[k] - r->b2.pos[k - 1];
        if (single_interval(a, med) && single_interval(b, med)) rr[m++] = fabs(b - a);
    }
    if (m) qsort(rr, m, sizeof *rr, cmp_double);
    double change = m ? rr[(m - 1) / 2] : INFINITY;
    free(rr);
    med /= r->rate;
    *ok = n >= r->cfg->min_beats && med >= 60.0 / r->cfg->max_rate_bpm && med <= 60.0 / r->cfg->min_rate_bpm &&
          change / r->rate <= BLI_ECG_RR_IRREGULAR * med;
    return BL_OK;
}

/* Step 3 over the channels with ECG; the first-pass beats stay when the
 * matched filter finds fewer than min_beats. */
static bl_status second_pass(ecg_run *r, size_t present)
{
    const float **xs = malloc(present * sizeof *xs);
    const bli_ecg_level **ss = malloc(present * sizeof *ss);
    const double **ts = malloc(present * sizeof *ts);
    bl_status st = BL_ENOMEM;
    if (xs && ss && ts) {
        size_t m = 0;
        for (size_t c = 0; c < r->nch; c++) {
            if (!r->res.ch[c].ecg_detected) continue;
            xs[m] = r->x[c];
            ss[m] = &r->scale[c];
            ts[m++] = r->tmpl + c * (2 * r->q + 1);
        }
        st = bli_ecg_matched_pass(xs, ss, ts, m, r->n, r->q, r->rate, r->cfg, &r->b1, &r->b2);
    }
    free(xs);
    free(ss);
    free(ts);
    if (st == BL_OK && r->b2.n < r->cfg->min_beats) {
        memcpy(r->b2.pos, r->b1.pos, r->b1.n * sizeof *r->b1.pos);
        r->b2.n = r->b1.n;
    }
    return st;
}

/* Mean heart rate over the single RR intervals. */
static bl_status heart_rate(ecg_run *r)
{
    r->res.heart_rate_bpm = NAN;
    double *rr = malloc((r->b2.n + 1) * sizeof *rr);
    if (!rr) return BL_ENOMEM;
    double med = rr_base(&r->b2, rr), sum = 0;
    size_t count = 0;
    for (size_t k = 1; k < r->b2.n; k++) {
        double d = r->b2.pos[k] - r->b2.pos[k - 1];
        if (single_interval(d, med)) {
            sum += d;
            count++;
        }
    }
    if (count) r->res.heart_rate_bpm = 60.0 * r->rate * (double)count / sum;
    free(rr);
    return BL_OK;
}

/* Average beats with the final beats, before removal, and the R-wave
 * offset of the reported times. Writes nothing outside r. */
static void final_stats(ecg_run *r, double *r_offset)
{
    double best = -INFINITY;
    *r_offset = 0;
    for (size_t c = 0; c < r->nch; c++) {
        bl_ecg_channel *ch = &r->res.ch[c];
        bli_ecg_stats before = {0};
        bli_ecg_qrs_average(r->x[c], r->n, &r->scale[c], &r->b2, r->q, r->mean, &before, r->work);
        ch->peak_before = ch->peak_after = before.peak;
        ch->snr_after_db = ch->snr_db;
        r->energy[c] = before.energy;
        if (ch->ecg_detected && ch->snr_db > best) {
            best = ch->snr_db;
            *r_offset = (double)before.peak_lag;
        }
    }
}

/* Step 4 on every channel with ECG, one at a time through r->clean, into
 * dst, and the average beats after it. Cannot fail: it is the last step,
 * and everything it needs was allocated first. */
static void remove_beats(ecg_run *r, float *const *dst)
{
    for (size_t c = 0; dst && c < r->nch; c++) {
        bl_ecg_channel *ch = &r->res.ch[c];
        double before = r->energy[c];
        if (!ch->ecg_detected) continue;
        bli_ecg_stats after = {0};
        bli_ecg_subtract(r->x[c], r->n, &r->scale[c], &r->b2, r->rate, r->cfg, r->clean, r->work);
        bli_ecg_qrs_average(r->clean, r->n, &r->scale[c], &r->b2, r->q, r->mean, &after, r->work);
        ch->treated = 1;
        ch->peak_after = after.peak;
        ch->snr_after_db = 10.0 * log10(after.snr);
        ch->residual_db = before > 0 && after.energy > 0 ? 10.0 * log10(after.energy / before) : 0;
        memcpy(dst[c], r->clean, r->n * sizeof *r->clean);
    }
}

/* Steps 1-4 into r; dst (removal; may alias r->x) is written only once
 * nothing can fail. */
static bl_status run_steps(ecg_run *r, float *const *dst)
{
    bl_status st;
    size_t present = 0;
    if ((st = run_alloc(r)) != BL_OK) return st;
    if ((st = bli_ecg_first_pass(r->x, r->nch, r->n, r->rate, r->cfg, &r->b1)) != BL_OK) return st;
    if ((st = presence(r, &present)) != BL_OK) return st;
    int rhythm = 0;
    if (present > 0 && (st = second_pass(r, present)) != BL_OK) return st;
    if (present > 0 && (st = rhythm_ok(r, &rhythm)) != BL_OK) return st;
    if (!rhythm) { /* no ECG: no beats, nothing removed */
        r->b2.n = 0;
        for (size_t c = 0; c < r->nch; c++) r->res.ch[c].ecg_detected = 0;
        return BL_OK;
    }
    if ((st = heart_rate(r)) != BL_OK) return st;
    /* Off the detection passes' peak: a whole channel, only to remove. */
    if (dst && !(r->clean = malloc(r->n * sizeof *r->clean))) return BL_ENOMEM;
    double offset;
    final_stats(r, &offset);
    for (size_t k = 0; k < r->b2.n; k++) r->res.beats_s[k] = (r->b2.pos[k] + offset) / r->rate;
    r->res.n_beats = r->b2.n;
    remove_beats(r, dst);
    return BL_OK;
}

static bl_status check_input(const float *const *x, size_t nch, size_t frames, double rate,
                             const bl_ecg_config *cfg, const bl_ecg_result *result)
{
    if (!x || !cfg || !result || nch == 0 || frames == 0) return BL_EINVAL;
    for (size_t c = 0; c < nch; c++)
        if (!x[c]) return BL_EINVAL;
    bl_status st = bli_ecg_config_check(cfg, rate);
    if (st != BL_OK) return st;
    for (size_t c = 0; c < nch; c++)
        for (size_t i = 0; i < frames; i++)
            if (!isfinite(x[c][i])) return BL_ENONFINITE;
    double sos[BLI_ECG_BAND_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0;
    if ((st = bli_ecg_band_design(cfg, rate, sos, &ns)) != BL_OK) return st;
    if ((double)frames < 2.0 * cfg->noise_window_s * rate || frames <= bl_sosfiltfilt_padlen(sos, ns))
        return BL_ENODATA;
    return BL_OK;
}

/* One detection or removal; labels[c] (may be NULL: c) names channel c in
 * the result; dst (removal) receives the cleaned channels. */
static bl_status ecg_run_all(const float *const *x, size_t nch, size_t frames, double rate,
                             const bl_ecg_config *cfg, const size_t *labels, float *const *dst,
                             bl_ecg_result *result)
{
    bl_status st = check_input(x, nch, frames, rate, cfg, result);
    if (st != BL_OK) return st;
    ecg_run r = {.x = x, .nch = nch, .n = frames, .rate = rate, .cfg = cfg};
    r.q = (size_t)llround(cfg->qrs_half_s * rate);
    r.res.heart_rate_bpm = NAN;
    st = run_steps(&r, dst);
    if (st == BL_OK) {
        for (size_t c = 0; c < nch; c++) r.res.ch[c].channel = labels ? labels[c] : c;
        r.res.n_ch = nch;
        bl_ecg_result old = *result;
        *result = r.res;
        r.res = old; /* freed with the run */
    }
    run_free(&r);
    return st;
}

bl_status bl_ecg_detect(const float *const *x, size_t n_channels, size_t frames, double rate_hz,
                        const bl_ecg_config *cfg, bl_ecg_result *result)
{
    return ecg_run_all(x, n_channels, frames, rate_hz, cfg, NULL, NULL, result);
}

bl_status bl_ecg_remove(float *const *x, size_t n_channels, size_t frames, double rate_hz,
                        const bl_ecg_config *cfg, bl_ecg_result *result)
{
    if (!x) return BL_EINVAL;
    return ecg_run_all((const float *const *)x, n_channels, frames, rate_hz, cfg, NULL, x, result);
}

/* ------------------------------------------------------- recordings */

/* The channels to examine into idx (room for every channel): the list
 * given, or the trunk channels of the map. */
static bl_status pick_channels(const bl_recording *rec, const size_t *channels, size_t n, size_t *idx,
                               size_t *count)
{
    const bl_chanmap *map = bl_recording_chanmap(rec);
    size_t nch = bl_recording_channels(rec);
    *count = 0;
    if (!channels) {
        for (size_t c = 0; map && c < nch; c++)
            if (bl_muscle_group(bl_chanmap_muscle(map, c)) == BL_GROUP_TRUNK) idx[(*count)++] = c;
        return BL_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (channels[i] >= nch) return BL_ERANGE;
        if (bl_chanmap_muscle(map, channels[i]) == BL_MUSCLE_AUX) return BL_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (channels[j] == channels[i]) return BL_EINVAL;
        idx[(*count)++] = channels[i];
    }
    return BL_OK;
}

static bl_status recording_run(bl_recording *rec, const bl_recording *crec, const size_t *channels, size_t n,
                               const bl_ecg_config *cfg, bl_ecg_result *result)
{
    if (!crec || !cfg || !result || (!channels && n > 0) || (channels && n == 0)) return BL_EINVAL;
    size_t nch = bl_recording_channels(crec), count = 0;
    if (channels && n > nch) return BL_EINVAL; /* a channel would repeat or be out of range */
    size_t *idx = malloc(nch * sizeof *idx);
    const float **xs = malloc(nch * sizeof *xs);
    float **dst = malloc(nch * sizeof *dst);
    bl_status st = BL_ENOMEM;
    if (!idx || !xs || !dst) goto done;
    if ((st = pick_channels(crec, channels, n, idx, &count)) != BL_OK) goto done;
    if (count == 0) { /* nothing to examine: an empty result */
        st = bli_ecg_config_check(cfg, bl_recording_rate(crec));
        if (st == BL_OK) {
            bl_ecg_result empty = {.heart_rate_bpm = NAN};
            bl_ecg_result old = *result;
            *result = empty;
            free(old.beats_s);
            free(old.ch);
        }
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        xs[i] = bl_recording_cdata(crec, idx[i]);
        if (rec) dst[i] = bl_recording_data(rec, idx[i]);
    }
    st = ecg_run_all(xs, count, bl_recording_frames(crec), bl_recording_rate(crec), cfg, idx, rec ? dst : NULL,
                     result);
done:
    free(idx);
    free(xs);
    free(dst);
    return st;
}

bl_status bl_ecg_remove_recording(bl_recording *conditioned, const size_t *channels, size_t n,
                                  const bl_ecg_config *cfg, bl_ecg_result *result)
{
    if (!conditioned) return BL_EINVAL;
    return recording_run(conditioned, conditioned, channels, n, cfg, result);
}

bl_status bl_ecg_detect_recording(const bl_recording *conditioned, const size_t *channels, size_t n,
                                  const bl_ecg_config *cfg, bl_ecg_result *result)
{
    return recording_run(NULL, conditioned, channels, n, cfg, result);
}
