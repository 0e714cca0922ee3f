/* Polyphase FIR decimation from audio rates to the analysis rate.
 *
 * The stages planned in decimate_design.c run one after another on
 * interleaved frames, all channels at once: each frame is stored with a
 * stride of whole 8-float vectors, so one vector operation serves eight
 * channels. Only the output samples are computed (taps per phase per
 * output). Every filter is centred on its output instant (its delay of
 * (taps − 1)/2 virtual samples is taken out), so output k is the signal at
 * k / out_rate seconds from the first input sample: time-aligned, as the
 * offline sinc converter was. Each stage pads the ends of its input with
 * their odd reflection (as sosfiltfilt does), so an offset or a drift
 * does not ring at the edges. Input is taken in chunks of DECIM_CHUNK
 * frames, so every buffer is sized at create and _process allocates
 * nothing.
 */
#include "decimate_internal.h"
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECIM_CHUNK 4096 /* input frames per internal step */
#define LANES 8          /* floats per vector: one AVX register */

typedef float v8f __attribute__((vector_size(32)));

typedef struct {
    bli_decim_stage_spec spec;
    float *coef;       /* [up][per_phase], each phase reversed */
    size_t pad;        /* frames of odd reflection at each end */
    size_t delay;      /* (taps − 1) / 2, virtual samples */
    float *buf;        /* frames held, stride cs */
    size_t cap, len;   /* capacity and frames held */
    uint64_t origin;   /* padded index of buf[0] */
    uint64_t received; /* real frames received */
    uint64_t next;     /* index of the next output */
    uint64_t total;    /* outputs in all, once the input has ended (else UINT64_MAX) */
    int started;       /* leading reflection in place */
    float *out;        /* one run's outputs, stride cs */
    size_t out_cap;
} stage;

struct bl_decimator {
    size_t channels, cs, nstages;
    double in_rate, out_rate;
    uint64_t in_total;
    int ended;
    stage st[BLI_DECIM_MAX_STAGES];
    float *chunk; /* DECIM_CHUNK frames of input at stride cs */
};

/* Padded input index of the newest frame output n needs. */
static uint64_t newest_needed(const stage *s, uint64_t n)
{
    return (n * s->spec.down + s->delay) / s->spec.up + s->pad;
}

/* The eight-lane dot products of one output frame: `x` is the oldest of
 * the kp frames (stride cs), `coef` the phase's kp taps in the same order.
 * Four accumulators keep four multiply-adds in flight. */
BL_CLONES static void fir_frame(const float *x, size_t cs, const float *coef, size_t kp, float *out)
{
    for (size_t g = 0; g < cs; g += LANES) {
        v8f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        const float *p = x + g;
        size_t i = 0;
        for (; i + 4 <= kp; i += 4, p += 4 * cs) {
            v8f v0, v1, v2, v3;
            BLI_LD(v0, p);
            BLI_LD(v1, p + cs);
            BLI_LD(v2, p + 2 * cs);
            BLI_LD(v3, p + 3 * cs);
            a0 += coef[i] * v0;
            a1 += coef[i + 1] * v1;
            a2 += coef[i + 2] * v2;
            a3 += coef[i + 3] * v3;
        }
        for (; i < kp; i++, p += cs) {
            v8f v;
            BLI_LD(v, p);
            a0 += coef[i] * v;
        }
        v8f sum = (a0 + a1) + (a2 + a3);
        BLI_ST(out + g, sum);
    }
}

/* Every output the held frames allow (all that remain, up to s->total,
 * once the input has ended) into s->out; returns how many. */
static size_t stage_run(stage *s, size_t cs)
{
    size_t made = 0, kp = s->spec.per_phase;
    if (!s->started) return 0;
    while (made < s->out_cap && s->next < s->total) {
        uint64_t t = s->next * s->spec.down + s->delay, newest = t / s->spec.up + s->pad;
        if (newest >= s->origin + s->len) break;
        const float *x = s->buf + (size_t)(newest + 1 - kp - s->origin) * cs;
        fir_frame(x, cs, s->coef + (size_t)(t % s->spec.up) * kp, kp, s->out + made * cs);
        made++;
        s->next++;
    }
    return made;
}

/* Drops the frames no later output needs, keeping the last pad + 1 real
 * ones for the trailing reflection. */
static void stage_compact(stage *s, size_t cs)
{
    if (!s->started || s->len == 0) return;
    uint64_t end = s->origin + s->len, keep = newest_needed(s, s->next) + 1 - s->spec.per_phase;
    if (end >= s->pad + 1 && end - (s->pad + 1) < keep) keep = end - (s->pad + 1);
    if (keep <= s->origin) return;
    size_t drop = (size_t)(keep - s->origin);
    if (drop > s->len) drop = s->len;
    memmove(s->buf, s->buf + drop * cs, (s->len - drop) * cs * sizeof(float));
    s->len -= drop;
    s->origin += drop;
}

/* Puts the leading odd reflection in front of the first real frames
 * (x[0] is at padded index pad), shortening it to what is there. */
static void stage_start(stage *s, size_t cs)
{
    size_t n = s->len, pad = s->pad;
    memmove(s->buf + pad * cs, s->buf, n * cs * sizeof(float));
    const float *x0 = s->buf + pad * cs;
    for (size_t k = 1; k <= pad; k++) {
        const float *xj = x0 + (k < n ? k : n - 1) * cs;
        float *dst = s->buf + (pad - k) * cs;
        for (size_t c = 0; c < cs; c++) dst[c] = 2 * x0[c] - xj[c];
    }
    s->len += pad;
    s->origin = 0;
    s->started = 1;
}

static void stage_push(stage *s, size_t cs, const float *in, size_t frames)
{
    stage_compact(s, cs);
    memcpy(s->buf + s->len * cs, in, frames * cs * sizeof(float));
    s->len += frames;
    s->received += frames;
    if (!s->started && s->received > s->pad) stage_start(s, cs);
}

/* The trailing odd reflection about the last real frame, and the output
 * count: ceil(received · L / M), or `limit` when smaller. */
static void stage_end(stage *s, size_t cs, uint64_t limit)
{
    if (!s->started) stage_start(s, cs);
    stage_compact(s, cs);
    uint64_t f = s->received;
    const float *last = s->buf + (size_t)(f - 1 + s->pad - s->origin) * cs;
    for (size_t k = 1; k <= s->pad; k++) {
        size_t j = k < f ? k : (size_t)f - 1;
        const float *xj = last - j * cs;
        float *dst = s->buf + (s->len + k - 1) * cs;
        for (size_t c = 0; c < cs; c++) dst[c] = 2 * last[c] - xj[c];
    }
    s->len += s->pad;
    uint64_t total = (f * s->spec.up + s->spec.down - 1) / s->spec.down;
    s->total = total < limit ? total : limit;
}

/* Feeds `frames` frames (stride cs) to stage k and everything it makes to
 * the stages after it; the last stage's outputs go to out (stride
 * channels) from *made on. */
static void cascade(bl_decimator *d, size_t k, const float *in, size_t frames, float *out, size_t *made)
{
    stage *s = &d->st[k];
    if (frames) stage_push(s, d->cs, in, frames);
    for (;;) {
        size_t n = stage_run(s, d->cs);
        if (n == 0) break;
        if (k + 1 < d->nstages) {
            cascade(d, k + 1, s->out, n, out, made);
        } else {
            if (d->cs == d->channels)
                memcpy(out + *made * d->channels, s->out, n * d->channels * sizeof(float));
            else
                for (size_t i = 0; i < n; i++)
                    for (size_t c = 0; c < d->channels; c++) out[(*made + i) * d->channels + c] = s->out[i * d->cs + c];
            *made += n;
        }
        stage_compact(s, d->cs);
    }
}

bl_status bl_decimate_check(double in_rate_hz, double out_rate_hz)
{
    bli_decim_plan_t plan;
    return bli_decim_plan(in_rate_hz, out_rate_hz, &plan);
}

void bl_decimator_destroy(bl_decimator *d)
{
    if (!d) return;
    for (size_t k = 0; k < d->nstages; k++) {
        free(d->st[k].coef);
        free(d->st[k].buf);
        free(d->st[k].out);
    }
    free(d->chunk);
    free(d);
}

/* Buffer sizes: stage k receives at most `push` frames at a time, holds at
 * most pad + 1 more after compaction plus both reflections, and one run
 * makes at most what those frames allow. */
static bl_status stage_alloc(stage *s, size_t cs, size_t push)
{
    s->cap = push + 3 * s->pad + s->spec.per_phase + 2;
    s->out_cap = (size_t)((double)s->cap * (double)s->spec.up / (double)s->spec.down) + 2;
    s->coef = malloc(s->spec.up * s->spec.per_phase * sizeof *s->coef);
    s->buf = malloc(s->cap * cs * sizeof *s->buf);
    s->out = malloc(s->out_cap * cs * sizeof *s->out);
    if (!s->coef || !s->buf || !s->out) return BL_ENOMEM;
    memset(s->buf, 0, s->cap * cs * sizeof *s->buf);
    return bli_decim_design(&s->spec, s->coef);
}

bl_status bl_decimator_create(size_t channels, double in_rate_hz, double out_rate_hz, bl_decimator **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (channels == 0 || channels > 1024) return BL_EINVAL;
    bli_decim_plan_t plan;
    bl_status st = bli_decim_plan(in_rate_hz, out_rate_hz, &plan);
    if (st != BL_OK) return st;
    bl_decimator *d = calloc(1, sizeof *d);
    if (!d) return BL_ENOMEM;
    d->channels = channels;
    d->cs = (channels + LANES - 1) / LANES * LANES;
    d->in_rate = in_rate_hz;
    d->out_rate = out_rate_hz;
    d->nstages = plan.stages;
    size_t push = DECIM_CHUNK;
    for (size_t k = 0; k < plan.stages && st == BL_OK; k++) {
        stage *s = &d->st[k];
        s->spec = plan.stage[k];
        s->delay = (s->spec.taps - 1) / 2;
        /* Enough reflection that the first output's oldest tap and the
         * last output's newest one fall inside it. */
        s->pad = s->spec.per_phase + (s->spec.down + s->spec.up - 1) / s->spec.up + 2;
        st = stage_alloc(s, d->cs, push);
        push = s->out_cap;
    }
    d->chunk = st == BL_OK ? calloc(DECIM_CHUNK * d->cs, sizeof *d->chunk) : NULL;
    if (st == BL_OK && !d->chunk) st = BL_ENOMEM;
    if (st != BL_OK) {
        bl_decimator_destroy(d);
        return st;
    }
    bl_decimator_reset(d); /* the stream state of a fresh object */
    *out = d;
    return BL_OK;
}

void bl_decimator_reset(bl_decimator *d)
{
    if (!d) return;
    d->in_total = 0;
    d->ended = 0;
    for (size_t k = 0; k < d->nstages; k++) {
        stage *s = &d->st[k];
        s->len = 0;
        s->origin = 0;
        s->received = 0;
        s->next = 0;
        s->total = UINT64_MAX;
        s->started = 0;
    }
}

/* Output frames still to come beyond round(in · out/in): what the stages
 * hold back (their reflections and look-ahead), in output frames. */
static double held_back(const bl_decimator *d)
{
    double held = 0;
    for (size_t k = 0; k < d->nstages; k++)
        held += (double)(2 * d->st[k].pad + d->st[k].spec.per_phase) * d->out_rate / d->st[k].spec.in_rate;
    return held;
}

size_t bl_decimator_max_output(const bl_decimator *d, size_t in_frames)
{
    if (!d) return 0;
    double n = ceil(((double)in_frames) * d->out_rate / d->in_rate + held_back(d)) + 2.0 * (double)d->nstages + 2;
    return n < (double)SIZE_MAX / 2 ? (size_t)n : SIZE_MAX;
}

double bl_decimator_latency(const bl_decimator *d)
{
    if (!d) return 0;
    double lag = 0; /* a stage answers once its look-ahead has arrived */
    for (size_t k = 0; k < d->nstages; k++)
        lag += (double)(d->st[k].pad + d->st[k].spec.per_phase) * d->out_rate / d->st[k].spec.in_rate;
    return lag;
}

/* Input from either layout into the stage-0 chunk (stride cs), chunk by
 * chunk through the cascade. */
static bl_status process(bl_decimator *d, const float *interleaved, const float *const *planar, size_t first,
                         size_t in_frames, float *out, size_t out_capacity, size_t *out_frames)
{
    if (out_frames) *out_frames = 0;
    if (!d || !out_frames || (!interleaved && !planar && in_frames) || !out || d->ended) return BL_EINVAL;
    if (out_capacity < bl_decimator_max_output(d, in_frames)) return BL_ERANGE;
    size_t made = 0, C = d->channels, cs = d->cs;
    for (size_t done = 0; done < in_frames;) {
        size_t n = in_frames - done < DECIM_CHUNK ? in_frames - done : DECIM_CHUNK;
        if (interleaved && cs == C) { /* one copy: a per-frame memcpy was a tenth of a 48 kHz envelope */
            memcpy(d->chunk, interleaved + done * C, n * C * sizeof(float));
        } else if (interleaved) {
            const float *src = interleaved + done * C;
            for (size_t i = 0; i < n; i++)
                for (size_t c = 0; c < C; c++) d->chunk[i * cs + c] = src[i * C + c];
        } else {
            for (size_t c = 0; c < C; c++) {
                const float *src = planar[c] + first + done;
                for (size_t i = 0; i < n; i++) d->chunk[i * cs + c] = src[i];
            }
        }
        cascade(d, 0, d->chunk, n, out, &made);
        done += n;
    }
    d->in_total += in_frames;
    *out_frames = made;
    return BL_OK;
}

bl_status bl_decimator_process(bl_decimator *d, const float *in, size_t in_frames, float *out,
                               size_t out_capacity, size_t *out_frames)
{
    return process(d, in, NULL, 0, in_frames, out, out_capacity, out_frames);
}

bl_status bli_decimator_process_planar(bl_decimator *d, const float *const *in, size_t first, size_t frames,
                                       float *out, size_t out_capacity, size_t *out_frames)
{
    return process(d, NULL, in, first, frames, out, out_capacity, out_frames);
}

bl_status bl_decimator_finish(bl_decimator *d, float *out, size_t out_capacity, size_t *out_frames)
{
    if (out_frames) *out_frames = 0;
    if (!d || !out_frames || !out || d->ended) return BL_EINVAL;
    if (out_capacity < bl_decimator_max_output(d, 0)) return BL_ERANGE;
    d->ended = 1;
    size_t made = 0;
    if (d->in_total == 0) return BL_OK;
    uint64_t limit = (uint64_t)llround((double)d->in_total * d->out_rate / d->in_rate);
    for (size_t k = 0; k < d->nstages; k++) {
        stage *s = &d->st[k];
        if (s->received == 0) break;
        stage_end(s, d->cs, k + 1 == d->nstages ? limit : UINT64_MAX);
        cascade(d, k, NULL, 0, out, &made);
    }
    *out_frames = made;
    return BL_OK;
}

size_t bl_decimator_stages(const bl_decimator *d)
{
    return d ? d->nstages : 0;
}

bl_status bl_decimator_get_stage(const bl_decimator *d, size_t k, bl_decimator_stage *out)
{
    if (!d || !out) return BL_EINVAL;
    if (k >= d->nstages) return BL_ERANGE;
    const bli_decim_stage_spec *s = &d->st[k].spec;
    out->up = s->up;
    out->down = s->down;
    out->in_rate_hz = s->in_rate;
    out->out_rate_hz = s->out_rate;
    out->pass_hz = s->pass_hz;
    out->stop_hz = s->stop_hz;
    out->taps = s->taps;
    return BL_OK;
}
