/* The meters' state, shared by meters.c (levels, writer thread) and
 * meters_view.c (the view, main thread). */
#ifndef CAP_METERS_INTERNAL_H
#define CAP_METERS_INTERNAL_H

#include "capture.h"

#include "backline/envelope.h"
#include "backline/hinge.h"

struct cap_meters {
    size_t channels;
    double rate_hz;
    bl_envelope_stream *env; /* NULL when not live (or it could not be made) */
    float *env_out;          /* max_block × channels */
    float *clean;            /* a block with its non-finite samples zeroed */
    int live;
    size_t max_block;
    char (*label)[40];       /* " 1 L.ST" */
    int *in_uv;              /* per channel: per_fs is uV per full-scale unit */
    double *per_fs;          /* the channel's unit per full-scale unit (uV, or 1) */
    bl_chanmap *map;         /* copy of the capture's map, or NULL */
    const bl_mvc *mvc;       /* %MVC references (not owned), or NULL */
    int target;              /* +1 internal, -1 external, 0 none */
    double scale_uv;         /* bars' full scale in uV without references */
    bl_hinge_stream *reps;   /* live repetitions (reps.c), NULL without references */
    float *scaled;           /* a block in the references' unit, for reps */
    /* Shared snapshot (mutex). */
    pthread_mutex_t lock;
    int mains;               /* the stream's choice: 50, 60, 0 = none, -1 = still detecting */
    int have_env;            /* levels have been computed */
    float *level;            /* latest envelope, full-scale units */
    uint64_t *clipped;       /* clipped samples per channel */
    uint64_t *last_clip;     /* frame index of the last clipped sample + 1 */
    uint64_t *last_nan;      /* frame index of the last non-finite sample + 1 */
    uint64_t *last_change;   /* frame index where the sample last changed */
    float *last_value;       /* the channel's last finite sample */
    uint64_t frames;         /* frames processed */
    char verdict[160];       /* the last repetition's verdict line; "" = none yet */
    size_t verdicts[4];      /* repetitions per bl_hinge_verdict */
    /* Renderer state (main thread only). */
    size_t lines_drawn;
};

/* reps.c: the live repetitions (writer thread). */
void cap_reps_start(cap_meters *m, const cap_meters_setup *su);
void cap_reps_feed(cap_meters *m, const float *x, size_t n);
void cap_reps_stop(cap_meters *m);

#endif
