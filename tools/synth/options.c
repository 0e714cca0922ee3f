/* backline-synth: the command line into a synth_run (synth_tool.h). Every
 * option is checked here, with one error line for the first problem, before
 * anything is generated. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/synth.h"
#include "synth_tool.h"
#include "tool.h"

static const tool_opt_spec spec[] = {
    {"-o", 1, 0}, {"--seed", 1, 0}, {"--rate", 1, 0}, {"--map", 1, 0}, {"--format", 1, 0},
    {"--noise", 1, 0}, {"--mains", 1, 0}, {"--mains-uv", 1, 0}, {"--ecg", 1, 0},
    {"--heart-rate", 1, 0}, {"--motion", 1, 0}, {"--crosstalk", 1, 0}, {"--gain", 1, 0},
    {"--full-scale", 1, 0}, {"--ac-coupling", 1, 0}, {"--reps", 1, 0}, {"--pattern", 1, 0},
    {"--order", 1, 0}, {"--fatigue", 1, 0}, {"--lead", 1, 0}, {"--tail", 1, 0},
    {"--no-mvc", 0, 0}, {"--mvc-hold", 1, 0}, {"--mvc-ramp", 1, 0}, {"--muscle", 1, 0},
    {"--duration", 1, 0}, {"--shape", 1, 0}, {"--task", 1, 0}, {"--variant", 1, 0}, {"--strides", 1, 0},
    {"--stride-s", 1, 0}, {"--stance", 1, 0}, {"--variation", 1, 0}, {"--help", 0, 0}, {"-h", 0, 0},
    {NULL, 0, 0},
};

/* Samples (frames x channels) one run may render: each takes ~20 bytes of
 * signal and scratch, so this keeps a run under ~4 GB. */
#define SYNTH_MAX_SAMPLES 2e8

/* A number option in [lo, hi]; prints the error line itself. */
static int opt_num(const tool_args *a, const char *name, double lo, double hi, double *out)
{
    const char *v = tool_args_get(a, name);
    if (!v)
        return 0;
    double x;
    if (tool_parse_double(v, &x) || x < lo || x > hi)
        return tool_usage_error("%s: expected a number in [%g, %g], got \"%s\"", name, lo, hi, v);
    *out = x;
    return 0;
}

/* --format: the file's sample format and the quantisation it implies. */
static int parse_format(const char *v, synth_run *r)
{
    if (!strcmp(v, "pcm16")) {
        r->format = BL_FORMAT_PCM16;
        r->cfg.quantise_bits = 16;
    } else if (!strcmp(v, "pcm24")) {
        r->format = BL_FORMAT_PCM24;
        r->cfg.quantise_bits = 24;
    } else if (!strcmp(v, "float")) {
        r->format = BL_FORMAT_FLOAT32;
        r->cfg.quantise_bits = 0;
    } else {
        return tool_usage_error("--format: expected pcm16, pcm24 or float, got \"%s\"", v);
    }
    r->format_name = v;
    return 0;
}

/* --noise: a named level or µV RMS. */
static int parse_noise(const char *v, double *noise_uV)
{
    static const struct { const char *name; double uV; } levels[] = {
        {"none", 0.0}, {"low", 1.0}, {"medium", 3.0}, {"high", 8.0}};
    int found = 0;
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(v, levels[i].name)) {
            *noise_uV = levels[i].uV;
            found = 1;
        }
    if (!found && (tool_parse_double(v, noise_uV) || *noise_uV < 0 || *noise_uV > 1000))
        return tool_usage_error("--noise: expected uV RMS in [0, 1000] or none|low|medium|high, got \"%s\"", v);
    return 0;
}

static int parse_mains(const char *v, double *mains_hz)
{
    if (!strcmp(v, "50"))
        *mains_hz = 50;
    else if (!strcmp(v, "60"))
        *mains_hz = 60;
    else if (!strcmp(v, "0") || !strcmp(v, "none"))
        *mains_hz = 0;
    else
        return tool_usage_error("--mains: expected 50, 60 or 0, got \"%s\"", v);
    return 0;
}

/* The generator's settings: seed, rate, map, format and the signal model. */
static int parse_generator(const tool_args *a, synth_run *r)
{
    int rc;
    const char *v;
    if ((v = tool_args_get(a, "--seed")) && tool_parse_u64(v, &r->cfg.seed))
        return tool_usage_error("--seed: expected a whole number 0..18446744073709551615, got \"%s\"", v);
    if ((rc = opt_num(a, "--rate", BL_SYNTH_MIN_RATE_HZ, BL_SYNTH_MAX_RATE_HZ, &r->cfg.rate_hz)))
        return rc;
    /* Audio files store whole-number rates. */
    if (r->cfg.rate_hz != floor(r->cfg.rate_hz))
        return tool_usage_error("--rate: expected a whole number of Hz, got \"%s\"", tool_args_get(a, "--rate"));
    if ((v = tool_args_get(a, "--map")))
        r->cfg.map = v;
    if ((v = tool_args_get(a, "--format")) && (rc = parse_format(v, r)))
        return rc;
    if ((v = tool_args_get(a, "--noise")) && (rc = parse_noise(v, &r->cfg.noise_uV)))
        return rc;
    if ((v = tool_args_get(a, "--mains")) && (rc = parse_mains(v, &r->cfg.mains_hz)))
        return rc;
    return 0;
}

/* The plain number options, each in its range. */
static int parse_numbers(const tool_args *a, synth_run *r)
{
    int rc;
    if ((rc = opt_num(a, "--mains-uv", 0, 100000, &r->cfg.mains_uV)) ||
        (rc = opt_num(a, "--ecg", 0, 10000, &r->cfg.ecg_uV)) ||
        (rc = opt_num(a, "--heart-rate", 30, 200, &r->cfg.heart_rate_bpm)) ||
        (rc = opt_num(a, "--motion", 0, 100000, &r->cfg.motion_uV)) ||
        (rc = opt_num(a, "--crosstalk", 0, 0.5, &r->cfg.crosstalk)) ||
        (rc = opt_num(a, "--gain", 1e-3, 1e7, &r->cfg.gain)) ||
        (rc = opt_num(a, "--full-scale", 1e-3, 100, &r->cfg.full_scale_v)) ||
        (rc = opt_num(a, "--ac-coupling", 0, 50, &r->cfg.ac_coupling_hz)) ||
        (rc = opt_num(a, "--fatigue", 0, 0.5, &r->hinge.fatigue)) ||
        (rc = opt_num(a, "--lead", 0.3, 600, &r->hinge.lead_s)) ||
        (rc = opt_num(a, "--tail", 0.5, 600, &r->hinge.tail_s)) ||
        (rc = opt_num(a, "--mvc-hold", 0.5, 60, &r->mvc.hold_s)) ||
        (rc = opt_num(a, "--mvc-ramp", 0.05, 10, &r->mvc.ramp_s)) ||
        (rc = opt_num(a, "--duration", 0.5, 3600, &r->rest_s)))
        return rc;
    return 0;
}

/* The hinge set's choices: reps, pattern, order, shape (names from the
 * library, so the tool accepts exactly what it can name). */
static int parse_hinge_choices(const tool_args *a, synth_run *r)
{
    const char *v;
    if ((v = tool_args_get(a, "--reps")) &&
        (tool_parse_int(v, &r->hinge.reps) || r->hinge.reps < 1 || r->hinge.reps > 100))
        return tool_usage_error("--reps: expected a whole number 1..100, got \"%s\"", v);
    if ((v = tool_args_get(a, "--pattern"))) {
        int p = bl_synth_pattern_from_name(v);
        if (p < 0)
            return tool_usage_error("--pattern: expected internal, external, drift or alternating, got \"%s\"", v);
        r->hinge.pattern = (bl_synth_pattern)p;
    }
    if ((v = tool_args_get(a, "--order"))) {
        int o = bl_synth_order_from_name(v);
        if (o < 0)
            return tool_usage_error("--order: expected glute-first or hamstring-first, got \"%s\"", v);
        r->hinge.order = (bl_synth_order)o;
    }
    if ((v = tool_args_get(a, "--shape"))) {
        int sh = bl_synth_shape_from_name(v);
        if (sh < 0)
            return tool_usage_error("--shape: expected plateau or torque, got \"%s\"", v);
        r->hinge.shape = (bl_synth_shape)sh;
    }
    return 0;
}

/* The gait set's choices: task, variant, strides and their timing. */
static int parse_gait_choices(const tool_args *a, synth_run *r)
{
    const char *v;
    int rc;
    if ((v = tool_args_get(a, "--task"))) {
        int t = bl_synth_gait_task_from_name(v);
        if (t < 0)
            return tool_usage_error("--task: expected walk or run, got \"%s\"", v);
        r->gait.task = (bl_synth_gait_task)t;
    }
    if ((v = tool_args_get(a, "--variant"))) {
        int var = bl_synth_gait_variant_from_name(v);
        if (var < 0)
            return tool_usage_error("--variant: expected normal, dormant-glute, quad-dominant or active-recovery, "
                                    "got \"%s\"", v);
        r->gait.variant = (bl_synth_gait_variant)var;
    }
    if (r->gait.variant == BL_SYNTH_GAIT_ACTIVE_RECOVERY && r->gait.task != BL_SYNTH_RUN)
        return tool_usage_error("--variant active-recovery is a running variant: add --task run");
    if ((v = tool_args_get(a, "--strides")) &&
        (tool_parse_int(v, &r->gait.strides) || r->gait.strides < 3 || r->gait.strides > 1000))
        return tool_usage_error("--strides: expected a whole number 3..1000, got \"%s\"", v);
    if ((rc = opt_num(a, "--stride-s", 0.4, 3.0, &r->gait.stride_s)) ||
        (rc = r->gait.task == BL_SYNTH_RUN ? opt_num(a, "--stance", 20, 50, &r->gait.stance_pct)
                                           : opt_num(a, "--stance", 50, 80, &r->gait.stance_pct)) ||
        (rc = opt_num(a, "--variation", 0, 0.1, &r->gait.variation)))
        return rc;
    return 0;
}

/* Options that do not apply to the command are mistakes, not no-ops. */
static int check_applicable(const tool_args *a, const synth_run *r)
{
    static const char *const hinge_only[] = {"--reps", "--pattern", "--order", "--fatigue", "--lead", "--tail",
                                             "--shape"};
    static const char *const gait_only[] = {"--task", "--variant", "--strides", "--stride-s", "--stance", "--variation"};
    static const char *const mvc_opts[] = {"--mvc-hold", "--mvc-ramp"};
    if (strcmp(r->cmd, "hinge"))
        for (size_t i = 0; i < sizeof hinge_only / sizeof *hinge_only; i++)
            if (tool_args_has(a, hinge_only[i]))
                return tool_usage_error("%s applies to the hinge command only", hinge_only[i]);
    if (strcmp(r->cmd, "gait"))
        for (size_t i = 0; i < sizeof gait_only / sizeof *gait_only; i++)
            if (tool_args_has(a, gait_only[i]))
                return tool_usage_error("%s applies to the gait command only", gait_only[i]);
    if (tool_args_has(a, "--no-mvc") && strcmp(r->cmd, "hinge") && strcmp(r->cmd, "gait"))
        return tool_usage_error("--no-mvc applies to the hinge and gait commands only");
    if (!strcmp(r->cmd, "rest"))
        for (size_t i = 0; i < 2; i++)
            if (tool_args_has(a, mvc_opts[i]))
                return tool_usage_error("%s does not apply to the rest command", mvc_opts[i]);
    if (r->no_mvc)
        for (size_t i = 0; i < 2; i++)
            if (tool_args_has(a, mvc_opts[i]))
                return tool_usage_error("%s has no effect with --no-mvc", mvc_opts[i]);
    if (r->muscle && strcmp(r->cmd, "mvc"))
        return tool_usage_error("--muscle applies to the mvc command only");
    if (tool_args_has(a, "--duration") && strcmp(r->cmd, "rest"))
        return tool_usage_error("--duration applies to the rest command only");
    return 0;
}

/* Each option is in range on its own, but their product can outgrow the
 * machine (384 kHz for an hour): refuse before anything is made, rather
 * than be killed half-way. Longest case per command: a hinge rep lasts at
 * most 2.5 + 1.5 s with up to 4 s of rest; a stride up to 1.3 x its mean
 * (3 s at most), two more cut by the ends. */
static int check_run_size(const synth_run *r)
{
    size_t channels = 1;
    for (const char *p = r->cfg.map; *p; p++) channels += *p == ',';
    double stride = r->gait.stride_s > 0 ? r->gait.stride_s : 1.1;
    double seconds = !strcmp(r->cmd, "rest")   ? r->rest_s
                     : !strcmp(r->cmd, "mvc")  ? 2 * (r->mvc.rest_s + r->mvc.ramp_s) + r->mvc.hold_s
                     : !strcmp(r->cmd, "gait") ? 1.3 * stride * (r->gait.strides + 2)
                                               : r->hinge.lead_s + r->hinge.tail_s + 8.0 * r->hinge.reps;
    double samples = seconds * r->cfg.rate_hz * (double)channels;
    if (samples > SYNTH_MAX_SAMPLES)
        return tool_usage_error("%.0f s x %g Hz x %zu channels is %.2g samples, more than the %.2g one run may "
                                   "make here; shorten it or lower --rate", seconds, r->cfg.rate_hz, channels,
                                   samples, (double)SYNTH_MAX_SAMPLES);
    return 0;
}

int synth_parse_options(int argc, char **argv, synth_run *r, int *help)
{
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    *help = tool_args_has(&a, "--help") || tool_args_has(&a, "-h");
    if (*help)
        return 0;
    if (a.n_pos)
        return tool_usage_error("unexpected argument \"%s\" (outputs go in -o DIR)", a.pos[0]);
    r->dir = tool_args_get(&a, "-o");
    if (!r->dir || !*r->dir)
        return tool_usage_error("%s: missing -o DIR (the output folder)", r->cmd);

    bl_synth_config_default(&r->cfg);
    bl_synth_hinge_config_default(&r->hinge);
    bl_synth_gait_config_default(&r->gait);
    if (!strcmp(r->cmd, "gait"))
        r->cfg.map = BL_SYNTH_GAIT_DEFAULT_MAP;
    bl_synth_mvc_config_default(&r->mvc);
    r->format = BL_FORMAT_PCM16;
    r->format_name = "pcm16";
    r->rest_s = 30.0;

    if ((rc = parse_generator(&a, r)) || (rc = parse_numbers(&a, r)) || (rc = parse_hinge_choices(&a, r)) ||
        (rc = parse_gait_choices(&a, r)))
        return rc;
    r->no_mvc = tool_args_has(&a, "--no-mvc");
    r->muscle = tool_args_get(&a, "--muscle");
    if ((rc = check_applicable(&a, r)))
        return rc;
    return check_run_size(r);
}
