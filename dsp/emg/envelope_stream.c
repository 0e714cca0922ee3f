/* The streaming envelope for live meters: causal band-pass (with mains
 * notches) -> rectify -> causal low-pass over interleaved blocks, in place
 * on the caller's output buffer.
 *
 * With BL_NOTCH_AUTO the stream finds the hum itself: it holds the first
 * BLI_MAINS_PROBE_S seconds (its output there is zero), detects 50 or
 * 60 Hz in them with the same detector conditioning uses, then runs them
 * through the chosen cascade and goes on. Every cascade it may choose and
 * the detector are made at create, so _process never allocates; the
 * output depends only on the samples, not on how they are split. The one
 * _process call that completes the probe does more work than the others:
 * a detection per channel and the cascade over the whole probe. */
#include "backline/envelope.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/spectrum.h"
#include "emg_internal.h"

/* How much signal the automatic mains choice looks at: enough for a 1 to
 * 2 Hz Welch spectrum, short enough that the meters start soon. */
#define BLI_MAINS_PROBE_S 1.0

enum { CASCADE_NONE = 0, CASCADE_50, CASCADE_60, CASCADES };
static const double cascade_mains_hz[CASCADES] = {0, 50, 60};

struct bl_envelope_stream {
    bl_sosfilt *bandpass[CASCADES]; /* band-pass, then the mains notches */
    double latency[CASCADES];       /* of each cascade plus the low-pass */
    bl_sosfilt *lowpass;
    size_t channels;
    int automatic;                  /* BL_NOTCH_AUTO */
    int chosen;                     /* cascade in use; -1 while detecting */
    double rate_hz;
    float *probe;                   /* automatic: the first seconds, interleaved */
    float *probe_ch;                /* one channel of it */
    size_t probe_frames, probe_have;
    bl_mains_detector *detector;
};

/* The band-pass of `cfg` followed by the notches of `mains_hz` (0: none). */
static bl_status make_bandpass(const bl_envelope_config *cfg, size_t channels, double rate_hz, double mains_hz,
                               bl_sosfilt **out)
{
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, nn = 0;
    bl_status st = bl_butter_design(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                                    rate_hz, sos, BLI_MAX_SECTIONS, &ns);
    if (st == BL_OK && mains_hz > 0) {
        st = bl_mains_design(mains_hz, cfg->notch_q, cfg->bandpass_hi_hz, rate_hz, sos + ns * BL_SOS_WIDTH,
                             BLI_MAX_SECTIONS - ns, &nn);
        ns += nn;
    }
    return st == BL_OK ? bl_sosfilt_create(sos, ns, channels, out) : st;
}

static bl_status make_probe(bl_envelope_stream *s)
{
    s->probe_frames = (size_t)ceil(BLI_MAINS_PROBE_S * s->rate_hz);
    if (s->probe_frames > SIZE_MAX / sizeof(float) / s->channels) return BL_ENOMEM;
    s->probe = malloc(s->probe_frames * s->channels * sizeof *s->probe);
    s->probe_ch = malloc(s->probe_frames * sizeof *s->probe_ch);
    if (!s->probe || !s->probe_ch) return BL_ENOMEM;
    return bl_mains_detector_create(s->rate_hz, s->probe_frames, &s->detector);
}

bl_status bl_envelope_stream_create(const bl_envelope_config *cfg, size_t channels, double rate_hz,
                                    bl_envelope_stream **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (!cfg || channels == 0) return BL_EINVAL;
    if (!(rate_hz >= BL_MIN_EMG_RATE_HZ)) return BL_ERATE;
    if ((int)cfg->notch < BL_NOTCH_AUTO || (int)cfg->notch > BL_NOTCH_60) return BL_EINVAL;
    /* The settings every cascade shares are checked here, so that in auto
     * mode a family is left out only because the rate cannot hold it. */
    if (cfg->bandpass_order < 1 || cfg->bandpass_order > 8 || cfg->lowpass_order < 1 || cfg->lowpass_order > 8)
        return BL_ERANGE;
    if (cfg->notch != BL_NOTCH_OFF && !(cfg->notch_q > 0 && isfinite(cfg->notch_q))) return BL_ERANGE;
    bl_envelope_stream *s = calloc(1, sizeof *s);
    if (!s) return BL_ENOMEM;
    s->channels = channels;
    s->rate_hz = rate_hz;
    s->automatic = cfg->notch == BL_NOTCH_AUTO;
    int given = cfg->notch == BL_NOTCH_50 ? CASCADE_50 : cfg->notch == BL_NOTCH_60 ? CASCADE_60 : CASCADE_NONE;
    s->chosen = s->automatic ? -1 : given;
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0;
    bl_status st = bl_butter_design(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, rate_hz, sos,
                                    BLI_MAX_SECTIONS, &ns);
    if (st == BL_OK) st = bl_sosfilt_create(sos, ns, channels, &s->lowpass);
    double centre = sqrt(cfg->bandpass_lo_hz * cfg->bandpass_hi_hz);
    for (int k = 0; k < CASCADES && st == BL_OK; k++) {
        if (!s->automatic && k != given) continue;
        bl_status made = make_bandpass(cfg, channels, rate_hz, cascade_mains_hz[k], &s->bandpass[k]);
        /* Automatic: a mains family the rate cannot notch is not offered. */
        if (made != BL_OK && (k == CASCADE_NONE || !s->automatic)) st = made;
        if (s->bandpass[k])
            s->latency[k] = bl_sosfilt_latency(s->bandpass[k], centre, rate_hz) +
                            bl_sosfilt_latency(s->lowpass, 1.0, rate_hz);
    }
    /* A stream too slow for the detector cannot choose: no notch. */
    if (st == BL_OK && s->automatic) {
        bl_status made = make_probe(s);
        if (made == BL_ERANGE || made == BL_ENODATA) s->chosen = CASCADE_NONE;
        else st = made;
    }
    if (st != BL_OK) {
        bl_envelope_stream_destroy(s);
        return st;
    }
    *out = s;
    return BL_OK;
}

static bl_status run_cascade(bl_envelope_stream *s, const float *in, float *out, size_t frames)
{
    bl_status st = bl_sosfilt_process(s->bandpass[s->chosen], in, out, frames);
    if (st != BL_OK) return st;
    size_t n = frames * s->channels;
    for (size_t i = 0; i < n; i++) out[i] = fabsf(out[i]);
    return bl_sosfilt_process(s->lowpass, out, out, frames);
}

/* The probe is full: the most prominent hum over the channels picks the
 * cascade, which then runs over the probe (in place) to take its state. */
static bl_status choose_cascade(bl_envelope_stream *s)
{
    double best_db = 0, best_hz = 0;
    for (size_t c = 0; c < s->channels; c++) {
        for (size_t i = 0; i < s->probe_frames; i++) s->probe_ch[i] = s->probe[i * s->channels + c];
        double hz = 0, db = 0;
        if (bl_mains_detector_run(s->detector, s->probe_ch, s->probe_frames, &hz, &db) == BL_OK && hz > 0 &&
            db > best_db) {
            best_db = db;
            best_hz = hz;
        }
    }
    s->chosen = CASCADE_NONE;
    for (int k = 1; k < CASCADES; k++)
        if (best_hz == cascade_mains_hz[k] && s->bandpass[k]) s->chosen = k;
    return run_cascade(s, s->probe, s->probe, s->probe_frames);
}

bl_status bl_envelope_stream_process(bl_envelope_stream *s, const float *in, float *out, size_t frames)
{
    if (!s || !in || !out) return BL_EINVAL;
    size_t done = 0;
    if (s->chosen < 0) {
        size_t take = s->probe_frames - s->probe_have;
        if (take > frames) take = frames;
        memcpy(s->probe + s->probe_have * s->channels, in, take * s->channels * sizeof *in);
        memset(out, 0, take * s->channels * sizeof *out); /* after the copy: in may be out */
        s->probe_have += take;
        done = take;
        if (s->probe_have < s->probe_frames) return BL_OK;
        bl_status st = choose_cascade(s);
        if (st != BL_OK) return st;
    }
    return done < frames ? run_cascade(s, in + done * s->channels, out + done * s->channels, frames - done)
                         : BL_OK;
}

void bl_envelope_stream_reset(bl_envelope_stream *s)
{
    if (!s) return;
    for (int k = 0; k < CASCADES; k++) bl_sosfilt_reset(s->bandpass[k]);
    bl_sosfilt_reset(s->lowpass);
    if (s->automatic && s->detector) {
        s->chosen = -1;
        s->probe_have = 0;
    }
}

double bl_envelope_stream_latency(const bl_envelope_stream *s)
{
    if (!s) return 0.0;
    return s->latency[s->chosen < 0 ? CASCADE_NONE : s->chosen];
}

double bl_envelope_stream_mains(const bl_envelope_stream *s)
{
    if (!s) return 0.0;
    return s->chosen < 0 ? -1.0 : cascade_mains_hz[s->chosen];
}

size_t bl_envelope_stream_warmup(const bl_envelope_stream *s)
{
    return s && s->automatic && s->detector ? s->probe_frames : 0;
}

void bl_envelope_stream_destroy(bl_envelope_stream *s)
{
    if (!s) return;
    for (int k = 0; k < CASCADES; k++) bl_sosfilt_destroy(s->bandpass[k]);
    bl_sosfilt_destroy(s->lowpass);
    bl_mains_detector_destroy(s->detector);
    free(s->probe);
    free(s->probe_ch);
    free(s);
}
