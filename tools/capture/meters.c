/* Live meters: per-channel envelope (the library's streaming band-pass →
 * rectify → low-pass), clipping, and the medial:lateral hamstring balance.
 *
 * The writer thread feeds blocks (cap_meters_process); the main thread draws
 * at ~10 Hz (cap_meters_render). They share a small snapshot under a mutex;
 * neither is the audio thread, so a lock is fine here. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/envelope.h"
#include "backline/spectrum.h"

/* |sample| at or above this fraction of full scale counts as clipped: an
 * interface that clips delivers values pinned at (or a hair below) ±1. */
#define CAP_CLIP_LEVEL 0.999f
/* How long a CLIP warning stays up after the last clipped sample. */
#define CAP_CLIP_HOLD_S 1.0
#define CAP_BAR_WIDTH 30

struct cap_meters {
    size_t channels;
    double rate_hz;
    double full_scale;
    bl_envelope_stream *env; /* NULL when not live, or until mains is known */
    float *env_out;          /* max_block × channels */
    int live;
    int mains;               /* 50, 60, 0 = none, -1 = still detecting */
    float *probe;            /* first second, interleaved, for mains detection */
    size_t probe_frames, probe_have;
    float *probe_ch;         /* one channel of it */
    size_t max_block;
    double *gain;            /* per channel, 0 = unknown */
    char (*label)[40];       /* "1 L.ST" */
    bl_side *side;
    bl_muscle *muscle;
    int have_map;
    /* Shared snapshot (mutex). */
    pthread_mutex_t lock;
    float *level;            /* latest envelope, full-scale units */
    float *peak;             /* largest envelope so far (bar scale) */
    uint64_t *clipped;       /* clipped samples per channel */
    uint64_t *last_clip;     /* frame index of the last clipped sample + 1 */
    uint64_t frames;         /* frames processed */
    /* Renderer state (main thread only). */
    size_t lines_drawn;
};

/* The meters' envelope stream, with notches once the mains frequency is
 * known; no envelopes (clipping and time only) if it cannot be made. */
static void start_envelopes(cap_meters *m)
{
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    /* The meters run at the capture rate; keep the band below Nyquist
     * for low rates rather than refusing to show anything. */
    if (cfg.bandpass_hi_hz >= 0.45 * m->rate_hz) cfg.bandpass_hi_hz = 0.45 * m->rate_hz;
    cfg.notch = m->mains == 50 ? BL_NOTCH_50 : m->mains == 60 ? BL_NOTCH_60 : BL_NOTCH_OFF;
    if (bl_envelope_stream_create(&cfg, m->channels, m->rate_hz, &m->env) != BL_OK) m->env = NULL;
}

/* After the first second: the most prominent hum over the channels. */
static void detect_mains(cap_meters *m)
{
    double best_db = 0;
    int best = 0;
    for (size_t c = 0; c < m->channels; c++) {
        for (size_t i = 0; i < m->probe_frames; i++) m->probe_ch[i] = m->probe[i * m->channels + c];
        double hz = 0, db = 0;
        if (bl_mains_detect(m->probe_ch, m->probe_frames, m->rate_hz, &hz, &db) == BL_OK && hz > 0 &&
            db > best_db) {
            best_db = db;
            best = (int)hz;
        }
    }
    pthread_mutex_lock(&m->lock); /* the renderer reads it */
    m->mains = best;
    pthread_mutex_unlock(&m->lock);
}

int cap_meters_mains(cap_meters *m)
{
    if (!m) return 0;
    pthread_mutex_lock(&m->lock);
    int mains = m->mains;
    pthread_mutex_unlock(&m->lock);
    return mains;
}

cap_meters *cap_meters_create(size_t channels, double rate_hz, const bl_chanmap *map,
                              const double *gains, double full_scale, int live, int mains, size_t max_block)
{
    cap_meters *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->channels = channels;
    m->rate_hz = rate_hz;
    m->full_scale = full_scale > 0 ? full_scale : 1.0;
    m->max_block = max_block;
    pthread_mutex_init(&m->lock, NULL);
    m->gain = calloc(channels, sizeof *m->gain);
    m->label = calloc(channels, sizeof *m->label);
    m->side = calloc(channels, sizeof *m->side);
    m->muscle = calloc(channels, sizeof *m->muscle);
    m->level = calloc(channels, sizeof *m->level);
    m->peak = calloc(channels, sizeof *m->peak);
    m->clipped = calloc(channels, sizeof *m->clipped);
    m->last_clip = calloc(channels, sizeof *m->last_clip);
    if (!m->gain || !m->label || !m->side || !m->muscle || !m->level || !m->peak || !m->clipped ||
        !m->last_clip) {
        cap_meters_destroy(m);
        return NULL;
    }
    m->have_map = map != NULL;
    for (size_t c = 0; c < channels; c++) {
        m->gain[c] = gains ? gains[c] : 0.0;
        char name[16] = "";
        if (map) {
            bl_chanmap_entry_name(map, c, name, sizeof name);
            m->side[c] = bl_chanmap_side(map, c);
            m->muscle[c] = bl_chanmap_muscle(map, c);
        } else {
            m->muscle[c] = BL_MUSCLE_EMG;
        }
        snprintf(m->label[c], sizeof m->label[c], "%2zu %.15s", c + 1, name);
    }
    m->live = live;
    m->mains = mains;
    if (live) {
        m->env_out = malloc(max_block * channels * sizeof *m->env_out);
        if (m->mains < 0) {
            /* Auto: hold the meters for one second of signal, detect the
             * hum in it, then start the envelopes and feed them that second. */
            m->probe_frames = (size_t)rate_hz;
            m->probe = malloc(m->probe_frames * channels * sizeof *m->probe);
            m->probe_ch = malloc(m->probe_frames * sizeof *m->probe_ch);
            if (!m->probe || !m->probe_ch) m->mains = 0;
        }
        if (m->env_out && m->mains >= 0) start_envelopes(m);
    }
    return m;
}

void cap_meters_destroy(cap_meters *m)
{
    if (!m) return;
    bl_envelope_stream_destroy(m->env);
    free(m->env_out);
    free(m->probe);
    free(m->probe_ch);
    free(m->gain);
    free(m->label);
    free(m->side);
    free(m->muscle);
    free(m->level);
    free(m->peak);
    free(m->clipped);
    free(m->last_clip);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static void meter_blocks(cap_meters *m, const float *in, size_t frames);

void cap_meters_process(cap_meters *m, const float *in, size_t frames)
{
    if (m->live && m->mains < 0 && m->env_out) {
        size_t take = m->probe_frames - m->probe_have;
        if (take > frames) take = frames;
        memcpy(m->probe + m->probe_have * m->channels, in, take * m->channels * sizeof *in);
        m->probe_have += take;
        if (m->probe_have < m->probe_frames) {
            meter_blocks(m, in, frames); /* clipping and time meanwhile */
            return;
        }
        detect_mains(m);
        start_envelopes(m);
        /* Run the probe through the envelopes up to where this block
         * starts, then the block itself: one continuous signal. Clipping
         * was counted as the probe arrived. */
        size_t settled = m->probe_frames - take;
        for (size_t i = 0; m->env && i < settled; i += m->max_block) {
            size_t n = settled - i < m->max_block ? settled - i : m->max_block;
            bl_envelope_stream_process(m->env, m->probe + i * m->channels, m->env_out, n);
        }
    }
    meter_blocks(m, in, frames);
}

static void meter_blocks(cap_meters *m, const float *in, size_t frames)
{
    while (frames > 0) {
        size_t n = frames < m->max_block ? frames : m->max_block;
        size_t ch = m->channels;
        int have_env = m->env && bl_envelope_stream_process(m->env, in, m->env_out, n) == BL_OK;
        pthread_mutex_lock(&m->lock);
        for (size_t c = 0; c < ch; c++) {
            uint64_t clips = 0, last = 0;
            for (size_t i = 0; i < n; i++) {
                if (fabsf(in[i * ch + c]) >= CAP_CLIP_LEVEL) {
                    clips++;
                    last = m->frames + i + 1;
                }
            }
            if (clips) {
                m->clipped[c] += clips;
                m->last_clip[c] = last;
            }
            if (have_env) {
                float v = m->env_out[(n - 1) * ch + c];
                if (!(v >= 0)) v = 0; /* the low-pass may ring below zero */
                m->level[c] = v;
                if (v > m->peak[c]) m->peak[c] = v;
            }
        }
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

/* Envelope as text: µV when the channel's gain is known, else % of full
 * scale. */
static void format_level(const cap_meters *m, size_t c, float v, char *buf, size_t len)
{
    if (m->gain[c] > 0)
        snprintf(buf, len, "%9.1f uV", v * m->full_scale / m->gain[c] * 1e6);
    else
        snprintf(buf, len, "%8.3f %%FS", v * 100.0);
}

static int is_medial(bl_muscle mu) { return mu == BL_MUSCLE_ST || mu == BL_MUSCLE_SM; }

void cap_meters_render(cap_meters *m, FILE *out, double elapsed_s, uint64_t overruns,
                       uint64_t ring_overflows)
{
    size_t ch = m->channels;
    float level[64], peak[64];
    int clipping[64];
    size_t shown = ch < 64 ? ch : 64;
    pthread_mutex_lock(&m->lock);
    uint64_t now = m->frames;
    for (size_t c = 0; c < shown; c++) {
        level[c] = m->level[c];
        peak[c] = m->peak[c];
        clipping[c] = m->last_clip[c] &&
                      (double)(now - (m->last_clip[c] - 1)) < CAP_CLIP_HOLD_S * m->rate_hz;
    }
    int mains = m->mains;
    pthread_mutex_unlock(&m->lock);

    if (m->lines_drawn) fprintf(out, "\033[%zuA", m->lines_drawn);
    size_t lines = 0;
    int minutes = (int)(elapsed_s / 60.0);
    double seconds = elapsed_s - 60.0 * minutes;
    char hum[32];
    if (mains > 0) snprintf(hum, sizeof hum, "mains %d Hz notched", mains);
    else snprintf(hum, sizeof hum, "%s", mains < 0 ? "detecting mains..." : "no mains notch");
    fprintf(out, "\r recording %02d:%04.1f   overruns %llu   ring overflows %llu   %s   (Ctrl-C stops)\033[K\n",
            minutes, seconds, (unsigned long long)overruns, (unsigned long long)ring_overflows, hum);
    lines++;
    for (size_t c = 0; c < shown; c++) {
        char bar[CAP_BAR_WIDTH + 1];
        /* Bar relative to the channel's own peak so far: biofeedback wants
         * "how hard compared to before", and channels differ in gain. */
        float scale = peak[c] > 1e-9f ? peak[c] : 1e-9f;
        int fill = m->env ? (int)lroundf(level[c] / scale * CAP_BAR_WIDTH) : 0;
        if (fill < 0) fill = 0;
        if (fill > CAP_BAR_WIDTH) fill = CAP_BAR_WIDTH;
        for (int i = 0; i < CAP_BAR_WIDTH; i++) bar[i] = i < fill ? '#' : '.';
        bar[CAP_BAR_WIDTH] = '\0';
        char value[32] = "";
        if (m->env) format_level(m, c, level[c], value, sizeof value);
        fprintf(out, " %-10s [%s] %s%s\033[K\n", m->label[c], bar, value,
                clipping[c] ? "  CLIP" : "");
        lines++;
    }
    if (shown < ch) {
        fprintf(out, " (%zu more channels not shown)\033[K\n", ch - shown);
        lines++;
    }
    /* Medial (ST/SM) : lateral (BF) hamstring balance per side, from the
     * envelopes in µV when every channel involved has a gain, else in
     * full-scale units (then only meaningful with equal amplifier gains). */
    if (m->have_map && m->env) {
        static const bl_side sides[] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
        static const char *const side_names[] = {"L", "R", ""};
        for (size_t s = 0; s < 3; s++) {
            double med = 0, lat = 0;
            int n_med = 0, n_lat = 0, all_gain = 1;
            for (size_t c = 0; c < shown; c++) {
                if (m->side[c] != sides[s]) continue;
                int medial = is_medial(m->muscle[c]), lateral = m->muscle[c] == BL_MUSCLE_BF;
                if (!medial && !lateral) continue;
                if (!(m->gain[c] > 0)) all_gain = 0;
                double v = level[c];
                if (medial) { med += v; n_med++; }
                else { lat += v; n_lat++; }
            }
            if (!n_med || !n_lat) continue;
            if (all_gain) { /* redo in µV */
                med = lat = 0;
                for (size_t c = 0; c < shown; c++) {
                    if (m->side[c] != sides[s]) continue;
                    double uv = level[c] * m->full_scale / (m->gain[c] > 0 ? m->gain[c] : 1) * 1e6;
                    if (is_medial(m->muscle[c])) med += uv;
                    else if (m->muscle[c] == BL_MUSCLE_BF) lat += uv;
                }
            }
            med /= n_med;
            lat /= n_lat;
            double sum = med + lat;
            int pm = sum > 0 ? (int)lround(100.0 * med / sum) : 50;
            char bar[CAP_BAR_WIDTH + 1];
            int fill = pm * CAP_BAR_WIDTH / 100;
            for (int i = 0; i < CAP_BAR_WIDTH; i++) bar[i] = i < fill ? 'M' : 'L';
            bar[CAP_BAR_WIDTH] = '\0';
            fprintf(out, " hamstrings%s%s medial:lateral %3d:%-3d [%s]%s\033[K\n", side_names[s][0] ? " " : "",
                    side_names[s], pm, 100 - pm, bar, all_gain ? "" : " (full-scale units)");
            lines++;
        }
    }
    fflush(out);
    m->lines_drawn = lines;
}
