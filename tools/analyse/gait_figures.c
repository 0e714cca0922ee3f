/* The figures of the gait report (gait_html.c lays out the page): per
 * muscle, its cycles over the normalised cycle (every cycle faint, the
 * mean and its SD band, the stance/swing boundary, Perry's phases and the
 * bursts' onsets) and its envelope over time with the cycles' touchdowns
 * and lift-offs; per side the synergy modules. Panels carry data-channel
 * (the channel's name) or data-figure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait_phases.h"
#include "gait_figures.h"
#include "html_page.h"
#include "svg_plot.h"

#define FIG_W SVG_FIG_W
#define FIG_LEFT SVG_FIG_LEFT
#define FIG_RIGHT SVG_FIG_RIGHT

static const char *const phase_abbrev[BL_GAIT_PHASES] = {"LR", "MSt", "TSt", "PSw", "ISw", "MSw", "TSw"};

/* Where on the grid (x in % of the grid) the real phase q (% of cycle)
 * falls for channel c: the inverse of its points' mean real phases. */
static double grid_x(const bl_gait *g, size_t c, double q)
{
    size_t P = bl_gait_points(g);
    double prev = bl_gait_channel_point_phase(g, c, 0);
    if (!(P > 1) || !isfinite(prev) || q <= prev) return 0;
    for (size_t i = 1; i < P; i++) {
        double cur = bl_gait_channel_point_phase(g, c, i);
        if (isfinite(cur) && q <= cur) {
            double frac = cur > prev ? (q - prev) / (cur - prev) : 0;
            return ((double)(i - 1) + frac) / (double)(P - 1) * 100;
        }
        if (isfinite(cur)) prev = cur;
    }
    return 100;
}

static double curves_top(const bl_gait *g, size_t c, size_t P)
{
    const double *mean = bl_gait_channel_mean(g, c), *sd = bl_gait_channel_sd(g, c);
    double top = 0;
    for (size_t k = 0; k < bl_gait_channel_cycles(g, c); k++) {
        const double *y = bl_gait_channel_curve(g, c, k);
        for (size_t i = 0; y && i < P; i++) top = isfinite(y[i]) && y[i] > top ? y[i] : top;
    }
    for (size_t i = 0; i < P; i++) {
        double v = mean[i] + (isfinite(sd[i]) ? sd[i] : 0);
        if (isfinite(v) && v > top) top = v;
    }
    return svg_nice_top(top);
}

/* Perry's phases as alternate bands with their names above the plot. */
static void phase_bands(const svg_plot *p, const bl_gait *g, size_t c)
{
    for (int k = 0; k < BL_GAIT_PHASES; k++) {
        double lo, hi;
        if (bl_gait_phase_bounds((bl_gait_phase)k, &lo, &hi) != BL_OK) continue;
        double a = grid_x(g, c, lo), b = grid_x(g, c, hi);
        if (k % 2) svg_xband(p, a, b, "phase");
        svg_text_px(p->f, (svg_px_x(p, a) + svg_px_x(p, b)) / 2, p->top - 4, "middle", "small", phase_abbrev[k]);
    }
}

/* The cycle axis as it is: with stance and swing normalised apart (the
 * default) the grid is not % of the real cycle. */
const char *gait_fig_cycle_axis(const bl_gait *g, char *buf, size_t len)
{
    bl_gait_config cfg;
    double at = bl_gait_stance_points(g) / (double)(bl_gait_points(g) - 1) * 100;
    if (bl_gait_get_config(g, &cfg) == BL_OK && cfg.normalise == BL_GAIT_NORM_PHASES)
        snprintf(buf, len, "normalised cycle: stance 0-%.0f, swing %.0f-100 (lift-off at %.0f)", at, at, at);
    else
        snprintf(buf, len, "%% of cycle, touchdown to touchdown (mean lift-off at %.0f)", at);
    return buf;
}

/* At most this many cycles drawn faint: a long walk stays a small page. */
#define MAX_DRAWN_CYCLES 50

void gait_fig_cycles(FILE *f, const bl_gait *g, size_t c)
{
    const char *name = bl_gait_channel_name(g, c);
    if (!bl_gait_channel_used(g, c)) {
        page_left_out(f, name, bl_gait_channel_why(g, c));
        return;
    }
    size_t P = bl_gait_points(g);
    char title[128];
    snprintf(title, sizeof title, "%s over the gait cycle: every cycle, mean and SD", name);
    svg_open(f, FIG_W, 190, "data-channel", name, title);
    svg_plot p = {f, FIG_LEFT, 18, FIG_W - FIG_LEFT - FIG_RIGHT, 132, 0, 100, 0, curves_top(g, c, P), 0};
    phase_bands(&p, g, c);
    char axis[96];
    svg_axes(&p, gait_fig_cycle_axis(g, axis, sizeof axis), NULL, page_unit(bl_gait_unit(g)));
    double dx = 100.0 / (double)(P - 1);
    size_t nc = bl_gait_channel_cycles(g, c), step = (nc + MAX_DRAWN_CYCLES - 1) / MAX_DRAWN_CYCLES;
    for (size_t k = 0; k < nc; k += step ? step : 1) svg_curve(&p, bl_gait_channel_curve(g, c, k), P, dx, "cyc");
    const double *mean = bl_gait_channel_mean(g, c), *sd = bl_gait_channel_sd(g, c);
    double *lo = malloc(P * sizeof *lo), *hi = malloc(P * sizeof *hi);
    if (lo && hi) {
        for (size_t i = 0; i < P; i++) {
            lo[i] = mean[i] - sd[i];
            hi[i] = mean[i] + sd[i];
        }
        svg_curve_band(&p, lo, hi, P, dx, "sd");
    }
    free(lo);
    free(hi);
    svg_curve(&p, mean, P, dx, "mean");
    double sx = bl_gait_stance_points(g) * dx;
    svg_vline(&p, sx, "bound");
    svg_text(&p, sx, p.y0 + 0.88 * (p.y1 - p.y0), "start", "small", " lift-off"); /* under the phase names */
    for (size_t b = 0; b < bl_gait_channel_bursts(g, c); b++) {
        double on, off;
        if (bl_gait_get_burst(g, c, b, &on, &off) != BL_OK) continue;
        double a = grid_x(g, c, on), e = grid_x(g, c, off), bar = p.y0 + (p.y1 - p.y0) * 0.03;
        svg_rect(&p, a, e > a ? e : 100, p.y0, bar, "burst");
        if (e <= a) svg_rect(&p, 0, e, p.y0, bar, "burst"); /* a burst across the touchdown */
        svg_triangle(&p, a, p.y0 + (p.y1 - p.y0) * 0.1, "onset"); /* inside, under the phase names */
    }
    svg_close(f);
}

void gait_fig_time(FILE *f, const bl_gait *g, size_t c, double t0, double t1)
{
    const char *name = bl_gait_channel_name(g, c);
    size_t n = 0;
    double rate = 0;
    const float *env = bl_gait_channel_envelope(g, c, &n, &rate);
    if (!env) {
        page_left_out(f, name, bl_gait_channel_why(g, c));
        return;
    }
    char title[128];
    snprintf(title, sizeof title, "%s: filtered signal and envelope, %.1f to %.1f s, with its cycles", name, t0, t1);
    svg_open(f, FIG_W, 200, "data-channel", name, title);
    double top = 0, amp = 1e-9;
    for (size_t i = (size_t)fmax(0, t0 * rate); i < n && (double)i < t1 * rate; i++)
        if (isfinite(env[i]) && env[i] > top) top = env[i];
    size_t ns = 0;
    double srate = 0;
    const float *sig = bl_gait_channel_signal(g, c, &ns, &srate);
    for (size_t i = (size_t)fmax(0, t0 * srate); sig && i < ns && (double)i < t1 * srate; i++)
        if (isfinite(sig[i]) && fabsf(sig[i]) > amp) amp = fabsf(sig[i]);
    double pw = FIG_W - FIG_LEFT - FIG_RIGHT;
    svg_plot all = {f, FIG_LEFT, 14, pw, 150, t0, t1, 0, 1, 0};
    svg_plot sp = {f, FIG_LEFT, 18, pw, 40, t0, t1, -amp, amp, 0};
    svg_plot p = {f, FIG_LEFT, 64, pw, 100, t0, t1, 0, svg_nice_top(top), 0};
    for (size_t k = 0; k < bl_gait_channel_cycles(g, c); k++) { /* the cycles of its side it uses */
        bl_gait_cycle cy;
        if (bl_gait_get_cycle(g, bl_gait_channel_cycle(g, c, k), &cy) != BL_OK || cy.end_s < t0 || cy.start_s > t1)
            continue;
        if (isfinite(cy.liftoff_s)) svg_xband(&all, cy.start_s, cy.liftoff_s, "r-cycle");
        svg_vline(&all, cy.start_s, "turn");
        for (size_t b = 0; b < bl_gait_channel_bursts(g, c); b++) { /* the mean curve's onsets in this cycle */
            double on, off;
            if (bl_gait_get_burst(g, c, b, &on, &off) == BL_OK)
                svg_triangle(&p, cy.start_s + on / 100 * (cy.end_s - cy.start_s), p.y1, "onset");
        }
    }
    if (sig) {
        char lab[48], num[24];
        svg_trace_band(&sp, sig, ns, srate, "sig");
        snprintf(lab, sizeof lab, "\xc2\xb1%s %s", page_num(num, sizeof num, amp, amp < 10 ? 2 : 0),
                 page_unit(bl_gait_signal_unit(g)));
        svg_text_px(f, FIG_LEFT - 4, sp.top + sp.height / 2 + 4, "end", "small", lab);
    }
    svg_axes(&p, "time (s)", NULL, page_unit(bl_gait_unit(g)));
    svg_trace_mean(&p, env, n, rate, "env");
    svg_close(f);
}

void gait_fig_synergy(FILE *f, const cJSON *set, size_t k)
{
    const cJSON *mod = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(set, "modules"), (int)k);
    const cJSON *prim = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(set, "primitives"), (int)k);
    const cJSON *side = cJSON_GetObjectItemCaseSensitive(set, "side");
    char title[96], id[64];
    snprintf(id, sizeof id, "synergy-%s-%zu", cJSON_IsString(side) ? side->valuestring : "?", k + 1);
    snprintf(title, sizeof title, "synergy %zu: module (muscle weights) and primitive", k + 1);
    svg_open(f, FIG_W, 170, "data-figure", id, title);
    size_t nm = (size_t)cJSON_GetArraySize(mod), i = 0;
    svg_plot w = {f, FIG_LEFT, 12, 230, 110, 0, (double)(nm ? nm : 1), 0, 1, 0};
    svg_axis_y(&w, "weight");
    const cJSON *m;
    cJSON_ArrayForEach(m, mod)
    {
        double v = cJSON_IsNumber(m) ? m->valuedouble : 0;
        svg_rect(&w, (double)i + 0.15, (double)i + 0.85, 0, v, "bar");
        const char *nm_s = m->string ? m->string : "";
        /* slanted, so thirteen muscles' names do not run into each other */
        fprintf(f, "<text class=\"small\" text-anchor=\"end\" transform=\"translate(%.1f %.1f) rotate(-45)\">",
                svg_px_x(&w, (double)i + 0.5) + 3, w.top + w.height + 8);
        svg_escape(f, strchr(nm_s, '.') ? strchr(nm_s, '.') + 1 : nm_s);
        fputs("</text>\n", f);
        i++;
    }
    size_t np = (size_t)cJSON_GetArraySize(prim);
    double *y = np ? malloc(np * sizeof *y) : NULL, top = 0;
    for (size_t j = 0; y && j < np; j++) {
        const cJSON *v = cJSON_GetArrayItem(prim, (int)j);
        y[j] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (y[j] > top) top = y[j];
    }
    svg_plot pr = {f, 330, 12, FIG_W - 330 - FIG_RIGHT, 120, 0, 100, 0, top > 0 ? top : 1, 0};
    svg_axis_x(&pr, "cycle, on the muscles' panels' axis", NULL);
    if (y && np > 1) svg_curve(&pr, y, np, 100.0 / (double)(np - 1), "mean");
    free(y);
    svg_close(f);
}
