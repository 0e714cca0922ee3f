/* %MVC references and normalisation. See include/backline/normalise.h. */
#include "backline/normalise.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"

struct bl_mvc {
    size_t channels;
    double window_s;
    bl_recording *layout;     /* the session's description (no frames): map, unit */
    unsigned char *is_emg;    /* per channel */
    bl_mvc_reference *refs;   /* per channel */
    size_t trials;
};

void bl_mvc_config_default(bl_mvc_config *cfg)
{
    if (cfg) cfg->window_s = 0.5;
}

const char *bl_mvc_source_name(bl_mvc_source s)
{
    switch (s) {
    case BL_MVC_NONE: return "none";
    case BL_MVC_TRIALS: return "mvc";
    case BL_MVC_SESSION_PEAK: return "session-peak";
    }
    return "none";
}

bl_status bl_mvc_create(const bl_recording *layout, const bl_mvc_config *cfg, bl_mvc **out, char *why,
                        size_t why_len)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    size_t channels = bl_recording_channels(layout);
    if (!layout || channels == 0) return BL_EINVAL;
    bl_mvc_config def;
    bl_mvc_config_default(&def);
    if (!cfg) cfg = &def;
    if (!(cfg->window_s > 0.0) || !isfinite(cfg->window_s)) return BL_ERANGE;
    if (channels > SIZE_MAX / sizeof(bl_mvc_reference)) return BL_ENOMEM;
    bl_mvc *m = calloc(1, sizeof *m);
    if (!m) return BL_ENOMEM;
    m->channels = channels;
    m->window_s = cfg->window_s;
    m->is_emg = malloc(channels);
    m->refs = calloc(channels, sizeof *m->refs);
    if (!m->is_emg || !m->refs ||
        bl_recording_create_like(layout, 0, bl_recording_rate(layout), &m->layout) != BL_OK) {
        bl_mvc_destroy(m);
        if (why && why_len) snprintf(why, why_len, "out of memory");
        return BL_ENOMEM;
    }
    const bl_chanmap *map = bl_recording_chanmap(layout);
    for (size_t c = 0; c < channels; c++) m->is_emg[c] = bl_chanmap_muscle(map, c) != BL_MUSCLE_AUX;
    *out = m;
    return BL_OK;
}

void bl_mvc_destroy(bl_mvc *m)
{
    if (!m) return;
    bl_recording_destroy(m->layout);
    free(m->is_emg);
    free(m->refs);
    free(m);
}

size_t bl_mvc_channels(const bl_mvc *m) { return m ? m->channels : 0; }
size_t bl_mvc_trials(const bl_mvc *m) { return m ? m->trials : 0; }

bl_status bl_mvc_get_reference(const bl_mvc *m, size_t channel, bl_mvc_reference *out)
{
    if (!m || !out) return BL_EINVAL;
    if (channel >= m->channels) return BL_ERANGE;
    *out = m->refs[channel];
    return BL_OK;
}

bl_status bl_mvc_set_reference(bl_mvc *m, size_t channel, double value, bl_mvc_source source)
{
    if (!m) return BL_EINVAL;
    if (channel >= m->channels) return BL_ERANGE;
    if (!m->is_emg[channel] || !(value > 0.0) || !isfinite(value) ||
        (source != BL_MVC_TRIALS && source != BL_MVC_SESSION_PEAK))
        return BL_EINVAL;
    bl_mvc_reference r = {value, source, 0, NAN, source == BL_MVC_TRIALS ? 1 : 0};
    m->refs[channel] = r;
    return BL_OK;
}

int bl_mvc_all_from_trials(const bl_mvc *m)
{
    if (!m) return 0;
    for (size_t c = 0; c < m->channels; c++)
        if (m->is_emg[c] && (m->refs[c].source != BL_MVC_TRIALS || !(m->refs[c].value > 0.0)))
            return 0;
    return 1;
}

bl_status bl_mvc_peak_average(const float *x, size_t n, double rate_hz, double window_s,
                              double *peak, double *centre_s)
{
    if (!x || !peak || n == 0 || !(rate_hz > 0.0) || !isfinite(rate_hz) || !(window_s > 0.0) ||
        !isfinite(window_s))
        return BL_EINVAL;
    double wf = floor(window_s * rate_hz + 0.5);
    if (wf < 1.0) wf = 1.0;
    if (wf > (double)n) return BL_ERANGE;
    size_t w = (size_t)wf;
    /* Running sum in double: exact enough over 10⁶ samples, O(n). */
    double sum = 0.0;
    for (size_t i = 0; i < w; i++) {
        if (!isfinite(x[i])) return BL_ENONFINITE;
        sum += x[i];
    }
    double best = sum;
    size_t best_a = 0;
    for (size_t i = w; i < n; i++) {
        if (!isfinite(x[i])) return BL_ENONFINITE;
        sum += (double)x[i] - x[i - w];
        if (sum > best) { best = sum; best_a = i - w + 1; }
    }
    *peak = best / (double)w;
    if (centre_s) *centre_s = ((double)best_a + (double)(w - 1) / 2.0) / rate_hz;
    return BL_OK;
}

/* Check that `rec` has the session's layout and unit. `why` follows the
 * caller's name for it: "has 3 channels but the session has 4". */
static bl_status check_layout(const bl_mvc *m, const bl_recording *rec, char *why, size_t why_len)
{
    size_t ch = bl_recording_channels(rec);
    if (ch != m->channels) {
        if (why && why_len) snprintf(why, why_len, "has %zu channels but the session has %zu", ch, m->channels);
        return BL_EMAP;
    }
    const bl_chanmap *map = bl_recording_chanmap(rec), *session = bl_recording_chanmap(m->layout);
    if (map && session && !bl_chanmap_equal(map, session)) {
        if (why && why_len)
            snprintf(why, why_len, "has channel map %s but the session has %s", bl_chanmap_text(map),
                     bl_chanmap_text(session));
        return BL_EMAP;
    }
    /* %MVC divides by the reference: both in one unit (the library's rule). */
    return bl_recording_check_same_unit(rec, m->layout, why, why_len);
}

/* Per-channel largest moving averages of `rec` into peaks/centres; a
 * recording shorter than the window uses its whole mean when allow_short. */
static bl_status recording_peaks(const bl_mvc *m, const bl_recording *rec, int allow_short,
                                 double *peaks, double *centres)
{
    size_t n = bl_recording_frames(rec);
    double rate = bl_recording_rate(rec);
    double win = m->window_s;
    if (n == 0) return BL_ENODATA;
    if (allow_short && floor(win * rate + 0.5) > (double)n) win = (double)n / rate;
    for (size_t c = 0; c < m->channels; c++) {
        peaks[c] = 0.0;
        centres[c] = 0.0;
        if (!m->is_emg[c]) continue;
        const float *x = bl_recording_cdata(rec, c);
        if (!x) return BL_EINVAL;
        bl_status st = bl_mvc_peak_average(x, n, rate, win, &peaks[c], &centres[c]);
        if (st != BL_OK) return st;
    }
    return BL_OK;
}

static bl_status fold(bl_mvc *m, const bl_recording *rec, int session, char *why, size_t why_len)
{
    if (!m || !rec) return BL_EINVAL;
    bl_status st = check_layout(m, rec, why, why_len);
    if (st != BL_OK) return st;
    double *peaks = malloc(2 * m->channels * sizeof *peaks);
    if (!peaks) return BL_ENOMEM;
    double *centres = peaks + m->channels;
    st = recording_peaks(m, rec, session, peaks, centres);
    if (st == BL_ERANGE && why && why_len)
        snprintf(why, why_len, "lasts %.3f s, shorter than the %.3f s reference window",
                 bl_recording_duration(rec), m->window_s);
    if (st == BL_OK) {
        /* Everything computed: now commit, so a failure above changes nothing. */
        for (size_t c = 0; c < m->channels; c++) {
            if (!m->is_emg[c]) continue;
            bl_mvc_reference *r = &m->refs[c];
            if (session) {
                if (r->source == BL_MVC_TRIALS) continue;
                r->value = peaks[c];
                r->source = BL_MVC_SESSION_PEAK;
                r->trial = 0;
                r->time_s = centres[c];
                r->trials_used = 0;
            } else {
                if (r->source != BL_MVC_TRIALS || peaks[c] > r->value) {
                    r->value = peaks[c];
                    r->trial = m->trials;
                    r->time_s = centres[c];
                }
                r->source = BL_MVC_TRIALS;
                r->trials_used++;
            }
        }
        if (!session) m->trials++;
    }
    free(peaks);
    return st;
}

bl_status bl_mvc_add_trial(bl_mvc *m, const bl_recording *trial_envelope, char *why, size_t why_len)
{
    return fold(m, trial_envelope, 0, why, why_len);
}

bl_status bl_mvc_add_session_peak(bl_mvc *m, const bl_recording *session_envelope, char *why,
                                  size_t why_len)
{
    return fold(m, session_envelope, 1, why, why_len);
}

bl_status bl_mvc_apply_channel(const bl_mvc *m, size_t channel, const float *env, float *out,
                               size_t n)
{
    if (!m || (n && (!env || !out))) return BL_EINVAL;
    if (channel >= m->channels) return BL_ERANGE;
    const bl_mvc_reference *r = &m->refs[channel];
    if (r->source == BL_MVC_NONE || !(r->value > 0.0) || !isfinite(r->value)) return BL_ENODATA;
    double scale = 100.0 / r->value;
    for (size_t i = 0; i < n; i++) out[i] = (float)(env[i] * scale);
    return BL_OK;
}

bl_status bl_mvc_apply(const bl_mvc *m, bl_recording *envelope, char *why, size_t why_len)
{
    if (!m || !envelope) return BL_EINVAL;
    bl_status st = check_layout(m, envelope, why, why_len);
    if (st != BL_OK) return st;
    for (size_t c = 0; c < m->channels; c++) {
        const bl_mvc_reference *r = &m->refs[c];
        if (m->is_emg[c] && (r->source == BL_MVC_NONE || !(r->value > 0.0))) {
            if (why && why_len)
                snprintf(why, why_len, "channel %zu has no usable %%MVC reference%s", c + 1,
                         r->source == BL_MVC_NONE ? "" : " (its reference is zero: a dead channel?)");
            return BL_ENODATA;
        }
    }
    size_t n = bl_recording_frames(envelope);
    for (size_t c = 0; c < m->channels; c++) {
        if (!m->is_emg[c]) continue;
        float *x = bl_recording_data(envelope, c);
        if (!x) return BL_EINVAL;
        st = bl_mvc_apply_channel(m, c, x, x, n);
        if (st != BL_OK) return st;
    }
    return BL_OK;
}
