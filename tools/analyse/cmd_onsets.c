/* `backline-analyse onsets`: burst onsets and offsets per EMG channel, as
 * JSON (cJSON) plus a readable summary. Conditioning comes from the shared
 * options (--rate --bandpass --order --notch); detection from
 * backline/onset.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backline/chanmap.h"
#include "backline/envelope.h"
#include "backline/onset.h"
#include "backline/recording.h"
#include "commands.h"
#include "conditioning_args.h"
#include "doc_render.h"
#include "output.h"
#include "progress.h"
#include "schema_version.h"
#include "tool.h"

static const char onsets_help[] =
    "usage: backline-analyse onsets FILE [--map MAP] [--method baseline|double|tkeo]\n"
    "                               [--rate HZ] [--bandpass LO:HI] [--order N] [--notch MODE]\n"
    "                               [--lowpass HZ] [--k K] [--baseline START:END]\n"
    "                               [--baseline-window S] [--min-on S] [--min-off S]\n"
    "                               [--double-window S] [--double-fraction F]\n"
    "                               [--tkeo-lowpass HZ] [--backtrack-k B|off] [--json OUT] [--quiet]\n"
    "\n"
    "Burst onsets and offsets of every EMG channel. The recording is resampled to the\n"
    "analysis rate and band-passed (Butterworth, zero-phase), mains removed, then:\n"
    "  baseline  linear envelope (rectify, --lowpass Hz low-pass); a burst is where it\n"
    "            exceeds baseline mean + K*SD (Hodges & Bui 1996)            [K 8]\n"
    "  double    energy x^2 of the band-passed signal over baseline mean + K*SD, and at\n"
    "            least F of each --double-window window above it (Bonato 1998) [K 4]\n"
    "  tkeo      Teager-Kaiser energy, rectified, --tkeo-lowpass Hz low-pass, then the\n"
    "            baseline threshold (Li 2007, Solnik 2010)                     [K 10]\n"
    "Bursts closer than --min-off are merged, then bursts shorter than --min-on dropped.\n"
    "\n"
    "  --map MAP            channel map, e.g. L.ST,L.BF (default: the map stored in FILE)\n"
    "  --method NAME        baseline, double or tkeo (default baseline)\n"
    "  --rate HZ            analysis rate in Hz (default 2000, or the file's rate when\n"
    "                       lower: files are not upsampled unless asked)\n"
    "  --bandpass LO:HI     band-pass corners in Hz (default 20:450; HI must be below half\n"
    "                       the analysis rate: a 250 Hz file needs e.g. --bandpass 10:60)\n"
    "  --order N            band-pass Butterworth order, SciPy's N (default 4)\n"
    "  --notch MODE         mains removal: auto, off, 50 or 60 (default auto)\n"
    "  --ecg MODE           ECG removal: auto (trunk channels where a heartbeat is found), remove\n"
    "                       (every EMG channel where one is found) or off (default auto)\n"
    "  --threads N          worker threads: 0 = one per core (default), 1 = none; same results for any N\n"
    "  --quiet              no progress line (shown on a terminal for work over 2 s), no\n"
    "                       \"replacing OUT\" line when the --json file existed\n"
    "  --lowpass HZ         envelope low-pass for the baseline method (default 6)\n"
    "  --k K                threshold = baseline mean + K * baseline SD (default per method)\n"
    "  --baseline START:END  quiet period in seconds (default: the quietest window)\n"
    "  --baseline-window S  length of the automatic quiet window (default 2; at most an\n"
    "                       eighth of the recording)\n"
    "  --min-on S           shortest burst kept, seconds (default 0.1)\n"
    "  --min-off S          bursts separated by less are merged, seconds (default 0.3)\n"
    "  --double-window S    double threshold window, seconds (default 0.05)\n"
    "  --double-fraction F  fraction of that window above threshold, 0-1 (default 0.3)\n"
    "  --tkeo-lowpass HZ    TKEO envelope low-pass, 2nd order (default 50)\n"
    "  --backtrack-k B      move each burst's edges out to where the signal falls to\n"
    "                       baseline mean + B*SD (baseline, tkeo; default 2; off)\n"
    "  --json OUT           write {\"channels\": [{\"name\", \"bursts\": [{\"onset_s\",\n"
    "                       \"offset_s\", ...}]}], \"parameters\": {...}} to OUT\n"
    "\n"
    "Times are seconds from the start of FILE. Amplitudes (peak, threshold) are in uV when\n"
    "the file carries amplifier gains, else in full-scale units.\n"
    TOOL_CALIBRATION_HELP
    TOOL_STDIO_HELP;

/* Strictly positive / non-negative seconds or Hz from an option. */
static int opt_number(const tool_args *a, const char *name, double *out, double min, int min_inclusive,
                      double max, const char *what)
{
    const char *v = tool_args_get(a, name);
    if (!v) return 0;
    double d;
    if (tool_parse_double(v, &d) || (min_inclusive ? d < min : d <= min) || d > max)
        return tool_usage_error("%s %s: expected %s", name, v, what);
    *out = d;
    return 0;
}

static int onset_config_from_args(const tool_args *a, bl_onset_config *oc)
{
    bl_onset_method m = BL_ONSET_BASELINE;
    const char *v = tool_args_get(a, "--method");
    if (v && bl_onset_method_from_name(v, &m) != BL_OK)
        return tool_usage_error("--method %s: expected baseline, double or tkeo", v);
    bl_onset_config_default_method(oc, m);
    int rc;
    if ((rc = opt_number(a, "--k", &oc->k, 0, 1, 1e6, "a threshold multiplier K >= 0"))) return rc;
    if ((rc = opt_number(a, "--min-on", &oc->min_on_s, 0, 1, 1e6, "a duration in seconds >= 0")))
        return rc;
    if ((rc = opt_number(a, "--min-off", &oc->min_off_s, 0, 1, 1e6, "a duration in seconds >= 0")))
        return rc;
    if ((rc = opt_number(a, "--baseline-window", &oc->baseline_window_s, 0, 0, 1e6,
                         "a window length in seconds > 0")))
        return rc;
    if ((rc = opt_number(a, "--double-window", &oc->double_window_s, 0, 0, 1e6,
                         "a window length in seconds > 0")))
        return rc;
    if ((rc = opt_number(a, "--double-fraction", &oc->double_fraction, 0, 0, 1,
                         "a fraction in (0, 1]")))
        return rc;
    if ((rc = opt_number(a, "--tkeo-lowpass", &oc->tkeo_lowpass_hz, 0, 0, 1e9,
                         "a positive frequency in Hz")))
        return rc;
    if ((v = tool_args_get(a, "--backtrack-k"))) {
        if (!strcmp(v, "off")) oc->backtrack_k = -1;
        else if (tool_parse_double(v, &oc->backtrack_k) || oc->backtrack_k < 0)
            return tool_usage_error("--backtrack-k %s: expected a multiplier >= 0 or off", v);
    }
    if ((v = tool_args_get(a, "--baseline"))) {
        double s, e;
        if (tool_parse_range(v, &s, &e) || s < 0 || !(e > s))
            return tool_usage_error("--baseline %s: expected START:END in seconds with 0 <= START < END",
                                       v);
        oc->baseline_start_s = s;
        oc->baseline_end_s = e;
    }
    return 0;
}

/* The report into its output and into place. */
static int write_json(tool_output *o, cJSON *root)
{
    char *text = cJSON_Print(root);
    if (!text) return tool_error("out of memory while formatting JSON");
    FILE *f = tool_output_open(o);
    if (!f) {
        int e = errno;
        free(text);
        return tool_error("--json %s: cannot create: %s", o->path, strerror(e));
    }
    int bad = fputs(text, f) == EOF || fputc('\n', f) == EOF;
    int err = bad ? errno : 0;
    if (tool_output_close(o) != 0 && !err) err = errno;
    free(text);
    if (bad || err) {
        tool_outputs_abort(o, 1);
        return tool_error("--json %s: write failed: %s", o->path, strerror(err ? err : EIO));
    }
    return tool_outputs_commit(o, 1);
}

/* One line explaining a detection failure. */
static int detect_error(const char *path, const char *name, const bl_recording *rec,
                        const bl_onset_config *oc, bl_status st)
{
    double dur = bl_recording_duration(rec);
    switch (st) {
    case BL_ERANGE:
        if (oc->baseline_start_s < oc->baseline_end_s)
            return tool_error("%s: --baseline %g:%g lies outside the %.3f s recording (or is shorter "
                                 "than two samples)", path, oc->baseline_start_s, oc->baseline_end_s, dur);
        if (bl_recording_frames(rec) < 16)
            return tool_error("%s: the %.3f s recording is too short to find a quiet baseline in; "
                                 "give --baseline START:END", path, dur);
        if (oc->method == BL_ONSET_TKEO && !(oc->tkeo_lowpass_hz < bl_recording_rate(rec) / 2))
            return tool_error("%s: --tkeo-lowpass %g Hz must be below half the analysis rate (%g Hz)",
                                 path, oc->tkeo_lowpass_hz, bl_recording_rate(rec) / 2);
        return tool_error("%s: channel %s: onset settings out of range (%s)", path, name, bl_strerror(st));
    default:
        return tool_error("%s: channel %s: onset detection failed: %s", path, name, bl_strerror(st));
    }
}

/* The analysis rate and band for this file, or one error line (1; 2 for a
 * usage error). *kept_rate says the recorded rate was kept. */
static int fit_rate(const char *path, const bl_recording *rec, int rate_given, bl_envelope_config *cfg,
                    const bl_onset_config *oc, int *kept_rate)
{
    double in_rate = bl_recording_rate(rec);
    /* Below the default analysis rate, analyse at the recorded rate unless
     * --rate says otherwise: upsampling adds no information, and the
     * resampler's edges on a signal with a DC offset (raw ADC counts) ring
     * through the band-pass into false bursts at the ends. */
    *kept_rate = 0;
    if (!rate_given && in_rate < cfg->rate_hz && in_rate >= BL_MIN_EMG_RATE_HZ) {
        cfg->rate_hz = in_rate;
        *kept_rate = 1;
    }
    /* A low-rate file (e.g. 250 Hz) cannot carry the default 20-450 Hz band:
     * say what would fit instead of only that it does not. */
    if (in_rate >= BL_MIN_EMG_RATE_HZ && !(cfg->bandpass_hi_hz < in_rate / 2))
        return tool_error("%s: recorded at %g Hz, which cannot carry the %g-%g Hz band (Nyquist %g Hz); "
                          "give a band below it, e.g. --bandpass %g:%g",
                          path, in_rate, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, in_rate / 2,
                          fmin(10.0, in_rate / 8), floor(in_rate * 0.24));
    if (oc->method == BL_ONSET_TKEO && !(oc->tkeo_lowpass_hz < cfg->rate_hz / 2))
        return tool_usage_error("--tkeo-lowpass %g: must be below half the analysis rate (%g Hz)",
                                oc->tkeo_lowpass_hz, cfg->rate_hz / 2);
    return 0;
}

/* Filters of this run that their design at the analysis rate cannot make
 * (tool_check_design): the band-pass, the envelope low-pass (baseline
 * method) and the TKEO low-pass (tkeo). 0, or 2 after a usage line. */
static int check_designs(const tool_args *a, const bl_envelope_config *cfg, const bl_onset_config *oc)
{
    int rc = tool_check_conditioning_designs(a, cfg, bl_onset_method_input(oc->method) == BL_ONSET_ON_ENVELOPE);
    if (rc || oc->method != BL_ONSET_TKEO) return rc;
    char text[32];
    const char *option, *value;
    snprintf(text, sizeof text, "%g", oc->tkeo_lowpass_hz);
    tool_setting_source(a, "--tkeo-lowpass", text, &option, &value);
    return tool_check_design(option, value, oc->tkeo_lowpass_order, BL_LOWPASS, oc->tkeo_lowpass_hz, 0,
                             cfg->rate_hz);
}

/* One channel's result as JSON, and its lines on stdout. */
static void report_channel(cJSON *channels, const char *name, size_t index, const bl_bursts *bursts,
                           const bl_onset_report *orep, const char *sig_unit, bl_onset_method method,
                           int have_json)
{
    size_t nb = bl_bursts_count(bursts);
    cJSON *ch = cJSON_CreateObject();
    cJSON_AddItemToArray(channels, ch);
    cJSON_AddStringToObject(ch, "name", name);
    cJSON_AddNumberToObject(ch, "channel_index", (double)index);
    cJSON_AddNumberToObject(ch, "count", (double)nb);
    cJSON_AddNumberToObject(ch, "threshold", orep->threshold);
    cJSON_AddStringToObject(ch, "signal_unit", sig_unit);
    cJSON *bj = cJSON_AddObjectToObject(ch, "baseline");
    cJSON_AddNumberToObject(bj, "start_s", orep->baseline_start_s);
    cJSON_AddNumberToObject(bj, "end_s", orep->baseline_end_s);
    cJSON_AddNumberToObject(bj, "mean", orep->baseline_mean);
    cJSON_AddNumberToObject(bj, "sd", orep->baseline_sd);
    cJSON_AddBoolToObject(bj, "automatic", orep->baseline_automatic);
    cJSON_AddNumberToObject(ch, "merged_gaps", (double)orep->merged);
    cJSON_AddNumberToObject(ch, "rejected_short", (double)orep->rejected_short);
    if (method == BL_ONSET_DOUBLE) {
        cJSON_AddNumberToObject(ch, "double_window_samples", (double)orep->double_window_samples);
        cJSON_AddNumberToObject(ch, "double_min_samples", (double)orep->double_min_samples);
    }
    cJSON *list = cJSON_AddArrayToObject(ch, "bursts");
    printf("  %-8s %4zu burst%s  threshold %.4g %s (baseline %.2f-%.2f s, mean %.4g, SD %.4g %s)\n", name, nb,
           nb == 1 ? " " : "s", orep->threshold, sig_unit, orep->baseline_start_s, orep->baseline_end_s,
           orep->baseline_mean, orep->baseline_sd, sig_unit);
    if (nb == 0) {
        /* Zero is an answer only with a quiet baseline to compare with. */
        static const char note[] = "no bursts: nothing stays above the threshold from the quietest window; either "
                                   "the muscle is at rest throughout, or it is active throughout (continuous walking "
                                   "or running has no quiet window: give --baseline START:END from a rest period)";
        cJSON_AddStringToObject(ch, "note", note);
        printf("    %s\n", note);
    }
    for (size_t i = 0; i < nb; i++) {
        bl_burst b;
        bl_bursts_get_burst(bursts, i, &b);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "onset_s", b.onset_s);
        cJSON_AddNumberToObject(o, "offset_s", b.offset_s);
        cJSON_AddNumberToObject(o, "duration_s", b.offset_s - b.onset_s);
        cJSON_AddNumberToObject(o, "peak", b.peak);
        cJSON_AddNumberToObject(o, "peak_s", b.peak_s);
        cJSON_AddItemToArray(list, o);
        if (i < 20)
            printf("    %3zu  %9.3f - %9.3f s  (%.3f s)  peak %.4g %s at %.3f s\n", i + 1, b.onset_s, b.offset_s,
                   b.offset_s - b.onset_s, b.peak, sig_unit, b.peak_s);
        else if (i == 20)
            printf("    ... %zu more%s\n", nb - 20, have_json ? " (see the JSON)" : "");
    }
}

/* The library's description of conditioning and detection, into the JSON
 * and as the parameters block on stdout. 0, or 1 after an error line. */
static int report_parameters(cJSON *root, const bl_envelope_config *cfg, const bl_condition_report *crep,
                             const char *unit, const bl_onset_config *oc, int kept_rate, double in_rate)
{
    int with_envelope = bl_onset_method_input(oc->method) == BL_ONSET_ON_ENVELOPE;
    bl_doc *desc = NULL;
    if (bl_doc_create(&desc) != BL_OK) return tool_error("out of memory");
    bl_doc *cond_params = bl_doc_add_object(desc, "conditioning"), *cond_lines = bl_doc_add_object(desc, "lines");
    bl_doc *onset_params = bl_doc_add_object(desc, "onsets"), *onset_lines = bl_doc_add_object(desc, "onset_lines");
    if (bl_condition_describe(cfg, crep, unit, with_envelope, cond_params, cond_lines) != BL_OK ||
        bl_onset_describe(oc, onset_params, onset_lines) != BL_OK) {
        bl_doc_destroy(desc);
        return tool_error("out of memory");
    }
    cJSON *params = tool_doc_json(cond_params);
    cJSON_AddItemToObject(params, "onsets", tool_doc_json(onset_params));
    bl_envelope_config def;
    bl_envelope_config_default(&def);
    char rule[128];
    if (kept_rate)
        snprintf(rule, sizeof rule, "recorded rate (below the %g Hz default; never upsampled without --rate)",
                 def.rate_hz);
    else
        snprintf(rule, sizeof rule, "--rate or the %g Hz default", def.rate_hz);
    cJSON_AddStringToObject(params, "analysis_rate_rule", rule);
    cJSON_AddItemToObject(root, "parameters", params);
    printf("parameters:\n");
    tool_print_summary(stdout, "  ", cond_lines);
    if (kept_rate) printf("  (analysed at the recorded %g Hz: no upsampling without --rate)\n", in_rate);
    tool_print_summary(stdout, "  ", onset_lines);
    bl_doc_destroy(desc);
    return 0;
}

/* Options into the two configurations; 0, or the usage error's status. */
static int parse_onsets_options(int argc, char **argv, tool_args *a, bl_envelope_config *cfg, bl_onset_config *oc,
                                int *help)
{
    static const tool_opt_spec spec[] = {
        TOOL_CONDITIONING_OPTS,
        {"--lowpass", 1, 0}, {"--method", 1, 0}, {"--k", 1, 0}, {"--baseline", 1, 0},
        {"--baseline-window", 1, 0}, {"--min-on", 1, 0}, {"--min-off", 1, 0},
        {"--double-window", 1, 0}, {"--double-fraction", 1, 0}, {"--tkeo-lowpass", 1, 0},
        {"--backtrack-k", 1, 0},
        {"--json", 1, 0}, {"--help", 0, 0}, {"-h", 0, 0}, {NULL, 0, 0}};
    int rc = tool_args_parse(argc, argv, spec, a);
    if (rc) return rc;
    *help = tool_args_has(a, "--help") || tool_args_has(a, "-h");
    if (*help) return 0;
    if (a->n_pos != 1) return tool_usage_error("onsets needs exactly one FILE (see onsets --help)");
    const char *json_path = tool_args_get(a, "--json");
    if (json_path && !tool_output_is(json_path, TOOL_OUTPUT_JSON))
        return tool_usage_error("--json %s: the output must end in .json", json_path);
    if ((rc = tool_conditioning_from_args(a, cfg)) != 0) return rc;
    const char *lp = tool_args_get(a, "--lowpass");
    if (lp && (tool_parse_double(lp, &cfg->lowpass_hz) || !(cfg->lowpass_hz > 0)))
        return tool_usage_error("--lowpass %s: expected a positive frequency in Hz", lp);
    return onset_config_from_args(a, oc);
}

int cmd_onsets(int argc, char **argv)
{
    tool_args a;
    bl_envelope_config cfg;
    bl_onset_config oc;
    int help = 0;
    int rc = parse_onsets_options(argc, argv, &a, &cfg, &oc, &help);
    if (rc) return rc;
    if (help) {
        tool_print_help(onsets_help, NULL);
        return 0;
    }
    const char *path = a.pos[0], *json_path = tool_args_get(&a, "--json");
    tool_output out;
    tool_output_init(&out, "--json", json_path ? json_path : "");
    out.quiet = tool_args_has(&a, "--quiet");
    if (json_path && (rc = tool_outputs_distinct(&path, 1, &out, 1)) != 0) return rc;
    tool_progress_start("onsets", tool_args_has(&a, "--quiet"));
    bl_recording *rec = tool_load_at(path, tool_args_get(&a, "--map"), cfg.rate_hz);
    if (!rec) return tool_load_failure();

    bl_recording *cond = NULL;
    bl_bursts *bursts = NULL;
    cJSON *root = NULL;
    tool_emg_view view = { 0 };
    int kept_rate = 0;
    if ((rc = fit_rate(path, rec, tool_args_get(&a, "--rate") != NULL, &cfg, &oc, &kept_rate)) != 0 ||
        (rc = check_designs(&a, &cfg, &oc)) != 0)
        goto done;
    bl_condition_report crep;
    bl_status st = bl_condition(rec, &cfg, &cond, &crep);
    if (st == BL_OK) st = bl_onset_prepare(cond, &cfg, oc.method);
    if (st != BL_OK) {
        rc = tool_conditioning_error(path, rec, &cfg, st);
        goto done;
    }
    if ((rc = tool_check_result_finite(path, cond, "conditioned signal")) != 0) goto done;
    if (tool_emg_view_init(&view, cond) != 0) {
        rc = tool_error("%s: no EMG channels to analyse (every channel is AUX)", path);
        goto done;
    }
    if (bl_bursts_create(&bursts) != BL_OK) {
        rc = tool_error("out of memory");
        goto done;
    }

    const char *unit = bl_recording_unit(rec);
    /* Thresholds and peaks are in the units of the detection signal. */
    const char *sig_unit = bl_onset_signal_unit(oc.method, unit);
    double rate = bl_recording_rate(cond);
    size_t frames = bl_recording_frames(cond);
    root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", TOOL_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "file", path);
    cJSON_AddStringToObject(root, "command", "onsets");
    cJSON_AddStringToObject(root, "software_version", bl_version());
    cJSON_AddNumberToObject(root, "duration_s", (double)frames / rate);
    cJSON *channels = cJSON_AddArrayToObject(root, "channels");

    tool_progress_end();
    printf("%s: %zu EMG channel%s, %.3f s; method %s (k = %g, %s)\n", path, view.count,
           view.count == 1 ? "" : "s", (double)frames / rate, bl_onset_method_name(oc.method), oc.k,
           oc.baseline_start_s < oc.baseline_end_s ? "given baseline" : "automatic quiet window");
    for (size_t k = 0; k < view.count; k++) {
        bl_onset_report orep;
        st = bl_onset_detect(bl_recording_cdata(cond, view.index[k]), frames, rate, &oc, bursts, &orep);
        if (st != BL_OK) {
            rc = detect_error(path, view.name[k], cond, &oc, st);
            goto done;
        }
        report_channel(channels, view.name[k], view.index[k], bursts, &orep, sig_unit, oc.method, json_path != NULL);
    }
    if ((rc = report_parameters(root, &cfg, &crep, unit, &oc, kept_rate, bl_recording_rate(rec))) != 0) goto done;
    if (json_path) {
        rc = write_json(&out, root);
        if (rc == 0 && !tool_output_is_stdout(&out)) printf("wrote %s\n", json_path);
    }

done:
    cJSON_Delete(root);
    tool_emg_view_free(&view);
    bl_bursts_destroy(bursts);
    bl_recording_destroy(cond);
    bl_recording_destroy(rec);
    return rc;
}
