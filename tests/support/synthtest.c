#include "synthtest.h"

#include <stdio.h>
#include <stdlib.h>

bl_synth *test_make_synth(const bl_synth_config *cfg)
{
    bl_synth *s = NULL;
    char why[256];
    bl_status st = bl_synth_create(cfg, &s, why, sizeof why);
    if (st != BL_OK) {
        fprintf(stderr, "bl_synth_create: %s (%s)\n", bl_strerror(st), why);
        exit(1);
    }
    return s;
}

void test_drift_config(bl_synth_config *cfg)
{
    bl_synth_config_default(cfg);
    cfg->seed = 5;
    cfg->map = "L.ST,L.BF,L.GMAX,L.ES,L.EO";
    cfg->mains_hz = 0;
    cfg->noise_uV = 1;
}
