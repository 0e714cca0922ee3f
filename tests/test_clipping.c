/* The streaming clipping counter (clipping.h) on plain arrays: samples at
 * full scale counted only where full scale is a limit; flat tops at the
 * signal's own extremes counted when they recur; a single flat top, a
 * constant and quantisation near zero not counted; the same fraction for
 * any block split and for strided (interleaved) input as for contiguous;
 * bl_clip_counter_add_frames (eight channels per vector) the same counters,
 * field for field, as one strided add per channel, for 5, 8, 11 and 16
 * channels of clipped, clean and full-scale signals in uneven blocks;
 * NULL and empty input harmless. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/clipping.h"
#include "check.h"

static double fraction(const float *x, size_t n, double fs, size_t block, size_t stride)
{
    bl_clip_counter c;
    bl_clip_counter_init(&c, fs);
    for (size_t i = 0; i < n;) {
        size_t m = block && n - i > block ? block : n - i;
        bl_clip_counter_add(&c, x + i * stride, m, stride);
        i += m;
    }
    return bl_clip_counter_fraction(&c);
}

/* A noisy sine clipped at `rail` (flat tops on every peak), quantised to
 * 16 bits. */
static float *clipped_sine(size_t n, float rail)
{
    float *x = malloc(n * sizeof *x);
    unsigned s = 7;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        double v = 0.8 * sin(2 * M_PI * (double)i / 400.0) + 0.05 * ((double)((s >> 8) & 0xffff) / 65536.0 - 0.5);
        v = fmax(-rail, fmin(rail, v));
        x[i] = (float)(round(v * 32768) / 32768);
    }
    return x;
}

/* Channels of different kinds interleaved: clipped sines at different
 * rails, a full-scale square, a clean sine, a constant. */
static float *mixed_frames(size_t n, size_t channels)
{
    float *x = malloc(n * channels * sizeof *x);
    for (size_t c = 0; c < channels; c++) {
        float *one = clipped_sine(n, 0.3f + 0.07f * (float)c);
        for (size_t i = 0; i < n; i++) {
            float v = one[(i + 37 * c) % n];
            if (c % 4 == 1) v = (i / 50) % 2 ? 1.0f : -1.0f;
            if (c % 4 == 2) v = (float)(0.5 * sin((double)i / 31.0 + (double)c));
            if (c == 3) v = 0.25f;
            x[i * channels + c] = v;
        }
        free(one);
    }
    return x;
}

static int same_counter(const bl_clip_counter *a, const bl_clip_counter *b)
{
    return a->n == b->n && a->at_level == b->at_level && a->prev == b->prev && a->step == b->step &&
           !memcmp(&a->hi, &b->hi, sizeof a->hi) && !memcmp(&a->lo, &b->lo, sizeof a->lo);
}

static void check_frames(size_t channels)
{
    size_t n = 20011;
    float *x = mixed_frames(n, channels);
    bl_clip_counter one[16], many[16];
    for (size_t c = 0; c < channels; c++) {
        bl_clip_counter_init(&one[c], 1.0);
        bl_clip_counter_init(&many[c], 1.0);
    }
    for (size_t c = 0; c < channels; c++) bl_clip_counter_add(&one[c], x + c, n, channels);
    const size_t blocks[] = {1, 63, 64, 65, 1000, 4096};
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t m = n - i < blocks[k % 6] ? n - i : blocks[k % 6];
        bl_clip_counter_add_frames(many, x + i * channels, m, channels);
        i += m;
    }
    size_t bad = 0;
    for (size_t c = 0; c < channels; c++) bad += !same_counter(&one[c], &many[c]);
    CHECK_MSG(bad == 0, "add_frames, %zu channels: %zu counters differ from per-channel adds", channels, bad);
    free(x);
}

int main(void)
{
    const size_t widths[] = {5, 8, 11, 16};
    for (size_t k = 0; k < 4; k++) check_frames(widths[k]);
    size_t n = 100000;
    float *x = clipped_sine(n, 0.6f);
    double whole = fraction(x, n, 1.0, 0, 1);
    /* Peaks at 0.8 cut at 0.6: about 40 % of each period is on a rail. */
    CHECK_MSG(whole > 0.3 && whole < 0.5, "clipped sine: fraction %g", whole);
    static const size_t blocks[] = {1, 7, 63, 64, 65, 1000};
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++)
        CHECK_MSG(fraction(x, n, 1.0, blocks[k], 1) == whole, "blocks of %zu: %g, whole %g", blocks[k],
                  fraction(x, n, 1.0, blocks[k], 1), whole);
    float *inter = calloc(n * 3, sizeof *inter);
    for (size_t i = 0; i < n; i++) inter[i * 3 + 1] = x[i];
    CHECK_MSG(fraction(inter + 1, n, 1.0, 4096, 3) == whole, "stride 3 differs from contiguous");

    /* Not clipped: the same sine under its rails. */
    float *y = clipped_sine(n, 2.0f);
    double free_f = fraction(y, n, 1.0, 4096, 1);
    CHECK_MSG(free_f < 1e-4, "unclipped sine: %g", free_f);

    /* A full-scale square wave: every sample at full scale (a limit). */
    for (size_t i = 0; i < n; i++) y[i] = (i / 50) % 2 ? 1.0f : -1.0f;
    CHECK_MSG(fraction(y, n, 1.0, 4096, 1) == 1.0, "square wave at full scale: %g", fraction(y, n, 1.0, 4096, 1));
    /* Beyond full scale (a float file in other units): not a limit, but
     * the flat tops still count, as many as under it. */
    for (size_t i = 0; i < n; i++) y[i] = x[i] * 5;
    CHECK_MSG(fabs(fraction(y, n, 1.0, 4096, 1) - whole) < 1e-12, "clipped sine beyond full scale: %g, want %g",
              fraction(y, n, 1.0, 4096, 1), whole);
    /* Two levels only (a square wave beyond full scale): its extremes are
     * one quantisation step from each other, which is no saturation. */
    for (size_t i = 0; i < n; i++) y[i] = (i / 50) % 2 ? 3.0f : -3.0f;
    CHECK(fraction(y, n, 1.0, 4096, 1) == 0.0);
    /* A constant and a single flat top do not count. */
    for (size_t i = 0; i < n; i++) y[i] = 0.25f;
    CHECK(fraction(y, n, 1.0, 4096, 1) == 0.0);
    float *z = clipped_sine(n, 2.0f);
    for (size_t i = 0; i < n; i++) y[i] = z[i];
    free(z);
    for (size_t i = 5000; i < 5010; i++) y[i] = 0.9f;
    CHECK_MSG(fraction(y, n, 1.0, 4096, 1) < 1e-3, "one flat top counted: %g", fraction(y, n, 1.0, 4096, 1));

    bl_clip_counter c;
    bl_clip_counter_init(&c, 1.0);
    CHECK(bl_clip_counter_fraction(&c) == 0.0);
    bl_clip_counter_add(&c, NULL, 10, 1);
    bl_clip_counter_add(NULL, x, 10, 1);
    bl_clip_counter_add_frames(NULL, x, 10, 8);
    bl_clip_counter_add_frames(&c, NULL, 10, 1);
    CHECK(bl_clip_counter_fraction(NULL) == 0.0);
    printf("clipped sine: %.4f of samples; unclipped %.2g\n", whole, free_f);
    free(x);
    free(y);
    free(inter);
    return test_finish("test_clipping");
}
