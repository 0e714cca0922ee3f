/* The gait analysis, start to end: the events checked against the
 * session, the cycles (cycles.c), channels and their envelopes in their
 * unit (channels.c), then per channel its cycles' curves (timenorm.c)
 * and their ensemble metrics (metrics.c). See include/backline/gait.h for
 * every number's definition. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "internal.h"

bl_status bli_gait_warn(bl_gait *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bl_status st = bli_lines_vadd(&g->warn, fmt, ap);
    va_end(ap);
    return st;
}

void bl_gait_destroy(bl_gait *g)
{
    if (!g) return;
    for (size_t c = 0; g->ch && c < g->nch; c++) {
        bli_gait_ch *ch = &g->ch[c];
        free(ch->cyc);
        free(ch->curves);
        free(ch->phase_pct);
        free(ch->phase_means);
        free(ch->mean);
        free(ch->sd);
        free(ch->point_phase);
        free(ch->bursts);
    }
    free(g->ch);
    bl_quality_destroy(g->quality);
    bl_recording_destroy(g->env);
    bl_recording_destroy(g->cond);
    bl_gait_events_destroy(g->events);
    free(g->found);
    free(g->cyc);
    bl_chanmap_destroy(g->map);
    free(g->lead_s);
    free(g->chains);
    free(g->stmt);
    free(g->sym);
    bli_gait_synergies_free(g);
    bli_lines_free(&g->warn);
    free(g);
}

/* Every candidate cycle, the dropped ones warned about by name, and the
 * kept ones into g->cyc. */
static bl_status cycles(bl_gait *g, const bl_gait_events *ev, char *why, size_t why_len)
{
    size_t n = 0;
    bl_status st = bl_gait_find_cycles(ev, &g->cfg.cycles, NULL, 0, &n);
    if (st != BL_OK) return st;
    g->found = calloc(n ? n : 1, sizeof *g->found);
    g->cyc = calloc(n ? n : 1, sizeof *g->cyc);
    if (!g->found || !g->cyc) return BL_ENOMEM;
    if ((st = bl_gait_find_cycles(ev, &g->cfg.cycles, g->found, n, &g->n_found)) != BL_OK) return st;
    for (size_t k = 0; k < n && st == BL_OK; k++) {
        if (g->found[k].state == BL_GAIT_CYCLE_KEPT) {
            g->cyc[g->ncyc++] = g->found[k];
            continue;
        }
        char line[BLI_GAIT_WHY_LEN];
        bl_gait_cycle_why(&g->found[k], &g->cfg.cycles, line, sizeof line);
        st = bli_gait_warn(g, "%s", line);
    }
    if (st == BL_OK && !g->ncyc) {
        bli_set_why(why, why_len, "no complete gait cycle: %zu candidate%s, none with one lift-off and a duration "
                    "within %g-%g x the median", n, n == 1 ? "" : "s", g->cfg.cycles.min_ratio,
                    g->cfg.cycles.max_ratio);
        return BL_ENODATA;
    }
    return st;
}

/* The kept cycles channel c uses (gait.h: its side's, else those without
 * a side, else the only side's). */
static bl_status assign(bl_gait *g, size_t c)
{
    size_t count[3] = {0, 0, 0};
    for (size_t k = 0; k < g->ncyc; k++) count[g->cyc[k].side]++;
    bl_side s = g->ch[c].side;
    if (s == BL_SIDE_NONE || !count[s]) s = BL_SIDE_NONE;
    /* An unsided channel may take the only side there is; a sided one
     * never takes the other leg's cycles. */
    if (!count[s] && g->ch[c].side == BL_SIDE_NONE && !count[BL_SIDE_LEFT] != !count[BL_SIDE_RIGHT])
        s = count[BL_SIDE_LEFT] ? BL_SIDE_LEFT : BL_SIDE_RIGHT;
    if (!count[s]) {
        char msg[BLI_GAIT_WHY_LEN];
        snprintf(msg, sizeof msg, "has no cycles of its side %s", bli_gait_side_label(g->ch[c].side));
        g->ch[c].used = 0;
        snprintf(g->ch[c].why, BLI_GAIT_WHY_LEN, "%s", msg);
        return bli_gait_warn(g, "channel %s %s: left out", g->ch[c].name, msg);
    }
    if (!(g->ch[c].cyc = malloc(count[s] * sizeof(size_t)))) return BL_ENOMEM;
    for (size_t k = 0; k < g->ncyc; k++)
        if (g->cyc[k].side == s) g->ch[c].cyc[g->ch[c].ncyc++] = k;
    return BL_OK;
}

static bl_status per_channel(bl_gait *g)
{
    size_t nch = g->nch;
    bli_gait_grid(g);
    bl_status st = BL_OK;
    for (size_t c = 0; c < nch && st == BL_OK; c++) {
        if (!g->ch[c].used || (st = assign(g, c)) != BL_OK || !g->ch[c].used) continue;
        if ((st = bli_gait_channel_curves(g, c)) == BL_OK) st = bli_gait_channel_metrics(g, c);
    }
    return st;
}

/* The events' own warnings, and the set kept for its description. */
static bl_status take_events(bl_gait *g, bl_gait_events *ev)
{
    bl_status st = BL_OK;
    g->events = ev;
    for (size_t i = 0; st == BL_OK && i < bl_gait_events_warnings(ev); i++)
        st = bli_gait_warn(g, "events: %s", bl_gait_events_warning(ev, i));
    return st;
}

bl_status bl_gait_analyse(const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                          const bl_gait_events *events, const bl_gait_config *cfg, bl_gait **out, char *why,
                          size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = '\0';
    if (!session || !events || !cfg || !out || (n_mvc && !mvc)) return BL_EINVAL;
    for (size_t t = 0; t < n_mvc; t++)
        if (!mvc[t]) return BL_EINVAL;
    if (!bli_gait_config_ok(cfg)) {
        bli_set_why(why, why_len, "invalid gait configuration");
        return BL_EINVAL;
    }
    /* Validated on a copy: the caller's set is const. */
    bl_gait_events *ev = NULL;
    bl_status st = bli_gait_events_copy(events, &ev);
    bl_gait *g = st == BL_OK ? calloc(1, sizeof *g) : NULL;
    if (!g) {
        bl_gait_events_destroy(ev);
        return BL_ENOMEM;
    }
    g->cfg = *cfg;
    g->nch = bl_recording_channels(session);
    if ((st = bl_gait_events_validate(ev, bl_recording_duration(session), why, why_len)) != BL_OK) goto fail;
    st = take_events(g, ev);
    ev = NULL; /* g owns it now */
    if (st != BL_OK) goto fail;
    if ((st = cycles(g, g->events, why, why_len)) != BL_OK) goto fail;
    if ((st = bli_gait_setup_channels(g, session)) != BL_OK) goto fail;
    if ((st = bli_gait_envelopes(g, session, mvc, n_mvc, why, why_len)) != BL_OK) goto fail;
    if ((st = per_channel(g)) != BL_OK) goto fail;
    if ((st = bli_gait_chains(g)) != BL_OK || (st = bli_gait_symmetry(g)) != BL_OK) goto fail;
    if ((st = bli_gait_synergies(g)) != BL_OK) goto fail;
    *out = g;
    return BL_OK;
fail:
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    bl_gait_events_destroy(ev);
    bl_gait_destroy(g);
    return st;
}
