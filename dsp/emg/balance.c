/* Balances between muscle groups (balance.h). */
#include "backline/balance.h"

#include <math.h>

double bl_balance(double a, double b)
{
    if (!isfinite(a) || !isfinite(b) || !(a + b > 0)) return NAN;
    return (a - b) / (a + b);
}

bl_status bl_hamstring_balance_of(const bl_chanmap *map, const double *level, const unsigned char *use, int side,
                                  bl_hamstring_balance *out)
{
    if (!map || !level || !out) return BL_EINVAL;
    double med = 0, lat = 0;
    size_t nm = 0, nl = 0;
    for (size_t c = 0; c < bl_chanmap_count(map); c++) {
        if ((use && !use[c]) || !isfinite(level[c])) continue;
        if (side != BL_ANY_SIDE && (int)bl_chanmap_side(map, c) != side) continue;
        bl_group g = bl_muscle_group(bl_chanmap_muscle(map, c));
        if (g == BL_GROUP_MEDIAL_HAMSTRING) {
            med += level[c];
            nm++;
        } else if (g == BL_GROUP_LATERAL_HAMSTRING) {
            lat += level[c];
            nl++;
        }
    }
    out->n_medial = nm;
    out->n_lateral = nl;
    out->medial = nm ? med / (double)nm : NAN;
    out->lateral = nl ? lat / (double)nl : NAN;
    out->balance = bl_balance(out->medial, out->lateral);
    out->ratio = isfinite(out->medial) && isfinite(out->lateral) && out->lateral > 0 ? out->medial / out->lateral
                                                                                    : NAN;
    return BL_OK;
}
