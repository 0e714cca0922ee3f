/* Mains detection, the way conditioning uses it (--notch auto): the hum of
 * every synthetic session that has one is found, at 50 and 60 Hz, at the
 * generator's default 25 µV and at audio rates, and none is found in
 * sessions without hum. Prints the weakest detected prominence and the
 * strongest false one, so the margin to the 10 dB threshold is visible. */
#include <math.h>
#include <stdio.h>

#include "backline/envelope.h"
#include "backline/synth.h"
#include "check.h"

/* The mains frequency conditioning chose for one generated session. */
static double detect(unsigned seed, double mains_hz, double rate_hz, double *prominence_db)
{
    bl_synth_config sc;
    bl_synth_config_default(&sc);
    sc.seed = seed;
    sc.rate_hz = rate_hz;
    sc.mains_hz = mains_hz;
    bl_synth *s = NULL;
    bl_recording *rec = NULL, *cond = NULL;
    bl_synth_hinge_config hc;
    bl_synth_hinge_config_default(&hc);
    hc.reps = 2;
    double found = -1;
    if (bl_synth_create(&sc, &s, NULL, 0) == BL_OK && bl_synth_hinge(s, &hc, &rec, NULL) == BL_OK &&
        bl_recording_to_microvolts(rec) == BL_OK) {
        bl_envelope_config cfg;
        bl_envelope_config_default(&cfg);
        bl_condition_report rep;
        CHECK_EQ_INT(bl_condition(rec, &cfg, &cond, &rep), BL_OK);
        found = rep.mains_hz;
        *prominence_db = rep.mains_prominence_db;
    }
    CHECK_MSG(found >= 0, "seed %u: no session", seed);
    bl_recording_destroy(cond);
    bl_recording_destroy(rec);
    bl_synth_destroy(s);
    return found;
}

int main(void)
{
    const double families[] = {50, 60, 0};
    double weakest = INFINITY, strongest_false = -INFINITY;
    size_t sessions = 0, right = 0;
    for (unsigned seed = 1; seed <= 8; seed++) {
        for (size_t f = 0; f < 3; f++) {
            double db = 0, hz = detect(seed, families[f], 2000, &db);
            sessions++;
            right += hz == families[f];
            CHECK_MSG(hz == families[f], "seed %u, %g Hz hum: detected %g Hz (%.1f dB)", seed, families[f], hz, db);
            if (families[f] > 0 && db < weakest) weakest = db;
            if (families[f] == 0 && db > strongest_false) strongest_false = db;
        }
    }
    /* Audio rates: detection runs after resampling to the analysis rate. */
    for (unsigned seed = 1; seed <= 2; seed++)
        for (size_t f = 0; f < 3; f++) {
            double db = 0, hz = detect(seed, families[f], 44100, &db);
            sessions++;
            right += hz == families[f];
            CHECK_MSG(hz == families[f], "44.1 kHz seed %u, %g Hz hum: detected %g Hz (%.1f dB)", seed, families[f],
                      hz, db);
        }
    printf("mains: %zu of %zu sessions right; weakest hum %.1f dB, strongest score without hum %.1f dB "
           "(threshold 10 dB)\n", right, sessions, weakest, strongest_false);
    return test_finish("test_mains");
}
