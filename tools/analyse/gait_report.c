/* JSON and CSV reports of `backline-analyse gait`: cycles, per-muscle
 * curves, peak phases, Perry's phase means, bursts and variability, and
 * the parameters block from the library's description (bl_gait_describe). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/backline.h"
#include "doc_render.h"
#include "gait_report.h"
#include "hinge_report.h"
#include "schema_version.h"
#include "tool.h"

static double r4(double v) { return isfinite(v) ? round(v * 1e4) / 1e4 : v; }

static cJSON *curve_json(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; v && i < n; i++)
        cJSON_AddItemToArray(a, isfinite(v[i]) ? cJSON_CreateNumber(r4(v[i])) : cJSON_CreateNull());
    return a;
}

static cJSON *cycles_json(const bl_gait *g)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; k < bl_gait_cycles(g); k++) {
        bl_gait_cycle cy;
        if (bl_gait_get_cycle(g, k, &cy) != BL_OK) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "index", (double)(k + 1));
        cJSON_AddStringToObject(o, "side", bl_gait_side_name(cy.side));
        const double times[4] = {cy.start_s, cy.liftoff_s, cy.end_s, cy.end_s - cy.start_s};
        static const char *const keys[4] = {"start_s", "liftoff_s", "end_s", "duration_s"};
        for (int i = 0; i < 4; i++) cJSON_AddNumberToObject(o, keys[i], r4(times[i]));
        cJSON_AddNumberToObject(o, "stance_pct", r4(bl_gait_cycle_stance_pct(&cy)));
        hinge_json_number(o, "glute_lead_s", r4(bl_gait_cycle_glute_lead_s(g, k)));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *muscle_json(const bl_gait *g, size_t c)
{
    bl_gait_muscle m;
    if (bl_gait_get_muscle(g, c, &m) != BL_OK) return NULL;
    size_t P = bl_gait_points(g);
    cJSON *o = cJSON_CreateObject();
    bl_muscle mu = bl_gait_channel_muscle(g, c);
    cJSON_AddStringToObject(o, "name", bl_gait_channel_name(g, c));
    cJSON_AddStringToObject(o, "muscle", bl_muscle_code(mu) ? bl_muscle_code(mu) : "?");
    cJSON_AddStringToObject(o, "muscle_name", bl_muscle_name(mu) ? bl_muscle_name(mu) : "?");
    cJSON_AddNumberToObject(o, "cycles", (double)m.cycles);
    hinge_json_number(o, "peak_phase_pct", r4(m.peak_phase_pct));
    hinge_json_number(o, "peak", r4(m.peak));
    hinge_json_number(o, "mean_level", r4(m.mean));
    hinge_json_number(o, "cv_pct", r4(m.cv_pct));
    cJSON *ph = cJSON_AddObjectToObject(o, "phases"), *psd = cJSON_AddObjectToObject(o, "phases_sd");
    for (int p = 0; p < BL_GAIT_PHASES; p++) {
        hinge_json_number(ph, bl_gait_phase_name((bl_gait_phase)p), r4(m.phase_mean[p]));
        hinge_json_number(psd, bl_gait_phase_name((bl_gait_phase)p), r4(m.phase_sd[p]));
    }
    cJSON *b = cJSON_AddArrayToObject(o, "bursts");
    for (size_t i = 0; i < bl_gait_channel_bursts(g, c); i++) {
        double on, off;
        if (bl_gait_get_burst(g, c, i, &on, &off) != BL_OK) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "onset_pct", r4(on));
        cJSON_AddNumberToObject(e, "offset_pct", r4(off));
        cJSON_AddItemToArray(b, e);
    }
    cJSON_AddItemToObject(o, "mean", curve_json(bl_gait_channel_mean(g, c), P));
    cJSON_AddItemToObject(o, "sd", curve_json(bl_gait_channel_sd(g, c), P));
    cJSON *pp = cJSON_AddArrayToObject(o, "point_phase_pct");
    for (size_t i = 0; i < P; i++) cJSON_AddItemToArray(pp, cJSON_CreateNumber(r4(bl_gait_channel_point_phase(g, c, i))));
    return o;
}

/* The answers of one side: its numbers, then its statements. */
static cJSON *chain_json(const bl_gait *g, const bl_gait_chain *ch)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "side", bl_gait_side_name(ch->side));
    cJSON_AddNumberToObject(o, "cycles", (double)ch->cycles);
    cJSON_AddNumberToObject(o, "stance_pct", r4(ch->stance_pct));
    cJSON_AddBoolToObject(o, "running", ch->running);
    cJSON_AddBoolToObject(o, "comparable_levels", ch->comparable);
    cJSON_AddStringToObject(o, "pattern", ch->pattern);
    static const char *const tri[] = {"unknown", "no", "yes"};
    cJSON_AddStringToObject(o, "glute_dormant", tri[ch->glute_dormant + 1]);
    cJSON_AddStringToObject(o, "quad_dominant", tri[ch->quad_dominant + 1]);
    cJSON *h = cJSON_AddObjectToObject(o, "hamstrings_pct_of_peak");
    hinge_json_number(h, "terminal_swing_braking", r4(ch->braking_pct));
    hinge_json_number(h, "terminal_stance_pre_swing_propulsion", r4(ch->propulsion_pct));
    hinge_json_number(h, "initial_swing_knee_flexion", r4(ch->knee_flexion_pct));
    hinge_json_number(h, "recovery_initial_mid_swing", r4(ch->recovery_pct));
    cJSON_AddBoolToObject(h, "braking_active", ch->braking_active);
    cJSON_AddBoolToObject(h, "propulsion_active", ch->propulsion_active);
    cJSON_AddBoolToObject(h, "recovery_high", ch->recovery_flag);
    cJSON *l = cJSON_AddObjectToObject(o, "glute_lead");
    hinge_json_number(l, "median_s", r4(ch->glute_lead_s));
    hinge_json_number(l, "median_pct", r4(ch->glute_lead_pct));
    cJSON_AddNumberToObject(l, "cycles", (double)ch->lead_cycles);
    cJSON_AddNumberToObject(l, "glute_first", (double)ch->glute_first);
    cJSON *r = cJSON_AddObjectToObject(o, "stance");
    hinge_json_number(r, "hamstrings", r4(ch->hamstring_stance));
    hinge_json_number(r, "glute", r4(ch->glute_stance));
    hinge_json_number(r, "quads", r4(ch->quad_stance));
    hinge_json_number(r, "glute_hamstring", r4(ch->gh_stance));
    hinge_json_number(r, "quad_hamstring", r4(ch->qh_stance));
    cJSON *ml = cJSON_AddObjectToObject(o, "medial_lateral");
    for (int p = 0; p < BL_GAIT_PHASES; p++) hinge_json_number(ml, bl_gait_phase_name((bl_gait_phase)p), r4(ch->ml_ratio[p]));
    cJSON *st = cJSON_AddArrayToObject(o, "statements");
    for (size_t i = 0; i < bl_gait_statements(g); i++) {
        bl_gait_statement s;
        if (bl_gait_get_statement(g, i, &s) != BL_OK || s.side != ch->side) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "key", s.key);
        cJSON_AddStringToObject(e, "text", s.text);
        cJSON_AddStringToObject(e, "rule", s.rule);
        cJSON_AddItemToArray(st, e);
    }
    return o;
}

/* One side's synergies: R^2 of every rank, and the chosen rank's modules
 * (muscle weights) and primitives (mean over the cycles). */
static cJSON *synergies_json(const bl_gait *g, const bl_gait_synergies *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "side", bl_gait_side_name(s->side));
    cJSON_AddNumberToObject(o, "rank", (double)s->rank);
    cJSON_AddNumberToObject(o, "max_rank", (double)s->max_rank);
    cJSON_AddNumberToObject(o, "cycles", (double)s->cycles);
    cJSON_AddItemToObject(o, "r2", curve_json(s->r2, s->max_rank));
    cJSON *mods = cJSON_AddArrayToObject(o, "modules"), *prims = cJSON_AddArrayToObject(o, "primitives");
    for (size_t k = 0; k < s->rank; k++) {
        cJSON *m = cJSON_CreateObject();
        for (size_t i = 0; i < s->muscles; i++)
            cJSON_AddNumberToObject(m, bl_gait_channel_name(g, s->channel[i]), r4(s->modules[i * s->rank + k]));
        cJSON_AddItemToArray(mods, m);
        cJSON_AddItemToArray(prims, curve_json(s->mean_primitives + k * s->points, s->points));
    }
    return o;
}

static cJSON *parameters_json(const bl_gait *g)
{
    bl_doc *params = NULL;
    if (bl_doc_create(&params) != BL_OK) return NULL;
    cJSON *p = NULL;
    if (bl_gait_describe(g, params, NULL) == BL_OK) p = tool_doc_json(params);
    bl_doc_destroy(params);
    return p;
}

cJSON *gait_report_json(const gait_report *r)
{
    const bl_gait *g = r->g;
    cJSON *doc = cJSON_CreateObject();
    if (!doc) return NULL;
    cJSON_AddNumberToObject(doc, "schema_version", TOOL_SCHEMA_VERSION);
    cJSON_AddStringToObject(doc, "tool", "backline-analyse gait");
    cJSON_AddStringToObject(doc, "version", bl_version());
    cJSON_AddStringToObject(doc, "session", r->session_path);
    if (r->events_path) cJSON_AddStringToObject(doc, "events", r->events_path);
    else cJSON_AddNullToObject(doc, "events");
    cJSON_AddBoolToObject(doc, "events_estimated", bl_gait_estimated(g));
    cJSON_AddStringToObject(doc, "unit", bl_gait_unit(g));
    bl_gait_config cfg;
    bl_gait_get_config(g, &cfg);
    cJSON_AddStringToObject(doc, "normalise", bl_gait_normalise_name(cfg.normalise));
    cJSON_AddNumberToObject(doc, "points_per_cycle", (double)bl_gait_points(g));
    cJSON_AddNumberToObject(doc, "stance_points", r4(bl_gait_stance_points(g)));
    cJSON_AddItemToObject(doc, "cycles", cycles_json(g));
    cJSON *mus = cJSON_AddArrayToObject(doc, "muscles"), *left = cJSON_AddArrayToObject(doc, "left_out");
    for (size_t c = 0; c < bl_gait_channels(g); c++) {
        cJSON *m = muscle_json(g, c);
        if (m) {
            cJSON_AddItemToArray(mus, m);
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", bl_gait_channel_name(g, c));
        cJSON_AddStringToObject(o, "why", bl_gait_channel_why(g, c));
        cJSON_AddItemToArray(left, o);
    }
    cJSON *pc = cJSON_AddArrayToObject(doc, "posterior_chain");
    for (size_t i = 0; i < bl_gait_chains(g); i++) {
        bl_gait_chain ch;
        if (bl_gait_get_chain(g, i, &ch) == BL_OK) cJSON_AddItemToArray(pc, chain_json(g, &ch));
    }
    cJSON *sym = cJSON_AddArrayToObject(doc, "symmetry");
    for (size_t i = 0; i < bl_gait_symmetries(g); i++) {
        bl_gait_symmetry sy;
        if (bl_gait_get_symmetry(g, i, &sy) != BL_OK) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "muscle", bl_muscle_code(sy.muscle));
        cJSON_AddStringToObject(o, "left", bl_gait_channel_name(g, sy.left));
        cJSON_AddStringToObject(o, "right", bl_gait_channel_name(g, sy.right));
        hinge_json_number(o, "level_left", r4(sy.level_left));
        hinge_json_number(o, "level_right", r4(sy.level_right));
        hinge_json_number(o, "symmetry_index_pct", r4(sy.si_pct));
        hinge_json_number(o, "r", r4(sy.r));
        hinge_json_number(o, "lag_pct", r4(sy.lag_pct));
        hinge_json_number(o, "peak_phase_diff_pct", r4(sy.peak_diff_pct));
        cJSON_AddBoolToObject(o, "comparable_levels", sy.comparable);
        cJSON_AddItemToArray(sym, o);
    }
    cJSON *syn = cJSON_AddArrayToObject(doc, "synergies");
    for (size_t i = 0; i < bl_gait_synergy_sets(g); i++) {
        bl_gait_synergies sy;
        if (bl_gait_get_synergies(g, i, &sy) == BL_OK) cJSON_AddItemToArray(syn, synergies_json(g, &sy));
    }
    cJSON *params = parameters_json(g);
    if (!params) { /* a report without its methods is no report */
        cJSON_Delete(doc);
        return NULL;
    }
    cJSON_AddItemToObject(doc, "parameters", params);
    cJSON *w = cJSON_AddArrayToObject(doc, "warnings");
    for (size_t i = 0; i < bl_gait_warnings(g); i++) cJSON_AddItemToArray(w, cJSON_CreateString(bl_gait_warning(g, i)));
    return doc;
}


int gait_write_json(tool_output *o, const cJSON *doc) { return hinge_write_json(o, doc); }

int gait_write_csv(tool_output *o, const gait_report *r)
{
    const bl_gait *g = r->g;
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("%s: cannot write: %s", o->path, strerror(errno));
    fprintf(f, "cycle,side,start_s,liftoff_s,end_s,events_estimated,channel,muscle,point,phase_pct,value,unit\n");
    int est = bl_gait_estimated(g);
    size_t P = bl_gait_points(g);
    for (size_t c = 0; c < bl_gait_channels(g); c++) {
        bl_muscle mu = bl_gait_channel_muscle(g, c);
        for (size_t k = 0; k < bl_gait_channel_cycles(g, c); k++) {
            size_t idx = bl_gait_channel_cycle(g, c, k);
            bl_gait_cycle cy;
            const double *v = bl_gait_channel_curve(g, c, k), *ph = bl_gait_channel_curve_phase(g, c, k);
            if (!v || !ph || bl_gait_get_cycle(g, idx, &cy) != BL_OK) continue;
            for (size_t i = 0; i < P; i++)
                fprintf(f, "%zu,%s,%.4f,%.4f,%.4f,%d,%s,%s,%zu,%.3f,%.6g,%s\n", idx + 1, bl_gait_side_name(cy.side),
                        cy.start_s, cy.liftoff_s, cy.end_s, est, bl_gait_channel_name(g, c),
                        bl_muscle_code(mu) ? bl_muscle_code(mu) : "", i, ph[i], v[i], bl_gait_unit(g));
        }
    }
    if (tool_output_close(o) != 0) {
        tool_outputs_abort(o, 1);
        return tool_error("%s: write failed (disk full?)", o->path);
    }
    return 0;
}
