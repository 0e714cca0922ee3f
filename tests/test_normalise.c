/* %MVC normalisation: the largest moving average across ALL trials per
 * channel, the session-peak fallback and its flag, channel-layout checks,
 * apply, and the documented error codes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/normalise.h"
#include "backline/recording.h"
#include "check.h"

/* A recording of constant `base` with a plateau of `level` on [t0, t1). */
static bl_recording *make(size_t channels, double seconds, double rate, const char *map)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(channels, (size_t)llround(seconds * rate), rate, &r), BL_OK);
    if (map) CHECK_EQ_INT(bl_recording_set_map(r, map, NULL, 0), BL_OK);
    for (size_t c = 0; c < channels; c++) {
        float *x = bl_recording_data(r, c);
        for (size_t i = 0; i < bl_recording_frames(r); i++) x[i] = 1.0f;
    }
    return r;
}

static void plateau(bl_recording *r, size_t ch, double t0, double t1, float level)
{
    double rate = bl_recording_rate(r);
    float *x = bl_recording_data(r, ch);
    size_t a = (size_t)llround(t0 * rate), b = (size_t)llround(t1 * rate);
    if (b > bl_recording_frames(r)) b = bl_recording_frames(r);
    for (size_t i = a; i < b; i++) x[i] = level;
}

static void test_peak_average(void)
{
    double rate = 1000, peak = 0, centre = 0;
    size_t n = 5000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = 1.0f;
    /* A 0.2 s spike of 100 beats a 0.5 s plateau of 30 over 500 ms:
     * (0.2 × 100 + 0.3 × 1) / 0.5 = 40.6. */
    for (size_t i = 1000; i < 1200; i++) x[i] = 100.0f;
    for (size_t i = 3000; i < 3500; i++) x[i] = 30.0f;
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 0.5, &peak, &centre), BL_OK);
    CHECK_NEAR(peak, 40.6, 1e-4);
    CHECK_MSG(centre > 0.9 && centre < 1.3, "centre %g s", centre);
    /* With a 0.1 s window the spike wins outright. */
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 0.1, &peak, &centre), BL_OK);
    CHECK_NEAR(peak, 100.0, 1e-4);
    /* A short edge transient does not pass for a contraction: only full
     * windows count, so a 50 ms spike at the very end averages down. */
    for (size_t i = 0; i < n; i++) x[i] = 1.0f;
    for (size_t i = n - 50; i < n; i++) x[i] = 1000.0f;
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 0.5, &peak, &centre), BL_OK);
    CHECK_NEAR(peak, (50 * 1000.0 + 450 * 1.0) / 500.0, 1e-3);
    CHECK_NEAR(centre, (n - 500 + 249.5) / rate, 1e-9);
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 6.0, &peak, &centre), BL_ERANGE);
    CHECK_EQ_INT(bl_mvc_peak_average(NULL, n, rate, 0.5, &peak, &centre), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_peak_average(x, 0, rate, 0.5, &peak, &centre), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, 0, 0.5, &peak, &centre), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, -1, &peak, &centre), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 0.5, NULL, &centre), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 0.5, &peak, NULL), BL_OK);
    x[10] = NAN;
    CHECK_EQ_INT(bl_mvc_peak_average(x, n, rate, 0.5, &peak, &centre), BL_ENONFINITE);
    free(x);
}

static void test_contract(void)
{
    bl_mvc_config cfg;
    bl_mvc_config_default(&cfg);
    CHECK_NEAR(cfg.window_s, 0.5, 0);
    bl_mvc_config_default(NULL);
    bl_mvc_destroy(NULL);
    CHECK_EQ_INT(bl_mvc_channels(NULL), 0);
    CHECK(strcmp(bl_mvc_source_name(BL_MVC_TRIALS), "mvc") == 0);
    CHECK(strcmp(bl_mvc_source_name(BL_MVC_SESSION_PEAK), "session-peak") == 0);
    CHECK(strcmp(bl_mvc_source_name(BL_MVC_NONE), "none") == 0);

    bl_mvc *m = NULL;
    char why[256] = "";
    bl_recording *layout = make(2, 1.0, 1000, "L.ST,L.BF");
    CHECK_EQ_INT(bl_mvc_create(layout, NULL, NULL, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_create(NULL, NULL, &m, why, sizeof why), BL_EINVAL);
    CHECK(m == NULL);
    bl_mvc_config bad = { 0.0 };
    CHECK_EQ_INT(bl_mvc_create(layout, &bad, &m, why, sizeof why), BL_ERANGE);
    CHECK(m == NULL);
    CHECK_EQ_INT(bl_mvc_create(layout, NULL, &m, why, sizeof why), BL_OK);
    bl_recording_destroy(layout);
    bl_mvc_reference ref;
    CHECK_EQ_INT(bl_mvc_get_reference(m, 2, &ref), BL_ERANGE);
    CHECK_EQ_INT(bl_mvc_get_reference(m, 0, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_get_reference(m, 0, &ref), BL_OK);
    CHECK_EQ_INT(ref.source, BL_MVC_NONE);
    CHECK(!bl_mvc_all_from_trials(m));
    CHECK_EQ_INT(bl_mvc_add_trial(m, NULL, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_add_trial(NULL, NULL, why, sizeof why), BL_EINVAL);
    bl_mvc_destroy(m);
}

/* Applying the references of test_across_trials (channel 0: 70, channel
 * 1: 80, channel 2 AUX) to its session, to arrays, and to a recording in
 * another layout. */
static void check_apply(const bl_mvc *m, bl_recording *session, bl_recording *other)
{
    char why[256] = "";
    /* %MVC, AUX untouched. */
    CHECK_EQ_INT(bl_mvc_apply(m, session, why, sizeof why), BL_OK);
    const float *s0 = bl_recording_cdata(session, 0), *s1 = bl_recording_cdata(session, 1),
                *s2 = bl_recording_cdata(session, 2);
    CHECK_NEAR(s0[(size_t)(2.5 * 2000)], 50.0, 1e-3);     /* 35 / 70 */
    CHECK_NEAR(s1[(size_t)(2.5 * 2000)], 625.0, 1e-2);    /* 500 / 80 */
    CHECK_NEAR(s0[0], 100.0 / 70.0, 1e-5);
    CHECK_NEAR(s2[0], 1.0, 0);
    /* Applying to a recording with another layout is refused. */
    CHECK_EQ_INT(bl_mvc_apply(m, other, why, sizeof why), BL_EMAP);

    float in[3] = { 0, 70, 140 }, out[3];
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 0, in, out, 3), BL_OK);
    CHECK_NEAR(out[1], 100.0, 1e-4);
    CHECK_NEAR(out[2], 200.0, 1e-4);
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 2, in, out, 3), BL_ENODATA); /* AUX */
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 3, in, out, 3), BL_ERANGE);
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 0, NULL, out, 3), BL_EINVAL);
    /* In place is allowed. */
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 0, in, in, 3), BL_OK);
    CHECK_NEAR(in[1], 100.0, 1e-4);
}

/* One reference per channel across trials: channel 0 peaks in trial 2,
 * channel 1 in trial 1. */
static void test_across_trials(void)
{
    const char *map = "L.ST,L.BF,AUX";
    char why[256] = "";
    bl_mvc *m = NULL;
    bl_recording *layout = make(3, 1.0, 2000, map);
    CHECK_EQ_INT(bl_mvc_create(layout, NULL, &m, why, sizeof why), BL_OK);
    bl_recording_destroy(layout);
    bl_recording *t1 = make(3, 4.0, 2000, map);
    plateau(t1, 0, 1.0, 2.0, 50.0f);
    plateau(t1, 1, 1.0, 2.0, 80.0f);
    plateau(t1, 2, 0.0, 4.0, 1e6f); /* AUX: a footswitch level, never a reference */
    /* Trial 2 at another rate and length: the window is in seconds. */
    bl_recording *t2 = make(3, 3.0, 1000, map);
    plateau(t2, 0, 0.5, 1.5, 70.0f);
    plateau(t2, 1, 0.5, 1.5, 60.0f);
    CHECK_EQ_INT(bl_mvc_add_trial(m, t1, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_mvc_add_trial(m, t2, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_mvc_trials(m), 2);
    bl_mvc_reference r0, r1, r2;
    bl_mvc_get_reference(m, 0, &r0);
    bl_mvc_get_reference(m, 1, &r1);
    bl_mvc_get_reference(m, 2, &r2);
    CHECK_NEAR(r0.value, 70.0, 1e-4);
    CHECK_EQ_INT(r0.trial, 1);
    CHECK_EQ_INT(r0.source, BL_MVC_TRIALS);
    CHECK_EQ_INT(r0.trials_used, 2);
    CHECK_MSG(r0.time_s >= 0.749 && r0.time_s <= 1.251, "time %g", r0.time_s);
    CHECK_NEAR(r1.value, 80.0, 1e-4);
    CHECK_EQ_INT(r1.trial, 0);
    CHECK_EQ_INT(r2.source, BL_MVC_NONE);
    CHECK_NEAR(r2.value, 0.0, 0);
    CHECK(bl_mvc_all_from_trials(m));

    /* Layout mismatches are errors and change nothing. */
    bl_recording *other = make(3, 3.0, 1000, "L.BF,L.ST,AUX");
    plateau(other, 0, 0.5, 1.5, 1000.0f);
    CHECK_EQ_INT(bl_mvc_add_trial(m, other, why, sizeof why), BL_EMAP);
    CHECK_MSG(strstr(why, "L.BF,L.ST,AUX") && strstr(why, "L.ST,L.BF,AUX"), "why: %s", why);
    bl_recording *two = make(2, 3.0, 1000, NULL);
    CHECK_EQ_INT(bl_mvc_add_trial(m, two, why, sizeof why), BL_EMAP);
    CHECK_MSG(strstr(why, "2 channels") != NULL, "why: %s", why);
    /* A trial in µV against a session in full-scale units: no %MVC. */
    bl_recording *uv = make(3, 3.0, 1000, map);
    for (size_t c = 0; c < 2; c++) CHECK_EQ_INT(bl_recording_set_gain(uv, c, 1000), BL_OK);
    CHECK_EQ_INT(bl_recording_to_microvolts(uv), BL_OK);
    CHECK_EQ_INT(bl_mvc_add_trial(m, uv, why, sizeof why), BL_EUNIT);
    CHECK_MSG(strstr(why, "is in uV but the session is in full scale") != NULL, "why: %s", why);
    bl_recording_destroy(uv);
    bl_recording *shortrec = make(3, 0.3, 1000, map);
    CHECK_EQ_INT(bl_mvc_add_trial(m, shortrec, why, sizeof why), BL_ERANGE);
    CHECK_MSG(strstr(why, "shorter") != NULL, "why: %s", why);
    /* A trial without a stored map but with the right channel count is
     * accepted (the session's map applies). */
    bl_recording *nomap = make(3, 2.0, 2000, NULL);
    CHECK_EQ_INT(bl_mvc_add_trial(m, nomap, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_mvc_trials(m), 3);
    bl_mvc_get_reference(m, 0, &r0);
    CHECK_NEAR(r0.value, 70.0, 1e-4);
    CHECK_EQ_INT(r0.trial, 1);
    CHECK_EQ_INT(r0.trials_used, 3);

    /* Session peak does not override trial references. */
    bl_recording *session = make(3, 5.0, 2000, map);
    plateau(session, 0, 2.0, 3.0, 35.0f);
    plateau(session, 1, 2.0, 3.0, 500.0f);
    CHECK_EQ_INT(bl_mvc_add_session_peak(m, session, why, sizeof why), BL_OK);
    bl_mvc_get_reference(m, 1, &r1);
    CHECK_EQ_INT(r1.source, BL_MVC_TRIALS);
    CHECK_NEAR(r1.value, 80.0, 1e-4);

    check_apply(m, session, other);

    bl_recording_destroy(t1);
    bl_recording_destroy(t2);
    bl_recording_destroy(other);
    bl_recording_destroy(two);
    bl_recording_destroy(shortrec);
    bl_recording_destroy(nomap);
    bl_recording_destroy(session);
    bl_mvc_destroy(m);
}

/* Without MVC trials: the session's own peak, flagged; a dead channel has
 * no usable reference and apply refuses, changing nothing. */
static void test_fallback(void)
{
    const char *map = "R.ST,R.BF";
    char why[256] = "";
    bl_mvc *m = NULL;
    bl_recording *session = make(2, 5.0, 2000, map);
    CHECK_EQ_INT(bl_mvc_create(session, NULL, &m, why, sizeof why), BL_OK);
    plateau(session, 0, 1.0, 2.0, 40.0f);
    float *dead = bl_recording_data(session, 1);
    memset(dead, 0, bl_recording_frames(session) * sizeof *dead);
    CHECK_EQ_INT(bl_mvc_add_session_peak(m, session, why, sizeof why), BL_OK);
    bl_mvc_reference r0, r1;
    bl_mvc_get_reference(m, 0, &r0);
    bl_mvc_get_reference(m, 1, &r1);
    CHECK_EQ_INT(r0.source, BL_MVC_SESSION_PEAK);
    CHECK_NEAR(r0.value, 40.0, 1e-4);
    CHECK_EQ_INT(r0.trials_used, 0);
    CHECK_EQ_INT(r1.source, BL_MVC_SESSION_PEAK);
    CHECK_NEAR(r1.value, 0.0, 0);
    CHECK(!bl_mvc_all_from_trials(m));
    float before = bl_recording_cdata(session, 0)[3000];
    CHECK_EQ_INT(bl_mvc_apply(m, session, why, sizeof why), BL_ENODATA);
    CHECK_MSG(strstr(why, "channel 2") != NULL, "why: %s", why);
    CHECK_NEAR(bl_recording_cdata(session, 0)[3000], before, 0);
    /* Channel by channel, the live one still normalises. */
    float *x0 = bl_recording_data(session, 0);
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 0, x0, x0, bl_recording_frames(session)), BL_OK);
    CHECK_NEAR(x0[3000], 100.0, 1e-4);
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 1, dead, dead, bl_recording_frames(session)), BL_ENODATA);

    /* A session shorter than the window still gets a scale (its mean). */
    bl_mvc *m2 = NULL;
    bl_recording *tiny = make(2, 0.2, 2000, NULL);
    CHECK_EQ_INT(bl_mvc_create(tiny, NULL, &m2, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_mvc_add_session_peak(m2, tiny, why, sizeof why), BL_OK);
    bl_mvc_get_reference(m2, 0, &r0);
    CHECK_NEAR(r0.value, 1.0, 1e-6);
    /* A later trial replaces the fallback and flips the source. */
    bl_recording *trial = make(2, 1.0, 2000, NULL);
    plateau(trial, 0, 0.0, 1.0, 9.0f);
    CHECK_EQ_INT(bl_mvc_add_trial(m2, trial, why, sizeof why), BL_OK);
    bl_mvc_get_reference(m2, 0, &r0);
    CHECK_EQ_INT(r0.source, BL_MVC_TRIALS);
    CHECK_NEAR(r0.value, 9.0, 1e-5);
    CHECK(bl_mvc_all_from_trials(m2));

    bl_recording_destroy(trial);
    bl_recording_destroy(tiny);
    bl_recording_destroy(session);
    bl_mvc_destroy(m2);
    bl_mvc_destroy(m);
}

/* A reference set from a stored value: applied like a trial's; refused
 * for bad values, sources, AUX channels. */
static void test_set_reference(void)
{
    bl_mvc *m = NULL;
    char why[256] = "";
    bl_recording *layout = make(3, 1.0, 1000, "L.ST,L.BF,L.AUX");
    CHECK_EQ_INT(bl_mvc_create(layout, NULL, &m, why, sizeof why), BL_OK);
    bl_recording_destroy(layout);
    if (!m) return;
    CHECK_EQ_INT(bl_mvc_set_reference(m, 0, 40.0, BL_MVC_TRIALS), BL_OK);
    CHECK_EQ_INT(bl_mvc_set_reference(m, 1, 0.0, BL_MVC_TRIALS), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_set_reference(m, 1, NAN, BL_MVC_TRIALS), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_set_reference(m, 1, 10.0, BL_MVC_NONE), BL_EINVAL);
    CHECK_EQ_INT(bl_mvc_set_reference(m, 2, 10.0, BL_MVC_TRIALS), BL_EINVAL); /* AUX */
    CHECK_EQ_INT(bl_mvc_set_reference(m, 3, 10.0, BL_MVC_TRIALS), BL_ERANGE);
    CHECK_EQ_INT(bl_mvc_set_reference(NULL, 0, 10.0, BL_MVC_TRIALS), BL_EINVAL);
    bl_mvc_reference ref;
    CHECK_EQ_INT(bl_mvc_get_reference(m, 1, &ref), BL_OK);
    CHECK_EQ_INT(ref.source, BL_MVC_NONE); /* unchanged after the refusals */
    CHECK_EQ_INT(bl_mvc_get_reference(m, 0, &ref), BL_OK);
    CHECK(ref.value == 40.0 && ref.source == BL_MVC_TRIALS && ref.trials_used == 1);
    float x[2] = {20.0f, 60.0f}, y[2];
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 0, x, y, 2), BL_OK);
    CHECK_NEAR(y[0], 50.0, 1e-5);
    CHECK_NEAR(y[1], 150.0, 1e-5);
    CHECK_EQ_INT(bl_mvc_apply_channel(m, 1, x, y, 2), BL_ENODATA);
    CHECK_EQ_INT(bl_mvc_set_reference(m, 1, 30.0, BL_MVC_SESSION_PEAK), BL_OK);
    CHECK(!bl_mvc_all_from_trials(m));
    bl_mvc_destroy(m);
}

int main(void)
{
    test_peak_average();
    test_set_reference();
    test_contract();
    test_across_trials();
    test_fallback();
    return test_finish("test_normalise");
}
