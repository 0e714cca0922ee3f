/* Non-negative matrix factorisation for muscle synergies (gait.h): Lee &
 * Seung's multiplicative updates for the Frobenius norm, several seeded
 * restarts, and the rank where the R^2-versus-rank curve becomes linear
 * (Santuz et al. 2017, Int J Neural Syst). Arrays in, arrays out. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"

/* The R^2 is checked this often; a run ends when it gained less than
 * tol x R^2 since the last check. */
#define CHECK_EVERY 20

/* xorshift64* on the caller's state, uniform in (0, 1): reproducible, and
 * no global state. */
static double uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return ((double)((*s * 2685821657736338717ULL) >> 11) + 0.5) / 9007199254740992.0;
}

/* c[a x b] = x[a x k] y[k x b], optionally with x transposed (x is k x a)
 * or y transposed (y is b x k). */
static void matmul(const double *x, const double *y, double *c, size_t a, size_t k, size_t b, int tx, int ty)
{
    for (size_t i = 0; i < a; i++)
        for (size_t j = 0; j < b; j++) {
            double s = 0;
            for (size_t l = 0; l < k; l++) s += (tx ? x[l * a + i] : x[i * k + l]) * (ty ? y[j * k + l] : y[l * b + j]);
            c[i * b + j] = s;
        }
}

static double r_squared(const double *v, const double *w, const double *h, size_t m, size_t n, size_t r, double sst)
{
    double sse = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double x = 0;
            for (size_t l = 0; l < r; l++) x += w[i * r + l] * h[l * n + j];
            sse += (v[i * n + j] - x) * (v[i * n + j] - x);
        }
    return sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
}

/* Workspace of one factorisation. */
typedef struct nmf_work {
    double *num_h, *wtw, *den_h, *num_w, *hht, *den_w;
} nmf_work;

/* One run from the start in w, h; returns its R^2. */
static double run(const double *v, size_t m, size_t n, size_t r, const bl_gait_synergy_config *cfg, double *w,
                  double *h, const nmf_work *k, double sst, double eps)
{
    double last = -INFINITY, r2 = -INFINITY;
    for (size_t it = 1; it <= cfg->max_iter; it++) {
        matmul(w, v, k->num_h, r, m, n, 1, 0);       /* W'V */
        matmul(w, w, k->wtw, r, m, r, 1, 0);         /* W'W */
        matmul(k->wtw, h, k->den_h, r, r, n, 0, 0);  /* W'W H */
        for (size_t i = 0; i < r * n; i++) h[i] *= k->num_h[i] / (k->den_h[i] + eps);
        matmul(v, h, k->num_w, m, n, r, 0, 1);       /* V H' */
        matmul(h, h, k->hht, r, n, r, 0, 1);         /* H H' */
        matmul(w, k->hht, k->den_w, m, r, r, 0, 0);  /* W H H' */
        for (size_t i = 0; i < m * r; i++) w[i] *= k->num_w[i] / (k->den_w[i] + eps);
        if (it % CHECK_EVERY && it != cfg->max_iter) continue;
        r2 = r_squared(v, w, h, m, n, r, sst);
        if (r2 - last < cfg->tol * r2) break;
        last = r2;
    }
    return r2;
}

static int config_ok(const bl_gait_synergy_config *c)
{
    return c->restarts >= 1 && c->max_iter >= 1 && c->tol >= 0 && isfinite(c->tol) && c->mse_threshold >= 0 &&
           isfinite(c->mse_threshold);
}

bl_status bl_gait_nmf(const double *v, size_t m, size_t n, size_t rank, const bl_gait_synergy_config *cfg,
                      double *w, double *h, double *r2)
{
    if (!v || !m || !n || !rank || rank > m || rank > n || !cfg || !w || !h || !r2 || !config_ok(cfg))
        return BL_EINVAL;
    double mean = 0, vmax = 0;
    for (size_t i = 0; i < m * n; i++) {
        if (!(v[i] >= 0) || !isfinite(v[i])) return BL_EINVAL;
        mean += v[i];
        if (v[i] > vmax) vmax = v[i];
    }
    mean /= (double)(m * n);
    double sst = 0;
    for (size_t i = 0; i < m * n; i++) sst += (v[i] - mean) * (v[i] - mean);
    size_t big = (m > n ? m : n) * rank;
    double *buf = malloc((6 * big + m * rank + rank * n) * sizeof *buf);
    if (!buf) return BL_ENOMEM;
    nmf_work k = {buf, buf + big, buf + 2 * big, buf + 3 * big, buf + 4 * big, buf + 5 * big};
    double *tw = buf + 6 * big, *th = tw + m * rank;
    /* Starts scaled so that W H has the mean of V. */
    double scale = sqrt((mean > 0 ? mean : 1.0) / (0.25 * (double)rank)), eps = 1e-12 * vmax + DBL_MIN, best = -INFINITY;
    for (size_t s = 0; s < cfg->restarts; s++) {
        uint64_t state = ((uint64_t)cfg->seed + 1) * 0x9E3779B97F4A7C15ULL + s * 0xBF58476D1CE4E5B9ULL;
        for (size_t i = 0; i < m * rank; i++) tw[i] = scale * uniform(&state);
        for (size_t i = 0; i < rank * n; i++) th[i] = scale * uniform(&state);
        double q = run(v, m, n, rank, cfg, tw, th, &k, sst, eps);
        if (q > best) {
            best = q;
            memcpy(w, tw, m * rank * sizeof *w);
            memcpy(h, th, rank * n * sizeof *h);
        }
    }
    free(buf);
    *r2 = best;
    return BL_OK;
}

size_t bl_gait_synergy_rank(const double *r2, size_t n_ranks, double mse_threshold)
{
    if (!r2 || !n_ranks) return 0;
    for (size_t r = 1; r < n_ranks; r++) {
        /* Least-squares line through (k, r2[k - 1]) for k = r..n_ranks. */
        double np = (double)(n_ranks - r + 1), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (size_t k = r; k <= n_ranks; k++) {
            sx += (double)k;
            sy += r2[k - 1];
            sxx += (double)k * (double)k;
            sxy += (double)k * r2[k - 1];
        }
        double b = (np * sxy - sx * sy) / (np * sxx - sx * sx), a = (sy - b * sx) / np, mse = 0;
        for (size_t k = r; k <= n_ranks; k++) {
            double e = r2[k - 1] - (a + b * (double)k);
            mse += e * e;
        }
        if (mse / np < mse_threshold) return r;
    }
    return n_ranks;
}
