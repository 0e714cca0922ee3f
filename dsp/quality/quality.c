/* Grading every channel of a recording (quality.h): the raw checks at the
 * recorded rate (clipping, constancy, mains, motion, spectral shape), then
 * the band-passed ones at the analysis rate (flat, noise, SNR, crosstalk).
 * The measurements are in checks.c, the rules here. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/balance.h"
#include "backline/envelope.h"
#include "internal.h"
#include "backline/clipping.h"
#include "quality_internal.h"

void bl_quality_config_default(bl_quality_config *cfg)
{
    if (!cfg) return;
    cfg->clip_warn_fraction = 1e-4;
    cfg->clip_fail_fraction = 1e-2;
    cfg->flat_uV = 0.5;
    cfg->flat_ratio = 0.02;
    cfg->mains_fail_ratio = 1000.0;
    cfg->noise_warn_uV = 10.0;
    cfg->noise_fail_uV = 50.0;
    cfg->snr_warn_db = 6.0;
    cfg->motion_warn_share = 0.3;
    cfg->motion_fail_share = 0.7;
    cfg->crosstalk_warn_r = 0.3;
    cfg->crosstalk_fail_r = 0.7;
    cfg->spectrum_lo_hz = 10.0;
    cfg->spectrum_hi_hz = 180.0;
    cfg->tone_share = 0.5;
    cfg->window_s = 0.25;
}

const char *bl_grade_name(bl_grade g)
{
    switch (g) {
    case BL_GRADE_PASS: return "pass";
    case BL_GRADE_WARN: return "warn";
    case BL_GRADE_FAIL: return "fail";
    case BL_GRADE_NA: return "n/a";
    }
    return "n/a";
}

const char *bl_quality_check_name(bl_quality_check k)
{
    static const char *const names[BL_QC_COUNT] = {"clipping", "flat", "mains", "noise", "snr",
                                                   "motion", "ecg", "crosstalk", "spectrum"};
    return (unsigned)k < BL_QC_COUNT ? names[k] : NULL;
}

void bli_qc_set(bl_quality *q, size_t c, bl_quality_check k, bl_grade g, double value, const char *unit,
                const char *fmt, ...)
{
    bl_quality_result *r = bli_qc_at(q, c, k);
    char *reason = q->reason[c * BL_QC_COUNT + (size_t)k];
    r->grade = g;
    r->value = value;
    r->unit = unit;
    reason[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, BLI_QC_REASON_LEN, fmt, ap);
        va_end(ap);
    }
    r->reason = reason;
    r->detail = r->detail2 = NAN;
}

static int config_ok(const bl_quality_config *c)
{
    return c->clip_warn_fraction > 0 && c->clip_fail_fraction >= c->clip_warn_fraction && c->flat_uV >= 0 &&
           c->flat_ratio >= 0 && c->mains_fail_ratio > 0 && c->noise_warn_uV > 0 &&
           c->noise_fail_uV >= c->noise_warn_uV && isfinite(c->snr_warn_db) && c->motion_warn_share > 0 &&
           c->motion_fail_share >= c->motion_warn_share && c->crosstalk_warn_r > 0 &&
           c->crosstalk_fail_r >= c->crosstalk_warn_r && c->spectrum_lo_hz > 0 &&
           c->spectrum_hi_hz > c->spectrum_lo_hz && c->tone_share > 0 && c->tone_share <= 1 &&
           c->window_s > 0 && isfinite(c->window_s);
}

static bl_quality *alloc_quality(const bl_recording *rec, const bl_quality_config *cfg)
{
    size_t nch = bl_recording_channels(rec);
    bl_quality *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->cfg = *cfg;
    q->nch = nch;
    q->name = calloc(nch, sizeof *q->name);
    q->is_emg = calloc(nch, 1);
    q->constant = calloc(nch, 1);
    q->in_uv = calloc(nch, 1);
    q->res = calloc(nch * BL_QC_COUNT, sizeof *q->res);
    q->reason = calloc(nch * BL_QC_COUNT, sizeof *q->reason);
    if (!q->name || !q->is_emg || !q->constant || !q->in_uv || !q->res || !q->reason) {
        bl_quality_destroy(q);
        return NULL;
    }
    const bl_chanmap *map = bl_recording_chanmap(rec);
    for (size_t c = 0; c < nch; c++) {
        if (!map || bl_chanmap_get_entry_name(map, c, q->name[c], BLI_QC_NAME_LEN) != BL_OK)
            snprintf(q->name[c], BLI_QC_NAME_LEN, "ch%zu", c + 1);
        q->is_emg[c] = bl_chanmap_muscle(map, c) != BL_MUSCLE_AUX;
        q->in_uv[c] = (unsigned char)bl_recording_channel_in_uv(rec, c);
        for (int k = 0; k < BL_QC_COUNT; k++)
            bli_qc_set(q, c, (bl_quality_check)k, BL_GRADE_NA, NAN, "", q->is_emg[c] ? "not measured" : NULL);
    }
    snprintf(q->unit, sizeof q->unit, "%s", bl_recording_unit(rec));
    return q;
}

/* A constant signal: flat, and nothing else can be measured on it. */
static void constant_channel(bl_quality *q, size_t c)
{
    q->constant[c] = 1;
    for (int k = 0; k < BL_QC_COUNT; k++)
        bli_qc_set(q, c, (bl_quality_check)k, BL_GRADE_NA, NAN, "", "not measured: the signal is constant");
    bli_qc_set(q, c, BL_QC_FLAT, BL_GRADE_FAIL, 0, q->in_uv[c] ? "uV" : "FS",
               "the signal is constant (digital silence or a disconnected input)");
}

/* Clipping, on the raw samples. */
static void raw_amplitude_checks(bl_quality *q, const bl_recording *rec, size_t c, const float *x, size_t n,
                                 double full_scale)
{
    const bl_quality_config *cfg = &q->cfg;
    /* Counted on the file's own samples: by the loader when it decimated
     * the file while reading it, else here. */
    double f = bl_recording_raw_clipped_fraction(rec, c);
    if (isnan(f)) {
        bl_clip_counter cc;
        bl_clip_counter_init(&cc, full_scale);
        bl_clip_counter_add(&cc, x, n, 1);
        f = bl_clip_counter_fraction(&cc);
    }
    /* Saturation at the converter or before it (flat tops at the signal's
     * own extremes): the fraction counts both. */
    const char *what = "of samples at full scale or on flat tops at the signal's extremes";
    if (f >= cfg->clip_fail_fraction)
        bli_qc_set(q, c, BL_QC_CLIPPING, BL_GRADE_FAIL, f, "fraction", "%.3g %% %s", 100 * f, what);
    else if (f >= cfg->clip_warn_fraction)
        bli_qc_set(q, c, BL_QC_CLIPPING, BL_GRADE_WARN, f, "fraction", "%.3g %% %s", 100 * f, what);
    else
        bli_qc_set(q, c, BL_QC_CLIPPING, BL_GRADE_PASS, f, "fraction", NULL);
}

static void spectrum_check(bl_quality *q, size_t c, const bli_raw_spectrum *s, double mains_hz);

/* Mains, motion and spectral shape from the raw spectrum. */
static void raw_spectrum_checks(bl_quality *q, size_t c, const bli_raw_spectrum *s, const bl_mains_result *m)
{
    const bl_quality_config *cfg = &q->cfg;
    double ratio = m->band_power > m->hum_power ? m->hum_power / (m->band_power - m->hum_power) : INFINITY;
    if (m->mains_hz > 0 && ratio >= cfg->mains_fail_ratio)
        bli_qc_set(q, c, BL_QC_MAINS, BL_GRADE_FAIL, m->prominence_db, "dB",
                   "%g Hz hum carries %.2g times the power of the EMG band", m->mains_hz, ratio);
    else if (m->mains_hz > 0)
        bli_qc_set(q, c, BL_QC_MAINS, BL_GRADE_WARN, m->prominence_db, "dB",
                   "%g Hz hum %.1f dB above its neighbourhood (notched in the analysis)", m->mains_hz,
                   m->prominence_db);
    else
        bli_qc_set(q, c, BL_QC_MAINS, BL_GRADE_PASS, m->prominence_db, "dB", NULL);
    bli_qc_at(q, c, BL_QC_MAINS)->detail = m->mains_hz;

    double sh = s->motion_share;
    if (sh >= cfg->motion_fail_share)
        bli_qc_set(q, c, BL_QC_MOTION, BL_GRADE_FAIL, sh, "share", "%.0f %% of the power below %g Hz (movement "
                   "artefact or drift)", 100 * sh, BLI_QC_MOTION_HZ);
    else if (sh >= cfg->motion_warn_share)
        bli_qc_set(q, c, BL_QC_MOTION, BL_GRADE_WARN, sh, "share", "%.0f %% of the power below %g Hz (movement "
                   "artefact?)", 100 * sh, BLI_QC_MOTION_HZ);
    else
        bli_qc_set(q, c, BL_QC_MOTION, isfinite(sh) ? BL_GRADE_PASS : BL_GRADE_NA, sh, "share", NULL);

    spectrum_check(q, c, s, m->mains_hz);
}

/* A line at a harmonic of the detected mains is hum (the mains check's). */
static int is_mains_line(double line_hz, double mains_hz)
{
    if (!(mains_hz > 0)) return 0;
    double k = round(line_hz / mains_hz);
    return k >= 1 && fabs(line_hz - k * mains_hz) <= BLI_QC_LINE_HZ;
}

/* Raw surface EMG or something else: a tone, a smoothed signal, a needle. */
static void spectrum_check(bl_quality *q, size_t c, const bli_raw_spectrum *s, double mains_hz)
{
    const bl_quality_config *cfg = &q->cfg;
    double mf = s->median_hz;
    if (s->line_share >= cfg->tone_share && !is_mains_line(s->line_hz, mains_hz))
        bli_qc_set(q, c, BL_QC_SPECTRUM, BL_GRADE_FAIL, mf, "Hz", "%.0f %% of the power in one line at %.0f Hz: "
                   "a tone, not EMG", 100 * s->line_share, s->line_hz);
    else if (mf < cfg->spectrum_lo_hz)
        bli_qc_set(q, c, BL_QC_SPECTRUM, BL_GRADE_FAIL, mf, "Hz", "median frequency %.1f Hz: not raw surface EMG "
                   "(an envelope or other smoothed signal, or drift)", mf);
    else if (mf > cfg->spectrum_hi_hz)
        bli_qc_set(q, c, BL_QC_SPECTRUM, BL_GRADE_WARN, mf, "Hz", "median frequency %.0f Hz, above surface EMG's "
                   "50-150 Hz: a needle recording, a board filtering far above 20 Hz, or a broadband noise floor",
                   mf);
    else
        bli_qc_set(q, c, BL_QC_SPECTRUM, isfinite(mf) ? BL_GRADE_PASS : BL_GRADE_NA, mf, "Hz", NULL);
    bl_quality_result *r = bli_qc_at(q, c, BL_QC_SPECTRUM);
    r->detail = s->line_share;
    r->detail2 = s->high_share;
}

/* Every raw check of every EMG channel, at the recorded rate. */
static bl_status raw_checks(bl_quality *q, const bl_recording *rec)
{
    size_t n = bl_recording_frames(rec);
    double rate = bl_recording_rate(rec);
    size_t seg = (size_t)round((double)n >= 2 * rate ? rate : 0.5 * rate);
    bl_spectrum *sp = NULL;
    bl_mains_detector *md = NULL;
    double *psd = NULL;
    bl_status st = bl_spectrum_create(seg, &sp);
    if (st == BL_OK) st = bl_mains_detector_create(rate, n, &md);
    if (st == BL_OK && !(psd = malloc(bl_spectrum_bins(sp) * sizeof *psd))) st = BL_ENOMEM;
    int first = 1;
    for (size_t c = 0; c < q->nch && st == BL_OK; c++) {
        if (!q->is_emg[c]) continue;
        const float *x = bl_recording_cdata(rec, c);
        if (bli_qc_constant(x, n)) {
            constant_channel(q, c);
            continue;
        }
        raw_amplitude_checks(q, rec, c, x, n, bl_recording_channel_full_scale(rec, c));
        bli_raw_spectrum s;
        bl_mains_result m;
        if ((st = bli_qc_raw_spectrum(sp, x, n, rate, psd, &s)) != BL_OK) break;
        if ((st = bl_mains_detector_analyse(md, x, n, &m)) != BL_OK) break;
        raw_spectrum_checks(q, c, &s, &m);
        /* The recording's hum: its most prominent channel's. */
        if (first || m.prominence_db > q->mains_db) {
            q->mains_db = m.prominence_db;
            q->mains_hz = m.mains_hz;
            first = 0;
        }
    }
    free(psd);
    bl_mains_detector_destroy(md);
    bl_spectrum_destroy(sp);
    return st;
}

/* The recording band-passed and mains-notched at the analysis rate (at
 * most 2 kHz, never upsampled; the band kept below Nyquist). */
static bl_status band_passed(const bl_recording *rec, bl_recording **cond)
{
    bl_envelope_config ec;
    bl_envelope_config_default(&ec);
    double rate = bl_recording_rate(rec);
    if (rate < ec.rate_hz) ec.rate_hz = rate;
    if (ec.bandpass_hi_hz >= 0.45 * ec.rate_hz) ec.bandpass_hi_hz = 0.45 * ec.rate_hz;
    ec.ecg = BL_ECG_OFF; /* the ECG check finds and removes it itself, on every channel */
    bl_condition_report rep;
    return bl_condition(rec, &ec, cond, &rep);
}

bl_status bl_quality_assess(const bl_recording *rec, const bl_quality_config *cfg, bl_quality **out, char *why,
                            size_t why_len)
{
    if (out) *out = NULL;
    bl_quality_config def;
    bl_quality_config_default(&def);
    if (!cfg) cfg = &def;
    if (!rec || !out || !config_ok(cfg)) {
        bli_set_why(why, why_len, "quality: NULL argument or invalid configuration");
        return BL_EINVAL;
    }
    double rate = bl_recording_rate(rec);
    if (rate < BL_MIN_EMG_RATE_HZ) {
        bli_set_why(why, why_len, "sample rate %g Hz is too low for surface EMG", rate);
        return BL_ERATE;
    }
    if (bl_recording_duration(rec) < 1.0) {
        bli_set_why(why, why_len, "the recording lasts %.3g s; quality needs at least 1 s", bl_recording_duration(rec));
        return BL_ENODATA;
    }
    size_t bad_c, bad_f;
    if (bl_recording_check_finite(rec, &bad_c, &bad_f) != BL_OK) {
        bli_set_why(why, why_len, "non-finite sample in channel %zu at frame %zu", bad_c + 1, bad_f);
        return BL_ENONFINITE;
    }
    bl_quality *q = alloc_quality(rec, cfg);
    if (!q) return BL_ENOMEM;
    bl_recording *cond = NULL;
    bl_status st = raw_checks(q, rec);
    if (st == BL_OK && band_passed(rec, &cond) == BL_OK) {
        st = bli_qc_ecg(q, cond);
        if (st == BL_OK) st = bli_qc_level_checks(q, cond);
        if (st == BL_OK) st = bli_qc_crosstalk(q, cond);
    }
    bl_recording_destroy(cond);
    /* What could not be measured says why, or nothing when it does not apply. */
    const bl_chanmap *map = bl_recording_chanmap(rec);
    for (size_t c = 0; c < q->nch && st == BL_OK; c++) {
        bl_group g = bl_muscle_group(bl_chanmap_muscle(map, c));
        int hamstring = map && (g == BL_GROUP_MEDIAL_HAMSTRING || g == BL_GROUP_LATERAL_HAMSTRING);
        if (!bli_qc_measured(q, c)) continue;
        if (bli_qc_at(q, c, BL_QC_CROSSTALK)->grade == BL_GRADE_NA)
            bli_qc_set(q, c, BL_QC_CROSSTALK, BL_GRADE_NA, NAN, "r",
                       hamstring ? "no hamstring site of the other kind on this side" : NULL);
    }
    if (st != BL_OK) {
        bli_set_why(why, why_len, "quality: %s", bl_strerror(st));
        bl_quality_destroy(q);
        return st;
    }
    *out = q;
    return BL_OK;
}

void bl_quality_destroy(bl_quality *q)
{
    if (!q) return;
    free(q->name);
    free(q->is_emg);
    free(q->constant);
    free(q->in_uv);
    free(q->res);
    free(q->reason);
    free(q);
}
