/* The decimator's plan and filter design, shared by decimate_design.c
 * (which makes them) and decimate.c (which runs them). */
#ifndef BACKLINE_DECIMATE_INTERNAL_H
#define BACKLINE_DECIMATE_INTERNAL_H

#include <stddef.h>
#include "backline/resample.h"

#define BLI_DECIM_MAX_STAGES 8
#define BLI_DECIM_MAX_PHASES 256    /* L of the rational stage (2048 → 2000 Hz is 125) */
#define BLI_DECIM_MAX_TAPS 65536    /* per stage, all phases */
#define BLI_DECIM_PASS_FRACTION 0.4 /* of the output rate kept flat: 800 Hz at 2 kHz */
#define BLI_DECIM_ATTEN_DB 105.0    /* design attenuation; −90 dB is the promise, measured in the tests */

typedef struct {
    size_t up, down;        /* L, M: the stage's rate change is L/M */
    double in_rate, out_rate;
    double pass_hz, stop_hz;
    size_t taps;            /* filter length at the virtual rate (odd) */
    size_t per_phase;       /* ceil(taps / up): taps per output sample */
} bli_decim_stage_spec;

typedef struct {
    size_t stages;
    bli_decim_stage_spec stage[BLI_DECIM_MAX_STAGES];
} bli_decim_plan_t;

/* BL_ERANGE when the FIR path does not cover in → out (not a decimation,
 * rates not whole hertz, too many phases, stages or taps). */
bl_status bli_decim_plan(double in_rate, double out_rate, bli_decim_plan_t *plan);
/* Greatest common divisor (0 and 0 give 0): the decimator's plan and the
 * sinc converter's edge padding reduce their rate ratios with it. */
unsigned long long bli_gcd_u64(unsigned long long a, unsigned long long b);
/* Fills coef[up][per_phase]: each phase reversed, summing to 1. */
bl_status bli_decim_design(const bli_decim_stage_spec *s, float *coef);

/* bl_decimator_process from planar channels: in[c][first, first + frames)
 * (bl_resample's layout, read without an interleaved copy). */
bl_status bli_decimator_process_planar(bl_decimator *d, const float *const *in, size_t first, size_t frames,
                                       float *out, size_t out_capacity, size_t *out_frames);

#endif
