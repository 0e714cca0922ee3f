/* The hip-hinge analysis, start to end: channels and their quality
 * (channels.c), conditioning and linear envelopes, %MVC normalisation with
 * the references checked, then the repetitions (segment.c) and their
 * metrics and verdicts (metrics.c, verdict.c). See include/backline/hinge.h
 * for every number's definition. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hinge_internal.h"
#include "internal.h"

bl_status bli_hinge_warn(bl_hinge *h, const char *fmt, ...)
{
    char buf[1024];
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
    free(h->why);
    bl_quality_destroy(h->quality);
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
        /* The session's own levels judge the trial's reference first. */
        if ((st = bli_hinge_check_reference(h, c, x, n)) != BL_OK || h->state[c] != BL_HINGE_CH_OK) continue;
        bl_status a = bl_mvc_apply_channel(m, c, x, x, n);
        if (a == BL_ENODATA)
            st = bli_hinge_leave_out(h, c, BL_HINGE_CH_NO_REFERENCE, "has no positive MVC reference");
        else if (a != BL_OK)
            st = a;
        else if (n_mvc > 0 && h->ref[c].source == BL_MVC_SESSION_PEAK)
            /* Its %MVC would be on another scale than the other channels'. */
            st = bli_hinge_leave_out(h, c, BL_HINGE_CH_NO_REFERENCE, "has no MVC reference from the trials "
                                     "(only the session's own peak)");
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
    size_t usable = 0;
    for (size_t c = 0; c < nch; c++) usable += bli_hinge_usable(h, c);
    if (!usable) {
        *segs_out = NULL;
        *n_out = 0;
        st = bli_hinge_warn(h, "no usable channel: no repetitions");
        goto done;
    }
    for (size_t c = 0; c < nch; c++) {
        env[c] = bl_recording_cdata(h->env, c);
        if (h->state[c] == BL_HINGE_CH_AUX && !aux) aux = bl_recording_cdata(h->cond, c);
        w[c] = bli_hinge_usable(h, c) ? bl_hinge_segment_weight(h->muscle[c]) : 0.0;
        wsum += w[c];
    }
    if (wsum > 0 && !bli_hinge_any_activity(h, w)) {
        /* Quiet standing, a constant or a noise-only recording. */
        *segs_out = NULL;
        *n_out = 0;
        st = bli_hinge_warn(h, "no channel rises above its baseline (SNR below %.3g dB, quality.h): no "
                            "repetitions", h->cfg.quality.snr_warn_db);
        goto done;
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
            snprintf(h->why[c], BLI_HINGE_REASON_LEN, "%s", BLI_HINGE_NO_MODULATION_WHY);
            st = bli_hinge_warn(h, "channel %s %s: left out of segmentation, metrics and the verdict", h->name[c],
                                h->why[c]);
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

/* The analysis of session; `owned` (NULL, or session itself) is the
 * caller's session handed over: conditioned in place and kept as h->cond,
 * destroyed on failure. */
static bl_status analyse(const bl_recording *session, bl_recording *owned, const bl_recording *const *mvc,
                         size_t n_mvc, const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len)
{
    bl_status st = BL_OK;
    if (!bli_hinge_config_ok(cfg)) {
        bli_set_why(why, why_len, "invalid hinge configuration");
        st = BL_EINVAL;
    } else if (bl_recording_duration(session) < 1.0) {
        bli_set_why(why, why_len, "the session lasts %.3g s; a hinge set needs at least 1 s",
                bl_recording_duration(session));
        st = BL_ENODATA;
    }
    bl_hinge *h = st == BL_OK ? calloc(1, sizeof *h) : NULL;
    if (!h) {
        bl_recording_destroy(owned);
        return st != BL_OK ? st : BL_ENOMEM;
    }
    h->cfg = *cfg;
    h->nch = bl_recording_channels(session);
    snprintf(h->unit, sizeof h->unit, "%s", bl_recording_unit(session));
    if ((st = bli_hinge_setup_channels(h, session)) != BL_OK) goto fail;
    /* The quality checks first: their own conditioned copy is gone before
     * ours is made, so at most two copies of the session live at once. */
    if ((st = bli_hinge_assess_quality(h, session, why, why_len)) != BL_OK) goto fail;
    if (owned) { /* the hinge's from here on, whatever happens */
        h->cond = owned;
        owned = NULL;
        st = bl_condition_in_place(h->cond, &h->cfg.envelope, &h->crep);
    } else {
        st = bl_condition(session, &h->cfg.envelope, &h->cond, &h->crep);
    }
    if (st != BL_OK) {
        bli_set_why(why, why_len, "conditioning failed: %s", bl_strerror(st));
        goto fail;
    }
    if ((st = copy_recording(h->cond, &h->env)) != BL_OK) goto fail;
    if ((st = bl_linear_envelope(h->env, &h->cfg.envelope)) != BL_OK) {
        bli_set_why(why, why_len, "envelope failed: %s", bl_strerror(st));
        goto fail;
    }
    if ((st = normalise(h, mvc, n_mvc, why, why_len)) != BL_OK) goto fail;
    bl_hinge_segment *segs = NULL;
    size_t nreps = 0;
    if ((st = segment(h, &segs, &nreps)) != BL_OK) goto fail;
    st = bli_hinge_rep_metrics(h, segs, nreps);
    free(segs);
    if (st != BL_OK) goto fail;
    bli_hinge_relative(h);
    *out = h;
    return BL_OK;
fail:
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    bl_recording_destroy(owned);
    bl_hinge_destroy(h);
    return st;
}

bl_status bl_hinge_analyse(const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                           const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = 0;
    if (!session || !cfg || !out || (n_mvc && !mvc)) return BL_EINVAL;
    return analyse(session, NULL, mvc, n_mvc, cfg, out, why, why_len);
}

bl_status bl_hinge_analyse_take(bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                                const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = 0;
    if (!session || !cfg || !out || (n_mvc && !mvc)) {
        bl_recording_destroy(session);
        return BL_EINVAL;
    }
    return analyse(session, session, mvc, n_mvc, cfg, out, why, why_len);
}

