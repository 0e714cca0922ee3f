/* Muscle synergies (gait.h): the factorisation recovers a matrix made
 * from three known modules and primitives (R^2, the modules, the rank the
 * linearity rule picks), is reproducible for a seed, refuses what it
 * cannot factorise; the rank rule on constructed R^2 curves; and the
 * analysis of a constructed walk with two synergies of four muscles finds
 * two, each grouping its own muscles. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"
#include "gaittest.h"

#define M 8
#define R 3
#define N 300

static void made(double *v, double *w_true)
{
    static const double w[M][R] = {{1, 0, 0}, {0.8, 0.1, 0}, {0, 1, 0}, {0.1, 0.7, 0.2},
                                   {0, 0, 1}, {0, 0.2, 0.9}, {0.5, 0.5, 0}, {0, 0.1, 0.4}};
    for (size_t i = 0; i < M; i++)
        for (size_t k = 0; k < R; k++) w_true[i * R + k] = w[i][k];
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double u = (double)(j % 100) / 100.0, x = 0;
            for (size_t k = 0; k < R; k++) x += w[i][k] * test_gait_bump(u, 0.15 + 0.3 * (double)k, 0.06);
            v[i * N + j] = x;
        }
}

static double cosine(const double *a, size_t sa, const double *b, size_t sb, size_t n)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
        ab += a[i * sa] * b[i * sb];
        aa += a[i * sa] * a[i * sa];
        bb += b[i * sb] * b[i * sb];
    }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

static void test_nmf(void)
{
    static double v[M * N], wt[M * R], w[M * M], h[M * N], w2[M * R], h2[R * N];
    made(v, wt);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    double r2[M];
    for (size_t r = 1; r <= M - 2; r++) CHECK_EQ_INT(bl_gait_nmf(v, M, N, r, &cfg.synergy, w, h, &r2[r - 1]), BL_OK);
    fprintf(stderr, "R^2 by rank:");
    for (size_t r = 0; r < M - 2; r++) fprintf(stderr, " %.5f", r2[r]);
    fprintf(stderr, "\n");
    CHECK(r2[R - 2] < 0.99);
    CHECK(r2[R - 1] > 0.999);
    CHECK_EQ_INT(bl_gait_synergy_rank(r2, M - 2, cfg.synergy.mse_threshold), R);
    double q = 0;
    CHECK_EQ_INT(bl_gait_nmf(v, M, N, R, &cfg.synergy, w, h, &q), BL_OK);
    /* Every true module is found (in some order). */
    for (size_t k = 0; k < R; k++) {
        double best = 0;
        for (size_t j = 0; j < R; j++) {
            double c = cosine(wt + k, R, w + j, R, M);
            if (c > best) best = c;
        }
        CHECK_MSG(best > 0.98, "module %zu: best cosine %.3f", k + 1, best);
    }
    /* Reproducible for a seed, different for another. */
    CHECK_EQ_INT(bl_gait_nmf(v, M, N, R, &cfg.synergy, w2, h2, &q), BL_OK);
    CHECK(!memcmp(w, w2, sizeof w2) && !memcmp(h, h2, sizeof h2));
    cfg.synergy.seed = 7;
    CHECK_EQ_INT(bl_gait_nmf(v, M, N, R, &cfg.synergy, w2, h2, &q), BL_OK);
    CHECK(memcmp(w, w2, sizeof w2) != 0);
    /* Contracts. */
    CHECK_EQ_INT(bl_gait_nmf(v, M, N, M + 1, &cfg.synergy, w, h, &q), BL_EINVAL);
    CHECK_EQ_INT(bl_gait_nmf(NULL, M, N, 1, &cfg.synergy, w, h, &q), BL_EINVAL);
    v[5] = -1;
    CHECK_EQ_INT(bl_gait_nmf(v, M, N, 1, &cfg.synergy, w, h, &q), BL_EINVAL);
    cfg.synergy.restarts = 0;
    v[5] = 0;
    CHECK_EQ_INT(bl_gait_nmf(v, M, N, 1, &cfg.synergy, w, h, &q), BL_EINVAL);
}

static void test_rank_rule(void)
{
    const double knee3[7] = {0.5, 0.8, 0.95, 0.96, 0.97, 0.98, 0.99};
    CHECK_EQ_INT(bl_gait_synergy_rank(knee3, 7, 1e-4), 3);
    const double knee5[7] = {0.3, 0.55, 0.75, 0.88, 0.95, 0.96, 0.97};
    CHECK_EQ_INT(bl_gait_synergy_rank(knee5, 7, 1e-4), 5);
    const double line[5] = {0.5, 0.6, 0.7, 0.8, 0.9};
    CHECK_EQ_INT(bl_gait_synergy_rank(line, 5, 1e-4), 1);
    CHECK_EQ_INT(bl_gait_synergy_rank(line, 1, 1e-4), 1);
    CHECK_EQ_INT(bl_gait_synergy_rank(NULL, 5, 1e-4), 0);
}

/* A walk: R.ST and R.BF share a terminal-swing burst, R.VL and R.GMAX a
 * loading-response one. */
static void test_walk(void)
{
    const double rate = 1000;
    double td[13], lo[12];
    for (size_t k = 0; k <= 12; k++) td[k] = 0.5 + 1.02 * (double)k;
    for (size_t k = 0; k < 12; k++) lo[k] = td[k] + 0.62;
    size_t n = (size_t)((td[12] + 0.5) * rate);
    bl_recording *rec = NULL;
    if (bl_recording_create(4, n, rate, &rec) != BL_OK || bl_recording_set_map(rec, "R.ST,R.BF,R.VL,R.GMAX", NULL, 0))
        test_fail("cannot make the recording");
    unsigned s = 5;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate, u = fmod(t - td[0] + 10.2, 1.02) / 1.02;
        double late = test_gait_bump(u, 0.92, 0.04), early = test_gait_bump(u, 0.08, 0.04);
        double a[4] = {0.05 + late, 0.05 + 0.7 * late, 0.05 + early, 0.05 + 0.6 * early};
        for (size_t c = 0; c < 4; c++) {
            s = s * 1103515245u + 12345u;
            bl_recording_data(rec, c)[i] = (float)(0.2 * a[c] * ((double)(s >> 8 & 0xffff) / 65535.0 - 0.5));
        }
    }
    bl_gait_events *ev = test_gait_events(td, lo, 12, BL_SIDE_RIGHT);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    bl_gait *g = test_gait_analyse(rec, ev, &cfg);
    CHECK_EQ_INT(bl_gait_synergy_sets(g), 1);
    bl_gait_synergies sy;
    CHECK_EQ_INT(bl_gait_get_synergies(g, 0, &sy), BL_OK);
    fprintf(stderr, "walk: rank %zu of %zu, R^2", sy.rank, sy.max_rank);
    for (size_t k = 0; k < sy.max_rank; k++) fprintf(stderr, " %.4f", sy.r2[k]);
    fprintf(stderr, "\n");
    CHECK_EQ_INT(sy.max_rank, 3); /* 4 muscles less a quarter */
    CHECK_EQ_INT(sy.rank, 2);
    CHECK_EQ_INT(sy.cycles, 12);
    for (size_t k = 0; k < sy.rank && sy.rank == 2; k++) {
        /* Each module weighs one pair: ST with BF, or VL with GMAX. */
        int hams = sy.modules[0 * sy.rank + k] > 0.5;
        double in = hams ? sy.modules[1 * sy.rank + k] : sy.modules[3 * sy.rank + k];
        double out = hams ? sy.modules[2 * sy.rank + k] : sy.modules[0 * sy.rank + k];
        CHECK_MSG(in > 0.5 && out < 0.2, "module %zu: partner %.2f, other %.2f", k + 1, in, out);
        size_t peak = 0;
        for (size_t p = 0; p < sy.points; p++)
            if (sy.mean_primitives[k * sy.points + p] > sy.mean_primitives[k * sy.points + peak]) peak = p;
        double ph = bl_gait_channel_point_phase(g, sy.channel[0], peak);
        CHECK_MSG(hams ? ph > 85 : ph < 15, "module %zu (%s) peaks at %.1f %%", k + 1, hams ? "hamstrings" : "VL", ph);
    }
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(rec);
}

int main(void)
{
    test_nmf();
    test_rank_rule();
    test_walk();
    return test_finish("test_gait_synergy");
}
