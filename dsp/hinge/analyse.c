/* The hip-hinge analysis, start to end: channels from the map, dead
 * electrodes, conditioning and linear envelopes, %MVC normalisation, then
 * the repetitions (segment.c) and their metrics and verdicts (metrics.c,
 * verdict.c). See include/backline/hinge.h for every number's
 * definition. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hinge_internal.h"
#include "internal.h"

bl_status bli_hinge_warn(bl_hinge *h, const char *fmt, ...)
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
    bl_chanmap_destroy(h->map);
    free(h);
}

/* Channel names, muscles and chains from the session's map. */
static bl_status setup_channels(bl_hinge *h, const bl_recording *session)
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
    if (map && bl_chanmap_copy(map, &h->map) != BL_OK) return BL_ENOMEM;
    for (size_t c = 0; c < nch; c++) {
        if (map) {
            h->muscle[c] = bl_chanmap_muscle(map, c);
            if (bl_chanmap_get_entry_name(map, c, h->name[c], BLI_HINGE_NAME_LEN) != BL_OK)
                snprintf(h->name[c], BLI_HINGE_NAME_LEN, "ch%zu", c + 1);
        } else {
            h->muscle[c] = BL_MUSCLE_EMG;
            snprintf(h->name[c], BLI_HINGE_NAME_LEN, "ch%zu", c + 1);
        }
        h->chain[c] = h->muscle[c] == BL_MUSCLE_AUX ? BL_CHAIN_NONE : h->cfg.chain[h->muscle[c]];
        h->state[c] = h->muscle[c] == BL_MUSCLE_AUX ? BL_HINGE_CH_AUX : BL_HINGE_CH_OK;
        h->mf_slope[c] = NAN;
    }
    if (!map)
        return bli_hinge_warn(h, "no channel map: channels are unnamed EMG, no torque-chain verdict is possible");
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
                st = bli_hinge_warn(h, "channel %s looks dead (RMS %.3g, %.2g x the median channel): left out of "
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
            bli_set_why(why, why_len, "mvc trial %zu: conditioning failed: %s (%.3f s at %g Hz)", t + 1,
                        bl_strerror(st), bl_recording_duration(mvc[t]), bl_recording_rate(mvc[t]));
            break;
        }
        st = bl_mvc_add_trial(m, tenv, line, sizeof line);
        /* The library's layout and unit reasons read on from the trial's name. */
        if (st != BL_OK && line[0]) bli_set_why(why, why_len, "mvc trial %zu %s", t + 1, line);
        else if (st != BL_OK) bli_set_why(why, why_len, "mvc trial %zu: %s", t + 1, bl_strerror(st));
        bl_recording_destroy(tenv);
    }
    if (st == BL_OK) {
        st = bl_mvc_add_session_peak(m, h->env, line, sizeof line);
        if (st != BL_OK) bli_set_why(why, why_len, "session peak: %s", line[0] ? line : bl_strerror(st));
    }
    if (st == BL_OK && n_mvc == 0)
        st = bli_hinge_warn(h, "no MVC trials: normalised to the session's own peak (lower confidence)");
    size_t n = bl_recording_frames(h->env);
    for (size_t c = 0; c < h->nch && st == BL_OK; c++) {
        if (h->state[c] == BL_HINGE_CH_AUX) continue;
        bl_mvc_get_reference(m, c, &h->ref[c]);
        if (h->state[c] != BL_HINGE_CH_OK) continue;
        float *x = bl_recording_data(h->env, c);
        bl_status a = bl_mvc_apply_channel(m, c, x, x, n);
        if (a == BL_ENODATA) {
            h->state[c] = BL_HINGE_CH_NO_REFERENCE;
            st = bli_hinge_warn(h, "channel %s has no positive MVC reference: left out", h->name[c]);
        } else if (a != BL_OK) {
            st = a;
        } else if (n_mvc > 0 && h->ref[c].source == BL_MVC_SESSION_PEAK) {
            st = bli_hinge_warn(h, "channel %s: no MVC reference from the trials, normalised to the session's "
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
        w[c] = bli_hinge_usable(h, c) ? bl_hinge_segment_weight(h->muscle[c]) : 0.0;
        wsum += w[c];
    }
    if (!(wsum > 0)) {
        for (size_t c = 0; c < nch; c++) w[c] = bli_hinge_usable(h, c) ? 1.0 : 0.0;
        if ((st = bli_hinge_warn(h, "no hamstring, glute or trunk channel usable: repetitions found from all "
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
        st = bli_hinge_warn(h, "no usable channel: no repetitions");
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
            st = bli_hinge_warn(h, "channel %s shows no modulation while the others do (electrode off?): left "
                             "out of segmentation, metrics and the verdict", h->name[c]);
        } else if (w[c] > 0 && ign[c]) {
            st = bli_hinge_warn(h, "channel %s shows no modulation (flat or noise only): not used to find "
                             "repetitions", h->name[c]);
        } else {
            wu += w[c];
        }
    }
    if (st == BL_OK && count == 0 && !said && wt > 0 && !(wu > 0))
        st = bli_hinge_warn(h, "no channel modulates: no repetitions");
    else if (st == BL_OK && count == 0 && !said && wt > 0 && wu < h->cfg.segment.min_used_weight * wt)
        st = bli_hinge_warn(h, "too few channels modulate (%.0f %% of the segmentation weight): no repetitions "
                         "(activity on the trunk alone, e.g. ECG, does not make a set)", 100.0 * wu / wt);
    else if (st == BL_OK && count == 0 && !said)
        st = bli_hinge_warn(h, "no repetitions found");
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

bl_status bl_hinge_analyse(const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                           const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = 0;
    if (!session || !cfg || !out || (n_mvc && !mvc)) return BL_EINVAL;
    if (!bli_hinge_config_ok(cfg)) {
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
    bl_status st = setup_channels(h, session);
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
    st = bli_hinge_rep_metrics(h, segs, nreps);
    free(segs);
    if (st != BL_OK) goto fail;
    *out = h;
    return BL_OK;
fail:
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    bl_hinge_destroy(h);
    return st;
}

