/* The live segmenter's history (stream.c): each channel's grid levels
 * over the look-behind window, in time order and sorted, so that the
 * window's percentiles cost nothing per grid point and its values are one
 * contiguous array per channel, as the offline stages read them. The
 * buffer holds twice the window and moves the newest window to its front
 * when full; nothing is allocated after bli_levels_init. */
#include <stdlib.h>
#include <string.h>

#include "stream_internal.h"

bl_status bli_levels_init(bli_levels *h, size_t nch, size_t window)
{
    memset(h, 0, sizeof *h);
    if (window < 1 || nch == 0 || window > SIZE_MAX / 2 / sizeof(float) / nch) return BL_ENOMEM;
    h->nch = nch;
    h->window = window;
    h->cap = 2 * window;
    h->buf = malloc(nch * h->cap * sizeof *h->buf);
    h->sorted = malloc(nch * window * sizeof *h->sorted);
    if (!h->buf || !h->sorted) {
        bli_levels_free(h);
        return BL_ENOMEM;
    }
    return BL_OK;
}

void bli_levels_free(bli_levels *h)
{
    free(h->buf);
    free(h->sorted);
    memset(h, 0, sizeof *h);
}

void bli_levels_clear(bli_levels *h)
{
    h->len = h->count = 0;
    h->first = 0;
}

/* First index in sorted[0..n) whose value is not below v. */
static size_t lower_bound(const float *sorted, size_t n, float v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void bli_levels_push(bli_levels *h, uint64_t index, const float *v)
{
    if (h->len == 0) h->first = index;
    for (size_t c = 0; c < h->nch; c++) {
        float *sorted = h->sorted + c * h->window, *buf = h->buf + c * h->cap;
        size_t n = h->count;
        if (n == h->window) { /* the oldest point leaves the window */
            size_t at = lower_bound(sorted, n, buf[h->len - h->window]);
            memmove(sorted + at, sorted + at + 1, (n - at - 1) * sizeof *sorted);
            n--;
        }
        size_t at = lower_bound(sorted, n, v[c]);
        memmove(sorted + at + 1, sorted + at, (n - at) * sizeof *sorted);
        sorted[at] = v[c];
    }
    if (h->count < h->window) h->count++;
    if (h->len == h->cap) { /* keep the newest window - 1 points, then append */
        size_t keep = h->window - 1;
        for (size_t c = 0; c < h->nch; c++)
            memmove(h->buf + c * h->cap, h->buf + c * h->cap + h->len - keep, keep * sizeof *h->buf);
        h->first += h->len - keep;
        h->len = keep;
    }
    for (size_t c = 0; c < h->nch; c++) h->buf[c * h->cap + h->len] = v[c];
    h->len++;
}

const float *bli_levels_window(const bli_levels *h, size_t c)
{
    return h->buf + c * h->cap + (h->len - h->count);
}

const float *bli_levels_sorted(const bli_levels *h, size_t c) { return h->sorted + c * h->window; }

uint64_t bli_levels_window_start(const bli_levels *h) { return h->first + (h->len - h->count); }
