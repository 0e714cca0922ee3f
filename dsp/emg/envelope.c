/* Conditioning (resample, band-pass, mains notch) and envelopes (linear
 * envelope, moving RMS/average, TKEO), offline and streaming.
 *
 * Offline filtering is zero-phase through bl_sosfiltfilt, which runs all
 * channels of a recording together; AUX channels (footswitches,
 * goniometers) are resampled but never filtered or rectified.
 */
#include "backline/envelope.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/filter.h"
#include "backline/resample.h"
#include "backline/spectrum.h"

/* Largest cascade we design: band-pass order ≤ 8 (8 sections) or mains
 * notches to 450 Hz at 50 Hz (9 sections). */
#define MAX_SECTIONS 32

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
}

static bl_status check_config(const bl_envelope_config *cfg)
{
    if (!cfg) return BL_EINVAL;
    if (!(cfg->rate_hz >= BL_MIN_EMG_RATE_HZ) || !isfinite(cfg->rate_hz)) return BL_ERATE;
    if (!(cfg->bandpass_lo_hz > 0) || !(cfg->bandpass_hi_hz > cfg->bandpass_lo_hz) ||
        !(cfg->bandpass_hi_hz < cfg->rate_hz / 2))
        return BL_ERANGE;
    if (cfg->bandpass_order < 1 || cfg->bandpass_order > 8) return BL_ERANGE;
    if (cfg->lowpass_order < 1 || cfg->lowpass_order > 8) return BL_ERANGE;
    if (!(cfg->lowpass_hz > 0) || !(cfg->lowpass_hz < cfg->rate_hz / 2)) return BL_ERANGE;
    if (cfg->notch != BL_NOTCH_OFF && !(cfg->notch_q > 0)) return BL_ERANGE;
    if ((int)cfg->notch < BL_NOTCH_AUTO || (int)cfg->notch > BL_NOTCH_60) return BL_EINVAL;
    return BL_OK;
}

/* The sample arrays of the EMG channels (every channel when there is no
 * map) into ptrs, their number into *count. */
static bl_status emg_channels(bl_recording *rec, float **ptrs, size_t *count)
{
    const bl_chanmap *map = bl_recording_chanmap(rec);
    *count = 0;
    for (size_t c = 0; c < bl_recording_channels(rec); c++)
        if (bl_chanmap_muscle(map, c) != BL_MUSCLE_AUX) ptrs[(*count)++] = bl_recording_data(rec, c);
    return BL_OK;
}

static bl_status filter_planar(const double *sos, size_t n_sections, float **ptrs, size_t n, size_t frames)
{
    if (n == 0) return BL_OK;
    if (frames <= bl_sosfiltfilt_padlen(sos, n_sections)) return BL_ENODATA;
    return bl_sosfiltfilt(sos, n_sections, (float *const *)ptrs, n, frames);
}

/* Mains removal without edge transients. A Q = 30 notch at 50 Hz rings
 * for ~0.2 s (time constant Q/(π·f0)), and no odd or even reflection
 * continues a sinusoid: it flips its cosine part at the edge, and the notch
 * rings there, which reads as muscle activity. The hum is periodic, so each
 * end is extended with the signal itself shifted by a whole number of mains
 * periods (the hum continues in phase, the EMG is just other EMG), long
 * enough for the notches to ring down to 1 %, and the zero-phase cascade
 * runs over the extended copy. */
static size_t period_shift(size_t pad, size_t frames, double rate, double mains_hz)
{
    double period = rate / mains_hz;
    size_t best = 0;
    double best_err = 1;
    for (size_t m = (size_t)ceil((double)pad / period); m < (size_t)ceil((double)pad / period) + 24; m++) {
        double exact = (double)m * period;
        size_t shift = (size_t)llround(exact);
        if (shift > frames) break;
        double err = fabs(exact - (double)shift) / period; /* phase error, in periods */
        if (err < best_err - 1e-9) {
            best = shift;
            best_err = err;
        }
        if (err < 1e-9) break;
    }
    return best;
}

static bl_status notch_planar(const double *sos, size_t n_sections, float **ptrs, size_t n, size_t frames,
                              double rate, double mains_hz)
{
    if (n == 0) return BL_OK;
    size_t pad = bl_sos_decay_samples(sos, n_sections, 0.01);
    if (pad > frames / 2) pad = frames / 2;
    size_t shift = pad ? period_shift(pad, frames, rate, mains_hz) : 0;
    if (shift == 0) return filter_planar(sos, n_sections, ptrs, n, frames); /* too short to extend */

    size_t len = frames + 2 * pad;
    float **ext = calloc(n, sizeof *ext);
    bl_status st = ext ? BL_OK : BL_ENOMEM;
    for (size_t c = 0; c < n && st == BL_OK; c++) {
        float *e = ext[c] = malloc(len * sizeof *e);
        if (!e) {
            st = BL_ENOMEM;
            break;
        }
        const float *x = ptrs[c];
        memcpy(e, x + shift - pad, pad * sizeof *e);                /* x[shift-pad .. shift) */
        memcpy(e + pad, x, frames * sizeof *e);
        memcpy(e + pad + frames, x + frames - shift, pad * sizeof *e); /* x[N-shift .. N-shift+pad) */
    }
    if (st == BL_OK) st = filter_planar(sos, n_sections, ext, n, len);
    for (size_t c = 0; c < n && st == BL_OK; c++) memcpy(ptrs[c], ext[c] + pad, frames * sizeof(float));
    for (size_t c = 0; ext && c < n; c++) free(ext[c]);
    free(ext);
    return st;
}

/* Default sosfiltfilt pad of a Butterworth design (0 when the design fails). */
static size_t butter_padlen(int order, bl_band band, double f1, double f2, double rate)
{
    double sos[MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0;
    if (bl_butter_design(order, band, f1, f2, rate, sos, MAX_SECTIONS, &ns) != BL_OK) return 0;
    return bl_sosfiltfilt_padlen(sos, ns);
}

/* Mains family with the most prominent peak over all EMG channels. */
static bl_status detect_mains(float **ptrs, size_t n, size_t frames, double rate, double *mains_hz,
                              double *prominence_db)
{
    *mains_hz = 0;
    *prominence_db = 0;
    for (size_t c = 0; c < n; c++) {
        double hz = 0, db = 0;
        bl_status st = bl_mains_detect(ptrs[c], frames, rate, &hz, &db);
        if (st == BL_ENODATA) continue; /* too short to tell: no notch */
        if (st != BL_OK) return st;
        if (hz > 0 && db > *prominence_db) {
            *mains_hz = hz;
            *prominence_db = db;
        }
    }
    return BL_OK;
}

/* Checks shared by both conditioning entry points; BL_OK or the code. */
static bl_status check_input(const bl_recording *in, const bl_envelope_config *cfg, int with_envelope)
{
    bl_status st = check_config(cfg);
    if (st != BL_OK) return st;
    double in_rate = bl_recording_rate(in);
    /* The input must carry the band it is asked to keep. */
    if (in_rate < BL_MIN_EMG_RATE_HZ || !(in_rate / 2 > cfg->bandpass_hi_hz)) return BL_ERATE;
    if (bl_recording_check_finite(in, NULL, NULL) != BL_OK) return BL_ENONFINITE;
    /* The edge padding of the zero-phase filters must fit the signal,
     * checked before anything is resampled, filtered or rectified (the
     * notch pads as far as the signal allows, so it needs no check). */
    size_t pad = butter_padlen(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                               cfg->rate_hz);
    if (with_envelope) {
        size_t lp = butter_padlen(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, cfg->rate_hz);
        if (lp > pad) pad = lp;
    }
    if (pad == 0) return BL_ERANGE;
    size_t frames_out = (size_t)llround((double)bl_recording_frames(in) * cfg->rate_hz / in_rate);
    return frames_out <= pad ? BL_ENODATA : BL_OK;
}

/* Mains removal, then band-pass, of the EMG channels, in place, at the
 * recording's own rate (already the analysis rate). The hum goes first:
 * the notches extend the edges periodically (notch_planar), which only
 * works on a hum the band-pass edges have not yet distorted; the band-pass
 * then pads as sosfiltfilt does, so with --notch off the result is
 * SciPy's. Detection reads the raw spectrum (Welch removes each segment's
 * mean, so offsets and drift do not matter). */
static bl_status filter_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *rep)
{
    size_t frames = bl_recording_frames(rec);
    float **ptrs = malloc(bl_recording_channels(rec) * sizeof *ptrs);
    size_t n = 0;
    bl_status st = ptrs ? emg_channels(rec, ptrs, &n) : BL_ENOMEM;

    if (st == BL_OK) {
        if (cfg->notch == BL_NOTCH_50) rep->mains_hz = 50;
        else if (cfg->notch == BL_NOTCH_60) rep->mains_hz = 60;
        else if (cfg->notch == BL_NOTCH_AUTO)
            st = detect_mains(ptrs, n, frames, cfg->rate_hz, &rep->mains_hz, &rep->mains_prominence_db);
    }
    double sos[MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0;
    if (st == BL_OK && rep->mains_hz > 0) {
        st = bl_mains_design(rep->mains_hz, cfg->notch_q, cfg->bandpass_hi_hz, cfg->rate_hz, sos, MAX_SECTIONS, &ns);
        if (st == BL_OK) st = notch_planar(sos, ns, ptrs, n, frames, cfg->rate_hz, rep->mains_hz);
        rep->notch_sections = ns;
    }
    if (st == BL_OK)
        st = bl_butter_design(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                              cfg->rate_hz, sos, MAX_SECTIONS, &ns);
    if (st == BL_OK) st = filter_planar(sos, ns, ptrs, n, frames);
    free(ptrs);
    return st;
}

static void report_init(bl_condition_report *rep, double in_rate, const bl_envelope_config *cfg)
{
    memset(rep, 0, sizeof *rep);
    rep->input_rate_hz = in_rate;
    rep->rate_hz = cfg->rate_hz;
    rep->resampled = in_rate != cfg->rate_hz;
}

bl_status bl_condition(const bl_recording *in, const bl_envelope_config *cfg, bl_recording **out,
                       bl_condition_report *report)
{
    if (!in || !out) return BL_EINVAL;
    *out = NULL;
    bl_status st = check_input(in, cfg, 0);
    if (st != BL_OK) return st;
    bl_condition_report rep;
    report_init(&rep, bl_recording_rate(in), cfg);
    bl_recording *rec = NULL;
    if ((st = bl_recording_resample(in, cfg->rate_hz, &rec)) != BL_OK) return st;
    if ((st = filter_in_place(rec, cfg, &rep)) != BL_OK) {
        bl_recording_destroy(rec);
        return st;
    }
    if (report) *report = rep;
    *out = rec;
    return BL_OK;
}

/* Conditioning in place once the input is known good. A resampled signal
 * is filtered before it replaces the caller's, so a failure there leaves
 * the recording as it was. */
static bl_status condition_checked(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report)
{
    bl_condition_report rep;
    report_init(&rep, bl_recording_rate(rec), cfg);
    bl_status st;
    if (rep.resampled) {
        bl_recording *work = NULL;
        if ((st = bl_recording_resample(rec, cfg->rate_hz, &work)) != BL_OK) return st;
        if ((st = filter_in_place(work, cfg, &rep)) == BL_OK) bl_recording_swap(rec, work);
        bl_recording_destroy(work);
    } else {
        st = filter_in_place(rec, cfg, &rep);
    }
    if (st == BL_OK && report) *report = rep;
    return st;
}

bl_status bl_condition_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report)
{
    if (!rec) return BL_EINVAL;
    bl_status st = check_input(rec, cfg, 0);
    return st == BL_OK ? condition_checked(rec, cfg, report) : st;
}

bl_status bl_linear_envelope(bl_recording *rec, const bl_envelope_config *cfg)
{
    if (!rec) return BL_EINVAL;
    bl_status st = check_config(cfg);
    if (st != BL_OK) return st;
    double rate = bl_recording_rate(rec);
    if (!(cfg->lowpass_hz < rate / 2)) return BL_ERANGE;
    double sos[MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, n = 0, frames = bl_recording_frames(rec);
    st = bl_butter_design(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, rate, sos, MAX_SECTIONS, &ns);
    if (st != BL_OK) return st;
    /* Too short is refused before anything is rectified. */
    if (frames <= bl_sosfiltfilt_padlen(sos, ns)) return BL_ENODATA;
    float **ptrs = malloc(bl_recording_channels(rec) * sizeof *ptrs);
    if (!ptrs) return BL_ENOMEM;
    st = emg_channels(rec, ptrs, &n);
    for (size_t c = 0; c < n && st == BL_OK; c++) {
        float *x = ptrs[c];
        for (size_t i = 0; i < frames; i++) x[i] = fabsf(x[i]);
    }
    if (st == BL_OK) st = filter_planar(sos, ns, ptrs, n, frames);
    free(ptrs);
    return st;
}

bl_status bl_envelope_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report)
{
    if (!rec) return BL_EINVAL;
    bl_status st = check_input(rec, cfg, 1);
    if (st == BL_OK) st = condition_checked(rec, cfg, report);
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

/* Centred window of an odd number of samples; edges average what exists.
 * Running sums in double keep hour-long recordings exact enough. */
static bl_status moving_mean(const float *x, size_t n, double rate_hz, double window_s, float *out, int squared)
{
    if (!x || !out || n == 0) return BL_EINVAL;
    if (!(rate_hz > 0) || !isfinite(rate_hz) || !(window_s > 0) || !isfinite(window_s)) return BL_ERANGE;
    double w = window_s * rate_hz;
    if (w > (double)n * 4 + 1) w = (double)n * 4 + 1;
    size_t half = (size_t)llround(w) / 2;
    double *cum = malloc((n + 1) * sizeof *cum);
    if (!cum) return BL_ENOMEM;
    cum[0] = 0;
    for (size_t i = 0; i < n; i++) cum[i + 1] = cum[i] + (squared ? (double)x[i] * x[i] : (double)x[i]);
    for (size_t i = 0; i < n; i++) {
        size_t lo = i > half ? i - half : 0;
        size_t hi = i + half + 1 < n ? i + half + 1 : n;
        double m = (cum[hi] - cum[lo]) / (double)(hi - lo);
        out[i] = (float)(squared ? sqrt(m > 0 ? m : 0) : m);
    }
    free(cum);
    return BL_OK;
}

bl_status bl_moving_rms(const float *x, size_t n, double rate_hz, double window_s, float *out)
{
    return moving_mean(x, n, rate_hz, window_s, out, 1);
}

bl_status bl_moving_average(const float *x, size_t n, double rate_hz, double window_s, float *out)
{
    return moving_mean(x, n, rate_hz, window_s, out, 0);
}

bl_status bl_tkeo(const float *x, size_t n, float *out)
{
    if (!x || !out || n == 0 || x == out) return BL_EINVAL;
    if (n < 3) {
        for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i];
        return BL_OK;
    }
    for (size_t i = 1; i + 1 < n; i++)
        out[i] = (float)((double)x[i] * x[i] - (double)x[i - 1] * x[i + 1]);
    out[0] = out[1];
    out[n - 1] = out[n - 2];
    return BL_OK;
}

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
    double sos[MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, nn = 0;
    bl_status st = bl_butter_design(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                                    rate_hz, sos, MAX_SECTIONS, &ns);
    if (st != BL_OK) return st;
    /* A given mains frequency adds its notches to the same cascade (a
     * stream has no spectrum yet to detect it from: auto means none). */
    if (cfg->notch == BL_NOTCH_50 || cfg->notch == BL_NOTCH_60) {
        st = bl_mains_design(cfg->notch == BL_NOTCH_50 ? 50.0 : 60.0, cfg->notch_q, cfg->bandpass_hi_hz, rate_hz,
                             sos + ns * BL_SOS_WIDTH, MAX_SECTIONS - ns, &nn);
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
        st = bl_butter_design(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, rate_hz, sos, MAX_SECTIONS, &ns);
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
