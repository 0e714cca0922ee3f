/* backline-synth: synthetic multi-channel sEMG with ground truth.
 *
 *   backline-synth hinge -o DIR [options]   DIR/session.wav, DIR/mvc_<CODE>.wav, DIR/truth.json
 *   backline-synth gait  -o DIR [options]   DIR/session.wav, DIR/mvc_<CODE>.wav, DIR/events.csv,
 *                                           DIR/truth.json
 *   backline-synth mvc   -o DIR [options]   DIR/mvc_<CODE>.wav, DIR/mvc.json
 *   backline-synth rest  -o DIR [options]   DIR/rest.wav, DIR/rest.json
 *
 * The tool parses options (options.c), calls the library (backline/synth.h)
 * and writes files (here and truth.c); the model lives in dsp/synth/. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "backline/backline.h"
#include "backline/synth.h"
#include "synth_tool.h"
#include "output_file.h"
#include "tool.h"

static const char *const help_text =
    "usage: backline-synth COMMAND -o DIR [OPTIONS]\n"
    "\n"
    "Synthetic surface EMG with known ground truth (Shwedyk-spectrum EMG shaped\n"
    "by activation profiles in %MVC, per-electrode MVC amplitudes, crosstalk, ECG\n"
    "on trunk channels, mains, motion artefacts and an audio-interface board path).\n"
    "\n"
    "commands:\n"
    "  hinge   a set of hip hinges: DIR/session.wav, DIR/mvc_<CODE>.wav per EMG\n"
    "          channel, DIR/truth.json (map, reps with chain labels, levels, onsets,\n"
    "          artefacts)\n"
    "  gait    walking or running: DIR/session.wav (a footswitch on every AUX\n"
    "          channel), DIR/mvc_<CODE>.wav, DIR/events.csv (the true touchdowns and\n"
    "          lift-offs, as backline-analyse gait --events reads them), DIR/truth.json\n"
    "          (strides, events, peak phases and Perry phase means per muscle, variant)\n"
    "  mvc     only the MVC trials: DIR/mvc_<CODE>.wav and DIR/mvc.json\n"
    "  rest    quiet standing: DIR/rest.wav and DIR/rest.json\n"
    "\n"
    "options (all commands):\n"
    "  -o DIR              output folder (created if missing)\n"
    "  --seed N            random seed, 0..2^64-1 (default 1); same seed, same files\n"
    "  --rate HZ           output sample rate, 1000..384000 (default 2000)\n"
    "  --map MAP           channel map (default " BL_SYNTH_DEFAULT_MAP ";\n"
    "                      gait: " BL_SYNTH_GAIT_DEFAULT_MAP ")\n"
    "  --format F          pcm16 | pcm24 | float (default pcm16)\n"
    "  --noise LEVEL       baseline noise, uV RMS in 10-500 Hz, or none|low|medium|high\n"
    "                      (0, 1, 3, 8; default 3)\n"
    "  --mains HZ          50 | 60 | 0 (none) (default 50)\n"
    "  --mains-uv UV       mains amplitude at the electrode (default 25)\n"
    "  --ecg UV            ECG R-wave on trunk channels, 0 = none (default 80)\n"
    "  --heart-rate BPM    resting rate 30..200 (default: from the seed, 60-85)\n"
    "  --motion UV         motion artefact at transitions, 0 = none (default 150)\n"
    "  --crosstalk F       fraction of a neighbour's EMG, 0..0.5 (default 0.05)\n"
    "  --gain G            amplifier gain (default 500)\n"
    "  --full-scale V      interface full scale in volts (default 1)\n"
    "  --ac-coupling HZ    sound-card high-pass corner, 0 = DC (default 2)\n"
    "\n"
    "hinge options:\n"
    "  --reps N            repetitions, 1..100 (default 5)\n"
    "  --pattern P         internal | external | drift | alternating (default internal)\n"
    "  --order O           glute-first | hamstring-first (default glute-first)\n"
    "  --fatigue F         fall of the median frequency over the set, 0..0.5\n"
    "                      (default 0.08; drift 0.20)\n"
    "  --lead S, --tail S  quiet standing before/after the set (default 1.5)\n"
    "  --shape S           plateau | torque (bursts follow the hip torque; default\n"
    "                      plateau)\n"
    "  --no-mvc            do not write the MVC trials (hinge, gait)\n"
    "\n"
    "gait options (profiles after Winter 1991 for walking, Novacheck 1998 and\n"
    "Cappellini et al. 2006 for running):\n"
    "  --task T            walk | run (default walk)\n"
    "  --variant V         normal | dormant-glute | quad-dominant | active-recovery\n"
    "                      (running only) (default normal)\n"
    "  --strides N         complete strides of the first leg (R, else L), 3..1000\n"
    "                      (default 20)\n"
    "  --stride-s S        mean stride time, 0.4..3 s (default walk 1.10, run 0.72)\n"
    "  --stance PCT        mean stance, % of the stride: walk 50..80 (default 61),\n"
    "                      run 20..50 (default 38)\n"
    "  --variation CV      stride-to-stride variation, 0..0.1 (default 0.025)\n"
    "\n"
    "mvc options:\n"
    "  --mvc-hold S        hold at 100 %MVC (default 3), --mvc-ramp S (default 0.5)\n"
    "  --muscle NAME       only this channel (e.g. L.ST); default all EMG channels\n"
    "                      (hinge also takes --mvc-hold and --mvc-ramp)\n"
    "\n"
    "rest options:\n"
    "  --duration S        length of the rest recording (default 30)\n";

/* Create DIR and its missing parents; *made counts the folders created
 * (the deepest ones), so a failed run can take them away again. */
static int make_dir(const char *dir, int *made)
{
    char path[4096];
    size_t n = strlen(dir);
    *made = 0;
    if (n >= sizeof path)
        return tool_error("%s: path too long", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] == '/' || path[i] == '\0') {
            char keep = path[i];
            path[i] = '\0';
            if (mkdir(path, 0777) == 0)
                (*made)++;
            else if (errno != EEXIST)
                return tool_error("%s: cannot create folder: %s", path, strerror(errno));
            path[i] = keep;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return tool_error("%s: not a folder", dir);
    return 0;
}

/* Remove the `made` deepest folders of dir (empty after a failed run). */
static void remove_made(const char *dir, int made)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (int k = 0; k < made; k++) {
        size_t n = strlen(path);
        while (n > 1 && path[n - 1] == '/')
            path[--n] = '\0';
        rmdir(path);
        char *slash = strrchr(path, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
}

/* The files of one run, in the order they are written; none is put in
 * place before all are complete (output_file.h). */
typedef struct synth_outputs {
    tool_output *out;
    size_t n;
} synth_outputs;

/* DIR/name as the next output of the run. */
static int plan_output(synth_outputs *o, const char *dir, const char *name)
{
    char path[TOOL_PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return tool_error("%s: path too long", dir);
    tool_output_init(&o->out[o->n++], "-o", path);
    return 0;
}

static int save(const bl_recording *rec, tool_output *o, const synth_run *r)
{
    char why[512] = "";
    if (tool_output_begin(o) != 0)
        return tool_error("%s: cannot create: %s", o->path, strerror(errno));
    bl_status st = bl_recording_save(rec, tool_output_file(o), r->format, why, sizeof why);
    if (st == BL_OK && tool_output_close(o) == 0)
        return 0;
    tool_output_fix_why(o, why, sizeof why);
    return (why[0] ? tool_error("%s", why) : tool_error("%s: %s", o->path, bl_strerror(st == BL_OK ? BL_EIO : st)));
}

/* mvc_<CODE>.wav; when the code appears on several channels the side joins
 * the name (mvc_L_ST.wav), and when even that repeats, the channel number. */
static void mvc_name(const bl_chanmap *map, size_t c, char *buf, size_t len)
{
    bl_muscle m = bl_chanmap_muscle(map, c);
    bl_side side = bl_chanmap_side(map, c);
    size_t same_code = 0, same_entry = 0;
    for (size_t i = 0; i < bl_chanmap_count(map); i++) {
        same_code += bl_chanmap_muscle(map, i) == m;
        same_entry += bl_chanmap_muscle(map, i) == m && bl_chanmap_side(map, i) == side;
    }
    if (same_code == 1) {
        snprintf(buf, len, "mvc_%s.wav", bl_muscle_code(m));
        return;
    }
    char entry[32];
    bl_chanmap_get_entry_name(map, c, entry, sizeof entry);
    for (char *p = entry; *p; p++)
        if (*p == '.')
            *p = '_';
    if (same_entry == 1)
        snprintf(buf, len, "mvc_%s.wav", entry);
    else
        snprintf(buf, len, "mvc_%s_ch%zu.wav", entry, c + 1);
}

/* The MVC trials to make: every EMG channel, or only one. */
static void plan_mvcs(const bl_synth *s, long only, synth_mvc_file *files, size_t *n_files)
{
    const bl_chanmap *map = bl_synth_chanmap(s);
    *n_files = 0;
    for (size_t c = 0; c < bl_synth_channels(s); c++) {
        if (bl_chanmap_muscle(map, c) == BL_MUSCLE_AUX || (only >= 0 && (size_t)only != c))
            continue;
        synth_mvc_file *f = &files[(*n_files)++];
        mvc_name(map, c, f->name, sizeof f->name);
        f->channel = c;
    }
}

/* The planned trials into outs[0..n_files). */
static int write_mvcs(bl_synth *s, const synth_run *r, synth_mvc_file *files, size_t n_files, tool_output *outs)
{
    for (size_t k = 0; k < n_files; k++) {
        synth_mvc_file *f = &files[k];
        bl_recording *rec = NULL;
        bl_synth_truth *t = NULL;
        bl_status st = bl_synth_mvc(s, &r->mvc, f->channel, &rec, &t);
        if (st != BL_OK)
            return tool_error("MVC trial of channel %zu: %s", f->channel + 1, bl_strerror(st));
        bl_synth_truth_get_hold(t, &f->hold_start_s, &f->hold_end_s);
        f->clipped = bl_synth_truth_clipped(t, f->channel);
        int rc = save(rec, &outs[k], r);
        bl_recording_destroy(rec);
        bl_synth_truth_destroy(t);
        if (rc)
            return rc;
    }
    return 0;
}

/* --muscle NAME: the channel it names (an entry such as L.ST, or a bare
 * code that appears once) into *only. */
static int find_muscle(const bl_synth *s, const char *muscle, long *only)
{
    const bl_chanmap *map = bl_synth_chanmap(s);
    size_t matches = 0;
    char which[256] = "", first[32] = "";
    *only = -1;
    for (size_t c = 0; c < bl_synth_channels(s); c++) {
        char name[32];
        bl_chanmap_get_entry_name(map, c, name, sizeof name);
        if (!strcmp(name, muscle) || !strcmp(bl_muscle_code(bl_chanmap_muscle(map, c)), muscle)) {
            if (*only < 0) {
                *only = (long)c;
                snprintf(first, sizeof first, "%s", name);
            }
            matches++;
            size_t used = strlen(which);
            snprintf(which + used, sizeof which - used, "%s%s", used ? ", " : "", name);
        }
    }
    /* A bare code on several channels (L.ST and R.ST) must not quietly
     * pick the first. */
    if (matches > 1)
        return tool_usage_error("--muscle: \"%s\" matches %zu channels (%s); name one, e.g. %s", muscle, matches,
                                which, first);
    if (*only < 0 || bl_chanmap_muscle(map, (size_t)*only) == BL_MUSCLE_AUX)
        return tool_usage_error("--muscle: \"%s\" is not an EMG channel of the map %s", muscle, bl_synth_map(s));
    return 0;
}

/* The files of a generated set (hinge, gait) once the library made it:
 * DIR/session.wav, the MVC trials (unless --no-mvc), DIR/events.csv (gait),
 * DIR/truth.json, all put in place together; then the clipping warning.
 * outs holds them in that order; doc has the set's own fields. */
static int write_set(bl_synth *s, const synth_run *r, const bl_recording *rec, const bl_synth_truth *t,
                     synth_mvc_file *files, size_t n_mvc, synth_truth_doc *doc, synth_outputs *outs)
{
    int rc = save(rec, &outs->out[0], r);
    if (!rc)
        rc = write_mvcs(s, r, files, n_mvc, outs->out + 1);
    if (!rc && doc->gait)
        rc = synth_write_events(&outs->out[outs->n - 2], t);
    if (!rc) {
        doc->file = "session.wav";
        doc->truth = t;
        doc->mvc = files;
        doc->n_mvc = n_mvc;
        rc = synth_write_truth(&outs->out[outs->n - 1], doc);
    }
    if (!rc)
        rc = tool_outputs_commit(outs->out, outs->n);
    if (!rc) {
        size_t clipped = 0;
        for (size_t c = 0; c < bl_synth_channels(s); c++)
            clipped += bl_synth_truth_clipped(t, c);
        if (clipped)
            tool_warn("%zu samples clipped at full scale (lower --gain to avoid it)", clipped);
    }
    return rc;
}

/* hinge: the set, its files (write_set) and a line saying what it is. */
static int run_hinge(bl_synth *s, const synth_run *r, synth_mvc_file *files, size_t n_mvc, synth_truth_doc *doc,
                     synth_outputs *outs)
{
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    bl_status st = bl_synth_hinge(s, &r->hinge, &rec, &t);
    doc->hinge = &r->hinge;
    doc->fatigue = r->hinge.fatigue >= 0 ? r->hinge.fatigue : (r->hinge.pattern == BL_SYNTH_DRIFT ? 0.20 : 0.08);
    int rc = st != BL_OK ? tool_error("hinge set: %s", bl_strerror(st))
                         : write_set(s, r, rec, t, files, n_mvc, doc, outs);
    if (!rc)
        printf("%s: %s set of %d reps (%s, %s), %.1f s at %g Hz, %zu MVC trials, seed %" PRIu64 "\n",
               r->dir, bl_synth_pattern_name(r->hinge.pattern), r->hinge.reps,
               bl_synth_order_name(r->hinge.order), r->format_name, bl_synth_truth_duration(t),
               r->cfg.rate_hz, n_mvc, r->cfg.seed);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    return rc;
}

/* gait: the walk or run, its files (write_set) and a line saying what it is. */
static int run_gait(bl_synth *s, const synth_run *r, synth_mvc_file *files, size_t n_mvc, synth_truth_doc *doc,
                    synth_outputs *outs)
{
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    bl_status st = bl_synth_gait(s, &r->gait, &rec, &t);
    doc->gait = &r->gait;
    int rc = st != BL_OK ? tool_error("gait set: %s", bl_strerror(st))
                         : write_set(s, r, rec, t, files, n_mvc, doc, outs);
    if (!rc)
        printf("%s: %s, %s, %d complete strides a leg, %.1f s at %g Hz, %zu MVC trials, seed %" PRIu64 "\n",
               r->dir, bl_synth_gait_task_name(r->gait.task), bl_synth_gait_variant_name(r->gait.variant),
               r->gait.strides, bl_synth_truth_duration(t), r->cfg.rate_hz, n_mvc, r->cfg.seed);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    return rc;
}

/* mvc: DIR/mvc_<CODE>.wav for every EMG channel (or only one), DIR/mvc.json. */
static int run_mvc(bl_synth *s, const synth_run *r, synth_mvc_file *files, size_t n_mvc, synth_truth_doc *doc,
                   synth_outputs *outs)
{
    int rc = write_mvcs(s, r, files, n_mvc, outs->out);
    if (rc)
        return rc;
    doc->mvc = files;
    doc->n_mvc = n_mvc;
    if ((rc = synth_write_truth(&outs->out[outs->n - 1], doc)) || (rc = tool_outputs_commit(outs->out, outs->n)))
        return rc;
    printf("%s: %zu MVC trials at %g Hz, seed %" PRIu64 "\n", r->dir, n_mvc, r->cfg.rate_hz, r->cfg.seed);
    return 0;
}

/* rest: DIR/rest.wav and DIR/rest.json. */
static int run_rest(bl_synth *s, const synth_run *r, synth_truth_doc *doc, synth_outputs *outs)
{
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    bl_status st = bl_synth_rest(s, r->rest_s, &rec, &t);
    int rc = st != BL_OK ? tool_error("rest: %s", bl_strerror(st)) : save(rec, &outs->out[0], r);
    if (!rc) {
        doc->file = "rest.wav";
        doc->truth = t;
        rc = synth_write_truth(&outs->out[1], doc);
    }
    if (!rc)
        rc = tool_outputs_commit(outs->out, outs->n);
    if (!rc)
        printf("%s: %.1f s of quiet standing at %g Hz, seed %" PRIu64 "\n", r->dir, r->rest_s, r->cfg.rate_hz,
               r->cfg.seed);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    return rc;
}

/* Every file of the command, in the order written: the recording (hinge,
 * gait, rest), the MVC trials (hinge and gait unless --no-mvc, mvc), the
 * events (gait), the truth. */
static int plan_outputs(const synth_run *r, const synth_mvc_file *files, size_t n_mvc, synth_outputs *outs)
{
    int set = !strcmp(r->cmd, "hinge") || !strcmp(r->cmd, "gait"), rest = !strcmp(r->cmd, "rest");
    int rc = set || rest ? plan_output(outs, r->dir, set ? "session.wav" : "rest.wav") : 0;
    for (size_t k = 0; !rc && k < n_mvc; k++)
        rc = plan_output(outs, r->dir, files[k].name);
    if (!rc && !strcmp(r->cmd, "gait"))
        rc = plan_output(outs, r->dir, "events.csv");
    if (!rc)
        rc = plan_output(outs, r->dir, set ? "truth.json" : rest ? "rest.json" : "mvc.json");
    /* Two names that are one file (a link left in DIR) would lose one. */
    return rc ? rc : tool_outputs_distinct(NULL, 0, outs->out, outs->n);
}

static int run_planned(bl_synth *s, synth_run *r, synth_mvc_file *files, size_t n_mvc, synth_outputs *outs)
{
    synth_truth_doc doc = {0};
    doc.synth = s;
    doc.cfg = &r->cfg;
    doc.format = r->format_name;
    doc.scenario = r->cmd;
    if (!strcmp(r->cmd, "hinge"))
        return run_hinge(s, r, files, n_mvc, &doc, outs);
    if (!strcmp(r->cmd, "gait"))
        return run_gait(s, r, files, n_mvc, &doc, outs);
    if (!strcmp(r->cmd, "mvc"))
        return run_mvc(s, r, files, n_mvc, &doc, outs);
    return run_rest(s, r, &doc, outs);
}

/* The generator from the options, the files it will write, the output
 * folder, then the command; a failure leaves none of the files (and no
 * folder it made). */
static int run_command(synth_run *r)
{
    char why[512] = "";
    bl_synth *s = NULL;
    bl_status st = bl_synth_create(&r->cfg, &s, why, sizeof why);
    if (st == BL_EMAP)
        return tool_usage_error("--map: %s", why[0] ? why : bl_strerror(st));
    if (st != BL_OK)
        return tool_usage_error("invalid configuration: %s", bl_strerror(st));

    long only = -1;
    int rc = r->muscle ? find_muscle(s, r->muscle, &only) : 0, made = 0;
    size_t n_mvc = 0;
    synth_mvc_file *files = NULL;
    synth_outputs outs = {NULL, 0};
    if (!rc && (!(files = calloc(bl_synth_channels(s), sizeof *files)) ||
                !(outs.out = calloc(bl_synth_channels(s) + 3, sizeof *outs.out))))
        rc = tool_error("out of memory");
    if (!rc && strcmp(r->cmd, "rest") && !r->no_mvc)
        plan_mvcs(s, only, files, &n_mvc);
    if (!rc)
        rc = plan_outputs(r, files, n_mvc, &outs);
    if (!rc && make_dir(r->dir, &made))
        rc = 1;
    if (!rc)
        rc = run_planned(s, r, files, n_mvc, &outs);
    if (rc) {
        if (outs.out)
            tool_outputs_abort(outs.out, outs.n);
        remove_made(r->dir, made);
    }
    free(outs.out);
    free(files);
    bl_synth_destroy(s);
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return tool_usage_error("missing command: hinge, gait, mvc or rest (try --help)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        tool_print_help(help_text, NULL);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        tool_print_version();
        return 0;
    }
    if (strcmp(argv[1], "hinge") && strcmp(argv[1], "gait") && strcmp(argv[1], "mvc") && strcmp(argv[1], "rest"))
        return tool_usage_error("unknown command \"%s\": expected hinge, gait, mvc or rest (try --help)", argv[1]);
    synth_run r;
    memset(&r, 0, sizeof r);
    r.cmd = argv[1];
    int help = 0;
    int rc = synth_parse_options(argc - 1, argv + 1, &r, &help);
    if (rc)
        return rc;
    if (help) {
        tool_print_help(help_text, NULL);
        return 0;
    }
    return run_command(&r);
}

int main(int argc, char **argv)
{
    tool_start("backline-synth");
    return tool_finish(run(argc, argv));
}
