/* Signal quality on the real recordings (../shared/data/real, or
 * BL_REAL_DATA; skips loudly when absent): the Backyard Brains noise floors,
 * the clipped pulse_max and the 202 Hz test tone, the PhysioNet needle
 * recordings, surface EMG stored in mV as float (BioSPPy, Santuz: not
 * clipped for exceeding 1.0), and UCI surface EMG in uV with its 60 Hz hum.
 * Each figure measured is printed. */
#include <stdio.h>

#include "backline/quality.h"
#include "check.h"
#include "realdata.h"

static bl_quality *assess(const bl_recording *rec, const char *what)
{
    bl_quality *q = NULL;
    char why[256] = "";
    bl_status st = bl_quality_assess(rec, NULL, &q, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: %s (%s)", what, bl_strerror(st), why);
    return q;
}

/* A real recording's grade for one check on its first channel. */
static bl_quality_result real(const char *subdir, const char *name, bl_quality_check k)
{
    bl_recording *rec = test_load_real(subdir, name);
    bl_quality *q = assess(rec, name);
    bl_quality_result r = {BL_GRADE_NA, NAN, "", NAN, NAN, ""};
    CHECK(bl_quality_get_check(q, 0, k, &r) == BL_OK);
    printf("real %-26s %-9s %s (%.3g)%s%s\n", name, bl_quality_check_name(k), bl_grade_name(r.grade), r.value,
           r.reason[0] ? ": " : "", r.reason);
    bl_quality_destroy(q);
    bl_recording_destroy(rec);
    return r;
}

static void test_real(void)
{
    CHECK(real("backyardbrains", "202_Hz_testtone_NOT_EMG", BL_QC_SPECTRUM).grade == BL_GRADE_FAIL);
    bl_quality_result clip = real("backyardbrains", "pulse_max", BL_QC_CLIPPING);
    CHECK(clip.grade == BL_GRADE_FAIL && clip.value > 0.005 && clip.value < 0.03);
    CHECK(real("backyardbrains", "pulse_1", BL_QC_CLIPPING).grade == BL_GRADE_PASS);
    /* The noise floors: no activity above the baseline. */
    CHECK(real("backyardbrains", "amp_off", BL_QC_SNR).grade == BL_GRADE_WARN);
    /* Sound-card boards and needles: a spectrum far above surface EMG. */
    CHECK(real("backyardbrains", "amp_on_baseline", BL_QC_SPECTRUM).grade == BL_GRADE_WARN);
    CHECK(real("physionet-needle", "emg_myopathy", BL_QC_SPECTRUM).grade == BL_GRADE_WARN);
    CHECK(real("physionet-needle", "emg_neuropathy", BL_QC_SPECTRUM).grade == BL_GRADE_WARN);
    /* Surface EMG in mV (float samples above 1.0): not clipped. */
    CHECK(real("biosppy", "emg", BL_QC_CLIPPING).grade == BL_GRADE_PASS);
    CHECK(real("santuz-walking", "ID0012_TW_01", BL_QC_CLIPPING).grade == BL_GRADE_PASS);
    /* UCI surface EMG with its gains: noise graded in uV, spectra sEMG. */
    bl_quality_result noise = real("uci-lower-limb", "1Nsen", BL_QC_NOISE);
    CHECK(noise.grade == BL_GRADE_PASS && noise.value > 0.3 && noise.value < 5);
    bl_quality_result mains = real("uci-lower-limb", "1Nsen", BL_QC_MAINS);
    CHECK(mains.grade == BL_GRADE_WARN && mains.detail == 60);
    CHECK(real("uci-lower-limb", "9Asen", BL_QC_SPECTRUM).grade == BL_GRADE_PASS);
}

int main(void)
{
    test_real();
    return test_finish("test_quality_real");
}
