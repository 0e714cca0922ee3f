/* Second-order-section filtering: a streaming causal filter over interleaved
 * blocks and the offline zero-phase sosfiltfilt.
 *
 * Both run the same kernel: direct form II transposed, section by section,
 * with the operations in the order of SciPy's _sosfilt.pyx
 *     y  = b0*x + z0
 *     z0 = (b1*x - a1*y) + z1
 *     z1 = b2*x - a2*y
 * so that, without FMA contraction (ISO C mode keeps -ffp-contract=off),
 * results are those of scipy.signal.sosfilt in float64.
 *
 * Speed comes from running several channels at once: samples are
 * transposed into a frames x lanes double scratch (4 or 8 lanes), and the
 * kernel keeps the state of every section and lane in registers while it
 * walks the frames. The lane loop is written with GCC vector extensions so
 * it vectorises at any optimisation level; the kernel and the transposes
 * are cloned for AVX2 and AVX-512 and dispatched at load time, with a
 * plain x86-64 default.
 *
 * Streaming output is SciPy's float64 result rounded once to float (the
 * tests check it bit for bit against a scalar transcription of SciPy's
 * loop). sosfiltfilt keeps its forward result in the caller's float arrays
 * instead of a frames-sized double copy, so it differs from SciPy by a
 * few float ulps; long multi-channel inputs are split over threads.
 */
#define _POSIX_C_SOURCE 200809L
#include "backline/filter.h"
#include "channel_threads.h"
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));

#define LANES_MAX 8            /* channels per kernel call: one v8d */
#define STREAM_BLOCK 256       /* frames per transpose block when streaming */
#define SPECIALISED_SECTIONS 8 /* sections per unrolled kernel call */

#define BL_SHUFFLE4(a, b, i0, i1, i2, i3) BLI_SHUFFLE(a, b, v4i, i0, i1, i2, i3)

#define LD(dst, p) BLI_LD(dst, p)
#define ST(p, src) BLI_ST(p, src)

/* Coefficients as used by the kernel: b0 b1 b2 a1 a2 per section. */
typedef struct { double c[5]; } section;

/* Runs `frames` frames of W interleaved lanes (H vectors of type VT)
 * through NS sections, in place. `step` is +1 (forward) or -1 (backward):
 * the kernel walks buf[0], buf[step*W], ... State z: per section, z0
 * lanes then z1 lanes. With NS and H constants the loops unroll and the
 * state stays in registers. */
#define KERNEL_BODY(NAME, VT, H, SYM)                                                              \
    static inline __attribute__((always_inline)) void NAME(const section *restrict sec, size_t ns, \
                                                           double *restrict z,                      \
                                                           double *restrict buf, size_t frames,     \
                                                           ptrdiff_t step)                          \
    {                                                                                              \
        enum { L = sizeof(VT) / sizeof(double), W = L * H };                                       \
        VT zl[2 * SPECIALISED_SECTIONS][H];                                                        \
        for (size_t s = 0; s < 2 * ns; s++)                                                        \
            for (size_t h = 0; h < H; h++) memcpy(&zl[s][h], z + W * s + L * h, sizeof(VT));      \
        double *p = buf;                                                                           \
        const ptrdiff_t adv = step * (ptrdiff_t)W;                                                 \
        for (size_t n = 0; n < frames; n++, p += adv) {                                            \
            VT x[H];                                                                               \
            for (size_t h = 0; h < H; h++) memcpy(&x[h], p + L * h, sizeof(VT));                   \
            for (size_t s = 0; s < ns; s++) {                                                      \
                const double b0 = sec[s].c[0], b1 = sec[s].c[1], b2 = sec[s].c[2];                 \
                const double a1 = sec[s].c[3], a2 = sec[s].c[4];                                   \
                for (size_t h = 0; h < H; h++) {                                                   \
                    VT t = b0 * x[h];                                                              \
                    VT y = t + zl[2 * s][h];                                                       \
                    zl[2 * s][h] = (b1 * x[h] - a1 * y) + zl[2 * s + 1][h];                        \
                    zl[2 * s + 1][h] = (SYM ? t : b2 * x[h]) - a2 * y;                             \
                    x[h] = y;                                                                      \
                }                                                                                  \
            }                                                                                      \
            for (size_t h = 0; h < H; h++) memcpy(p + L * h, &x[h], sizeof(VT));                   \
        }                                                                                          \
        for (size_t s = 0; s < 2 * ns; s++)                                                        \
            for (size_t h = 0; h < H; h++) memcpy(z + W * s + L * h, &zl[s][h], sizeof(VT));      \
    }
/* SYM: every section has b2 == b0 (all of backline's Butterworth and notch
 * sections but odd orders' first-order one), so b2*x is b0*x exactly and
 * one multiplication per section goes. Eight lanes come in two forms: one
 * v8d (a zmm register, for AVX-512) and a pair of v4d, the same operations
 * lane for lane. GCC 12 compiles the v8d form for AVX2 through the stack,
 * 128 bits at a time (measured: twice the time of the pair there), so
 * only AVX-512 machines run it (KERNEL_WIDE). */
KERNEL_BODY(kernel_body4, v4d, 1, 0)
KERNEL_BODY(kernel_body8, v8d, 1, 0)
KERNEL_BODY(kernel_body8p, v4d, 2, 0)
KERNEL_BODY(kernel_body4s, v4d, 1, 1)
KERNEL_BODY(kernel_body8s, v8d, 1, 1)
KERNEL_BODY(kernel_body8ps, v4d, 2, 1)

#define KERNEL_FN(NAME, BODY, NS)                                                                  \
    BL_CLONES static void NAME(const section *restrict sec, double *restrict z, double *restrict buf, \
                               size_t frames, ptrdiff_t step)                                      \
    {                                                                                              \
        BODY(sec, NS, z, buf, frames, step);                                                       \
    }
/* Eight lanes: the v8d form where the CPU has AVX-512, else the pair. */
#define KERNEL_8(NAME, WIDE, PAIR)                                                                 \
    static void NAME(const section *restrict sec, double *restrict z, double *restrict buf,        \
                     size_t frames, ptrdiff_t step)                                                \
    {                                                                                              \
        if (BLI_CPU_AVX512F()) WIDE(sec, z, buf, frames, step);                                    \
        else PAIR(sec, z, buf, frames, step);                                                      \
    }
#define KERNEL(NS)                                                                                 \
    KERNEL_FN(kernel_##NS##_1, kernel_body4, NS)                                                   \
    KERNEL_FN(kernel_##NS##_1s, kernel_body4s, NS)                                                 \
    KERNEL_FN(kernel_##NS##_2w, kernel_body8, NS)                                                  \
    KERNEL_FN(kernel_##NS##_2p, kernel_body8p, NS)                                                 \
    KERNEL_FN(kernel_##NS##_2sw, kernel_body8s, NS)                                                \
    KERNEL_FN(kernel_##NS##_2sp, kernel_body8ps, NS)                                               \
    KERNEL_8(kernel_##NS##_2, kernel_##NS##_2w, kernel_##NS##_2p)                                  \
    KERNEL_8(kernel_##NS##_2s, kernel_##NS##_2sw, kernel_##NS##_2sp)
KERNEL(1) KERNEL(2) KERNEL(3) KERNEL(4) KERNEL(5) KERNEL(6) KERNEL(7) KERNEL(8)

typedef void (*kernel_fn)(const section *restrict, double *restrict, double *restrict, size_t,
                          ptrdiff_t);
#define ROW(NS) {{kernel_##NS##_1, kernel_##NS##_2}, {kernel_##NS##_1s, kernel_##NS##_2s}}
static const kernel_fn kernels[SPECIALISED_SECTIONS][2][2] = {
    ROW(1), ROW(2), ROW(3), ROW(4), ROW(5), ROW(6), ROW(7), ROW(8),
};

/* Longer cascades run in chunks of up to SPECIALISED_SECTIONS sections over
 * the same (cache-resident) block; state is stored per section, so a chunk
 * is just an offset into it. */
static void run(const section *sec, size_t ns, size_t nv, double *z, double *buf, size_t frames,
                ptrdiff_t step)
{
    if (frames == 0) return;
    for (size_t s0 = 0; s0 < ns; s0 += SPECIALISED_SECTIONS) {
        size_t k = ns - s0 < SPECIALISED_SECTIONS ? ns - s0 : SPECIALISED_SECTIONS;
        int sym = 1;
        for (size_t s = s0; s < s0 + k; s++) sym &= sec[s].c[0] == sec[s].c[2];
        kernels[k - 1][sym][nv - 1](sec + s0, z + s0 * 2 * 4 * nv, buf, frames, step);
    }
}

/* Validates a cascade and converts it to kernel form (a0 normalised to 1,
 * which SciPy requires and backline's designs give). */
static bl_status load_sections(const double *sos, size_t ns, section *out)
{
    for (size_t s = 0; s < ns; s++) {
        const double *r = sos + s * BL_SOS_WIDTH;
        for (int k = 0; k < 6; k++)
            if (!isfinite(r[k])) return BL_EINVAL;
        if (r[3] == 0) return BL_EINVAL;
        double a0 = r[3];
        if (a0 == 1.0) {
            section x = {{r[0], r[1], r[2], r[4], r[5]}};
            out[s] = x;
        } else {
            section x = {{r[0] / a0, r[1] / a0, r[2] / a0, r[4] / a0, r[5] / a0}};
            out[s] = x;
        }
    }
    return BL_OK;
}

static void *alloc_aligned(size_t count, size_t elem)
{
    if (count == 0 || count > SIZE_MAX / elem) return NULL;
    size_t bytes = count * elem;
    bytes = (bytes + 63) & ~(size_t)63;
    return aligned_alloc(64, bytes);
}

/* ------------------------------------------------------------ streaming */

struct bl_sosfilt {
    size_t ns, channels, groups;
    section *sec;
    double *sos;   /* caller's cascade, for latency */
    double *state; /* groups x (ns x 2 x LANES_MAX) */
    double *buf;   /* STREAM_BLOCK x LANES_MAX */
};

bl_status bl_sosfilt_create(const double *sos, size_t n_sections, size_t channels, bl_sosfilt **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (!sos || n_sections == 0 || channels == 0) return BL_EINVAL;
    if (n_sections > SIZE_MAX / (2 * LANES_MAX * sizeof(double)) || channels > SIZE_MAX / 2 / LANES_MAX)
        return BL_ENOMEM;
    bl_sosfilt *f = calloc(1, sizeof *f);
    if (!f) return BL_ENOMEM;
    f->ns = n_sections;
    f->channels = channels;
    f->groups = (channels + LANES_MAX - 1) / LANES_MAX;
    f->sec = malloc(n_sections * sizeof *f->sec);
    f->sos = malloc(n_sections * BL_SOS_WIDTH * sizeof *f->sos);
    size_t per_group = n_sections * 2 * LANES_MAX;
    f->state = (f->groups <= SIZE_MAX / per_group) ? alloc_aligned(f->groups * per_group, sizeof(double))
                                                    : NULL;
    f->buf = alloc_aligned(STREAM_BLOCK * LANES_MAX, sizeof(double));
    if (!f->sec || !f->sos || !f->state || !f->buf) {
        bl_sosfilt_destroy(f);
        return BL_ENOMEM;
    }
    bl_status st = load_sections(sos, n_sections, f->sec);
    if (st != BL_OK) {
        bl_sosfilt_destroy(f);
        return st;
    }
    memcpy(f->sos, sos, n_sections * BL_SOS_WIDTH * sizeof *sos);
    bl_sosfilt_reset(f);
    *out = f;
    return BL_OK;
}

bl_status bl_sosfilt_process(bl_sosfilt *f, const float *in, float *out, size_t frames)
{
    if (!f) return BL_EINVAL;
    if (frames == 0) return BL_OK;
    if (!in || !out) return BL_EINVAL;
    const size_t C = f->channels;
    for (size_t f0 = 0; f0 < frames; f0 += STREAM_BLOCK) {
        size_t nf = frames - f0 < STREAM_BLOCK ? frames - f0 : STREAM_BLOCK;
        for (size_t g = 0; g < f->groups; g++) {
            size_t c0 = g * LANES_MAX;
            size_t nc = C - c0 < LANES_MAX ? C - c0 : LANES_MAX;
            size_t nv = nc > 4 ? 2 : 1, w = 4 * nv;
            double *b = f->buf;
            const float *src = in + f0 * C + c0;
            for (size_t n = 0; n < nf; n++, src += C, b += w) {
                size_t c = 0;
                for (; c < nc; c++) b[c] = src[c];
                for (; c < w; c++) b[c] = 0.0;
            }
            double *z = f->state + g * f->ns * 2 * LANES_MAX;
            run(f->sec, f->ns, nv, z, f->buf, nf, 1);
            b = f->buf;
            float *dst = out + f0 * C + c0;
            for (size_t n = 0; n < nf; n++, dst += C, b += w)
                for (size_t c = 0; c < nc; c++) dst[c] = (float)b[c];
        }
    }
    return BL_OK;
}

void bl_sosfilt_reset(bl_sosfilt *f)
{
    if (!f) return;
    memset(f->state, 0, f->groups * f->ns * 2 * LANES_MAX * sizeof *f->state);
}

double bl_sosfilt_latency(const bl_sosfilt *f, double f_hz, double rate_hz)
{
    if (!f) return NAN;
    return bl_sos_group_delay(f->sos, f->ns, f_hz, rate_hz);
}

void bl_sosfilt_destroy(bl_sosfilt *f)
{
    if (!f) return;
    free(f->sec);
    free(f->sos);
    free(f->state);
    free(f->buf);
    free(f);
}

/* ---------------------------------------------------------- filtfilt */

size_t bl_sosfiltfilt_padlen(const double *sos, size_t n_sections)
{
    if (!sos) return 0;
    size_t zb = 0, za = 0;
    for (size_t s = 0; s < n_sections; s++) {
        zb += sos[s * BL_SOS_WIDTH + 2] == 0;
        za += sos[s * BL_SOS_WIDTH + 5] == 0;
    }
    return 3 * (2 * n_sections + 1 - (zb < za ? zb : za));
}

/* scipy.signal.sosfilt_zi: lfilter_zi of each section, scaled by the DC
 * gain of the sections before it. lfilter_zi solves (I - A^T) zi = B for
 * the 2x2 companion system; the closed form is the same solution. */
static void sosfilt_zi(const section *sec, size_t ns, double *zi)
{
    double scale = 1.0;
    for (size_t s = 0; s < ns; s++) {
        double b0 = sec[s].c[0], b1 = sec[s].c[1], b2 = sec[s].c[2];
        double a1 = sec[s].c[3], a2 = sec[s].c[4];
        double B0 = b1 - a1 * b0, B1 = b2 - a2 * b0;
        double z0 = (B0 + B1) / (1.0 + a1 + a2);
        double z1 = B1 - a2 * z0;
        zi[2 * s] = scale * z0;
        zi[2 * s + 1] = scale * z1;
        scale *= ((b0 + b1) + b2) / ((1.0 + a1) + a2);
    }
}

typedef float v4f __attribute__((vector_size(16)));
typedef long long v4i __attribute__((vector_size(32)));

/* 4x4 transpose of doubles: rows r0..r3 become columns. */
#define TRANSPOSE4(r0, r1, r2, r3)                                                                 \
    do {                                                                                           \
        v4d t0_ = BL_SHUFFLE4(r0, r1, 0, 4, 2, 6);                                    \
        v4d t1_ = BL_SHUFFLE4(r0, r1, 1, 5, 3, 7);                                    \
        v4d t2_ = BL_SHUFFLE4(r2, r3, 0, 4, 2, 6);                                    \
        v4d t3_ = BL_SHUFFLE4(r2, r3, 1, 5, 3, 7);                                    \
        r0 = BL_SHUFFLE4(t0_, t2_, 0, 1, 4, 5);                                       \
        r1 = BL_SHUFFLE4(t1_, t3_, 0, 1, 4, 5);                                       \
        r2 = BL_SHUFFLE4(t0_, t2_, 2, 3, 6, 7);                                       \
        r3 = BL_SHUFFLE4(t1_, t3_, 2, 3, 6, 7);                                       \
    } while (0)

/* Four planar float channels (src[0..3], frames [0, nf)) into lanes
 * [lane, lane+4) of a frames x W double block, four frames at a time. */
BL_CLONES static void gather4(const float *const *src, size_t W, size_t lane, size_t nf, double *blk)
{
    const float *p0 = src[0], *p1 = src[1], *p2 = src[2], *p3 = src[3];
    size_t i = 0;
    for (; i + 4 <= nf; i += 4) {
        v4f a, b, c, d;
        memcpy(&a, p0 + i, sizeof a);
        memcpy(&b, p1 + i, sizeof b);
        memcpy(&c, p2 + i, sizeof c);
        memcpy(&d, p3 + i, sizeof d);
        v4d r0 = __builtin_convertvector(a, v4d), r1 = __builtin_convertvector(b, v4d);
        v4d r2 = __builtin_convertvector(c, v4d), r3 = __builtin_convertvector(d, v4d);
        TRANSPOSE4(r0, r1, r2, r3);
        double *o = blk + i * W + lane;
        ST(o, r0);
        ST(o + W, r1);
        ST(o + 2 * W, r2);
        ST(o + 3 * W, r3);
    }
    for (; i < nf; i++) {
        double *o = blk + i * W + lane;
        o[0] = p0[i];
        o[1] = p1[i];
        o[2] = p2[i];
        o[3] = p3[i];
    }
}

BL_CLONES static void scatter4(const double *blk, size_t W, size_t lane, size_t nf, float *const *dst)
{
    float *p0 = dst[0], *p1 = dst[1], *p2 = dst[2], *p3 = dst[3];
    size_t i = 0;
    for (; i + 4 <= nf; i += 4) {
        const double *o = blk + i * W + lane;
        v4d r0, r1, r2, r3;
        LD(r0, o);
        LD(r1, o + W);
        LD(r2, o + 2 * W);
        LD(r3, o + 3 * W);
        TRANSPOSE4(r0, r1, r2, r3);
        v4f a = __builtin_convertvector(r0, v4f), b = __builtin_convertvector(r1, v4f);
        v4f c = __builtin_convertvector(r2, v4f), d = __builtin_convertvector(r3, v4f);
        memcpy(p0 + i, &a, sizeof a);
        memcpy(p1 + i, &b, sizeof b);
        memcpy(p2 + i, &c, sizeof c);
        memcpy(p3 + i, &d, sizeof d);
    }
    for (; i < nf; i++) {
        const double *o = blk + i * W + lane;
        p0[i] = (float)o[0];
        p1[i] = (float)o[1];
        p2[i] = (float)o[2];
        p3[i] = (float)o[3];
    }
}

/* Planar channels [0, nc) at frames [f0, f0+nf) into a frames x W double
 * block; lanes past nc read zeros (and their outputs go to a junk row). */
static void gather(float *const *ch, size_t nc, size_t W, size_t f0, size_t nf, const float *zeros,
                   double *blk)
{
    for (size_t g = 0; g < W; g += 4) {
        const float *src[4];
        for (size_t k = 0; k < 4; k++) src[k] = (g + k < nc) ? ch[g + k] + f0 : zeros;
        gather4(src, W, g, nf, blk);
    }
}

static void scatter(const double *blk, size_t nc, size_t W, size_t f0, size_t nf, float *junk,
                    float *const *ch)
{
    for (size_t g = 0; g < W; g += 4) {
        float *dst[4];
        for (size_t k = 0; k < 4; k++) dst[k] = (g + k < nc) ? ch[g + k] + f0 : junk;
        scatter4(blk, W, g, nf, dst);
    }
}

/* The lines of frames [f0, f0+nf) of each channel into the cache while
 * the kernel works on the block before: a block's filtering is long enough
 * for them to arrive, and the transposes then find them there. */
static void prefetch_block(float *const *ch, size_t nc, size_t f0, size_t nf)
{
    for (size_t c = 0; c < nc; c++)
        for (size_t i = 0; i < nf; i += 64 / sizeof(float)) __builtin_prefetch(ch[c] + f0 + i, 1, 3);
}

static void set_state(const double *zi, size_t ns, size_t W, const double *x0, double *z)
{
    for (size_t s = 0; s < ns; s++)
        for (size_t c = 0; c < W; c++) {
            z[2 * s * W + c] = zi[2 * s] * x0[c];
            z[(2 * s + 1) * W + c] = zi[2 * s + 1] * x0[c];
        }
}

/* SciPy pads with odd extensions, runs sosfilt forward from zi*ext[0] and
 * backward from zi*y[-1], and slices the pads off. Here the same happens
 * without a padded copy: the pads live in small double blocks, the body is
 * filtered in cache-sized blocks, and the forward result is kept in the
 * caller's arrays between the passes. That last step rounds the
 * intermediate to float, so results differ from SciPy's float64 run by a
 * few float ulps of the signal (~1e-7 relative), in exchange for no
 * frames-sized scratch (whose page faults alone cost more than filtering). */
/* One caller-visible job: a contiguous range of channels filtered by one
 * thread with its own scratch. */
/* The edges: odd extensions as SciPy pads (shift 0), or the signal itself
 * shifted by `shift` samples (left pad x[shift-pad .. shift), right pad
 * x[N-shift .. N-shift+pad)), which continues a periodic hum in phase. */
typedef struct {
    size_t pad, shift;
} edge_spec;

static float left_pad(const float *x, const edge_spec *e, size_t i) /* i-th of the pad, in time order */
{
    return e->shift ? x[e->shift - e->pad + i] : (float)(2.0f * x[0] - x[e->pad - i]);
}

static float right_pad(const float *x, size_t frames, const edge_spec *e, size_t j)
{
    return e->shift ? x[frames - e->shift + j] : (float)(2.0f * x[frames - 1] - x[frames - 2 - j]);
}

typedef struct {
    const section *sec;
    const double *zi;
    size_t ns, frames, n_channels;
    edge_spec edge;
    float *const *channels;
} filtfilt_job;

static bl_status filtfilt_range(const section *sec, const double *zi, size_t n_sections, const edge_spec *edge,
                                float *const *channels, size_t n_channels, size_t frames)
{
    const size_t pad = edge->pad;
    const size_t B = STREAM_BLOCK;
    double *z = alloc_aligned(2 * n_sections * LANES_MAX, sizeof(double));
    double *blk = alloc_aligned(B * LANES_MAX, sizeof(double));
    double *rpad = alloc_aligned(pad * LANES_MAX, sizeof(double));
    float *zeros = calloc(B, sizeof *zeros), *junk = malloc(B * sizeof *junk);
    bl_status st = (z && blk && rpad && zeros && junk) ? BL_OK : BL_ENOMEM;
    if (st != BL_OK) goto done;

    for (size_t c0 = 0; c0 < n_channels; c0 += LANES_MAX) {
        const size_t nc = n_channels - c0 < LANES_MAX ? n_channels - c0 : LANES_MAX;
        const size_t nv = nc > 4 ? 2 : 1, W = 4 * nv;
        float *const *ch = channels + c0;

        /* Odd extensions, rounded to float as NumPy computes them for
         * float32 data: left 2*x[0] - x[pad..1], right 2*x[N-1] -
         * x[N-2..N-1-pad]. The right one is built now, before the forward
         * pass overwrites x. (pad >= 6 for any cascade; pad < frames, checked above.) */
        for (size_t j = 0; j < pad; j++) {
            double *d = rpad + j * W;
            for (size_t c = 0; c < nc; c++)
                d[c] = right_pad(ch[c], frames, edge, j);
            for (size_t c = nc; c < W; c++) d[c] = 0.0;
        }
        /* Forward over the left pad; only the state it leaves matters. */
        for (size_t p0 = 0; p0 < pad; p0 += B) {
            size_t nf = pad - p0 < B ? pad - p0 : B;
            for (size_t i = 0; i < nf; i++) {
                double *d = blk + i * W;
                for (size_t c = 0; c < nc; c++) d[c] = left_pad(ch[c], edge, p0 + i);
                for (size_t c = nc; c < W; c++) d[c] = 0.0;
            }
            if (p0 == 0) set_state(zi, n_sections, W, blk, z);
            run(sec, n_sections, nv, z, blk, nf, 1);
        }
        /* Forward over the body, result back into the channels. */
        for (size_t f0 = 0; f0 < frames; f0 += B) {
            size_t nf = frames - f0 < B ? frames - f0 : B;
            gather(ch, nc, W, f0, nf, zeros, blk);
            if (f0 + nf < frames) prefetch_block(ch, nc, f0 + nf, frames - f0 - nf < B ? frames - f0 - nf : B);
            run(sec, n_sections, nv, z, blk, nf, 1);
            scatter(blk, nc, W, f0, nf, junk, ch);
        }
        /* Forward over the right pad (kept in double), then backward over
         * it from zi * y[-1]; its backward output is sliced off. */
        run(sec, n_sections, nv, z, rpad, pad, 1);
        set_state(zi, n_sections, W, rpad + (pad - 1) * W, z);
        run(sec, n_sections, nv, z, rpad + (pad - 1) * W, pad, -1);
        /* Backward over the body, last block first. */
        for (size_t end = frames; end > 0;) {
            size_t nf = end < B ? end : B;
            size_t f0 = end - nf;
            gather(ch, nc, W, f0, nf, zeros, blk);
            if (f0) prefetch_block(ch, nc, f0 > B ? f0 - B : 0, f0 > B ? B : f0);
            run(sec, n_sections, nv, z, blk + (nf - 1) * W, nf, -1);
            scatter(blk, nc, W, f0, nf, junk, ch);
            end = f0;
        }
    }
done:
    free(z);
    free(blk);
    free(rpad);
    free(zeros);
    free(junk);
    return st;
}

static bl_status filtfilt_job_run(void *ctx, size_t c0, size_t c1)
{
    const filtfilt_job *j = ctx;
    return filtfilt_range(j->sec, j->zi, j->ns, &j->edge, j->channels + c0, c1 - c0, j->frames);
}

static bl_status filtfilt(const double *sos, size_t n_sections, float *const *channels, size_t n_channels,
                          size_t frames, size_t threads, edge_spec edge);

bl_status bl_sosfiltfilt(const double *sos, size_t n_sections, float *const *channels, size_t n_channels,
                         size_t frames, size_t threads)
{
    if (!sos || n_sections == 0) return BL_EINVAL;
    edge_spec edge = {bl_sosfiltfilt_padlen(sos, n_sections), 0};
    if (frames <= edge.pad) return BL_EINVAL;
    return filtfilt(sos, n_sections, channels, n_channels, frames, threads, edge);
}

bl_status bl_sosfiltfilt_shifted(const double *sos, size_t n_sections, float *const *channels, size_t n_channels,
                                 size_t frames, size_t threads, size_t pad, size_t shift)
{
    if (!sos || n_sections == 0 || pad == 0 || shift < pad || shift > frames) return BL_EINVAL;
    edge_spec edge = {pad, shift};
    return filtfilt(sos, n_sections, channels, n_channels, frames, threads, edge);
}

static bl_status filtfilt(const double *sos, size_t n_sections, float *const *channels, size_t n_channels,
                          size_t frames, size_t threads, edge_spec edge)
{
    if (!channels || n_channels == 0) return BL_EINVAL;
    for (size_t c = 0; c < n_channels; c++)
        if (!channels[c]) return BL_EINVAL;
    if (n_sections > SIZE_MAX / 64 / LANES_MAX) return BL_ENOMEM;

    section *sec = malloc(n_sections * sizeof *sec);
    double *zi = malloc(2 * n_sections * sizeof *zi);
    bl_status st = (sec && zi) ? load_sections(sos, n_sections, sec) : BL_ENOMEM;
    if (st == BL_OK) {
        sosfilt_zi(sec, n_sections, zi);
        /* Channel ranges are independent: threads where they pay. */
        filtfilt_job job = {sec, zi, n_sections, frames, n_channels, edge, channels};
        st = bli_run_channel_jobs(n_channels, frames, threads, filtfilt_job_run, &job);
    }
    free(sec);
    free(zi);
    return st;
}
