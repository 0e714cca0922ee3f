/* Private to the hinge analysis (dsp/hinge/): the result object, the
 * constants the analysis runs with and its description reports, and the
 * stages bl_hinge_analyse (analyse.c) calls in order:
 *   channels, their quality and their MVC references (channels.c) ->
 *   %MVC normalisation (analyse.c) -> repetitions (segment.c) ->
 *   per-repetition metrics (metrics.c, onsets from onsets.c) -> balances
 *   and verdict, then each repetition against the set (verdict.c);
 * results.c reads the object, describe.c says what was done. The live
 * form (stream.c, history in stream_levels.c) runs the same segmentation
 * stages on a look-behind window and the same verdict. */
#ifndef BLI_HINGE_INTERNAL_H
#define BLI_HINGE_INTERNAL_H

#include <stddef.h>

#include "backline/hinge.h"
#include "backline/quality.h"

#define BLI_HINGE_REASON_LEN BL_HINGE_REASON_MAX
#define BLI_HINGE_NAME_LEN 32
#define BLI_HINGE_RELATIVE_LEN 600
/* Slopes across the set (the median frequency's, the index's drift) need
 * at least this many repetitions with a value. */
#define BLI_SLOPE_MIN_POINTS 3
/* Session levels a trial reference is checked against: rest and activity
 * as these percentiles of the channel's envelope. */
#define BLI_REF_REST_PCT 10.0
#define BLI_REF_ACTIVE_PCT 99.0

/* Segmentation: each channel is scaled to the range between these
 * percentiles of its decimated envelope, and the thresholds are fractions
 * of the range between these percentiles of the combined activity. */
#define BLI_SEG_CHANNEL_LO_PCT 10.0
#define BLI_SEG_CHANNEL_HI_PCT 99.0
#define BLI_SEG_LEVEL_LO_PCT 5.0
#define BLI_SEG_LEVEL_HI_PCT 95.0

/* Why a weighted channel that does not modulate while repetitions are
 * found is dead (the analysis and the stream). */
#define BLI_HINGE_NO_MODULATION_WHY "shows no modulation while the others do (electrode off?)"

/* Limb onsets: the trough is searched from the previous repetition's end,
 * at most this long before the repetition starts, to this far into it. */
#define BLI_ONSET_SEARCH_BEFORE_S 1.0
#define BLI_ONSET_SEARCH_INTO_S 0.3

struct bl_hinge {
    bl_hinge_config cfg;
    bl_condition_report crep;
    char unit[16];
    size_t nch, n_mvc;
    char (*name)[BLI_HINGE_NAME_LEN];
    bl_muscle *muscle;
    bl_chain *chain;
    bl_hinge_ch_state *state;
    char (*why)[BLI_HINGE_REASON_LEN]; /* why a channel is left out ("" when used) */
    bl_quality *quality;               /* the session's assessment */
    bl_mvc_reference *ref;
    double *mf_slope;
    bl_recording *cond; /* conditioned (band-passed) signals at the analysis rate */
    bl_recording *env;  /* %MVC envelopes */
    size_t nreps;
    bl_hinge_rep *reps;
    char (*reason)[BLI_HINGE_REASON_LEN];
    bl_hinge_rep_channel *rc; /* nreps × nch */
    size_t *order;            /* nreps × nch */
    size_t *n_order;          /* nreps */
    char **warn;
    size_t n_warn;
    bl_chanmap *map;          /* the session's, or NULL */
    double median_index, drift_per_rep, drift;
    char relative[BLI_HINGE_RELATIVE_LEN];
};

/* What the verdict needs to know of the channels: the analysis's (from
 * bl_hinge, bli_hinge_chans_of) or the live stream's. */
typedef struct bli_hinge_chans {
    const bl_hinge_config *cfg;
    size_t nch;
    size_t n_mvc;                      /* 0: no MVC trials, no absolute verdict */
    char (*name)[BLI_HINGE_NAME_LEN];
    const bl_muscle *muscle;
    const bl_chain *chain;
    const bl_hinge_ch_state *state;
    char (*why)[BLI_HINGE_REASON_LEN];
    const bl_chanmap *map;             /* NULL: no medial:lateral ratio */
} bli_hinge_chans;

static inline bli_hinge_chans bli_hinge_chans_of(const bl_hinge *h)
{
    bli_hinge_chans v = {&h->cfg, h->nch, h->n_mvc, h->name, h->muscle, h->chain, h->state, h->why, h->map};
    return v;
}

/* config.c */
int bli_hinge_config_ok(const bl_hinge_config *c);

/* analyse.c */
bl_status bli_hinge_warn(bl_hinge *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int bli_hinge_usable(const bl_hinge *h, size_t c) { return h->state[c] == BL_HINGE_CH_OK; }

/* channels.c: names, muscles and chains from the map; the quality of the
 * session, which makes channels dead or leaves them out; whether any
 * channel with weight w[c] > 0 shows activity; one channel's trial
 * reference against the session's own levels (its envelope before
 * normalisation), left out when unsound. Leaving a channel out sets its
 * state and why and says so in a warning ("channel NAME ...: left out"). */
bl_status bli_hinge_setup_channels(bl_hinge *h, const bl_recording *session);
/* channels.c too: the name (as the map spells it, "chN" without a map or
 * entry), muscle and chain (from `table`; none for AUX) of channel c. */
void bli_hinge_channel_identity(const bl_chanmap *map, size_t c, const bl_chain *table, char *name,
                                bl_muscle *muscle, bl_chain *chain);
bl_status bli_hinge_assess_quality(bl_hinge *h, const bl_recording *session, char *why, size_t why_len);
int bli_hinge_any_activity(const bl_hinge *h, const double *w);
bl_status bli_hinge_check_reference(bl_hinge *h, size_t c, const float *env, size_t n);
bl_status bli_hinge_leave_out(bl_hinge *h, size_t c, bl_hinge_ch_state state, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* onsets.c: every usable channel's bursts over the whole session (the
 * baseline method on the %MVC envelope), and one channel's onset in a
 * repetition relative to its start (NAN when none). */
bl_status bli_hinge_detect_onsets(bl_hinge *h, bl_bursts **bursts);
double bli_hinge_rep_onset(const bl_hinge *h, const bl_bursts *bursts, size_t c, double prev_end,
                           const bl_hinge_rep *r);

/* metrics.c; the least-squares slope of y[0..n) over its index, NANs
 * skipped (NAN with fewer than BLI_SLOPE_MIN_POINTS values). */
bl_status bli_hinge_rep_metrics(bl_hinge *h, const bl_hinge_segment *segs, size_t nreps);
double bli_hinge_slope(const double *y, size_t n);

/* verdict.c: the balances, ratios, index, verdict and reason of one
 * repetition from its per-channel metrics rc[0..nch) (only mean_pct is
 * read). */
void bli_hinge_verdict(const bli_hinge_chans *h, bl_hinge_rep *r, const bl_hinge_rep_channel *rc, char *reason,
                       int session_peak);
/* Every repetition's lean against the set's median index, the drift of
 * the index across the set, and both in words (h->relative). */
void bli_hinge_relative(bl_hinge *h);

/* segment.c: the stages of bl_hinge_segment_find on a grid of decimated
 * envelopes, shared with the stream. A segment is grid points [a, b). */
typedef struct bli_seg {
    size_t a, b;
} bli_seg;

typedef struct bli_segs {
    bli_seg *v;
    size_t n, cap;
    int fixed;      /* 1: cap was sized by the caller and never grows (a push fails when full) */
} bli_segs;

typedef struct bli_seg_work {
    float *A;       /* nd: the weighted sum of scaled channels (bli_seg_add_channel), then their mean */
    float *As;      /* nd: A smoothed */
    float *scratch; /* nd: sorting */
    double *cum;    /* nd + 1: the moving average's sums */
    size_t *len;    /* nd: segment lengths (the median for splitting) */
    bli_segs raw, merged, split; /* after hysteresis, merging/dropping, splitting; split is the result,
                                    its edges extended */
    double base, range;          /* thresholds are base + fraction x range (range 0: no modulation) */
    int open_at_end;             /* the activity is above the hysteresis at the last point */
} bli_seg_work;

int bli_seg_config_ok(const bl_hinge_segment_config *c);
/* Envelope samples per grid point at rate_hz. */
size_t bli_seg_block(double rate_hz, const bl_hinge_segment_config *cfg);
/* p-th percentile (0..100) of sorted[0..n), linear between order statistics. */
float bli_seg_percentile_sorted(const float *sorted, size_t n, double p);
/* A channel's scaling range (its BLI_SEG_CHANNEL_LO/HI_PCT percentiles) from
 * its sorted grid values; 0 when it does not modulate (flat, noise only,
 * or spanning less than 2:1), so segmentation leaves it out. */
int bli_seg_channel_range(const float *sorted, size_t n, float *lo, float *hi);
/* A[i] += w x clip((dec[i] - lo) / (hi - lo), 0, clip). */
void bli_seg_add_channel(const float *dec, size_t nd, float lo, float hi, double w, double clip, float *A);
/* From A (the weighted sum over channels of weight wsum > 0) to the
 * repetitions in w->split: mean, smoothing, thresholds from As's own
 * percentiles, hysteresis, merging and dropping, splitting, edges.
 * BL_ENOMEM when a list cannot grow (or a fixed one is full). */
bl_status bli_seg_run(bli_seg_work *w, size_t nd, double fd, double wsum, const bl_hinge_segment_config *cfg);
/* The eccentric/concentric change point of A over [a, b), in seconds from
 * A[0] (grid_s per point); NAN when the step is not clear. */
double bli_seg_turn(const float *A, size_t a, size_t b, double grid_s);

#endif
