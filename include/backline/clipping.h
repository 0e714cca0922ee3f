/* Clipping, counted as samples stream past: the fraction of samples at
 * full scale (where full scale is a limit) or on the flat tops saturation
 * leaves at a signal's own extremes (an amplifier clipping before the
 * converter). One counter serves the quality check on a whole recording
 * and the loader that decimates a file while reading it (it counts the
 * file's own samples, which the decimated recording no longer holds).
 *
 * The rule: a sample counts when full scale is a limit (no sample exceeds
 * it) and |x| >= BL_CLIP_LEVEL x full scale; and samples count in runs of
 * BL_CLIP_PLATEAU_RUN or more exactly at the signal's maximum (or minimum)
 * when that extreme is BL_CLIP_PLATEAU_STEPS quantisation steps from zero
 * or more and such runs occur more than once (one flat top is a
 * coincidence of quantised samples; saturation recurs on every peak).
 */
#ifndef BACKLINE_CLIPPING_H
#define BACKLINE_CLIPPING_H

#include <stddef.h>
#include <stdint.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BL_CLIP_LEVEL 0.999
#define BL_CLIP_PLATEAU_RUN 3
#define BL_CLIP_PLATEAU_STEPS 64.0

/* Runs at one extreme, counted two ways because whether full scale is a
 * limit is known only at the end: `all` counts every sample at the
 * extreme, `below` only those under the clip level. Private. */
typedef struct {
    float value;               /* the extreme so far */
    uint64_t run[2], flat[2], tops[2];
} bl_clip_rail;

/* A counter for one channel, caller-owned (no allocation): fill it with
 * bl_clip_counter_init, feed it with bl_clip_counter_add, read it with
 * bl_clip_counter_fraction. Its fields are private. */
typedef struct {
    double full_scale, level;
    uint64_t n, at_level;
    float prev, step; /* last sample; smallest non-zero step (0: none yet) */
    bl_clip_rail hi, lo;
} bl_clip_counter;

/* full_scale: the channel's full scale in its sample units (0 or less:
 * none, only flat tops count). */
BL_API void bl_clip_counter_init(bl_clip_counter *c, double full_scale);
/* n samples x[0], x[stride], ... (stride >= 1: interleaved channels);
 * non-finite samples are the caller's to refuse. NULL c or x: no-op. */
BL_API void bl_clip_counter_add(bl_clip_counter *c, const float *x, size_t n, size_t stride);
/* n frames of `channels` interleaved channels into c[0..channels): the
 * same counts as bl_clip_counter_add(&c[k], x + k, n, channels) for every
 * k, eight channels at a time in vector lanes. NULL c or x: no-op. */
BL_API void bl_clip_counter_add_frames(bl_clip_counter *c, const float *x, size_t n, size_t channels);
/* The fraction of the samples so far that count as clipped, 0..1; 0 for
 * no samples or NULL. */
BL_API double bl_clip_counter_fraction(const bl_clip_counter *c);

#ifdef __cplusplus
}
#endif
#endif
