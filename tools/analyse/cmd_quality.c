/* `backline-analyse quality FILE`: every channel graded pass, warn or
 * fail (the library's checks, quality.h), as a table on stdout, JSON and a
 * tidy CSV. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backline/quality.h"
#include "calibration_args.h"
#include "commands.h"
#include "csv.h"
#include "doc_render.h"
#include "hinge_report.h"
#include "output.h"
#include "output_file.h"
#include "schema_version.h"
#include "tool.h"

static const char quality_help[] =
    "usage: backline-analyse quality FILE [--map MAP] [--json OUT] [--csv OUT] [--quiet]\n"
    "\n"
    "Grades every EMG channel pass, warn or fail: clipping, flat (dead electrode),\n"
    "mains hum, baseline noise (uV), SNR, motion artefact (power below 20 Hz), ECG,\n"
    "crosstalk between the medial and lateral hamstring sites, and a spectrum that\n"
    "is not raw surface EMG (a tone, a needle recording, an envelope). Thresholds\n"
    "and their sources are in the JSON's parameters.\n"
    "\n"
    "  --map MAP    channel map, e.g. L.ST,L.BF (default: the map stored in FILE, else\n"
    "               every channel generic EMG; crosstalk needs the hamstring sites named)\n"
    "  --json OUT   JSON: channels with their grade and every check, mains_hz, parameters\n"
    "  --csv OUT    tidy CSV, one row per channel x check: channel,channel_grade,check,value,\n"
    "               unit,grade,reason\n"
    "  --quiet      no \"replacing OUT\" line when OUT existed (it is replaced whole)\n"
    TOOL_CALIBRATION_HELP
    TOOL_STDIO_HELP;

/* One check as JSON: value, unit, grade and reason, and its extra number. */
static cJSON *check_json(const bl_quality_result *r, bl_quality_check k, const bl_quality *q)
{
    cJSON *o = cJSON_CreateObject();
    hinge_json_number(o, "value", r->value);
    cJSON_AddStringToObject(o, "unit", r->unit);
    cJSON_AddStringToObject(o, "grade", bl_grade_name(r->grade));
    if (r->reason && r->reason[0]) cJSON_AddStringToObject(o, "reason", r->reason);
    switch (k) {
    case BL_QC_MAINS:
        hinge_json_number(o, "frequency_hz", r->detail > 0 ? r->detail : NAN);
        hinge_json_number(o, "prominence_db", r->value);
        break;
    case BL_QC_SNR: hinge_json_number(o, "activity", r->detail); break;
    case BL_QC_ECG:
        hinge_json_number(o, "heart_rate_bpm", r->detail);
        hinge_json_number(o, "beats", r->detail2);
        break;
    case BL_QC_CROSSTALK:
        if (isfinite(r->detail)) cJSON_AddStringToObject(o, "with", bl_quality_channel_name(q, (size_t)r->detail));
        break;
    case BL_QC_SPECTRUM:
        hinge_json_number(o, "median_hz", r->value);
        hinge_json_number(o, "line_share", r->detail);
        hinge_json_number(o, "high_share", r->detail2);
        break;
    default: break;
    }
    return o;
}

static cJSON *report_json(const char *path, const bl_recording *rec, const bl_quality *q, const bl_doc *params)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", TOOL_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "tool", "backline-analyse quality");
    cJSON_AddStringToObject(root, "version", bl_version());
    cJSON_AddStringToObject(root, "file", path);
    cJSON_AddStringToObject(root, "amplitude_unit", bl_quality_unit(q));
    /* Gains given on the command line (--scale/--unit), not by the file. */
    const char *calibration = bl_recording_meta(rec, "calibration");
    if (calibration) cJSON_AddStringToObject(root, "amplitude_calibration", calibration);
    hinge_json_number(root, "mains_hz", bl_quality_mains_hz(q) > 0 ? bl_quality_mains_hz(q) : NAN);
    hinge_json_number(root, "mains_prominence_db", bl_quality_mains_prominence(q));
    cJSON *chs = cJSON_AddArrayToObject(root, "channels");
    for (size_t c = 0; c < bl_quality_channels(q); c++) {
        bl_grade g = bl_quality_channel_grade(q, c);
        if (g == BL_GRADE_NA) continue; /* AUX */
        cJSON *ch = cJSON_CreateObject();
        cJSON_AddItemToArray(chs, ch);
        cJSON_AddStringToObject(ch, "name", bl_quality_channel_name(q, c));
        cJSON_AddStringToObject(ch, "grade", bl_grade_name(g));
        cJSON *checks = cJSON_AddObjectToObject(ch, "checks");
        for (int k = 0; k < BL_QC_COUNT; k++) {
            bl_quality_result r;
            bl_quality_get_check(q, c, (bl_quality_check)k, &r);
            cJSON_AddItemToObject(checks, bl_quality_check_name((bl_quality_check)k),
                                  check_json(&r, (bl_quality_check)k, q));
        }
    }
    cJSON_AddItemToObject(root, "parameters", tool_doc_json(params));
    return root;
}

/* The tidy table: one row per EMG channel and check (schemas/columns.csv,
 * table quality.csv). */
static int write_csv(tool_output *o, const bl_quality *q)
{
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("--csv %s: cannot write: %s", o->path, strerror(errno));
    fputs("channel,channel_grade,check,value,unit,grade,reason\n", f);
    for (size_t c = 0; c < bl_quality_channels(q); c++) {
        bl_grade g = bl_quality_channel_grade(q, c);
        if (g == BL_GRADE_NA) continue; /* AUX */
        for (int k = 0; k < BL_QC_COUNT; k++) {
            bl_quality_result r;
            if (bl_quality_get_check(q, c, (bl_quality_check)k, &r) != BL_OK) continue;
            fprintf(f, "%s,%s,%s,", bl_quality_channel_name(q, c), bl_grade_name(g),
                    bl_quality_check_name((bl_quality_check)k));
            tool_csv_number(f, r.value);
            fputc(',', f);
            tool_csv_text(f, r.unit);
            fprintf(f, ",%s,", bl_grade_name(r.grade));
            tool_csv_text(f, r.reason);
            fputc('\n', f);
        }
    }
    if (tool_output_close(o) != 0) return tool_error("--csv %s: write failed (disk full?)", o->path);
    return 0;
}

/* A number of a check for the table, or "-". */
static void cell(char *buf, size_t len, const bl_quality *q, size_t c, bl_quality_check k, double scale,
                 const char *fmt)
{
    bl_quality_result r;
    bl_quality_get_check(q, c, k, &r);
    if (isfinite(r.value)) snprintf(buf, len, fmt, r.value * scale);
    else snprintf(buf, len, "-");
}

static void print_table(const char *path, const bl_quality *q)
{
    double mains = bl_quality_mains_hz(q);
    printf("%s: %zu channel%s, %s; mains: ", path, bl_quality_channels(q), bl_quality_channels(q) == 1 ? "" : "s",
           strcmp(bl_quality_unit(q), "uV") == 0 ? "uV" : "full-scale units (no gains: noise not graded)");
    if (mains > 0) printf("%g Hz, %.1f dB above its neighbourhood\n", mains, bl_quality_mains_prominence(q));
    else printf("none (best %.1f dB)\n", bl_quality_mains_prominence(q));
    printf("\n  %-8s %-5s %8s %9s %8s %9s %7s %8s %7s %7s %7s\n", "channel", "grade", "clip %", "RMS", "mains dB",
           "noise", "SNR dB", "<20 Hz %", "ECG bpm", "xtalk r", "MF Hz");
    for (size_t c = 0; c < bl_quality_channels(q); c++) {
        bl_grade g = bl_quality_channel_grade(q, c);
        if (g == BL_GRADE_NA) continue;
        char v[9][24];
        cell(v[0], sizeof v[0], q, c, BL_QC_CLIPPING, 100, "%.3f");
        cell(v[1], sizeof v[1], q, c, BL_QC_FLAT, 1, "%.3g");
        cell(v[2], sizeof v[2], q, c, BL_QC_MAINS, 1, "%.1f");
        cell(v[3], sizeof v[3], q, c, BL_QC_NOISE, 1, "%.3g");
        cell(v[4], sizeof v[4], q, c, BL_QC_SNR, 1, "%.1f");
        cell(v[5], sizeof v[5], q, c, BL_QC_MOTION, 100, "%.0f");
        cell(v[6], sizeof v[6], q, c, BL_QC_CROSSTALK, 1, "%.2f");
        cell(v[7], sizeof v[7], q, c, BL_QC_SPECTRUM, 1, "%.0f");
        bl_quality_result e;
        bl_quality_get_check(q, c, BL_QC_ECG, &e);
        if (isfinite(e.detail)) snprintf(v[8], sizeof v[8], "%.0f", e.detail);
        else snprintf(v[8], sizeof v[8], "-");
        printf("  %-8s %-5s %8s %9s %8s %9s %7s %8s %7s %7s %7s\n", bl_quality_channel_name(q, c), bl_grade_name(g),
               v[0], v[1], v[2], v[3], v[4], v[5], v[8], v[6], v[7]);
    }
    int any = 0;
    for (size_t c = 0; c < bl_quality_channels(q); c++)
        for (int k = 0; k < BL_QC_COUNT; k++) {
            bl_quality_result r;
            bl_quality_get_check(q, c, (bl_quality_check)k, &r);
            if (r.grade != BL_GRADE_WARN && r.grade != BL_GRADE_FAIL) continue;
            if (!any++) printf("\n");
            printf("  %s %s: %s: %s\n", bl_quality_channel_name(q, c), bl_grade_name(r.grade),
                   bl_quality_check_name((bl_quality_check)k), r.reason);
        }
    printf("\n  RMS, noise: band-passed signal, %s; clip %%: samples at full scale; <20 Hz %%: raw power share "
           "below 20 Hz;\n  xtalk r: correlation with the other hamstring site of the side; MF: raw median "
           "frequency\n", strcmp(bl_quality_unit(q), "uV") == 0 ? "uV" : "FS");
}

int cmd_quality(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {{"--map", 1, 0}, {"--json", 1, 0}, {"--csv", 1, 0}, {"--quiet", 0, 0},
                                         TOOL_CALIBRATION_OPTS, {"--help", 0, 0}, {"-h", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        tool_print_help(quality_help, "the file was assessed, whatever the grades");
        return 0;
    }
    if (a.n_pos != 1) return tool_usage_error("quality needs exactly one FILE (see quality --help)");
    if ((rc = tool_calibration_from_args(&a)) != 0) return rc;
    const char *json_path = tool_args_get(&a, "--json");
    if (json_path && !tool_output_is(json_path, TOOL_OUTPUT_JSON))
        return tool_usage_error("--json %s: the output must end in .json", json_path);
    const char *csv_path = tool_args_get(&a, "--csv");
    if (csv_path && !tool_output_is(csv_path, TOOL_OUTPUT_CSV))
        return tool_usage_error("--csv %s: the output must end in .csv", csv_path);
    const char *path = a.pos[0];
    tool_output outs[2];
    size_t n_out = 0;
    if (json_path) tool_output_init(&outs[n_out++], "--json", json_path);
    if (csv_path) tool_output_init(&outs[n_out++], "--csv", csv_path);
    for (size_t i = 0; i < n_out; i++) outs[i].quiet = tool_args_has(&a, "--quiet");
    if ((rc = tool_outputs_distinct(&path, 1, outs, n_out)) != 0) return rc;
    bl_recording *rec = tool_load_any(path, tool_args_get(&a, "--map"));
    if (!rec) return tool_load_failure();
    bl_quality *q = NULL;
    bl_doc *params = NULL;
    cJSON *doc = NULL;
    char why[512] = "";
    bl_status st = bl_quality_assess(rec, NULL, &q, why, sizeof why);
    if (st != BL_OK) {
        rc = tool_error("%s: %s", path, why[0] ? why : bl_strerror(st));
        goto done;
    }
    if (bl_doc_create(&params) != BL_OK || bl_quality_describe(q, params) != BL_OK ||
        !(doc = report_json(path, rec, q, params))) {
        rc = tool_error("out of memory building the report");
        goto done;
    }
    for (size_t i = 0; i < n_out && rc == 0; i++)
        rc = !strcmp(outs[i].option, "--json") ? hinge_write_json(&outs[i], doc) : write_csv(&outs[i], q);
    if (rc == 0) rc = tool_outputs_commit(outs, n_out);
    if (rc != 0) {
        tool_outputs_abort(outs, n_out);
        goto done;
    }
    print_table(path, q);
done:
    cJSON_Delete(doc);
    bl_doc_destroy(params);
    bl_quality_destroy(q);
    bl_recording_destroy(rec);
    return rc;
}
