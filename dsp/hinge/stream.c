/* The live hip-hinge segmenter and verdict (bl_hinge_stream, see
 * include/backline/hinge.h): raw blocks -> causal envelopes
 * (bl_envelope_stream), their delay taken off -> grid levels in %MVC ->
 * at every grid point the offline segmentation stages (segment.c) over
 * the look-behind window (stream_levels.c) -> each repetition, once no
 * later sample can change it, through the offline verdict (verdict.c).
 *
 * Why a window re-run rather than a causal detector of its own: the
 * offline thresholds are percentiles of the whole session, which a live
 * path cannot have; the window's percentiles are the nearest it can get,
 * and running the same stages on them keeps one piece of code per rule
 * (scaling, hysteresis, merging, splitting, edges). A repetition is
 * handed out when its end cannot move any more: after its end the
 * smoothed activity has been at or below the off threshold at a point at
 * least min_gap_s later (so no later rise can merge with it), at a point
 * the smoothing window no longer reaches past the newest sample. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/balance.h"
#include "stream_internal.h"

/* Frames per call of the envelope stream (its output buffer). */
#define STREAM_CHUNK 512
#define LOOK_BEHIND_MIN_S 5.0
#define LOOK_BEHIND_MAX_S 600.0

struct bl_hinge_stream {
    bl_hinge_stream_config cfg;
    size_t nch;
    double rate_hz;
    bl_chanmap *map;
    char (*name)[BLI_HINGE_NAME_LEN];
    bl_muscle *muscle;
    bl_chain *chain;
    bl_hinge_ch_state *state;     /* what the map and the references allow */
    bl_hinge_ch_state *rep_state; /* one repetition's: dead channels added */
    char (*why)[BLI_HINGE_REASON_LEN];
    double *scale;                /* 100 / reference (%MVC), or 1 */
    double *weight;               /* segmentation weights */
    size_t n_mvc;                 /* channels with a trial reference: 0 = no absolute verdict */
    int session_peak;             /* a usable channel is scaled by a session peak */
    bl_envelope_stream *env;
    float *eout;                  /* STREAM_CHUNK x nch */
    size_t block;                 /* envelope samples per grid point */
    double fd;                    /* grid rate, Hz */
    size_t min_points;            /* grid points before the stages run (1 s, at least 8) */
    size_t min_gap, half;         /* min_gap_s and half the smoothing window, grid points */
    uint64_t fed;                 /* frames fed, which is envelope samples out */
    uint64_t warmup;              /* envelope samples an automatic notch holds (zeros) */
    int delay_set;
    uint64_t delay;               /* the envelope's delay taken off, samples */
    uint64_t next_sample;         /* first envelope sample the grid uses */
    uint64_t grid;                /* grid point being accumulated */
    double *acc;                  /* its sums per channel */
    size_t acc_n;
    float *level;                 /* the latest grid point's levels */
    bli_levels hist;
    bli_seg_work work;
    unsigned char *ignored;       /* not modulating in the window */
    bl_hinge_rep_channel *rc;
    uint64_t last_end;            /* grid index where the last repetition handed out ends */
    size_t found, dropped;
    bl_hinge_live_rep queue[BL_HINGE_STREAM_QUEUE];
    size_t q_head, q_len;
    bl_hinge_live_state live;
};

void bl_hinge_stream_config_default(bl_hinge_stream_config *cfg)
{
    if (!cfg) return;
    bl_hinge_config_default(&cfg->hinge);
    cfg->look_behind_s = 60.0;
}

void bl_hinge_stream_destroy(bl_hinge_stream *s)
{
    if (!s) return;
    bl_chanmap_destroy(s->map);
    free(s->name);
    free(s->muscle);
    free(s->chain);
    free(s->state);
    free(s->rep_state);
    free(s->why);
    free(s->scale);
    free(s->weight);
    bl_envelope_stream_destroy(s->env);
    free(s->eout);
    free(s->acc);
    free(s->level);
    bli_levels_free(&s->hist);
    free(s->work.A);
    free(s->work.As);
    free(s->work.scratch);
    free(s->work.cum);
    free(s->work.len);
    free(s->work.raw.v);
    free(s->work.merged.v);
    free(s->work.split.v);
    free(s->ignored);
    free(s->rc);
    free(s);
}

/* Names, muscles and chains from the map; what the references allow
 * (the offline rules: without a positive reference a channel is left
 * out, and so is one with only a session peak while others have trials);
 * the segmentation weights. */
static void setup_channels(bl_hinge_stream *s, const bl_mvc_reference *refs)
{
    for (size_t c = 0; c < s->nch; c++) {
        bli_hinge_channel_identity(s->map, c, s->cfg.hinge.chain, s->name[c], &s->muscle[c], &s->chain[c]);
        s->state[c] = s->muscle[c] == BL_MUSCLE_AUX ? BL_HINGE_CH_AUX : BL_HINGE_CH_OK;
        s->scale[c] = 1.0;
        if (refs && s->state[c] == BL_HINGE_CH_OK && refs[c].source == BL_MVC_TRIALS && refs[c].value > 0 &&
            isfinite(refs[c].value))
            s->n_mvc++;
    }
    for (size_t c = 0; refs && c < s->nch; c++) {
        if (s->state[c] != BL_HINGE_CH_OK) continue;
        const bl_mvc_reference *r = &refs[c];
        if (!(r->value > 0) || !isfinite(r->value)) {
            s->state[c] = BL_HINGE_CH_NO_REFERENCE;
            snprintf(s->why[c], BLI_HINGE_REASON_LEN, "has no positive MVC reference");
        } else if (s->n_mvc > 0 && r->source != BL_MVC_TRIALS) {
            s->state[c] = BL_HINGE_CH_NO_REFERENCE;
            snprintf(s->why[c], BLI_HINGE_REASON_LEN, "has no MVC reference from the trials (only the "
                     "session's own peak)");
        } else {
            s->scale[c] = 100.0 / r->value;
            if (r->source == BL_MVC_SESSION_PEAK) s->session_peak = 1;
        }
    }
    double wsum = 0;
    for (size_t c = 0; c < s->nch; c++) {
        /* Read only if a repetition finds the channel dead. */
        if (s->state[c] == BL_HINGE_CH_OK)
            snprintf(s->why[c], BLI_HINGE_REASON_LEN, "%s", BLI_HINGE_NO_MODULATION_WHY);
        s->weight[c] = s->state[c] == BL_HINGE_CH_OK ? bl_hinge_segment_weight(s->muscle[c]) : 0.0;
        wsum += s->weight[c];
    }
    /* No hamstring, glute or trunk channel: every usable channel, as offline. */
    for (size_t c = 0; !(wsum > 0) && c < s->nch; c++) s->weight[c] = s->state[c] == BL_HINGE_CH_OK ? 1.0 : 0.0;
}

static bl_status alloc_work(bl_hinge_stream *s, size_t window)
{
    bli_seg_work *w = &s->work;
    w->A = malloc(window * sizeof *w->A);
    w->As = malloc(window * sizeof *w->As);
    w->scratch = malloc(window * sizeof *w->scratch);
    w->cum = malloc((window + 1) * sizeof *w->cum);
    w->len = malloc((window + 1) * sizeof *w->len);
    bli_segs *lists[3] = {&w->raw, &w->merged, &w->split};
    /* A list never holds more than one segment per grid point. */
    for (int k = 0; k < 3; k++) {
        lists[k]->v = malloc((window + 1) * sizeof *lists[k]->v);
        lists[k]->cap = window + 1;
        lists[k]->fixed = 1;
        if (!lists[k]->v) return BL_ENOMEM;
    }
    if (!w->A || !w->As || !w->scratch || !w->cum || !w->len) return BL_ENOMEM;
    return bli_levels_init(&s->hist, s->nch, window);
}

static void clear_live(bl_hinge_live_state *l)
{
    l->time_s = l->hamstring_pct = l->balance = l->ratio = NAN;
    l->in_repetition = l->hamstrings_active = 0;
}

bl_status bl_hinge_stream_create(const bl_hinge_stream_config *cfg, const bl_chanmap *map, double rate_hz,
                                 const bl_mvc_reference *refs, bl_hinge_stream **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (!cfg || !map) return BL_EINVAL;
    size_t nch = bl_chanmap_count(map);
    if (nch == 0 || nch > BL_CHANMAP_MAX_ENTRIES || !bli_hinge_config_ok(&cfg->hinge) ||
        !bli_seg_config_ok(&cfg->hinge.segment) ||
        !(cfg->look_behind_s >= LOOK_BEHIND_MIN_S && cfg->look_behind_s <= LOOK_BEHIND_MAX_S))
        return BL_EINVAL;
    if (!(rate_hz >= BL_MIN_EMG_RATE_HZ) || !isfinite(rate_hz)) return BL_ERATE;
    bl_hinge_stream *s = calloc(1, sizeof *s);
    if (!s) return BL_ENOMEM;
    s->cfg = *cfg;
    s->nch = nch;
    s->rate_hz = rate_hz;
    const bl_hinge_segment_config *seg = &cfg->hinge.segment;
    s->block = bli_seg_block(rate_hz, seg);
    s->fd = rate_hz / (double)s->block;
    size_t window = (size_t)lround(cfg->look_behind_s * s->fd);
    s->min_points = (size_t)ceil(s->fd) > 8 ? (size_t)ceil(s->fd) : 8;
    s->min_gap = (size_t)lround(seg->min_gap_s * s->fd);
    s->half = (size_t)llround(seg->smooth_s * s->fd) / 2; /* as bl_moving_average's window */
    bl_status st = BL_ENOMEM;
    s->name = calloc(nch, sizeof *s->name);
    s->muscle = calloc(nch, sizeof *s->muscle);
    s->chain = calloc(nch, sizeof *s->chain);
    s->state = calloc(nch, sizeof *s->state);
    s->rep_state = calloc(nch, sizeof *s->rep_state);
    s->why = calloc(nch, sizeof *s->why);
    s->scale = calloc(nch, sizeof *s->scale);
    s->weight = calloc(nch, sizeof *s->weight);
    s->eout = malloc(STREAM_CHUNK * nch * sizeof *s->eout);
    s->acc = calloc(nch, sizeof *s->acc);
    s->level = calloc(nch, sizeof *s->level);
    s->ignored = calloc(nch, 1);
    s->rc = calloc(nch, sizeof *s->rc);
    if (!s->name || !s->muscle || !s->chain || !s->state || !s->rep_state || !s->why || !s->scale ||
        !s->weight || !s->eout || !s->acc || !s->level || !s->ignored || !s->rc ||
        bl_chanmap_copy(map, &s->map) != BL_OK || (st = alloc_work(s, window)) != BL_OK)
        goto fail;
    setup_channels(s, refs);
    if ((st = bl_envelope_stream_create(&cfg->hinge.envelope, nch, rate_hz, &s->env)) != BL_OK) goto fail;
    s->warmup = bl_envelope_stream_warmup(s->env);
    clear_live(&s->live);
    *out = s;
    return BL_OK;
fail:
    bl_hinge_stream_destroy(s);
    return st;
}

/* The offline stages over the window's n points: each modulating channel
 * scaled to its window range and added (bli_seg_channel_range,
 * bli_seg_add_channel), then bli_seg_run. 0 when no repetition can be
 * found in this window (too little of the chain modulates). */
static int run_stages(bl_hinge_stream *s, size_t n)
{
    const bl_hinge_segment_config *seg = &s->cfg.hinge.segment;
    memset(s->work.A, 0, n * sizeof *s->work.A);
    double wsum = 0, wtotal = 0;
    for (size_t c = 0; c < s->nch; c++) {
        s->ignored[c] = 0;
        if (!(s->weight[c] > 0)) continue;
        wtotal += s->weight[c];
        float lo, hi;
        if (!bli_seg_channel_range(bli_levels_sorted(&s->hist, c), n, &lo, &hi)) {
            s->ignored[c] = 1;
            continue;
        }
        bli_seg_add_channel(bli_levels_window(&s->hist, c), n, lo, hi, s->weight[c], seg->clip, s->work.A);
        wsum += s->weight[c];
    }
    if (!(wsum > 0) || wsum < seg->min_used_weight * wtotal) return 0;
    return bli_seg_run(&s->work, n, s->fd, wsum, seg) == BL_OK;
}

/* Queue the repetition over window points [a, b) (the window starts at
 * grid index `start`) with its verdict: each channel's mean over it,
 * weighted channels that do not modulate in the window dead for it. */
static void emit(bl_hinge_stream *s, size_t a, size_t b, uint64_t start)
{
    for (size_t c = 0; c < s->nch; c++) {
        s->rep_state[c] = s->state[c];
        if (s->state[c] == BL_HINGE_CH_OK && s->weight[c] > 0 && s->ignored[c]) s->rep_state[c] = BL_HINGE_CH_DEAD;
        bl_hinge_rep_channel *o = &s->rc[c];
        o->mean_pct = o->peak_pct = o->iemg = o->onset_s = o->median_hz = NAN;
        if (s->rep_state[c] != BL_HINGE_CH_OK) continue;
        const float *x = bli_levels_window(&s->hist, c);
        double sum = 0;
        for (size_t i = a; i < b; i++) sum += x[i];
        o->mean_pct = sum / (double)(b - a);
    }
    if (s->q_len == BL_HINGE_STREAM_QUEUE) { /* the oldest makes room */
        s->q_head = (s->q_head + 1) % BL_HINGE_STREAM_QUEUE;
        s->q_len--;
        s->dropped++;
    }
    bl_hinge_live_rep *o = &s->queue[(s->q_head + s->q_len++) % BL_HINGE_STREAM_QUEUE];
    double grid_s = (double)s->block / s->rate_hz;
    bl_hinge_rep r;
    memset(&r, 0, sizeof r);
    bli_hinge_chans view = {&s->cfg.hinge, s->nch, s->n_mvc, s->name, s->muscle, s->chain, s->rep_state, s->why,
                            s->map};
    bli_hinge_verdict(&view, &r, s->rc, o->reason, s->session_peak);
    o->index = s->found++;
    o->start_s = (double)(start + a) * grid_s;
    o->end_s = (double)(start + b) * grid_s;
    o->turn_s = bli_seg_turn(s->work.A, a, b, grid_s) + (double)start * grid_s;
    o->confirmed_s = (double)(s->fed + 1) / s->rate_hz;
    o->verdict = r.verdict;
    o->chain_index = r.chain_index;
    o->hamstring_balance = r.hamstring_balance;
    o->trunk_balance = r.trunk_balance;
    o->other_balance = r.other_balance;
    o->medial_lateral = r.medial_lateral;
    o->hamstring_pct = r.hamstring_pct;
    for (size_t c = 0; c < BL_CHANMAP_MAX_ENTRIES; c++) o->mean_pct[c] = c < s->nch ? s->rc[c].mean_pct : NAN;
}

/* Is the end b of a repetition in the window's n points final? The
 * smoothed activity must be at or below the off threshold somewhere from
 * min_gap points after b on (a later rise then starts a repetition of its
 * own), at a point whose smoothing is complete. */
static int end_is_final(const bl_hinge_stream *s, size_t b, size_t n)
{
    const bli_seg_work *w = &s->work;
    double off = w->base + s->cfg.hinge.segment.off_fraction * w->range;
    size_t from = b + (s->min_gap ? s->min_gap - 1 : 0);
    for (size_t i = from; i + s->half < n; i++)
        if (w->As[i] <= off) return 1;
    return 0;
}

/* Hand out, in order, the window's repetitions that are new and final.
 * One found again (the window's thresholds moved) is not new: less than
 * min_rep_s of it lies after the last one handed out. */
static void emit_final(bl_hinge_stream *s, size_t n)
{
    uint64_t start = bli_levels_window_start(&s->hist);
    size_t min_len = (size_t)lround(s->cfg.hinge.segment.min_rep_s * s->fd);
    if (min_len < 1) min_len = 1;
    for (size_t k = 0; k < s->work.split.n; k++) {
        uint64_t a = start + s->work.split.v[k].a, b = start + s->work.split.v[k].b;
        if (a < s->last_end) a = s->last_end;
        if (b <= a || b - a < min_len) continue;
        if (!end_is_final(s, s->work.split.v[k].b, n)) break;
        emit(s, (size_t)(a - start), s->work.split.v[k].b, start);
        s->last_end = b;
    }
}

/* The meters' state at the newest grid point: inside a repetition or not,
 * and while the hamstrings work, their medial:lateral balance
 * (bl_hamstring_balance_of over the usable channels' %MVC). */
static void live_balance(bl_hinge_stream *s)
{
    bl_hinge_live_state *l = &s->live;
    l->hamstring_pct = l->balance = l->ratio = NAN;
    l->hamstrings_active = 0;
    if (!s->n_mvc) return; /* levels without trial references are not comparable */
    double lv[BL_CHANMAP_MAX_ENTRIES];
    unsigned char use[BL_CHANMAP_MAX_ENTRIES];
    for (size_t c = 0; c < s->nch; c++) {
        lv[c] = s->level[c];
        use[c] = s->state[c] == BL_HINGE_CH_OK;
    }
    bl_hamstring_balance hb;
    if (bl_hamstring_balance_of(s->map, lv, use, BL_ANY_SIDE, &hb) != BL_OK || hb.n_medial + hb.n_lateral == 0)
        return;
    double sum = (hb.n_medial ? hb.medial * (double)hb.n_medial : 0) +
                 (hb.n_lateral ? hb.lateral * (double)hb.n_lateral : 0);
    l->hamstring_pct = sum / (double)(hb.n_medial + hb.n_lateral);
    l->hamstrings_active = l->in_repetition && l->hamstring_pct >= s->cfg.hinge.min_activity_pct;
    if (l->hamstrings_active) {
        l->balance = hb.balance;
        l->ratio = hb.ratio;
    }
}

/* Grid point s->grid is complete: its levels into the history, the
 * stages over the window, the final repetitions out, the meters' state. */
static void grid_point(bl_hinge_stream *s)
{
    for (size_t c = 0; c < s->nch; c++) {
        s->level[c] = (float)(s->acc[c] / (double)s->block * s->scale[c]);
        s->acc[c] = 0;
    }
    s->acc_n = 0;
    bli_levels_push(&s->hist, s->grid, s->level);
    s->live.time_s = (double)((s->grid + 1) * s->block) / s->rate_hz;
    s->live.in_repetition = 0;
    size_t n = s->hist.count;
    if (n >= s->min_points && run_stages(s, n)) {
        s->live.in_repetition = s->work.open_at_end;
        emit_final(s, n);
    }
    live_balance(s);
    s->grid++;
}

/* The first grid point whose samples all come after the held ones, and
 * its first envelope sample (the delay known once the notch is chosen). */
static void start_grid(bl_hinge_stream *s)
{
    double lat = bl_envelope_stream_latency(s->env);
    s->delay = lat > 0 ? (uint64_t)llround(lat) : 0;
    s->grid = s->warmup > s->delay ? (s->warmup - s->delay + s->block - 1) / s->block : 0;
    s->next_sample = s->grid * s->block + s->delay;
    s->delay_set = 1;
}

static void consume(bl_hinge_stream *s, const float *e, size_t frames)
{
    for (size_t i = 0; i < frames; i++, s->fed++) {
        if (s->fed < s->warmup) continue;
        if (!s->delay_set) start_grid(s);
        if (s->fed < s->next_sample) continue;
        const float *f = e + i * s->nch;
        for (size_t c = 0; c < s->nch; c++) s->acc[c] += f[c];
        if (++s->acc_n == s->block) grid_point(s);
    }
}

bl_status bl_hinge_stream_process(bl_hinge_stream *s, const float *in, size_t frames, size_t *completed)
{
    if (completed) *completed = 0;
    if (!s || (!in && frames)) return BL_EINVAL;
    if (frames > SIZE_MAX / s->nch) return BL_EINVAL;
    size_t n = frames * s->nch;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(in[i])) return BL_ENONFINITE;
    size_t before = s->found;
    for (size_t at = 0; at < frames;) {
        size_t m = frames - at < STREAM_CHUNK ? frames - at : STREAM_CHUNK;
        bl_status st = bl_envelope_stream_process(s->env, in + at * s->nch, s->eout, m);
        if (st != BL_OK) return st;
        consume(s, s->eout, m);
        at += m;
    }
    if (completed) *completed = s->found - before;
    return BL_OK;
}

bl_status bl_hinge_stream_next_rep(bl_hinge_stream *s, bl_hinge_live_rep *out)
{
    if (!s || !out) return BL_EINVAL;
    if (!s->q_len) return BL_ENODATA;
    *out = s->queue[s->q_head];
    s->q_head = (s->q_head + 1) % BL_HINGE_STREAM_QUEUE;
    s->q_len--;
    return BL_OK;
}

size_t bl_hinge_stream_reps(const bl_hinge_stream *s) { return s ? s->found : 0; }

size_t bl_hinge_stream_dropped(const bl_hinge_stream *s) { return s ? s->dropped : 0; }

bl_status bl_hinge_stream_get_state(const bl_hinge_stream *s, bl_hinge_live_state *out)
{
    if (!s || !out) return BL_EINVAL;
    *out = s->live;
    return BL_OK;
}

bl_hinge_ch_state bl_hinge_stream_channel_state(const bl_hinge_stream *s, size_t c)
{
    return s && c < s->nch ? s->state[c] : BL_HINGE_CH_AUX;
}

double bl_hinge_stream_latency(const bl_hinge_stream *s)
{
    if (!s) return 0.0;
    return s->delay_set ? (double)s->delay : (double)llround(bl_envelope_stream_latency(s->env));
}

void bl_hinge_stream_reset(bl_hinge_stream *s)
{
    if (!s) return;
    bl_envelope_stream_reset(s->env);
    s->fed = s->delay = s->next_sample = s->grid = s->last_end = 0;
    s->delay_set = 0;
    s->acc_n = 0;
    for (size_t c = 0; c < s->nch; c++) s->acc[c] = 0;
    bli_levels_clear(&s->hist);
    s->found = s->dropped = s->q_head = s->q_len = 0;
    clear_live(&s->live);
}
