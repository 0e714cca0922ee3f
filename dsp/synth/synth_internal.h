/* Private to the synth layer (the .c files of dsp/synth): the object layout,
 * the PRNG, the spectral model and the scene a scenario hands to the renderer. */
#ifndef BLI_SYNTH_INTERNAL_H
#define BLI_SYNTH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "backline/synth.h"

/* ---- PRNG: xoshiro256** seeded through splitmix64 (model.c) ---- */
typedef struct synth_rng {
    uint64_t s[4];
} synth_rng;

/* Independent streams: (seed, scenario, sub) -> generator state. */
void bli_synth_rng_seed(synth_rng *r, uint64_t seed, uint64_t scenario, uint64_t sub);
uint64_t bli_synth_rng_next(synth_rng *r);
double bli_synth_rng_uniform(synth_rng *r); /* [0, 1) */
double bli_synth_rng_range(synth_rng *r, double lo, double hi);
/* Two independent standard normals (Box–Muller). */
void bli_synth_rng_normal2(synth_rng *r, double *a, double *b);
double bli_synth_rng_normal(synth_rng *r);

/* Stream identifiers. */
enum {
    SYNTH_SCN_ELECTRODES = 1, SYNTH_SCN_HINGE = 2, SYNTH_SCN_REST = 3, SYNTH_SCN_GAIT = 4, SYNTH_SCN_MVC = 16
};
enum { SYNTH_SUB_TIMELINE = 0, SYNTH_SUB_ARTEFACT = 1, SYNTH_SUB_NOISE = 2, SYNTH_SUB_EMG = 100 };

/* ---- per-muscle table (model.c) ---- */
typedef struct synth_muscle_params {
    double mvc_uV;       /* typical RMS at 100 %MVC */
    double fh_hz;        /* Shwedyk upper corner */
    double ecc_frac;     /* eccentric level / concentric level in a hinge */
    double internal_pct; /* concentric level in the internal pattern */
    double external_pct; /* ... and in the external pattern */
} synth_muscle_params;

const synth_muscle_params *bli_synth_muscle_table(bl_muscle m);
/* Crosstalk weight between two muscles (0 when not neighbours). */
double bli_synth_crosstalk_weight(bl_muscle a, bl_muscle b);
/* ECG pickup factor of a site (0 off the trunk). */
double bli_synth_ecg_weight(bl_muscle m, bl_side side);

/* Shwedyk PSD (unnormalised) at f for corners fl, fh. */
double bli_synth_shwedyk(double f, double fl, double fh);
/* Its integral over 0..∞ (numerical) and its median frequency. */
double bli_synth_shwedyk_power(double fl, double fh);
double bli_synth_shwedyk_median(double fl, double fh);

/* Block-wise frequency-domain shaping. */
typedef struct synth_shaper synth_shaper;
bl_status bli_synth_shaper_create(double rate_hz, synth_shaper **out);
void bli_synth_shaper_destroy(synth_shaper *sh);
/* Unit-variance (over the full analog band; what falls above Nyquist is
 * left out) Shwedyk noise with corners scaled by mf[i] (NULL = 1) into
 * out[0..frames). */
void bli_synth_shaper_run(synth_shaper *sh, double fl, double fh, double power, const float *mf,
                          size_t frames, synth_rng *rng, float *out);

/* ---- object ---- */
typedef struct synth_channel {
    bl_muscle muscle;
    bl_side side;
    int is_emg;
    double mvc_uV;
    double fl_hz, fh_hz, power, median_hz;
    double mains_gain, mains_phase;
    double ecg_gain;      /* signed: polarity of the lead */
    double rest_pct;
} synth_channel;

struct bl_synth {
    bl_synth_config cfg;
    char *map_text;
    bl_chanmap *map;
    size_t nch;
    synth_channel *ch;
    double *xt;           /* nch × nch: xt[dst*nch+src] */
    double hr_rest_bpm;   /* the subject's resting heart rate */
};

struct bl_synth_truth {
    size_t nch, nreps;
    double duration_s;
    bl_synth_rep *reps;
    double *level, *ecc_level, *onset; /* nreps × nch */
    double *rest_level;                /* nch */
    double hold_start_s, hold_end_s;
    double *ecg;
    size_t n_ecg;
    double *motion;
    size_t n_motion;
    size_t *clipped;                   /* nch */
    double hr_rest_bpm;                /* resting heart rate used */
    /* gait sets (gait.c); task and variant -1 otherwise */
    int gait_task, gait_variant;
    bl_synth_stride *strides;
    size_t n_strides;
    double *gait_events;               /* n_gait_events x (time, side, touchdown) */
    size_t n_gait_events;
    double *peak_phase;                /* nch */
    double *phase_mean;                /* nch x BL_GAIT_PHASES */
};

bl_synth_truth *bli_synth_truth_alloc(size_t nch, size_t nreps);

/* What a scenario hands to the renderer: per-channel activation in %MVC,
 * the spectral scale, the hip angle and the movement transitions. */
typedef struct synth_scene {
    size_t frames;
    float **act;          /* nch arrays of frames */
    float *mf;            /* frames */
    float *angle_deg;     /* frames */
    float **aux;          /* NULL, or nch arrays (NULL for a channel that shows the hip
                           * angle): what an AUX channel carries, in full-scale units */
    const double *transitions;
    size_t n_transitions;
    double motion_scale;  /* 0..1 multiplier of cfg.motion_uV */
    /* Heart-rate multiplier over time: piecewise linear through
     * (hr_t[i], hr_mult[i]), 1 before the first point; n_hr = 0 = rest. */
    const double *hr_t, *hr_mult;
    size_t n_hr;
    uint64_t scenario;    /* PRNG stream */
    const char *name;     /* "hinge", "mvc", "rest" */
} synth_scene;

bl_status bli_synth_scene_alloc(synth_scene *sc, size_t nch, size_t frames);
void bli_synth_scene_free(synth_scene *sc, size_t nch);

/* EMG, crosstalk, noise, mains, ECG, motion, board path; fills the truth's
 * artefact lists and clip counts (truth may be NULL). */
/* ---- gait profiles (gait_profiles.c) ---- */
/* Activation (%MVC above rest) of muscle m at event-relative phase u (%,
 * 0-100: stance mapped to [0, bli_synth_gait_stance_ref(task)), swing to
 * the rest), for the task and variant. */
double bli_synth_gait_activation(bl_muscle m, bl_synth_gait_task task, bl_synth_gait_variant variant, double u);
/* Where stance ends in the profiles' phase, %: walk 60, run 40. */
double bli_synth_gait_stance_ref(bl_synth_gait_task task);

bl_status bli_synth_render(const bl_synth *s, const synth_scene *sc, bl_recording **out,
                           bl_synth_truth *truth);

#endif
