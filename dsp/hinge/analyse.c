/* Hinge analysis: conditioning, %MVC normalisation, segmentation and the
 * per-repetition metrics and torque-chain verdict. See
 * include/backline/hinge.h for the definitions of every number.
 */
#include "backline/hinge.h"
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/spectrum.h"

#define REASON_LEN 256
#define NAME_LEN 32

struct bl_hinge {
    bl_hinge_config cfg;
    bl_condition_report crep;
    char unit[16];
    size_t nch, n_mvc;
    char (*name)[NAME_LEN];
    bl_muscle *muscle;
    bl_chain *chain;
    bl_hinge_channel_state *state;
    bl_mvc_reference *ref;
    double *mf_slope;
    bl_recording *cond; /* conditioned (band-passed) signals at the analysis rate */
    bl_recording *env;  /* %MVC envelopes */
    size_t nreps;
    bl_hinge_rep *reps;
    char (*reason)[REASON_LEN];
    bl_hinge_rep_channel *rc; /* nreps × nch */
    size_t *order;            /* nreps × nch */
    size_t *n_order;          /* nreps */
    char **warn;
    size_t n_warn;
};

void bl_hinge_config_default(bl_hinge_config *cfg)
{
    if (!cfg) return;
    bl_envelope_config_default(&cfg->envelope);
    bl_mvc_config_default(&cfg->mvc);
    bl_hinge_segment_config_default(&cfg->segment);
    bl_onset_config_default(&cfg->onset);
    /* A set may start only ~1 s after the recording does: a 1 s quiet
     * window still fits before the first repetition. */
    cfg->onset.baseline_window_s = 1.0;
    for (int m = 0; m < BL_MUSCLE_COUNT; m++) cfg->chain[m] = bl_muscle_default_chain((bl_muscle)m);
    cfg->weight_hamstring = 0.6;
    cfg->weight_trunk = 0.3;
    cfg->weight_other = 0.1;
    cfg->verdict_margin = 0.1;
    cfg->min_activity_pct = 5.0;
    cfg->spectrum_segment_s = 0.25;
    cfg->dead_ratio = 0.02;
}

const char *bl_hinge_verdict_name(bl_hinge_verdict v)
{
    switch (v) {
    case BL_VERDICT_INTERNAL: return "internal";
    case BL_VERDICT_EXTERNAL: return "external";
    case BL_VERDICT_MIXED: return "mixed";
    default: return "unknown";
    }
}

bl_status bl_hinge_chain_parse(const char *text, bl_chain chain[BL_MUSCLE_COUNT], char *why, size_t why_len)
{
    if (!text || !chain) return BL_EINVAL;
    bl_chain tmp[BL_MUSCLE_COUNT];
    memcpy(tmp, chain, sizeof tmp);
    const char *p = text;
    size_t pos = 0;
    while (*p) {
        pos++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        if (len == 0 || len >= sizeof item) {
            if (why && why_len) snprintf(why, why_len, "chain entry %zu is empty or too long", pos);
            return BL_EINVAL;
        }
        memcpy(item, p, len);
        item[len] = 0;
        char *eq = strchr(item, '=');
        if (!eq) {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu \"%s\": expected CODE=internal|external|none", pos, item);
            return BL_EINVAL;
        }
        *eq = 0;
        bl_muscle m = bl_muscle_from_code(item);
        if (m == BL_MUSCLE_COUNT || m == BL_MUSCLE_AUX) {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu: unknown muscle code \"%s\" (valid: %s)", pos, item,
                         bl_muscle_codes_list());
            return BL_EINVAL;
        }
        const char *v = eq + 1;
        if (!strcmp(v, "internal")) tmp[m] = BL_CHAIN_INTERNAL;
        else if (!strcmp(v, "external")) tmp[m] = BL_CHAIN_EXTERNAL;
        else if (!strcmp(v, "none")) tmp[m] = BL_CHAIN_NONE;
        else {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu: \"%s\" is not internal, external or none", pos, v);
            return BL_EINVAL;
        }
        p += len;
        if (*p == ',') p++;
    }
    memcpy(chain, tmp, sizeof tmp);
    return BL_OK;
}

/* ---------------------------------------------------------------- helpers */

static bl_status add_warning(bl_hinge *h, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **p = realloc(h->warn, (h->n_warn + 1) * sizeof *p);
    if (!p) return BL_ENOMEM;
    h->warn = p;
    size_t len = strlen(buf) + 1;
    if (!(p[h->n_warn] = malloc(len))) return BL_ENOMEM;
    memcpy(p[h->n_warn], buf, len);
    h->n_warn++;
    return BL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A deep copy of a recording's samples, map and gains (for the envelope). */
/* A copy that keeps everything the recording says about itself (units
 * above all: %MVC is only meaningful between recordings in one unit). */
static bl_status copy_recording(const bl_recording *in, bl_recording **out)
{
    size_t nch = bl_recording_channels(in), n = bl_recording_frames(in);
    bl_status st = bl_recording_create_like(in, n, bl_recording_rate(in), out);
    for (size_t c = 0; st == BL_OK && c < nch; c++)
        memcpy(bl_recording_data(*out, c), bl_recording_cdata(in, c), n * sizeof(float));
    return st;
}

static int config_ok(const bl_hinge_config *c)
{
    if (!(c->weight_hamstring >= 0 && c->weight_trunk >= 0 && c->weight_other >= 0)) return 0;
    if (!(c->verdict_margin >= 0 && c->verdict_margin < 1)) return 0;
    if (!(c->min_activity_pct >= 0) || !(c->spectrum_segment_s > 0) || !(c->dead_ratio >= 0)) return 0;
    for (int m = 0; m < BL_MUSCLE_COUNT; m++)
        if ((int)c->chain[m] < BL_CHAIN_NONE || c->chain[m] > BL_CHAIN_EXTERNAL) return 0;
    return 1;
}

void bl_hinge_destroy(bl_hinge *h)
{
    if (!h) return;
    free(h->name);
    free(h->muscle);
    free(h->chain);
    free(h->state);
    free(h->ref);
    free(h->mf_slope);
    bl_recording_destroy(h->cond);
    bl_recording_destroy(h->env);
    free(h->reps);
    free(h->reason);
    free(h->rc);
    free(h->order);
    free(h->n_order);
    for (size_t i = 0; i < h->n_warn; i++) free(h->warn[i]);
    free(h->warn);
    free(h);
}

static int usable(const bl_hinge *h, size_t c) { return h->state[c] == BL_HINGE_CH_OK; }

/* -------------------------------------------------------------- stages */

/* Channel names, muscles and chains from the session's map. */
static bl_status setup_channels(bl_hinge *h, const bl_recording *session, char *why, size_t why_len)
{
    size_t nch = h->nch;
    h->name = calloc(nch, sizeof *h->name);
    h->muscle = calloc(nch, sizeof *h->muscle);
    h->chain = calloc(nch, sizeof *h->chain);
    h->state = calloc(nch, sizeof *h->state);
    h->ref = calloc(nch, sizeof *h->ref);
    h->mf_slope = calloc(nch, sizeof *h->mf_slope);
    if (!h->name || !h->muscle || !h->chain || !h->state || !h->ref || !h->mf_slope) return BL_ENOMEM;
    const bl_chanmap *map = bl_recording_chanmap(session);
    for (size_t c = 0; c < nch; c++) {
        if (map) {
            h->muscle[c] = bl_chanmap_muscle(map, c);
            if (bl_chanmap_entry_name(map, c, h->name[c], NAME_LEN) != BL_OK)
                snprintf(h->name[c], NAME_LEN, "ch%zu", c + 1);
        } else {
            h->muscle[c] = BL_MUSCLE_EMG;
            snprintf(h->name[c], NAME_LEN, "ch%zu", c + 1);
        }
        h->chain[c] = h->muscle[c] == BL_MUSCLE_AUX ? BL_CHAIN_NONE : h->cfg.chain[h->muscle[c]];
        h->state[c] = h->muscle[c] == BL_MUSCLE_AUX ? BL_HINGE_CH_AUX : BL_HINGE_CH_OK;
        h->mf_slope[c] = NAN;
    }
    if (!map)
        return add_warning(h, "no channel map: channels are unnamed EMG, no torque-chain verdict is possible");
    return BL_OK;
}

/* A dead electrode (flat, or orders of magnitude below its neighbours)
 * would read as 0 %MVC and fake a chain; it is left out everywhere. */
static bl_status find_dead(bl_hinge *h)
{
    size_t nch = h->nch, n = bl_recording_frames(h->cond), k = 0;
    double *rms = calloc(nch, sizeof *rms), *sorted = calloc(nch, sizeof *sorted);
    if (!rms || !sorted) {
        free(rms);
        free(sorted);
        return BL_ENOMEM;
    }
    for (size_t c = 0; c < nch; c++) {
        if (h->state[c] != BL_HINGE_CH_OK) continue;
        const float *x = bl_recording_cdata(h->cond, c);
        double s = 0;
        for (size_t i = 0; i < n; i++) s += (double)x[i] * x[i];
        rms[c] = sqrt(s / (double)n);
        sorted[k++] = rms[c];
    }
    bl_status st = BL_OK;
    if (k) {
        qsort(sorted, k, sizeof *sorted, cmp_double);
        double median = k % 2 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
        for (size_t c = 0; c < nch && st == BL_OK; c++) {
            if (h->state[c] != BL_HINGE_CH_OK) continue;
            if (!(rms[c] > 0) || rms[c] < h->cfg.dead_ratio * median) {
                h->state[c] = BL_HINGE_CH_DEAD;
                st = add_warning(h, "channel %s looks dead (RMS %.3g, %.2g x the median channel): left out of "
                                 "segmentation, metrics and the verdict", h->name[c], rms[c],
                                 median > 0 ? rms[c] / median : 0.0);
            }
        }
    }
    free(rms);
    free(sorted);
    return st;
}

static bl_status normalise(bl_hinge *h, const bl_recording *const *mvc, size_t n_mvc, char *why, size_t why_len)
{
    bl_mvc *m = NULL;
    char line[256] = "";
    bl_status st = bl_mvc_create(h->env, &h->cfg.mvc, &m, line, sizeof line);
    if (st != BL_OK) {
        bli_set_why(why, why_len, "%s", line);
        return st;
    }
    for (size_t t = 0; t < n_mvc && st == BL_OK; t++) {
        bl_recording *tenv = NULL;
        if (!mvc[t]) {
            st = BL_EINVAL;
            bli_set_why(why, why_len, "mvc trial %zu: missing", t + 1);
            break;
        }
        /* %MVC divides session by trial: both must be in the same unit
         * (checked before the trial is conditioned, for a clear message). */
        if ((st = bl_recording_check_same_unit(mvc[t], h->env, line, sizeof line)) != BL_OK) {
            bli_set_why(why, why_len, "mvc trial %zu %s", t + 1, line);
            break;
        }
        st = bl_envelope_recording(mvc[t], &h->cfg.envelope, &tenv, NULL);
        if (st != BL_OK) {
            bli_set_why(why, why_len, "mvc trial %zu: conditioning failed: %s", t + 1, bl_strerror(st));
            break;
        }
        st = bl_mvc_add_trial(m, tenv, line, sizeof line);
        if (st != BL_OK) bli_set_why(why, why_len, "mvc trial %zu %s", t + 1, line[0] ? line : bl_strerror(st));
        bl_recording_destroy(tenv);
    }
    if (st == BL_OK) {
        st = bl_mvc_add_session_peak(m, h->env, line, sizeof line);
        if (st != BL_OK) bli_set_why(why, why_len, "session peak: %s", line[0] ? line : bl_strerror(st));
    }
    if (st == BL_OK && n_mvc == 0)
        st = add_warning(h, "no MVC trials: normalised to the session's own peak (lower confidence)");
    size_t n = bl_recording_frames(h->env);
    for (size_t c = 0; c < h->nch && st == BL_OK; c++) {
        if (h->state[c] == BL_HINGE_CH_AUX) continue;
        bl_mvc_get_reference(m, c, &h->ref[c]);
        if (h->state[c] != BL_HINGE_CH_OK) continue;
        float *x = bl_recording_data(h->env, c);
        bl_status a = bl_mvc_apply_channel(m, c, x, x, n);
        if (a == BL_ENODATA) {
            h->state[c] = BL_HINGE_CH_NO_REFERENCE;
            st = add_warning(h, "channel %s has no positive MVC reference: left out", h->name[c]);
        } else if (a != BL_OK) {
            st = a;
        } else if (n_mvc > 0 && h->ref[c].source == BL_MVC_SESSION_PEAK) {
            st = add_warning(h, "channel %s: no MVC reference from the trials, normalised to the session's "
                             "own peak (lower confidence)", h->name[c]);
        }
    }
    if (st == BL_OK) h->n_mvc = bl_mvc_trials(m);
    bl_mvc_destroy(m);
    return st;
}

static bl_status segment(bl_hinge *h, bl_hinge_segment **segs_out, size_t *n_out)
{
    size_t nch = h->nch, n = bl_recording_frames(h->env);
    double rate = bl_recording_rate(h->env);
    const float **env = calloc(nch, sizeof *env);
    double *w = calloc(nch, sizeof *w);
    unsigned char *ign = calloc(nch, 1);
    bl_hinge_segment *segs = NULL;
    bl_status st = BL_ENOMEM;
    if (!env || !w || !ign) goto done;
    const float *aux = NULL;
    double wsum = 0;
    for (size_t c = 0; c < nch; c++) {
        env[c] = bl_recording_cdata(h->env, c);
        if (h->state[c] == BL_HINGE_CH_AUX && !aux) aux = bl_recording_cdata(h->cond, c);
        w[c] = usable(h, c) ? bl_hinge_segment_weight(h->muscle[c]) : 0.0;
        wsum += w[c];
    }
    if (!(wsum > 0)) {
        for (size_t c = 0; c < nch; c++) w[c] = usable(h, c) ? 1.0 : 0.0;
        if ((st = add_warning(h, "no hamstring, glute or trunk channel usable: repetitions found from all "
                              "EMG channels")) != BL_OK)
            goto done;
    }
    size_t cap = (size_t)(bl_recording_duration(h->env) / 0.5) + 4, count = 0;
    segs = calloc(cap, sizeof *segs);
    if (!segs) goto done;
    st = bl_hinge_segment_find(env, w, nch, n, rate, aux, &h->cfg.segment, segs, cap, &count, ign);
    int said = 0;
    if (st == BL_ENODATA) {
        count = 0;
        said = 1;
        st = add_warning(h, "no usable channel: no repetitions");
    }
    if (st != BL_OK) goto done;
    if (count > cap) count = cap;
    double wt = 0, wu = 0;
    for (size_t c = 0; c < nch && st == BL_OK; c++) {
        wt += w[c];
        if (w[c] > 0 && ign[c] && count > 0) {
            /* Every working posterior-chain muscle rises in a hinge; one
             * that does not while the others do is an electrode that is
             * off or shorted, and its %MVC would fake a chain balance. */
            h->state[c] = BL_HINGE_CH_DEAD;
            st = add_warning(h, "channel %s shows no modulation while the others do (electrode off?): left "
                             "out of segmentation, metrics and the verdict", h->name[c]);
        } else if (w[c] > 0 && ign[c]) {
            st = add_warning(h, "channel %s shows no modulation (flat or noise only): not used to find "
                             "repetitions", h->name[c]);
        } else {
            wu += w[c];
        }
    }
    if (st == BL_OK && count == 0 && !said && wt > 0 && !(wu > 0))
        st = add_warning(h, "no channel modulates: no repetitions");
    else if (st == BL_OK && count == 0 && !said && wt > 0 && wu < h->cfg.segment.min_used_weight * wt)
        st = add_warning(h, "too few channels modulate (%.0f %% of the segmentation weight): no repetitions "
                         "(activity on the trunk alone, e.g. ECG, does not make a set)", 100.0 * wu / wt);
    else if (st == BL_OK && count == 0 && !said)
        st = add_warning(h, "no repetitions found");
    *segs_out = segs;
    *n_out = count;
    segs = NULL;
done:
    free(env);
    free(w);
    free(ign);
    free(segs);
    return st;
}

/* Onsets of every channel over the whole session (one detection per
 * channel; the quiet baseline is found automatically). */
static bl_status detect_onsets(bl_hinge *h, bl_bursts **bursts)
{
    size_t n = bl_recording_frames(h->env);
    double rate = bl_recording_rate(h->env);
    bl_onset_config oc = h->cfg.onset;
    oc.method = BL_ONSET_BASELINE; /* the input is an envelope */
    if (oc.baseline_window_s * rate >= (double)n) oc.baseline_window_s = 0.25 * (double)n / rate;
    for (size_t c = 0; c < h->nch; c++) {
        if (!usable(h, c)) continue;
        bl_status st = bl_bursts_create(&bursts[c]);
        if (st != BL_OK) return st;
        st = bl_onset_detect(bl_recording_cdata(h->env, c), n, rate, &oc, bursts[c], NULL);
        if (st == BL_ENOMEM) return st;
        if (st != BL_OK) bl_bursts_clear(bursts[c]); /* no onsets for this channel, not fatal */
    }
    return BL_OK;
}

/* The burst that starts this repetition's activity: the first burst that
 * ends after the previous repetition ended and starts before this one
 * ends. Its onset counts only when it begins after the previous
 * repetition (else the muscle never switched off between them). */
static double rep_onset(const bl_bursts *b, double prev_end, double start, double end)
{
    size_t n = bl_bursts_count(b);
    for (size_t i = 0; i < n; i++) {
        bl_burst u;
        if (bl_bursts_get(b, i, &u) != BL_OK) break;
        if (u.offset_s <= prev_end || u.offset_s <= start - 1.0) continue;
        if (u.onset_s >= end) break;
        if (u.onset_s < prev_end) return NAN;
        return u.onset_s - start;
    }
    return NAN;
}

/* The onset as the point where the envelope rises through 10 % of its
 * trough-to-peak range after the trough that precedes
 * the repetition (searched from the previous repetition's end, at most 1 s
 * before the start, to 0.3 s into the repetition). */
static double relative_onset(const float *x, size_t n, double rate, double prev_end, double start, double end)
{
    double from = fmax(prev_end, start - 1.0);
    if (from < 0) from = 0;
    size_t a = (size_t)lround(from * rate), m = (size_t)lround((start + 0.3) * rate),
           b = (size_t)lround(end * rate);
    if (b > n) b = n;
    if (m > b) m = b;
    if (a >= m) return NAN;
    size_t lo = a;
    for (size_t i = a; i < m; i++)
        if (x[i] < x[lo]) lo = i;
    size_t hi = lo;
    for (size_t i = lo; i < b; i++)
        if (x[i] > x[hi]) hi = i;
    double thr = x[lo] + 0.1 * ((double)x[hi] - x[lo]);
    if (!(x[hi] > x[lo])) return NAN;
    for (size_t i = lo; i <= hi; i++)
        if (x[i] >= thr) return (double)i / rate - start;
    return NAN;
}

static double group_mean(const bl_hinge *h, const bl_hinge_rep_channel *rc, int (*pick)(bl_muscle, bl_chain, void *),
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

static double mean_of(const bl_hinge *h, const bl_hinge_rep_channel *rc, int groups, int chain, int muscle)
{
    pick_arg a = {groups, chain, muscle};
    return group_mean(h, rc, pick, &a);
}

static double ratio(double a, double b) { return isfinite(a) && isfinite(b) && b > 0 ? a / b : NAN; }

static double balance(const bl_hinge *h, const bl_hinge_rep_channel *rc, int groups)
{
    double i = mean_of(h, rc, groups, BL_CHAIN_INTERNAL, -1), e = mean_of(h, rc, groups, BL_CHAIN_EXTERNAL, -1);
    if (!isfinite(i) || !isfinite(e) || !(i + e > 0)) return NAN;
    return (i - e) / (i + e);
}

/* Is there a mapped (any state) / usable hamstring channel of this chain? */
static int has_hamstring(const bl_hinge *h, bl_chain chain, int need_usable)
{
    for (size_t c = 0; c < h->nch; c++) {
        if (h->state[c] == BL_HINGE_CH_AUX || h->chain[c] != chain) continue;
        bl_group g = bl_muscle_group(h->muscle[c]);
        if (g != BL_GROUP_MEDIAL_HAMSTRING && g != BL_GROUP_LATERAL_HAMSTRING) continue;
        if (!need_usable || usable(h, c)) return 1;
    }
    return 0;
}

static void verdict(const bl_hinge *h, bl_hinge_rep *r, const bl_hinge_rep_channel *rc, char *reason,
                    int session_peak)
{
    const bl_hinge_config *cfg = &h->cfg;
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

    double med = mean_of(h, rc, G(BL_GROUP_MEDIAL_HAMSTRING), -1, -1);
    double lat = mean_of(h, rc, G(BL_GROUP_LATERAL_HAMSTRING), -1, -1);
    double ham = mean_of(h, rc, HAM, -1, -1);
    double glute = mean_of(h, rc, 0, -1, BL_MUSCLE_GMAX);
    double es = mean_of(h, rc, 0, -1, BL_MUSCLE_ES);
    double quad = mean_of(h, rc, G(BL_GROUP_QUAD), -1, -1);
    r->medial_lateral = ratio(med, lat);
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
        snprintf(reason, REASON_LEN, "no medial and lateral hamstring pair mapped (one internal- and one "
                 "external-chain hamstring channel are needed)");
    } else if (!has_hamstring(h, BL_CHAIN_INTERNAL, 1) || !has_hamstring(h, BL_CHAIN_EXTERNAL, 1)) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, REASON_LEN, "hamstring pair incomplete: the %s hamstring channel is dead or has no "
                 "reference", has_hamstring(h, BL_CHAIN_INTERNAL, 1) ? "external-chain" : "internal-chain");
    } else if (!isfinite(ham) || ham < cfg->min_activity_pct) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, REASON_LEN, "hamstring activity %.1f %%MVC is below %.3g %%MVC", ham,
                 cfg->min_activity_pct);
    } else if (!isfinite(r->chain_index)) {
        r->verdict = BL_VERDICT_UNKNOWN;
        snprintf(reason, REASON_LEN, "no internal/external balance could be formed");
    } else if (r->chain_index >= cfg->verdict_margin) {
        r->verdict = BL_VERDICT_INTERNAL;
        snprintf(reason, REASON_LEN, "index %+.2f >= %.2f (%s)%s", r->chain_index, cfg->verdict_margin, detail,
                 tail);
    } else if (r->chain_index <= -cfg->verdict_margin) {
        r->verdict = BL_VERDICT_EXTERNAL;
        snprintf(reason, REASON_LEN, "index %+.2f <= %+.2f (%s)%s", r->chain_index, -cfg->verdict_margin, detail,
                 tail);
    } else {
        r->verdict = BL_VERDICT_MIXED;
        snprintf(reason, REASON_LEN, "index %+.2f within +/-%.2f (%s)%s", r->chain_index, cfg->verdict_margin,
                 detail, tail);
    }
}

static double median_freq(bl_spectrum *sp, size_t seg, double *psd, const float *x, size_t n, double rate,
                          const bl_envelope_config *ec)
{
    if (!sp || n < seg) return NAN;
    if (bl_spectrum_welch(sp, x, n, rate, psd) != BL_OK) return NAN;
    double mf;
    if (bl_median_frequency(psd, seg / 2 + 1, rate, ec->bandpass_lo_hz, ec->bandpass_hi_hz, &mf) != BL_OK)
        return NAN;
    return mf;
}

static bl_status rep_metrics(bl_hinge *h, const bl_hinge_segment *segs, size_t nreps)
{
    size_t nch = h->nch, n = bl_recording_frames(h->env);
    double rate = bl_recording_rate(h->env);
    h->nreps = nreps;
    h->reps = calloc(nreps ? nreps : 1, sizeof *h->reps);
    h->reason = calloc(nreps ? nreps : 1, sizeof *h->reason);
    h->rc = calloc(nreps * nch + 1, sizeof *h->rc);
    h->order = calloc(nreps * nch + 1, sizeof *h->order);
    h->n_order = calloc(nreps + 1, sizeof *h->n_order);
    bl_bursts **bursts = calloc(nch, sizeof *bursts);
    size_t seg = (size_t)lround(h->cfg.spectrum_segment_s * rate);
    if (seg < 16) seg = 16;
    double *psd = malloc((seg / 2 + 1) * sizeof *psd);
    bl_spectrum *sp = NULL;
    bl_status st = BL_ENOMEM;
    if (!h->reps || !h->reason || !h->rc || !h->order || !h->n_order || !bursts || !psd) goto done;
    if ((st = detect_onsets(h, bursts)) != BL_OK) goto done;
    if (bl_spectrum_create(seg, &sp) != BL_OK) {
        sp = NULL;
        if ((st = add_warning(h, "spectrum estimator unavailable: no median frequencies")) != BL_OK) goto done;
    }
    int session_peak = 0;
    for (size_t c = 0; c < nch; c++)
        if (usable(h, c) && h->ref[c].source == BL_MVC_SESSION_PEAK) session_peak = 1;

    for (size_t k = 0; k < nreps; k++) {
        bl_hinge_rep *r = &h->reps[k];
        r->start_s = segs[k].start_s;
        r->end_s = segs[k].end_s;
        r->turn_s = segs[k].turn_s;
        int has_aux = 0;
        for (size_t c = 0; c < nch; c++) has_aux |= h->state[c] == BL_HINGE_CH_AUX;
        r->phase_method = !isfinite(r->turn_s) ? "none" : has_aux ? "joint angle (AUX)" : "envelope change point";
        size_t a = (size_t)lround(r->start_s * rate), b = (size_t)lround(r->end_s * rate);
        if (b > n) b = n;
        if (a >= b) a = b ? b - 1 : 0;
        double prev_end = k ? h->reps[k - 1].end_s : -INFINITY;
        bl_hinge_rep_channel *rc = &h->rc[k * nch];
        for (size_t c = 0; c < nch; c++) {
            bl_hinge_rep_channel *o = &rc[c];
            o->mean_pct = o->peak_pct = o->iemg = o->onset_s = o->median_hz = NAN;
            if (!usable(h, c) || b <= a) continue;
            const float *x = bl_recording_cdata(h->env, c);
            double s = 0, p = -INFINITY;
            for (size_t i = a; i < b; i++) {
                s += x[i];
                if (x[i] > p) p = x[i];
            }
            o->mean_pct = s / (double)(b - a);
            o->peak_pct = p;
            o->iemg = s / rate;
            /* Limb muscles: the 10 % point of the repetition's own rise,
             * which does not depend on the channel's gain or noise, so the
             * firing order is not biased towards the cleaner electrode (a
             * baseline threshold fires earlier the higher the SNR). Trunk
             * channels: the baseline threshold, because ECG bumps trip a
             * relative threshold early. Each falls back on the other. */
            int trunk = bl_muscle_group(h->muscle[c]) == BL_GROUP_TRUNK;
            o->onset_s = trunk ? rep_onset(bursts[c], prev_end, r->start_s, r->end_s)
                               : relative_onset(x, n, rate, prev_end, r->start_s, r->end_s);
            if (!isfinite(o->onset_s))
                o->onset_s = trunk ? relative_onset(x, n, rate, prev_end, r->start_s, r->end_s)
                                   : rep_onset(bursts[c], prev_end, r->start_s, r->end_s);
            o->median_hz = median_freq(sp, seg, psd, bl_recording_cdata(h->cond, c) + a, b - a, rate,
                                       &h->cfg.envelope);
        }
        verdict(h, r, rc, h->reason[k], session_peak);
        r->reason = h->reason[k];
        /* Firing order: insertion sort of the channels with an onset. */
        size_t *ord = &h->order[k * nch], m = 0;
        for (size_t c = 0; c < nch; c++) {
            if (!isfinite(rc[c].onset_s)) continue;
            size_t j = m++;
            while (j > 0 && rc[ord[j - 1]].onset_s > rc[c].onset_s) {
                ord[j] = ord[j - 1];
                j--;
            }
            ord[j] = c;
        }
        h->n_order[k] = m;
    }
    /* Fatigue: least-squares slope of the median frequency over the rep
     * index. */
    for (size_t c = 0; c < nch; c++) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        size_t m = 0;
        for (size_t k = 0; k < nreps; k++) {
            double y = h->rc[k * nch + c].median_hz;
            if (!isfinite(y)) continue;
            sx += (double)k;
            sy += y;
            sxx += (double)k * (double)k;
            sxy += (double)k * y;
            m++;
        }
        double d = (double)m * sxx - sx * sx;
        h->mf_slope[c] = m >= 3 && d > 0 ? ((double)m * sxy - sx * sy) / d : NAN;
    }
    st = BL_OK;
done:
    if (bursts)
        for (size_t c = 0; c < nch; c++) bl_bursts_destroy(bursts[c]);
    free(bursts);
    free(psd);
    bl_spectrum_destroy(sp);
    return st;
}

bl_status bl_hinge_analyse(const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                           const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = 0;
    if (!session || !cfg || !out || (n_mvc && !mvc)) return BL_EINVAL;
    if (!config_ok(cfg)) {
        bli_set_why(why, why_len, "invalid hinge configuration");
        return BL_EINVAL;
    }
    if (bl_recording_duration(session) < 1.0) {
        bli_set_why(why, why_len, "the session lasts %.3g s; a hinge set needs at least 1 s",
                bl_recording_duration(session));
        return BL_ENODATA;
    }
    bl_hinge *h = calloc(1, sizeof *h);
    if (!h) return BL_ENOMEM;
    h->cfg = *cfg;
    h->nch = bl_recording_channels(session);
    snprintf(h->unit, sizeof h->unit, "%s", bl_recording_unit(session));
    bl_status st = setup_channels(h, session, why, why_len);
    if (st != BL_OK) goto fail;
    st = bl_condition(session, &h->cfg.envelope, &h->cond, &h->crep);
    if (st != BL_OK) {
        bli_set_why(why, why_len, "conditioning failed: %s", bl_strerror(st));
        goto fail;
    }
    if ((st = copy_recording(h->cond, &h->env)) != BL_OK) goto fail;
    if ((st = bl_linear_envelope(h->env, &h->cfg.envelope)) != BL_OK) {
        bli_set_why(why, why_len, "envelope failed: %s", bl_strerror(st));
        goto fail;
    }
    if ((st = find_dead(h)) != BL_OK) goto fail;
    if ((st = normalise(h, mvc, n_mvc, why, why_len)) != BL_OK) goto fail;
    bl_hinge_segment *segs = NULL;
    size_t nreps = 0;
    if ((st = segment(h, &segs, &nreps)) != BL_OK) goto fail;
    st = rep_metrics(h, segs, nreps);
    free(segs);
    if (st != BL_OK) goto fail;
    *out = h;
    return BL_OK;
fail:
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    bl_hinge_destroy(h);
    return st;
}

/* --------------------------------------------------------------- getters */

void bl_hinge_condition_report(const bl_hinge *h, bl_condition_report *out)
{
    if (h && out) *out = h->crep;
}

const bl_hinge_config *bl_hinge_get_config(const bl_hinge *h) { return h ? &h->cfg : NULL; }
const char *bl_hinge_unit(const bl_hinge *h) { return h ? h->unit : ""; }
size_t bl_hinge_mvc_trials(const bl_hinge *h) { return h ? h->n_mvc : 0; }
size_t bl_hinge_channels(const bl_hinge *h) { return h ? h->nch : 0; }

const char *bl_hinge_channel_name(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->name[c] : "";
}

bl_muscle bl_hinge_channel_muscle(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->muscle[c] : BL_MUSCLE_COUNT;
}

bl_chain bl_hinge_channel_chain(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->chain[c] : BL_CHAIN_NONE;
}

bl_hinge_channel_state bl_hinge_channel_state_of(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->state[c] : BL_HINGE_CH_AUX;
}

bl_status bl_hinge_channel_reference(const bl_hinge *h, size_t c, bl_mvc_reference *out)
{
    if (!h || !out) return BL_EINVAL;
    if (c >= h->nch) return BL_ERANGE;
    *out = h->ref[c];
    return BL_OK;
}

double bl_hinge_channel_mf_slope(const bl_hinge *h, size_t c)
{
    return h && c < h->nch ? h->mf_slope[c] : NAN;
}

const float *bl_hinge_channel_envelope(const bl_hinge *h, size_t c, size_t *frames, double *rate_hz)
{
    if (!h || c >= h->nch || !usable(h, c)) return NULL;
    if (frames) *frames = bl_recording_frames(h->env);
    if (rate_hz) *rate_hz = bl_recording_rate(h->env);
    return bl_recording_cdata(h->env, c);
}

size_t bl_hinge_reps(const bl_hinge *h) { return h ? h->nreps : 0; }

bl_status bl_hinge_rep_get(const bl_hinge *h, size_t rep, bl_hinge_rep *out)
{
    if (!h || !out) return BL_EINVAL;
    if (rep >= h->nreps) return BL_ERANGE;
    *out = h->reps[rep];
    return BL_OK;
}

bl_status bl_hinge_rep_channel_get(const bl_hinge *h, size_t rep, size_t c, bl_hinge_rep_channel *out)
{
    if (!h || !out) return BL_EINVAL;
    if (rep >= h->nreps || c >= h->nch) return BL_ERANGE;
    *out = h->rc[rep * h->nch + c];
    return BL_OK;
}

size_t bl_hinge_firing_order(const bl_hinge *h, size_t rep, size_t *order, size_t cap)
{
    if (!h || rep >= h->nreps) return 0;
    size_t m = h->n_order[rep];
    for (size_t i = 0; i < m && i < cap && order; i++) order[i] = h->order[rep * h->nch + i];
    return m;
}

void bl_hinge_summary_get(const bl_hinge *h, bl_hinge_summary *out)
{
    if (!out) return;
    memset(out, 0, sizeof *out);
    out->mean_index = out->fatigue_slope_hz = NAN;
    if (!h) return;
    out->reps = h->nreps;
    double si = 0;
    size_t ni = 0;
    for (size_t k = 0; k < h->nreps; k++) {
        switch (h->reps[k].verdict) {
        case BL_VERDICT_INTERNAL: out->internal++; break;
        case BL_VERDICT_EXTERNAL: out->external++; break;
        case BL_VERDICT_MIXED: out->mixed++; break;
        default: out->unknown++; break;
        }
        if (isfinite(h->reps[k].chain_index)) {
            si += h->reps[k].chain_index;
            ni++;
        }
    }
    if (ni) out->mean_index = si / (double)ni;
    double ss = 0;
    size_t ns = 0;
    int all_mvc = 1;
    for (size_t c = 0; c < h->nch; c++) {
        if (!usable(h, c)) continue;
        if (h->ref[c].source != BL_MVC_TRIALS) all_mvc = 0;
        if (isfinite(h->mf_slope[c])) {
            ss += h->mf_slope[c];
            ns++;
        }
    }
    if (ns) out->fatigue_slope_hz = ss / (double)ns;
    out->normalised_to_mvc = all_mvc;
}

size_t bl_hinge_warnings(const bl_hinge *h) { return h ? h->n_warn : 0; }

const char *bl_hinge_warning(const bl_hinge *h, size_t i)
{
    return h && i < h->n_warn ? h->warn[i] : NULL;
}
