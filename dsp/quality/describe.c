/* What the quality checks do and with which thresholds (the values the
 * assessment ran with, the constants of quality_internal.h). */
#include "backline/clipping.h"
#include "quality_internal.h"

static bl_doc *check(bl_doc *p, const char *name, const char *rule, const char *source)
{
    bl_doc *o = bl_doc_add_object(p, name);
    bl_doc_add_string(o, "rule", rule);
    if (source) bl_doc_add_string(o, "source", source);
    return o;
}

bl_status bl_quality_describe(const bl_quality *q, bl_doc *params)
{
    if (!q) return BL_EINVAL;
    if (!params) return BL_OK;
    const bl_quality_config *c = &q->cfg;
    bl_doc *o = check(params, "clipping", "fraction of raw samples at or above clip_level of full scale (the "
                      "stored full scale in uV, else the format's limit; only where no sample exceeds it), or in "
                      "runs of plateau_run or more samples exactly at the signal's own maximum or minimum (when "
                      "that extreme is plateau_steps quantisation steps from zero or more, and reached more than "
                      "once)", NULL);
    bl_doc_add_number(o, "clip_level", BL_CLIP_LEVEL);
    bl_doc_add_number(o, "plateau_run", BL_CLIP_PLATEAU_RUN);
    bl_doc_add_number(o, "plateau_steps", BL_CLIP_PLATEAU_STEPS);
    bl_doc_add_number(o, "warn_fraction", c->clip_warn_fraction);
    bl_doc_add_number(o, "fail_fraction", c->clip_fail_fraction);
    o = check(params, "flat", "constant raw samples, or band-passed RMS below an absolute floor or far below the "
              "median channel", NULL);
    bl_doc_add_number(o, "fail_below_uV", c->flat_uV);
    bl_doc_add_number(o, "fail_below_median_ratio", c->flat_ratio);
    o = check(params, "mains", "50/60 Hz detection on the raw signal (whole-second Welch segments; each harmonic "
              "against its neighbourhood): present warns (the analysis notches it), hum power over "
              "fail_hum_to_band_ratio times the EMG band's fails", NULL);
    bl_doc_add_number(o, "present_above_db", BL_MAINS_THRESHOLD_DB);
    bl_doc_add_number(o, "fail_hum_to_band_ratio", c->mains_fail_ratio);
    o = check(params, "noise", "RMS of the band-passed, notched signal over its quietest windows "
              "(percentile below), in uV (not graded without amplifier gains)",
              "De Luca et al. 2010, J Biomech 43:1573 (baseline noise of good systems: a few uV)");
    bl_doc_add_number(o, "window_s", c->window_s);
    bl_doc_add_number(o, "baseline_percentile", BLI_QC_NOISE_PCT);
    bl_doc_add_number(o, "warn_above_uV", c->noise_warn_uV);
    bl_doc_add_number(o, "fail_above_uV", c->noise_fail_uV);
    o = check(params, "snr", "activity (a high percentile of the windowed RMS) over the baseline noise, dB", NULL);
    bl_doc_add_number(o, "activity_percentile", BLI_QC_ACTIVITY_PCT);
    bl_doc_add_number(o, "warn_below_db", c->snr_warn_db);
    o = check(params, "motion", "share of the raw signal's power from 1 Hz to the cut below, of its power to "
              "450 Hz", "De Luca et al. 2010 (movement artefact lies below 20 Hz)");
    bl_doc_add_number(o, "below_hz", BLI_QC_MOTION_HZ);
    bl_doc_add_number(o, "warn_share", c->motion_warn_share);
    bl_doc_add_number(o, "fail_share", c->motion_fail_share);
    o = check(params, "ecg", "heartbeats found in the channel (ecg.h detection over every channel: the value is the "
              "average beat over its standard error, dB) warn; they are then removed (template subtraction) before "
              "the noise, SNR, flat and crosstalk checks", "Pan & Tompkins 1985; Petersen et al. 2020");
    bl_ecg_config ec;
    bl_ecg_config_default(&ec);
    bl_doc_add_number(o, "presence_snr_db", ec.presence_snr_db);
    o = check(params, "crosstalk", "largest correlation of the band-passed medial (ST, SM) and lateral (BF) "
              "hamstring sites of one side within the lag below",
              "Winter, Fuglevand & Archer 1994, J Electromyogr Kinesiol 4:5");
    bl_doc_add_number(o, "max_lag_s", BLI_QC_CROSSTALK_LAG_S);
    bl_doc_add_number(o, "warn_r", c->crosstalk_warn_r);
    bl_doc_add_number(o, "fail_r", c->crosstalk_fail_r);
    o = check(params, "spectrum", "raw spectrum between the band limits below: a share of its power within "
              "2 Hz of one line (not a mains harmonic) above tone_share fails (a tone); a median frequency below "
              "fail_below_hz fails (an envelope or other smoothed signal); above warn_above_hz warns (a needle "
              "recording, a board filtering far above 20 Hz, a broadband noise floor)",
              "Merletti & Parker 2004, Electromyography (surface EMG median frequency 50-150 Hz)");
    bl_doc_add_number(o, "band_lo_hz", BLI_QC_SPECTRUM_LO_HZ);
    bl_doc_add_number(o, "band_hi_hz", BLI_QC_SPECTRUM_HI_HZ);
    bl_doc_add_number(o, "fail_below_hz", c->spectrum_lo_hz);
    bl_doc_add_number(o, "warn_above_hz", c->spectrum_hi_hz);
    bl_doc_add_number(o, "high_share_above_hz", BLI_QC_HIGH_HZ);
    bl_doc_add_number(o, "tone_share", c->tone_share);
    return bl_doc_status(params);
}
