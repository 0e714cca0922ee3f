/* Synthetic surface EMG with ground truth.
 *
 * A generator good enough to validate a pipeline against: each EMG channel is
 * Gaussian noise shaped to a physiological sEMG spectrum (Shwedyk et al.
 * 1977: P(f) ∝ fh⁴ f² / ((f² + fl²)(f² + fh²)²), median frequency 60–120 Hz,
 * corners per muscle and per electrode), amplitude-modulated by an
 * activation profile in %MVC and scaled by an electrode-dependent MVC
 * amplitude in µV, so raw amplitudes are not comparable across channels
 * until they are normalised. On top come what real recordings carry:
 * baseline noise, crosstalk between neighbouring sites (ST/SM ↔ BF ...), ECG
 * on trunk channels (ES, EO, IO), mains at 50/60 Hz with harmonics and
 * motion artefacts at movement transitions. The board path then applies the
 * amplifier gain, the interface full scale, the sound card's AC coupling, a
 * clip at full scale and quantisation.
 *
 * The spectrum is shaped in the frequency domain block by block at the
 * output rate, so the sEMG content up to min(Nyquist, ~500 Hz) is right at
 * any rate from 1 kHz up (2 kHz, 44.1 kHz, 48 kHz, 96 kHz...).
 *
 * Determinism: every scenario draws from a xoshiro256** generator seeded
 * (through splitmix64) from the config seed and the scenario, so the same
 * seed and configuration give bit-identical recordings, independent of the
 * order in which scenarios are generated. (Across platforms the results can
 * differ in the last bit where libm's exp/log/sin round differently.)
 *
 * Output recordings are in full-scale units (what the sound card delivers)
 * with the map, per-channel gain and full scale set, so
 * bl_recording_to_microvolts() gives µV at the electrode and
 * bl_recording_save() writes a self-describing file.
 *
 * One object is used by one thread at a time; no global state.
 */
#ifndef BACKLINE_SYNTH_H
#define BACKLINE_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include "backline/backline.h"
#include "backline/chanmap.h"
#include "backline/gait_phases.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BL_SYNTH_DEFAULT_MAP "L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL"
/* Lowest and highest output rates accepted, Hz. */
#define BL_SYNTH_MIN_RATE_HZ 1000.0
#define BL_SYNTH_MAX_RATE_HZ 384000.0

typedef struct bl_synth_config {
    double rate_hz;          /* output sample rate, Hz; 2000 */
    uint64_t seed;           /* 1 */
    const char *map;         /* channel map text (copied); BL_SYNTH_DEFAULT_MAP.
                              * AUX channels carry a hip-angle trace. */
    double noise_uV;         /* baseline (electrode + amplifier) noise, RMS µV; 3 */
    double mains_hz;         /* 50, 60, or 0 for none; 50 */
    double mains_uV;         /* mains fundamental amplitude (peak) µV, before the
                              * per-electrode factor 0.5–1.5; 25 (unshielded
                              * leads into a sound card pick up tens of µV) */
    double crosstalk;        /* fraction of a neighbour's EMG seen by a site,
                              * 0–0.5 (per pair ×0.6–1.4); 0.05 */
    double ecg_uV;           /* R-wave amplitude at a left external oblique, µV
                              * (ES ×0.7, IO ×0.8, right side ×0.6); 80 — as large
                              * as light activity; 0 = none */
    double heart_rate_bpm;   /* resting heart rate, 30–200 bpm; 0 (default) =
                              * drawn from the seed in 60–85. Beats vary a few %;
                              * in a hinge set the rate climbs up to +15 % with
                              * the reps done. */
    double motion_uV;        /* motion artefact peak at transitions, µV; 150; 0 = none */
    double gain;             /* amplifier gain on every EMG channel; 500 */
    double full_scale_v;     /* interface full scale, V (sample ±1.0); 1.0 */
    double ac_coupling_hz;   /* sound-card input high-pass (1st order); 2; 0 = DC */
    int quantise_bits;       /* 16, 24, or 0 = float (no quantisation); 16 */
} bl_synth_config;

BL_API void bl_synth_config_default(bl_synth_config *cfg);

typedef enum bl_synth_pattern {
    BL_SYNTH_INTERNAL = 0, /* medial hamstrings and external obliques lead, glute max strong */
    BL_SYNTH_EXTERNAL,     /* biceps femoris and lumbar erectors lead */
    BL_SYNTH_DRIFT,        /* internal turning external as the set fatigues */
    BL_SYNTH_ALTERNATING   /* internal, external, internal, ... */
} bl_synth_pattern;

typedef enum bl_synth_order {
    BL_SYNTH_GLUTE_FIRST = 0, /* GMAX onset first, hamstrings 50–150 ms later */
    BL_SYNTH_HAMSTRING_FIRST  /* hamstrings first, GMAX 50–150 ms later */
} bl_synth_order;

typedef enum bl_synth_shape {
    BL_SYNTH_PLATEAU = 0, /* eccentric and concentric plateaus joined by raised-cosine
                           * ramps: the level is what a window measures */
    BL_SYNTH_TORQUE       /* activation follows the hip-extension torque demand
                           * (∝ sin of the hip angle): rising through the
                           * eccentric, peaking at the turn, easing to 60 % of
                           * the peak as the lifter stands */
} bl_synth_shape;

/* Name <-> enum ("internal", "glute-first", "torque"); NULL / -1 for unknown. */
BL_API const char *bl_synth_pattern_name(bl_synth_pattern p);
BL_API int bl_synth_pattern_from_name(const char *name);
BL_API const char *bl_synth_order_name(bl_synth_order o);
BL_API int bl_synth_order_from_name(const char *name);
BL_API const char *bl_synth_shape_name(bl_synth_shape s);
BL_API int bl_synth_shape_from_name(const char *name);

typedef struct bl_synth_hinge_config {
    int reps;                /* repetitions, 1–100; 5 */
    bl_synth_pattern pattern;/* internal */
    bl_synth_order order;    /* glute-first */
    double fatigue;          /* fractional fall of the spectrum's corner
                              * frequencies (so of the median frequency) from the
                              * first to the last rep, 0–0.5; < 0 = pattern
                              * default (0.08; drift 0.20) */
    double lead_s;           /* quiet standing before the first rep, s; 1.5 */
    double tail_s;           /* quiet standing after the last rep, s; 1.5 */
    bl_synth_shape shape;    /* burst shape; plateau */
} bl_synth_hinge_config;

BL_API void bl_synth_hinge_config_default(bl_synth_hinge_config *cfg);

typedef struct bl_synth_mvc_config {
    double rest_s;           /* quiet before and after, s; 0.5 */
    double ramp_s;           /* raised-cosine ramp up and down, s; 0.5 */
    double hold_s;           /* hold at 100 %MVC, s; 3 */
    double others_pct;       /* level of the other muscles, %MVC; 3 */
} bl_synth_mvc_config;

BL_API void bl_synth_mvc_config_default(bl_synth_mvc_config *cfg);

/* Gait (bl_synth_gait): walking or running on a treadmill, one stride
 * after another, with a footswitch on every AUX channel. */
typedef enum bl_synth_gait_task { BL_SYNTH_WALK = 0, BL_SYNTH_RUN } bl_synth_gait_task;

typedef enum bl_synth_gait_variant {
    BL_SYNTH_GAIT_NORMAL = 0,        /* the normative profiles */
    BL_SYNTH_GAIT_DORMANT_GLUTE,     /* gluteus maximus at 0.3 of normal and 3 % of the
                                      * cycle late; the hamstrings do its stance work
                                      * (their stance activity x 2, terminal swing x 1.15) */
    BL_SYNTH_GAIT_QUAD_DOMINANT,     /* quadriceps x 1.8, hamstrings x 0.55 */
    BL_SYNTH_GAIT_ACTIVE_RECOVERY    /* running only: the hamstrings also work through
                                      * leg recovery (a burst centred in early swing) */
} bl_synth_gait_variant;

/* "walk", "run"; "normal", "dormant-glute", "quad-dominant",
 * "active-recovery"; NULL / -1 for unknown. */
BL_API const char *bl_synth_gait_task_name(bl_synth_gait_task t);
BL_API int bl_synth_gait_task_from_name(const char *name);
BL_API const char *bl_synth_gait_variant_name(bl_synth_gait_variant v);
BL_API int bl_synth_gait_variant_from_name(const char *name);

/* Default map of a gait set: one right leg and its footswitch. */
#define BL_SYNTH_GAIT_DEFAULT_MAP "R.ST,R.BF,R.GMAX,R.GMED,R.VL,R.RF,R.TA,R.MG,R.AUX"

typedef struct bl_synth_gait_config {
    bl_synth_gait_task task;       /* walk */
    bl_synth_gait_variant variant; /* normal */
    int strides;                   /* complete strides of the first leg (R if the map has R,
                                    * else L, else the only one), 3-1000; 20 */
    double stride_s;               /* mean stride (cycle) time, s, 0.4-3; 0 = the task's
                                    * (walk 1.10, run 0.72) */
    double stance_pct;             /* mean stance, % of the stride: walking 50-80 (double
                                    * support), running 20-50 (a flight phase); 0 = the
                                    * task's (walk 61, run 38) */
    double variation;              /* stride-to-stride coefficient of variation of the
                                    * stride time, 0-0.1 (stance x 0.5, levels x 3); 0.025 */
} bl_synth_gait_config;

BL_API void bl_synth_gait_config_default(bl_synth_gait_config *cfg);

typedef struct bl_synth bl_synth;

/* Validate the configuration, parse the map and draw the per-electrode
 * parameters (MVC amplitude, spectral corners, mains pickup, crosstalk).
 * BL_EINVAL (NULL, bad numbers, quantise_bits not 0/16/24), BL_ERATE (rate
 * outside [BL_SYNTH_MIN_RATE_HZ, BL_SYNTH_MAX_RATE_HZ]), BL_ERANGE (mains not
 * 0/50/60, crosstalk outside 0–0.5, heart rate outside 30–200 bpm, negative
 * amplitudes, gain or full scale <= 0), BL_EMAP (map does not parse or has
 * no EMG channel; `why` gets one line when not NULL), BL_ENOMEM. */
BL_API bl_status bl_synth_create(const bl_synth_config *cfg, bl_synth **out, char *why, size_t why_len);
BL_API void bl_synth_destroy(bl_synth *s);

BL_API size_t bl_synth_channels(const bl_synth *s);
BL_API double bl_synth_rate(const bl_synth *s);
/* The map as canonical text (valid for the object's lifetime). */
BL_API const char *bl_synth_map(const bl_synth *s);
BL_API const bl_chanmap *bl_synth_chanmap(const bl_synth *s);
/* Per-electrode model parameters of a channel: RMS amplitude at 100 %MVC in
 * µV, Shwedyk corners fl/fh in Hz (unfatigued) and the model's median
 * frequency in Hz (of the one-sided PSD over 0–∞). 0 for AUX channels and
 * out-of-range indices; the out-pointers may be NULL. get_corners returns
 * BL_EINVAL for NULL s, BL_ERANGE for a channel out of range (corners 0). */
BL_API double bl_synth_mvc_uV(const bl_synth *s, size_t channel);
BL_API bl_status bl_synth_get_corners(const bl_synth *s, size_t channel, double *fl_hz, double *fh_hz);
BL_API double bl_synth_median_hz(const bl_synth *s, size_t channel);
/* The subject's resting heart rate, bpm (given or drawn from the seed). */
BL_API double bl_synth_heart_rate(const bl_synth *s);

/* Ground truth of one generated recording (opaque; getters below). */
typedef struct bl_synth_truth bl_synth_truth;

typedef struct bl_synth_rep {
    double start_s;          /* movement starts (eccentric lowering) */
    double turn_s;           /* eccentric/concentric boundary */
    double end_s;            /* standing again (end of concentric) */
    bl_chain chain;          /* internal or external */
    double blend;            /* 0 = pure internal levels, 1 = pure external */
    double mf_scale;         /* corner/median frequency scale (1 = fresh) */
} bl_synth_rep;

/* The hinge set: a new recording and its truth (truth may be NULL when not
 * wanted). BL_EINVAL for bad config values; BL_ENOMEM. */
BL_API bl_status bl_synth_hinge(bl_synth *s, const bl_synth_hinge_config *cfg, bl_recording **out,
                                bl_synth_truth **truth);
/* An MVC trial of `channel` (that muscle ramps to 100 %MVC and holds, the
 * others stay low) in the same layout. BL_EINVAL for an AUX or
 * out-of-range channel. */
BL_API bl_status bl_synth_mvc(bl_synth *s, const bl_synth_mvc_config *cfg, size_t channel,
                              bl_recording **out, bl_synth_truth **truth);
/* Quiet standing for duration_s seconds (0.5–3600). */
BL_API bl_status bl_synth_rest(bl_synth *s, double duration_s, bl_recording **out, bl_synth_truth **truth);

/* A walk or a run (the variant changes the profiles as
 * bl_synth_gait_variant says). Each EMG channel follows its muscle's
 * normative profile over the stride, its TIMING after published gait EMG
 * (walking: Winter 1991, The Biomechanics and Motor Control of Human Gait,
 * 2nd ed., normal-cadence ensembles, with Perry & Burnfield 2010; running:
 * Novacheck 1998, Gait Posture 7:77, and Cappellini et al. 2006, J
 * Neurophysiol 95:3426), its LEVELS in %MVC chosen by us (those sources
 * normalise otherwise or give on/off bars): each profile is a few smooth
 * bursts placed by the stride's own events (stance and swing stretched
 * separately), their levels varying from stride to stride. The first leg
 * is R when the map has R channels, else L; when it has both, the left leg
 * runs half a stride after the right (jittered); channels without a side
 * follow the first leg. Every AUX channel is a footswitch (0.5 of full
 * scale in contact, 0.02 off, 10 ms edges) of its side's leg, or of the
 * first. No event lies within 50 ms of the recording's ends. Heel strikes make small motion artefacts; trunk channels carry ECG
 * at 1.25 (walk) or 1.6 (run) times the resting rate. The recording starts
 * and ends mid-stride. BL_EINVAL for NULL or bad config values
 * (active-recovery when walking, a stance outside the task's range
 * included), BL_ENOMEM; *out and *truth are NULL after a failure. */
BL_API bl_status bl_synth_gait(bl_synth *s, const bl_synth_gait_config *cfg, bl_recording **out,
                               bl_synth_truth **truth);

BL_API void bl_synth_truth_destroy(bl_synth_truth *t);
BL_API size_t bl_synth_truth_channels(const bl_synth_truth *t);
BL_API double bl_synth_truth_duration(const bl_synth_truth *t);   /* s */
BL_API size_t bl_synth_truth_reps(const bl_synth_truth *t);
/* BL_EINVAL for NULL, BL_ERANGE for an index out of range (*out unchanged). */
BL_API bl_status bl_synth_truth_get_rep(const bl_synth_truth *t, size_t rep, bl_synth_rep *out);
/* Concentric (peak) level of a channel in a rep, %MVC; eccentric level
 * (plateau) or level at the turn (torque shape);
 * onset time (s from the file start) when the muscle starts to rise; NAN
 * for out-of-range or AUX. */
BL_API double bl_synth_truth_level(const bl_synth_truth *t, size_t rep, size_t channel);
BL_API double bl_synth_truth_ecc_level(const bl_synth_truth *t, size_t rep, size_t channel);
BL_API double bl_synth_truth_onset(const bl_synth_truth *t, size_t rep, size_t channel);
/* Tonic level between reps, %MVC. */
BL_API double bl_synth_truth_rest_level(const bl_synth_truth *t, size_t channel);
/* MVC trials: the hold at 100 %MVC (both 0 for other scenarios; BL_EINVAL
 * and both 0 for NULL t). */
BL_API bl_status bl_synth_truth_get_hold(const bl_synth_truth *t, double *start_s, double *end_s);
/* Artefacts: ECG R-wave times and motion-artefact times (s). */
BL_API size_t bl_synth_truth_ecg_count(const bl_synth_truth *t);
/* Resting heart rate used (bpm) and the mean rate over the recording. */
BL_API double bl_synth_truth_heart_rate(const bl_synth_truth *t);
BL_API double bl_synth_truth_mean_heart_rate(const bl_synth_truth *t);
BL_API double bl_synth_truth_ecg_time(const bl_synth_truth *t, size_t i);
BL_API size_t bl_synth_truth_motion_count(const bl_synth_truth *t);
BL_API double bl_synth_truth_motion_time(const bl_synth_truth *t, size_t i);
/* Gait sets: the complete strides of each leg (touchdown, lift-off, the
 * next touchdown; sides as in the map, right first), in time order per
 * side. BL_EINVAL for NULL, BL_ERANGE out of range (*out unchanged). */
typedef struct bl_synth_stride {
    double start_s, liftoff_s, end_s;
    bl_side side;
} bl_synth_stride;

BL_API size_t bl_synth_truth_strides(const bl_synth_truth *t);
BL_API bl_status bl_synth_truth_get_stride(const bl_synth_truth *t, size_t k, bl_synth_stride *out);
/* Every touchdown and lift-off inside the recording (also those of
 * strides cut by its ends), in time order: time (s), side, 1 for a
 * touchdown and 0 for a lift-off. get: BL_EINVAL for a NULL argument,
 * BL_ERANGE out of range (outputs unchanged). */
BL_API size_t bl_synth_truth_gait_events(const bl_synth_truth *t);
BL_API bl_status bl_synth_truth_get_gait_event(const bl_synth_truth *t, size_t i, double *time_s, bl_side *side,
                                               int *touchdown);
/* The task and variant generated (-1 for other scenarios). */
BL_API int bl_synth_truth_gait_task(const bl_synth_truth *t);
BL_API int bl_synth_truth_gait_variant(const bl_synth_truth *t);
/* Per EMG channel, over its leg's complete strides: the phase (% of the
 * cycle, real time) at which its profile peaks (the profile's peak in the
 * event-relative phase, placed by the leg's mean stance), and the mean
 * activation (%MVC) of the rendered signal in each of Perry's phases, each
 * stride cut by its own events (gait_phases.h). NAN for AUX, a muscle
 * without a profile (peak only), out of range or other scenarios. */
BL_API double bl_synth_truth_peak_phase(const bl_synth_truth *t, size_t channel);
BL_API double bl_synth_truth_phase_mean(const bl_synth_truth *t, size_t channel, bl_gait_phase phase);
/* Samples clipped at full scale, per channel. */
BL_API size_t bl_synth_truth_clipped(const bl_synth_truth *t, size_t channel);

#ifdef __cplusplus
}
#endif
#endif
