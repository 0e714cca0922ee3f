/* The streaming clipping counter (clipping.h). Runs are tracked at the
 * running maximum and minimum: when a new extreme appears, what was
 * counted at the old one is dropped, so at the end only runs at the final
 * extremes remain, as a two-pass count would find them. */
#include "backline/clipping.h"
#include "internal.h"

#include <math.h>
#include <string.h>

enum { ALL = 0, BELOW = 1 };

static void rail_reset(bl_clip_rail *r, float value)
{
    memset(r, 0, sizeof *r);
    r->value = value;
}

/* A run of `variant` ends: it counts if long enough. */
static void rail_close(bl_clip_rail *r, int variant)
{
    if (r->run[variant] >= BL_CLIP_PLATEAU_RUN) {
        r->flat[variant] += r->run[variant];
        r->tops[variant]++;
    }
    r->run[variant] = 0;
}

/* Sample x against a rail whose extreme it equals (on = 1) or not. */
static void rail_sample(bl_clip_rail *r, int on, int at_level)
{
    if (!on) {
        rail_close(r, ALL);
        rail_close(r, BELOW);
        return;
    }
    r->run[ALL]++;
    if (at_level) rail_close(r, BELOW); /* a sample at the limit counts as such, and ends a flat top */
    else r->run[BELOW]++;
}

void bl_clip_counter_init(bl_clip_counter *c, double full_scale)
{
    if (!c) return;
    memset(c, 0, sizeof *c);
    c->full_scale = full_scale > 0 ? full_scale : 0;
    c->level = BL_CLIP_LEVEL * c->full_scale;
}

/* One sample, every case: new extremes, runs on the rails, the level. */
static void add_one(bl_clip_counter *c, float v)
{
    int at_level = c->full_scale > 0 && fabs((double)v) >= c->level;
    if (c->n == 0) {
        rail_reset(&c->hi, v);
        rail_reset(&c->lo, v);
    } else {
        float d = fabsf(v - c->prev);
        if (d > 0 && (c->step == 0 || d < c->step)) c->step = d;
        if (v > c->hi.value) rail_reset(&c->hi, v);
        if (v < c->lo.value) rail_reset(&c->lo, v);
    }
    c->at_level += (uint64_t)at_level;
    rail_sample(&c->hi, v == c->hi.value, at_level);
    rail_sample(&c->lo, v == c->lo.value && c->lo.value != c->hi.value, at_level);
    c->prev = v;
    c->n++;
}

/* Blocks of BLOCK samples that stay strictly inside the extremes and
 * under the clip level (nearly all of a signal) only end runs and update
 * the step: they take the fast path, a min/max/step scan eight samples at
 * a time; any other block goes sample by sample. */
#define BLOCK 64

typedef float v8f __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));

/* Minimum, maximum and smallest non-zero neighbour step of x[0, BLOCK),
 * x[-1] being `prev`. */
BL_CLONES static void scan_block(const float *x, float prev, float *lo, float *hi, float *step)
{
    const v8i absmask = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff,
                         0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
    v8f vlo, vhi, vst = {INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY};
    BLI_LD(vlo, x);
    vhi = vlo;
    float first = fabsf(x[0] - prev);
    for (size_t k = 0; k < BLOCK; k += 8) {
        v8f v, p;
        BLI_LD(v, x + k);
        if (k) BLI_LD(p, x + k - 1);
        else {
            p = v;
            for (int j = 1; j < 8; j++) p[j] = x[j - 1];
            p[0] = x[0]; /* its step is `first` */
        }
        v8f d = (v8f)((v8i)(v - p) & absmask);
        v8i keep = (d > 0) & (d < vst);
        vst = (v8f)(((v8i)d & keep) | ((v8i)vst & ~keep));
        v8i l = v < vlo, h = v > vhi;
        vlo = (v8f)(((v8i)v & l) | ((v8i)vlo & ~l));
        vhi = (v8f)(((v8i)v & h) | ((v8i)vhi & ~h));
    }
    float a = vlo[0], b = vhi[0], st = first > 0 && first < *step ? first : *step;
    for (int j = 0; j < 8; j++) {
        a = vlo[j] < a ? vlo[j] : a;
        b = vhi[j] > b ? vhi[j] : b;
        st = vst[j] < st ? vst[j] : st;
    }
    *lo = a;
    *hi = b;
    *step = st;
}

static int block_inside(bl_clip_counter *c, float lo, float hi, float step, float last);

void bl_clip_counter_add(bl_clip_counter *c, const float *x, size_t n, size_t stride)
{
    if (!c || !x || stride == 0) return;
    size_t i = 0;
    if (c->n == 0 && n) add_one(c, x[i++ * stride]);
    while (i < n) {
        if (stride != 1 || n - i < BLOCK) {
            add_one(c, x[i++ * stride]);
            continue;
        }
        float lo, hi, step = c->step > 0 ? c->step : INFINITY;
        scan_block(x + i, c->prev, &lo, &hi, &step);
        if (!block_inside(c, lo, hi, step, x[i + BLOCK - 1]))
            for (size_t k = 0; k < BLOCK; k++) add_one(c, x[i + k]);
        i += BLOCK;
    }
}

/* Eight interleaved channels at once, lane j being channel j: per lane
 * the minimum, maximum and smallest non-zero neighbour step of BLOCK
 * frames, prev[] the frame before, step[] in and out. Arrays, not vectors,
 * cross the call (vector arguments change the ABI between the clones). */
BL_CLONES static void scan_block8(const float *x, size_t stride, const float *prev, float *lo, float *hi,
                                  float *step)
{
    const v8i absmask = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff,
                         0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
    v8f p, vst, vlo, vhi;
    BLI_LD(p, prev);
    BLI_LD(vst, step);
    BLI_LD(vlo, x);
    vhi = vlo;
    for (size_t k = 0; k < BLOCK; k++) {
        v8f v;
        BLI_LD(v, x + k * stride);
        v8f d = (v8f)((v8i)(v - p) & absmask);
        v8i keep = (d > 0) & (d < vst);
        vst = (v8f)(((v8i)d & keep) | ((v8i)vst & ~keep));
        v8i l = v < vlo, h = v > vhi;
        vlo = (v8f)(((v8i)v & l) | ((v8i)vlo & ~l));
        vhi = (v8f)(((v8i)v & h) | ((v8i)vhi & ~h));
        p = v;
    }
    BLI_ST(lo, vlo);
    BLI_ST(hi, vhi);
    BLI_ST(step, vst);
}

/* The fast-path decision of bl_clip_counter_add for one channel of a
 * scanned block; 0 when the block must go sample by sample. */
static int block_inside(bl_clip_counter *c, float lo, float hi, float step, float last)
{
    int inside = hi < c->hi.value && lo > c->lo.value &&
                 (c->full_scale == 0 || fmax(fabs((double)hi), fabs((double)lo)) < c->level);
    if (!inside) return 0;
    rail_sample(&c->hi, 0, 0);
    rail_sample(&c->lo, 0, 0);
    c->step = isinf(step) ? 0 : step;
    c->prev = last;
    c->n += BLOCK;
    return 1;
}

static void add_group8(bl_clip_counter *c, const float *x, size_t n, size_t stride)
{
    size_t i = 0;
    int fresh = 0;
    for (int j = 0; j < 8; j++) fresh |= c[j].n == 0;
    if (fresh && n) { /* first samples: every lane one frame by itself */
        for (int j = 0; j < 8; j++) add_one(&c[j], x[j]);
        i = 1;
    }
    for (; i + BLOCK <= n; i += BLOCK) {
        float prev[8], lo[8], hi[8], step[8];
        for (int j = 0; j < 8; j++) {
            prev[j] = c[j].prev;
            step[j] = c[j].step > 0 ? c[j].step : INFINITY;
        }
        const float *b = x + i * stride;
        scan_block8(b, stride, prev, lo, hi, step);
        for (int j = 0; j < 8; j++)
            if (!block_inside(&c[j], lo[j], hi[j], step[j], b[(BLOCK - 1) * stride + (size_t)j]))
                for (size_t k = 0; k < BLOCK; k++) add_one(&c[j], b[k * stride + (size_t)j]);
    }
    for (; i < n; i++)
        for (int j = 0; j < 8; j++) add_one(&c[j], x[i * stride + (size_t)j]);
}

void bl_clip_counter_add_frames(bl_clip_counter *c, const float *x, size_t n, size_t channels)
{
    if (!c || !x || channels == 0) return;
    size_t g8 = channels & ~(size_t)7;
    for (size_t g = 0; g < g8; g += 8) add_group8(c + g, x + g, n, channels);
    for (size_t k = g8; k < channels; k++) bl_clip_counter_add(&c[k], x + k, n, channels);
}

double bl_clip_counter_fraction(const bl_clip_counter *c)
{
    if (!c || c->n == 0) return 0.0;
    bl_clip_rail hi = c->hi, lo = c->lo;
    for (int v = 0; v < 2; v++) {
        rail_close(&hi, v);
        rail_close(&lo, v);
    }
    double peak = fmax(fabs((double)hi.value), fabs((double)lo.value));
    int limited = c->full_scale > 0 && peak <= c->full_scale * (1 + 1e-6);
    int variant = limited ? BELOW : ALL;
    int hi_rail = c->step > 0 && hi.value >= BL_CLIP_PLATEAU_STEPS * c->step;
    int lo_rail = c->step > 0 && -lo.value >= BL_CLIP_PLATEAU_STEPS * c->step;
    uint64_t flat = (hi_rail ? hi.flat[variant] : 0) + (lo_rail ? lo.flat[variant] : 0);
    uint64_t tops = (hi_rail ? hi.tops[variant] : 0) + (lo_rail ? lo.tops[variant] : 0);
    uint64_t k = limited ? c->at_level : 0;
    return (double)(k + (tops > 1 ? flat : 0)) / (double)c->n;
}
