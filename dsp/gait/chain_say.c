/* The posterior-chain answers in words: each statement gives the numbers
 * behind it and the rule that produced it, from the configuration and
 * the constants chain.c ran with (gait.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"

static bl_status say(bl_gait *g, const bl_gait_chain *ch, const char *key, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static bl_status say(bl_gait *g, const bl_gait_chain *ch, const char *key, const char *rule, const char *fmt, ...)
{
    bli_gait_stmt *p = realloc(g->stmt, (g->nstmt + 1) * sizeof *p);
    if (!p) return BL_ENOMEM;
    g->stmt = p;
    bli_gait_stmt *s = &p[g->nstmt++];
    s->side = ch->side;
    s->key = key;
    int n = snprintf(s->text, sizeof s->text, "%s: ", ch->side == BL_SIDE_NONE ? "(no side)" : bl_gait_side_name(ch->side));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->text + n, sizeof s->text - (size_t)n, fmt, ap);
    va_end(ap);
    snprintf(s->rule, sizeof s->rule, "%s", rule);
    return BL_OK;
}

/* "terminal swing (87-100 %)" for the rules. */
static const char *stretch(bl_gait_phase a, bl_gait_phase b, char *buf, size_t len)
{
    if (a == b)
        snprintf(buf, len, "%s (%g-%g %%)", bl_gait_phase_name(a), bli_perry_bound(a), bli_perry_bound(a + 1));
    else
        snprintf(buf, len, "%s and %s (%g-%g %%, weighted by their widths)", bl_gait_phase_name(a),
                 bl_gait_phase_name(b), bli_perry_bound(a), bli_perry_bound(b + 1));
    return buf;
}

static bl_status share(bl_gait *g, const bl_gait_chain *ch, const char *key, bl_gait_phase a, bl_gait_phase b,
                       double v, const char *what, double limit, const char *above, const char *below)
{
    char rule[BLI_GAIT_TEXT_LEN], where[160];
    snprintf(rule, sizeof rule, "mean of each hamstring channel (ST, SM, BF) over %s of a normal cycle, scaled to "
             "each cycle's own stance and swing, as %% of the peak of that channel's mean curve, averaged over the "
             "channels; %s at or above %g %%", stretch(a, b, where, sizeof where), above, limit);
    if (!isfinite(v)) return say(g, ch, key, rule, "hamstrings %s: no value", what);
    return say(g, ch, key, rule, "hamstrings %s: %.0f %% of their cycle peak (%zu channel%s, %zu cycles): %s", what, v,
               ch->n_hamstring, ch->n_hamstring == 1 ? "" : "s", ch->cycles, v >= limit ? above : below);
}

static bl_status lead(bl_gait *g, const bl_gait_chain *ch)
{
    char rule[BLI_GAIT_TEXT_LEN];
    snprintf(rule, sizeof rule, "per cycle, each channel's onset is where its envelope first rises through %g of "
             "its trough-to-peak range, after the trough that precedes the peak of the window from %g to %g of the "
             "cycle around touchdown; the hamstrings' onset is their earliest channel's; lead = hamstring onset - "
             "GMAX onset (positive: the glute first); overall the median over the cycles with both",
             g->cfg.lead_rise_fraction, -g->cfg.lead_before, g->cfg.lead_after);
    if (!ch->n_glute) return say(g, ch, "glute_lead", rule, "no gluteus maximus channel: glute/hamstring timing unknown");
    if (!ch->lead_cycles)
        return say(g, ch, "glute_lead", rule, "no cycle with both a gluteus maximus and a hamstring onset near "
                   "touchdown: timing unknown");
    double ms = 1000.0 * fabs(ch->glute_lead_s);
    return say(g, ch, "glute_lead", rule, "the gluteus maximus fires %.0f ms (%.1f %% of the cycle) %s the hamstrings "
               "around touchdown (median of %zu cycles; glute first in %zu of %zu)%s", ms, fabs(ch->glute_lead_pct),
               ch->glute_lead_s >= 0 ? "before" : "after", ch->lead_cycles, ch->glute_first, ch->lead_cycles,
               ch->glute_lead_s >= 0 ? ": the glute leads hip extension" : ": the hamstrings lead; the glute follows");
}

static bl_status ratio(bl_gait *g, const bl_gait_chain *ch, const char *key, const char *name, const char *group,
                       double num, double r)
{
    char rule[BLI_GAIT_TEXT_LEN];
    snprintf(rule, sizeof rule, "%s = mean %s activity in stance (Perry's four stance phases, weighted by their widths, "
             "averaged over cycles and channels) over the hamstrings' (ST, SM, BF); different muscles compare only in "
             "%%MVC", name, group);
    if (!isfinite(r)) return say(g, ch, key, rule, "%s in stance: no value (no %s or hamstring channel)", name, group);
    return say(g, ch, key, rule, "%s in stance %.2f (%s %.3g, hamstrings %.3g %s%s)", name, r, group, num,
               ch->hamstring_stance, g->unit,
               ch->comparable ? "" : ": relative only, as the electrodes differ; MVC trials make it absolute");
}

static bl_status medial_lateral(bl_gait *g, const bl_gait_chain *ch)
{
    static const char *const abbrev[BL_GAIT_PHASES] = {"LR", "MSt", "TSt", "PSw", "ISw", "MSw", "TSw"};
    char text[BLI_GAIT_TEXT_LEN] = "";
    size_t used = 0;
    int any = 0;
    for (int p = 0; p < BL_GAIT_PHASES && used < sizeof text; p++) {
        any |= isfinite(ch->ml_ratio[p]);
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s %.2f", p ? ", " : "", abbrev[p], ch->ml_ratio[p]);
    }
    const char *rule = "per Perry phase, the mean of the medial hamstrings (ST, SM) over the lateral (BF), from the "
                       "phase means (bl_hamstring_balance_of); LR loading response, MSt mid-stance, TSt terminal "
                       "stance, PSw pre-swing, ISw/MSw/TSw initial/mid/terminal swing";
    if (!any) return say(g, ch, "medial_lateral", rule, "medial:lateral hamstrings: no value (needs ST or SM and BF)");
    return say(g, ch, "medial_lateral", rule, "medial:lateral hamstrings per phase: %s", text);
}

/* One decided criterion of the pattern, or why it is not, into buf. */
static void criterion(char *buf, size_t len, const char *name, double r, int state, const char *cmp, double limit,
                      const char *missing)
{
    if (state < 0)
        snprintf(buf, len, "%s undecided (%s)", name, missing);
    else
        snprintf(buf, len, "%s %.2f %s%s %g", name, r, state ? "" : "not ", cmp, limit);
}

static bl_status pattern(bl_gait *g, const bl_gait_chain *ch)
{
    const bl_gait_config *c = &g->cfg;
    char rule[BLI_GAIT_TEXT_LEN], gh[160], qh[160], rec[160] = "";
    snprintf(rule, sizeof rule, "dormant-glute: G:H in stance below %g walking, %g running (the hamstrings doing "
             "the glute's work); quad-dominant: Q:H in stance above %g walking, %g running; active-recovery "
             "(running): the hamstrings' recovery share flagged (at or above %g %%); names joined by + when several "
             "hold; normal when none holds and each could be decided; unknown otherwise (G:H and Q:H need %%MVC). "
             "The limits are backline's rules of thumb, set between the normative walking and running profiles "
             "and their variants (bl_synth_gait), not published cut-offs", c->gh_dormant_walk, c->gh_dormant_run,
             c->qh_dominant_walk, c->qh_dominant_run, c->recovery_high_pct);
    const char *why = ch->comparable ? "no GMAX or hamstring level" : "levels not in %MVC";
    criterion(gh, sizeof gh, "G:H", ch->gh_stance, ch->glute_dormant, "below",
              ch->running ? c->gh_dormant_run : c->gh_dormant_walk, why);
    criterion(qh, sizeof qh, "Q:H", ch->qh_stance, ch->quad_dominant, "above",
              ch->running ? c->qh_dominant_run : c->qh_dominant_walk,
              ch->comparable ? "no quadriceps or hamstring level" : "levels not in %MVC");
    if (ch->running)
        snprintf(rec, sizeof rec, ", recovery %s", isfinite(ch->recovery_pct) ? (ch->recovery_flag ? "high" : "low")
                                                                               : "undecided");
    return say(g, ch, "pattern", rule, "pattern %s (%s %s; %s%s)", ch->pattern, ch->running ? "running" : "walking",
               gh, qh, rec);
}

bl_status bli_gait_say(bl_gait *g, const bl_gait_chain *ch)
{
    const bl_gait_config *c = &g->cfg;
    char rule[BLI_GAIT_TEXT_LEN];
    snprintf(rule, sizeof rule, "task %s; auto: running when the mean stance of the side's cycles is below %g %% of "
             "the cycle", bl_gait_task_name(c->task), c->run_stance_pct);
    bl_status st = say(g, ch, "task", rule, "%s (stance %.1f %% of the cycle over %zu cycles)",
                       ch->running ? "running" : "walking", ch->stance_pct, ch->cycles);
    if (st == BL_OK)
        st = share(g, ch, "braking", BL_GAIT_TERMINAL_SWING, BL_GAIT_TERMINAL_SWING, ch->braking_pct,
                   "in terminal swing (braking the shank)", c->active_pct, "active", "little activity");
    if (st == BL_OK)
        st = share(g, ch, "propulsion", BL_GAIT_TERMINAL_STANCE, BL_GAIT_PRE_SWING, ch->propulsion_pct,
                   "in terminal stance and pre-swing (hip extension, propulsion)", c->active_pct, "active",
                   "little activity");
    if (st == BL_OK)
        st = share(g, ch, "knee_flexion", BL_GAIT_INITIAL_SWING, BL_GAIT_INITIAL_SWING, ch->knee_flexion_pct,
                   "in initial swing (knee flexion, foot clearance)", c->active_pct, "active", "little activity");
    if (st == BL_OK) st = lead(g, ch);
    if (st == BL_OK) st = ratio(g, ch, "glute_hamstring", "G:H", "GMAX", ch->glute_stance, ch->gh_stance);
    if (st == BL_OK) st = ratio(g, ch, "quad_hamstring", "Q:H", "quadriceps (VM, VL, RF)", ch->quad_stance, ch->qh_stance);
    if (st == BL_OK) st = medial_lateral(g, ch);
    if (st == BL_OK && ch->running)
        st = share(g, ch, "recovery", BL_GAIT_INITIAL_SWING, BL_GAIT_MID_SWING, ch->recovery_pct,
                   "during leg recovery (initial and mid-swing, running)", c->recovery_high_pct,
                   "high: working against the swing", "low");
    if (st == BL_OK) st = pattern(g, ch);
    return st;
}
