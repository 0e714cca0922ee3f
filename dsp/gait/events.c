/* The gait events set: touchdowns and lift-offs with their sides, and
 * the check that they can make cycles (gait.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "internal.h"

const char *bl_gait_event_kind_name(bl_gait_event_kind k)
{
    return k == BL_GAIT_LIFTOFF ? "liftoff" : k == BL_GAIT_TOUCHDOWN ? "touchdown" : "?";
}

const char *bl_gait_side_name(bl_side s)
{
    return s == BL_SIDE_LEFT ? "L" : s == BL_SIDE_RIGHT ? "R" : "";
}

bl_status bl_gait_events_create(bl_gait_events **out)
{
    if (!out) return BL_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? BL_OK : BL_ENOMEM;
}

void bl_gait_events_destroy(bl_gait_events *ev)
{
    if (!ev) return;
    free(ev->ev);
    free(ev->line);
    bli_lines_free(&ev->warn);
    free(ev);
}

bl_status bli_gait_events_push(bl_gait_events *ev, double time_s, bl_side side, bl_gait_event_kind kind,
                               size_t line)
{
    if (!ev || !isfinite(time_s) || (int)side < BL_SIDE_NONE || side > BL_SIDE_RIGHT ||
        (kind != BL_GAIT_TOUCHDOWN && kind != BL_GAIT_LIFTOFF))
        return BL_EINVAL;
    if (ev->n == ev->cap) {
        size_t cap = ev->cap ? 2 * ev->cap : 64;
        bl_gait_event *e = realloc(ev->ev, cap * sizeof *e);
        if (!e) return BL_ENOMEM;
        ev->ev = e;
        size_t *l = realloc(ev->line, cap * sizeof *l);
        if (!l) return BL_ENOMEM;
        ev->line = l;
        ev->cap = cap;
    }
    ev->ev[ev->n] = (bl_gait_event){time_s, side, kind};
    ev->line[ev->n] = line;
    ev->n++;
    return BL_OK;
}

bl_status bli_gait_events_copy(const bl_gait_events *src, bl_gait_events **out)
{
    bl_gait_events *ev = NULL;
    bl_status st = bl_gait_events_create(&ev);
    for (size_t i = 0; st == BL_OK && i < src->n; i++)
        st = bli_gait_events_push(ev, src->ev[i].time_s, src->ev[i].side, src->ev[i].kind, src->line[i]);
    for (size_t i = 0; st == BL_OK && i < src->warn.n; i++) st = bli_lines_add(&ev->warn, "%s", src->warn.line[i]);
    if (st != BL_OK) {
        bl_gait_events_destroy(ev);
        return st;
    }
    ev->source = src->source;
    ev->repeats_said = src->repeats_said;
    memcpy(ev->fs, src->fs, sizeof ev->fs);
    ev->n_fs = src->n_fs;
    memcpy(ev->knee, src->knee, sizeof ev->knee);
    ev->n_knee = src->n_knee;
    *out = ev;
    return BL_OK;
}

bl_status bl_gait_events_merge(const bl_gait_events *a, const bl_gait_events *b, bl_gait_events **out)
{
    if (out) *out = NULL;
    if (!a || !b || !out) return BL_EINVAL;
    if (a->n_fs + b->n_fs > BLI_GAIT_MAX_FOOTSWITCH || a->n_knee + b->n_knee > BLI_GAIT_MAX_FOOTSWITCH)
        return BL_ERANGE;
    bl_gait_events *ev = NULL;
    bl_status st = bl_gait_events_create(&ev);
    for (size_t i = 0, j = 0; st == BL_OK && (i < a->n || j < b->n);) {
        /* a's event first at equal times: the merge is stable. */
        int from_a = j == b->n || (i < a->n && a->ev[i].time_s <= b->ev[j].time_s);
        const bl_gait_events *s = from_a ? a : b;
        size_t k = from_a ? i++ : j++;
        st = bli_gait_events_push(ev, s->ev[k].time_s, s->ev[k].side, s->ev[k].kind, s->line[k]);
    }
    for (size_t i = 0; st == BL_OK && i < a->warn.n; i++) st = bli_lines_add(&ev->warn, "%s", a->warn.line[i]);
    for (size_t i = 0; st == BL_OK && i < b->warn.n; i++) st = bli_lines_add(&ev->warn, "%s", b->warn.line[i]);
    if (st != BL_OK) {
        bl_gait_events_destroy(ev);
        return st;
    }
    ev->source = a->source == b->source ? a->source : BL_GAIT_EVENTS_GIVEN;
    memcpy(ev->fs, a->fs, a->n_fs * sizeof *ev->fs);
    memcpy(ev->fs + a->n_fs, b->fs, b->n_fs * sizeof *ev->fs);
    ev->n_fs = a->n_fs + b->n_fs;
    memcpy(ev->knee, a->knee, a->n_knee * sizeof *ev->knee);
    memcpy(ev->knee + a->n_knee, b->knee, b->n_knee * sizeof *ev->knee);
    ev->n_knee = a->n_knee + b->n_knee;
    *out = ev;
    return BL_OK;
}

bl_status bli_gait_check_channel(const float *x, size_t n, double rate_hz, bl_side side, const char *what,
                                 size_t channel, char *why, size_t why_len)
{
    if (!x || !n || !(rate_hz > 0) || !isfinite(rate_hz) || (int)side < BL_SIDE_NONE || side > BL_SIDE_RIGHT)
        return BL_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            bli_set_why(why, why_len, "%s channel %zu: sample %zu (%.3f s) is not finite", what, channel + 1, i,
                        (double)i / rate_hz);
            return BL_ENONFINITE;
        }
    return BL_OK;
}

bl_status bl_gait_events_add(bl_gait_events *ev, double time_s, bl_side side, bl_gait_event_kind kind)
{
    return bli_gait_events_push(ev, time_s, side, kind, 0);
}

size_t bl_gait_events_count(const bl_gait_events *ev) { return ev ? ev->n : 0; }

bl_status bl_gait_events_get(const bl_gait_events *ev, size_t i, bl_gait_event *out)
{
    if (!ev || !out) return BL_EINVAL;
    if (i >= ev->n) return BL_ERANGE;
    *out = ev->ev[i];
    return BL_OK;
}

bl_gait_events_source bl_gait_events_source_of(const bl_gait_events *ev)
{
    return ev ? ev->source : BL_GAIT_EVENTS_GIVEN;
}

int bl_gait_events_estimated(const bl_gait_events *ev) { return ev && ev->n_knee > 0; }

size_t bl_gait_events_warnings(const bl_gait_events *ev) { return ev ? ev->warn.n : 0; }

const char *bl_gait_events_warning(const bl_gait_events *ev, size_t i)
{
    return ev && i < ev->warn.n ? ev->warn.line[i] : NULL;
}

/* "line 7" for an event read from a file, "event 7" for one added. */
static const char *where(const bl_gait_events *ev, size_t i, char *buf, size_t len)
{
    if (ev->line[i]) snprintf(buf, len, "line %zu", ev->line[i]);
    else snprintf(buf, len, "event %zu", i + 1);
    return buf;
}

const char *bli_gait_side_label(bl_side s)
{
    return s == BL_SIDE_LEFT ? "L" : s == BL_SIDE_RIGHT ? "R" : "(no side)";
}

/* Per side, the previous event of that side: a repeated kind is worth a
 * warning (the cycle it falls in will be dropped), never an error. */
static bl_status repeats(bl_gait_events *ev)
{
    long last[3] = {-1, -1, -1};
    for (size_t i = 0; i < ev->n; i++) {
        const bl_gait_event *e = &ev->ev[i];
        long p = last[e->side];
        last[e->side] = (long)i;
        if (p < 0 || ev->ev[p].kind != e->kind) continue;
        char a[32], b[32];
        bl_status st = bli_lines_add(&ev->warn, "%s and %s: two %ss of side %s (%.3f and %.3f s) without a %s "
                                     "between", where(ev, (size_t)p, a, sizeof a), where(ev, i, b, sizeof b),
                                     bl_gait_event_kind_name(e->kind), bli_gait_side_label(e->side), ev->ev[p].time_s,
                                     e->time_s, e->kind == BL_GAIT_TOUCHDOWN ? "lift-off" : "touchdown");
        if (st != BL_OK) return st;
    }
    return BL_OK;
}

bl_status bl_gait_events_validate(bl_gait_events *ev, double duration_s, char *why, size_t why_len)
{
    if (!ev || !(duration_s >= 0)) return BL_EINVAL;
    char a[32], b[32];
    size_t touchdowns[3] = {0, 0, 0};
    for (size_t i = 0; i < ev->n; i++) {
        const bl_gait_event *e = &ev->ev[i];
        if (e->time_s < 0 || (duration_s > 0 && e->time_s > duration_s)) {
            bli_set_why(why, why_len, "%s: %s at %.3f s is outside the recording (0 to %.3f s)",
                        where(ev, i, a, sizeof a), bl_gait_event_kind_name(e->kind), e->time_s, duration_s);
            return BL_ERANGE;
        }
        if (i && e->time_s < ev->ev[i - 1].time_s) {
            bli_set_why(why, why_len, "%s: time %.3f s comes before %.3f s of %s (events must be sorted by time)",
                        where(ev, i, a, sizeof a), e->time_s, ev->ev[i - 1].time_s, where(ev, i - 1, b, sizeof b));
            return BL_EINVAL;
        }
        /* Equal times are sorted; a touchdown and a lift-off of one foot
         * at one instant contradict each other, and the same event twice
         * would make a cycle of no length. */
        for (size_t j = i; j-- > 0 && ev->ev[j].time_s == e->time_s;)
            if (ev->ev[j].side == e->side) {
                if (ev->ev[j].kind != e->kind)
                    bli_set_why(why, why_len, "%s: a touchdown and a lift-off of side %s at the same time %.3f s "
                                "(with %s)", where(ev, i, a, sizeof a), bli_gait_side_label(e->side), e->time_s,
                                where(ev, j, b, sizeof b));
                else
                    bli_set_why(why, why_len, "%s: the same %s of side %s at %.3f s as %s", where(ev, i, a, sizeof a),
                                bl_gait_event_kind_name(e->kind), bli_gait_side_label(e->side), e->time_s,
                                where(ev, j, b, sizeof b));
                return BL_EINVAL;
            }
        if (e->kind == BL_GAIT_TOUCHDOWN) touchdowns[e->side]++;
    }
    if (touchdowns[0] < 2 && touchdowns[1] < 2 && touchdowns[2] < 2) {
        bli_set_why(why, why_len, "fewer than two touchdowns of any side (L %zu, R %zu, no side %zu): a cycle runs "
                    "from a touchdown to the next of the same side", touchdowns[BL_SIDE_LEFT],
                    touchdowns[BL_SIDE_RIGHT], touchdowns[BL_SIDE_NONE]);
        return BL_ENODATA;
    }
    /* Warnings once: a set validated twice does not say things twice. */
    if (ev->repeats_said) return BL_OK;
    ev->repeats_said = 1;
    return repeats(ev);
}
