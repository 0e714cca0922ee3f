/* Live meters: per-channel envelope (the library's streaming band-pass →
 * rectify → low-pass, which also finds the mains hum), clipping, and the
 * medial:lateral hamstring balance (the library's definition).
 *
 * The writer thread feeds blocks (cap_meters_process); the main thread draws
 * at ~10 Hz (cap_meters_render). They share a small snapshot under a mutex;
 * neither is the audio thread, so a lock is fine here. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/balance.h"
#include "backline/envelope.h"

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
    bl_envelope_stream *env; /* NULL when not live (or it could not be made) */
    float *env_out;          /* max_block × channels */
    int live;
    size_t max_block;
    double *gain;            /* per channel, 0 = unknown */
    char (*label)[40];       /* "1 L.ST" */
    bl_chanmap *map;         /* copy of the capture's map, or NULL */
    /* Shared snapshot (mutex). */
    pthread_mutex_t lock;
    int mains;               /* the stream's choice: 50, 60, 0 = none, -1 = still detecting */
    float *level;            /* latest envelope, full-scale units */
    float *peak;             /* largest envelope so far (bar scale) */
    uint64_t *clipped;       /* clipped samples per channel */
    uint64_t *last_clip;     /* frame index of the last clipped sample + 1 */
    uint64_t frames;         /* frames processed */
    /* Renderer state (main thread only). */
    size_t lines_drawn;
};

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
    m->level = calloc(channels, sizeof *m->level);
    m->peak = calloc(channels, sizeof *m->peak);
    m->clipped = calloc(channels, sizeof *m->clipped);
    m->last_clip = calloc(channels, sizeof *m->last_clip);
    if (!m->gain || !m->label || !m->level || !m->peak || !m->clipped || !m->last_clip) {
        cap_meters_destroy(m);
        return NULL;
    }
    if (map && bl_chanmap_copy(map, &m->map) != BL_OK) {
        cap_meters_destroy(m);
        return NULL;
    }
    for (size_t c = 0; c < channels; c++) {
        m->gain[c] = gains ? gains[c] : 0.0;
        char name[16] = "";
        if (map) bl_chanmap_get_entry_name(map, c, name, sizeof name);
        snprintf(m->label[c], sizeof m->label[c], "%2zu %.15s", c + 1, name);
    }
    m->live = live;
    m->mains = mains;
    if (live) {
        m->env_out = malloc(max_block * channels * sizeof *m->env_out);
        if (m->env_out) start_envelopes(m, mains);
    }
    return m;
}

void cap_meters_destroy(cap_meters *m)
{
    if (!m) return;
    bl_envelope_stream_destroy(m->env);
    free(m->env_out);
    free(m->gain);
    free(m->label);
    bl_chanmap_destroy(m->map);
    free(m->level);
    free(m->peak);
    free(m->clipped);
    free(m->last_clip);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void cap_meters_process(cap_meters *m, const float *in, size_t frames)
{
    while (frames > 0) {
        size_t n = frames < m->max_block ? frames : m->max_block;
        size_t ch = m->channels;
        int have_env = m->env && bl_envelope_stream_process(m->env, in, m->env_out, n) == BL_OK;
        /* An automatic stream has no envelope until it has chosen its notch. */
        int mains = m->env ? (int)bl_envelope_stream_mains(m->env) : m->mains;
        if (mains < 0) have_env = 0;
        pthread_mutex_lock(&m->lock);
        m->mains = mains;
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

/* Medial (ST/SM) : lateral (BF) hamstring balance per side, the library's
 * definition (balance.h), from the envelopes in µV when every channel has
 * a gain, else in full-scale units (then only meaningful with equal
 * amplifier gains). One line per side that has both. */
static size_t render_balance(const cap_meters *m, FILE *out, const float *level, size_t shown)
{
    if (!m->map || shown != m->channels) return 0;
    double lv[64], uv[64];
    int all_gain = 1;
    for (size_t c = 0; c < shown; c++) {
        lv[c] = level[c];
        uv[c] = m->gain[c] > 0 ? level[c] * m->full_scale / m->gain[c] * 1e6 : 0;
    }
    static const int sides[] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
    static const char *const side_names[] = {"L", "R", ""};
    size_t lines = 0;
    for (size_t s = 0; s < 3; s++) {
        bl_hamstring_balance hb;
        bl_hamstring_balance_of(m->map, lv, NULL, sides[s], &hb);
        if (!hb.n_medial || !hb.n_lateral) continue;
        all_gain = 1;
        for (size_t c = 0; c < shown; c++) {
            bl_group g = bl_muscle_group(bl_chanmap_muscle(m->map, c));
            if ((int)bl_chanmap_side(m->map, c) == sides[s] &&
                (g == BL_GROUP_MEDIAL_HAMSTRING || g == BL_GROUP_LATERAL_HAMSTRING) && !(m->gain[c] > 0))
                all_gain = 0;
        }
        if (all_gain) bl_hamstring_balance_of(m->map, uv, NULL, sides[s], &hb);
        int pm = isfinite(hb.balance) ? (int)lround(50.0 * (1.0 + hb.balance)) : 50;
        char bar[CAP_BAR_WIDTH + 1];
        int fill = pm * CAP_BAR_WIDTH / 100;
        for (int i = 0; i < CAP_BAR_WIDTH; i++) bar[i] = i < fill ? 'M' : 'L';
        bar[CAP_BAR_WIDTH] = '\0';
        fprintf(out, " hamstrings%s%s medial:lateral %3d:%-3d [%s]%s\033[K\n", side_names[s][0] ? " " : "",
                side_names[s], pm, 100 - pm, bar, all_gain ? "" : " (full-scale units)");
        lines++;
    }
    return lines;
}

void cap_meters_render(cap_meters *m, FILE *out, double elapsed_s, uint64_t overruns,
                       uint64_t ring_overflows, const char *note)
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
    int have_env = m->env && mains >= 0;

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
    if (note && *note) {
        fprintf(out, " %s\033[K\n", note);
        lines++;
    }
    for (size_t c = 0; c < shown; c++) {
        char bar[CAP_BAR_WIDTH + 1];
        /* Bar relative to the channel's own peak so far: biofeedback wants
         * "how hard compared to before", and channels differ in gain. */
        float scale = peak[c] > 1e-9f ? peak[c] : 1e-9f;
        int fill = have_env ? (int)lroundf(level[c] / scale * CAP_BAR_WIDTH) : 0;
        if (fill < 0) fill = 0;
        if (fill > CAP_BAR_WIDTH) fill = CAP_BAR_WIDTH;
        for (int i = 0; i < CAP_BAR_WIDTH; i++) bar[i] = i < fill ? '#' : '.';
        bar[CAP_BAR_WIDTH] = '\0';
        char value[32] = "";
        if (have_env) format_level(m, c, level[c], value, sizeof value);
        fprintf(out, " %-10s [%s] %s%s\033[K\n", m->label[c], bar, value, clipping[c] ? "  CLIP" : "");
        lines++;
    }
    if (shown < ch) {
        fprintf(out, " (%zu more channels not shown)\033[K\n", ch - shown);
        lines++;
    }
    if (have_env) lines += render_balance(m, out, level, shown);
    fflush(out);
    m->lines_drawn = lines;
}
