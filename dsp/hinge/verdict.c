/* The torque-chain verdict of one repetition: within-group balances
 * (internal against external chain, bl_balance), their weighted mean (the
 * index), the ratios reported beside it, and the verdict with its reason.
 * See include/backline/hinge.h for the definitions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/balance.h"
#include "hinge_internal.h"

static int usable(const bli_hinge_chans *h, size_t c) { return h->state[c] == BL_HINGE_CH_OK; }

static double group_mean(const bli_hinge_chans *h, const bl_hinge_rep_channel *rc, int (*pick)(bl_muscle, bl_chain, void *),
                         void *arg)
{
    double s = 0;
    size_t k = 0;
    for (size_t c = 0; c < h->nch; c++) {
        if (!usable(h, c) || !pick(h->muscle[c], h->chain[c], arg) || !isfinite(rc[c].mean_pct)) continue;
        s += rc[c].mean_pct;
        k++;
    }
    return k ? s / (double)k : NAN;
}

typedef struct pick_arg {
    int groups;  /* bit mask of bl_group */
    int chain;   /* -1 any */
    int muscle;  /* -1 any */
} pick_arg;

static int pick(bl_muscle m, bl_chain ch, void *v)
{
    const pick_arg *a = v;
    if (m >= BL_MUSCLE_COUNT || m == BL_MUSCLE_AUX) return 0;
    if (a->muscle >= 0 && (int)m != a->muscle) return 0;
    if (a->groups && !(a->groups & (1 << bl_muscle_group(m)))) return 0;
    if (a->chain >= 0 && (int)ch != a->chain) return 0;
    return 1;
}

#define G(x) (1 << (x))
#define HAM (G(BL_GROUP_MEDIAL_HAMSTRING) | G(BL_GROUP_LATERAL_HAMSTRING))

static double mean_of(const bli_hinge_chans *h, const bl_hinge_rep_channel *rc, int groups, int chain, int muscle)
{
    pick_arg a = {groups, chain, muscle};
    return group_mean(h, rc, pick, &a);
}

static double ratio(double a, double b) { return isfinite(a) && isfinite(b) && b > 0 ? a / b : NAN; }

/* The chain balance within a group: internal against external channels. */
static double balance(const bli_hinge_chans *h, const bl_hinge_rep_channel *rc, int groups)
{
    return bl_balance(mean_of(h, rc, groups, BL_CHAIN_INTERNAL, -1), mean_of(h, rc, groups, BL_CHAIN_EXTERNAL, -1));
}

/* Medial (ST, SM) against lateral (BF) hamstrings, the library's one
 * definition (balance.h), over the usable channels. */
static double medial_lateral(const bli_hinge_chans *h, const bl_hinge_rep_channel *rc)
{
    double level[BL_CHANMAP_MAX_ENTRIES];
    unsigned char use[BL_CHANMAP_MAX_ENTRIES];
    for (size_t c = 0; c < h->nch; c++) {
        level[c] = rc[c].mean_pct;
        use[c] = (unsigned char)usable(h, c);
    }
    bl_hamstring_balance hb;
    if (!h->map || h->nch > BL_CHANMAP_MAX_ENTRIES || bl_hamstring_balance_of(h->map, level, use, BL_ANY_SIDE, &hb) != BL_OK) return NAN;
    return hb.ratio;
}

/* Is there a mapped (any state) / usable hamstring channel of this chain? */
static int has_hamstring(const bli_hinge_chans *h, bl_chain chain, int need_usable)
{
    for (size_t c = 0; c < h->nch; c++) {
        if (h->state[c] == BL_HINGE_CH_AUX || h->chain[c] != chain) continue;
        bl_group g = bl_muscle_group(h->muscle[c]);
        if (g != BL_GROUP_MEDIAL_HAMSTRING && g != BL_GROUP_LATERAL_HAMSTRING) continue;
        if (!need_usable || usable(h, c)) return 1;
    }
    return 0;
}

/* The first hamstring channel of this chain that is left out, and why. */
static size_t left_out_hamstring(const bli_hinge_chans *h, bl_chain chain)
{
    for (size_t c = 0; c < h->nch; c++) {
        bl_group g = bl_muscle_group(h->muscle[c]);
        if (h->chain[c] == chain && h->state[c] != BL_HINGE_CH_AUX && !usable(h, c) &&
            (g == BL_GROUP_MEDIAL_HAMSTRING || g == BL_GROUP_LATERAL_HAMSTRING))
            return c;
    }
    return h->nch;
}

/* The first channel the index would weigh (a muscle on a chain) that is
 * left out: without it the index rests on a different basis than the
 * chain table describes, so no label. */
static size_t left_out_deciding(const bli_hinge_chans *h)
{
    for (size_t c = 0; c < h->nch; c++)
        if (h->state[c] != BL_HINGE_CH_AUX && h->chain[c] != BL_CHAIN_NONE && !usable(h, c)) return c;
    return h->nch;
}

void bli_hinge_verdict(const bli_hinge_chans *h, bl_hinge_rep *r, const bl_hinge_rep_channel *rc, char *reason,
                       int session_peak)
{
    const bl_hinge_config *cfg = h->cfg;
    r->hamstring_balance = balance(h, rc, HAM);
    r->trunk_balance = balance(h, rc, G(BL_GROUP_TRUNK));
    double ob[3] = {balance(h, rc, G(BL_GROUP_GLUTE)), balance(h, rc, G(BL_GROUP_QUAD)),
                    balance(h, rc, G(BL_GROUP_CALF))};
    double osum = 0, num = 0, den = 0;
    size_t on = 0;
    for (int k = 0; k < 3; k++)
        if (isfinite(ob[k])) {
            osum += ob[k];
            on++;
        }
    r->other_balance = on ? osum / (double)on : NAN;
    if (isfinite(r->hamstring_balance)) {
        num += cfg->weight_hamstring * r->hamstring_balance;
        den += cfg->weight_hamstring;
    }
    if (isfinite(r->trunk_balance)) {
        num += cfg->weight_trunk * r->trunk_balance;
        den += cfg->weight_trunk;
    }
    if (on) {
        num += cfg->weight_other * osum;
        den += cfg->weight_other * (double)on;
    }
    r->chain_index = den > 0 ? num / den : NAN;

    double ham = mean_of(h, rc, HAM, -1, -1);
    double glute = mean_of(h, rc, 0, -1, BL_MUSCLE_GMAX);
    double es = mean_of(h, rc, 0, -1, BL_MUSCLE_ES);
    double quad = mean_of(h, rc, G(BL_GROUP_QUAD), -1, -1);
    r->medial_lateral = medial_lateral(h, rc);
    r->glute_hamstring = ratio(glute, ham);
    double posterior = (isfinite(ham) ? ham : 0) + (isfinite(glute) ? glute : 0) + (isfinite(es) ? es : 0);
    r->erector_share = isfinite(es) ? ratio(es, posterior) : NAN;
    r->hamstring_quad = ratio(ham, quad);
    r->hamstring_pct = ham;

    char detail[160] = "";
    if (isfinite(r->hamstring_balance))
        snprintf(detail, sizeof detail, "hamstring balance %+.2f", r->hamstring_balance);
    if (isfinite(r->trunk_balance)) {
        size_t l = strlen(detail);
        snprintf(detail + l, sizeof detail - l, "%strunk balance %+.2f", l ? ", " : "", r->trunk_balance);
    }
    const char *tail = session_peak ? "; normalised to the session peak (lower confidence)" : "";

    if (!has_hamstring(h, BL_CHAIN_INTERNAL, 0) || !has_hamstring(h, BL_CHAIN_EXTERNAL, 0)) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, BLI_HINGE_REASON_LEN, "no medial and lateral hamstring pair mapped (one internal- and one "
                 "external-chain hamstring channel are needed)");
    } else if (!has_hamstring(h, BL_CHAIN_INTERNAL, 1) || !has_hamstring(h, BL_CHAIN_EXTERNAL, 1)) {
        r->verdict = BL_VERDICT_UNKNOWN;
        bl_chain missing = has_hamstring(h, BL_CHAIN_INTERNAL, 1) ? BL_CHAIN_EXTERNAL : BL_CHAIN_INTERNAL;
        size_t c = left_out_hamstring(h, missing);
        snprintf(reason, BLI_HINGE_REASON_LEN, "hamstring pair incomplete: %s %s", c < h->nch ? h->name[c] : "the "
                 "channel", c < h->nch ? h->why[c] : "is left out");
    } else if (left_out_deciding(h) < h->nch) {
        size_t c = left_out_deciding(h);
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, BLI_HINGE_REASON_LEN, "%s %s: the index (%+.2f) would rest on the other channels only",
                 h->name[c], h->why[c], r->chain_index);
    } else if (h->n_mvc == 0) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, BLI_HINGE_REASON_LEN, "no MVC trials: against the session's own peak every muscle reaches "
                 "about the same level, so the index (%+.2f) says nothing absolute; see the lean against the set",
                 r->chain_index);
    } else if (!isfinite(ham) || ham < cfg->min_activity_pct) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, BLI_HINGE_REASON_LEN, "hamstring activity %.1f %%MVC is below %.3g %%MVC", ham,
                 cfg->min_activity_pct);
    } else if (!isfinite(r->chain_index)) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, BLI_HINGE_REASON_LEN, "no internal/external balance could be formed");
    } else if (r->chain_index >= cfg->verdict_margin) {
        r->verdict = BL_VERDICT_INTERNAL;
        snprintf(reason, BLI_HINGE_REASON_LEN, "index %+.2f >= %.2f (%s)%s", r->chain_index, cfg->verdict_margin, detail,
                 tail);
    } else if (r->chain_index <= -cfg->verdict_margin) {
        r->verdict = BL_VERDICT_EXTERNAL;
        snprintf(reason, BLI_HINGE_REASON_LEN, "index %+.2f <= %+.2f (%s)%s", r->chain_index, -cfg->verdict_margin, detail,
                 tail);
    } else {
        r->verdict = BL_VERDICT_MIXED;
        snprintf(reason, BLI_HINGE_REASON_LEN, "index %+.2f within +/-%.2f (%s)%s", r->chain_index, cfg->verdict_margin,
                 detail, tail);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "2, 5 and 7" into buf: the repetitions (1-based) with this lean. */
static size_t list_reps(const bl_hinge *h, bl_hinge_lean lean, char *buf, size_t len)
{
    size_t n = 0, total = 0, used = 0;
    for (size_t k = 0; k < h->nreps; k++) total += h->reps[k].lean == lean;
    buf[0] = '\0';
    for (size_t k = 0; k < h->nreps && used < len; k++) {
        if (h->reps[k].lean != lean) continue;
        n++;
        const char *sep = n == 1 ? "" : n == total ? " and " : ", ";
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", sep, k + 1);
    }
    return total;
}

/* The leans and the drift in words a coach reads. */
static void relative_words(bl_hinge *h)
{
    char in[160], ex[160];
    size_t ni = list_reps(h, BL_LEAN_INTERNAL, in, sizeof in), ne = list_reps(h, BL_LEAN_EXTERNAL, ex, sizeof ex);
    char *p = h->relative;
    size_t len = sizeof h->relative, used = 0;
    if (!isfinite(h->median_index)) {
        snprintf(p, len, "no repetition has a chain index: nothing to compare");
        return;
    }
    if (!ni && !ne)
        used += (size_t)snprintf(p + used, len - used, "every repetition is like the set's median");
    if (ni && used < len)
        used += (size_t)snprintf(p + used, len - used, "rep%s %s lean%s more internal", ni > 1 ? "s" : "", in,
                                 ni > 1 ? "" : "s");
    if (ne && used < len)
        used += (size_t)snprintf(p + used, len - used, "%srep%s %s lean%s more external", ni ? ", " : "",
                                 ne > 1 ? "s" : "", ex, ne > 1 ? "" : "s");
    if (used < len && (ni || ne)) used += (size_t)snprintf(p + used, len - used, " than the set's median");
    if (used >= len) return;
    if (!isfinite(h->drift))
        snprintf(p + used, len - used, "; too few repetitions to see a drift");
    else if (fabs(h->drift) < h->cfg.verdict_margin)
        snprintf(p + used, len - used, "; no clear drift across the set (index %+.2f from first to last)", h->drift);
    else
        snprintf(p + used, len - used, "; across the set the balance drifts toward the %s chain (index %+.2f from "
                 "first to last)", h->drift > 0 ? "internal" : "external", h->drift);
}

void bli_hinge_relative(bl_hinge *h)
{
    double *index = malloc((h->nreps + 1) * sizeof *index), *v = malloc((h->nreps + 1) * sizeof *v);
    size_t m = 0;
    for (size_t k = 0; index && v && k < h->nreps; k++) {
        index[k] = h->reps[k].chain_index;
        if (isfinite(index[k])) v[m++] = index[k];
    }
    h->median_index = NAN;
    if (m) {
        qsort(v, m, sizeof *v, cmp_double);
        h->median_index = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
    }
    h->drift_per_rep = index && v ? bli_hinge_slope(index, h->nreps) : NAN;
    free(index);
    free(v);
    for (size_t k = 0; k < h->nreps; k++) {
        bl_hinge_rep *r = &h->reps[k];
        r->relative_index = r->chain_index - h->median_index;
        r->lean = !isfinite(r->relative_index)                   ? BL_LEAN_NONE
                  : r->relative_index >= h->cfg.verdict_margin  ? BL_LEAN_INTERNAL
                  : r->relative_index <= -h->cfg.verdict_margin ? BL_LEAN_EXTERNAL
                                                                 : BL_LEAN_LIKE_SET;
    }
    h->drift = h->drift_per_rep * (double)(h->nreps ? h->nreps - 1 : 0);
    relative_words(h);
}
