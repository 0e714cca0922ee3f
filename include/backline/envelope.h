/* Conditioning and envelopes.
 *
 * The standard pipeline (SENIAM/ISEK practice):
 *   resample to the analysis rate (2 kHz) → band-pass 20–450 Hz, 4th-order
 *   Butterworth → mains notch at 50/60 Hz and harmonics (detected or given)
 *   → ECG removal where a heartbeat is found (ecg.h; trunk channels by
 *   default) → full-wave rectification → 6 Hz 4th-order Butterworth
 *   low-pass.
 * Offline everything is zero-phase (sosfiltfilt); the streaming form is
 * causal and removes no ECG. AUX channels are not EMG and are only
 * resampled.
 */
#ifndef BACKLINE_ENVELOPE_H
#define BACKLINE_ENVELOPE_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/doc.h"
#include "backline/ecg.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bl_notch_mode { BL_NOTCH_AUTO = 0, BL_NOTCH_OFF, BL_NOTCH_50, BL_NOTCH_60 } bl_notch_mode;

/* Which channels ECG removal examines (ecg.h; it changes only those on
 * which a heartbeat is found): AUTO the trunk channels of the map (ES, EO,
 * IO: the heart is closest), REMOVE every EMG channel, OFF none. */
typedef enum bl_ecg_mode { BL_ECG_AUTO = 0, BL_ECG_REMOVE, BL_ECG_OFF } bl_ecg_mode;
/* "auto", "remove", "off"; and back (-1 for anything else). */
BL_API const char *bl_ecg_mode_name(bl_ecg_mode m);
BL_API int bl_ecg_mode_from_name(const char *name);

typedef struct bl_envelope_config {
    double rate_hz;        /* analysis rate; 2000 */
    double bandpass_lo_hz; /* 20 */
    double bandpass_hi_hz; /* 450; must be below rate/2 */
    int bandpass_order;    /* 4 (SciPy's N: 8 poles) */
    bl_notch_mode notch;   /* auto */
    double notch_q;        /* quality factor of each mains notch; 30 */
    double lowpass_hz;     /* envelope low-pass; 6 */
    int lowpass_order;     /* 4 */
    size_t threads;        /* worker threads of the zero-phase filters: 0 = one
                              per online core (up to 8), 1 = none (see
                              bl_sosfiltfilt); results do not depend on it */
    bl_ecg_mode ecg;       /* ECG removal after the band-pass; auto */
    bl_ecg_config ecg_cfg; /* its detector and template (bl_ecg_config_default) */
} bl_envelope_config;

BL_API void bl_envelope_config_default(bl_envelope_config *cfg);

/* What the conditioning actually did, for reports (ISEK style). */
typedef struct bl_condition_report {
    double input_rate_hz;
    double rate_hz;          /* analysis rate used */
    int resampled;           /* 1 when the rate changed */
    double mains_hz;         /* 50, 60 or 0 (no notch) */
    double mains_prominence_db; /* auto: the most prominent channel's score, dB (also
                                   below the threshold); 0 when not detected at all */
    size_t notch_sections;   /* number of notches applied */
    size_t ecg_examined;     /* channels ECG removal examined (0: off, none selected, or
                                the recording too short: ecg_too_short) */
    int ecg_too_short;       /* 1: shorter than the detector needs (two noise windows) */
    size_t ecg_treated;      /* channels on which ECG was found and subtracted */
    size_t ecg_beats;        /* heartbeats found */
    double ecg_heart_rate_bpm; /* NAN without ECG */
    double ecg_residual_db;  /* the worst (largest) beat-locked residual of a treated
                                channel, dB (bl_ecg_channel.residual_db); NAN none */
    size_t blocks;           /* bl_envelope_spool: blocks processed (0 or 1: the whole at once) */
    double block_s, context_s; /* their length and the context either side, s */
    char calibration[128];   /* where the µV gains came from when not from the file: the
                                input's "calibration" metadata, set by whoever set the gains
                                (backline-analyse --scale/--unit); "" for the file's own */
} bl_condition_report;

/* What conditioning did, for reports (ISEK style), generated from the
 * configuration and the report of the run, so it cannot drift from the
 * code. Into `params` (an object; may be NULL): input_rate_hz,
 * analysis_rate_hz, resampling, bandpass{type, order, order_convention,
 * low_hz, high_hz, phase}, mains{mode, frequency_hz, prominence_db (auto),
 * edges (when notched), notches, q, description}, envelope{...} when
 * with_envelope, amplitude_unit = `unit` (bl_recording_unit of the input),
 * amplitude_calibration = rep->calibration when it is not empty.
 * Into `summary` (an object; may be NULL): one sentence per step keyed by
 * its label ("resampling" or "analysis rate", "band-pass", "mains",
 * "envelope", "amplitude"). BL_EINVAL (NULL cfg, rep or unit), BL_ENOMEM
 * (a tree is then marked, see doc.h). */
BL_API bl_status bl_condition_describe(const bl_envelope_config *cfg, const bl_condition_report *rep, const char *unit,
                                       int with_envelope, bl_doc *params, bl_doc *summary);

/* Resample, remove mains and band-pass a recording into a new one at the
 * analysis rate (EMG channels; AUX channels only resampled; the channel
 * map says which, no map: all EMG). `report` (may be NULL) says what was
 * done. Errors, all before any work and with `in` untouched (it is const):
 * BL_EINVAL (NULL in or out, a bad notch mode), BL_ERATE (input rate
 * below BL_MIN_EMG_RATE_HZ or unable to carry the band, analysis rate too
 * low), BL_ERANGE (band or low-pass outside the analysis rate, orders
 * outside 1..8, notch Q not positive), BL_ENONFINITE (NaN/Inf input),
 * BL_ENODATA (too short for the zero-phase padding), BL_ENOMEM. *out is
 * NULL on failure. */
BL_API bl_status bl_condition(const bl_recording *in, const bl_envelope_config *cfg, bl_recording **out,
                              bl_condition_report *report);

/* The same on the caller's recording, without a copy when the rate is
 * already the analysis rate (the samples, and the rate when resampled,
 * are replaced). Errors as bl_condition; every error leaves the recording
 * unchanged except BL_ENOMEM while filtering at the recording's own rate,
 * which may leave it part-filtered.
 * Mains notches are padded until they have rung down (to 1 %), not by
 * sosfiltfilt's default, so their edge transient is not read as activity. */
BL_API bl_status bl_condition_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report);

/* Rectify and low-pass (zero-phase) the EMG channels of a conditioned
 * recording in place: the linear envelope (cfg->lowpass_hz, _order,
 * _threads; the rest of cfg must be valid too). Errors: BL_EINVAL (NULL),
 * BL_ERATE/BL_ERANGE (a configuration bl_condition would refuse, or a
 * low-pass not below half the recording's rate), BL_ENODATA (too short for
 * the padding), all with the recording unchanged; BL_ENOMEM, which may
 * leave it rectified but not filtered. */
BL_API bl_status bl_linear_envelope(bl_recording *conditioned, const bl_envelope_config *cfg);

/* bl_condition then bl_linear_envelope; errors as those two, every one
 * checked before any work; *out NULL on failure. */
BL_API bl_status bl_envelope_recording(const bl_recording *in, const bl_envelope_config *cfg,
                                       bl_recording **out, bl_condition_report *report);

/* bl_condition_in_place then bl_linear_envelope, both checked before the
 * recording is touched; errors and the state after them as
 * bl_condition_in_place. */
BL_API bl_status bl_envelope_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report);

/* Envelopes of a spooled recording (bl_spool_load_at at cfg->rate_hz, its
 * map and units set) in bounded memory: block_frames at a time (0: two
 * minutes), each block conditioned and enveloped with enough of the signal
 * on either side for every zero-phase filter to forget the block's edges
 * (to 1e-7), handed to `sink` as it is done: `env` holds the envelopes of
 * frames [first_frame, first_frame + frames) of the recording at
 * [offset, offset + frames) of its own frames (AUX channels as they were).
 * Mains detection reads the whole signal as bl_condition does; ECG
 * removal works per block (its report sums the beats, the heart rate
 * weighted by them; ecg_treated the most channels treated in one block).
 * A recording of at most 1.5 blocks is one block: the
 * result is then bl_envelope_in_place's, bit for bit; longer ones agree
 * with it to about 1e-7 of the signal's scale, away from ECG. A sink's
 * error stops the run and is returned. Errors: those of
 * bl_envelope_in_place (the rate checked is the file's own), BL_EINVAL (a
 * spool at another rate), BL_EIO (the spool could not be read). */
typedef bl_status (*bl_envelope_sink)(void *user, const bl_recording *env, size_t offset, size_t frames,
                                      size_t first_frame);
BL_API bl_status bl_envelope_spool(const bl_spool *s, const bl_envelope_config *cfg, size_t block_frames,
                                   bl_envelope_sink sink, void *user, bl_condition_report *report);

/* Streaming linear envelope for live meters: causal band-pass (with mains
 * notches), rectify, low-pass, over interleaved blocks at the input rate.
 * cfg->notch BL_NOTCH_50/60 notches that family; BL_NOTCH_OFF none;
 * BL_NOTCH_AUTO detects it in the first second of signal (the same
 * detection as conditioning, bl_mains_detector, over every channel; the
 * output is 0 for that second), then runs that second through the chosen
 * cascade and continues. The output does not depend on how the input is
 * split into blocks.
 * create: BL_EINVAL (NULL, zero channels, a bad notch mode), BL_ERATE
 * (rate below BL_MIN_EMG_RATE_HZ), BL_ERANGE (orders outside 1..8, a notch
 * Q not positive, a band or low-pass that does not fit the rate; in auto
 * mode a mains family the rate cannot notch is simply not offered),
 * BL_ENOMEM; plans and scratch are made here.
 * process: `in` and `out` hold frames × channels interleaved floats;
 * in == out allowed. No allocation, no locks. BL_EINVAL for NULL. The
 * call that completes the automatic probe also detects (one Welch
 * spectrum per channel) and filters the held second: budget for it.
 * reset: as new (automatic streams detect again). destroy(NULL): no-op. */
typedef struct bl_envelope_stream bl_envelope_stream;
BL_API bl_status bl_envelope_stream_create(const bl_envelope_config *cfg, size_t channels, double rate_hz,
                                           bl_envelope_stream **out);
BL_API bl_status bl_envelope_stream_process(bl_envelope_stream *s, const float *in, float *out, size_t frames);
BL_API void bl_envelope_stream_reset(bl_envelope_stream *s);
/* Latency in samples (group delay of the low-pass at 1 Hz plus the
 * band-pass and notches at the band's geometric centre) of the cascade in
 * use (while detecting: the one without notches). */
BL_API double bl_envelope_stream_latency(const bl_envelope_stream *s);
/* The mains family notched: 50, 60, 0 (none), or -1 while an automatic
 * stream is still detecting. */
BL_API double bl_envelope_stream_mains(const bl_envelope_stream *s);
/* Frames at the start (and again after a reset) whose output is 0 because
 * an automatic stream holds them to detect the hum; 0 for a given family
 * or none (and for NULL). Known from create on. */
BL_API size_t bl_envelope_stream_warmup(const bl_envelope_stream *s);
BL_API void bl_envelope_stream_destroy(bl_envelope_stream *s);

#ifdef __cplusplus
}
#endif
#endif
