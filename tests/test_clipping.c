/* The streaming clipping counter (clipping.h) on plain arrays: samples at
 * full scale counted only where full scale is a limit; flat tops at the
 * signal's own extremes counted when they recur; a single flat top, a
 * constant and quantisation near zero not counted; the same fraction for
 * any block split and for strided (interleaved) input as for contiguous;
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

int main(void)
{
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
    CHECK(bl_clip_counter_fraction(NULL) == 0.0);
    printf("clipped sine: %.4f of samples; unclipped %.2g\n", whole, free_f);
    free(x);
    free(y);
    free(inter);
    return test_finish("test_clipping");
}
