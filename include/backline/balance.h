/* Balances between muscles: one definition for the hinge analysis, the
 * live meters and anyone else comparing groups.
 *
 * A balance of two levels a and b is (a − b)/(a + b): +1 when only a is
 * active, −1 when only b is, 0 when they are equal. It is only meaningful
 * when the levels share a scale (normalised, e.g. %MVC, or at least one
 * unit with equal gains); the functions here compare what they are given.
 */
#ifndef BACKLINE_BALANCE_H
#define BACKLINE_BALANCE_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/chanmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* (a − b)/(a + b); NAN unless both are finite and a + b > 0. */
BL_API double bl_balance(double a, double b);

/* Any side, for bl_hamstring_balance_of. */
#define BL_ANY_SIDE (-1)

/* The medial (ST, SM) against the lateral (BF) hamstrings. */
typedef struct bl_hamstring_balance {
    double medial;      /* mean level of the medial hamstring channels; NAN without one */
    double lateral;     /* mean level of the lateral (BF) channels; NAN without one */
    size_t n_medial, n_lateral;
    double balance;     /* bl_balance(medial, lateral) */
    double ratio;       /* medial / lateral; NAN unless both finite and lateral > 0 */
} bl_hamstring_balance;

/* From per-channel levels level[0..bl_chanmap_count(map)) (any unit, one
 * scale), the channels of `side` (BL_SIDE_LEFT/RIGHT/NONE, or BL_ANY_SIDE
 * to pool both sides), skipping channels whose use[c] is 0 (use may be
 * NULL: every channel) or whose level is not finite. Means are taken in
 * channel order. BL_EINVAL for NULL map, level or out. */
BL_API bl_status bl_hamstring_balance_of(const bl_chanmap *map, const double *level, const unsigned char *use, int side,
                                         bl_hamstring_balance *out);

#ifdef __cplusplus
}
#endif
#endif
