/* Linear envelopes: rectify and low-pass the conditioned EMG channels,
 * zero-phase, and the one-call forms that condition first. */
#include "backline/envelope.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emg_internal.h"

void bl_envelope_config_default(bl_envelope_config *cfg)
{
    if (!cfg) return;
    cfg->rate_hz = 2000.0;
    cfg->bandpass_lo_hz = 20.0;
    cfg->bandpass_hi_hz = 450.0;
    cfg->bandpass_order = 4;
    cfg->notch = BL_NOTCH_AUTO;
    cfg->notch_q = 30.0;
    cfg->lowpass_hz = 6.0;
    cfg->lowpass_order = 4;
    cfg->threads = 0;
    cfg->ecg = BL_ECG_AUTO;
    bl_ecg_config_default(&cfg->ecg_cfg);
}

const char *bl_ecg_mode_name(bl_ecg_mode m)
{
    switch (m) {
    case BL_ECG_AUTO: return "auto";
    case BL_ECG_REMOVE: return "remove";
    case BL_ECG_OFF: return "off";
    }
    return "?";
}

int bl_ecg_mode_from_name(const char *name)
{
    if (!name) return -1;
    for (int m = BL_ECG_AUTO; m <= BL_ECG_OFF; m++)
        if (!strcmp(name, bl_ecg_mode_name((bl_ecg_mode)m))) return m;
    return -1;
}

bl_status bl_linear_envelope(bl_recording *rec, const bl_envelope_config *cfg)
{
    if (!rec) return BL_EINVAL;
    bl_status st = bli_envelope_config_check(cfg);
    if (st != BL_OK) return st;
    double rate = bl_recording_rate(rec);
    if (!(cfg->lowpass_hz < rate / 2)) return BL_ERANGE;
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, n = 0, frames = bl_recording_frames(rec);
    st = bl_butter_design(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, rate, sos, BLI_MAX_SECTIONS, &ns);
    if (st != BL_OK) return st;
    /* Too short is refused before anything is rectified. */
    if (frames <= bl_sosfiltfilt_padlen(sos, ns)) return BL_ENODATA;
    float **ptrs = malloc(bl_recording_channels(rec) * sizeof *ptrs);
    if (!ptrs) return BL_ENOMEM;
    bli_emg_channels(rec, ptrs, &n);
    for (size_t c = 0; c < n; c++) {
        float *x = ptrs[c];
        for (size_t i = 0; i < frames; i++) x[i] = fabsf(x[i]);
    }
    st = bli_filter_planar(sos, ns, ptrs, n, frames, cfg->threads);
    free(ptrs);
    return st;
}

bl_status bl_envelope_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report)
{
    if (!rec) return BL_EINVAL;
    bl_status st = bli_condition_check(rec, cfg, 1);
    if (st == BL_OK) st = bli_condition_checked(rec, cfg, report);
    return st == BL_OK ? bl_linear_envelope(rec, cfg) : st;
}

bl_status bl_envelope_recording(const bl_recording *in, const bl_envelope_config *cfg, bl_recording **out,
                                bl_condition_report *report)
{
    if (!out) return BL_EINVAL;
    bl_status st = bl_condition(in, cfg, out, report);
    if (st != BL_OK) return st;
    if ((st = bl_linear_envelope(*out, cfg)) != BL_OK) {
        bl_recording_destroy(*out);
        *out = NULL;
    }
    return st;
}

