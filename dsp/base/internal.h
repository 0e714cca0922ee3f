/* Private helpers shared by the library layers; not installed. Names
 * that must cross files carry the internal prefix bli_ (hidden from the
 * library's exported symbols), never the public bl_. */
#ifndef BLI_INTERNAL_H
#define BLI_INTERNAL_H

#include <stddef.h>

/* Write one line into a caller's `why` buffer (NULL or zero length: no-op). */
void bli_set_why(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The k-th smallest of v[0..n) (n > 0, k < n; Hoare's selection, average
 * O(n)); v is reordered. */
float bli_select_kth(float *v, size_t n, size_t k);

#endif
