/* The checks on the band-passed, mains-notched recording: heartbeats
 * (ECG, found and then removed, so the other checks see what the analysis
 * will), a flat (dead) electrode, the baseline noise, activity over it,
 * and crosstalk between the medial and lateral hamstring sites of one
 * side. */
#include <math.h>
#include <stdlib.h>

#include "quality_internal.h"

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

/* Flat against the absolute floor (µV) and against the other channels. */
static void flat_check(bl_quality *q, size_t c, double rms, double median_rms)
{
    const bl_quality_config *cfg = &q->cfg;
    const char *unit = q->in_uv[c] ? "uV" : "FS";
    if (q->in_uv[c] && rms < cfg->flat_uV)
        bli_qc_set(q, c, BL_QC_FLAT, BL_GRADE_FAIL, rms, unit, "band-passed RMS %.3g uV: below any amplifier's "
                   "noise, a dead or disconnected electrode", rms);
    else if (!(rms > 0) || rms < cfg->flat_ratio * median_rms)
        bli_qc_set(q, c, BL_QC_FLAT, BL_GRADE_FAIL, rms, unit, "band-passed RMS %.3g %s, %.2g times the median "
                   "channel: a dead or disconnected electrode", rms, unit, median_rms > 0 ? rms / median_rms : 0.0);
    else
        bli_qc_set(q, c, BL_QC_FLAT, BL_GRADE_PASS, rms, unit, NULL);
}

static void noise_snr_checks(bl_quality *q, size_t c, double noise, double activity)
{
    const bl_quality_config *cfg = &q->cfg;
    if (!q->in_uv[c])
        bli_qc_set(q, c, BL_QC_NOISE, BL_GRADE_NA, noise, "FS", NULL); /* no absolute scale to judge */
    else if (noise > cfg->noise_fail_uV)
        bli_qc_set(q, c, BL_QC_NOISE, BL_GRADE_FAIL, noise, "uV", "baseline noise %.3g uV RMS", noise);
    else if (noise > cfg->noise_warn_uV)
        bli_qc_set(q, c, BL_QC_NOISE, BL_GRADE_WARN, noise, "uV", "baseline noise %.3g uV RMS", noise);
    else
        bli_qc_set(q, c, BL_QC_NOISE, BL_GRADE_PASS, noise, "uV", NULL);
    double snr = noise > 0 && activity > 0 ? 20 * log10(activity / noise) : NAN;
    if (!isfinite(snr) || snr < cfg->snr_warn_db)
        bli_qc_set(q, c, BL_QC_SNR, BL_GRADE_WARN, snr, "dB", "no activity above the baseline (SNR %.1f dB): a "
                   "rest recording, or the electrode sees no muscle", snr);
    else
        bli_qc_set(q, c, BL_QC_SNR, BL_GRADE_PASS, snr, "dB", NULL);
    bli_qc_at(q, c, BL_QC_SNR)->detail = activity;
}

bl_status bli_qc_level_checks(bl_quality *q, const bl_recording *cond)
{
    size_t n = bl_recording_frames(cond), nch = q->nch, k = 0;
    size_t window = (size_t)round(q->cfg.window_s * bl_recording_rate(cond));
    double *rms = calloc(nch, sizeof *rms), *noise = calloc(nch, sizeof *noise);
    double *act = calloc(nch, sizeof *act), *sorted = calloc(nch, sizeof *sorted);
    bl_status st = rms && noise && act && sorted ? BL_OK : BL_ENOMEM;
    for (size_t c = 0; c < nch && st == BL_OK; c++) {
        if (!bli_qc_measured(q, c)) continue;
        st = bli_qc_levels(bl_recording_cdata(cond, c), n, window, &noise[c], &act[c], &rms[c]);
        sorted[k++] = rms[c];
    }
    if (st == BL_OK && k) {
        qsort(sorted, k, sizeof *sorted, cmp_double);
        double median = k % 2 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
        for (size_t c = 0; c < nch; c++) {
            if (!bli_qc_measured(q, c)) continue;
            flat_check(q, c, rms[c], median);
            noise_snr_checks(q, c, noise[c], act[c]);
        }
    }
    free(rms);
    free(noise);
    free(act);
    free(sorted);
    return st == BL_ENODATA ? BL_OK : st;
}

static int is_hamstring(bl_muscle m, bl_group g)
{
    return bl_muscle_group(m) == g;
}

/* One pair of sites: record the correlation on both if it is the larger
 * they have seen. */
static void note_pair(bl_quality *q, size_t a, size_t b, double r)
{
    size_t ch[2] = {a, b}, other[2] = {b, a};
    for (int i = 0; i < 2; i++) {
        bl_quality_result *res = bli_qc_at(q, ch[i], BL_QC_CROSSTALK);
        if (res->grade != BL_GRADE_NA && !(r > res->value)) continue;
        const bl_quality_config *cfg = &q->cfg;
        bl_grade g = r >= cfg->crosstalk_fail_r ? BL_GRADE_FAIL : r >= cfg->crosstalk_warn_r ? BL_GRADE_WARN
                                                                                           : BL_GRADE_PASS;
        if (g == BL_GRADE_PASS)
            bli_qc_set(q, ch[i], BL_QC_CROSSTALK, g, r, "r", NULL);
        else
            bli_qc_set(q, ch[i], BL_QC_CROSSTALK, g, r, "r", "correlated r = %.2f with %s: crosstalk between the "
                       "hamstring sites%s", r, q->name[other[i]],
                       g == BL_GRADE_FAIL ? " (one signal on both: bridged or misplaced electrodes?)" : "");
        bli_qc_at(q, ch[i], BL_QC_CROSSTALK)->detail = (double)other[i];
    }
}

bl_status bli_qc_crosstalk(bl_quality *q, const bl_recording *cond)
{
    const bl_chanmap *map = bl_recording_chanmap(cond);
    if (!map) return BL_OK;
    size_t n = bl_recording_frames(cond);
    size_t lag = (size_t)round(BLI_QC_CROSSTALK_LAG_S * bl_recording_rate(cond));
    for (size_t a = 0; a < q->nch; a++) {
        if (!bli_qc_measured(q, a) || !is_hamstring(bl_chanmap_muscle(map, a), BL_GROUP_MEDIAL_HAMSTRING)) continue;
        for (size_t b = 0; b < q->nch; b++) {
            if (!bli_qc_measured(q, b) || !is_hamstring(bl_chanmap_muscle(map, b), BL_GROUP_LATERAL_HAMSTRING) ||
                bl_chanmap_side(map, a) != bl_chanmap_side(map, b))
                continue;
            double r = bli_qc_max_correlation(bl_recording_cdata(cond, a), bl_recording_cdata(cond, b), n, lag);
            note_pair(q, a, b, r);
        }
    }
    return BL_OK;
}

/* ECG on one channel: found warns (removed by the analysis on the trunk by
 * default; elsewhere only with --ecg remove). */
static void ecg_result(bl_quality *q, size_t c, const bl_ecg_channel *ch, const bl_ecg_result *res, int trunk)
{
    double hr = bl_ecg_result_heart_rate(res);
    if (ch->ecg_detected)
        bli_qc_set(q, c, BL_QC_ECG, BL_GRADE_WARN, ch->snr_db, "dB", "heartbeat at %.0f bpm (%zu beats, average beat "
                   "%.0f dB over its noise): %s", hr, bl_ecg_result_beats(res), ch->snr_db,
                   trunk ? "removed before envelopes (--ecg auto)" : "a limb channel: removed only with --ecg remove");
    else
        bli_qc_set(q, c, BL_QC_ECG, BL_GRADE_PASS, ch->snr_db, "dB", NULL);
    bl_quality_result *r = bli_qc_at(q, c, BL_QC_ECG);
    r->detail = ch->ecg_detected ? hr : NAN;
    r->detail2 = ch->ecg_detected ? (double)bl_ecg_result_beats(res) : 0;
}

bl_status bli_qc_ecg(bl_quality *q, bl_recording *cond)
{
    const bl_chanmap *map = bl_recording_chanmap(cond);
    size_t *pick = malloc((q->nch ? q->nch : 1) * sizeof *pick), n = 0;
    bl_ecg_result *res = NULL;
    bl_status st = pick ? bl_ecg_result_create(&res) : BL_ENOMEM;
    for (size_t c = 0; c < q->nch; c++)
        if (bli_qc_measured(q, c)) pick[n++] = c;
    bl_ecg_config ec;
    bl_ecg_config_default(&ec);
    if (st == BL_OK && n) st = bl_ecg_remove_recording(cond, pick, n, &ec, res);
    for (size_t i = 0; st == BL_OK && i < bl_ecg_result_channels(res); i++) {
        bl_ecg_channel ch;
        if (bl_ecg_result_get_channel(res, i, &ch) != BL_OK) continue;
        ecg_result(q, ch.channel, &ch, res, map && bl_muscle_group(bl_chanmap_muscle(map, ch.channel)) == BL_GROUP_TRUNK);
    }
    if (st == BL_ENODATA) { /* shorter than the detector needs */
        for (size_t i = 0; i < n; i++)
            bli_qc_set(q, pick[i], BL_QC_ECG, BL_GRADE_NA, NAN, "dB", "not measured: shorter than the ECG detector needs");
        st = BL_OK;
    }
    bl_ecg_result_destroy(res);
    free(pick);
    return st;
}
