/* Real walking (issue 11): the Santuz et al. treadmill walk
 * (santuz-walking/ID0012_TW_01, 13 right-leg muscles at 1 kHz, its
 * touchdowns and lift-offs in the sidecar). The sidecar's events are
 * written as an events CSV here and parsed by the library; the analysis
 * must keep every complete cycle with the sidecar's own times and stance
 * fractions, and the muscles must peak where the physiology of walking
 * puts them (Perry & Burnfield 2010):
 *   hamstrings (ST, BF)      terminal swing or around touchdown (>= 85 % or
 *                            <= 15 %): they brake the shank, then extend
 *                            the hip in loading;
 *   tibialis anterior (TA)   in swing (after the mean lift-off) or around
 *                            touchdown (<= 15 %): foot clearance, then the
 *                            controlled foot drop;
 *   calf (MG, LG, SOL)       terminal stance (Perry 30-50 % scaled to the
 *                            walk's stance, +/- 5 %), and terminal stance
 *                            their most active phase: push-off;
 * the posterior-chain answers say walking, hamstrings active in terminal
 * swing; and the synergies number 3-6 (about four in walking), the
 * hamstrings' peaking in terminal swing.
 * Skips loudly when the real-data folder is absent. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"
#include "gaittest.h"
#include "json.h"
#include "realdata.h"

#define MAX_CYCLES 64

typedef struct truth {
    size_t n;
    double td[MAX_CYCLES], lo[MAX_CYCLES];
} truth;

static void sidecar(truth *t, char *csv, size_t len)
{
    char path[1400];
    test_real_file(path, sizeof path, "santuz-walking/ID0012_TW_01.json");
    cJSON *doc = test_json_load(path);
    const cJSON *cycles = cJSON_GetObjectItemCaseSensitive(doc, "gait_cycles"), *c;
    size_t used = (size_t)snprintf(csv, len, "time_s,side,event\n");
    t->n = 0;
    cJSON_ArrayForEach(c, cycles)
    {
        if (t->n == MAX_CYCLES) break;
        t->td[t->n] = test_json_num(c, "touchdown_s");
        t->lo[t->n] = test_json_num(c, "liftoff_s");
        if (used < len)
            used += (size_t)snprintf(csv + used, len - used, "%.6f,R,touchdown\n%.6f,R,liftoff\n", t->td[t->n],
                                     t->lo[t->n]);
        t->n++;
    }
    cJSON_Delete(doc);
    if (t->n < 2 || used >= len) test_fail("the sidecar has no usable gait_cycles");
}

static size_t channel_of(const bl_gait *g, bl_muscle m)
{
    for (size_t c = 0; c < bl_gait_channels(g); c++)
        if (bl_gait_channel_muscle(g, c) == m) return c;
    return SIZE_MAX;
}

/* The peak phase of muscle m, printed; NAN (and a failed check) when it
 * is not analysed. */
static double peak_of(const bl_gait *g, bl_muscle m, bl_gait_muscle *out)
{
    size_t c = channel_of(g, m);
    bl_status st = bl_gait_get_muscle(g, c, out);
    CHECK_MSG(st == BL_OK, "%s not analysed: %s", bl_muscle_code(m), bl_gait_channel_why(g, c));
    if (st != BL_OK) return NAN;
    fprintf(stderr, "  %-5s peak %5.1f %%  most active %-16s  CV %5.1f %%\n", bl_gait_channel_name(g, c),
            out->peak_phase_pct, bl_gait_phase_name((bl_gait_phase)test_gait_largest_phase(out)), out->cv_pct);
    return out->peak_phase_pct;
}

static void check_cycles(const bl_gait *g, const truth *t, double *mean_stance)
{
    /* Every touchdown but the last starts a complete cycle. */
    CHECK_EQ_INT(bl_gait_cycles(g), t->n - 1);
    double sum = 0;
    for (size_t k = 0; k < bl_gait_cycles(g) && k + 1 < t->n; k++) {
        bl_gait_cycle cy;
        CHECK_EQ_INT(bl_gait_get_cycle(g, k, &cy), BL_OK);
        CHECK_NEAR(cy.start_s, t->td[k], 1e-9);
        CHECK_NEAR(cy.liftoff_s, t->lo[k], 1e-9);
        CHECK_NEAR(cy.end_s, t->td[k + 1], 1e-9);
        double want = 100.0 * (t->lo[k] - t->td[k]) / (t->td[k + 1] - t->td[k]);
        CHECK_NEAR(bl_gait_cycle_stance_pct(&cy), want, 1e-9);
        fprintf(stderr, "  cycle %zu: %.3f-%.3f s, stance %.1f %% (sidecar %.1f %%)\n", k + 1, cy.start_s,
                cy.end_s, bl_gait_cycle_stance_pct(&cy), want);
        sum += want;
    }
    *mean_stance = sum / (double)(t->n - 1);
}

int main(void)
{
    bl_recording *rec = test_load_real("santuz-walking", "ID0012_TW_01");
    truth t;
    char csv[8192];
    sidecar(&t, csv, sizeof csv);
    bl_gait_events *ev = NULL;
    char why[512] = "";
    bl_status st = bl_gait_events_parse_csv(csv, bl_recording_duration(rec), &ev, why, sizeof why);
    CHECK_MSG(st == BL_OK, "events: %s", why);
    if (st != BL_OK) return test_finish("test_gait_real");
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    cfg.envelope.rate_hz = bl_recording_rate(rec); /* 1 kHz: analysed at the file's rate */
    bl_gait *g = NULL;
    st = bl_gait_analyse(rec, NULL, 0, ev, &cfg, &g, why, sizeof why);
    CHECK_MSG(st == BL_OK, "analysis: %s", why);
    if (st != BL_OK) return test_finish("test_gait_real");
    for (size_t i = 0; i < bl_gait_warnings(g); i++) fprintf(stderr, "  warning: %s\n", bl_gait_warning(g, i));
    CHECK_MSG(!strcmp(bl_gait_unit(g), "uV"), "unit %s (the sidecar scales to uV)", bl_gait_unit(g));
    double sf = 0;
    check_cycles(g, &t, &sf);
    bl_gait_muscle m;
    static const bl_muscle hamstrings[] = {BL_MUSCLE_ST, BL_MUSCLE_BF};
    for (size_t i = 0; i < 2; i++) {
        double p = peak_of(g, hamstrings[i], &m);
        CHECK_MSG(p >= 85 || p <= 15, "%s peaks at %.1f %%, not in terminal swing or around touchdown",
                  bl_muscle_code(hamstrings[i]), p);
    }
    double p = peak_of(g, BL_MUSCLE_TA, &m);
    CHECK_MSG(p >= sf || p <= 15, "TA peaks at %.1f %%, in stance (lift-off at %.1f %%) away from touchdown", p, sf);
    /* Perry's terminal stance, 30-50 % of a cycle whose stance ends at 60,
     * scaled to this walk's stance. */
    double lo = 30.0 / 60.0 * sf - 5, hi = 50.0 / 60.0 * sf + 5;
    static const bl_muscle calf[] = {BL_MUSCLE_MG, BL_MUSCLE_LG, BL_MUSCLE_SOL};
    for (size_t i = 0; i < 3; i++) {
        p = peak_of(g, calf[i], &m);
        CHECK_MSG(p >= lo && p <= hi, "%s peaks at %.1f %%, outside terminal stance (%.1f-%.1f %%)",
                  bl_muscle_code(calf[i]), p, lo, hi);
        CHECK_MSG(test_gait_largest_phase(&m) == BL_GAIT_TERMINAL_STANCE, "%s is most active in %s",
                  bl_muscle_code(calf[i]), bl_gait_phase_name((bl_gait_phase)test_gait_largest_phase(&m)));
    }
    fprintf(stderr, "  mean stance %.1f %%; terminal stance window %.1f-%.1f %%\n", sf, lo, hi);
    /* The posterior-chain answers: walking, and the hamstrings braking
     * the shank in terminal swing. */
    bl_gait_chain ch;
    CHECK_EQ_INT(bl_gait_chains(g), 1);
    CHECK_EQ_INT(bl_gait_get_chain(g, 0, &ch), BL_OK);
    CHECK(!ch.running);
    CHECK_MSG(ch.braking_active, "hamstring terminal-swing share %.0f %%", ch.braking_pct);
    for (size_t i = 0; i < bl_gait_statements(g); i++) {
        bl_gait_statement s;
        if (bl_gait_get_statement(g, i, &s) == BL_OK) fprintf(stderr, "  %s\n", s.text);
    }
    /* Synergies: walking has about four (Santuz et al. 2017), and the one
     * the hamstrings lead is active in terminal swing. */
    bl_gait_synergies sy;
    CHECK_EQ_INT(bl_gait_get_synergies(g, 0, &sy), BL_OK);
    fprintf(stderr, "  synergies: rank %zu of %zu, R^2 %.3f\n", sy.rank, sy.max_rank, sy.rank ? sy.r2[sy.rank - 1] : NAN);
    CHECK_MSG(sy.rank >= 3 && sy.rank <= 6, "rank %zu", sy.rank);
    size_t st_row = SIZE_MAX;
    for (size_t i = 0; i < sy.muscles; i++)
        if (bl_gait_channel_muscle(g, sy.channel[i]) == BL_MUSCLE_ST) st_row = i;
    if (st_row != SIZE_MAX && sy.rank) {
        size_t k = 0, peak = 0;
        for (size_t j = 1; j < sy.rank; j++)
            if (sy.modules[st_row * sy.rank + j] > sy.modules[st_row * sy.rank + k]) k = j;
        for (size_t p2 = 0; p2 < sy.points; p2++)
            if (sy.mean_primitives[k * sy.points + p2] > sy.mean_primitives[k * sy.points + peak]) peak = p2;
        double ph = bl_gait_channel_point_phase(g, sy.channel[st_row], peak);
        fprintf(stderr, "  the ST synergy (%zu) peaks at %.1f %%\n", k + 1, ph);
        CHECK_MSG(ph >= 85 || ph <= 5, "the hamstring synergy peaks at %.1f %%", ph);
    } else {
        CHECK_MSG(0, "ST is not in the synergies");
    }
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(rec);
    return test_finish("test_gait_real");
}
