/* `backline-analyse hinge`: repetitions, per-repetition metrics and the
 * torque-chain verdict of a hip-hinge set, as JSON (always), CSV and a
 * self-contained HTML page, with a readable table on stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/hinge.h"
#include "backline/recording.h"
#include "commands.h"
#include "conditioning_args.h"
#include "doc_render.h"
#include "hinge_report.h"
#include "hinge_span.h"
#include "output.h"
#include "progress.h"
#include "tool.h"

#define MAX_MVC 32

static const char hinge_help[] =
    "usage: backline-analyse hinge SESSION [--map MAP] [--mvc FILE]... --json OUT\n"
    "                              [--csv OUT] [--html OUT] [--chain CODE=CHAIN,...]\n"
    "                              [--rate HZ] [--bandpass LO:HI] [--order N] [--notch auto|off|50|60]\n"
    "                              [--ecg auto|remove|off] [--between-markers A,B] [--quiet]\n"
    "\n"
    "Finds the repetitions of a hip-hinge set and, per repetition, the mean and peak\n"
    "%MVC, iEMG, onset and median frequency of every channel, the medial:lateral\n"
    "hamstring, glute:hamstring, erector-share and hamstring:quad ratios, and the\n"
    "torque-chain index (+1 internal: medial hamstrings, external obliques; -1\n"
    "external: biceps femoris, lumbar erectors) with its verdict and reason.\n"
    "\n"
    "  --map MAP          channel map, e.g. L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL (default: stored in SESSION)\n"
    "  --mvc FILE         MVC trial in the same layout (repeatable); the reference per channel is the\n"
    "                     largest 0.5 s moving average of its envelope across all trials. Without\n"
    "                     trials the session's own peak is used (lower confidence, flagged)\n"
    "  --json OUT         JSON report: reps, summary, parameters (ISEK style), warnings\n"
    "  --csv OUT          one row per repetition and channel\n"
    "  --html OUT         self-contained HTML report (opens offline)\n"
    "  --chain LIST       override the chain table, e.g. ST=internal,BF=external,GMED=none\n"
    "  --between-markers A,B  analyse only the span from marker A to marker B of SESSION (numbers\n"
    "                     as `backline-analyse info` lists them, A < B): the span is conditioned\n"
    "                     and segmented on its own; every time reported stays from the file's first\n"
    "                     frame, and the JSON says which markers (between_markers). Not with --html\n"
    "                     (its plot would be on the span's clock)\n"
    "  --rate HZ          analysis rate in Hz (default 2000)\n"
    "  --bandpass LO:HI   band-pass corners in Hz (default 20:450)\n"
    "  --order N          Butterworth order of the band-pass, SciPy's N (default 4)\n"
    "  --notch MODE       mains removal: auto, off, 50 or 60 (default auto)\n\n"
    "  --ecg MODE         ECG removal: auto (trunk channels where a heartbeat is found), remove\n"
    "                     (every EMG channel where one is found) or off (default auto)\n"
    "  --threads N        worker threads: 0 = one per core (default), 1 = none; same results for any N\n"
    "  --quiet            no progress line (shown on a terminal for work over 2 s), no \"replacing\n"
    "                     OUT\" line for a report that existed (reports are replaced whole)\n"
    TOOL_CALIBRATION_HELP_MVC
    TOOL_STDIO_HELP;

/* "normalised to MVC trials", and how many channels are left out. */
static void print_header(FILE *out, const hinge_report *r, const bl_hinge_summary *s)
{
    const bl_hinge *h = r->h;
    size_t left = 0;
    for (size_t c = 0; c < bl_hinge_channels(h); c++) left += bl_hinge_channel_why(h, c)[0] != '\0';
    fprintf(out, "%s: %zu repetition%s, %s", r->session_path, s->reps, s->reps == 1 ? "" : "s",
            r->n_mvc ? "normalised to MVC trials"
                     : "normalised to the session peak (no MVC trials: no absolute verdict, only the lean against "
                       "the set)");
    if (left) fprintf(out, "; %zu channel%s left out (warnings above)", left, left == 1 ? "" : "s");
    fprintf(out, "\n");
}

static void print_table(FILE *out, const hinge_report *r)
{
    const bl_hinge *h = r->h;
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    print_header(out, r, &s);
    if (s.reps) {
        fprintf(out, "\n  rep start_s   end_s   chain     index  vs set         ham.bal  M:L   G:H   ES%%   H:Q   "
                     "first to fire\n");
        size_t order[64];
        for (size_t k = 0; k < s.reps; k++) {
            bl_hinge_rep rep;
            if (bl_hinge_get_rep(h, k, &rep) != BL_OK) continue;
            size_t n = bl_hinge_firing_order(h, k, order, 64);
            char idx[16], hb[16];
            if (isfinite(rep.chain_index)) snprintf(idx, sizeof idx, "%+.2f", rep.chain_index);
            else snprintf(idx, sizeof idx, "-");
            if (isfinite(rep.hamstring_balance)) snprintf(hb, sizeof hb, "%+.2f", rep.hamstring_balance);
            else snprintf(hb, sizeof hb, "-");
            fprintf(out, "  %3zu %7.2f %7.2f   %-9s %5s  %-13s %6s", k + 1, rep.start_s + r->t0_s, rep.end_s + r->t0_s,
                    bl_hinge_verdict_name(rep.verdict), idx, rep.lean == BL_LEAN_NONE ? "-" : bl_hinge_lean_name(rep.lean),
                    hb);
            double vals[4] = {rep.medial_lateral, rep.glute_hamstring, 100.0 * rep.erector_share, rep.hamstring_quad};
            for (int i = 0; i < 4; i++) {
                if (isfinite(vals[i])) fprintf(out, i == 2 ? " %5.0f" : " %5.2f", vals[i]);
                else fprintf(out, " %5s", "-");
            }
            fprintf(out, "   %s\n", n ? bl_hinge_channel_name(h, order[0]) : "-");
        }
    }
    if (s.reps)
        fprintf(out, "\n  index: torque-chain index, +1 internal to -1 external (normalised groups); ham.bal: medial vs\n"
                     "  lateral hamstring balance (-1..+1); M:L medial:lateral hamstring, G:H glute:hamstring, ES%%\n"
                     "  ES/(hamstrings+GMAX+ES), H:Q hamstring:quad, all from mean %%MVC over the repetition\n");
    fprintf(out, "\n  verdicts: %zu internal, %zu external, %zu mixed, %zu unknown", s.internal, s.external, s.mixed,
            s.unknown);
    if (isfinite(s.mean_index)) fprintf(out, "; mean index %+.2f", s.mean_index);
    if (isfinite(s.fatigue_slope_hz)) fprintf(out, "; median frequency %+.2f Hz/rep", s.fatigue_slope_hz);
    fprintf(out, "\n");
    bl_hinge_config used;
    if (s.reps && bl_hinge_get_config(h, &used) == BL_OK)
        fprintf(out, "  against the set (vs set: index beyond +/-%.2f of its median): %s\n", used.verdict_margin,
                s.relative);
    for (size_t k = 0; k < s.reps && k < 3; k++) {
        bl_hinge_rep rep;
        if (bl_hinge_get_rep(h, k, &rep) == BL_OK) fprintf(out, "  rep %zu: %s\n", k + 1, rep.reason);
    }
    if (s.reps > 3) fprintf(out, "  (reasons of every repetition in the JSON report)\n");
    fprintf(out, "\n  parameters:\n");
    bl_doc *lines = NULL;
    if (bl_doc_create(&lines) == BL_OK && bl_hinge_describe(h, NULL, NULL, NULL, lines) == BL_OK)
        tool_print_summary(out, "    ", lines);
    bl_doc_destroy(lines);
}

/* The report options' names (and --between-markers without --html); 0 or
 * 2 after a usage line. */
static int check_report_names(const tool_args *a)
{
    const char *json_path = tool_args_get(a, "--json"), *csv_path = tool_args_get(a, "--csv"),
               *html_path = tool_args_get(a, "--html");
    if (!json_path) return tool_usage_error("hinge needs --json OUT");
    if (!tool_output_is(json_path, TOOL_OUTPUT_JSON))
        return tool_usage_error("--json %s: the file name must end in .json", json_path);
    if (csv_path && !tool_output_is(csv_path, TOOL_OUTPUT_CSV))
        return tool_usage_error("--csv %s: the file name must end in .csv", csv_path);
    if (html_path && !tool_output_is(html_path, TOOL_OUTPUT_HTML))
        return tool_usage_error("--html %s: the file name must end in .html", html_path);
    if (tool_args_get(a, "--between-markers") && html_path)
        return tool_usage_error("--between-markers cannot go with --html yet (the page would plot the span on its "
                                "own clock); use --json and --csv");
    return 0;
}

/* The reports in the order written (JSON, then CSV and HTML when asked),
 * none the same file as the session, a trial or each other. 0, or 2
 * after a usage line. */
static int plan_reports(const tool_args *a, const char *session, const char *const *mvc_paths, size_t n_mvc,
                        tool_output outs[3], size_t *n_outs)
{
    static const char *const options[3] = {"--json", "--csv", "--html"};
    *n_outs = 0;
    for (int i = 0; i < 3; i++) {
        const char *p = tool_args_get(a, options[i]);
        if (!p) continue;
        tool_output_init(&outs[*n_outs], options[i], p);
        outs[(*n_outs)++].quiet = tool_args_has(a, "--quiet");
    }
    const char *inputs[MAX_MVC + 1] = {session};
    for (size_t i = 0; i < n_mvc; i++) inputs[i + 1] = mvc_paths[i];
    return tool_outputs_distinct(inputs, n_mvc + 1, outs, *n_outs);
}

/* All or none: every report is written before any is put in place; one
 * failing (a missing folder, a full disk) leaves none of them. */
static int write_reports(tool_output *outs, size_t n_outs, const hinge_report *rep, const cJSON *doc)
{
    int rc = hinge_write_json(&outs[0], doc);
    for (size_t i = 1; !rc && i < n_outs; i++)
        rc = !strcmp(outs[i].option, "--csv") ? hinge_write_csv(&outs[i], rep) : hinge_write_html(&outs[i], rep, doc);
    if (!rc) rc = tool_outputs_commit(outs, n_outs);
    if (rc) tool_outputs_abort(outs, n_outs);
    return rc;
}

/* The analysis takes the session over (it is conditioned in place, not
 * copied: a long session is held twice, not three times); it is gone once
 * this returns, whatever the outcome. */
static int analyse_session(bl_recording *rec, bl_recording *const *mvc, size_t n_mvc, const bl_hinge_config *cfg,
                           const char *path, bl_hinge **h)
{
    char why[512] = "";
    double rate = bl_recording_rate(rec);
    size_t frames = bl_recording_frames(rec);
    bl_status st = bl_hinge_analyse_take(rec, (const bl_recording *const *)mvc, n_mvc, cfg, h, why, sizeof why);
    if (st == BL_OK) return 0;
    /* The session's own conditioning failures get the detailed line; a
     * trial's ("mvc trial N ...") are the library's. */
    int session = strncmp(why, "mvc trial", 9) != 0;
    if (session && (st == BL_ERATE || st == BL_ERANGE || st == BL_ENONFINITE ||
                    (st == BL_ENODATA && !strncmp(why, "cond", 4))))
        return tool_conditioning_error_at(path, rate, frames, &cfg->envelope, st);
    return why[0] ? tool_error("%s", why) : tool_error("%s: %s", path, bl_strerror(st));
}

int cmd_hinge(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {TOOL_CONDITIONING_OPTS, {"--mvc", 1, 1}, {"--json", 1, 0}, {"--csv", 1, 0},
                                       {"--html", 1, 0}, {"--chain", 1, 0}, {"--between-markers", 1, 0},
                                       {"--help", 0, 0}, {"-h", 0, 0},
                                       {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        tool_print_help(hinge_help, NULL);
        return 0;
    }
    if (a.n_pos != 1) return tool_usage_error("hinge needs exactly one SESSION file (see hinge --help)");
    const char *chain_text = tool_args_get(&a, "--chain"), *span_spec = tool_args_get(&a, "--between-markers");
    if ((rc = check_report_names(&a)) != 0) return rc;

    bl_hinge_config cfg;
    bl_hinge_config_default(&cfg);
    if ((rc = tool_conditioning_from_args(&a, &cfg.envelope)) != 0 ||
        (rc = tool_check_conditioning_designs(&a, &cfg.envelope, 1)) != 0)
        return rc;
    if (chain_text) {
        char why[512];
        if (bl_hinge_chain_parse(chain_text, cfg.chain, why, sizeof why) != BL_OK)
            return tool_usage_error("--chain %s: %s", chain_text, why);
    }

    const char *mvc_paths[MAX_MVC];
    size_t n_mvc = 0;
    for (const char *p; (p = tool_args_get_nth(&a, "--mvc", n_mvc)) != NULL;) {
        if (n_mvc == MAX_MVC) return tool_usage_error("--mvc: at most %d trials", MAX_MVC);
        mvc_paths[n_mvc++] = p;
    }

    const char *path = a.pos[0], *map_text = tool_args_get(&a, "--map");
    tool_output outs[3];
    size_t n_outs = 0;
    if ((rc = plan_reports(&a, path, mvc_paths, n_mvc, outs, &n_outs)) != 0) return rc;
    /* Audio-rate files are decimated while read: the quality gate then
     * sees the analysis rate, with clipping counted on the file's samples. */
    tool_progress_start("hinge", tool_args_has(&a, "--quiet"));
    bl_recording *rec = tool_load_at(path, map_text, cfg.envelope.rate_hz);
    if (!rec) return tool_load_failure();
    hinge_span span = {0};
    if (span_spec && (rc = hinge_span_cut(span_spec, path, &rec, &span)) != 0) {
        tool_progress_end();
        bl_recording_destroy(rec);
        return rc;
    }
    bl_recording *mvc[MAX_MVC] = {0};
    bl_hinge *h = NULL;
    cJSON *doc = NULL;
    rc = 1;
    for (size_t i = 0; i < n_mvc; i++) {
        /* Trials are recorded in the session's layout: they get --map, their
         * own stored map (a different one is an error in the analysis), or
         * failing both the session's. */
        mvc[i] = tool_load_or(mvc_paths[i], map_text, bl_recording_chanmap(rec), cfg.envelope.rate_hz);
        if (!mvc[i] && (rc = tool_load_failure()) != 0) goto done;
    }
    tool_progress_stage("analysing");
    rc = analyse_session(rec, mvc, n_mvc, &cfg, path, &h);
    rec = NULL;
    if (rc) goto done;
    hinge_report rep = {path, mvc_paths, n_mvc, h, span.t0_s};
    doc = hinge_report_json(&rep);
    if (!doc) {
        rc = tool_error("out of memory building the report");
        goto done;
    }
    if (span_spec && (rc = hinge_span_apply(doc, &span)) != 0) goto done;
    tool_progress_stage("writing");
    if ((rc = write_reports(outs, n_outs, &rep, doc)) != 0) goto done;
    tool_progress_end();
    /* Warnings only once the reports exist, so a failure stays one line.
     * The session-peak fallback is among them when there are no trials. */
    for (size_t i = 0; i < bl_hinge_warnings(h); i++) tool_warn("%s", bl_hinge_warning(h, i));
    if (span_spec)
        printf("between markers %zu (\"%s\", %.3f s) and %zu (\"%s\", %.3f s); times from the file's first frame\n",
               span.from, span.a.label, span.a.time_s, span.to, span.b.label, span.b.time_s);
    print_table(stdout, &rep);
    rc = 0;
done:
    cJSON_Delete(doc);
    bl_hinge_destroy(h);
    for (size_t i = 0; i < n_mvc; i++) bl_recording_destroy(mvc[i]);
    bl_recording_destroy(rec);
    return rc;
}
