/* The figures of the hinge report (hinge_html.c lays out the page): per
 * muscle, the filtered signal and the envelope with the repetitions, their
 * eccentric/concentric phases and the onsets; per muscle the mean and peak
 * of every repetition and its median frequency with the fatigue slope; the
 * balance of every repetition against the mixed band. Every figure is an
 * SVG panel carrying data-channel (the channel's name) or data-figure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hinge_figures.h"
#include "html_page.h"
#include "svg_plot.h"

#define FIG_W SVG_FIG_W
#define FIG_LEFT SVG_FIG_LEFT
#define FIG_RIGHT SVG_FIG_RIGHT

static const char *envelope_unit(const bl_hinge *h)
{
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    return s.normalised_to_mvc ? "%MVC" : "% of session peak";
}

/* The largest value of x over [t0, t1] s (NaN skipped), at least `floor`. */
static double window_max(const float *x, size_t n, double rate, double t0, double t1, int absolute, double floor_v)
{
    double m = floor_v;
    size_t a = (size_t)fmax(0, t0 * rate), b = (size_t)fmin((double)n, ceil(t1 * rate));
    for (size_t i = a; i < b; i++) {
        double v = absolute ? fabs(x[i]) : x[i];
        if (isfinite(v) && v > m) m = v;
    }
    return m;
}

/* The repetitions inside the window: shaded by verdict, numbered, the
 * turn dashed with "ecc"/"con" either side when there is room. */
static void rep_marks(const svg_plot *all, const bl_hinge *h, size_t k0, size_t k1)
{
    for (size_t k = k0; k < k1; k++) {
        bl_hinge_rep r;
        if (bl_hinge_get_rep(h, k, &r) != BL_OK) continue;
        const char *v = bl_hinge_verdict_name(r.verdict);
        char cls[32], label[48];
        snprintf(cls, sizeof cls, "r-%s", v);
        svg_xband(all, r.start_s, r.end_s, cls);
        snprintf(cls, sizeof cls, "hd t-%s", v);
        snprintf(label, sizeof label, "rep %zu %s", k + 1, v);
        double wpx = svg_px_x(all, r.end_s) - svg_px_x(all, r.start_s);
        if (wpx < 70) snprintf(label, sizeof label, "%zu", k + 1);
        svg_text_px(all->f, (svg_px_x(all, r.start_s) + svg_px_x(all, r.end_s)) / 2, all->top - 4, "middle", cls,
                    label);
        if (!isfinite(r.turn_s)) continue;
        /* The concentric part a shade darker, so both phases read at any
         * width; their names where there is room. */
        svg_xband(all, r.turn_s, r.end_s, "con");
        svg_vline(all, r.turn_s, "turn");
        double tx = svg_px_x(all, r.turn_s), y = all->top + 10;
        if (tx - svg_px_x(all, r.start_s) > 20) svg_text_px(all->f, tx - 2, y, "end", "small", "ecc");
        if (svg_px_x(all, r.end_s) - tx > 20) svg_text_px(all->f, tx + 2, y, "start", "small", "con");
    }
}

void hinge_fig_channel(FILE *f, const bl_hinge *h, size_t c, double t0, double t1, size_t k0, size_t k1)
{
    const char *name = bl_hinge_channel_name(h, c);
    size_t n = 0, ns = 0;
    double rate = 0, srate = 0;
    const float *env = bl_hinge_channel_envelope(h, c, &n, &rate);
    const float *sig = bl_hinge_channel_signal(h, c, &ns, &srate);
    if (!env || !sig) {
        page_left_out(f, name, bl_hinge_channel_why(h, c));
        return;
    }
    char title[160], buf[64];
    snprintf(title, sizeof title, "%s: filtered signal and envelope, %.1f to %.1f s", name, t0, t1);
    const double H = 200;
    svg_open(f, FIG_W, H, "data-channel", name, title);
    double pw = FIG_W - FIG_LEFT - FIG_RIGHT;
    svg_plot all = {f, FIG_LEFT, 18, pw, 146, t0, t1, 0, 1, 0};
    svg_plot sp = {f, FIG_LEFT, 30, pw, 44, t0, t1, 0, 0, 0};
    double amp = window_max(sig, ns, srate, t0, t1, 1, 1e-9);
    sp.y0 = -amp;
    sp.y1 = amp;
    double top = svg_nice_top(window_max(env, n, rate, t0, t1, 0, strcmp(envelope_unit(h), "%MVC") ? 1 : 10));
    svg_plot ep = {f, FIG_LEFT, 80, pw, 84, t0, t1, 0, top, 0};
    rep_marks(&all, h, k0, k1);
    svg_trace_band(&sp, sig, ns, srate, "sig");
    snprintf(buf, sizeof buf, "\xc2\xb1%s %s", page_num(title, sizeof title, amp, amp < 10 ? 2 : 0),
             page_unit(bl_hinge_unit(h)));
    svg_text_px(f, FIG_LEFT - 4, sp.top + sp.height / 2 + 4, "end", "small", buf);
    svg_axes(&ep, "time (s)", NULL, envelope_unit(h));
    svg_trace_mean(&ep, env, n, rate, "env");
    for (size_t k = k0; k < k1; k++) {
        bl_hinge_rep r;
        bl_hinge_rep_channel rc;
        if (bl_hinge_get_rep(h, k, &r) != BL_OK || bl_hinge_get_rep_channel(h, k, c, &rc) != BL_OK) continue;
        if (isfinite(rc.onset_s)) svg_triangle(&ep, r.start_s + rc.onset_s, top, "onset");
    }
    svg_close(f);
}

/* x = repetition number k0+1 .. k1, for the per-repetition panels. */
static svg_plot rep_plot(FILE *f, size_t k0, size_t k1, double y0, double y1)
{
    svg_plot p = {f, FIG_LEFT, 14, FIG_W - FIG_LEFT - FIG_RIGHT, 96, (double)k0 + 0.5, (double)k1 + 0.5, y0, y1, 1};
    return p;
}

void hinge_fig_levels(FILE *f, const bl_hinge *h, size_t c, size_t k0, size_t k1)
{
    const char *name = bl_hinge_channel_name(h, c);
    size_t reps = bl_hinge_reps(h);
    double top = strcmp(envelope_unit(h), "%MVC") ? 1 : 10;
    for (size_t k = 0; k < reps; k++) {
        bl_hinge_rep_channel rc;
        if (bl_hinge_get_rep_channel(h, k, c, &rc) == BL_OK && isfinite(rc.peak_pct) && rc.peak_pct > top)
            top = rc.peak_pct;
    }
    char title[96];
    snprintf(title, sizeof title, "%s: mean and peak per repetition, %zu to %zu", name, k0 + 1, k1);
    svg_open(f, FIG_W, 140, "data-channel", name, title);
    svg_plot p = rep_plot(f, k0, k1, 0, svg_nice_top(top)); /* one scale for the whole set */
    svg_axes(&p, "repetition", NULL, envelope_unit(h));
    double bw = p.width / (double)(k1 > k0 ? k1 - k0 : 1) * 0.6;
    for (size_t k = k0; k < k1; k++) {
        bl_hinge_rep_channel rc;
        if (bl_hinge_get_rep_channel(h, k, c, &rc) != BL_OK) continue;
        double x = (double)k + 1, half = bw / 2 / p.width * (p.x1 - p.x0);
        if (isfinite(rc.mean_pct)) svg_rect(&p, x - half, x + half, 0, rc.mean_pct, "bar");
        if (isfinite(rc.peak_pct)) svg_line(&p, x - half, rc.peak_pct, x + half, rc.peak_pct, "peak");
    }
    svg_close(f);
}

void hinge_fig_fatigue(FILE *f, const bl_hinge *h, size_t c, size_t k0, size_t k1)
{
    const char *name = bl_hinge_channel_name(h, c);
    size_t reps = bl_hinge_reps(h), used = 0;
    double lo = INFINITY, hi = -INFINITY, sx = 0, sy = 0;
    for (size_t k = 0; k < reps; k++) {
        bl_hinge_rep_channel rc;
        if (bl_hinge_get_rep_channel(h, k, c, &rc) != BL_OK || !isfinite(rc.median_hz)) continue;
        lo = fmin(lo, rc.median_hz);
        hi = fmax(hi, rc.median_hz);
        sx += (double)k + 1;
        sy += rc.median_hz;
        used++;
    }
    double slope = bl_hinge_channel_mf_slope(h, c);
    char title[128], buf[32];
    snprintf(title, sizeof title, "%s: median frequency per repetition, slope %s Hz/rep", name,
             page_num(buf, sizeof buf, slope, 2));
    svg_open(f, FIG_W, 140, "data-channel", name, title);
    if (!used) {
        lo = 0;
        hi = 200;
    }
    double pad = fmax(5, (hi - lo) * 0.15), step = svg_tick_step(hi - lo + 2 * pad, 4);
    svg_plot p = rep_plot(f, k0, k1, floor((lo - pad) / step) * step, ceil((hi + pad) / step) * step);
    svg_axes(&p, "repetition", NULL, "median freq. (Hz)");
    for (size_t k = k0; k < k1; k++) {
        bl_hinge_rep_channel rc;
        if (bl_hinge_get_rep_channel(h, k, c, &rc) == BL_OK && isfinite(rc.median_hz))
            svg_dot(&p, (double)k + 1, rc.median_hz, "mfdot");
    }
    if (isfinite(slope) && used) { /* the library's slope, through the points' centroid */
        double mx = sx / (double)used, my = sy / (double)used;
        svg_line(&p, p.x0, my + slope * (p.x0 - mx), p.x1, my + slope * (p.x1 - mx), "slope");
    }
    snprintf(title, sizeof title, "slope %s Hz/rep", page_num(buf, sizeof buf, slope, 2));
    svg_text_px(f, p.left + p.width, 11, "end", "small", title);
    svg_close(f);
}

void hinge_fig_balance(FILE *f, const bl_hinge *h, size_t k0, size_t k1, double margin)
{
    const double row = 17, top = 34;
    double H = top + row * (double)(k1 > k0 ? k1 - k0 : 1) + 36;
    char title[96];
    snprintf(title, sizeof title, "torque-chain index, repetitions %zu to %zu", k0 + 1, k1);
    svg_open(f, FIG_W, H, "data-figure", "balance", title);
    svg_plot p = {f, 70, top, FIG_W - 70 - 120, H - top - 36, -1, 1, 0, (double)(k1 - k0), 0};
    svg_xband(&p, -margin, margin, "band");
    snprintf(title, sizeof title, "mixed \xc2\xb1%.2f", margin);
    svg_text_px(f, svg_px_x(&p, 0), top - 6, "middle", "small", title);
    svg_text_px(f, p.left, top - 20, "start", "small t-external", "\xe2\x86\x90 external");
    svg_text_px(f, p.left + p.width, top - 20, "end", "small t-internal", "internal \xe2\x86\x92");
    svg_axis_x(&p, "torque-chain index (\xe2\x88\x92" "1 external .. +1 internal)", NULL);
    svg_vline(&p, 0, "zero");
    for (size_t k = k0; k < k1; k++) {
        bl_hinge_rep r;
        if (bl_hinge_get_rep(h, k, &r) != BL_OK) continue;
        const char *v = bl_hinge_verdict_name(r.verdict);
        double y = (double)(k1 - k) - 0.5, cy = svg_px_y(&p, y) + 4;
        char lab[64], cls[32], num[16];
        snprintf(lab, sizeof lab, "rep %zu", k + 1);
        svg_text_px(f, p.left - 6, cy, "end", "tick", lab);
        snprintf(cls, sizeof cls, "b-%s", v);
        if (isfinite(r.chain_index)) svg_rect(&p, fmin(0, r.chain_index), fmax(0, r.chain_index), y - 0.35, y + 0.35, cls);
        snprintf(cls, sizeof cls, "tick t-%s", v);
        snprintf(lab, sizeof lab, "%s %s", page_num(num, sizeof num, r.chain_index, 2), v);
        svg_text_px(f, p.left + p.width + 6, cy, "start", cls, lab);
    }
    svg_close(f);
}
