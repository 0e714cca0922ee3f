/* Gait analysis: gait events, cycles, time-normalised envelopes and the
 * per-muscle activity of each phase of the cycle.
 *
 *   events    a bl_gait_events set of touchdowns and lift-offs (time in
 *             seconds from the first sample, side L/R or none), parsed from
 *             an events CSV (bl_gait_events_parse_csv) or detected on a
 *             footswitch / force channel (bl_gait_events_from_footswitch),
 *             and checked against the recording (bl_gait_events_validate).
 *   cycles    touchdown to the next touchdown of the same side, with the
 *             one lift-off of that side inside (bl_gait_find_cycles); a
 *             cycle without a lift-off, with two, or whose duration lies
 *             outside [min_ratio, max_ratio] x the median duration of its
 *             side's cycles (0.7 and 1.3 by default; the median is taken
 *             over that side's cycles with one lift-off) is dropped, and
 *             bl_gait_cycle_why says why, naming its start time.
 *   analysis  bl_gait_analyse: conditioning and linear envelopes
 *             (envelope.h), the quality gate of quality.h (a channel that
 *             fails a check is left out), amplitude normalisation
 *             (normalise.h: %MVC with MVC trials; else µV when the session
 *             is calibrated; else the session's own peak, the method
 *             named), then per kept cycle and muscle the envelope resampled
 *             to a fixed grid and per muscle the ensemble curves, the peak
 *             phase, Perry's phase means, onsets/offsets and the
 *             cycle-to-cycle variability.
 *
 * Time normalisation (bl_gait_normalise):
 *   PHASES (default)  stance (touchdown to lift-off) resampled to
 *                     stance_points points and swing (lift-off to the next
 *                     touchdown) to swing_points points (60 + 40 = 100 by
 *                     default: 60/40 is the stance/swing split of normal
 *                     walking, so a point index reads as % of a normal
 *                     cycle); stance point i sits at the fraction i /
 *                     stance_points of stance, swing point j at j /
 *                     swing_points of swing: the boundary is index
 *                     stance_points in every cycle and the next touchdown
 *                     is not repeated.
 *   CYCLE             the whole cycle to cycle_points points (101) at the
 *                     fractions k / (cycle_points - 1), both touchdowns
 *                     included.
 * The envelope is linearly interpolated at each fractional sample
 * position. Phases are reported in % of the cycle's REAL time: the peak
 * phase of a curve is the mean, over the cycles, of the real phase of the
 * point at which the mean curve peaks.
 *
 * Perry's phases (Perry & Burnfield, Gait Analysis: Normal and
 * Pathological Function, 2nd ed., SLACK 2010), % of a normal cycle whose
 * stance ends at 60 %: loading response 0-10, mid-stance 10-30, terminal
 * stance 30-50, pre-swing 50-60, initial swing 60-73, mid-swing 73-87,
 * terminal swing 87-100. Each cycle is cut by its OWN events: a stance
 * boundary b (<= 60) lies at touchdown + (b / 60) x that cycle's stance
 * duration, a swing boundary b at lift-off + ((b - 60) / 40) x its swing
 * duration. A phase's activity in a cycle is the mean of the normalised
 * envelope over that stretch of real time (at the analysis rate); the
 * muscle's value is the mean over its cycles.
 *
 * Onsets and offsets: on the mean curve, the muscle is active where it
 * lies above min + onset_fraction x (max - min) of that curve; each run of
 * active points is a burst, reported by the real phase of its first and
 * last point (the cycle is not wrapped: a burst across touchdown shows as
 * one ending at the last point and one starting at 0 %).
 *
 * Variability: the coefficient of variation of the curves (Winter 1984),
 * CV = sqrt(mean over points of SD^2) / mean over points of |mean|, in %.
 *
 * Channels and cycles: a channel of side L or R uses the cycles of its
 * side, failing those the cycles without a side (never the other leg's);
 * a channel without a side uses the cycles without a side, failing those,
 * when the events carry exactly one side, that side's.
 *
 * Beyond the curves (each below with its rules): the posterior-chain
 * answers per side (bl_gait_chain, statements with their rules),
 * left/right symmetry (bl_gait_symmetry) and muscle synergies
 * (bl_gait_synergies).
 *
 * Everything is in seconds and % of the cycle; nothing prints; results
 * live in opaque objects read through getters. Offline module (allocates).
 */
#ifndef BACKLINE_GAIT_H
#define BACKLINE_GAIT_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/chanmap.h"
#include "backline/doc.h"
#include "backline/envelope.h"
#include "backline/gait_phases.h"
#include "backline/normalise.h"
#include "backline/quality.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- events ---- */

typedef enum bl_gait_event_kind { BL_GAIT_TOUCHDOWN = 0, BL_GAIT_LIFTOFF } bl_gait_event_kind;

/* "touchdown", "liftoff"; "L", "R", "" (bl_side of chanmap.h). */
BL_API const char *bl_gait_event_kind_name(bl_gait_event_kind k);
BL_API const char *bl_gait_side_name(bl_side s);

typedef struct bl_gait_event {
    double time_s;      /* from the first sample of the recording */
    bl_side side;       /* BL_SIDE_NONE when the source does not say */
    bl_gait_event_kind kind;
} bl_gait_event;

/* Where a set of events came from (reports say it). */
typedef enum bl_gait_events_source {
    BL_GAIT_EVENTS_GIVEN = 0, BL_GAIT_EVENTS_FILE, BL_GAIT_EVENTS_FOOTSWITCH, BL_GAIT_EVENTS_KNEE
} bl_gait_events_source;

typedef struct bl_gait_events bl_gait_events;

/* An empty set (source GIVEN). BL_EINVAL (NULL), BL_ENOMEM. */
BL_API bl_status bl_gait_events_create(bl_gait_events **out);
BL_API void bl_gait_events_destroy(bl_gait_events *ev); /* NULL: no-op */
/* Append one event (no ordering is imposed here: bl_gait_events_validate
 * checks it). BL_EINVAL (NULL, a time that is not finite, a bad side or
 * kind), BL_ENOMEM; the set is unchanged on failure. */
BL_API bl_status bl_gait_events_add(bl_gait_events *ev, double time_s, bl_side side, bl_gait_event_kind kind);
BL_API size_t bl_gait_events_count(const bl_gait_events *ev);
/* BL_EINVAL (NULL), BL_ERANGE (out of range; *out unchanged). */
BL_API bl_status bl_gait_events_get(const bl_gait_events *ev, size_t i, bl_gait_event *out);
BL_API bl_gait_events_source bl_gait_events_source_of(const bl_gait_events *ev);

/* A new set with the events of a and b in time order (a's first at equal
 * times), e.g. the two feet's footswitches; warnings and footswitch
 * descriptions of both kept; its source is theirs when they share it,
 * else GIVEN. Not validated. BL_EINVAL (NULL), BL_ERANGE (more than four
 * footswitches in all), BL_ENOMEM; *out NULL on failure. */
BL_API bl_status bl_gait_events_merge(const bl_gait_events *a, const bl_gait_events *b, bl_gait_events **out);

/* The events CSV: a first line exactly `time_s,side,event` (a UTF-8 byte
 * order mark, trailing spaces and CR line ends are tolerated), then one
 * event per line: time in seconds from the first sample, side L, R or
 * blank, event `touchdown` or `liftoff`; blank lines are skipped. The set
 * is then validated (bl_gait_events_validate) against a recording of
 * duration_s seconds (0: the recording is not known, that check is
 * skipped). `why` gets one line naming the line of the file. Errors:
 * BL_EINVAL (NULL), BL_EFORMAT (the header, a line that is not three
 * fields, a time that is not a number, an unknown side or event),
 * BL_ERANGE, BL_EINVAL and BL_ENODATA as bl_gait_events_validate,
 * BL_ENOMEM; *out is NULL on failure. Warnings (bl_gait_events_warning)
 * keep what is suspicious but not contradictory. */
BL_API bl_status bl_gait_events_parse_csv(const char *text, double duration_s, bl_gait_events **out, char *why,
                                          size_t why_len);

/* Whether the set can make cycles: every time within [0, duration_s]
 * (duration_s 0: not checked) else BL_ERANGE; times in non-decreasing
 * order else BL_EINVAL; a touchdown and a lift-off of one side at the same
 * time (contradictory), or the same event of one side twice at one time,
 * BL_EINVAL; fewer than two touchdowns on every side
 * (no cycle can be made) BL_ENODATA. Two touchdowns of a side without a
 * lift-off between, or two lift-offs without a touchdown, are not errors:
 * a warning is added (once per pair; the cycle is dropped later). `why`
 * names the event ("line 7" for parsed events, "event 7" for added ones).
 * BL_EINVAL for NULL ev. */
BL_API bl_status bl_gait_events_validate(bl_gait_events *ev, double duration_s, char *why, size_t why_len);

BL_API size_t bl_gait_events_warnings(const bl_gait_events *ev);
BL_API const char *bl_gait_events_warning(const bl_gait_events *ev, size_t i); /* NULL out of range */

/* Footswitch / force channel: the signal's robust low and high levels
 * (the low_pct and high_pct percentiles), a contact threshold halfway
 * between (threshold_fraction of the range above low) with a hysteresis
 * band of +/- hysteresis_fraction of the range around it (contact starts
 * above the upper edge, ends below the lower one), then debouncing:
 * contacts shorter than min_contact_s and swings shorter than min_swing_s
 * are bounces and merged away (the shorter of the two kinds first, each
 * merge joining its neighbours). Each rising edge is a touchdown, each
 * falling edge a lift-off; a contact already on at the first sample has
 * no touchdown, one still on at the end no lift-off. */
typedef struct bl_gait_footswitch_config {
    double low_pct;             /* 5 */
    double high_pct;            /* 95 */
    double threshold_fraction;  /* 0.5 */
    double hysteresis_fraction; /* 0.1 */
    double min_contact_s;       /* 0.1 */
    double min_swing_s;         /* 0.1 */
    double min_range;           /* high - low below this (in the signal's unit): no
                                   contacts, BL_ENODATA; 0 (any positive range) */
} bl_gait_footswitch_config;

BL_API void bl_gait_footswitch_config_default(bl_gait_footswitch_config *cfg);

/* Events of one foot from x[0..n) at rate_hz, side `side`, into a new set
 * (source FOOTSWITCH; `channel` is only kept for its description). The
 * set is not validated (the caller validates it with the recording's
 * duration). Errors: BL_EINVAL (NULL, n 0, rate not positive, a bad
 * config), BL_ENONFINITE, BL_ENODATA (a flat signal: no contacts),
 * BL_ENOMEM; *out NULL on failure, `why` one line. */
BL_API bl_status bl_gait_events_from_footswitch(const float *x, size_t n, double rate_hz, bl_side side,
                                                size_t channel, const bl_gait_footswitch_config *cfg,
                                                bl_gait_events **out, char *why, size_t why_len);

/* Knee-angle (goniometer) channel: events ESTIMATED from the knee's
 * flexion over the cycle, after Perry's normal knee (Perry & Burnfield
 * 2010: about 5 deg at initial contact, a loading-response flexion, 40 deg
 * at toe-off, 60 deg in swing). The angle is smoothed (smooth_s), turned
 * so that flexion is positive (the side with the larger excursion from
 * the median; goniometer conventions differ), and its robust range is the
 * 5th to 95th percentile (under min_range_deg: not walking, BL_ENODATA).
 * Swing peaks: the maxima of runs above 5th + swing_fraction x range
 * (leaving 0.1 x range lower; runs under min_swing_s ignored). Lift-off:
 * where the knee last rises through trough + liftoff_fraction x (peak -
 * trough) before the peak, trough the minimum since the previous peak
 * (0.64 = (40 - 5) / (60 - 5)); touchdown: the first minimum after the
 * peak, once below halfway down (the extension that ends swing, before the
 * loading-response flexion). The set says it is estimated (a warning, its
 * source and description) and every report must say so. */
typedef struct bl_gait_knee_config {
    double smooth_s;          /* 0.1 (a 50 Hz goniometer held to the EMG rate is stepwise) */
    double min_range_deg;     /* 10 */
    double swing_fraction;    /* 0.6 */
    double liftoff_fraction;  /* 0.64 */
    double min_swing_s;       /* 0.1 */
} bl_gait_knee_config;

BL_API void bl_gait_knee_config_default(bl_gait_knee_config *cfg);

/* Events of one leg from angle[0..n) (degrees) at rate_hz into a new set
 * (source KNEE; `channel` kept for its description). Not validated.
 * Errors as bl_gait_events_from_footswitch (BL_ENODATA: the knee hardly
 * moves, or no swing). */
BL_API bl_status bl_gait_events_from_knee(const float *angle_deg, size_t n, double rate_hz, bl_side side,
                                          size_t channel, const bl_gait_knee_config *cfg, bl_gait_events **out,
                                          char *why, size_t why_len);
/* 1 when any event of the set was estimated (knee angle), not measured. */
BL_API int bl_gait_events_estimated(const bl_gait_events *ev);

/* Where the events came from and, for a footswitch or knee, the levels
 * and thresholds found, into an object (doc.h). BL_EINVAL, BL_ENOMEM. */
BL_API bl_status bl_gait_events_describe(const bl_gait_events *ev, bl_doc *params);

/* ---- cycles ---- */

typedef enum bl_gait_cycle_state {
    BL_GAIT_CYCLE_KEPT = 0, BL_GAIT_CYCLE_NO_LIFTOFF, BL_GAIT_CYCLE_TWO_LIFTOFFS, BL_GAIT_CYCLE_SHORT,
    BL_GAIT_CYCLE_LONG
} bl_gait_cycle_state;

/* "kept", "no lift-off", "two lift-offs", "too short", "too long". */
BL_API const char *bl_gait_cycle_state_name(bl_gait_cycle_state s);

typedef struct bl_gait_cycle {
    double start_s;     /* touchdown */
    double liftoff_s;   /* NAN without exactly one lift-off */
    double end_s;       /* the next touchdown of the same side */
    bl_side side;
    bl_gait_cycle_state state;
    double median_s;    /* median duration of its side's cycles (what SHORT/LONG are
                           against); NAN when none had one lift-off */
} bl_gait_cycle;

typedef struct bl_gait_cycle_config {
    double min_ratio;   /* 0.7 */
    double max_ratio;   /* 1.3 */
} bl_gait_cycle_config;

BL_API void bl_gait_cycle_config_default(bl_gait_cycle_config *cfg);

/* Every candidate cycle of a validated set, sides in the order L, R,
 * none, each in time order, with its state. Writes up to cap into out and
 * the number found into *n (which may exceed cap: call again with more
 * room). BL_EINVAL (NULL, 0 < min_ratio <= 1 <= max_ratio violated). */
BL_API bl_status bl_gait_find_cycles(const bl_gait_events *ev, const bl_gait_cycle_config *cfg, bl_gait_cycle *out,
                                     size_t cap, size_t *n);
/* Stance as % of the cycle: 100 (lift-off - start) / (end - start); NAN
 * without a lift-off or for NULL. */
BL_API double bl_gait_cycle_stance_pct(const bl_gait_cycle *c);
/* One line: "cycle R 12.345 s (to 13.402 s): kept" or why it is dropped
 * ("... dropped: lasts 1.85 s, over 1.3 x the median 1.05 s of side R").
 * BL_EINVAL (NULL). */
BL_API bl_status bl_gait_cycle_why(const bl_gait_cycle *c, const bl_gait_cycle_config *cfg, char *buf,
                                   size_t len);

/* ---- analysis ---- */

typedef enum bl_gait_normalise { BL_GAIT_NORM_PHASES = 0, BL_GAIT_NORM_CYCLE } bl_gait_normalise;

/* "phases", "cycle"; and back (-1 for anything else). */
BL_API const char *bl_gait_normalise_name(bl_gait_normalise m);
BL_API int bl_gait_normalise_from_name(const char *name);

/* Perry's phases (bl_gait_phase, their names and bounds): gait_phases.h. */

/* Muscle synergies: non-negative matrix factorisation V ~ W H of the
 * time-normalised envelopes of one side (rows: its muscles, each scaled to
 * its own maximum, negative values, the low-pass's ringing, set to 0;
 * columns: every cycle's points in turn), by Lee & Seung's multiplicative
 * updates (1999) from `restarts` random starts (a fixed seed: the result
 * is reproducible), each run until its R^2 gains less than tol x R^2 over
 * 20 iterations or max_iter; the best R^2 = 1 - SSE / SST (SST about the
 * mean of V) of the restarts is kept. Every rank from 1 to max_rank (0:
 * the muscles less a quarter, rounded, as musclesyneRgies does) is
 * factorised; the rank chosen is the smallest r for which a straight line
 * fitted to R^2 over the ranks r..max_rank has a mean squared error below
 * mse_threshold, where the curve becomes linear (Santuz et al. 2017, Int J
 * Neural Syst 27:1750007; the defaults are those of their musclesyneRgies,
 * Santuz 2022, JOSS). Modules (W's columns: muscle weights) are scaled to
 * a maximum of 1, primitives (H's rows: activation over the cycle)
 * inversely. */
typedef struct bl_gait_synergy_config {
    int enabled;          /* 1 */
    size_t max_rank;      /* 0: muscles - round(muscles / 4) */
    size_t restarts;      /* 5 */
    size_t max_iter;      /* 1000 */
    double tol;           /* a run ends when R^2 gains less than tol x R^2 in 20 iterations; 1e-4 */
    double mse_threshold; /* 1e-4 */
    unsigned seed;        /* 1 */
} bl_gait_synergy_config;

/* The factorisation alone, on arrays: v[m x n] (row-major, non-negative)
 * into w[m x rank] and h[rank x n] (row-major, caller's), *r2 its R^2.
 * Deterministic for a seed. BL_EINVAL (NULL, zero sizes, rank > min(m,
 * n), a negative or non-finite v, a bad config), BL_ENOMEM. */
BL_API bl_status bl_gait_nmf(const double *v, size_t m, size_t n, size_t rank, const bl_gait_synergy_config *cfg,
                             double *w, double *h, double *r2);
/* The rank chosen from r2[0..n_ranks) (rank k + 1 at index k) by the
 * linearity rule above; 0 for n_ranks 0 or NULL. */
BL_API size_t bl_gait_synergy_rank(const double *r2, size_t n_ranks, double mse_threshold);

/* Walking or running (the posterior-chain answers differ): AUTO takes a
 * side's cycles as running when their mean stance is below
 * run_stance_pct of the cycle (running has a flight phase: stance under
 * half the cycle). */
typedef enum bl_gait_task { BL_GAIT_TASK_AUTO = 0, BL_GAIT_TASK_WALK, BL_GAIT_TASK_RUN } bl_gait_task;

/* "auto", "walk", "run"; and back (-1 for anything else). */
BL_API const char *bl_gait_task_name(bl_gait_task t);
BL_API int bl_gait_task_from_name(const char *name);

typedef struct bl_gait_config {
    bl_envelope_config envelope;     /* conditioning + linear envelope (defaults) */
    bl_mvc_config mvc;               /* 0.5 s reference window (trials and session peak) */
    bl_quality_config quality;       /* a channel failing a check is left out */
    bl_gait_cycle_config cycles;
    bl_gait_normalise normalise;     /* phases */
    size_t stance_points;            /* 60 */
    size_t swing_points;             /* 40 */
    size_t cycle_points;             /* 101 */
    double onset_fraction;           /* of the mean curve's min-to-max range; 0.3 */
    /* the posterior-chain answers (bl_gait_chain) */
    bl_gait_task task;               /* auto */
    double run_stance_pct;           /* auto: running below this stance, % of cycle; 50 */
    double active_pct;               /* a hamstring share at or above this % of the peak is
                                        "active"; 30 */
    double recovery_high_pct;        /* running: a recovery share at or above this is flagged; 30 */
    double gh_dormant_walk;          /* pattern: "dormant-glute" when G:H in stance is below
                                        this walking ...; 0.6 */
    double gh_dormant_run;           /* ... or this running; 1.0 */
    double qh_dominant_walk;         /* pattern: "quad-dominant" when Q:H in stance is above
                                        this walking ...; 2.0 */
    double qh_dominant_run;          /* ... or this running; 4.0 */
    double lead_before;              /* glute/hamstring onsets searched from this fraction of
                                        the cycle before touchdown ...; 0.35 */
    double lead_after;               /* ... to this fraction after it; 0.2 */
    double lead_rise_fraction;       /* onset where the envelope rises through this fraction
                                        of its trough-to-peak range in that window; 0.2 */
    bl_gait_synergy_config synergy;  /* per side with at least two muscles */
} bl_gait_config;

BL_API void bl_gait_config_default(bl_gait_config *cfg);

typedef struct bl_gait bl_gait;

/* Analyse a walking (or running) recording with its events. `session`
 * should carry its channel map (no map: every channel unnamed EMG without
 * a side); mvc[0..n_mvc) MVC trials in the session's layout and unit (may
 * be NULL when n_mvc is 0). `events` is validated against the session's
 * duration first (errors as bl_gait_events_validate). The inputs are not
 * changed or kept. Errors: BL_EINVAL (NULL, bad config), BL_ERANGE /
 * BL_ENODATA (events), BL_EMAP / BL_EUNIT (a trial), BL_ERATE, BL_ERANGE,
 * BL_ENONFINITE, BL_ENODATA from conditioning (`why` starts
 * "conditioning"), BL_ENODATA when no cycle is kept, BL_ENOMEM; `why`
 * gets one line. *out NULL on failure. destroy(NULL): no-op. */
BL_API bl_status bl_gait_analyse(const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                                 const bl_gait_events *events, const bl_gait_config *cfg, bl_gait **out,
                                 char *why, size_t why_len);
BL_API void bl_gait_destroy(bl_gait *g);

/* 1 when the cycles rest on estimated events (knee angle): reports must
 * say so. */
BL_API int bl_gait_estimated(const bl_gait *g);
/* The unit of the curves: "%MVC", "uV" or "% of session peak". */
BL_API const char *bl_gait_unit(const bl_gait *g);
/* The unit of the conditioned signal (bl_gait_channel_signal): the
 * session's, "uV" or full-scale units. */
BL_API const char *bl_gait_signal_unit(const bl_gait *g);
BL_API bl_status bl_gait_get_config(const bl_gait *g, bl_gait_config *out);

/* Kept cycles, in the order of bl_gait_find_cycles. */
BL_API size_t bl_gait_cycles(const bl_gait *g);
BL_API bl_status bl_gait_get_cycle(const bl_gait *g, size_t k, bl_gait_cycle *out); /* BL_ERANGE */

/* Points per normalised cycle, and where stance ends in points (PHASES:
 * stance_points exactly; CYCLE: the mean stance fraction of the kept
 * cycles x (cycle_points - 1)). */
BL_API size_t bl_gait_points(const bl_gait *g);
BL_API double bl_gait_stance_points(const bl_gait *g);

/* Channels (all of the session's). A channel is used (1) or not (0: AUX,
 * left out by the quality gate, or without cycles of its side: why says
 * which). */
BL_API size_t bl_gait_channels(const bl_gait *g);
BL_API const char *bl_gait_channel_name(const bl_gait *g, size_t c); /* "R.ST"; "" out of range */
BL_API bl_muscle bl_gait_channel_muscle(const bl_gait *g, size_t c);
BL_API int bl_gait_channel_used(const bl_gait *g, size_t c);
BL_API const char *bl_gait_channel_why(const bl_gait *g, size_t c);  /* "" when used */
/* The kept cycles channel c uses: how many, and the k-th one's index in
 * bl_gait_get_cycle (SIZE_MAX out of range). */
BL_API size_t bl_gait_channel_cycles(const bl_gait *g, size_t c);
BL_API size_t bl_gait_channel_cycle(const bl_gait *g, size_t c, size_t k);
/* The channel's normalised envelope over the whole session at the analysis
 * rate, in bl_gait_unit() (NULL for a channel not used), owned by g. */
BL_API const float *bl_gait_channel_envelope(const bl_gait *g, size_t c, size_t *frames, double *rate_hz);
/* The channel's conditioned signal (band-passed, notched, ECG removed) at
 * the analysis rate, in the session's unit (NULL for a channel not used),
 * owned by g. */
BL_API const float *bl_gait_channel_signal(const bl_gait *g, size_t c, size_t *frames, double *rate_hz);

typedef struct bl_gait_muscle {
    size_t cycles;                     /* cycles used */
    double peak_phase_pct;             /* real phase of the mean curve's peak, % of cycle */
    double peak;                       /* the mean curve's value there (unit) */
    double mean;                       /* mean of the mean curve */
    double cv_pct;                     /* cycle-to-cycle CV of the curves, %; NAN under 2 cycles */
    double phase_mean[BL_GAIT_PHASES]; /* mean activity in each Perry phase (unit) */
    double phase_sd[BL_GAIT_PHASES];   /* its SD across cycles; NAN under 2 cycles */
} bl_gait_muscle;

/* BL_ERANGE out of range, BL_ENODATA for a channel not used. */
BL_API bl_status bl_gait_get_muscle(const bl_gait *g, size_t c, bl_gait_muscle *out);
/* Mean and SD curves (bl_gait_points values; SD NAN-filled under 2
 * cycles), and the k-th cycle's curve; NULL for a channel not used or out
 * of range. */
BL_API const double *bl_gait_channel_mean(const bl_gait *g, size_t c);
BL_API const double *bl_gait_channel_sd(const bl_gait *g, size_t c);
BL_API const double *bl_gait_channel_curve(const bl_gait *g, size_t c, size_t k);
/* The real phase (% of that cycle) of each point of the k-th cycle's
 * curve; NULL as bl_gait_channel_curve. */
BL_API const double *bl_gait_channel_curve_phase(const bl_gait *g, size_t c, size_t k);
/* The real phase (% of cycle, mean over the cycles the channel uses) of
 * point i of the grid; NAN out of range. */
BL_API double bl_gait_channel_point_phase(const bl_gait *g, size_t c, size_t i);
/* Bursts of the mean curve: how many; the b-th one's onset and offset
 * phases (% of cycle). BL_ERANGE out of range. */
BL_API size_t bl_gait_channel_bursts(const bl_gait *g, size_t c);
BL_API bl_status bl_gait_get_burst(const bl_gait *g, size_t c, size_t b, double *onset_pct, double *offset_pct);

/* ---- the posterior-chain questions ----
 *
 * Per side (the cycles' side), from the channels that use its cycles:
 * hamstrings = ST, SM, BF; glute = GMAX; quads = VM, VL, RF.
 *   shares      a group's activity in a stretch of the cycle as % of its
 *               cycle peak: per channel 100 x the stretch's phase mean /
 *               the peak of the channel's mean curve, averaged over the
 *               group's channels (unit-free: needs no MVC). Braking =
 *               terminal swing; propulsion = terminal stance and pre-swing
 *               (phase means weighted by Perry's widths 20 and 10); knee
 *               flexion = initial swing; recovery (running) = initial and
 *               mid-swing (widths 13 and 14). Braking and propulsion are
 *               "active" at or above active_pct; recovery is flagged at or
 *               above recovery_high_pct.
 *   glute lead  per cycle, each channel's onset near touchdown: in the
 *               window from lead_before x the cycle before its touchdown
 *               to lead_after x the cycle after, the time the envelope
 *               first rises through trough + lead_rise_fraction x (peak -
 *               trough) after the trough that precedes the window's peak.
 *               The hamstrings' onset is their earliest channel's; lead =
 *               hamstring onset - GMAX onset (positive: the glute fires
 *               first). Overall: the median over the cycles with both.
 *   ratios      G:H and Q:H = the group's mean activity in stance (phase
 *               means weighted by Perry's widths) over the hamstrings';
 *               M:L per phase = bl_hamstring_balance_of (balance.h) of the
 *               phase means. Levels of different muscles compare only in
 *               %MVC (comparable = 1); in uV or peak units they are given
 *               but said to be relative.
 *   running     task RUN, or AUTO with mean stance under run_stance_pct.
 *   pattern     what the numbers add up to, named as backline-synth names
 *               its variants: "dormant-glute" when G:H in stance is below
 *               gh_dormant_walk (running: gh_dormant_run), the hamstrings
 *               doing the glute's work; "quad-dominant" when Q:H in stance
 *               is above qh_dominant_walk (qh_dominant_run); running,
 *               "active-recovery" when the recovery share is flagged; the
 *               names joined by "+" when several hold; "normal" when none
 *               does and every one could be decided; else "unknown" (a
 *               group missing, or levels not in %MVC, as G:H and Q:H
 *               compare different muscles). The limits are backline's
 *               rules of thumb, not published cut-offs: they lie between
 *               the normative profiles of walking and running
 *               (bl_synth_gait, after Winter 1991 and Novacheck 1998) and
 *               their variants, running's higher as its quads and glutes
 *               work harder at touchdown.
 * Each answer is also a statement with its numbers and the rule in words
 * (bl_gait_get_statement). */
typedef struct bl_gait_chain {
    bl_side side;
    size_t cycles;
    size_t n_hamstring, n_glute, n_quad; /* channels in each group */
    double stance_pct;                   /* mean stance of the side's cycles */
    int running;
    double braking_pct;                  /* hamstring shares, % of their cycle peak; NAN */
    double propulsion_pct;
    double knee_flexion_pct;
    double recovery_pct;                 /* running only; NAN walking */
    int braking_active, propulsion_active, recovery_flag;
    double glute_lead_s;                 /* median; NAN without GMAX and a hamstring onset */
    double glute_lead_pct;               /* the median lead in % of the cycle */
    size_t lead_cycles, glute_first;     /* cycles with both onsets; of them glute first */
    double hamstring_stance, glute_stance, quad_stance; /* mean activity in stance (unit); NAN */
    double gh_stance, qh_stance;         /* ratios; NAN when a group is missing or zero */
    double ml_ratio[BL_GAIT_PHASES];     /* medial / lateral per phase; NAN */
    double ml_balance[BL_GAIT_PHASES];   /* (M - L) / (M + L) per phase; NAN */
    int comparable;                      /* 1 in %MVC */
    int glute_dormant, quad_dominant;    /* 1, 0, or -1 unknown (a group missing, or not %MVC) */
    char pattern[64];                    /* "normal", "dormant-glute", "quad-dominant",
                                            "active-recovery" (several joined by "+"),
                                            or "unknown" */
} bl_gait_chain;

/* Sides answered (those with kept cycles and a hamstring channel), and
 * the i-th. BL_ERANGE out of range. */
BL_API size_t bl_gait_chains(const bl_gait *g);
BL_API bl_status bl_gait_get_chain(const bl_gait *g, size_t i, bl_gait_chain *out);
/* Kept cycle k's glute lead (s; NAN when an onset is missing). */
BL_API double bl_gait_cycle_glute_lead_s(const bl_gait *g, size_t k);

typedef struct bl_gait_statement {
    bl_side side;
    const char *key;   /* "task", "braking", "propulsion", "knee_flexion", "glute_lead",
                          "glute_hamstring", "quad_hamstring", "medial_lateral", "recovery",
                          "pattern" */
    const char *text;  /* the answer with its numbers (owned by g) */
    const char *rule;  /* the rule that produced it */
} bl_gait_statement;

BL_API size_t bl_gait_statements(const bl_gait *g);
BL_API bl_status bl_gait_get_statement(const bl_gait *g, size_t i, bl_gait_statement *out); /* BL_ERANGE */

/* ---- left/right symmetry ----
 *
 * For every muscle used on both sides (the first channel of each side),
 * from the two mean curves (each on its own side's cycles):
 *   levels      the mean of each mean curve; symmetry index SI = 100 x (L
 *               - R) / ((L + R) / 2) (Robinson et al. 1987), 0 when equal;
 *               like every comparison of two electrodes it is absolute only
 *               in %MVC (comparable = 1);
 *   shape       Pearson's r of the two curves point by point;
 *   timing      the circular lag (in % of the normalised cycle: grid
 *               points) that maximises their cross-correlation, positive
 *               when the right side's curve comes later, and the
 *               difference of the peak phases (R - L, real phases).
 * The cycle-mode grid's last point repeats its first (both touchdowns), so
 * it is left out of the lag. */
typedef struct bl_gait_symmetry {
    bl_muscle muscle;
    size_t left, right;                 /* channel indices */
    double level_left, level_right;     /* unit */
    double si_pct;                      /* NAN when both levels are 0 */
    double r;                           /* NAN when a curve is flat */
    double lag_pct;
    double peak_diff_pct;
    int comparable;
} bl_gait_symmetry;

BL_API size_t bl_gait_symmetries(const bl_gait *g);
BL_API bl_status bl_gait_get_symmetry(const bl_gait *g, size_t i, bl_gait_symmetry *out); /* BL_ERANGE */

/* ---- synergies (per side with two or more muscles) ---- */
typedef struct bl_gait_synergies {
    bl_side side;
    size_t muscles, points, cycles; /* V is muscles x (cycles x points) */
    size_t max_rank, rank;          /* ranks factorised (1..max_rank) and the one chosen */
    const double *r2;               /* max_rank values, rank k + 1 at index k (owned by g) */
    const size_t *channel;          /* muscles channel indices, the rows of W */
    const double *modules;          /* muscles x rank (row-major): W of the chosen rank */
    const double *primitives;       /* rank x (cycles x points): H of the chosen rank */
    const double *mean_primitives;  /* rank x points: H averaged over the cycles */
} bl_gait_synergies;

BL_API size_t bl_gait_synergy_sets(const bl_gait *g);
BL_API bl_status bl_gait_get_synergies(const bl_gait *g, size_t i, bl_gait_synergies *out); /* BL_ERANGE */

/* What the analysis did (ISEK style) from the configuration it ran with
 * and the constants its stages use. Into `params` (an object; may be
 * NULL): standard, conditioning{...} (bl_condition_describe), events{...}
 * (bl_gait_events_describe), cycles{rule, min_ratio, max_ratio, found,
 * kept, dropped[]}, normalisation{unit, method, ...}, time_normalisation{
 * mode, stance_points, swing_points or cycle_points, rule,
 * interpolation}, phases{source, rule, bounds_pct{NAME: [lo, hi]}},
 * peak_phase, onsets{rule, fraction}, variability{rule},
 * posterior_chain{task, run_stance_pct, active_pct, ...}, symmetry{rule},
 * synergies{method, rank_rule, restarts, ...},
 * channel_checks.
 * Into `summary` (may be NULL): the conditioning sentences,
 * "normalisation", "time", "phases". BL_EINVAL (NULL g), BL_ENOMEM. */
BL_API bl_status bl_gait_describe(const bl_gait *g, bl_doc *params, bl_doc *summary);

/* Warnings for the report (events, dropped cycles, channels left out). */
BL_API size_t bl_gait_warnings(const bl_gait *g);
BL_API const char *bl_gait_warning(const bl_gait *g, size_t i); /* NULL out of range */

#ifdef __cplusplus
}
#endif
#endif
