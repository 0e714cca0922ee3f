/* Hip-hinge analysis: repetitions, per-repetition muscle metrics and the
 * torque-chain verdict (chains as in chanmap.h).
 *
 * Two layers:
 *
 *   bl_hinge_segment   finds repetitions (and, where the signal allows, the
 *                      eccentric/concentric boundary) in a set of envelopes.
 *                      Each channel is scaled to its own robust baseline-to-
 *                      peak range (so neither units nor MVC scaling matter),
 *                      clipped (one artefact cannot dominate), and combined
 *                      as a weighted mean in which the hamstrings and glutes
 *                      weigh most and the trunk little (ECG on ES/EO must not
 *                      drive segmentation). The combined activity is
 *                      smoothed and thresholded with hysteresis relative to
 *                      its own robust baseline and peak; segments closer
 *                      than min_gap_s are merged, shorter than min_rep_s
 *                      dropped, and segments much longer than the typical
 *                      repetition are split at deep valleys. Flat channels
 *                      (dead electrode) are ignored and reported.
 *
 *   bl_hinge_analyse   the whole job on a session recording and optional MVC
 *                      trial recordings: conditioning and linear envelopes
 *                      (envelope.h), %MVC normalisation (normalise.h; the
 *                      session's own peak when there are no trials, flagged
 *                      lower confidence), segmentation, then per repetition
 *                      and channel the mean and peak %MVC, iEMG (%MVC·s),
 *                      onset relative to the repetition start (onset.h),
 *                      median frequency (spectrum.h, FFTW); per repetition
 *                      the ratios, the torque-chain index and verdict, and
 *                      the firing order; per channel the median-frequency
 *                      slope across the set (fatigue index, Hz/rep).
 *
 * Torque-chain index. Channels carry a chain from a table (default
 * bl_muscle_default_chain, overridable per muscle code). Within each
 * anatomical group that has both an internal and an external channel, the
 * balance is b = (I − E)/(I + E) of the groups' mean %MVC over the
 * repetition (I, E: means of the internal / external channels; both sides
 * pooled). The index is the weighted mean of the available balances:
 * hamstrings (medial vs lateral, the core discriminator) weight_hamstring,
 * trunk (EO vs ES/IO) weight_trunk, glute/quad/calf pairs weight_other
 * each. Unpaired channels (e.g. GMAX without GMED) do not enter the index:
 * their %MVC levels differ between muscles for anatomical reasons, not
 * because of the chain; they are still reported (glute:hamstring ratio).
 * The index lies in [−1, 1], positive = internal. Verdict:
 *   unknown   no usable medial AND lateral hamstring channel (dead, failed
 *             a quality check, or without a sound MVC reference of its
 *             own: bl_hinge_ch_state), no MVC trials (an index against the
 *             session's own peak says nothing absolute: every muscle
 *             reaches about the same level), or the hamstrings' mean
 *             activity below min_activity_pct %MVC;
 *   internal  index >= verdict_margin;  external  index <= −verdict_margin;
 *   mixed     in between.
 * Every verdict comes with a reason string. What needs no MVC trials is
 * given beside it: each repetition's lean against the set's median index,
 * and the drift of the index across the set (bl_hinge_summary.relative).
 *
 * Channels are checked first (quality.h on the session): a flat channel is
 * dead, one that fails any other check is left out, and a recording in
 * which no channel rises above its baseline has no repetitions. MVC trial
 * references are checked against the session (noise level, or exceeded by
 * more than mvc_max_pct).
 *
 * Ratios (NAN when a side is missing or zero): medial:lateral hamstring
 * (mean %MVC of ST/SM over BF), glute:hamstring (GMAX over all hamstrings),
 * erector share (ES over the sum of hamstrings, glutes and ES: the part of
 * the hip-extension effort carried by the lumbar erectors), hamstring:quad
 * (hamstrings over VM/VL/RF).
 *
 * Everything is in seconds, Hz and %MVC; nothing prints; results live in
 * opaque objects read through getters. Offline module (allocates), except
 * the live form at the end of this header (bl_hinge_stream).
 */
#ifndef BACKLINE_HINGE_H
#define BACKLINE_HINGE_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/chanmap.h"
#include "backline/doc.h"
#include "backline/envelope.h"
#include "backline/normalise.h"
#include "backline/onset.h"
#include "backline/quality.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration ---- */

/* Room for a reason line (bl_hinge_rep.reason, bl_hinge_live_rep.reason). */
#define BL_HINGE_REASON_MAX 512

typedef struct bl_hinge_segment_config {
    double frame_rate_hz;   /* segmentation grid (envelopes are averaged down); 50 */
    double smooth_s;        /* moving average of the combined activity; 0.2 */
    double on_fraction;     /* enter a repetition above baseline + on × range; 0.30 */
    double off_fraction;    /* leave it below baseline + off × range; 0.15 */
    double edge_fraction;   /* boundaries then extended outward to this level; 0.10 */
    double min_rep_s;       /* shorter segments are dropped; 0.6 */
    double min_gap_s;       /* segments closer than this are merged; 0.15 */
    double split_factor;    /* split segments longer than this × the median
                               repetition at a valley; 1.6 */
    double valley_depth;    /* ... when the valley is below this fraction of
                               the lower flanking peak; 0.6 */
    double clip;            /* per-channel scaled activity clipped at this; 1.5 */
    double min_used_weight; /* no repetitions unless the channels that modulate
                               carry at least this fraction of the total weight
                               (ECG on the trunk alone must not make reps); 0.5 */
} bl_hinge_segment_config;

BL_API void bl_hinge_segment_config_default(bl_hinge_segment_config *cfg);

/* Default weight of a muscle in the combined activity: hamstrings and GMAX
 * 1, GMED 0.5, trunk 0.25, calf 0.25, quads/other 0, AUX 0. */
BL_API double bl_hinge_segment_weight(bl_muscle m);

typedef struct bl_hinge_config {
    bl_envelope_config envelope;     /* conditioning + linear envelope (defaults) */
    bl_mvc_config mvc;               /* 0.5 s reference window */
    bl_hinge_segment_config segment;
    bl_onset_config onset;           /* per-channel onsets (baseline method) */
    bl_chain chain[BL_MUSCLE_MAX];   /* chain per muscle (index bl_muscle; the room past
                                        BL_MUSCLE_COUNT keeps the size fixed); defaults
                                        bl_muscle_default_chain */
    double weight_hamstring;         /* 0.6 */
    double weight_trunk;             /* 0.3 */
    double weight_other;             /* 0.1 (each of glute, quad, calf pairs) */
    double verdict_margin;           /* |index| below this is mixed; 0.1 */
    double min_activity_pct;         /* hamstring mean below this: unknown; 5 */
    double spectrum_segment_s;       /* Welch segment for the median frequency; 0.25 */
    bl_quality_config quality;       /* the checks every channel must pass (quality.h
                                        defaults): flat fails make a channel dead, any
                                        other fail leaves it out; its flat_ratio (0.02
                                        x the median channel) is the dead-electrode
                                        rule */
    double mvc_max_pct;              /* a trial reference the session exceeds (its 99th
                                        percentile) by more than this %MVC is suspect;
                                        150 */
    double mvc_noise_ratio;          /* ... and one below this × the session's rest
                                        level (10th percentile of its envelope): a
                                        noise-level reference; 3 */
    double onset_rise_fraction;      /* limb onsets: where the %MVC envelope rises
                                        through this fraction of the repetition's own
                                        trough-to-peak range, in (0, 1); 0.1 */
} bl_hinge_config;

BL_API void bl_hinge_config_default(bl_hinge_config *cfg);

/* Parse "ST=internal,BF=external,GMED=none" into cfg->chain (codes as in
 * chanmap.h, chains internal/external/none). Each code at most once. On
 * error (an empty entry, a trailing comma included; no '='; an unknown code;
 * a code already given; an unknown chain) BL_EINVAL, the table unchanged,
 * and `why` names the entry in one line. */
BL_API bl_status bl_hinge_chain_parse(const char *text, bl_chain chain[BL_MUSCLE_MAX], char *why,
                                      size_t why_len);

/* ---- segmentation ---- */

typedef struct bl_hinge_segment {
    double start_s, end_s;  /* repetition boundaries */
    double turn_s;          /* eccentric/concentric boundary, NAN when not resolved */
    double peak;            /* peak of the combined scaled activity (≈1 = typical) */
} bl_hinge_segment;

/* Repetitions in `channels` planar envelopes env[c][0..frames) at rate_hz
 * (any non-negative unit per channel; each is scaled to its own range).
 * weights[c] >= 0 (NULL: bl_hinge_segment_weight is not known here, so all
 * 1). `aux` (may be NULL) is a hip-angle/goniometer trace at the same rate
 * used to place the eccentric/concentric turn at its extremum; without it
 * the turn is the change point of the combined activity (the eccentric
 * level is below the concentric one) when the step is clear.
 * Writes up to max_segments into segs and the count found into *n_segments
 * (which may exceed max_segments: call again with more room). ignored[c]
 * (may be NULL) is set to 1 for channels left out (zero weight, flat or
 * non-finite, or not modulated: 99th percentile below twice the 10th). When
 * the channels left carry less than min_used_weight of the total weight,
 * no segment is returned (BL_OK, *n_segments = 0): quiet standing with ECG
 * on a trunk channel is not a set. BL_EINVAL for NULL/zero arguments or a
 * bad config; BL_ENODATA
 * when no channel has a positive weight or the signal is shorter than 1 s;
 * BL_ENOMEM. */
BL_API bl_status bl_hinge_segment_find(const float *const *env, const double *weights, size_t channels,
                                       size_t frames, double rate_hz, const float *aux,
                                       const bl_hinge_segment_config *cfg, bl_hinge_segment *segs,
                                       size_t max_segments, size_t *n_segments, unsigned char *ignored);

/* ---- full analysis ---- */

typedef enum bl_hinge_verdict {
    BL_VERDICT_UNKNOWN = 0, BL_VERDICT_INTERNAL, BL_VERDICT_EXTERNAL, BL_VERDICT_MIXED
} bl_hinge_verdict;

/* "unknown", "internal", "external", "mixed". */
BL_API const char *bl_hinge_verdict_name(bl_hinge_verdict v);

/* A channel the analysis uses (OK) or leaves out of segmentation, metrics
 * and the verdict, and why (bl_hinge_channel_why says it in a line):
 * DEAD flat or not modulating; NO_REFERENCE no MVC reference of its own
 * (none positive, or only the session peak while the other channels have
 * trials); FAILED_QUALITY a quality check failed (clipping, hum, motion,
 * crosstalk, a spectrum that is not sEMG...); BAD_REFERENCE its trial
 * reference is at noise level or below the session's own activity. */
typedef enum bl_hinge_ch_state {
    BL_HINGE_CH_OK = 0, BL_HINGE_CH_AUX, BL_HINGE_CH_DEAD, BL_HINGE_CH_NO_REFERENCE, BL_HINGE_CH_FAILED_QUALITY,
    BL_HINGE_CH_BAD_REFERENCE
} bl_hinge_ch_state;

/* "ok", "aux", "dead", "no-reference", "failed-quality", "bad-reference". */
BL_API const char *bl_hinge_ch_state_name(bl_hinge_ch_state s);

/* How a repetition's index stands against the set's median (the part of
 * the balance that needs no MVC trials). */
typedef enum bl_hinge_lean {
    BL_LEAN_NONE = 0, BL_LEAN_LIKE_SET, BL_LEAN_INTERNAL, BL_LEAN_EXTERNAL
} bl_hinge_lean;

/* "none", "like the set", "more internal", "more external". */
BL_API const char *bl_hinge_lean_name(bl_hinge_lean l);

typedef struct bl_hinge bl_hinge;

/* Analyse a hinge set. `session` should carry its channel map
 * (bl_recording_chanmap) or every channel is taken as unnamed EMG (then no
 * verdict is possible). mvc[0..n_mvc) are MVC trial recordings in the same
 * layout and unit (may be NULL when n_mvc is 0). The inputs are not
 * changed or kept. Errors: BL_EINVAL (NULL, bad config, a NULL trial),
 * BL_EMAP (trial layout or map mismatch), BL_EUNIT (a trial in another
 * unit than the session), BL_ERATE/BL_ERANGE/BL_ENONFINITE/BL_ENODATA
 * from conditioning, BL_ENODATA for a session shorter than 1 s, BL_ENOMEM;
 * `why` gets one line (starting "mvc trial N" for a trial). No repetition
 * found is not an error (0 reps and a warning). *out is NULL on failure.
 * destroy(NULL): no-op. */
BL_API bl_status bl_hinge_analyse(const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                                  const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len);
/* The same analysis, with the same results, on a session it takes over:
 * the session is conditioned in place and kept inside *out instead of
 * copied, so a long session is held twice at most (its conditioned signal
 * and its envelopes) rather than three times. `session` belongs to the
 * analysis from the call on and is destroyed with *out, or before the call
 * returns when it fails (errors as bl_hinge_analyse). */
BL_API bl_status bl_hinge_analyse_take(bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                                       const bl_hinge_config *cfg, bl_hinge **out, char *why, size_t why_len);
BL_API void bl_hinge_destroy(bl_hinge *h);

/* What conditioning did (ISEK reporting) and the config used, copied out.
 * BL_EINVAL for NULL (*out unchanged). */
BL_API bl_status bl_hinge_get_condition_report(const bl_hinge *h, bl_condition_report *out);
BL_API bl_status bl_hinge_get_config(const bl_hinge *h, bl_hinge_config *out);
/* "uV" or "full scale" (of the session before normalisation). */
BL_API const char *bl_hinge_unit(const bl_hinge *h);
BL_API size_t bl_hinge_mvc_trials(const bl_hinge *h);

/* Channels (all channels of the session, AUX included). */
BL_API size_t bl_hinge_channels(const bl_hinge *h);
BL_API const char *bl_hinge_channel_name(const bl_hinge *h, size_t c); /* "L.ST"; "" out of range */
BL_API bl_muscle bl_hinge_channel_muscle(const bl_hinge *h, size_t c);
BL_API bl_chain bl_hinge_channel_chain(const bl_hinge *h, size_t c);
BL_API bl_hinge_ch_state bl_hinge_channel_state(const bl_hinge *h, size_t c);
/* Why a channel is left out, one line ("" when it is used or out of range). */
BL_API const char *bl_hinge_channel_why(const bl_hinge *h, size_t c);
/* The quality assessment of the session the states rest on (owned by h). */
BL_API const bl_quality *bl_hinge_quality(const bl_hinge *h);
/* MVC reference (envelope units) and its source; BL_ERANGE out of range. */
BL_API bl_status bl_hinge_get_channel_reference(const bl_hinge *h, size_t c, bl_mvc_reference *out);
/* Median-frequency slope across the set, Hz per repetition (NAN with fewer
 * than 3 repetitions with a value). */
BL_API double bl_hinge_channel_mf_slope(const bl_hinge *h, size_t c);
/* The channel's %MVC envelope at the analysis rate (NULL for AUX/dead). */
BL_API const float *bl_hinge_channel_envelope(const bl_hinge *h, size_t c, size_t *frames, double *rate_hz);
/* The channel's conditioned signal (band-passed, notched, ECG removed) at
 * the analysis rate, in bl_hinge_unit() (NULL for AUX/dead), owned by h. */
BL_API const float *bl_hinge_channel_signal(const bl_hinge *h, size_t c, size_t *frames, double *rate_hz);

/* Repetitions. */
BL_API size_t bl_hinge_reps(const bl_hinge *h);

typedef struct bl_hinge_rep {
    double start_s, end_s;
    double turn_s;              /* NAN when the phases were not resolved */
    const char *phase_method;   /* "joint angle (AUX)", "envelope change point", "none" */
    bl_hinge_verdict verdict;
    double chain_index;         /* [−1, 1]; NAN when no balance was available */
    double hamstring_balance;   /* (I−E)/(I+E) within the group; NAN when unpaired */
    double trunk_balance;
    double other_balance;       /* weighted mean of the glute/quad/calf pairs */
    double medial_lateral;      /* ratios, NAN when a side is missing */
    double glute_hamstring;
    double erector_share;
    double hamstring_quad;
    double hamstring_pct;       /* mean %MVC of all usable hamstring channels */
    const char *reason;         /* why this verdict (owned by h) */
    double relative_index;      /* chain_index minus the set's median index; NAN */
    bl_hinge_lean lean;         /* relative_index beyond ±verdict_margin: more internal
                                   or more external than the set; else like the set */
} bl_hinge_rep;

typedef struct bl_hinge_rep_channel {
    double mean_pct;   /* mean %MVC over the repetition */
    double peak_pct;   /* peak %MVC */
    double iemg;       /* integral, %MVC·s */
    double onset_s;    /* onset relative to start_s (negative: before); NAN none */
    double median_hz;  /* median frequency of the conditioned signal; NAN */
} bl_hinge_rep_channel;

/* BL_ERANGE out of range; for AUX/dead channels every value is NAN. */
BL_API bl_status bl_hinge_get_rep(const bl_hinge *h, size_t rep, bl_hinge_rep *out);
BL_API bl_status bl_hinge_get_rep_channel(const bl_hinge *h, size_t rep, size_t c, bl_hinge_rep_channel *out);
/* Channel indices with an onset in this repetition, earliest first: writes
 * up to cap into order, returns how many there are (0 out of range). */
BL_API size_t bl_hinge_firing_order(const bl_hinge *h, size_t rep, size_t *order, size_t cap);

typedef struct bl_hinge_summary {
    size_t reps;
    size_t internal, external, mixed, unknown;
    double mean_index;        /* over reps with an index; NAN none */
    double fatigue_slope_hz;  /* mean of the channel MF slopes, Hz/rep; NAN */
    int normalised_to_mvc;    /* 1 when every usable EMG channel has an MVC reference */
    double median_index;      /* the set's median index (what the leans are against); NAN */
    double drift_per_rep;     /* least-squares slope of the index over the repetitions
                                 (3 or more with an index), per rep; NAN */
    double drift;             /* that slope over the set: first to last rep; NAN */
    const char *relative;     /* the leans and the drift in words (owned by h) */
} bl_hinge_summary;

/* BL_EINVAL for NULL (*out unchanged). */
BL_API bl_status bl_hinge_get_summary(const bl_hinge *h, bl_hinge_summary *out);

/* What the analysis did, for reports (ISEK style), generated from the
 * configuration it ran with and the constants of its stages, so it
 * cannot drift from the code. Into `params` (an object; may be NULL):
 * standard, conditioning{...} (bl_condition_describe), normalisation{unit,
 * reference, window_s, fallback, mvc_files, method, per_channel{NAME:
 * reference (rounded to 4 decimals), unit, source, files, maximum_in}},
 * segmentation{signal (with the segmentation weights), grid_hz, ...},
 * onsets{method, rise_fraction, k_sd, ...}, spectrum{method, segment_s},
 * torque_chain{index, weights, verdict_margin, ..., override (the table
 * entries that differ from bl_muscle_default_chain), table{CODE: chain}}.
 * Into `summary` (may be NULL): the conditioning sentences and
 * "normalisation". `session_name` and trial_names[0..bl_hinge_mvc_trials)
 * name the inputs (e.g. their paths) for the references' provenance; NULL
 * leaves the names out. BL_EINVAL (NULL h), BL_ENOMEM. */
BL_API bl_status bl_hinge_describe(const bl_hinge *h, const char *session_name, const char *const *trial_names,
                                   bl_doc *params, bl_doc *summary);
/* What each abbreviation of the results means, as the code computes it
 * with this analysis's configuration: into `out` (an object), one
 * sentence per key ("chain index", "mixed", "vs set", "M:L", "G:H",
 * "ES share", "H:Q", "%MVC", "iEMG", "onset", "MF", "ecc / con"), for
 * reports' legends. BL_EINVAL (NULL), BL_ENOMEM. */
BL_API bl_status bl_hinge_glossary(const bl_hinge *h, bl_doc *out);
/* How the fatigue index (bl_hinge_summary.fatigue_slope_hz) is made, one
 * sentence. */
BL_API const char *bl_hinge_fatigue_method(void);

/* Warnings for the report (dead channels, session-peak fallback, ...). */
BL_API size_t bl_hinge_warnings(const bl_hinge *h);
BL_API const char *bl_hinge_warning(const bl_hinge *h, size_t i); /* NULL out of range */

/* ---- live: repetitions and verdicts while capturing ----
 *
 * bl_hinge_stream is fed interleaved blocks of raw samples as they come
 * from the sound card and hands out each repetition, with its verdict,
 * soon after it ends: the same segmentation stages and the same verdict
 * code as bl_hinge_analyse, on what a causal pipeline can know.
 *
 *   envelope   bl_envelope_stream (causal band-pass, notches, rectify,
 *              low-pass) with cfg->hinge.envelope at the input rate; its
 *              delay (bl_envelope_stream_latency, rounded to a sample) is
 *              taken off, so times are those of the signal, and frames an
 *              automatic notch holds to detect the hum (the first second)
 *              are not used (the history starts after them).
 *   levels     each channel averaged onto the segmentation grid
 *              (segment.frame_rate_hz) and divided by its reference
 *              (100 x envelope / refs[c].value: %MVC).
 *   repetitions  at every grid point the offline stages run on the last
 *              look_behind_s of the grid: each channel scaled to its own
 *              10th-99th percentile range within that window, combined,
 *              smoothed, thresholded against the window's own percentiles,
 *              merged, dropped, split and extended (bl_hinge_segment_find's
 *              code). A repetition is handed out once its end is final:
 *              the smoothed activity has been at or below the off
 *              threshold at a point at least min_gap_s after the end (so
 *              a later rise can no longer merge with it), at a point whose
 *              smoothing window no longer reaches past the newest sample.
 *              It is handed out once; a later window does not revise it
 *              (one found again there, less than min_rep_s of it after the
 *              last one handed out, is not new).
 *   verdict    bli_hinge_verdict, the offline verdict, on each channel's
 *              mean %MVC over the repetition.
 *
 * What it gives up against bl_hinge_analyse, and the limits that follow
 * (figures measured by tests/test_hinge_stream.c on synthetic sets, 2 kHz
 * and 48 kHz, 1.5 s quiet lead: 91 of 91 repetitions and verdicts as
 * offline, starts within 0.02 s, ends within 0.04 s, channel means within
 * 2.1 %MVC, each ready at most 0.38 s (mean 0.35 s) of signal after the
 * offline end; turns within 0.04 s; chain index within 0.013 of the
 * offline one, so a repetition whose index lies that close to
 * +/-verdict_margin may get the other label (none did: the offline
 * indices were at least 0.036 from it); about 2.5 ms of CPU per second of
 * 2 kHz signal, 6-8 ms with the 60 s window full, 5 ms at 48 kHz, 6
 * channels):
 * - percentiles over the window so far, not the whole session: the first
 *   repetition's thresholds and channel ranges come from the quiet before
 *   it and itself. It needs some quiet in the history first: with the
 *   mains family given, a 0.3 s lead still agrees; with BL_NOTCH_AUTO the
 *   history starts only after the detection second, so a repetition
 *   starting before about 1 s into the stream loses its start (a 0.3 s
 *   lead: 0.56 s later, and a trunk channel active throughout that short
 *   history reads as not modulating, so that repetition is unknown). The
 *   first repetition should be like the others; a session longer than
 *   look_behind_s is segmented against its recent past only.
 * - a causal envelope: it lags (the delay is taken off) and smears (the
 *   6 Hz low-pass acts one way only), hence the differences above.
 * - latency: the end is final min_gap_s plus half the smoothing window
 *   after it (0.26 s at the defaults), plus the grid point and the rounded
 *   delay's remainder; a caller polling after blocks adds its block.
 * - no quality checks (they need the whole session: the channels are
 *   trusted), no check of the references against the session, no ECG
 *   removal, no hip-angle turn (AUX channels are ignored), no onsets,
 *   spectra or leans against the set.
 * - a rep whose activity lingers between the off and on thresholds after
 *   its end waits until it falls to off (at most the window); one that
 *   rises again more than min_gap_s after its end is a new repetition,
 *   as offline.
 * Channels: refs[c] with source BL_MVC_TRIALS and value > 0 make the
 * verdict absolute (the input must then be in the references' unit: µV or
 * full scale, as bl_mvc made them); a channel with a session-peak or no
 * reference while others have trials is left out (NO_REFERENCE), as
 * offline. refs NULL (or no channel with a trial reference): levels stay
 * in the input's unit and every verdict is unknown with offline's "no MVC
 * trials" reason. A weighted channel that does not modulate within the
 * window while repetitions are found is dead for that repetition's
 * verdict, as offline.
 *
 * Real time: create allocates everything; process, next_rep, the getters
 * and reset neither allocate nor lock nor print. The output does not depend
 * on how the input is split into blocks. One thread at a time. */

typedef struct bl_hinge_stream_config {
    bl_hinge_config hinge; /* bl_hinge_config_default: envelope (used causally), segment, chains,
                              weights, verdict margin, min_activity_pct */
    double look_behind_s;  /* window the thresholds are taken over, 5..600 s; 60 */
} bl_hinge_stream_config;

BL_API void bl_hinge_stream_config_default(bl_hinge_stream_config *cfg);

typedef struct bl_hinge_stream bl_hinge_stream;

/* A live segmenter for the channels of `map` (bl_chanmap_count channels,
 * interleaved in map order) at rate_hz. refs (may be NULL) holds one
 * reference per channel (bl_hinge_get_channel_reference of an earlier
 * analysis, or bl_mvc_get_reference); it is copied. Errors: BL_EINVAL
 * (NULL cfg, map or out; a bad configuration; look_behind_s out of range;
 * a map of more than BL_CHANMAP_MAX_ENTRIES channels), BL_ERATE/BL_ERANGE
 * (the envelope cannot run at rate_hz, as bl_envelope_stream_create),
 * BL_ENOMEM. *out is NULL on failure. destroy(NULL): no-op. */
BL_API bl_status bl_hinge_stream_create(const bl_hinge_stream_config *cfg, const bl_chanmap *map, double rate_hz,
                                        const bl_mvc_reference *refs, bl_hinge_stream **out);
BL_API void bl_hinge_stream_destroy(bl_hinge_stream *s);

/* Feed frames × channels interleaved samples (any number of frames, 0
 * included). Repetitions confirmed on the way are queued for
 * bl_hinge_stream_next_rep; *completed (may be NULL) gets how many this
 * call queued. Errors, with the stream unchanged: BL_EINVAL (NULL s, or
 * NULL in with frames > 0, or frames x channels overflowing size_t),
 * BL_ENONFINITE (a NaN or infinity in the block: the block is refused
 * whole). No other error can occur: every list is sized at create for the
 * window. `in` is not kept. */
BL_API bl_status bl_hinge_stream_process(bl_hinge_stream *s, const float *in, size_t frames, size_t *completed);

/* Room in the queue: when it is full, the oldest repetition is dropped
 * for the newest (bl_hinge_stream_dropped counts them). */
#define BL_HINGE_STREAM_QUEUE 16

/* One repetition as the live path saw it. */
typedef struct bl_hinge_live_rep {
    size_t index;               /* 0-based, in the order found */
    double start_s, end_s;      /* signal time from the first frame fed (delay taken off) */
    double turn_s;              /* envelope change point; NAN when not clear */
    double confirmed_s;         /* signal time at which it was confirmed (its last frame fed) */
    bl_hinge_verdict verdict;
    double chain_index;         /* as bl_hinge_rep */
    double hamstring_balance, trunk_balance, other_balance;
    double medial_lateral;      /* ST/SM over BF mean %MVC; NAN when a side is missing */
    double hamstring_pct;       /* mean %MVC of the usable hamstring channels */
    char reason[BL_HINGE_REASON_MAX];
    double mean_pct[BL_CHANMAP_MAX_ENTRIES]; /* per channel, %MVC (input units without
                                                references); NAN for AUX and left-out
                                                channels; channels beyond the map unused */
} bl_hinge_live_rep;

/* Pop the oldest queued repetition into *out: BL_OK, or BL_ENODATA when
 * the queue is empty (*out unchanged); BL_EINVAL for NULL. */
BL_API bl_status bl_hinge_stream_next_rep(bl_hinge_stream *s, bl_hinge_live_rep *out);
/* Repetitions found since create/reset, and those dropped from a full
 * queue. */
BL_API size_t bl_hinge_stream_reps(const bl_hinge_stream *s);
BL_API size_t bl_hinge_stream_dropped(const bl_hinge_stream *s);

/* What the meters show between repetitions: at the latest grid point. */
typedef struct bl_hinge_live_state {
    double time_s;          /* signal time of that grid point; NAN before the first */
    int in_repetition;      /* the combined activity is above the segmenter's hysteresis */
    int hamstrings_active;  /* in_repetition and the usable hamstrings' mean at least
                               min_activity_pct %MVC (needs trial references) */
    double hamstring_pct;   /* that mean, %MVC; NAN without references */
    double balance;         /* medial:lateral bl_hamstring_balance_of (balance, both sides
                               pooled) of the latest %MVC levels while hamstrings_active;
                               else NAN */
    double ratio;           /* the same as medial / lateral; NAN likewise */
} bl_hinge_live_state;

/* BL_EINVAL for NULL (*out unchanged). */
BL_API bl_status bl_hinge_stream_get_state(const bl_hinge_stream *s, bl_hinge_live_state *out);
/* The channel's state for the live verdict (OK, AUX, NO_REFERENCE; DEAD is
 * decided per repetition); AUX out of range. */
BL_API bl_hinge_ch_state bl_hinge_stream_channel_state(const bl_hinge_stream *s, size_t c);
/* The envelope's delay that is taken off, samples at the input rate
 * (that of the notch chosen, once an automatic one has chosen). */
BL_API double bl_hinge_stream_latency(const bl_hinge_stream *s);
/* As new: the queue emptied, the history and counts cleared, an automatic
 * notch detects again. NULL: no-op. */
BL_API void bl_hinge_stream_reset(bl_hinge_stream *s);

#ifdef __cplusplus
}
#endif
#endif
