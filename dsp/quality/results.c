/* Reading a quality assessment (quality.h getters). */
#include <math.h>

#include "quality_internal.h"

size_t bl_quality_channels(const bl_quality *q) { return q ? q->nch : 0; }

const char *bl_quality_channel_name(const bl_quality *q, size_t c)
{
    return q && c < q->nch ? q->name[c] : "";
}

bl_grade bl_quality_channel_grade(const bl_quality *q, size_t c)
{
    if (!q || c >= q->nch || !q->is_emg[c]) return BL_GRADE_NA;
    bl_grade worst = BL_GRADE_PASS;
    for (int k = 0; k < BL_QC_COUNT; k++) {
        bl_grade g = q->res[c * BL_QC_COUNT + (size_t)k].grade;
        if (g != BL_GRADE_NA && g > worst) worst = g;
    }
    return worst;
}

bl_status bl_quality_get_check(const bl_quality *q, size_t c, bl_quality_check k, bl_quality_result *out)
{
    if (!q || !out) return BL_EINVAL;
    if (c >= q->nch || (unsigned)k >= BL_QC_COUNT) return BL_ERANGE;
    *out = q->res[c * BL_QC_COUNT + (size_t)k];
    return BL_OK;
}

double bl_quality_mains_hz(const bl_quality *q) { return q ? q->mains_hz : 0.0; }
double bl_quality_mains_prominence(const bl_quality *q) { return q ? q->mains_db : NAN; }
const char *bl_quality_unit(const bl_quality *q) { return q ? q->unit : ""; }
