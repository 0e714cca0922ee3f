/* `backline-analyse gait`: gait cycles from an events file or a footswitch
 * channel, each muscle's envelope time-normalised per cycle, and per
 * muscle the ensemble curves, peak phase, Perry's phase means, bursts and
 * variability, as JSON and tidy CSV, with a readable table on stdout. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/gait.h"
#include "backline/recording.h"
#include "commands.h"
#include "conditioning_args.h"
#include "doc_render.h"
#include "gait_events.h"
#include "gait_report.h"
#include "output.h"
#include "progress.h"
#include "tool.h"

#define MAX_MVC 32

static const char gait_help[] =
    "usage: backline-analyse gait FILE (--events EVENTS.csv | --footswitch CH[:SIDE]... | --knee CH[:SIDE]...)\n"
    "                             [--normalise phases|cycle] [--task auto|walk|run] [--map MAP]\n"
    "                             [--mvc FILE]... [--json OUT.json] [--csv OUT.csv] [--html OUT.html]\n"
    "                             [--rate HZ] [--bandpass LO:HI] [--order N] [--notch auto|off|50|60]\n"
    "                             [--ecg auto|remove|off] [--quiet]\n"
    "\n"
    "Cuts a walking or running recording into gait cycles (touchdown to the next touchdown\n"
    "of the same side, stance ending at lift-off), time-normalises every muscle's envelope\n"
    "per cycle and reports per muscle the mean and SD curves, the phase of the peak, the mean\n"
    "activity in each of Perry's phases (scaled per cycle by its own lift-off), the bursts of\n"
    "the mean curve and the cycle-to-cycle variability; then the posterior-chain answers:\n"
    "hamstring braking and propulsion, glute-before-hamstring timing, G:H, Q:H, M:L, and the\n"
    "pattern they add up to (normal, dormant-glute, quad-dominant, active-recovery or unknown).\n"
    "\n"
    "  --events markers   events from the markers stored in FILE (a capture's digit keys): 1\n"
    "                     touchdown, 2 lift-off of the right leg; 3 and 4 of the left; other\n"
    "                     markers are ignored (a CSV named markers: give ./markers)\n"
    "  --events FILE      CSV with the header time_s,side,event; side L, R or blank; event\n"
    "                     touchdown or liftoff; times in seconds from the first sample\n"
    "  --footswitch CH[:SIDE]  events from an AUX footswitch/force channel (its 1-based number or\n"
    "                     map name, e.g. 14 or R.AUX; SIDE L or R, default the map's); repeatable,\n"
    "                     one a foot\n"
    "  --knee CH[:SIDE]   events ESTIMATED from an AUX knee goniometer (degrees), after Perry's\n"
    "                     normal knee; every report says they are estimated; repeatable, one a leg\n"
    "  --normalise MODE   phases: stance and swing each to a fixed number of points (default);\n"
    "                     cycle: the whole cycle to 101 points\n"
    "  --task TASK        walk, run or auto (default: running when stance is under half the cycle):\n"
    "                     running adds the hamstrings' activity during leg recovery\n"
    "  --mvc FILE         MVC trial in the same layout (repeatable): amplitudes in %MVC. Without\n"
    "                     trials: uV when the file has gains, else % of each channel's session peak\n"
    "  --map MAP          channel map, e.g. R.ST,R.BF,R.GMAX,R.TA,R.AUX (default: stored in FILE)\n"
    "  --json OUT         JSON report: cycles, muscles, parameters (ISEK style), warnings\n"
    "  --csv OUT          tidy CSV, one row per cycle x muscle x point\n"
    "  --html OUT         self-contained HTML report: a panel per muscle (every cycle, mean +/- SD,\n"
    "                     the stance/swing boundary), the answers, symmetry, synergies\n"
    "  --rate, --bandpass, --order, --notch, --ecg, --threads, --quiet  as for hinge\n"
    TOOL_CALIBRATION_HELP_MVC
    TOOL_STDIO_HELP;

static void print_table(FILE *out, const gait_report *r)
{
    const bl_gait *g = r->g;
    fprintf(out, "%s: %zu gait cycle%s%s, %zu points per cycle (stance to point %.4g), amplitude in %s\n",
            r->session_path, bl_gait_cycles(g), bl_gait_cycles(g) == 1 ? "" : "s",
            bl_gait_estimated(g) ? " from ESTIMATED events (knee angle)" : "", bl_gait_points(g),
            bl_gait_stance_points(g), bl_gait_unit(g));
    fprintf(out, "\n  muscle     cycles  peak %%   CV %%  most active phase   bursts (onset-offset %%)\n");
    for (size_t c = 0; c < bl_gait_channels(g); c++) {
        bl_gait_muscle m;
        if (bl_gait_get_muscle(g, c, &m) != BL_OK) continue;
        int best = 0;
        for (int p = 1; p < BL_GAIT_PHASES; p++)
            if (m.phase_mean[p] > m.phase_mean[best]) best = p;
        fprintf(out, "  %-10s %6zu %7.1f %6.1f  %-18s", bl_gait_channel_name(g, c), m.cycles, m.peak_phase_pct,
                m.cv_pct, bl_gait_phase_name((bl_gait_phase)best));
        for (size_t b = 0; b < bl_gait_channel_bursts(g, c); b++) {
            double on, off;
            if (bl_gait_get_burst(g, c, b, &on, &off) == BL_OK) fprintf(out, " %.0f-%.0f", on, off);
        }
        fprintf(out, "\n");
    }
    if (bl_gait_symmetries(g)) fprintf(out, "\n  left/right     SI %%     r   lag %%\n");
    for (size_t i = 0; i < bl_gait_symmetries(g); i++) {
        bl_gait_symmetry sy;
        if (bl_gait_get_symmetry(g, i, &sy) == BL_OK)
            fprintf(out, "  %-10s %6.1f %5.2f %5.1f\n", bl_muscle_code(sy.muscle), sy.si_pct, sy.r, sy.lag_pct);
    }
    for (size_t i = 0; i < bl_gait_synergy_sets(g); i++) {
        bl_gait_synergies sy;
        if (bl_gait_get_synergies(g, i, &sy) != BL_OK) continue;
        fprintf(out, "\n  synergies %s: %zu (R^2 %.3f; ranks 1-%zu in the JSON report)\n", bl_gait_side_name(sy.side),
                sy.rank, sy.r2[sy.rank - 1], sy.max_rank);
        for (size_t k = 0; k < sy.rank; k++) {
            fprintf(out, "    %zu:", k + 1);
            for (size_t m = 0; m < sy.muscles; m++)
                if (sy.modules[m * sy.rank + k] >= 0.5)
                    fprintf(out, " %s %.2f", bl_gait_channel_name(g, sy.channel[m]), sy.modules[m * sy.rank + k]);
            fprintf(out, "\n");
        }
    }
    if (bl_gait_statements(g)) fprintf(out, "\n  posterior chain (the rules are in the JSON report):\n");
    for (size_t i = 0; i < bl_gait_statements(g); i++) {
        bl_gait_statement s;
        if (bl_gait_get_statement(g, i, &s) == BL_OK) fprintf(out, "    %s\n", s.text);
    }
    fprintf(out, "\n  parameters:\n");
    bl_doc *lines = NULL;
    if (bl_doc_create(&lines) == BL_OK && bl_gait_describe(g, NULL, lines) == BL_OK)
        tool_print_summary(out, "    ", lines);
    bl_doc_destroy(lines);
}

/* All or none: every report is written before any is put in place. */
static int write_reports(tool_output *outs, size_t n_outs, const gait_report *rep)
{
    int rc = 0;
    cJSON *doc = NULL;
    for (size_t i = 0; !rc && i < n_outs; i++) {
        if (!strcmp(outs[i].option, "--csv")) {
            rc = gait_write_csv(&outs[i], rep);
            continue;
        }
        if (!doc && !(doc = gait_report_json(rep))) rc = tool_error("out of memory building the report");
        else if (!strcmp(outs[i].option, "--json")) rc = gait_write_json(&outs[i], doc);
        else rc = gait_write_html(&outs[i], rep, doc);
    }
    cJSON_Delete(doc);
    if (!rc) rc = tool_outputs_commit(outs, n_outs);
    if (rc) tool_outputs_abort(outs, n_outs);
    return rc;
}

/* Options that need no recording; 0 or 2 after a usage line. */
static int check_options(const tool_args *a, bl_gait_config *cfg)
{
    const char *json = tool_args_get(a, "--json"), *csv = tool_args_get(a, "--csv"), *html = tool_args_get(a, "--html"),
               *mode = tool_args_get(a, "--normalise"), *task = tool_args_get(a, "--task");
    if (a->n_pos != 1) return tool_usage_error("gait needs exactly one FILE (see gait --help)");
    if (!!tool_args_get(a, "--events") + !!tool_args_get(a, "--footswitch") + !!tool_args_get(a, "--knee") != 1)
        return tool_usage_error("gait needs one of --events EVENTS.csv, --footswitch CH[:SIDE] or --knee CH[:SIDE]");
    if (json && !tool_output_is(json, TOOL_OUTPUT_JSON))
        return tool_usage_error("--json %s: the file name must end in .json", json);
    if (csv && !tool_output_is(csv, TOOL_OUTPUT_CSV))
        return tool_usage_error("--csv %s: the file name must end in .csv", csv);
    if (html && !tool_output_is(html, TOOL_OUTPUT_HTML))
        return tool_usage_error("--html %s: the file name must end in .html", html);
    bl_gait_config_default(cfg);
    if (mode) {
        int m = bl_gait_normalise_from_name(mode);
        if (m < 0) return tool_usage_error("--normalise %s: expected phases or cycle", mode);
        cfg->normalise = (bl_gait_normalise)m;
    }
    if (task) {
        int t = bl_gait_task_from_name(task);
        if (t < 0) return tool_usage_error("--task %s: expected auto, walk or run", task);
        cfg->task = (bl_gait_task)t;
    }
    int rc = tool_conditioning_from_args(a, &cfg->envelope);
    return rc ? rc : tool_check_conditioning_designs(a, &cfg->envelope, 1);
}

int cmd_gait(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {TOOL_CONDITIONING_OPTS, {"--events", 1, 0}, {"--footswitch", 1, 1}, {"--knee", 1, 1},
                                       {"--normalise", 1, 0}, {"--task", 1, 0}, {"--mvc", 1, 1}, {"--json", 1, 0}, {"--csv", 1, 0},
                                       {"--html", 1, 0}, {"--help", 0, 0}, {"-h", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        tool_print_help(gait_help, NULL);
        return 0;
    }
    bl_gait_config cfg;
    if ((rc = check_options(&a, &cfg)) != 0) return rc;
    const char *path = a.pos[0], *events_path = tool_args_get(&a, "--events"), *map_text = tool_args_get(&a, "--map");
    const char *inputs[MAX_MVC + 2] = {path};
    size_t n_in = 1, n_mvc = 0;
    int from_markers = events_path && !strcmp(events_path, "markers");
    if (events_path && !from_markers) inputs[n_in++] = events_path;
    for (const char *p; (p = tool_args_get_nth(&a, "--mvc", n_mvc)) != NULL; n_mvc++) {
        if (n_mvc == MAX_MVC) return tool_usage_error("--mvc: at most %d trials", MAX_MVC);
        inputs[n_in++] = p;
    }
    tool_output outs[3];
    size_t n_outs = 0;
    static const char *const options[3] = {"--json", "--csv", "--html"};
    for (int i = 0; i < 3; i++) {
        if (!tool_args_get(&a, options[i])) continue;
        tool_output_init(&outs[n_outs], options[i], tool_args_get(&a, options[i]));
        outs[n_outs++].quiet = tool_args_has(&a, "--quiet");
    }
    if ((rc = tool_outputs_distinct(inputs, n_in, outs, n_outs)) != 0) return rc;
    tool_progress_start("gait", tool_args_has(&a, "--quiet"));
    bl_recording *rec = tool_load_at(path, map_text, cfg.envelope.rate_hz), *mvc[MAX_MVC] = {0};
    if (!rec) return tool_load_failure();
    bl_gait_events *ev = from_markers                       ? gait_events_from_markers(path, rec)
                         : events_path                      ? gait_events_from_file(events_path, rec)
                         : tool_args_get(&a, "--footswitch") ? gait_events_from_aux(&a, "--footswitch", rec, &rc)
                                                             : gait_events_from_aux(&a, "--knee", rec, &rc);
    bl_gait *g = NULL;
    if (!ev) {
        rc = rc ? rc : 1;
        goto done;
    }
    rc = 1;
    for (size_t i = 0; i < n_mvc; i++) /* the session's layout, as for hinge */
        if (!(mvc[i] = tool_load_or(inputs[n_in - n_mvc + i], map_text, bl_recording_chanmap(rec), cfg.envelope.rate_hz))) {
            rc = tool_load_failure();
            goto done;
        }
    char why[512] = "";
    tool_progress_stage("analysing");
    bl_status st = bl_gait_analyse(rec, (const bl_recording *const *)mvc, n_mvc, ev, &cfg, &g, why, sizeof why);
    if (st != BL_OK) {
        if (!strncmp(why, "conditioning", 12)) rc = tool_conditioning_error(path, rec, &cfg.envelope, st);
        else if (!strncmp(why, "mvc trial", 9)) rc = tool_error("%s", why);
        else rc = why[0] ? tool_error("%s: %s", path, why) : tool_error("%s: %s", path, bl_strerror(st));
        goto done;
    }
    gait_report rep = {path, events_path, g};
    tool_progress_stage("writing");
    if ((rc = write_reports(outs, n_outs, &rep)) != 0) goto done;
    tool_progress_end();
    for (size_t i = 0; i < bl_gait_warnings(g); i++) tool_warn("%s", bl_gait_warning(g, i));
    print_table(stdout, &rep);
    rc = 0;
done:
    for (size_t i = 0; i < n_mvc; i++) bl_recording_destroy(mvc[i]);
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(rec);
    return rc;
}
