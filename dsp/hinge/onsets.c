/* Onsets in the hinge analysis. Limb muscles: the point where the %MVC
 * envelope rises through onset_rise_fraction of the repetition's own
 * trough-to-peak range, which does not depend on the channel's gain or
 * noise, so the firing order is not biased towards the cleaner electrode
 * (a baseline threshold fires earlier the higher the SNR). Trunk
 * channels: the baseline threshold, because ECG bumps trip a relative
 * threshold early. Each falls back on the other. */
#include <math.h>

#include "hinge_internal.h"

/* Onsets of every channel over the whole session (one detection per
 * channel; the quiet baseline is found automatically). */
bl_status bli_hinge_detect_onsets(bl_hinge *h, bl_bursts **bursts)
{
    size_t n = bl_recording_frames(h->env);
    double rate = bl_recording_rate(h->env);
    bl_onset_config oc = h->cfg.onset;
    oc.method = BL_ONSET_BASELINE; /* the input is an envelope */
    if (oc.baseline_window_s * rate >= (double)n) oc.baseline_window_s = 0.25 * (double)n / rate;
    for (size_t c = 0; c < h->nch; c++) {
        if (!bli_hinge_usable(h, c)) continue;
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
        if (bl_bursts_get_burst(b, i, &u) != BL_OK) break;
        if (u.offset_s <= prev_end || u.offset_s <= start - BLI_ONSET_SEARCH_BEFORE_S) continue;
        if (u.onset_s >= end) break;
        if (u.onset_s < prev_end) return NAN;
        return u.onset_s - start;
    }
    return NAN;
}

/* The onset as the point where the envelope rises through `fraction` of
 * its trough-to-peak range after the trough that precedes the repetition
 * (searched from the previous repetition's end, at most
 * BLI_ONSET_SEARCH_BEFORE_S before the start, to BLI_ONSET_SEARCH_INTO_S
 * into the repetition). */
static double relative_onset(const float *x, size_t n, double rate, double prev_end, double start, double end,
                             double fraction)
{
    double from = fmax(prev_end, start - BLI_ONSET_SEARCH_BEFORE_S);
    if (from < 0) from = 0;
    size_t a = (size_t)lround(from * rate), m = (size_t)lround((start + BLI_ONSET_SEARCH_INTO_S) * rate),
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
    double thr = x[lo] + fraction * ((double)x[hi] - x[lo]);
    if (!(x[hi] > x[lo])) return NAN;
    for (size_t i = lo; i <= hi; i++)
        if (x[i] >= thr) return (double)i / rate - start;
    return NAN;
}

double bli_hinge_rep_onset(const bl_hinge *h, const bl_bursts *bursts, size_t c, double prev_end,
                           const bl_hinge_rep *r)
{
    size_t n = bl_recording_frames(h->env);
    double rate = bl_recording_rate(h->env), f = h->cfg.onset_rise_fraction;
    const float *x = bl_recording_cdata(h->env, c);
    int trunk = bl_muscle_group(h->muscle[c]) == BL_GROUP_TRUNK;
    double onset = trunk ? rep_onset(bursts, prev_end, r->start_s, r->end_s)
                         : relative_onset(x, n, rate, prev_end, r->start_s, r->end_s, f);
    if (!isfinite(onset))
        onset = trunk ? relative_onset(x, n, rate, prev_end, r->start_s, r->end_s, f)
                      : rep_onset(bursts, prev_end, r->start_s, r->end_s);
    return onset;
}
