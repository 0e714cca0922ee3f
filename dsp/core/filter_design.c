/* Butterworth and notch design in second-order sections.
 *
 * The Butterworth path is a line-by-line transcription of SciPy 1.10's
 * butter(..., output='sos'): buttap -> lp2{lp,hp,bp,bs}_zpk -> bilinear_zpk
 * (fs = 2, pre-warped) -> zpk2sos(pairing='nearest'). Complex arithmetic is
 * written out with the formulas NumPy's loops use (not C99 operators, whose
 * division algorithm differs) so that the coefficients agree with SciPy to
 * rounding error and, more importantly, so that every ordering and pairing
 * decision zpk2sos makes comes out the same. Only csqrt and cexp come from
 * libm, as they do in NumPy.
 */
#include "backline/filter.h"

#include <complex.h>
/* C11's CMPLX; glibc only defines it for GCC. x + I*y is exact for the
 * finite values used here. */
#ifndef CMPLX
#define CMPLX(x, y) ((double)(x) + I * (double)(y))
#endif
#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Enough room for any design up to BL_BUTTER_MAX_ORDER: a band design has
 * 2N poles and 2N zeros, plus one padding pair. */
#define MAXPZ (4 * BL_BUTTER_MAX_ORDER + 2)

typedef struct { double re, im; } cx;

static cx mk(double re, double im) { cx c = {re, im}; return c; }
static cx cadd(cx a, cx b) { return mk(a.re + b.re, a.im + b.im); }
static cx csub(cx a, cx b) { return mk(a.re - b.re, a.im - b.im); }
static cx cneg(cx a) { return mk(-a.re, -a.im); }
static cx cconj(cx a) { return mk(a.re, -a.im); }
/* NumPy's complex multiply loop. */
static cx cmul(cx a, cx b) { return mk(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re); }
/* NumPy's complex divide (Smith's method), array loop and scalar math alike. */
static cx cdiv(cx a, cx b)
{
    double bra = fabs(b.re), bia = fabs(b.im);
    if (bra >= bia) {
        if (bra == 0 && bia == 0)
            return mk(a.re / bra, a.im / bra);
        double rat = b.im / b.re;
        double scl = 1.0 / (b.re + b.im * rat);
        return mk((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl);
    }
    double rat = b.re / b.im;
    double scl = 1.0 / (b.im + b.re * rat);
    return mk((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl);
}
static double cabs_(cx a) { return hypot(a.re, a.im); }
static cx csqrt_(cx a)
{
    double complex r = csqrt(CMPLX(a.re, a.im));
    return mk(creal(r), cimag(r));
}
static bool isreal_(cx a) { return a.im == 0.0; }

/* ---------------------------------------------------------------- zpk */

typedef struct {
    cx z[MAXPZ], p[MAXPZ];
    size_t nz, np;
    double k;
} zpk;

static void buttap(int n, zpk *s)
{
    s->nz = 0;
    s->np = (size_t)n;
    s->k = 1.0;
    double scl = 1.0 / (2.0 * n); /* NumPy divides complex by 2N via 1/(2N) */
    for (int i = 0; i < n; i++) {
        int m = -n + 1 + 2 * i;
        double theta = (M_PI * m) * scl;
        double complex e = cexp(CMPLX(0.0, theta));
        s->p[i] = mk(-creal(e), -cimag(e));
    }
}

static void lp2lp(zpk *s, double wo)
{
    size_t degree = s->np - s->nz;
    for (size_t i = 0; i < s->nz; i++) s->z[i] = cmul(mk(wo, 0), s->z[i]);
    for (size_t i = 0; i < s->np; i++) s->p[i] = cmul(mk(wo, 0), s->p[i]);
    s->k = s->k * pow(wo, (double)degree);
}

/* prod(-z) / prod(-p), real part, as lp2hp/lp2bs compute the gain. */
static double inversion_gain(const zpk *s)
{
    cx pz = mk(1.0, 0.0), pp;
    for (size_t i = 0; i < s->nz; i++)
        pz = (i == 0) ? cneg(s->z[0]) : cmul(pz, cneg(s->z[i]));
    pp = cneg(s->p[0]);
    for (size_t i = 1; i < s->np; i++) pp = cmul(pp, cneg(s->p[i]));
    return cdiv(pz, pp).re;
}

static void lp2hp(zpk *s, double wo)
{
    size_t degree = s->np - s->nz;
    double kk = s->k * inversion_gain(s);
    for (size_t i = 0; i < s->nz; i++) s->z[i] = cdiv(mk(wo, 0), s->z[i]);
    for (size_t i = 0; i < s->np; i++) s->p[i] = cdiv(mk(wo, 0), s->p[i]);
    for (size_t i = 0; i < degree; i++) s->z[s->nz++] = mk(0.0, 0.0);
    s->k = kk;
}

/* x +/- sqrt(x^2 - wo^2) for each x, the "+" halves first (concatenate). */
static void shift_pairs(cx *v, size_t n, double wo)
{
    cx tmp[MAXPZ];
    double wo2 = pow(wo, 2.0); /* Python float wo**2 */
    for (size_t i = 0; i < n; i++) {
        cx x = v[i];
        /* x**2 is NumPy's square: (re*re - im*im, re*im + im*re). */
        cx sq = mk(x.re * x.re - x.im * x.im, x.re * x.im + x.im * x.re);
        cx r = csqrt_(mk(sq.re - wo2, sq.im));
        tmp[i] = cadd(x, r);
        tmp[n + i] = csub(x, r);
    }
    memcpy(v, tmp, 2 * n * sizeof *v);
}

static void lp2bp(zpk *s, double wo, double bw)
{
    size_t degree = s->np - s->nz;
    for (size_t i = 0; i < s->nz; i++) s->z[i] = cdiv(cmul(s->z[i], mk(bw, 0)), mk(2.0, 0));
    for (size_t i = 0; i < s->np; i++) s->p[i] = cdiv(cmul(s->p[i], mk(bw, 0)), mk(2.0, 0));
    shift_pairs(s->z, s->nz, wo);
    shift_pairs(s->p, s->np, wo);
    s->nz *= 2;
    s->np *= 2;
    for (size_t i = 0; i < degree; i++) s->z[s->nz++] = mk(0.0, 0.0);
    s->k = s->k * pow(bw, (double)degree);
}

static void lp2bs(zpk *s, double wo, double bw)
{
    size_t degree = s->np - s->nz;
    double kk = s->k * inversion_gain(s);
    double h = bw / 2;
    for (size_t i = 0; i < s->nz; i++) s->z[i] = cdiv(mk(h, 0), s->z[i]);
    for (size_t i = 0; i < s->np; i++) s->p[i] = cdiv(mk(h, 0), s->p[i]);
    shift_pairs(s->z, s->nz, wo);
    shift_pairs(s->p, s->np, wo);
    s->nz *= 2;
    s->np *= 2;
    for (size_t i = 0; i < degree; i++) s->z[s->nz++] = mk(0.0, wo);
    for (size_t i = 0; i < degree; i++) s->z[s->nz++] = mk(0.0, -wo);
    s->k = kk;
}

static void bilinear(zpk *s)
{
    const double fs2 = 4.0; /* 2 * fs with fs = 2 */
    size_t degree = s->np - s->nz;
    cx pz = mk(1.0, 0.0), pp = mk(1.0, 0.0);
    for (size_t i = 0; i < s->nz; i++) {
        cx d = mk(fs2 - s->z[i].re, -s->z[i].im);
        pz = (i == 0) ? d : cmul(pz, d);
    }
    for (size_t i = 0; i < s->np; i++) {
        cx d = mk(fs2 - s->p[i].re, -s->p[i].im);
        pp = (i == 0) ? d : cmul(pp, d);
    }
    for (size_t i = 0; i < s->nz; i++)
        s->z[i] = cdiv(mk(fs2 + s->z[i].re, s->z[i].im), mk(fs2 - s->z[i].re, -s->z[i].im));
    for (size_t i = 0; i < s->np; i++)
        s->p[i] = cdiv(mk(fs2 + s->p[i].re, s->p[i].im), mk(fs2 - s->p[i].re, -s->p[i].im));
    for (size_t i = 0; i < degree; i++) s->z[s->nz++] = mk(-1.0, 0.0);
    s->k = s->k * cdiv(pz, pp).re;
}

/* ------------------------------------------------------------ zpk2sos */

/* Stable sort by (real, |imag|), as np.lexsort((abs(z.imag), z.real)). */
static void sort_real_absimag(cx *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        cx x = v[i];
        size_t j = i;
        while (j > 0 && (v[j - 1].re > x.re ||
                         (v[j - 1].re == x.re && fabs(v[j - 1].im) > fabs(x.im)))) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void sort_absimag(cx *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        cx x = v[i];
        size_t j = i;
        while (j > 0 && fabs(v[j - 1].im) > fabs(x.im)) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* SciPy's _cplxreal followed by concatenate((zc, zr)): one representative
 * (positive imaginary part) per conjugate pair, then the real values.
 * Returns false when a complex value has no conjugate. */
static bool cplxreal(cx *v, size_t *n_io)
{
    size_t n = *n_io;
    if (n == 0) return true;
    const double tol = 100 * 2.220446049250313e-16;
    cx zr[MAXPZ], zp[MAXPZ], zn[MAXPZ];
    size_t nr = 0, npos = 0, nneg = 0;
    sort_real_absimag(v, n);
    for (size_t i = 0; i < n; i++) {
        if (fabs(v[i].im) <= tol * cabs_(v[i])) zr[nr++] = mk(v[i].re, 0.0);
        else if (v[i].im > 0) zp[npos++] = v[i];
        else if (v[i].im < 0) zn[nneg++] = v[i];
    }
    if (npos != nneg) return false;
    /* Runs of (approximately) the same real part, each sorted by |imag|. */
    size_t i = 0;
    while (i < npos) {
        size_t j = i;
        while (j + 1 < npos && zp[j + 1].re - zp[j].re <= tol * cabs_(zp[j])) j++;
        if (j > i) {
            sort_absimag(zp + i, j - i + 1);
            sort_absimag(zn + i, j - i + 1);
        }
        i = j + 1;
    }
    size_t m = 0;
    for (size_t k = 0; k < npos; k++) {
        cx c = cconj(zn[k]);
        if (cabs_(csub(zp[k], c)) > tol * cabs_(zn[k])) return false;
        cx s = cadd(zp[k], c);
        v[m++] = mk(s.re * 0.5, s.im * 0.5); /* (zp + conj(zn)) / 2 */
    }
    for (size_t k = 0; k < nr; k++) v[m++] = zr[k];
    *n_io = m;
    return true;
}

static void delete_at(cx *v, size_t *n, size_t idx)
{
    memmove(v + idx, v + idx + 1, (*n - idx - 1) * sizeof *v);
    (*n)--;
}

/* argmin |1 - |p||, first occurrence as np.argmin. */
static size_t idx_worst(const cx *p, size_t n, const size_t *subset, size_t nsub)
{
    size_t best = subset ? subset[0] : 0;
    double bd = fabs(1.0 - cabs_(p[best]));
    for (size_t k = 1; k < (subset ? nsub : n); k++) {
        size_t i = subset ? subset[k] : k;
        double d = fabs(1.0 - cabs_(p[i]));
        if (d < bd) { bd = d; best = i; }
    }
    return best;
}

enum which { W_REAL, W_COMPLEX, W_ANY };

/* _nearest_real_complex_idx: the closest element of the requested kind.
 * np.argsort is not stable, but ties there are only between identical
 * values, so picking the first is equivalent. Returns n when none. */
static size_t nearest_idx(const cx *v, size_t n, cx to, enum which w)
{
    size_t best = n;
    double bd = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (w == W_REAL && !isreal_(v[i])) continue;
        if (w == W_COMPLEX && isreal_(v[i])) continue;
        double d = cabs_(csub(v[i], to));
        if (best == n || d < bd) { bd = d; best = i; }
    }
    return best;
}

/* np.poly of up to two roots: [1, -(r1 + r2), r1 * r2] (real part; every
 * call pairs conjugates or reals). Returns the number of coefficients. */
static size_t poly2(const cx *r, size_t n, double out[3])
{
    out[0] = 1.0;
    if (n == 0) return 1;
    if (n == 1) { out[1] = -r[0].re; return 2; }
    cx a = cneg(r[0]), b = cneg(r[1]);
    out[1] = cadd(b, a).re;
    out[2] = cmul(a, b).re;
    return 3;
}

static void single_zpksos(const cx *z, size_t nz, const cx *p, size_t np_, double sos[6])
{
    double b[3], a[3];
    size_t lb = poly2(z, nz, b), la = poly2(p, np_, a);
    memset(sos, 0, 6 * sizeof *sos);
    memcpy(sos + 3 - lb, b, lb * sizeof *b);
    memcpy(sos + 6 - la, a, la * sizeof *a);
}

static size_t count_real(const cx *v, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += isreal_(v[i]);
    return c;
}

/* zpk2sos(z, p, k, pairing='nearest') for a digital system. */
static bl_status zpk2sos(zpk *s, double *sos, size_t max_sections, size_t *n_sections)
{
    cx *z = s->z, *p = s->p;
    size_t nz = s->nz, np_ = s->np;
    if (nz == 0 && np_ == 0) {
        if (max_sections < 1) return BL_EINVAL;
        double row[6] = {s->k, 0, 0, 1, 0, 0};
        memcpy(sos, row, sizeof row);
        *n_sections = 1;
        return BL_OK;
    }
    while (np_ < nz) p[np_++] = mk(0, 0);
    while (nz < np_) z[nz++] = mk(0, 0);
    size_t ns = (np_ + 1) / 2;
    if (np_ % 2 == 1) {
        p[np_++] = mk(0, 0);
        z[nz++] = mk(0, 0);
    }
    if (ns > max_sections) return BL_EINVAL;
    if (!cplxreal(z, &nz) || !cplxreal(p, &np_)) return BL_ERANGE;

    for (size_t si = ns; si-- > 0;) {
        double *row = sos + si * BL_SOS_WIDTH;
        size_t i1 = idx_worst(p, np_, NULL, 0);
        cx p1 = p[i1];
        delete_at(p, &np_, i1);
        size_t preal = count_real(p, np_);

        if (isreal_(p1) && preal == 0) {
            /* Special case (1): last remaining real pole. */
            size_t zi = nearest_idx(z, nz, p1, W_REAL);
            if (zi == nz) return BL_ERANGE;
            cx zz[2] = {z[zi], mk(0, 0)}, pp[2] = {p1, mk(0, 0)};
            delete_at(z, &nz, zi);
            single_zpksos(zz, 2, pp, 2, row);
        } else if (np_ + 1 == nz && !isreal_(p1) && preal == 1 && count_real(z, nz) == 1) {
            /* Special case (2): one real pole and one real zero left. */
            size_t zi = nearest_idx(z, nz, p1, W_COMPLEX);
            if (zi == nz) return BL_ERANGE;
            cx zz[2] = {z[zi], cconj(z[zi])}, pp[2] = {p1, cconj(p1)};
            delete_at(z, &nz, zi);
            single_zpksos(zz, 2, pp, 2, row);
        } else {
            cx p2;
            if (isreal_(p1)) {
                size_t idx[MAXPZ], m = 0;
                for (size_t i = 0; i < np_; i++)
                    if (isreal_(p[i])) idx[m++] = i;
                size_t i2 = idx_worst(p, np_, idx, m);
                p2 = p[i2];
                delete_at(p, &np_, i2);
            } else {
                p2 = cconj(p1);
            }
            cx pp[2] = {p1, p2};
            if (nz > 0) {
                size_t zi = nearest_idx(z, nz, p1, W_ANY);
                cx z1 = z[zi];
                delete_at(z, &nz, zi);
                if (!isreal_(z1)) {
                    cx zz[2] = {z1, cconj(z1)};
                    single_zpksos(zz, 2, pp, 2, row);
                } else if (nz > 0) {
                    size_t zj = nearest_idx(z, nz, p1, W_REAL);
                    if (zj == nz) return BL_ERANGE;
                    cx zz[2] = {z1, z[zj]};
                    delete_at(z, &nz, zj);
                    single_zpksos(zz, 2, pp, 2, row);
                } else {
                    single_zpksos(&z1, 1, pp, 2, row);
                }
            } else {
                single_zpksos(NULL, 0, pp, 2, row);
            }
        }
    }
    if (np_ != 0 || nz != 0) return BL_ERANGE;
    for (int j = 0; j < 3; j++) sos[j] *= s->k;
    *n_sections = ns;
    return BL_OK;
}

/* ------------------------------------------------------------ public */

size_t bl_butter_sections(int order, bl_band band)
{
    if (order < 1 || order > BL_BUTTER_MAX_ORDER) return 0;
    switch (band) {
    case BL_LOWPASS:
    case BL_HIGHPASS: return (size_t)(order + 1) / 2;
    case BL_BANDPASS:
    case BL_BANDSTOP: return (size_t)order;
    default: return 0;
    }
}

bl_status bl_butter_design(int order, bl_band band, double f1_hz, double f2_hz, double rate_hz,
                           double *sos, size_t max_sections, size_t *n_sections)
{
    if (!sos || !n_sections) return BL_EINVAL;
    if (band != BL_LOWPASS && band != BL_HIGHPASS && band != BL_BANDPASS && band != BL_BANDSTOP)
        return BL_EINVAL;
    if (order < 1 || order > BL_BUTTER_MAX_ORDER) return BL_ERANGE;
    if (!(rate_hz > 0) || !isfinite(rate_hz)) return BL_ERANGE;
    const double nyq = rate_hz / 2;
    bool two = (band == BL_BANDPASS || band == BL_BANDSTOP);
    if (!(f1_hz > 0) || !(f1_hz < nyq)) return BL_ERANGE;
    if (two && (!(f2_hz > f1_hz) || !(f2_hz < nyq))) return BL_ERANGE;
    if (max_sections < bl_butter_sections(order, band)) return BL_EINVAL;

    /* Wn = 2 f / fs; warped = 2 * fs' * tan(pi * Wn / fs') with fs' = 2. */
    double wn1 = 2 * f1_hz / rate_hz, wn2 = 2 * f2_hz / rate_hz;
    /* The Nyquist test above is on Hz; SciPy's is on Wn. Same thing unless
     * rounding puts Wn on 1. */
    if (!(wn1 < 1) || (two && !(wn2 < 1))) return BL_ERANGE;
    double w1 = 4.0 * tan(M_PI * wn1 / 2.0);
    double w2 = two ? 4.0 * tan(M_PI * wn2 / 2.0) : 0;

    zpk s;
    buttap(order, &s);
    switch (band) {
    case BL_LOWPASS: lp2lp(&s, w1); break;
    case BL_HIGHPASS: lp2hp(&s, w1); break;
    case BL_BANDPASS: lp2bp(&s, sqrt(w1 * w2), w2 - w1); break;
    case BL_BANDSTOP: lp2bs(&s, sqrt(w1 * w2), w2 - w1); break;
    }
    bilinear(&s);
    size_t ns = 0;
    bl_status st = zpk2sos(&s, sos, max_sections, &ns);
    if (st != BL_OK) return st;
    *n_sections = ns;
    return BL_OK;
}

bl_status bl_notch_design(double f0_hz, double q, double rate_hz, double sos[BL_SOS_WIDTH])
{
    if (!sos) return BL_EINVAL;
    if (!(rate_hz > 0) || !isfinite(rate_hz)) return BL_ERANGE;
    if (!(q > 0) || !isfinite(q)) return BL_ERANGE;
    if (!(f0_hz > 0) || !(f0_hz < rate_hz / 2)) return BL_ERANGE;
    /* scipy.signal._design_notch_peak_filter(w0, Q, "notch", fs). */
    double w0 = 2 * f0_hz / rate_hz;
    double bw = w0 / q;
    bw = bw * M_PI;
    w0 = w0 * M_PI;
    double gb = 1 / sqrt(2.0);
    double beta = (sqrt(1.0 - pow(gb, 2.0)) / gb) * tan(bw / 2.0);
    double gain = 1.0 / (1.0 + beta);
    double c = cos(w0);
    sos[0] = gain * 1.0;
    sos[1] = gain * (-2.0 * c);
    sos[2] = gain * 1.0;
    sos[3] = 1.0;
    sos[4] = -2.0 * gain * c;
    sos[5] = 2.0 * gain - 1.0;
    return BL_OK;
}

bl_status bl_mains_design(double mains_hz, double q, double upper_hz, double rate_hz,
                          double *sos, size_t max_sections, size_t *n_sections)
{
    if (!sos || !n_sections) return BL_EINVAL;
    if (!(rate_hz > 0) || !isfinite(rate_hz) || !(q > 0) || !isfinite(q)) return BL_ERANGE;
    if (!(mains_hz > 0) || !(mains_hz < rate_hz / 2) || !(upper_hz >= mains_hz))
        return BL_ERANGE;
    size_t n = 0;
    for (int h = 1;; h++) {
        double f = h * mains_hz;
        if (f > upper_hz || !(f < rate_hz / 2)) break;
        n++;
    }
    if (n > max_sections) return BL_EINVAL;
    for (size_t i = 0; i < n; i++) {
        bl_status st = bl_notch_design((double)(i + 1) * mains_hz, q, rate_hz, sos + i * BL_SOS_WIDTH);
        if (st != BL_OK) return st;
    }
    *n_sections = n;
    return BL_OK;
}

/* H(e^{jw}) of one polynomial p0 + p1 z^-1 + p2 z^-2 and its derivative
 * term sum k p_k z^-k, both as (re, im). */
static void poly_eval(const double *c, double w, cx *val, cx *kval)
{
    cx v = mk(0, 0), kv = mk(0, 0);
    for (int k = 0; k < 3; k++) {
        cx e = mk(c[k] * cos(-w * k), c[k] * sin(-w * k));
        v = cadd(v, e);
        kv = cadd(kv, mk(k * e.re, k * e.im));
    }
    *val = v;
    *kval = kv;
}

double bl_sos_gain(const double *sos, size_t n_sections, double f_hz, double rate_hz)
{
    if (!sos || !(rate_hz > 0)) return NAN;
    double w = 2 * M_PI * f_hz / rate_hz, g = 1.0;
    for (size_t s = 0; s < n_sections; s++) {
        cx b, a, kb, ka;
        poly_eval(sos + s * BL_SOS_WIDTH, w, &b, &kb);
        poly_eval(sos + s * BL_SOS_WIDTH + 3, w, &a, &ka);
        g *= cabs_(b) / cabs_(a);
    }
    return g;
}

double bl_sos_group_delay(const double *sos, size_t n_sections, double f_hz, double rate_hz)
{
    if (!sos || !(rate_hz > 0)) return NAN;
    double w = 2 * M_PI * f_hz / rate_hz, d = 0.0;
    /* For P(w) = sum p_k e^{-jwk}, -d(arg P)/dw = Re(sum k p_k e^{-jwk} / P). */
    for (size_t s = 0; s < n_sections; s++) {
        cx b, a, kb, ka;
        poly_eval(sos + s * BL_SOS_WIDTH, w, &b, &kb);
        poly_eval(sos + s * BL_SOS_WIDTH + 3, w, &a, &ka);
        d += cdiv(kb, b).re - cdiv(ka, a).re;
    }
    return d;
}

size_t bl_sos_decay_samples(const double *sos, size_t n_sections, double residual)
{
    if (!sos || !(residual > 0) || !(residual < 1)) return 0;
    double r_max = 0;
    for (size_t s = 0; s < n_sections; s++) {
        /* Poles of z^2 + a1 z + a2 (a0 = 1). */
        double a1 = sos[s * BL_SOS_WIDTH + 4], a2 = sos[s * BL_SOS_WIDTH + 5];
        double disc = a1 * a1 - 4 * a2, r;
        if (disc < 0) {
            r = sqrt(a2);
        } else {
            double q = sqrt(disc);
            r = fmax(fabs((-a1 + q) / 2), fabs((-a1 - q) / 2));
        }
        if (r > r_max) r_max = r;
    }
    if (r_max >= 1) return SIZE_MAX;
    if (r_max == 0) return 1;
    double n = ceil(log(residual) / log(r_max));
    return n < (double)SIZE_MAX ? (size_t)n : SIZE_MAX;
}
