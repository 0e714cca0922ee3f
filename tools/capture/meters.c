/* Live meters, the levels: per-channel envelope (the library's streaming
 * band-pass → rectify → low-pass, which also finds the mains hum),
 * clipping, and the channels that deliver NaN or a flat line; the live
 * repetitions and their verdicts are reps.c. The view is meters_view.c.
 *
 * The writer thread feeds blocks (cap_meters_process); the main thread draws
 * at ~10 Hz (cap_meters_render). They share a small snapshot under a mutex;
 * neither is the audio thread, so a lock is fine here. */
#define _POSIX_C_SOURCE 200809L
#include "meters_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/envelope.h"

/* |sample| at or above this fraction of full scale counts as clipped: an
 * interface that clips delivers values pinned at (or a hair below) ±1. */
#define CAP_CLIP_LEVEL 0.999f

/* The meters' envelope stream: the library's, which notches the given
 * mains family or, with auto, detects it in the first second itself. */
static void start_envelopes(cap_meters *m, int mains)
{
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    /* The meters run at the capture rate; keep the band below Nyquist
     * for low rates rather than refusing to show anything. */
    if (cfg.bandpass_hi_hz >= 0.45 * m->rate_hz) cfg.bandpass_hi_hz = 0.45 * m->rate_hz;
    cfg.notch = mains == 50 ? BL_NOTCH_50 : mains == 60 ? BL_NOTCH_60 : mains == 0 ? BL_NOTCH_OFF : BL_NOTCH_AUTO;
    if (bl_envelope_stream_create(&cfg, m->channels, m->rate_hz, &m->env) != BL_OK) m->env = NULL;
    m->mains = m->env ? (int)bl_envelope_stream_mains(m->env) : 0;
}

int cap_meters_mains(cap_meters *m)
{
    if (!m) return 0;
    pthread_mutex_lock(&m->lock);
    int mains = m->mains;
    pthread_mutex_unlock(&m->lock);
    return mains;
}

/* Per channel: label, unit, whether it has a %MVC reference. */
static int describe_channels(cap_meters *m, const cap_meters_setup *su)
{
    for (size_t c = 0; c < m->channels; c++) {
        char name[16] = "";
        if (su->map) bl_chanmap_get_entry_name(su->map, c, name, sizeof name);
        snprintf(m->label[c], sizeof m->label[c], "%2zu %.7s", c + 1, name);
        m->in_uv[c] = su->layout ? bl_recording_channel_in_uv(su->layout, c) : 0;
        m->per_fs[c] = su->layout ? bl_recording_channel_full_scale(su->layout, c) : 1.0;
        if (!(m->per_fs[c] > 0)) m->per_fs[c] = 1.0;
    }
    return 0;
}

cap_meters *cap_meters_create(const cap_meters_setup *su)
{
    cap_meters *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    size_t channels = su->channels;
    m->channels = channels;
    m->rate_hz = su->rate_hz;
    m->max_block = su->max_block;
    m->mvc = su->mvc;
    m->target = su->target;
    m->scale_uv = su->scale_uv > 0 ? su->scale_uv : 500.0;
    pthread_mutex_init(&m->lock, NULL);
    m->label = calloc(channels, sizeof *m->label);
    m->in_uv = calloc(channels, sizeof *m->in_uv);
    m->per_fs = calloc(channels, sizeof *m->per_fs);
    m->level = calloc(channels, sizeof *m->level);
    m->clipped = calloc(channels, sizeof *m->clipped);
    m->last_clip = calloc(channels, sizeof *m->last_clip);
    m->last_nan = calloc(channels, sizeof *m->last_nan);
    m->last_change = calloc(channels, sizeof *m->last_change);
    m->last_value = calloc(channels, sizeof *m->last_value);
    m->clean = malloc(su->max_block * channels * sizeof *m->clean);
    if (!m->label || !m->in_uv || !m->per_fs || !m->level || !m->clipped || !m->last_clip || !m->last_nan ||
        !m->last_change || !m->last_value || !m->clean || (su->map && bl_chanmap_copy(su->map, &m->map) != BL_OK)) {
        cap_meters_destroy(m);
        return NULL;
    }
    describe_channels(m, su);
    m->live = su->live;
    m->mains = su->mains;
    if (su->live) {
        m->env_out = malloc(su->max_block * channels * sizeof *m->env_out);
        if (m->env_out) start_envelopes(m, su->mains);
        cap_reps_start(m, su);
    }
    return m;
}

void cap_meters_destroy(cap_meters *m)
{
    if (!m) return;
    bl_envelope_stream_destroy(m->env);
    cap_reps_stop(m);
    free(m->env_out);
    free(m->clean);
    free(m->label);
    free(m->in_uv);
    free(m->per_fs);
    bl_chanmap_destroy(m->map);
    free(m->level);
    free(m->clipped);
    free(m->last_clip);
    free(m->last_nan);
    free(m->last_change);
    free(m->last_value);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* Clipping, NaN and flat lines of one block, before it is enveloped; the
 * block's non-finite samples become 0 in m->clean (the envelope's filters
 * would stay NaN for ever), which then holds the block. Under the lock. */
static const float *inspect_block(cap_meters *m, const float *in, size_t n)
{
    size_t ch = m->channels;
    int any_nan = 0;
    for (size_t c = 0; c < ch; c++) {
        uint64_t clips = 0, last = 0, nan_at = 0, change = m->last_change[c];
        float prev = m->last_value[c];
        for (size_t i = 0; i < n; i++) {
            float x = in[i * ch + c];
            if (!isfinite(x)) {
                nan_at = m->frames + i + 1;
                continue;
            }
            if (fabsf(x) >= CAP_CLIP_LEVEL) {
                clips++;
                last = m->frames + i + 1;
            }
            if (x != prev) {
                change = m->frames + i;
                prev = x;
            }
        }
        m->last_value[c] = prev;
        m->last_change[c] = change;
        if (clips) {
            m->clipped[c] += clips;
            m->last_clip[c] = last;
        }
        if (nan_at) {
            m->last_nan[c] = nan_at;
            any_nan = 1;
        }
    }
    if (!any_nan) return in;
    for (size_t i = 0; i < n * ch; i++) m->clean[i] = isfinite(in[i]) ? in[i] : 0.0f;
    return m->clean;
}

void cap_meters_process(cap_meters *m, const float *in, size_t frames)
{
    while (frames > 0) {
        size_t n = frames < m->max_block ? frames : m->max_block;
        size_t ch = m->channels;
        pthread_mutex_lock(&m->lock);
        const float *x = inspect_block(m, in, n);
        pthread_mutex_unlock(&m->lock);
        int have_env = m->env && bl_envelope_stream_process(m->env, x, m->env_out, n) == BL_OK;
        cap_reps_feed(m, x, n);
        /* An automatic stream has no envelope until it has chosen its notch. */
        int mains = m->env ? (int)bl_envelope_stream_mains(m->env) : m->mains;
        if (mains < 0) have_env = 0;
        pthread_mutex_lock(&m->lock);
        m->mains = mains;
        for (size_t c = 0; have_env && c < ch; c++) {
            float v = m->env_out[(n - 1) * ch + c];
            m->level[c] = v >= 0 ? v : 0; /* the low-pass may ring below zero */
        }
        m->have_env = have_env || m->have_env;
        m->frames += n;
        pthread_mutex_unlock(&m->lock);
        in += n * ch;
        frames -= n;
    }
}

uint64_t cap_meters_clipped(cap_meters *m, size_t *worst_channel)
{
    uint64_t total = 0, worst = 0;
    size_t wc = 0;
    pthread_mutex_lock(&m->lock);
    for (size_t c = 0; c < m->channels; c++) {
        total += m->clipped[c];
        if (m->clipped[c] > worst) {
            worst = m->clipped[c];
            wc = c;
        }
    }
    pthread_mutex_unlock(&m->lock);
    if (worst_channel) *worst_channel = wc;
    return total;
}
