/* Private to the hinge analysis (dsp/hinge/): the result object, the
 * constants the analysis runs with and its description reports, and the
 * stages bl_hinge_analyse (analyse.c) calls in order:
 *   channels, their quality and their MVC references (channels.c) ->
 *   %MVC normalisation (analyse.c) -> repetitions (segment.c) ->
 *   per-repetition metrics (metrics.c, onsets from onsets.c) -> balances
 *   and verdict, then each repetition against the set (verdict.c);
 * results.c reads the object, describe.c says what was done. */
#ifndef BLI_HINGE_INTERNAL_H
#define BLI_HINGE_INTERNAL_H

#include <stddef.h>

#include "backline/hinge.h"
#include "backline/quality.h"

#define BLI_HINGE_REASON_LEN 512
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
 * repetition from its per-channel metrics rc[0..nch). */
void bli_hinge_verdict(const bl_hinge *h, bl_hinge_rep *r, const bl_hinge_rep_channel *rc, char *reason,
                       int session_peak);
/* Every repetition's lean against the set's median index, the drift of
 * the index across the set, and both in words (h->relative). */
void bli_hinge_relative(bl_hinge *h);

#endif
