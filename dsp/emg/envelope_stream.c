/* The streaming envelope for live meters: causal band-pass (with mains
 * notches) -> rectify -> causal low-pass over interleaved blocks. */
#include "backline/envelope.h"

#include <math.h>
#include <stdlib.h>

#include "emg_internal.h"

/* Streaming form: causal band-pass → rectify → causal low-pass, in place
 * on the caller's output buffer, so _process needs no scratch. */
struct bl_envelope_stream {
    bl_sosfilt *bandpass;
    bl_sosfilt *lowpass;
    size_t channels;
    double latency;
};

bl_status bl_envelope_stream_create(const bl_envelope_config *cfg, size_t channels, double rate_hz,
                                    bl_envelope_stream **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (!cfg || channels == 0) return BL_EINVAL;
    if (!(rate_hz >= BL_MIN_EMG_RATE_HZ)) return BL_ERATE;
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, nn = 0;
    bl_status st = bl_butter_design(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                                    rate_hz, sos, BLI_MAX_SECTIONS, &ns);
    if (st != BL_OK) return st;
    /* A given mains frequency adds its notches to the same cascade (a
     * stream has no spectrum yet to detect it from: auto means none). */
    if (cfg->notch == BL_NOTCH_50 || cfg->notch == BL_NOTCH_60) {
        st = bl_mains_design(cfg->notch == BL_NOTCH_50 ? 50.0 : 60.0, cfg->notch_q, cfg->bandpass_hi_hz, rate_hz,
                             sos + ns * BL_SOS_WIDTH, BLI_MAX_SECTIONS - ns, &nn);
        if (st != BL_OK) return st;
        ns += nn;
    }
    bl_envelope_stream *s = calloc(1, sizeof *s);
    if (!s) return BL_ENOMEM;
    s->channels = channels;
    st = bl_sosfilt_create(sos, ns, channels, &s->bandpass);
    double centre = sqrt(cfg->bandpass_lo_hz * cfg->bandpass_hi_hz);
    if (st == BL_OK) {
        s->latency = bl_sosfilt_latency(s->bandpass, centre, rate_hz);
        st = bl_butter_design(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, rate_hz, sos, BLI_MAX_SECTIONS, &ns);
    }
    if (st == BL_OK) st = bl_sosfilt_create(sos, ns, channels, &s->lowpass);
    if (st != BL_OK) {
        bl_envelope_stream_destroy(s);
        return st;
    }
    s->latency += bl_sosfilt_latency(s->lowpass, 1.0, rate_hz);
    *out = s;
    return BL_OK;
}

bl_status bl_envelope_stream_process(bl_envelope_stream *s, const float *in, float *out, size_t frames)
{
    if (!s || !in || !out) return BL_EINVAL;
    bl_status st = bl_sosfilt_process(s->bandpass, in, out, frames);
    if (st != BL_OK) return st;
    size_t n = frames * s->channels;
    for (size_t i = 0; i < n; i++) out[i] = fabsf(out[i]);
    return bl_sosfilt_process(s->lowpass, out, out, frames);
}

void bl_envelope_stream_reset(bl_envelope_stream *s)
{
    if (!s) return;
    bl_sosfilt_reset(s->bandpass);
    bl_sosfilt_reset(s->lowpass);
}

double bl_envelope_stream_latency(const bl_envelope_stream *s)
{
    return s ? s->latency : 0.0;
}

void bl_envelope_stream_destroy(bl_envelope_stream *s)
{
    if (!s) return;
    bl_sosfilt_destroy(s->bandpass);
    bl_sosfilt_destroy(s->lowpass);
    free(s);
}

