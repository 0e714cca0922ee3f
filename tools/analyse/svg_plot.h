/* Inline SVG figures for the HTML reports, drawn by our code (no script):
 * a figure is an <svg> with a viewBox that scales to its container, so a
 * page stays within the screen at any width and prints without reflow.
 * A plot maps a data rectangle onto a pixel rectangle of the figure; the
 * drawing calls take data coordinates. Writes go to a FILE whose error
 * flag the caller checks once when it closes the output. */
#ifndef SVG_PLOT_H
#define SVG_PLOT_H

#include <stddef.h>
#include <stdio.h>

/* The reports' panel geometry: every panel is this wide (its text then
 * has one size across the page), its plot area this far from the edges. */
#define SVG_FIG_W 560.0
#define SVG_FIG_LEFT 50.0
#define SVG_FIG_RIGHT 12.0

typedef struct svg_plot {
    FILE *f;
    double left, top, width, height; /* the plot area, px in the figure */
    double x0, x1, y0, y1;           /* the data range it shows */
    int x_whole;                     /* 1: x ticks on whole numbers only (counts) */
} svg_plot;

/* <svg> of w x h px (scaled to the container's width), with the attribute
 * key="value" when key is not NULL (data-channel="L.ST", data-figure=...)
 * and an accessible title. */
void svg_open(FILE *f, double w, double h, const char *key, const char *value, const char *title);
void svg_close(FILE *f);

/* Text escaped for HTML and SVG (&, <, >, "). */
void svg_escape(FILE *f, const char *s);

double svg_px_x(const svg_plot *p, double x);
double svg_px_y(const svg_plot *p, double y); /* clamped to the plot area */

/* A "nice" tick step (1, 2 or 5 x 10^k) giving about n ticks over span. */
double svg_tick_step(double span, int n);
/* A round axis top at or above v (a multiple of its tick step); 1 for v
 * of 0 or less. */
double svg_nice_top(double v);

/* Grid lines and tick labels on the left (y) and bottom (x) edges, the
 * y label rotated beside the left axis and the x label under the ticks
 * (either NULL for none). x ticks get `x_suffix` ("s", "%"). */
void svg_axes(const svg_plot *p, const char *x_label, const char *x_suffix, const char *y_label);
/* Each edge alone. */
void svg_axis_y(const svg_plot *p, const char *label);
void svg_axis_x(const svg_plot *p, const char *label, const char *suffix);

/* A text at data (x, y) with class cls ("" for none), anchor start,
 * middle or end. */
void svg_text(const svg_plot *p, double x, double y, const char *anchor, const char *cls, const char *text);
/* The same at figure pixels. */
void svg_text_px(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text);

/* A rectangle between data x a..b over the plot's whole height (bands of
 * repetitions, phases), or between y a..b too with svg_rect. */
void svg_xband(const svg_plot *p, double a, double b, const char *cls);
void svg_rect(const svg_plot *p, double xa, double xb, double ya, double yb, const char *cls);
void svg_vline(const svg_plot *p, double x, const char *cls);
void svg_hline(const svg_plot *p, double y, const char *cls);
void svg_line(const svg_plot *p, double xa, double ya, double xb, double yb, const char *cls);
/* A marker at data (x, y): a small downward triangle (onsets) or a dot. */
void svg_triangle(const svg_plot *p, double x, double y, const char *cls);
void svg_dot(const svg_plot *p, double x, double y, const char *cls);

/* A sampled signal x[0..n) at rate_hz from time 0, over the plot's x range
 * (seconds): the mean of each pixel column as a polyline (envelopes), or
 * the min..max of each column as a filled band (raw/filtered signals,
 * whose every spike stays visible). Samples outside the range are skipped;
 * NaN samples break nothing (skipped). */
void svg_trace_mean(const svg_plot *p, const float *x, size_t n, double rate_hz, const char *cls);
void svg_trace_band(const svg_plot *p, const float *x, size_t n, double rate_hz, const char *cls);
/* y[i] at x = i * dx (cycle curves); a band between lo and hi the same way. */
void svg_curve(const svg_plot *p, const double *y, size_t n, double dx, const char *cls);
void svg_curve_band(const svg_plot *p, const double *lo, const double *hi, size_t n, double dx, const char *cls);

#endif
