/* JSON report of `backline-analyse hinge` (cJSON): reps, summary,
 * parameters (ISEK-style: every filter, rate, normalisation and reference)
 * and warnings. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/backline.h"
#include "backline/hinge.h"
#include "doc_render.h"
#include "hinge_report.h"
#include "schema_version.h"
#include "tool.h"

void hinge_json_number(cJSON *obj, const char *key, double v)
{
    if (isfinite(v)) cJSON_AddNumberToObject(obj, key, v);
    else cJSON_AddNullToObject(obj, key);
}

/* Round for readability: 4 significant decimals are more than any of
 * these numbers carry. */
static double r4(double v) { return isfinite(v) ? round(v * 1e4) / 1e4 : v; }

/* The channel's quality grade and the checks that failed or warned, with
 * their reasons (the full assessment is `backline-analyse quality`'s). */
static cJSON *quality_json(const bl_quality *q, size_t c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "grade", bl_grade_name(bl_quality_channel_grade(q, c)));
    cJSON *failed = cJSON_AddObjectToObject(o, "failed"), *warned = cJSON_AddObjectToObject(o, "warned");
    for (int k = 0; k < BL_QC_COUNT; k++) {
        bl_quality_result r;
        if (bl_quality_get_check(q, c, (bl_quality_check)k, &r) != BL_OK) continue;
        if (r.grade == BL_GRADE_FAIL || r.grade == BL_GRADE_WARN)
            cJSON_AddStringToObject(r.grade == BL_GRADE_FAIL ? failed : warned,
                                    bl_quality_check_name((bl_quality_check)k), r.reason);
    }
    return o;
}

static cJSON *channels_json(const hinge_report *r)
{
    const bl_hinge *h = r->h;
    cJSON *arr = cJSON_CreateArray();
    for (size_t c = 0; c < bl_hinge_channels(h); c++) {
        cJSON *o = cJSON_CreateObject();
        bl_muscle m = bl_hinge_channel_muscle(h, c);
        cJSON_AddStringToObject(o, "name", bl_hinge_channel_name(h, c));
        cJSON_AddStringToObject(o, "muscle", bl_muscle_code(m) ? bl_muscle_code(m) : "?");
        cJSON_AddStringToObject(o, "muscle_name", bl_muscle_name(m) ? bl_muscle_name(m) : "?");
        cJSON_AddStringToObject(o, "chain", bl_chain_name(bl_hinge_channel_chain(h, c)));
        cJSON_AddStringToObject(o, "state", bl_hinge_ch_state_name(bl_hinge_channel_state(h, c)));
        if (bl_hinge_channel_why(h, c)[0]) cJSON_AddStringToObject(o, "left_out", bl_hinge_channel_why(h, c));
        if (bl_hinge_channel_state(h, c) != BL_HINGE_CH_AUX)
            cJSON_AddItemToObject(o, "quality", quality_json(bl_hinge_quality(h), c));
        bl_mvc_reference ref;
        if (bl_hinge_channel_state(h, c) != BL_HINGE_CH_AUX && bl_hinge_get_channel_reference(h, c, &ref) == BL_OK) {
            cJSON *ro = cJSON_AddObjectToObject(o, "mvc_reference");
            hinge_json_number(ro, "value", r4(ref.value));
            cJSON_AddStringToObject(ro, "unit", bl_hinge_unit(h));
            cJSON_AddStringToObject(ro, "source", bl_mvc_source_name(ref.source));
            if (ref.source == BL_MVC_TRIALS && ref.trial < r->n_mvc)
                cJSON_AddStringToObject(ro, "file", r->mvc_paths[ref.trial]);
            else if (ref.source == BL_MVC_SESSION_PEAK)
                cJSON_AddStringToObject(ro, "file", r->session_path);
            hinge_json_number(ro, "window_centre_s", r4(ref.time_s));
            cJSON_AddNumberToObject(ro, "trials_used", (double)ref.trials_used);
        }
        hinge_json_number(o, "median_freq_slope_hz_per_rep", r4(bl_hinge_channel_mf_slope(h, c)));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *reps_json(const bl_hinge *h)
{
    cJSON *arr = cJSON_CreateArray();
    size_t nch = bl_hinge_channels(h);
    size_t order[256];
    for (size_t k = 0; k < bl_hinge_reps(h); k++) {
        bl_hinge_rep rep;
        if (bl_hinge_get_rep(h, k, &rep) != BL_OK) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "index", (double)(k + 1));
        cJSON_AddNumberToObject(o, "start_s", r4(rep.start_s));
        cJSON_AddNumberToObject(o, "end_s", r4(rep.end_s));
        cJSON_AddNumberToObject(o, "duration_s", r4(rep.end_s - rep.start_s));
        cJSON_AddStringToObject(o, "chain", bl_hinge_verdict_name(rep.verdict));
        hinge_json_number(o, "chain_index", r4(rep.chain_index));
        cJSON_AddStringToObject(o, "reason", rep.reason ? rep.reason : "");
        hinge_json_number(o, "index_vs_set_median", r4(rep.relative_index));
        cJSON_AddStringToObject(o, "lean", bl_hinge_lean_name(rep.lean));
        cJSON *ph = cJSON_AddObjectToObject(o, "phases");
        cJSON_AddStringToObject(ph, "method", rep.phase_method);
        if (isfinite(rep.turn_s)) {
            cJSON *e = cJSON_AddObjectToObject(ph, "eccentric");
            cJSON_AddNumberToObject(e, "start_s", r4(rep.start_s));
            cJSON_AddNumberToObject(e, "end_s", r4(rep.turn_s));
            cJSON *cc = cJSON_AddObjectToObject(ph, "concentric");
            cJSON_AddNumberToObject(cc, "start_s", r4(rep.turn_s));
            cJSON_AddNumberToObject(cc, "end_s", r4(rep.end_s));
        } else {
            cJSON_AddNullToObject(ph, "eccentric");
            cJSON_AddNullToObject(ph, "concentric");
        }
        cJSON *b = cJSON_AddObjectToObject(o, "balances");
        hinge_json_number(b, "hamstring", r4(rep.hamstring_balance));
        hinge_json_number(b, "trunk", r4(rep.trunk_balance));
        hinge_json_number(b, "other", r4(rep.other_balance));
        cJSON *ra = cJSON_AddObjectToObject(o, "ratios");
        hinge_json_number(ra, "medial_lateral_hamstring", r4(rep.medial_lateral));
        hinge_json_number(ra, "glute_hamstring", r4(rep.glute_hamstring));
        hinge_json_number(ra, "erector_share", r4(rep.erector_share));
        hinge_json_number(ra, "hamstring_quad", r4(rep.hamstring_quad));
        hinge_json_number(o, "hamstring_mean_pct_mvc", r4(rep.hamstring_pct));
        size_t n = bl_hinge_firing_order(h, k, order, sizeof order / sizeof order[0]);
        cJSON *fo = cJSON_AddArrayToObject(o, "firing_order");
        for (size_t i = 0; i < n && i < sizeof order / sizeof order[0]; i++)
            cJSON_AddItemToArray(fo, cJSON_CreateString(bl_hinge_channel_name(h, order[i])));
        cJSON *chs = cJSON_AddObjectToObject(o, "channels");
        for (size_t c = 0; c < nch; c++) {
            bl_hinge_ch_state s = bl_hinge_channel_state(h, c);
            if (s == BL_HINGE_CH_AUX) continue;
            bl_hinge_rep_channel rc;
            if (bl_hinge_get_rep_channel(h, k, c, &rc) != BL_OK) continue;
            cJSON *co = cJSON_AddObjectToObject(chs, bl_hinge_channel_name(h, c));
            hinge_json_number(co, "mean_pct_mvc", r4(rc.mean_pct));
            hinge_json_number(co, "peak_pct_mvc", r4(rc.peak_pct));
            hinge_json_number(co, "iemg_pct_mvc_s", r4(rc.iemg));
            hinge_json_number(co, "onset_s", r4(rc.onset_s));
            hinge_json_number(co, "median_freq_hz", r4(rc.median_hz));
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *summary_json(const bl_hinge *h)
{
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "reps", (double)s.reps);
    cJSON *v = cJSON_AddObjectToObject(o, "verdicts");
    cJSON_AddNumberToObject(v, "internal", (double)s.internal);
    cJSON_AddNumberToObject(v, "external", (double)s.external);
    cJSON_AddNumberToObject(v, "mixed", (double)s.mixed);
    cJSON_AddNumberToObject(v, "unknown", (double)s.unknown);
    hinge_json_number(o, "mean_chain_index", r4(s.mean_index));
    hinge_json_number(o, "median_chain_index", r4(s.median_index));
    hinge_json_number(o, "index_drift_per_rep", r4(s.drift_per_rep));
    hinge_json_number(o, "index_drift_over_set", r4(s.drift));
    cJSON_AddStringToObject(o, "relative_to_set", s.relative ? s.relative : "");
    hinge_json_number(o, "fatigue_slope_hz_per_rep", r4(s.fatigue_slope_hz));
    cJSON_AddStringToObject(o, "fatigue_index", bl_hinge_fatigue_method());
    cJSON_AddStringToObject(o, "normalisation", s.normalised_to_mvc ? "mvc" : "session-peak");
    cJSON_AddStringToObject(o, "confidence", s.normalised_to_mvc ? "normal" : "lower (no MVC reference for every channel)");
    return o;
}

/* The library's description of what the analysis did (bl_hinge_describe). */
static cJSON *parameters_json(const hinge_report *r)
{
    bl_doc *params = NULL;
    if (bl_doc_create(&params) != BL_OK) return NULL;
    cJSON *p = NULL;
    if (bl_hinge_describe(r->h, r->session_path, r->mvc_paths, params, NULL) == BL_OK) p = tool_doc_json(params);
    bl_doc_destroy(params);
    return p;
}

cJSON *hinge_report_json(const hinge_report *r)
{
    const bl_hinge *h = r->h;
    cJSON *doc = cJSON_CreateObject();
    if (!doc) return NULL;
    cJSON_AddNumberToObject(doc, "schema_version", TOOL_SCHEMA_VERSION);
    cJSON_AddStringToObject(doc, "tool", "backline-analyse hinge");
    cJSON_AddStringToObject(doc, "version", bl_version());
    cJSON_AddStringToObject(doc, "session", r->session_path);
    cJSON_AddItemToObject(doc, "channels", channels_json(r));
    cJSON_AddItemToObject(doc, "reps", reps_json(h));
    cJSON_AddItemToObject(doc, "summary", summary_json(h));
    cJSON *params = parameters_json(r);
    if (!params) { /* a report without its methods is no report */
        cJSON_Delete(doc);
        return NULL;
    }
    cJSON_AddItemToObject(doc, "parameters", params);
    cJSON *w = cJSON_AddArrayToObject(doc, "warnings");
    for (size_t i = 0; i < bl_hinge_warnings(h); i++)
        cJSON_AddItemToArray(w, cJSON_CreateString(bl_hinge_warning(h, i)));
    return doc;
}

int hinge_write_json(tool_output *o, const cJSON *doc)
{
    char *text = cJSON_Print(doc);
    if (!text) return tool_error("%s: out of memory formatting the JSON report", o->path);
    FILE *f = tool_output_open(o);
    if (!f) {
        int e = errno;
        cJSON_free(text);
        return tool_error("%s: cannot write: %s", o->path, strerror(e));
    }
    int bad = fputs(text, f) < 0 || fputc('\n', f) == EOF;
    bad |= tool_output_close(o) != 0;
    cJSON_free(text);
    if (bad) {
        tool_outputs_abort(o, 1);
        return tool_error("%s: write failed (disk full?)", o->path);
    }
    return 0;
}
