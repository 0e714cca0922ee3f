/* The streaming clipping counter (clipping.h). Runs are tracked at the
 * running maximum and minimum: when a new extreme appears, what was
 * counted at the old one is dropped, so at the end only runs at the final
 * extremes remain, as a two-pass count would find them. */
#include "backline/clipping.h"

#include <math.h>
#include <string.h>

enum { ALL = 0, BELOW = 1 };

static void rail_reset(bl_clip_rail *r, float value)
{
    memset(r, 0, sizeof *r);
    r->value = value;
}

/* A run of `variant` ends: it counts if long enough. */
static void rail_close(bl_clip_rail *r, int variant)
{
    if (r->run[variant] >= BL_CLIP_PLATEAU_RUN) {
        r->flat[variant] += r->run[variant];
        r->tops[variant]++;
    }
    r->run[variant] = 0;
}

/* Sample x against a rail whose extreme it equals (on = 1) or not. */
static void rail_sample(bl_clip_rail *r, int on, int at_level)
{
    if (!on) {
        rail_close(r, ALL);
        rail_close(r, BELOW);
        return;
    }
    r->run[ALL]++;
    if (at_level) rail_close(r, BELOW); /* a sample at the limit counts as such, and ends a flat top */
    else r->run[BELOW]++;
}

void bl_clip_counter_init(bl_clip_counter *c, double full_scale)
{
    if (!c) return;
    memset(c, 0, sizeof *c);
    c->full_scale = full_scale > 0 ? full_scale : 0;
    c->level = BL_CLIP_LEVEL * c->full_scale;
}

void bl_clip_counter_add(bl_clip_counter *c, const float *x, size_t n, size_t stride)
{
    if (!c || !x || stride == 0) return;
    for (size_t i = 0; i < n; i++) {
        float v = x[i * stride];
        int at_level = c->full_scale > 0 && fabs((double)v) >= c->level;
        if (c->n == 0) {
            rail_reset(&c->hi, v);
            rail_reset(&c->lo, v);
        } else {
            float d = fabsf(v - c->prev);
            if (d > 0 && (c->step == 0 || d < c->step)) c->step = d;
            if (v > c->hi.value) rail_reset(&c->hi, v);
            if (v < c->lo.value) rail_reset(&c->lo, v);
        }
        c->at_level += (uint64_t)at_level;
        rail_sample(&c->hi, v == c->hi.value, at_level);
        rail_sample(&c->lo, v == c->lo.value && c->lo.value != c->hi.value, at_level);
        c->prev = v;
        c->n++;
    }
}

double bl_clip_counter_fraction(const bl_clip_counter *c)
{
    if (!c || c->n == 0) return 0.0;
    bl_clip_rail hi = c->hi, lo = c->lo;
    for (int v = 0; v < 2; v++) {
        rail_close(&hi, v);
        rail_close(&lo, v);
    }
    double peak = fmax(fabs((double)hi.value), fabs((double)lo.value));
    int limited = c->full_scale > 0 && peak <= c->full_scale * (1 + 1e-6);
    int variant = limited ? BELOW : ALL;
    int hi_rail = c->step > 0 && hi.value >= BL_CLIP_PLATEAU_STEPS * c->step;
    int lo_rail = c->step > 0 && -lo.value >= BL_CLIP_PLATEAU_STEPS * c->step;
    uint64_t flat = (hi_rail ? hi.flat[variant] : 0) + (lo_rail ? lo.flat[variant] : 0);
    uint64_t tops = (hi_rail ? hi.tops[variant] : 0) + (lo_rail ? lo.tops[variant] : 0);
    uint64_t k = limited ? c->at_level : 0;
    return (double)(k + (tops > 1 ? flat : 0)) / (double)c->n;
}
