/* Synth: the PRNG, the per-muscle table and the spectral model.
 *
 * The sEMG spectrum follows Shwedyk et al. (1977):
 *     P(f) = fh⁴ f² / ((f² + fl²)(f² + fh²)²)
 * which rises as f² from DC, peaks near fl and falls as f⁻⁴ above fh; with
 * fl ≈ fh/2 its median frequency is ≈ 0.8·fh, so fh 100–135 Hz puts the
 * median in 80–110 Hz. Fatigue compresses the spectrum: corners × scale.
 *
 * Noise is shaped in the frequency domain: complex Gaussian bins weighted by
 * √P, one inverse FFT per block, blocks windowed by a sine window at 50 %
 * overlap (w² of neighbours sums to 1, so the variance is constant) — exact
 * at any output rate, and the scale can change from block to block.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---------------------------------------------------------------- PRNG */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void bli_synth_rng_seed(synth_rng *r, uint64_t seed, uint64_t scenario, uint64_t sub)
{
    /* Mix the three identifiers through splitmix so nearby seeds and streams
     * give unrelated generators. */
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ (scenario * 0xD1B54A32D192ED03ULL);
    uint64_t b = splitmix64(&x);
    x = b ^ (sub * 0x8CB92BA72F3D8DD7ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t bli_synth_rng_next(synth_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double bli_synth_rng_uniform(synth_rng *r)
{
    return (double)(bli_synth_rng_next(r) >> 11) * 0x1.0p-53;
}

double bli_synth_rng_range(synth_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * bli_synth_rng_uniform(r);
}

void bli_synth_rng_normal2(synth_rng *r, double *a, double *b)
{
    /* Box–Muller; 1 - u keeps the log argument in (0, 1]. */
    double u1 = 1.0 - bli_synth_rng_uniform(r);
    double u2 = bli_synth_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    *a = rad * cos(2.0 * M_PI * u2);
    *b = rad * sin(2.0 * M_PI * u2);
}

double bli_synth_rng_normal(synth_rng *r)
{
    double a, b;
    bli_synth_rng_normal2(r, &a, &b);
    return a;
}

/* --------------------------------------------------------- muscle table */

/* Typical values: RMS at MVC of 150–450 µV depending on the site and
 * subcutaneous fat; levels in a hinge after the torque-chain model of
 * DESIGN.md (internal: medial hamstrings, external obliques and glute max;
 * external: biceps femoris and lumbar erectors). */
static const synth_muscle_params muscle_table[BL_MUSCLE_COUNT] = {
    [BL_MUSCLE_ST] = {180, 125, 0.65, 55, 30},
    [BL_MUSCLE_SM] = {200, 120, 0.65, 50, 28},
    [BL_MUSCLE_BF] = {420, 115, 0.65, 30, 55},
    [BL_MUSCLE_GMAX] = {300, 108, 0.50, 60, 35},
    [BL_MUSCLE_GMED] = {250, 115, 0.60, 20, 30},
    [BL_MUSCLE_VM] = {350, 118, 0.70, 14, 10},
    [BL_MUSCLE_VL] = {380, 120, 0.70, 10, 16},
    [BL_MUSCLE_RF] = {250, 125, 0.70, 8, 8},
    [BL_MUSCLE_ES] = {250, 105, 0.85, 25, 45},
    [BL_MUSCLE_EO] = {150, 110, 0.85, 40, 20},
    [BL_MUSCLE_IO] = {140, 110, 0.85, 20, 30},
    [BL_MUSCLE_MG] = {400, 125, 0.70, 10, 8},
    [BL_MUSCLE_LG] = {350, 125, 0.70, 8, 12},
    [BL_MUSCLE_TFL] = {200, 115, 0.70, 10, 20},
    [BL_MUSCLE_TA] = {450, 130, 0.70, 5, 5},
    [BL_MUSCLE_PL] = {300, 125, 0.70, 5, 5},
    [BL_MUSCLE_SOL] = {300, 108, 0.70, 8, 8},
    [BL_MUSCLE_EMG] = {200, 115, 0.70, 20, 20},
    [BL_MUSCLE_AUX] = {0, 0, 0, 0, 0},
};

const synth_muscle_params *bli_synth_muscle_table(bl_muscle m)
{
    if ((int)m < 0 || m >= BL_MUSCLE_COUNT)
        return NULL;
    return &muscle_table[m];
}

static int pair_is(bl_muscle a, bl_muscle b, bl_muscle x, bl_muscle y)
{
    return (a == x && b == y) || (a == y && b == x);
}

double bli_synth_crosstalk_weight(bl_muscle a, bl_muscle b)
{
    if (a == b)
        return 0.0;
    /* Sites that sit next to each other; adjacent bellies of the same group
     * (ST/SM, EO/IO) see more of each other. */
    if (pair_is(a, b, BL_MUSCLE_ST, BL_MUSCLE_SM) || pair_is(a, b, BL_MUSCLE_EO, BL_MUSCLE_IO) ||
        pair_is(a, b, BL_MUSCLE_MG, BL_MUSCLE_SOL) || pair_is(a, b, BL_MUSCLE_LG, BL_MUSCLE_SOL))
        return 1.5;
    if (pair_is(a, b, BL_MUSCLE_ST, BL_MUSCLE_BF) || pair_is(a, b, BL_MUSCLE_SM, BL_MUSCLE_BF) ||
        pair_is(a, b, BL_MUSCLE_GMAX, BL_MUSCLE_GMED) || pair_is(a, b, BL_MUSCLE_VL, BL_MUSCLE_RF) ||
        pair_is(a, b, BL_MUSCLE_VM, BL_MUSCLE_RF) || pair_is(a, b, BL_MUSCLE_VL, BL_MUSCLE_VM) ||
        pair_is(a, b, BL_MUSCLE_MG, BL_MUSCLE_LG) || pair_is(a, b, BL_MUSCLE_TA, BL_MUSCLE_PL) ||
        pair_is(a, b, BL_MUSCLE_GMED, BL_MUSCLE_TFL) || pair_is(a, b, BL_MUSCLE_GMAX, BL_MUSCLE_BF))
        return 1.0;
    return 0.0;
}

double bli_synth_ecg_weight(bl_muscle m, bl_side side)
{
    /* The heart sits left of the midline: left trunk sites see more of it. */
    double base;
    switch (m) {
    case BL_MUSCLE_EO: base = 1.0; break;
    case BL_MUSCLE_IO: base = 0.8; break;
    case BL_MUSCLE_ES: base = 0.7; break;
    default: return 0.0;
    }
    if (side == BL_SIDE_RIGHT)
        base *= 0.6;
    else if (side == BL_SIDE_NONE)
        base *= 0.8;
    return base;
}

/* ------------------------------------------------------ spectral model */

double bli_synth_shwedyk(double f, double fl, double fh)
{
    double f2 = f * f, l2 = fl * fl, h2 = fh * fh;
    double d = f2 + h2;
    return h2 * h2 * f2 / ((f2 + l2) * d * d);
}

/* Integral over [0, F] by Simpson on a 0.25 Hz grid, plus the f⁻⁴ tail
 * above F = 40·fh in closed form (fh⁴/(3F³)). */
static double shwedyk_integral(double fl, double fh, double upto, size_t *steps_out)
{
    double step = fh / 400.0;
    size_t n = (size_t)ceil(upto / step);
    if (n % 2)
        n++;
    double h = upto / (double)n, sum = bli_synth_shwedyk(0, fl, fh) + bli_synth_shwedyk(upto, fl, fh);
    for (size_t i = 1; i < n; i++)
        sum += (i % 2 ? 4.0 : 2.0) * bli_synth_shwedyk(h * (double)i, fl, fh);
    if (steps_out)
        *steps_out = n;
    return sum * h / 3.0;
}

double bli_synth_shwedyk_power(double fl, double fh)
{
    double F = 40.0 * fh;
    return shwedyk_integral(fl, fh, F, NULL) + pow(fh, 4) / (3.0 * F * F * F);
}

double bli_synth_shwedyk_median(double fl, double fh)
{
    double total = bli_synth_shwedyk_power(fl, fh);
    double lo = 0.0, hi = 40.0 * fh;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (shwedyk_integral(fl, fh, mid, NULL) < 0.5 * total)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ------------------------------------------------------------- shaper */

struct synth_shaper {
    double rate;
    size_t len;        /* block length, power of two */
    double *re, *im;   /* len */
    double *cosw, *sinw; /* len/2 twiddles */
    double *win;       /* len: sine window */
    size_t *rev;       /* bit reversal */
};

bl_status bli_synth_shaper_create(double rate_hz, synth_shaper **out)
{
    *out = NULL;
    /* ~0.5 s blocks: 2 Hz bins resolve the spectrum's low side; the shaping
     * scale can follow fatigue every quarter second. */
    size_t len = 256;
    while ((double)len < 0.5 * rate_hz)
        len *= 2;
    synth_shaper *sh = calloc(1, sizeof *sh);
    if (!sh)
        return BL_ENOMEM;
    sh->rate = rate_hz;
    sh->len = len;
    sh->re = malloc(len * sizeof *sh->re);
    sh->im = malloc(len * sizeof *sh->im);
    sh->cosw = malloc(len / 2 * sizeof *sh->cosw);
    sh->sinw = malloc(len / 2 * sizeof *sh->sinw);
    sh->win = malloc(len * sizeof *sh->win);
    sh->rev = malloc(len * sizeof *sh->rev);
    if (!sh->re || !sh->im || !sh->cosw || !sh->sinw || !sh->win || !sh->rev) {
        bli_synth_shaper_destroy(sh);
        return BL_ENOMEM;
    }
    for (size_t k = 0; k < len / 2; k++) {
        sh->cosw[k] = cos(2.0 * M_PI * (double)k / (double)len);
        sh->sinw[k] = sin(2.0 * M_PI * (double)k / (double)len);
    }
    for (size_t i = 0; i < len; i++)
        sh->win[i] = sin(M_PI * ((double)i + 0.5) / (double)len);
    int bits = 0;
    while (((size_t)1 << bits) < len)
        bits++;
    for (size_t i = 0; i < len; i++) {
        size_t r = 0;
        for (int b = 0; b < bits; b++)
            if (i & ((size_t)1 << b))
                r |= (size_t)1 << (bits - 1 - b);
        sh->rev[i] = r;
    }
    *out = sh;
    return BL_OK;
}

void bli_synth_shaper_destroy(synth_shaper *sh)
{
    if (!sh)
        return;
    free(sh->re);
    free(sh->im);
    free(sh->cosw);
    free(sh->sinw);
    free(sh->win);
    free(sh->rev);
    free(sh);
}

/* In-place inverse DFT without the 1/N factor: x[n] = Σ X[k] e^{+2πikn/N}.
 * A plain radix-2 keeps the output identical wherever the code runs. */
static void ifft(synth_shaper *sh)
{
    size_t n = sh->len;
    double *re = sh->re, *im = sh->im;
    for (size_t i = 0; i < n; i++) {
        size_t j = sh->rev[i];
        if (j > i) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    for (size_t size = 2; size <= n; size *= 2) {
        size_t half = size / 2, step = n / size;
        for (size_t start = 0; start < n; start += size) {
            for (size_t k = 0; k < half; k++) {
                double wr = sh->cosw[k * step], wi = sh->sinw[k * step];
                size_t a = start + k, b = a + half;
                double tr = re[b] * wr - im[b] * wi;
                double ti = re[b] * wi + im[b] * wr;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
    }
}

/* Draw one block's spectrum into the IFFT buffers. slot 0 puts it in the
 * real part of the output, slot 1 in the imaginary part (the spectrum times
 * i): both spectra are Hermitian, so one complex IFFT yields two real
 * blocks. */
static void draw_block(synth_shaper *sh, double fl, double fh, double power, double scale, size_t kmax,
                       synth_rng *rng, int slot)
{
    size_t len = sh->len;
    double df = sh->rate / (double)len;
    for (size_t k = 1; k <= kmax; k++) {
        double f = (double)k * df;
        /* Bin weights: a one-sided PSD P(f/s)/s normalised to unit power
         * gives per-bin amplitude √(P·df/(4·power)) for each of re and im
         * of c_k, with x[n] = Σ 2·Re(c_k e^{...}). */
        double p = bli_synth_shwedyk(f / scale, fl, fh) / scale;
        double amp = sqrt(p * df / (4.0 * power));
        double g1, g2;
        bli_synth_rng_normal2(rng, &g1, &g2);
        double a = amp * g1, b = amp * g2;
        if (slot == 0) {
            sh->re[k] += a;
            sh->im[k] += b;
            sh->re[len - k] += a;
            sh->im[len - k] -= b;
        } else {
            sh->re[k] -= b;
            sh->im[k] += a;
            sh->re[len - k] += b;
            sh->im[len - k] += a;
        }
    }
}

static double block_scale(const float *mf, long long start, size_t hop, size_t frames)
{
    long long centre = start + (long long)hop;
    if (centre < 0)
        centre = 0;
    if (centre >= (long long)frames)
        centre = (long long)frames - 1;
    double scale = mf ? (double)mf[centre] : 1.0;
    return scale > 0.05 ? scale : 0.05;
}

void bli_synth_shaper_run(synth_shaper *sh, double fl, double fh, double power, const float *mf,
                          size_t frames, synth_rng *rng, float *out)
{
    size_t len = sh->len, hop = len / 2;
    double df = sh->rate / (double)len;
    /* Above ~25·fh the PSD is < 1e-5 of its peak: leave those bins empty
     * (saves Gaussian draws at audio rates). */
    size_t kmax = len / 2 - 1;
    size_t kcut = (size_t)(30.0 * fh / df) + 1;
    if (kcut < kmax)
        kmax = kcut;
    memset(out, 0, frames * sizeof *out);
    /* Blocks start at -hop so every output sample is covered by two; they
     * go through the IFFT in pairs (A in the real part, B = A + hop in the
     * imaginary part). */
    for (long long start = -(long long)hop; start < (long long)frames; start += 2 * (long long)hop) {
        long long start_b = start + (long long)hop;
        int have_b = start_b < (long long)frames;
        memset(sh->re, 0, len * sizeof *sh->re);
        memset(sh->im, 0, len * sizeof *sh->im);
        draw_block(sh, fl, fh, power, block_scale(mf, start, hop, frames), kmax, rng, 0);
        if (have_b)
            draw_block(sh, fl, fh, power, block_scale(mf, start_b, hop, frames), kmax, rng, 1);
        ifft(sh);
        for (size_t i = 0; i < len; i++) {
            long long t = start + (long long)i;
            if (t >= 0 && t < (long long)frames)
                out[t] += (float)(sh->re[i] * sh->win[i]);
            t = start_b + (long long)i;
            if (have_b && t < (long long)frames)
                out[t] += (float)(sh->im[i] * sh->win[i]);
        }
    }
}
