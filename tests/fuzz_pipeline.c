/* Fuzz target: the quality and hinge pipelines on arbitrary short audio
 * (any format libsndfile reads). A file without a map gets the first
 * channels of a hinge map. Nothing crashes, hangs or reads out of bounds;
 * every failure says why; and what is concluded holds to the contract:
 * every graded check that is not a pass has its reason, and without MVC
 * trials no repetition is labelled internal, external or mixed. Long or
 * wide inputs are skipped (they only cost time). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/hinge.h"
#include "backline/quality.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CH 8
#define MAX_SAMPLES 120000 /* channels x frames: about 6 s of the 3-channel seeds at 1 kHz, a few runs a second */
static const char *const MAP[MAX_CH] = {"L.ST", "L.BF", "L.GMAX", "L.ES", "L.EO", "L.VL", "R.ST", "R.BF"};

static void check_quality(const bl_recording *rec)
{
    bl_quality *q = NULL;
    char why[256] = "";
    bl_status st = bl_quality_assess(rec, NULL, &q, why, sizeof why);
    if (st != BL_OK) {
        if (q || !why[0]) abort();
        return;
    }
    for (size_t c = 0; c < bl_quality_channels(q); c++) {
        bl_grade g = bl_quality_channel_grade(q, c);
        if ((int)g < BL_GRADE_PASS || g > BL_GRADE_NA) abort();
        for (int k = 0; k < BL_QC_COUNT; k++) {
            bl_quality_result r;
            if (bl_quality_get_check(q, c, (bl_quality_check)k, &r) != BL_OK) abort();
            if ((r.grade == BL_GRADE_WARN || r.grade == BL_GRADE_FAIL) && (!r.reason || !r.reason[0])) abort();
            if ((int)r.grade > (int)g && r.grade != BL_GRADE_NA && g != BL_GRADE_NA) abort();
        }
    }
    bl_quality_destroy(q);
}

static void check_hinge(const bl_recording *rec)
{
    bl_hinge_config cfg;
    bl_hinge_config_default(&cfg);
    bl_hinge *h = NULL;
    char why[512] = "";
    bl_status st = bl_hinge_analyse(rec, NULL, 0, &cfg, &h, why, sizeof why);
    if (st != BL_OK) {
        if (h || !why[0]) abort();
        return;
    }
    for (size_t k = 0; k < bl_hinge_reps(h); k++) {
        bl_hinge_rep r;
        if (bl_hinge_get_rep(h, k, &r) != BL_OK || r.verdict != BL_VERDICT_UNKNOWN || !r.reason || !r.reason[0])
            abort();
        if (!(r.end_s > r.start_s)) abort();
    }
    for (size_t c = 0; c < bl_hinge_channels(h); c++) {
        bl_hinge_ch_state s = bl_hinge_channel_state(h, c);
        if ((s == BL_HINGE_CH_OK || s == BL_HINGE_CH_AUX) != (bl_hinge_channel_why(h, c)[0] == '\0')) abort();
    }
    bl_hinge_summary sum;
    if (bl_hinge_get_summary(h, &sum) != BL_OK || sum.internal || sum.external || sum.mixed || !sum.relative) abort();
    bl_hinge_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512];
    bl_status st;
    bl_recording *rec = fuzz_load(data, size, &st, why, sizeof why);
    if (!rec) return 0;
    size_t nch = bl_recording_channels(rec);
    if (nch > MAX_CH || nch * bl_recording_frames(rec) > MAX_SAMPLES ||
        bl_recording_check_finite(rec, NULL, NULL) != BL_OK) {
        bl_recording_destroy(rec);
        return 0;
    }
    if (!bl_recording_chanmap(rec)) {
        char map[128] = "";
        for (size_t c = 0; c < nch; c++) {
            strcat(map, c ? "," : "");
            strcat(map, MAP[c]);
        }
        bl_recording_set_map(rec, map, NULL, 0);
    }
    if (bl_recording_check_units(rec, NULL, 0) == BL_OK) bl_recording_to_microvolts(rec);
    check_quality(rec);
    check_hinge(rec);
    bl_recording_destroy(rec);
    return 0;
}
