/* What the gait analysis did, as a method description (doc.h): every
 * number from the configuration it ran with, every rule from the
 * constants its stages use (bli_perry_bound, BLI_PERRY_STANCE_PCT), so a
 * report cannot describe a method the code does not run. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gait_internal.h"

static double r4(double v) { return isfinite(v) ? round(v * 1e4) / 1e4 : v; }

static const char *source_name(bl_gait_events_source s)
{
    switch (s) {
    case BL_GAIT_EVENTS_FILE: return "events file";
    case BL_GAIT_EVENTS_FOOTSWITCH: return "footswitch";
    case BL_GAIT_EVENTS_KNEE: return "knee angle (estimated events)";
    default: return "given";
    }
}

static void footswitch(const bli_gait_found *fs, bl_doc *o)
{
    const bl_gait_footswitch_config *c = &fs->cfg;
    bl_doc_add_number(o, "channel", (double)(fs->channel + 1));
    bl_doc_add_stringf(o, "rule", "contact while the signal is above a threshold %g of the way from its %gth to its "
                       "%gth percentile, with hysteresis +/- %g of that range (contact starts above the upper edge, "
                       "ends below the lower); contacts under %g s and swings under %g s are bounces, merged into "
                       "their neighbours shortest first; rising edges are touchdowns, falling edges lift-offs",
                       c->threshold_fraction, c->low_pct, c->high_pct, c->hysteresis_fraction, c->min_contact_s,
                       c->min_swing_s);
    bl_doc_add_number(o, "low_level", r4(fs->low));
    bl_doc_add_number(o, "high_level", r4(fs->high));
    bl_doc_add_number(o, "on_level", r4(fs->on));
    bl_doc_add_number(o, "off_level", r4(fs->off));
    bl_doc_add_number(o, "min_contact_s", c->min_contact_s);
    bl_doc_add_number(o, "min_swing_s", c->min_swing_s);
    bl_doc_add_number(o, "bounces_merged", (double)fs->bounces);
}

static void knee(const bli_gait_knee_found *k, bl_doc *o)
{
    const bl_gait_knee_config *c = &k->cfg;
    bl_doc_add_number(o, "channel", (double)(k->channel + 1));
    bl_doc_add_bool(o, "estimated", 1);
    bl_doc_add_stringf(o, "rule", "after Perry's normal knee (5 deg at initial contact, 40 deg at toe-off, 60 deg in "
                       "swing): the angle smoothed over %g s with flexion positive; swing peaks the maxima of runs "
                       "above the 5th percentile + %g x the 5th-95th range (runs under %g s ignored); lift-off where "
                       "the knee last rises through the stance minimum + %.2f x (peak - minimum) before each peak; "
                       "touchdown the first minimum after the peak once below halfway down", c->smooth_s,
                       c->swing_fraction, c->min_swing_s, c->liftoff_fraction);
    bl_doc_add_bool(o, "sign_flipped", k->flipped);
    bl_doc_add_number(o, "low_deg", r4(k->low));
    bl_doc_add_number(o, "high_deg", r4(k->high));
    bl_doc_add_number(o, "swings", (double)k->swings);
}

bl_status bl_gait_events_describe(const bl_gait_events *ev, bl_doc *params)
{
    if (!ev || !params) return BL_EINVAL;
    bl_doc_add_string(params, "source", source_name(ev->source));
    size_t n[3][2] = {{0, 0}, {0, 0}, {0, 0}};
    for (size_t i = 0; i < ev->n; i++) n[ev->ev[i].side][ev->ev[i].kind]++;
    static const bl_side sides[3] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
    bl_doc *counts = bl_doc_add_object(params, "counts");
    for (int s = 0; s < 3; s++) {
        if (!n[sides[s]][0] && !n[sides[s]][1]) continue;
        bl_doc *o = bl_doc_add_object(counts, sides[s] == BL_SIDE_NONE ? "none" : bl_gait_side_name(sides[s]));
        bl_doc_add_number(o, "touchdowns", (double)n[sides[s]][BL_GAIT_TOUCHDOWN]);
        bl_doc_add_number(o, "liftoffs", (double)n[sides[s]][BL_GAIT_LIFTOFF]);
    }
    bl_doc *fs = ev->n_fs ? bl_doc_add_array(params, "footswitch") : NULL;
    for (size_t i = 0; i < ev->n_fs; i++) footswitch(&ev->fs[i], bl_doc_add_object(fs, NULL));
    bl_doc *kn = ev->n_knee ? bl_doc_add_array(params, "knee") : NULL;
    for (size_t i = 0; i < ev->n_knee; i++) knee(&ev->knee[i], bl_doc_add_object(kn, NULL));
    bl_doc_add_bool(params, "estimated", ev->n_knee > 0);
    return bl_doc_status(params);
}

static void cycles(const bl_gait *g, bl_doc *o)
{
    const bl_gait_cycle_config *c = &g->cfg.cycles;
    bl_doc_add_stringf(o, "rule", "touchdown to the next touchdown of the same side, with exactly one lift-off of "
                       "that side inside; dropped when it has none or more than one, or lasts under %g or over %g x "
                       "the median duration of its side's cycles with one lift-off", c->min_ratio, c->max_ratio);
    bl_doc_add_number(o, "min_ratio", c->min_ratio);
    bl_doc_add_number(o, "max_ratio", c->max_ratio);
    bl_doc_add_number(o, "found", (double)g->n_found);
    bl_doc_add_number(o, "kept", (double)g->ncyc);
    bl_doc *d = bl_doc_add_array(o, "dropped");
    for (size_t k = 0; k < g->n_found; k++) {
        const bl_gait_cycle *cy = &g->found[k];
        if (cy->state == BL_GAIT_CYCLE_KEPT) continue;
        char line[BLI_GAIT_WHY_LEN];
        bl_gait_cycle_why(cy, c, line, sizeof line);
        bl_doc *e = bl_doc_add_object(d, NULL);
        bl_doc_add_number(e, "start_s", r4(cy->start_s));
        bl_doc_add_string(e, "side", bl_gait_side_name(cy->side));
        bl_doc_add_string(e, "state", bl_gait_cycle_state_name(cy->state));
        bl_doc_add_string(e, "reason", line);
    }
}

static void time_normalisation(const bl_gait *g, bl_doc *o)
{
    const bl_gait_config *c = &g->cfg;
    bl_doc_add_string(o, "mode", bl_gait_normalise_name(c->normalise));
    bl_doc_add_number(o, "points_per_cycle", (double)g->points);
    if (c->normalise == BL_GAIT_NORM_PHASES) {
        bl_doc_add_number(o, "stance_points", (double)c->stance_points);
        bl_doc_add_number(o, "swing_points", (double)c->swing_points);
        bl_doc_add_stringf(o, "rule", "stance (touchdown to lift-off) to %zu points at fractions i/%zu of stance, "
                           "swing (lift-off to the next touchdown) to %zu points at j/%zu of swing: the stance/swing "
                           "boundary is point %zu in every cycle; the next touchdown is not repeated",
                           c->stance_points, c->stance_points, c->swing_points, c->swing_points, c->stance_points);
    } else {
        bl_doc_add_number(o, "cycle_points", (double)c->cycle_points);
        bl_doc_add_stringf(o, "rule", "the whole cycle to %zu points at fractions k/%zu, both touchdowns included; "
                           "stance_points is the mean stance fraction x %zu", c->cycle_points, c->cycle_points - 1,
                           c->cycle_points - 1);
    }
    bl_doc_add_string(o, "interpolation", "linear between the envelope's samples at the analysis rate");
}

static void phases(bl_doc *o)
{
    bl_doc_add_string(o, "source", "Perry J, Burnfield JM. Gait Analysis: Normal and Pathological Function, 2nd ed. "
                                   "SLACK, 2010");
    bl_doc_add_stringf(o, "rule", "bounds in %% of a normal cycle whose stance ends at %g %%, scaled per cycle by its "
                       "own events: a stance bound b lies at touchdown + b/%g x that cycle's stance, a swing bound at "
                       "lift-off + (b-%g)/%g x its swing; a phase's value is the mean of the envelope over that "
                       "stretch (analysis rate), averaged over the cycles", BLI_PERRY_STANCE_PCT,
                       BLI_PERRY_STANCE_PCT, BLI_PERRY_STANCE_PCT, 100.0 - BLI_PERRY_STANCE_PCT);
    bl_doc *b = bl_doc_add_object(o, "bounds_pct");
    for (int p = 0; p < BL_GAIT_PHASES; p++) {
        bl_doc *a = bl_doc_add_array(b, bl_gait_phase_name((bl_gait_phase)p));
        bl_doc_add_number(a, NULL, bli_perry_bound(p));
        bl_doc_add_number(a, NULL, bli_perry_bound(p + 1));
    }
}

static void synergies(const bl_gait *g, bl_doc *o)
{
    const bl_gait_synergy_config *c = &g->cfg.synergy;
    bl_doc_add_bool(o, "enabled", c->enabled);
    bl_doc_add_string(o, "method", "non-negative matrix factorisation (Lee & Seung 1999, multiplicative updates for "
                                   "the Frobenius norm) of each side's time-normalised curves, muscles x (cycles x "
                                   "points), each muscle scaled to its maximum and negative values set to 0; the best "
                                   "R^2 of the restarts from seeded random starts");
    bl_doc_add_stringf(o, "rank_rule", "the smallest rank r for which a straight line fitted to R^2 over ranks r..max "
                       "has a mean squared error below %g (Santuz et al. 2017, Int J Neural Syst; musclesyneRgies defaults); max rank "
                       "the muscles less a quarter unless set", c->mse_threshold);
    bl_doc_add_string(o, "scaling", "modules to a maximum of 1, primitives inversely");
    bl_doc_add_number(o, "max_rank", (double)c->max_rank);
    bl_doc_add_number(o, "restarts", (double)c->restarts);
    bl_doc_add_number(o, "max_iter", (double)c->max_iter);
    bl_doc_add_number(o, "tol", c->tol);
    bl_doc_add_number(o, "seed", (double)c->seed);
}

static void parameters(const bl_gait *g, bl_doc *p)
{
    bl_doc_add_string(p, "standard", "ISEK reporting standard for EMG (Merletti & Di Torino 1999; Besomi et al. "
                                     "2019 CEDE): every filter, rate and normalisation");
    bl_condition_describe(&g->cfg.envelope, &g->crep, g->signal_unit, 1, bl_doc_add_object(p, "conditioning"), NULL);
    bl_gait_events_describe(g->events, bl_doc_add_object(p, "events"));
    cycles(g, bl_doc_add_object(p, "cycles"));
    bl_doc *n = bl_doc_add_object(p, "normalisation");
    bl_doc_add_string(n, "unit", g->unit);
    bl_doc_add_string(n, "method", g->unit_method);
    bl_doc_add_number(n, "mvc_trials", (double)g->n_mvc);
    bl_doc_add_number(n, "window_s", g->cfg.mvc.window_s);
    time_normalisation(g, bl_doc_add_object(p, "time_normalisation"));
    phases(bl_doc_add_object(p, "phases"));
    bl_doc_add_string(p, "peak_phase", "the mean curve's largest point, reported as the mean over the cycles of that "
                                       "point's real phase (% of the cycle's duration from its touchdown)");
    bl_doc *on = bl_doc_add_object(p, "onsets");
    bl_doc_add_stringf(on, "rule", "on the mean curve: active above min + %g x (max - min); each run of active points "
                       "is a burst, onset and offset the real phases of its first and last point (not wrapped "
                       "around the cycle)", g->cfg.onset_fraction);
    bl_doc_add_number(on, "fraction", g->cfg.onset_fraction);
    bl_doc *v = bl_doc_add_object(p, "variability");
    bl_doc_add_string(v, "rule", "coefficient of variation of the curves (Winter 1984): sqrt(mean over points of "
                                 "SD^2) / mean over points of |mean|, in %");
    bl_doc *pc = bl_doc_add_object(p, "posterior_chain");
    const bl_gait_config *c = &g->cfg;
    bl_doc_add_string(pc, "task", bl_gait_task_name(c->task));
    const struct {
        const char *key;
        double value;
    } nums[] = {{"run_stance_pct", c->run_stance_pct}, {"active_pct", c->active_pct},
                {"recovery_high_pct", c->recovery_high_pct}, {"gh_dormant_walk", c->gh_dormant_walk},
                {"gh_dormant_run", c->gh_dormant_run}, {"qh_dominant_walk", c->qh_dominant_walk},
                {"qh_dominant_run", c->qh_dominant_run}, {"lead_before", c->lead_before},
                {"lead_after", c->lead_after}, {"lead_rise_fraction", c->lead_rise_fraction}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) bl_doc_add_number(pc, nums[i].key, nums[i].value);
    bl_doc *rules = bl_doc_add_object(pc, "rules");
    for (size_t i = 0; i < g->nstmt; i++) /* one rule per key: the first side's says it */
        if (!bl_doc_find(rules, g->stmt[i].key)) bl_doc_add_string(rules, g->stmt[i].key, g->stmt[i].rule);
    bl_doc_add_string(bl_doc_add_object(p, "symmetry"), "rule",
                      "per muscle used on both sides: symmetry index 100 x (L - R) / ((L + R) / 2) of the mean "
                      "curves' levels (Robinson et al. 1987; absolute only in %MVC), Pearson's r of the two mean "
                      "curves, their circular cross-correlation lag in % of the normalised cycle (positive: the right "
                      "later) and the difference of the peak phases (R - L)");
    synergies(g, bl_doc_add_object(p, "synergies"));
    bl_doc *ch = bl_doc_add_object(p, "channel_checks");
    bl_doc_add_string(ch, "rule", "a channel whose quality check fails is left out; a channel of side L or R uses "
                                  "its side's cycles, failing those the cycles without a side (never the other "
                                  "leg's); one without a side the cycles without a side, failing those the only "
                                  "side's when the events carry one side");
    bl_quality_describe(g->quality, bl_doc_add_object(ch, "quality"));
}

bl_status bl_gait_describe(const bl_gait *g, bl_doc *params, bl_doc *summary)
{
    if (!g) return BL_EINVAL;
    if (params) parameters(g, params);
    if (summary) {
        bl_condition_describe(&g->cfg.envelope, &g->crep, g->signal_unit, 1, NULL, summary);
        bl_doc_add_string(summary, "normalisation", g->unit_method);
        if (g->cfg.normalise == BL_GAIT_NORM_PHASES)
            bl_doc_add_stringf(summary, "time", "stance to %zu and swing to %zu points per cycle (%zu of %zu cycles "
                               "kept)", g->cfg.stance_points, g->cfg.swing_points, g->ncyc, g->n_found);
        else
            bl_doc_add_stringf(summary, "time", "whole cycle to %zu points (%zu of %zu cycles kept)",
                               g->cfg.cycle_points, g->ncyc, g->n_found);
        bl_doc_add_string(summary, "phases", "Perry & Burnfield 2010, scaled per cycle by its own lift-off");
    }
    if ((params && bl_doc_status(params) != BL_OK) || (summary && bl_doc_status(summary) != BL_OK))
        return BL_ENOMEM;
    return BL_OK;
}
