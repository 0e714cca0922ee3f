/* Private to the live hinge segmenter (stream.c): its history of grid
 * levels (stream_levels.c). */
#ifndef BLI_HINGE_STREAM_INTERNAL_H
#define BLI_HINGE_STREAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hinge_internal.h"

/* Each channel's last `window` grid points, in time order (buf, room for
 * 2 x window) and sorted. */
typedef struct bli_levels {
    size_t nch, window, cap;
    float *buf;      /* nch x cap */
    float *sorted;   /* nch x window */
    size_t len;      /* points in buf */
    size_t count;    /* points in the window: min(points pushed, window) */
    uint64_t first;  /* grid index of buf[0] */
} bli_levels;

bl_status bli_levels_init(bli_levels *h, size_t nch, size_t window);
void bli_levels_free(bli_levels *h);
void bli_levels_clear(bli_levels *h);
/* Append grid point `index` (consecutive from the first), v[0..nch). */
void bli_levels_push(bli_levels *h, uint64_t index, const float *v);
/* Channel c's window (count points, oldest first), and sorted. */
const float *bli_levels_window(const bli_levels *h, size_t c);
const float *bli_levels_sorted(const bli_levels *h, size_t c);
/* Grid index of the window's first point. */
uint64_t bli_levels_window_start(const bli_levels *h);

#endif
