/* Planning and designing the decimator's stages (decimate.c runs them).
 *
 * A rate change in/out with out < in and both whole numbers of hertz is
 * the rational L/M = out/in in lowest terms. The plan: integer
 * decimations first (the largest divisor d of M with in/d still at or
 * above the output rate, split into factors of at most 8, larger first),
 * then one rational stage L/(M/d) when L > 1 (44.1 kHz → 2 kHz: ÷7, ÷3,
 * then 20/21 from 2100 Hz). Each stage is a Kaiser-windowed sinc at its
 * virtual rate (input × L) keeping [0, pass] flat and attenuating
 * everything that would fold into [0, pass] at its output rate, i.e. from
 * (stage output rate − pass) up. pass is BLI_DECIM_PASS_FRACTION of the
 * final output rate: 800 Hz at 2 kHz, above any band-pass corner the
 * analysis uses. Kaiser's formulas (Kaiser 1974; Oppenheim & Schafer,
 * Discrete-Time Signal Processing, 3rd ed., eq. 7.62–7.63) give the
 * length and window shape for BLI_DECIM_ATTEN_DB of stop-band attenuation.
 */
#include "decimate_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

unsigned long long bli_gcd_u64(unsigned long long a, unsigned long long b)
{
    while (b) {
        unsigned long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Zeroth-order modified Bessel function of the first kind, by its power
 * series (converges quickly for the β used here, < 12). */
static double bessel_i0(double x)
{
    double sum = 1, term = 1, q = x * x / 4;
    for (int k = 1; k < 64; k++) {
        term *= q / ((double)k * k);
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

/* Stage factors of d: its prime factors, largest first, grouped greedily
 * into products of at most 8 (a prime above 8 is a stage of its own).
 * Returns the count, 0 when more than BLI_DECIM_MAX_STAGES are needed. */
static size_t split_factors(unsigned long long d, unsigned long long *f)
{
    unsigned long long primes[64];
    size_t np = 0;
    for (unsigned long long p = 2; p * p <= d; p++)
        while (d % p == 0 && np < 64) {
            primes[np++] = p;
            d /= p;
        }
    if (d > 1 && np < 64) primes[np++] = d;
    size_t n = 0;
    unsigned long long cur = 1;
    for (size_t i = np; i-- > 0;) { /* found in ascending order: walk them down */
        if (cur * primes[i] > 8 && cur > 1) {
            if (n == BLI_DECIM_MAX_STAGES) return 0;
            f[n++] = cur;
            cur = 1;
        }
        cur *= primes[i];
    }
    if (cur > 1) {
        if (n == BLI_DECIM_MAX_STAGES) return 0;
        f[n++] = cur;
    }
    return n;
}

bl_status bli_decim_plan(double in_rate, double out_rate, bli_decim_plan_t *plan)
{
    if (!(in_rate > out_rate) || !(out_rate > 0) || in_rate > 1e7 || in_rate != floor(in_rate) ||
        out_rate != floor(out_rate))
        return BL_ERANGE;
    unsigned long long fi = (unsigned long long)in_rate, fo = (unsigned long long)out_rate;
    unsigned long long g = bli_gcd_u64(fi, fo), up = fo / g, down = fi / g;
    if (up > BLI_DECIM_MAX_PHASES) return BL_ERANGE;
    /* Largest divisor of down with down/d ≥ up (the integer stages end at
     * or above the output rate). */
    unsigned long long dint = 1;
    for (unsigned long long d = down / up; d >= 1; d--)
        if (down % d == 0) {
            dint = d;
            break;
        }
    unsigned long long factors[BLI_DECIM_MAX_STAGES];
    size_t n = dint > 1 ? split_factors(dint, factors) : 0;
    if (dint > 1 && n == 0) return BL_ERANGE;
    double pass = BLI_DECIM_PASS_FRACTION * out_rate, rate = in_rate;
    plan->stages = 0;
    for (size_t k = 0; k < n; k++) {
        bli_decim_stage_spec *s = &plan->stage[plan->stages++];
        s->up = 1;
        s->down = (size_t)factors[k];
        s->in_rate = rate;
        rate /= (double)factors[k];
        s->out_rate = rate;
    }
    if (up > 1) {
        if (plan->stages == BLI_DECIM_MAX_STAGES) return BL_ERANGE;
        bli_decim_stage_spec *s = &plan->stage[plan->stages++];
        s->up = (size_t)up;
        s->down = (size_t)(down / dint);
        s->in_rate = rate;
        s->out_rate = out_rate;
    }
    for (size_t k = 0; k < plan->stages; k++) {
        bli_decim_stage_spec *s = &plan->stage[k];
        s->pass_hz = pass;
        s->stop_hz = s->out_rate - pass;
        double virt = s->in_rate * (double)s->up, width = (s->stop_hz - s->pass_hz) / virt;
        if (!(width > 0)) return BL_ERANGE;
        size_t taps = (size_t)ceil((BLI_DECIM_ATTEN_DB - 7.95) / (2.285 * 2 * M_PI * width)) + 1;
        taps |= 1; /* odd: a whole-sample delay at the virtual rate, removed exactly */
        if (taps > BLI_DECIM_MAX_TAPS) return BL_ERANGE;
        s->taps = taps;
        s->per_phase = (taps + s->up - 1) / s->up;
    }
    return BL_OK;
}

bl_status bli_decim_design(const bli_decim_stage_spec *s, float *coef)
{
    size_t n = s->taps, up = s->up, kp = s->per_phase;
    double *h = malloc(n * sizeof *h);
    if (!h) return BL_ENOMEM;
    double virt = s->in_rate * (double)up, fc = 0.5 * (s->pass_hz + s->stop_hz) / virt; /* cycles/sample */
    double beta = 0.1102 * (BLI_DECIM_ATTEN_DB - 8.7), i0b = bessel_i0(beta), mid = (double)(n - 1) / 2;
    for (size_t j = 0; j < n; j++) {
        double t = (double)j - mid, r = t / mid;
        double sinc = t == 0 ? 2 * fc : sin(2 * M_PI * fc * t) / (M_PI * t);
        h[j] = sinc * bessel_i0(beta * sqrt(fmax(0, 1 - r * r))) / i0b;
    }
    /* Phase p holds h[p], h[p+L], …; stored reversed so that the kernel
     * walks its input forwards, zero past the filter's end, and scaled to
     * a sum of 1 so each phase passes DC exactly (a zero-stuffed input
     * needs a gain of L; per phase it is exact rather than on average). */
    for (size_t p = 0; p < up; p++) {
        double sum = 0;
        for (size_t i = 0; i < kp; i++) {
            size_t j = p + up * i;
            sum += j < n ? h[j] : 0;
        }
        for (size_t i = 0; i < kp; i++) {
            size_t j = p + up * i;
            coef[p * kp + (kp - 1 - i)] = j < n ? (float)(h[j] / sum) : 0.0f;
        }
    }
    free(h);
    return BL_OK;
}
