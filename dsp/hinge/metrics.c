/* Per-repetition metrics of the hinge analysis: mean and peak %MVC, iEMG,
 * onset, median frequency per channel, the firing order, the verdict of
 * each repetition, and the median-frequency slope across the set. */
#include <math.h>
#include <stdlib.h>

#include "backline/spectrum.h"
#include "hinge_internal.h"

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

double bli_hinge_slope(const double *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(y[k])) continue;
        sx += (double)k;
        sy += y[k];
        sxx += (double)k * (double)k;
        sxy += (double)k * y[k];
        m++;
    }
    double d = (double)m * sxx - sx * sx;
    return m >= BLI_SLOPE_MIN_POINTS && d > 0 ? ((double)m * sxy - sx * sy) / d : NAN;
}

bl_status bli_hinge_rep_metrics(bl_hinge *h, const bl_hinge_segment *segs, size_t nreps)
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
    if ((st = bli_hinge_detect_onsets(h, bursts)) != BL_OK) goto done;
    if (bl_spectrum_create(seg, &sp) != BL_OK) {
        sp = NULL;
        if ((st = bli_hinge_warn(h, "spectrum estimator unavailable: no median frequencies")) != BL_OK) goto done;
    }
    int session_peak = 0;
    for (size_t c = 0; c < nch; c++)
        if (bli_hinge_usable(h, c) && h->ref[c].source == BL_MVC_SESSION_PEAK) session_peak = 1;

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
            if (!bli_hinge_usable(h, c) || b <= a) continue;
            const float *x = bl_recording_cdata(h->env, c);
            double s = 0, p = -INFINITY;
            for (size_t i = a; i < b; i++) {
                s += x[i];
                if (x[i] > p) p = x[i];
            }
            o->mean_pct = s / (double)(b - a);
            o->peak_pct = p;
            o->iemg = s / rate;
            o->onset_s = bli_hinge_rep_onset(h, bursts[c], c, prev_end, r);
            o->median_hz = median_freq(sp, seg, psd, bl_recording_cdata(h->cond, c) + a, b - a, rate,
                                       &h->cfg.envelope);
        }
        bli_hinge_chans view = bli_hinge_chans_of(h);
        bli_hinge_verdict(&view, r, rc, h->reason[k], session_peak);
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
    double *mf = malloc((nreps + 1) * sizeof *mf);
    if (!mf) {
        st = BL_ENOMEM;
        goto done;
    }
    for (size_t c = 0; c < nch; c++) {
        for (size_t k = 0; k < nreps; k++) mf[k] = h->rc[k * nch + c].median_hz;
        h->mf_slope[c] = bli_hinge_slope(mf, nreps);
    }
    free(mf);
    st = BL_OK;
done:
    if (bursts)
        for (size_t c = 0; c < nch; c++) bl_bursts_destroy(bursts[c]);
    free(bursts);
    free(psd);
    bl_spectrum_destroy(sp);
    return st;
}

