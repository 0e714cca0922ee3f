/* Helpers for the tests of the generator (test_synth*.c). */
#ifndef TEST_SYNTHTEST_H
#define TEST_SYNTHTEST_H

#include "backline/synth.h"

/* The generator for cfg; no check can go on without it, so failure exits
 * (with the library's reason). */
bl_synth *test_make_synth(const bl_synth_config *cfg);
/* The drift set the truth and fatigue tests share: seed 5, five muscles,
 * no mains and little noise (so spectra measure the model's scaling). */
void test_drift_config(bl_synth_config *cfg);

#endif
