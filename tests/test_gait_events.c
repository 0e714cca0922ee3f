/* Gait events (gait.h): the events CSV and its validation (each bad file
 * refused with the line that is wrong), and events from a footswitch
 * channel (a square wave with contact bounce and noise, whose touchdowns
 * and lift-offs are known). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"

static const char good[] = "time_s,side,event\n"
                           "0.50,R,touchdown\n"
                           "0.60,L,liftoff\n"
                           "1.10,R,liftoff\n"
                           "1.50,R,touchdown\n"
                           "\n"
                           "2.10,R,liftoff\r\n"
                           "2.50,R,touchdown\n";

static void test_good(void)
{
    bl_gait_events *ev = NULL;
    char why[256];
    CHECK_EQ_INT(bl_gait_events_parse_csv(good, 3.0, &ev, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_gait_events_count(ev), 6);
    bl_gait_event e;
    CHECK_EQ_INT(bl_gait_events_get(ev, 1, &e), BL_OK);
    CHECK_NEAR(e.time_s, 0.6, 1e-12);
    CHECK_EQ_INT(e.side, BL_SIDE_LEFT);
    CHECK_EQ_INT(e.kind, BL_GAIT_LIFTOFF);
    CHECK_EQ_INT(bl_gait_events_get(ev, 6, &e), BL_ERANGE);
    CHECK_EQ_INT(bl_gait_events_source_of(ev), BL_GAIT_EVENTS_FILE);
    CHECK_EQ_INT(bl_gait_events_warnings(ev), 0);
    bl_gait_events_destroy(ev);
    bl_gait_events_destroy(NULL);
    /* A byte order mark and a blank side. */
    CHECK_EQ_INT(bl_gait_events_parse_csv("\xEF\xBB\xBFtime_s,side,event\n1,,touchdown\n2,,touchdown\n", 0, &ev,
                                          why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_gait_events_get(ev, 0, &e), BL_OK);
    CHECK_EQ_INT(e.side, BL_SIDE_NONE);
    /* Two touchdowns without a lift-off: a warning naming both lines. */
    CHECK_EQ_INT(bl_gait_events_warnings(ev), 1);
    const char *w = bl_gait_events_warning(ev, 0);
    CHECK_MSG(w && strstr(w, "line 2") && strstr(w, "line 3"), "warning: %s", w ? w : "(none)");
    bl_gait_events_destroy(ev);
}

/* Each bad file: its status, and the line the reason must name. */
static void bad(const char *text, double duration, bl_status want, const char *must_say)
{
    bl_gait_events *ev = (bl_gait_events *)1;
    char why[256] = "";
    bl_status st = bl_gait_events_parse_csv(text, duration, &ev, why, sizeof why);
    CHECK_MSG(st == want, "got %s, want %s for:\n%s", bl_strerror(st), bl_strerror(want), text);
    CHECK(ev == NULL);
    CHECK_MSG(strstr(why, must_say) != NULL, "reason \"%s\" does not say \"%s\"", why, must_say);
    CHECK_MSG(!strchr(why, '\n'), "reason is not one line: %s", why);
}

static void test_bad(void)
{
    bad("", 10, BL_EFORMAT, "empty");
    bad("time,side,event\n1,R,touchdown\n2,R,touchdown\n", 10, BL_EFORMAT, "line 1");
    bad("1,R,touchdown\n2,R,touchdown\n", 10, BL_EFORMAT, "header");
    bad("time_s,side,event\n1,R,touchdown\n2,R\n", 10, BL_EFORMAT, "line 3");
    bad("time_s,side,event\n1,R,touchdown,x\n", 10, BL_EFORMAT, "line 2");
    bad("time_s,side,event\n1,R,touchdown\nabc,R,touchdown\n", 10, BL_EFORMAT, "line 3");
    bad("time_s,side,event\n1,X,touchdown\n", 10, BL_EFORMAT, "side \"X\"");
    bad("time_s,side,event\n1,R,heelstrike\n", 10, BL_EFORMAT, "heelstrike");
    bad("time_s,side,event\n1,R,touchdown\n3,R,touchdown\n2,R,liftoff\n", 10, BL_EINVAL, "line 4");
    bad("time_s,side,event\n1,R,touchdown\n2,R,touchdown\n12,R,touchdown\n", 10, BL_ERANGE, "line 4");
    bad("time_s,side,event\n-0.1,R,touchdown\n2,R,touchdown\n", 10, BL_ERANGE, "outside");
    bad("time_s,side,event\n1,R,touchdown\n1.5,R,liftoff\n1.5,R,touchdown\n3,R,touchdown\n", 10, BL_EINVAL,
        "line 4");
    bad("time_s,side,event\n1,R,touchdown\n1.5,R,liftoff\n2,L,touchdown\n", 10, BL_ENODATA, "fewer than two");
    /* The same touchdown twice (found by fuzz_gait_events: it made no cycle). */
    bad("time_s,side,event\n0.5,L,touchdown\n1.0,R,touchdown\n1.0,R,touchdown\n", 10, BL_EINVAL, "line 4: the same");
    /* The same instant on two sides is no contradiction. */
    bl_gait_events *ev = NULL;
    CHECK_EQ_INT(bl_gait_events_parse_csv("time_s,side,event\n1,R,touchdown\n1.5,R,liftoff\n1.5,L,touchdown\n"
                                          "2,R,touchdown\n", 10, &ev, NULL, 0), BL_OK);
    bl_gait_events_destroy(ev);
    /* Built through the API: the reason names the event. */
    CHECK_EQ_INT(bl_gait_events_create(&ev), BL_OK);
    CHECK_EQ_INT(bl_gait_events_add(ev, 1, BL_SIDE_LEFT, BL_GAIT_TOUCHDOWN), BL_OK);
    CHECK_EQ_INT(bl_gait_events_add(ev, 0.5, BL_SIDE_LEFT, BL_GAIT_TOUCHDOWN), BL_OK);
    CHECK_EQ_INT(bl_gait_events_add(ev, NAN, BL_SIDE_LEFT, BL_GAIT_TOUCHDOWN), BL_EINVAL);
    char why[256] = "";
    CHECK_EQ_INT(bl_gait_events_validate(ev, 0, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "event 2") != NULL, "%s", why);
    bl_gait_events_destroy(ev);
    CHECK_EQ_INT(bl_gait_events_parse_csv(NULL, 1, &ev, NULL, 0), BL_EINVAL);
}

/* A footswitch: contact from 0.2 + k s for `stance` s in each of n cycles
 * of 1 s, at 1000 Hz, with a 4 ms dropout 15 ms after each touchdown, a
 * 6 ms spike in mid-swing, an offset and noise. */
#define FS_RATE 1000.0
#define FS_N 10
static float *footswitch_signal(size_t *n, double stance)
{
    *n = (size_t)((FS_N + 0.1) * FS_RATE);
    float *x = malloc(*n * sizeof *x);
    if (!x) test_fail("out of memory");
    unsigned s = 12345;
    for (size_t i = 0; i < *n; i++) {
        double t = (double)i / FS_RATE, u = fmod(t - 0.2 + 10.0, 1.0);
        int on = t >= 0.2 && u < stance;
        if (on && u >= 0.015 && u < 0.019) on = 0;                                    /* bounce */
        if (!on && t >= 0.2 && u >= stance + 0.2 && u < stance + 0.206) on = 1;       /* spike */
        s = s * 1103515245u + 12345u;
        x[i] = (float)(0.3 + (on ? 2.0 : 0.0) + 0.05 * ((double)(s >> 16 & 0x7fff) / 32767.0 - 0.5));
    }
    return x;
}

static void test_footswitch(void)
{
    size_t n = 0;
    float *x = footswitch_signal(&n, 0.62);
    bl_gait_footswitch_config cfg;
    bl_gait_footswitch_config_default(&cfg);
    bl_gait_events *ev = NULL;
    char why[256] = "";
    CHECK_EQ_INT(bl_gait_events_from_footswitch(x, n, FS_RATE, BL_SIDE_LEFT, 3, &cfg, &ev, why, sizeof why), BL_OK);
    size_t ne = bl_gait_events_count(ev), td = 0, lo = 0;
    CHECK_EQ_INT(ne, 2 * FS_N);
    for (size_t i = 0; i < ne; i++) {
        bl_gait_event e;
        bl_gait_events_get(ev, i, &e);
        CHECK_EQ_INT(e.side, BL_SIDE_LEFT);
        double want = 0.2 + (double)(i / 2) + (e.kind == BL_GAIT_LIFTOFF ? 0.62 : 0.0);
        CHECK_MSG(fabs(e.time_s - want) <= 1.5 / FS_RATE, "event %zu (%s) at %.4f s, want %.4f", i,
                  bl_gait_event_kind_name(e.kind), e.time_s, want);
        if (e.kind == BL_GAIT_TOUCHDOWN) td++;
        else lo++;
    }
    CHECK_EQ_INT(td, FS_N);
    CHECK_EQ_INT(lo, FS_N);
    CHECK_EQ_INT(bl_gait_events_validate(ev, (double)n / FS_RATE, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_gait_events_source_of(ev), BL_GAIT_EVENTS_FOOTSWITCH);
    bl_doc *d = NULL;
    CHECK_EQ_INT(bl_doc_create(&d), BL_OK);
    CHECK_EQ_INT(bl_gait_events_describe(ev, d), BL_OK);
    const bl_doc *fs = bl_doc_child(bl_doc_find(d, "footswitch"), 0);
    CHECK_NEAR(bl_doc_number(bl_doc_find(fs, "bounces_merged")), 2 * FS_N, 0);
    CHECK_NEAR(bl_doc_number(bl_doc_find(fs, "channel")), 4, 0);
    bl_doc_destroy(d);
    bl_gait_events_destroy(ev);
    /* Without debouncing every bounce and spike is an event: the test above
     * can fail. */
    cfg.min_contact_s = cfg.min_swing_s = 0;
    CHECK_EQ_INT(bl_gait_events_from_footswitch(x, n, FS_RATE, BL_SIDE_LEFT, 0, &cfg, &ev, NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_gait_events_count(ev), 6 * FS_N);
    bl_gait_events_destroy(ev);
    /* Flat: no contacts; NaN refused; a bad configuration refused. */
    for (size_t i = 0; i < n; i++) x[i] = 1.0f;
    bl_gait_footswitch_config_default(&cfg);
    CHECK_EQ_INT(bl_gait_events_from_footswitch(x, n, FS_RATE, BL_SIDE_NONE, 0, &cfg, &ev, why, sizeof why),
                 BL_ENODATA);
    CHECK(ev == NULL);
    x[5] = NAN;
    CHECK_EQ_INT(bl_gait_events_from_footswitch(x, n, FS_RATE, BL_SIDE_NONE, 0, &cfg, &ev, why, sizeof why),
                 BL_ENONFINITE);
    cfg.hysteresis_fraction = 0.6;
    CHECK_EQ_INT(bl_gait_events_from_footswitch(x, n, FS_RATE, BL_SIDE_NONE, 0, &cfg, &ev, why, sizeof why),
                 BL_EINVAL);
    free(x);
}

int main(void)
{
    test_good();
    test_bad();
    test_footswitch();
    return test_finish("test_gait_events");
}
