/* What ECG detection and removal did, as a method description (doc.h):
 * generated from the configuration (and the result of a run, when given)
 * with the constants ecg_detect.c and ecg_template.c run, so a report's
 * account of the method cannot drift from the code. */
#include "backline/ecg.h"

#include <math.h>
#include <stdio.h>

#include "emg_internal.h"

#define PAN_TOMPKINS "Pan J, Tompkins WJ (1985) A real-time QRS detection algorithm. IEEE Trans Biomed Eng 32(3):230-236"
#define PETERSEN "Petersen E, Sauer J, Grasshoff J, Rostalski P (2020) Removing cardiac artifacts from single-channel " \
                 "respiratory electromyograms. IEEE Access 8"
#define COSTA_JUNIOR "Costa Junior JD, de Seixas JM, Miranda de Sa AMFL (2019) A template subtraction method for " \
                     "reducing electrocardiographic artifacts in EMG signals of low intensity. Biomed Signal Process Control"

static void detection_params(const bl_ecg_config *cfg, bl_doc *o)
{
    bl_doc *p1 = bl_doc_add_object(o, "first_pass");
    bl_doc_add_string(p1, "method", "Pan-Tompkins adapted to sEMG: QRS band-pass, squaring, moving integration, "
                                    "each channel divided by its local median, channels averaged");
    bl_doc_add_number(p1, "band_low_hz", cfg->qrs_lo_hz);
    bl_doc_add_number(p1, "band_high_hz", cfg->qrs_hi_hz);
    bl_doc_add_number(p1, "band_order", BLI_ECG_BAND_ORDER);
    bl_doc_add_stringf(p1, "mains", "50 and 60 Hz notched in the detection feature (Q=%g)", BLI_ECG_MAINS_Q);
    bl_doc_add_number(p1, "integration_s", cfg->integration_s);
    bl_doc_add_number(p1, "floor_local_medians", BLI_ECG_FIRST_FLOOR);
    bl_doc *pt = bl_doc_add_object(o, "thresholds");
    bl_doc_add_stringf(pt, "rule", "threshold = noise level + %g (signal level - noise level); levels updated by %g "
                       "per peak", BLI_ECG_PT_THRESHOLD, BLI_ECG_PT_UPDATE);
    bl_doc_add_stringf(pt, "search_back", "after %g mean RR (over %d intervals) without a beat, within %g RR of each "
                       "expected beat, at %g of the threshold", BLI_ECG_PT_SB_RR, BLI_ECG_PT_RR_BEATS,
                       BLI_ECG_SB_WINDOW, BLI_ECG_PT_SB_FACTOR);
    bl_doc_add_number(pt, "refractory_s", 60.0 / cfg->max_rate_bpm);
    bl_doc *p2 = bl_doc_add_object(o, "second_pass");
    bl_doc_add_string(p2, "method", "multichannel matched filter: each channel with ECG correlated with its own QRS "
                                    "template, weighted by its local noise (colour measured away from the beats), "
                                    "summed; the template's fitted scale thresholded as Pan-Tompkins with levels 1 "
                                    "(signal) and 0 (noise)");
    bl_doc_add_number(p2, "detect_z", cfg->detect_z);
    bl_doc_add_number(p2, "searchback_z", cfg->searchback_z);
    bl_doc_add_stringf(p2, "shape", "window energy left after the template at most %g x the noise around it",
                       BLI_ECG_SHAPE_MAX);
    bl_doc_add_stringf(p2, "agreement", "channels' own scales agree within %g SD of a chi-square (beat-to-beat SD %g)",
                       BLI_ECG_AGREE_SD, cfg->amplitude_sd);
    bl_doc_add_number(o, "noise_window_s", cfg->noise_window_s);
    bl_doc_add_number(o, "qrs_half_window_s", cfg->qrs_half_s);
}

static void presence_params(const bl_ecg_config *cfg, bl_doc *o)
{
    bl_doc_add_string(o, "statistic", "sum of the squared average beat over the sum of its squared standard error, "
                                      "QRS window, first-pass beats weighted by their residual power (0 dB: nothing "
                                      "beat-locked)");
    bl_doc_add_number(o, "threshold_db", cfg->presence_snr_db);
    bl_doc_add_number(o, "min_beats", (double)cfg->min_beats);
    bl_doc_add_number(o, "min_rate_bpm", cfg->min_rate_bpm);
    bl_doc_add_number(o, "max_rate_bpm", cfg->max_rate_bpm);
}

static void removal_params(const bl_ecg_config *cfg, bl_doc *o)
{
    bl_doc_add_string(o, "method", "template subtraction, beat by beat");
    bl_doc_add_number(o, "template_beats", (double)cfg->template_beats);
    bl_doc_add_string(o, "template", "weighted average of the nearest beats, the beat itself left out; samples "
                                     "shrunk by the empirical Wiener gain 1 - SE^2/mean^2");
    bl_doc_add_number(o, "window_before_s", cfg->template_pre_s);
    bl_doc_add_number(o, "window_after_s", cfg->template_post_s);
    bl_doc_add_string(o, "window_limit", "half the RR interval to each neighbour");
    bl_doc_add_number(o, "taper_s", BLI_ECG_TAPER_S);
    bl_doc_add_string(o, "alignment", "sub-sample (parabolic peak of the matched filter, linear interpolation)");
    if (cfg->adaptive_amplitude)
        bl_doc_add_stringf(o, "amplitude", "per beat, ridge least squares over the QRS window towards 1 (prior SD %g), "
                           "limited to 0-%g", cfg->amplitude_sd, BLI_ECG_AMP_MAX);
    else
        bl_doc_add_string(o, "amplitude", "fixed (the template as averaged)");
    bl_doc_add_string(o, "untouched", "channels without ECG");
}

static void outcome(const bl_ecg_result *res, bl_doc *o)
{
    bl_doc_add_bool(o, "detected", bl_ecg_result_detected(res));
    bl_doc_add_number(o, "beats", (double)bl_ecg_result_beats(res));
    bl_doc_add_number(o, "heart_rate_bpm", bl_ecg_result_heart_rate(res));
    bl_doc_add_number(o, "treated", (double)bl_ecg_result_treated(res));
    bl_doc *arr = bl_doc_add_array(o, "channels");
    for (size_t i = 0; i < bl_ecg_result_channels(res); i++) {
        bl_ecg_channel ch;
        if (bl_ecg_result_get_channel(res, i, &ch) != BL_OK) continue;
        bl_doc *c = bl_doc_add_object(arr, NULL);
        bl_doc_add_number(c, "channel", (double)ch.channel);
        bl_doc_add_bool(c, "ecg_detected", ch.ecg_detected);
        bl_doc_add_bool(c, "treated", ch.treated);
        bl_doc_add_number(c, "snr_db", round(ch.snr_db * 10) / 10);
        bl_doc_add_number(c, "residual_db", round(ch.residual_db * 10) / 10);
        bl_doc_add_number(c, "peak_before", ch.peak_before);
        bl_doc_add_number(c, "peak_after", ch.peak_after);
    }
}

static void summary_lines(const bl_ecg_config *cfg, const bl_ecg_result *res, bl_doc *s)
{
    bl_doc_add_stringf(s, "detection", "R waves found across the channels: Pan-Tompkins on the %g-%g Hz QRS-band "
                       "energy (each channel against its local median), then a multichannel matched filter with "
                       "each channel's own QRS template (beats from %g noise SD, search-back from %g; refractory "
                       "%g s)", cfg->qrs_lo_hz, cfg->qrs_hi_hz, cfg->detect_z, cfg->searchback_z,
                       60.0 / cfg->max_rate_bpm);
    bl_doc_add_stringf(s, "presence", "ECG on a channel when its average beat stands %g dB above its standard "
                       "error, with at least %zu beats at %g-%g bpm; other channels are left as they are",
                       cfg->presence_snr_db, cfg->min_beats, cfg->min_rate_bpm, cfg->max_rate_bpm);
    bl_doc_add_stringf(s, "removal", "template subtraction: each beat's template the weighted average of the %zu "
                       "nearest other beats (%g s before to %g s after, within half an RR interval), %s",
                       cfg->template_beats, cfg->template_pre_s, cfg->template_post_s,
                       cfg->adaptive_amplitude ? "scaled per beat by a ridge fit" : "not scaled");
    if (!res) return;
    if (!bl_ecg_result_detected(res)) {
        bl_doc_add_stringf(s, "outcome", "no ECG found on the %zu channel(s) examined; nothing removed",
                           bl_ecg_result_channels(res));
        return;
    }
    bl_doc_add_stringf(s, "outcome", "%zu beats (mean %.0f bpm); ECG removed from %zu of %zu channel(s)",
                       bl_ecg_result_beats(res), bl_ecg_result_heart_rate(res), bl_ecg_result_treated(res),
                       bl_ecg_result_channels(res));
}

bl_status bl_ecg_describe(const bl_ecg_config *cfg, const bl_ecg_result *result, bl_doc *params, bl_doc *summary)
{
    if (!cfg) return BL_EINVAL;
    if (params) {
        bl_doc_add_string(params, "method", "R-wave detection across channels and template subtraction");
        bl_doc *refs = bl_doc_add_array(params, "references");
        bl_doc_add_string(refs, NULL, PAN_TOMPKINS);
        bl_doc_add_string(refs, NULL, PETERSEN);
        bl_doc_add_string(refs, NULL, COSTA_JUNIOR);
        detection_params(cfg, bl_doc_add_object(params, "detection"));
        presence_params(cfg, bl_doc_add_object(params, "presence"));
        removal_params(cfg, bl_doc_add_object(params, "removal"));
        if (result) outcome(result, bl_doc_add_object(params, "outcome"));
    }
    if (summary) summary_lines(cfg, result, summary);
    if ((params && bl_doc_status(params) != BL_OK) || (summary && bl_doc_status(summary) != BL_OK))
        return BL_ENOMEM;
    return BL_OK;
}
