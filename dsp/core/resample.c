/* Resampling through libsamplerate's band-limited sinc converter.
 *
 * SRC_SINC_MEDIUM_QUALITY: 90 % of the output Nyquist passes flat and the
 * stop-band is > 100 dB down, so at a 2 kHz output everything to 900 Hz is
 * kept (450 Hz with room to spare) and what would alias is rejected. The
 * converter is an interpolator centred on each output instant, so its
 * output is time-aligned with the input: no delay to remove offline.
 */
#include "backline/resample.h"
#include "decimate_internal.h"

#include <math.h>
#include <limits.h>
#include <samplerate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BL_SRC_CONVERTER SRC_SINC_MEDIUM_QUALITY
#define BL_SRC_CONVERTER_NAME "libsamplerate SRC_SINC_MEDIUM_QUALITY"
#define BL_SRC_CONVERTER_SUMMARY "libsamplerate sinc, anti-aliased, flat to 90 % of the output Nyquist"

struct bl_resampler {
    SRC_STATE *src;
    size_t channels;
    double ratio;   /* out / in */
    double latency; /* output samples a stream lags its input */
};

/* How many output samples the converter holds back: feed it silence and
 * compare what came out with what went in. Measured rather than derived,
 * because libsamplerate's look-ahead depends on the ratio in ways its
 * documentation does not state. Leaves the converter reset. */
static double measure_latency(SRC_STATE *src, size_t channels, double ratio)
{
    const size_t in_frames = 8192;
    size_t out_cap = (size_t)ceil((double)in_frames * ratio) + 64;
    float *in = calloc(in_frames * channels, sizeof *in), *out = malloc(out_cap * channels * sizeof *out);
    double lag = 0;
    if (in && out) {
        SRC_DATA d;
        memset(&d, 0, sizeof d);
        d.data_in = in;
        d.input_frames = (long)in_frames;
        d.data_out = out;
        d.output_frames = (long)out_cap;
        d.src_ratio = ratio;
        if (src_process(src, &d) == 0)
            lag = (double)d.input_frames_used * ratio - (double)d.output_frames_gen;
    }
    free(in);
    free(out);
    src_reset(src);
    return lag > 0 ? lag : 0;
}

static int ratio_ok(double in_rate, double out_rate)
{
    if (!(in_rate > 0) || !(out_rate > 0) || !isfinite(in_rate) || !isfinite(out_rate)) return 0;
    return src_is_valid_ratio(out_rate / in_rate);
}

bl_status bl_resampler_create(size_t channels, double in_rate_hz, double out_rate_hz, bl_resampler **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (channels == 0 || channels > 1024) return BL_EINVAL;
    if (!ratio_ok(in_rate_hz, out_rate_hz)) return BL_ERANGE;
    bl_resampler *r = calloc(1, sizeof *r);
    if (!r) return BL_ENOMEM;
    int err = 0;
    r->src = src_new(BL_SRC_CONVERTER, (int)channels, &err);
    if (!r->src) {
        free(r);
        return BL_ENOMEM;
    }
    r->channels = channels;
    r->ratio = out_rate_hz / in_rate_hz;
    r->latency = measure_latency(r->src, channels, r->ratio);
    *out = r;
    return BL_OK;
}

size_t bl_resampler_max_output(const bl_resampler *r, size_t in_frames)
{
    if (!r) return 0;
    /* The tail flushed at end of input is bounded by the filter length.
     * Saturates instead of overflowing for absurd inputs. */
    double n = ceil((double)in_frames * r->ratio) + 256 + ceil(r->ratio * 8192.0);
    return n < (double)SIZE_MAX / 2 ? (size_t)n : SIZE_MAX;
}

bl_status bl_resampler_process(bl_resampler *r, const float *in, size_t in_frames, size_t *in_used,
                               float *out, size_t out_capacity, size_t *out_frames, int end_of_input)
{
    if (in_used) *in_used = 0;
    if (out_frames) *out_frames = 0;
    if (!r || !out_frames || (!in && in_frames) || !out) return BL_EINVAL;
    if (in_frames > LONG_MAX || out_capacity > LONG_MAX) return BL_ERANGE;
    SRC_DATA d;
    memset(&d, 0, sizeof d);
    d.src_ratio = r->ratio;
    d.end_of_input = end_of_input ? 1 : 0;
    size_t done_in = 0;
    /* libsamplerate may stop early when the output fills; loop until all
     * input is consumed or no progress is possible. */
    for (;;) {
        /* libsamplerate drains nothing when data_in is NULL, even at the
         * end of input: hand it a valid pointer to zero frames. */
        static const float no_input[1] = {0};
        d.data_in = in ? in + done_in * r->channels : no_input;
        d.input_frames = (long)(in_frames - done_in);
        d.data_out = out + *out_frames * r->channels;
        d.output_frames = (long)(out_capacity - *out_frames);
        if (src_process(r->src, &d) != 0) return BL_EINVAL;
        done_in += (size_t)d.input_frames_used;
        if (in_used) *in_used = done_in;
        *out_frames += (size_t)d.output_frames_gen;
        if (d.input_frames_used == 0 && d.output_frames_gen == 0) break;
        if (done_in == in_frames && !end_of_input) break;
        if (*out_frames == out_capacity) break;
    }
    return done_in == in_frames ? BL_OK : BL_ERANGE;
}

double bl_resampler_latency(const bl_resampler *r)
{
    /* Aligned interpolator (no group delay offline), but a stream's output
     * waits for the sinc kernel's look-ahead: measured at create. */
    return r ? r->latency : 0.0;
}

void bl_resampler_reset(bl_resampler *r)
{
    if (r) src_reset(r->src);
}

void bl_resampler_destroy(bl_resampler *r)
{
    if (!r) return;
    src_delete(r->src);
    free(r);
}

/* Odd reflection about the end samples, 2·x[0] − x[k], continuing with
 * the far end's value when the signal is shorter than the pad. */
static void reflect_pad(const float *x, size_t n, size_t pad, float *out)
{
    for (size_t k = 1; k <= pad; k++) {
        size_t j = k < n ? k : n - 1;
        out[pad - k] = 2 * x[0] - x[j];
        out[pad + n - 1 + k] = 2 * x[n - 1] - x[n - 1 - j];
    }
    memcpy(out + pad, x, n * sizeof *x);
}

/* Input frames of padding per end and the output samples they become. The
 * sinc kernel spans about 46 zero crossings per side at the lower of the
 * two rates; with integer rates the pad is a multiple of in/gcd(in, out),
 * so it maps to a whole number of output samples. */
static void edge_padding(double in_rate, double out_rate, size_t *pad, size_t *skip)
{
    double ratio = out_rate / in_rate;
    size_t need = (size_t)ceil(64.0 / (ratio < 1 ? ratio : 1.0)) + 16;
    if (in_rate == floor(in_rate) && out_rate == floor(out_rate) && in_rate < 1e9 && out_rate < 1e9) {
        unsigned long long g = bli_gcd_u64((unsigned long long)in_rate, (unsigned long long)out_rate);
        size_t q = (size_t)((unsigned long long)in_rate / g);
        if (q <= 1u << 20) {
            *pad = (need + q - 1) / q * q;
            *skip = (size_t)((unsigned long long)*pad / q * ((unsigned long long)out_rate / g));
            return;
        }
    }
    *pad = need;
    *skip = (size_t)llround((double)need * ratio); /* sub-sample misalignment only for odd rates */
}

const char *bl_resample_method(double in_rate_hz, double out_rate_hz)
{
    if (!ratio_ok(in_rate_hz, out_rate_hz)) return "unsupported";
    if (in_rate_hz == out_rate_hz) return "none";
    return bl_decimate_check(in_rate_hz, out_rate_hz) == BL_OK ? "polyphase FIR decimation" : BL_SRC_CONVERTER_NAME;
}

void bl_resample_describe(double in_rate_hz, double out_rate_hz, char *buf, size_t len)
{
    if (!buf || len == 0) return;
    bl_decimator *d = NULL;
    if (bl_decimator_create(1, in_rate_hz, out_rate_hz, &d) != BL_OK) {
        snprintf(buf, len, "%s", ratio_ok(in_rate_hz, out_rate_hz) ? BL_SRC_CONVERTER_SUMMARY : "unsupported");
        return;
    }
    size_t used = (size_t)snprintf(buf, len, "polyphase FIR, %zu stage%s (", bl_decimator_stages(d),
                                   bl_decimator_stages(d) == 1 ? "" : "s");
    bl_decimator_stage s = {0};
    for (size_t k = 0; k < bl_decimator_stages(d) && used < len; k++) {
        bl_decimator_get_stage(d, k, &s);
        if (s.up == 1)
            used += (size_t)snprintf(buf + used, len - used, "%s1/%zu, %zu taps", k ? "; " : "", s.down, s.taps);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%zu/%zu, %zu taps", k ? "; " : "", s.up, s.down,
                                     s.taps);
    }
    if (used < len)
        snprintf(buf + used, len - used, "), Kaiser-windowed sinc, flat to %g Hz, aliases into it -90 dB or less, "
                                         "delay removed", s.pass_hz);
    bl_decimator_destroy(d);
}

bl_status bl_resample_check(double in_rate_hz, double out_rate_hz)
{
    return ratio_ok(in_rate_hz, out_rate_hz) ? BL_OK : BL_ERANGE;
}

size_t bl_resample_length(size_t frames, double in_rate_hz, double out_rate_hz)
{
    if (!ratio_ok(in_rate_hz, out_rate_hz)) return 0;
    double n = (double)frames * out_rate_hz / in_rate_hz;
    return n < (double)SIZE_MAX / 2 ? (size_t)llround(n) : 0;
}

/* The decimator over planar channels, every channel in one pass. */
static bl_status resample_fir(const float *const *in, size_t channels, size_t frames, double in_rate,
                              double out_rate, float *const *out, size_t out_len)
{
    enum { BLOCK = 16384 };
    bl_decimator *d = NULL;
    bl_status st = bl_decimator_create(channels, in_rate, out_rate, &d);
    if (st != BL_OK) return st;
    size_t cap = bl_decimator_max_output(d, BLOCK), done_out = 0;
    float *res = malloc(cap * channels * sizeof *res);
    if (!res) st = BL_ENOMEM;
    for (size_t done = 0; st == BL_OK && done <= frames;) {
        size_t n = frames - done < BLOCK ? frames - done : BLOCK, got = 0;
        st = n ? bli_decimator_process_planar(d, in, done, n, res, cap, &got) : bl_decimator_finish(d, res, cap, &got);
        for (size_t c = 0; st == BL_OK && c < channels; c++)
            for (size_t i = 0; i < got && done_out + i < out_len; i++) out[c][done_out + i] = res[i * channels + c];
        done_out += got;
        if (n == 0) break;
        done += n;
    }
    for (size_t c = 0; st == BL_OK && c < channels; c++) /* never short: round() frames come out */
        for (size_t i = done_out; i < out_len; i++) out[c][i] = done_out ? out[c][done_out - 1] : 0.0f;
    free(res);
    bl_decimator_destroy(d);
    return st;
}

bl_status bl_resample(const float *const *in, size_t channels, size_t frames, double in_rate_hz,
                      double out_rate_hz, float *const *out)
{
    if (!in || !out || channels == 0 || frames == 0) return BL_EINVAL;
    for (size_t c = 0; c < channels; c++)
        if (!in[c] || !out[c]) return BL_EINVAL;
    if (!ratio_ok(in_rate_hz, out_rate_hz)) return BL_ERANGE;
    size_t out_len = bl_resample_length(frames, in_rate_hz, out_rate_hz);
    if (out_len == 0) return BL_ENODATA;
    if (in_rate_hz == out_rate_hz) {
        for (size_t c = 0; c < channels; c++) memcpy(out[c], in[c], frames * sizeof(float));
        return BL_OK;
    }
    if (bl_decimate_check(in_rate_hz, out_rate_hz) == BL_OK)
        return resample_fir(in, channels, frames, in_rate_hz, out_rate_hz, out, out_len);
    double ratio = out_rate_hz / in_rate_hz;

    /* The converter sees silence before the first and after the last
     * sample, so a DC offset or drift would ring at both ends. Pad each
     * channel with its odd reflection (as sosfiltfilt does), long enough to
     * cover the sinc kernel, and a whole number of output samples long so
     * the trimmed output stays exactly aligned. */
    size_t pad, skip;
    edge_padding(in_rate_hz, out_rate_hz, &pad, &skip);
    size_t padded_len = frames + 2 * pad;
    size_t cap = (size_t)ceil((double)padded_len * ratio) + 64 + (size_t)ceil(ratio * 8192.0);
    float *tmp = malloc(cap * sizeof *tmp), *padded = malloc(padded_len * sizeof *padded);
    bl_resampler *r = NULL;
    bl_status st = BL_OK;
    if (!tmp || !padded || (st = bl_resampler_create(1, in_rate_hz, out_rate_hz, &r)) != BL_OK) {
        free(tmp);
        free(padded);
        return tmp && padded ? st : BL_ENOMEM;
    }
    for (size_t c = 0; c < channels && st == BL_OK; c++) {
        size_t got = 0, used = 0;
        reflect_pad(in[c], frames, pad, padded);
        bl_resampler_reset(r);
        st = bl_resampler_process(r, padded, padded_len, &used, tmp, cap, &got, 1);
        if (st != BL_OK) break;
        float *dst = out[c];
        size_t n = got > skip ? got - skip : 0;
        if (n > out_len) n = out_len;
        memcpy(dst, tmp + skip, n * sizeof(float));
        for (size_t i = n; i < out_len; i++) dst[i] = n ? dst[n - 1] : 0.0f;
    }
    free(padded);
    bl_resampler_destroy(r);
    free(tmp);
    return st;
}
