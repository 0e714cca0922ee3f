/* Inline SVG figures for the HTML reports. See svg_plot.h. Coordinates are
 * written with one decimal: a tenth of a pixel is below what any screen or
 * printer shows, and it keeps long traces small. */
#include "svg_plot.h"

#include <math.h>
#include <stdlib.h>

void svg_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

void svg_open(FILE *f, double w, double h, const char *key, const char *value, const char *title)
{
    fprintf(f, "<svg class=\"fig\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\"", w, h);
    if (key) {
        fprintf(f, " %s=\"", key);
        svg_escape(f, value);
        fputc('"', f);
    }
    fputs("><title>", f);
    svg_escape(f, title);
    fputs("</title>\n", f);
}

void svg_close(FILE *f) { fputs("</svg>\n", f); }

double svg_px_x(const svg_plot *p, double x)
{
    double span = p->x1 - p->x0;
    return p->left + (span > 0 ? (x - p->x0) / span : 0) * p->width;
}

double svg_px_y(const svg_plot *p, double y)
{
    double span = p->y1 - p->y0, v = span > 0 ? (y - p->y0) / span : 0;
    if (v < 0) v = 0;
    if (v > 1) v = 1;
    return p->top + (1 - v) * p->height;
}

double svg_tick_step(double span, int n)
{
    if (!(span > 0) || n < 1) return 1;
    double raw = span / n, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

double svg_nice_top(double v)
{
    if (!(v > 0)) return 1;
    double s = svg_tick_step(v, 4);
    return ceil(v / s - 1e-9) * s;
}

/* A tick value with the decimals its step needs ("0.25", "10"). */
static void tick_label(char *buf, size_t len, double v, double step, const char *suffix)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (fabs(v) < step * 1e-6) v = 0;
    snprintf(buf, len, "%.*f%s", dec, v, suffix ? suffix : "");
}

void svg_text_px(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
    if (cls && *cls) fprintf(f, " class=\"%s\"", cls);
    fputc('>', f);
    svg_escape(f, text);
    fputs("</text>\n", f);
}

void svg_text(const svg_plot *p, double x, double y, const char *anchor, const char *cls, const char *text)
{
    svg_text_px(p->f, svg_px_x(p, x), svg_px_y(p, y), anchor, cls, text);
}

void svg_axis_y(const svg_plot *p, const char *label)
{
    FILE *f = p->f;
    char buf[48];
    double ys = svg_tick_step(p->y1 - p->y0, 4);
    for (double v = ceil(p->y0 / ys) * ys; v <= p->y1 + ys * 1e-9; v += ys) {
        double y = svg_px_y(p, v);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", p->left,
                p->left + p->width, y, y);
        tick_label(buf, sizeof buf, v, ys, NULL);
        svg_text_px(f, p->left - 4, y + 4, "end", "tick", buf);
    }
    if (label) {
        fprintf(f, "<text class=\"label\" text-anchor=\"middle\" transform=\"translate(%.1f %.1f) rotate(-90)\">",
                p->left - 36, p->top + p->height / 2);
        svg_escape(f, label);
        fputs("</text>\n", f);
    }
}

void svg_axis_x(const svg_plot *p, const char *label, const char *suffix)
{
    FILE *f = p->f;
    char buf[48];
    double xs = svg_tick_step(p->x1 - p->x0, (int)(p->width / 70) + 1);
    if (p->x_whole && xs < 1) xs = 1;
    double yb = p->top + p->height;
    for (double v = ceil(p->x0 / xs) * xs; v <= p->x1 + xs * 1e-9; v += xs) {
        double x = svg_px_x(p, v);
        fprintf(f, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", x, x, yb, yb + 4);
        tick_label(buf, sizeof buf, v, xs, suffix);
        svg_text_px(f, x, yb + 15, "middle", "tick", buf);
    }
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", p->left,
            p->left + p->width, yb, yb);
    if (label) svg_text_px(f, p->left + p->width, yb + 28, "end", "label", label);
}

void svg_axes(const svg_plot *p, const char *x_label, const char *x_suffix, const char *y_label)
{
    svg_axis_y(p, y_label);
    svg_axis_x(p, x_label, x_suffix);
}

void svg_rect(const svg_plot *p, double xa, double xb, double ya, double yb, const char *cls)
{
    double x0 = svg_px_x(p, xa), x1 = svg_px_x(p, xb), y0 = svg_px_y(p, yb), y1 = svg_px_y(p, ya);
    if (x0 < p->left) x0 = p->left;
    if (x1 > p->left + p->width) x1 = p->left + p->width;
    if (x1 <= x0) return;
    fprintf(p->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n", cls, x0, y0, x1 - x0,
            y1 - y0);
}

void svg_xband(const svg_plot *p, double a, double b, const char *cls) { svg_rect(p, a, b, p->y0, p->y1, cls); }

void svg_line(const svg_plot *p, double xa, double ya, double xb, double yb, const char *cls)
{
    fprintf(p->f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", cls, svg_px_x(p, xa),
            svg_px_y(p, ya), svg_px_x(p, xb), svg_px_y(p, yb));
}

void svg_vline(const svg_plot *p, double x, const char *cls)
{
    if (x < p->x0 || x > p->x1) return;
    svg_line(p, x, p->y0, x, p->y1, cls);
}

void svg_hline(const svg_plot *p, double y, const char *cls) { svg_line(p, p->x0, y, p->x1, y, cls); }

void svg_triangle(const svg_plot *p, double x, double y, const char *cls)
{
    if (x < p->x0 || x > p->x1) return;
    double px = svg_px_x(p, x), py = svg_px_y(p, y);
    fprintf(p->f, "<path class=\"%s\" d=\"M%.1f %.1fl-4 -7h8z\"/>\n", cls, px, py);
}

void svg_dot(const svg_plot *p, double x, double y, const char *cls)
{
    fprintf(p->f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n", cls, svg_px_x(p, x), svg_px_y(p, y));
}

/* Pixel columns of the plot: for each, the samples [a, b) of x it covers.
 * One column per pixel keeps a one-hour trace as small as a 10 s one. */
typedef struct column {
    double sum, lo, hi;
    size_t count;
} column;

static column *columns(const svg_plot *p, const float *x, size_t n, double rate_hz, size_t *ncol)
{
    size_t nc = (size_t)ceil(p->width);
    column *c = nc ? calloc(nc, sizeof *c) : NULL;
    *ncol = c ? nc : 0;
    if (!c || !(rate_hz > 0) || !(p->x1 > p->x0)) return c;
    double a = floor(p->x0 * rate_hz), b = ceil(p->x1 * rate_hz);
    size_t i0 = a < 0 ? 0 : (size_t)a, i1 = b < (double)n ? (size_t)b : n;
    double per_px = (p->x1 - p->x0) * rate_hz / (double)nc;
    for (size_t i = i0; i < i1; i++) {
        if (!isfinite(x[i])) continue;
        double k = ((double)i - p->x0 * rate_hz) / per_px;
        if (k < 0 || k >= (double)nc) continue;
        column *col = &c[(size_t)k];
        if (!col->count || x[i] < col->lo) col->lo = x[i];
        if (!col->count || x[i] > col->hi) col->hi = x[i];
        col->sum += x[i];
        col->count++;
    }
    return c;
}

void svg_trace_mean(const svg_plot *p, const float *x, size_t n, double rate_hz, const char *cls)
{
    size_t nc = 0;
    column *c = columns(p, x, n, rate_hz, &nc);
    int open = 0;
    for (size_t k = 0; k < nc; k++) {
        if (!c[k].count) continue;
        if (!open) fprintf(p->f, "<polyline class=\"%s\" points=\"", cls);
        open = 1;
        fprintf(p->f, "%.1f,%.1f ", p->left + (double)k + 0.5, svg_px_y(p, c[k].sum / (double)c[k].count));
    }
    if (open) fputs("\"/>\n", p->f);
    free(c);
}

void svg_trace_band(const svg_plot *p, const float *x, size_t n, double rate_hz, const char *cls)
{
    size_t nc = 0;
    column *c = columns(p, x, n, rate_hz, &nc);
    size_t used = 0;
    for (size_t k = 0; k < nc; k++) used += c[k].count > 0;
    if (used) {
        fprintf(p->f, "<path class=\"%s\" d=\"", cls);
        char op = 'M';
        for (size_t k = 0; k < nc; k++) {
            if (!c[k].count) continue;
            fprintf(p->f, "%c%.1f %.1f", op, p->left + (double)k + 0.5, svg_px_y(p, c[k].hi));
            op = 'L';
        }
        for (size_t k = nc; k-- > 0;) {
            if (!c[k].count) continue;
            /* at least a pixel tall, so a quiet stretch still shows */
            double lo = svg_px_y(p, c[k].lo), hi = svg_px_y(p, c[k].hi);
            fprintf(p->f, "L%.1f %.1f", p->left + (double)k + 0.5, lo - hi < 1 ? hi + 1 : lo);
        }
        fputs("Z\"/>\n", p->f);
    }
    free(c);
}

static void curve_points(const svg_plot *p, const double *y, size_t n, double dx, int reverse)
{
    for (size_t j = 0; j < n; j++) {
        size_t i = reverse ? n - 1 - j : j;
        if (!isfinite(y[i])) continue;
        fprintf(p->f, "%.1f,%.1f ", svg_px_x(p, (double)i * dx), svg_px_y(p, y[i]));
    }
}

void svg_curve(const svg_plot *p, const double *y, size_t n, double dx, const char *cls)
{
    if (!y || !n) return;
    fprintf(p->f, "<polyline class=\"%s\" points=\"", cls);
    curve_points(p, y, n, dx, 0);
    fputs("\"/>\n", p->f);
}

void svg_curve_band(const svg_plot *p, const double *lo, const double *hi, size_t n, double dx, const char *cls)
{
    if (!lo || !hi || !n) return;
    fprintf(p->f, "<polygon class=\"%s\" points=\"", cls);
    curve_points(p, hi, n, dx, 0);
    curve_points(p, lo, n, dx, 1);
    fputs("\"/>\n", p->f);
}
