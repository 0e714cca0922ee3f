/* Gait events estimated from a knee goniometer (gait.h) on a knee curve
 * made after Perry's normal knee, whose events are known: 5 deg at each
 * touchdown, a loading-response flexion of 15 deg, 40 deg at lift-off and
 * 62 deg in swing; cycles of 1.0-1.2 s with stance 58-66 %, sampled
 * at 50 Hz and held to 1 kHz as the UCI goniometer is, with noise; once
 * with the opposite sign convention. Touchdowns must come within 2 % of
 * the cycle and lift-offs within 3 %; the set says it is estimated; a knee
 * that hardly moves is refused. Then the UCI walking files (normal
 * subjects, *Nmar*, when the real-data folder is there): the estimated
 * cycles must look like walking (median 0.8-1.8 s, stance 55-72 %) in at
 * least 80 % of them, and on those the hamstrings (ST, BF) must peak in
 * terminal swing or around touchdown in at least 70 % of the cases. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"
#include "gaittest.h"

#define RATE 1000.0
#define NCYC 10

typedef struct walk {
    double td[NCYC + 1], lo[NCYC];
} walk;

/* The knee (degrees) at fraction v of stance or w of swing: stance rises
 * from 5 deg at touchdown into a 15 deg loading flexion (sin^2 over the
 * first 40 %), rests at 5, then flexes to 40 deg at lift-off; swing runs
 * sin^2 on from 40 deg through the 62 deg peak (at 30 % of swing) back to
 * 5 deg with zero slope at the next touchdown. */
static double stance_knee(double v)
{
    if (v < 0.4) return 5.0 + 15.0 * pow(sin(M_PI * v / 0.4), 2);
    if (v < 0.75) return 5.0;
    return 5.0 + 35.0 * pow((v - 0.75) / 0.25, 2);
}

static double swing_knee(double w)
{
    double phi0 = asin(sqrt(35.0 / 57.0)) / M_PI;
    return 5.0 + 57.0 * pow(sin(M_PI * (phi0 + (1.0 - phi0) * w)), 2);
}

static float *make(walk *w, size_t *n, double sign)
{
    double t = 0.4;
    for (size_t k = 0; k <= NCYC; k++) {
        double dur = 1.1 + 0.1 * sin(1.9 * (double)k);
        w->td[k] = t;
        if (k < NCYC) w->lo[k] = t + (0.62 + 0.04 * cos(1.3 * (double)k)) * dur;
        t += dur;
    }
    *n = (size_t)((w->td[NCYC] + 0.3) * RATE);
    float *x = malloc(*n * sizeof *x);
    if (!x) test_fail("out of memory");
    unsigned s = 2024;
    size_t k = 0;
    double held = 0;
    for (size_t i = 0; i < *n; i++) {
        double ti = (double)i / RATE;
        while (k + 1 < NCYC && ti >= w->td[k + 1]) k++;
        double a = ti < w->td[0]   ? 5.0
                   : ti < w->lo[k] ? stance_knee((ti - w->td[k]) / (w->lo[k] - w->td[k]))
                   : k + 1 < NCYC || ti < w->td[NCYC] ? swing_knee((ti - w->lo[k]) / (w->td[k + 1] - w->lo[k]))
                                                      : stance_knee(fmin((ti - w->td[NCYC]) / 0.6, 0.7));
        if (i % 20 == 0) { /* 50 Hz, held */
            s = s * 1103515245u + 12345u;
            held = sign * (a + 0.6 * ((double)(s >> 8 & 0xffff) / 65535.0 - 0.5));
        }
        x[i] = (float)held;
    }
    return x;
}

static void test_made(double sign)
{
    walk w;
    size_t n = 0;
    float *x = make(&w, &n, sign);
    bl_gait_knee_config cfg;
    bl_gait_knee_config_default(&cfg);
    bl_gait_events *ev = NULL;
    char why[256] = "";
    CHECK_MSG(bl_gait_events_from_knee(x, n, RATE, BL_SIDE_RIGHT, 4, &cfg, &ev, why, sizeof why) == BL_OK, "%s", why);
    if (!ev) return;
    CHECK(bl_gait_events_estimated(ev));
    CHECK_EQ_INT(bl_gait_events_source_of(ev), BL_GAIT_EVENTS_KNEE);
    CHECK_MSG(bl_gait_events_warnings(ev) == 1 && strstr(bl_gait_events_warning(ev, 0), "ESTIMATED"), "no warning");
    CHECK_MSG(bl_gait_events_validate(ev, (double)n / RATE, why, sizeof why) == BL_OK, "%s", why);
    size_t td = 0, lo = 0;
    double worst_td = 0, worst_lo = 0;
    for (size_t i = 0; i < bl_gait_events_count(ev); i++) {
        bl_gait_event e;
        bl_gait_events_get(ev, i, &e);
        const double *truth = e.kind == BL_GAIT_TOUCHDOWN ? w.td : w.lo;
        size_t nt = e.kind == BL_GAIT_TOUCHDOWN ? NCYC + 1 : NCYC, best = 0;
        for (size_t k = 1; k < nt; k++)
            if (fabs(truth[k] - e.time_s) < fabs(truth[best] - e.time_s)) best = k;
        double err = 100.0 * fabs(truth[best] - e.time_s) / 1.1; /* % of a cycle */
        if (e.kind == BL_GAIT_TOUCHDOWN) {
            td++;
            worst_td = fmax(worst_td, err);
        } else {
            lo++;
            worst_lo = fmax(worst_lo, err);
        }
    }
    fprintf(stderr, "sign %+g: %zu touchdowns (worst %.2f %% of the cycle), %zu lift-offs (worst %.2f %%)\n", sign, td,
            worst_td, lo, worst_lo);
    CHECK(td >= NCYC && td <= NCYC + 1);
    CHECK_EQ_INT(lo, NCYC);
    CHECK(worst_td <= 2.0);
    CHECK(worst_lo <= 3.0);
    bl_doc *d = NULL;
    bl_doc_create(&d);
    CHECK_EQ_INT(bl_gait_events_describe(ev, d), BL_OK);
    CHECK(bl_doc_bool(bl_doc_find(d, "estimated")));
    CHECK_EQ_INT(bl_doc_bool(bl_doc_find(bl_doc_child(bl_doc_find(d, "knee"), 0), "sign_flipped")), sign < 0);
    bl_doc_destroy(d);
    bl_gait_events_destroy(ev);
    /* A knee that hardly moves. */
    for (size_t i = 0; i < n; i++) x[i] = (float)(5.0 + 0.5 * sin((double)i / 100.0));
    CHECK_EQ_INT(bl_gait_events_from_knee(x, n, RATE, BL_SIDE_RIGHT, 4, &cfg, &ev, why, sizeof why), BL_ENODATA);
    CHECK(ev == NULL && strstr(why, "not walking"));
    free(x);
}

/* The whole analysis on the knee's events: ST and BF (the file's map,
 * RF,BF,VM,ST,AUX, set here) should peak in terminal swing or around
 * touchdown (>= 85 % or <= 15 %), as on the Santuz walk. */
static void hamstrings_near_touchdown(bl_recording *rec, const bl_gait_events *ev, size_t *ok, size_t *n)
{
    if (bl_recording_set_map(rec, "RF,BF,VM,ST,AUX", NULL, 0) != BL_OK) test_fail("UCI map");
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    cfg.envelope.rate_hz = bl_recording_rate(rec);
    bl_gait *g = NULL;
    if (bl_gait_analyse(rec, NULL, 0, ev, &cfg, &g, NULL, 0) != BL_OK) return;
    for (size_t c = 0; c < bl_gait_channels(g); c++) {
        bl_muscle m = bl_gait_channel_muscle(g, c);
        bl_gait_muscle mu;
        if ((m != BL_MUSCLE_ST && m != BL_MUSCLE_BF) || bl_gait_get_muscle(g, c, &mu) != BL_OK) continue;
        int near = mu.peak_phase_pct >= 85 || mu.peak_phase_pct <= 15;
        *ok += near;
        (*n)++;
        fprintf(stderr, "; %s peaks %.0f %%", bl_muscle_code(m), mu.peak_phase_pct);
    }
    bl_gait_destroy(g);
}

/* The UCI walking files of the normal subjects. */
static void test_uci(void)
{
    char dir[1400];
    test_real_file(dir, sizeof dir, "uci-lower-limb");
    DIR *dp = opendir(dir);
    if (!dp) test_fail("cannot list the UCI folder");
    size_t files = 0, walking = 0, ham_ok = 0, ham_n = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 8, "Nmar.wav") != 0) continue;
        char path[1700], why[256] = "";
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        bl_recording *rec = NULL;
        if (bl_recording_load(path, &rec, why, sizeof why) != BL_OK) test_fail(why);
        size_t aux = bl_recording_channels(rec) - 1; /* RF, BF, VM, ST, AUX */
        bl_gait_knee_config cfg;
        bl_gait_knee_config_default(&cfg);
        bl_gait_events *ev = NULL;
        bl_gait_cycle c[64];
        size_t nc = 0, kept = 0;
        double dur[64], stance[64];
        files++;
        if (bl_gait_events_from_knee(bl_recording_cdata(rec, aux), bl_recording_frames(rec), bl_recording_rate(rec),
                                     BL_SIDE_NONE, aux, &cfg, &ev, why, sizeof why) == BL_OK &&
            bl_gait_events_validate(ev, bl_recording_duration(rec), why, sizeof why) == BL_OK) {
            bl_gait_cycle_config cc;
            bl_gait_cycle_config_default(&cc);
            bl_gait_find_cycles(ev, &cc, c, 64, &nc);
            for (size_t k = 0; k < nc && k < 64; k++)
                if (c[k].state == BL_GAIT_CYCLE_KEPT) {
                    dur[kept] = c[k].end_s - c[k].start_s;
                    stance[kept++] = bl_gait_cycle_stance_pct(&c[k]);
                }
        }
        double md = NAN, ms = NAN;
        if (kept) {
            for (size_t a = 0; a < kept; a++) /* medians: sort the two short lists */
                for (size_t b = a + 1; b < kept; b++) {
                    if (dur[b] < dur[a]) { double t = dur[a]; dur[a] = dur[b]; dur[b] = t; }
                    if (stance[b] < stance[a]) { double t = stance[a]; stance[a] = stance[b]; stance[b] = t; }
                }
            md = dur[kept / 2];
            ms = stance[kept / 2];
        }
        int ok = kept >= 2 && md >= 0.8 && md <= 1.8 && ms >= 55 && ms <= 72;
        walking += ok;
        fprintf(stderr, "  %s: %zu cycles, median %.2f s, stance %.1f %%%s", e->d_name, kept, md, ms, ok ? "" : "  <-");
        if (ok) hamstrings_near_touchdown(rec, ev, &ham_ok, &ham_n);
        fprintf(stderr, "\n");
        bl_gait_events_destroy(ev);
        bl_recording_destroy(rec);
    }
    closedir(dp);
    fprintf(stderr, "UCI walking: %zu of %zu files look like walking; hamstrings peak around touchdown in %zu of %zu\n",
            walking, files, ham_ok, ham_n);
    CHECK(files >= 5);
    CHECK_MSG(walking * 10 >= files * 8, "%zu of %zu", walking, files);
    CHECK_MSG(ham_n >= 10 && ham_ok * 10 >= ham_n * 7, "%zu of %zu", ham_ok, ham_n);
}

int main(void)
{
    test_made(1.0);
    test_made(-1.0);
    /* A failure above is reported even when the real-data part would skip. */
    if (test_failures) return test_finish("test_gait_knee");
    test_uci();
    return test_finish("test_gait_knee");
}
