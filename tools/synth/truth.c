/* truth.json: the ground truth of a generated set, with cJSON.
 * Per-channel values are arrays in the order of "channels" (null for AUX),
 * so maps with repeated codes stay unambiguous. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backline/gait.h"
#include "synth_tool.h"
#include "schema_version.h"
#include "tool.h"

/* Round to a microsecond / micro-unit so the file stays readable. */
static double r6(double x) { return round(x * 1e6) / 1e6; }

static cJSON *num_or_null(double x)
{
    return isfinite(x) ? cJSON_CreateNumber(r6(x)) : cJSON_CreateNull();
}

static cJSON *per_channel(const synth_truth_doc *d, double (*get)(const synth_truth_doc *, size_t, size_t),
                          size_t rep)
{
    cJSON *a = cJSON_CreateArray();
    size_t n = bl_synth_channels(d->synth);
    for (size_t c = 0; c < n; c++)
        cJSON_AddItemToArray(a, num_or_null(get(d, rep, c)));
    return a;
}

static double g_level(const synth_truth_doc *d, size_t r, size_t c) { return bl_synth_truth_level(d->truth, r, c); }
static double g_ecc(const synth_truth_doc *d, size_t r, size_t c) { return bl_synth_truth_ecc_level(d->truth, r, c); }
static double g_onset(const synth_truth_doc *d, size_t r, size_t c) { return bl_synth_truth_onset(d->truth, r, c); }
static double g_rest(const synth_truth_doc *d, size_t r, size_t c) { (void)r; return bl_synth_truth_rest_level(d->truth, c); }

static int is_emg(const synth_truth_doc *d, size_t c)
{
    return bl_chanmap_muscle(bl_synth_chanmap(d->synth), c) != BL_MUSCLE_AUX;
}

static double g_mvc_uV(const synth_truth_doc *d, size_t r, size_t c)
{
    (void)r;
    return is_emg(d, c) ? bl_synth_mvc_uV(d->synth, c) : NAN;
}

static double g_median(const synth_truth_doc *d, size_t r, size_t c)
{
    (void)r;
    return is_emg(d, c) ? bl_synth_median_hz(d->synth, c) : NAN;
}

static double g_gain(const synth_truth_doc *d, size_t r, size_t c)
{
    (void)r;
    return is_emg(d, c) ? d->cfg->gain : NAN;
}

/* The entry name of channel c ("L.ST"). */
static cJSON *channel_name(const bl_chanmap *map, size_t c)
{
    char name[32];
    bl_chanmap_get_entry_name(map, c, name, sizeof name);
    return cJSON_CreateString(name);
}

/* What was generated and how: tool, version, scenario, file, seed, rate,
 * duration, format and the channel layout. */
static void add_identity(cJSON *root, const synth_truth_doc *d)
{
    const bl_chanmap *map = bl_synth_chanmap(d->synth);
    cJSON_AddNumberToObject(root, "schema_version", TOOL_SCHEMA_VERSION);
    cJSON_AddStringToObject(root, "generator", "backline-synth");
    cJSON_AddStringToObject(root, "version", bl_version());
    cJSON_AddStringToObject(root, "scenario", d->scenario);
    if (d->file)
        cJSON_AddStringToObject(root, "file", d->file);
    /* JSON numbers are doubles: a seed above 2^53 goes out as text. */
    if (d->cfg->seed <= (1ULL << 53))
        cJSON_AddNumberToObject(root, "seed", (double)d->cfg->seed);
    else {
        char buf[32];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)d->cfg->seed);
        cJSON_AddStringToObject(root, "seed", buf);
    }
    cJSON_AddNumberToObject(root, "rate_hz", d->cfg->rate_hz);
    if (d->truth)
        cJSON_AddNumberToObject(root, "duration_s", r6(bl_synth_truth_duration(d->truth)));
    cJSON_AddStringToObject(root, "format", d->format);
    cJSON_AddStringToObject(root, "map", bl_synth_map(d->synth));
    cJSON *chans = cJSON_AddArrayToObject(root, "channels");
    for (size_t c = 0; c < bl_synth_channels(d->synth); c++)
        cJSON_AddItemToArray(chans, channel_name(map, c));
}

/* Per electrode: gain and full scale (to get back to µV), MVC amplitude,
 * spectrum (median, corners) and rest level. */
static void add_electrodes(cJSON *root, const synth_truth_doc *d)
{
    cJSON_AddStringToObject(root, "unit_note",
                            "samples are full scale; uV = sample * full_scale_v / gain * 1e6");
    cJSON_AddItemToObject(root, "gain", per_channel(d, g_gain, 0));
    cJSON_AddNumberToObject(root, "full_scale_v", d->cfg->full_scale_v);
    cJSON_AddItemToObject(root, "mvc_uV", per_channel(d, g_mvc_uV, 0));
    cJSON_AddItemToObject(root, "median_hz", per_channel(d, g_median, 0));
    cJSON *corners = cJSON_AddArrayToObject(root, "corners_hz");
    for (size_t c = 0; c < bl_synth_channels(d->synth); c++) {
        if (!is_emg(d, c)) {
            cJSON_AddItemToArray(corners, cJSON_CreateNull());
            continue;
        }
        double fl, fh;
        bl_synth_get_corners(d->synth, c, &fl, &fh);
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateNumber(r6(fl)));
        cJSON_AddItemToArray(pair, cJSON_CreateNumber(r6(fh)));
        cJSON_AddItemToArray(corners, pair);
    }
    if (d->truth)
        cJSON_AddItemToObject(root, "rest_level_pct", per_channel(d, g_rest, 0));
}

/* The artefact settings, the board path and (hinge) the set's settings. */
static void add_settings(cJSON *root, const synth_truth_doc *d)
{
    cJSON *noise = cJSON_AddObjectToObject(root, "noise");
    cJSON_AddNumberToObject(noise, "baseline_uV_rms_10_500hz", d->cfg->noise_uV);
    cJSON_AddNumberToObject(noise, "mains_hz", d->cfg->mains_hz);
    cJSON_AddNumberToObject(noise, "mains_uV", d->cfg->mains_uV);
    cJSON_AddNumberToObject(noise, "crosstalk", d->cfg->crosstalk);
    cJSON_AddNumberToObject(noise, "ecg_uV", d->cfg->ecg_uV);
    cJSON_AddNumberToObject(noise, "heart_rate_rest_bpm", r6(bl_synth_heart_rate(d->synth)));
    cJSON_AddNumberToObject(noise, "motion_uV", d->cfg->motion_uV);
    cJSON *board = cJSON_AddObjectToObject(root, "board");
    cJSON_AddNumberToObject(board, "gain", d->cfg->gain);
    cJSON_AddNumberToObject(board, "full_scale_v", d->cfg->full_scale_v);
    cJSON_AddNumberToObject(board, "ac_coupling_hz", d->cfg->ac_coupling_hz);
    cJSON_AddNumberToObject(board, "quantise_bits", d->cfg->quantise_bits);
    if (d->hinge) {
        cJSON_AddStringToObject(root, "pattern", bl_synth_pattern_name(d->hinge->pattern));
        cJSON_AddStringToObject(root, "order", bl_synth_order_name(d->hinge->order));
        cJSON_AddStringToObject(root, "shape", bl_synth_shape_name(d->hinge->shape));
        cJSON_AddNumberToObject(root, "fatigue", d->fatigue);
    }
}

/* Rep r of a hinge set: timing, chain label, blend, fatigue scale and the
 * per-channel levels, onsets and median frequencies. */
static cJSON *rep_object(const synth_truth_doc *d, size_t r)
{
    bl_synth_rep rep;
    bl_synth_truth_get_rep(d->truth, r, &rep);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", (double)(r + 1));
    cJSON_AddNumberToObject(o, "start_s", r6(rep.start_s));
    cJSON_AddNumberToObject(o, "end_s", r6(rep.end_s));
    cJSON_AddStringToObject(o, "chain", bl_chain_name(rep.chain));
    cJSON_AddNumberToObject(o, "turn_s", r6(rep.turn_s));
    cJSON_AddNumberToObject(o, "eccentric_s", r6(rep.turn_s - rep.start_s));
    cJSON_AddNumberToObject(o, "concentric_s", r6(rep.end_s - rep.turn_s));
    cJSON_AddNumberToObject(o, "blend", r6(rep.blend));
    cJSON_AddNumberToObject(o, "mf_scale", r6(rep.mf_scale));
    cJSON_AddItemToObject(o, "level_pct", per_channel(d, g_level, r));
    cJSON_AddItemToObject(o, "ecc_level_pct", per_channel(d, g_ecc, r));
    cJSON_AddItemToObject(o, "onset_s", per_channel(d, g_onset, r));
    cJSON *med = cJSON_AddArrayToObject(o, "median_hz");
    for (size_t c = 0; c < bl_synth_channels(d->synth); c++)
        cJSON_AddItemToArray(med, num_or_null(is_emg(d, c) ? bl_synth_median_hz(d->synth, c) * rep.mf_scale
                                                           : NAN));
    return o;
}

/* A gait set: its settings, strides and events, and per channel the peak
 * phase and Perry phase means of the activation rendered. */
static void add_gait(cJSON *root, const synth_truth_doc *d)
{
    const bl_synth_truth *t = d->truth;
    const bl_chanmap *map = bl_synth_chanmap(d->synth);
    cJSON_AddStringToObject(root, "task", bl_synth_gait_task_name(d->gait->task));
    cJSON_AddStringToObject(root, "variant", bl_synth_gait_variant_name(d->gait->variant));
    cJSON_AddStringToObject(root, "profiles", d->gait->task == BL_SYNTH_RUN
                                                  ? "timing after Novacheck 1998 and Cappellini et al. 2006 "
                                                    "(running); levels in %MVC chosen by backline"
                                                  : "timing after Winter 1991 (normal cadence) and Perry & "
                                                    "Burnfield 2010 (walking); levels in %MVC chosen by backline");
    cJSON_AddNumberToObject(root, "variation", d->gait->variation);
    cJSON *strides = cJSON_AddArrayToObject(root, "strides");
    for (size_t k = 0; k < bl_synth_truth_strides(t); k++) {
        bl_synth_stride st;
        bl_synth_truth_get_stride(t, k, &st);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "side", bl_gait_side_name(st.side));
        cJSON_AddNumberToObject(o, "start_s", r6(st.start_s));
        cJSON_AddNumberToObject(o, "liftoff_s", r6(st.liftoff_s));
        cJSON_AddNumberToObject(o, "end_s", r6(st.end_s));
        cJSON_AddNumberToObject(o, "stance_pct", r6(100.0 * (st.liftoff_s - st.start_s) / (st.end_s - st.start_s)));
        cJSON_AddItemToArray(strides, o);
    }
    cJSON *events = cJSON_AddArrayToObject(root, "events");
    for (size_t i = 0; i < bl_synth_truth_gait_events(t); i++) {
        double time_s;
        bl_side side;
        int touchdown;
        bl_synth_truth_get_gait_event(t, i, &time_s, &side, &touchdown);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "time_s", r6(time_s));
        cJSON_AddStringToObject(o, "side", bl_gait_side_name(side));
        cJSON_AddStringToObject(o, "event", bl_gait_event_kind_name(touchdown ? BL_GAIT_TOUCHDOWN : BL_GAIT_LIFTOFF));
        cJSON_AddItemToArray(events, o);
    }
    cJSON *peak = cJSON_AddArrayToObject(root, "peak_phase_pct");
    cJSON *phases = cJSON_AddArrayToObject(root, "phase_mean_pct_mvc");
    for (size_t c = 0; c < bl_synth_channels(d->synth); c++) {
        cJSON_AddItemToArray(peak, num_or_null(bl_synth_truth_peak_phase(t, c)));
        if (bl_chanmap_muscle(map, c) == BL_MUSCLE_AUX) {
            cJSON_AddItemToArray(phases, cJSON_CreateNull());
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        for (int p = 0; p < BL_GAIT_PHASES; p++)
            cJSON_AddItemToObject(o, bl_gait_phase_name((bl_gait_phase)p),
                                  num_or_null(bl_synth_truth_phase_mean(t, c, (bl_gait_phase)p)));
        cJSON_AddItemToArray(phases, o);
    }
}

int synth_write_events(tool_output *o, const bl_synth_truth *t)
{
    FILE *f = tool_output_open(o);
    if (!f)
        return tool_error("%s: cannot write", o->path);
    int bad = fputs("time_s,side,event\n", f) < 0;
    for (size_t i = 0; !bad && i < bl_synth_truth_gait_events(t); i++) {
        double time_s;
        bl_side side;
        int touchdown;
        bl_synth_truth_get_gait_event(t, i, &time_s, &side, &touchdown);
        bad = fprintf(f, "%.6f,%s,%s\n", time_s, bl_gait_side_name(side),
                      bl_gait_event_kind_name(touchdown ? BL_GAIT_TOUCHDOWN : BL_GAIT_LIFTOFF)) < 0;
    }
    bad |= tool_output_close(o) != 0;
    return bad ? tool_error("%s: write failed", o->path) : 0;
}

/* The MVC trials written beside the main file (names, then details). */
static void add_mvc_trials(cJSON *root, const synth_truth_doc *d)
{
    const bl_chanmap *map = bl_synth_chanmap(d->synth);
    cJSON *mvc = cJSON_AddArrayToObject(root, "mvc");
    cJSON *trials = cJSON_AddArrayToObject(root, "mvc_trials");
    for (size_t i = 0; i < d->n_mvc; i++) {
        char name[32];
        bl_chanmap_get_entry_name(map, d->mvc[i].channel, name, sizeof name);
        cJSON_AddItemToArray(mvc, cJSON_CreateString(d->mvc[i].name));
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", d->mvc[i].name);
        cJSON_AddStringToObject(o, "channel", name);
        cJSON_AddNumberToObject(o, "channel_index", (double)d->mvc[i].channel);
        cJSON_AddNumberToObject(o, "hold_start_s", r6(d->mvc[i].hold_start_s));
        cJSON_AddNumberToObject(o, "hold_end_s", r6(d->mvc[i].hold_end_s));
        cJSON_AddNumberToObject(o, "clipped_samples", (double)d->mvc[i].clipped);
        cJSON_AddItemToArray(trials, o);
    }
}

/* The artefacts of the main file: heartbeats, the channels that carry
 * them, motion events and clipping. */
static void add_artefacts(cJSON *root, const synth_truth_doc *d)
{
    const bl_chanmap *map = bl_synth_chanmap(d->synth);
    size_t nch = bl_synth_channels(d->synth);
    cJSON *art = cJSON_AddObjectToObject(root, "artefacts");
    double mhr = bl_synth_truth_mean_heart_rate(d->truth);
    cJSON_AddItemToObject(art, "heart_rate_mean_bpm", num_or_null(mhr));
    cJSON *ecg = cJSON_AddArrayToObject(art, "ecg_beats_s");
    for (size_t i = 0; i < bl_synth_truth_ecg_count(d->truth); i++)
        cJSON_AddItemToArray(ecg, cJSON_CreateNumber(r6(bl_synth_truth_ecg_time(d->truth, i))));
    cJSON *ecg_ch = cJSON_AddArrayToObject(art, "ecg_channels");
    for (size_t c = 0; c < nch; c++) {
        bl_muscle m = bl_chanmap_muscle(map, c);
        if (d->cfg->ecg_uV > 0 && (m == BL_MUSCLE_ES || m == BL_MUSCLE_EO || m == BL_MUSCLE_IO))
            cJSON_AddItemToArray(ecg_ch, channel_name(map, c));
    }
    cJSON *mot = cJSON_AddArrayToObject(art, "motion_s");
    for (size_t i = 0; i < bl_synth_truth_motion_count(d->truth); i++)
        cJSON_AddItemToArray(mot, cJSON_CreateNumber(r6(bl_synth_truth_motion_time(d->truth, i))));
    cJSON *clip = cJSON_AddArrayToObject(art, "clipped_samples");
    for (size_t c = 0; c < nch; c++)
        cJSON_AddItemToArray(clip, cJSON_CreateNumber((double)bl_synth_truth_clipped(d->truth, c)));
}

/* The document as text into the output, with a final newline; takes root. */
static int write_json(tool_output *o, cJSON *root)
{
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return tool_error("%s: out of memory writing the truth", o->path);
    FILE *f = tool_output_open(o);
    if (!f) {
        free(text);
        return tool_error("%s: cannot write", o->path);
    }
    int bad = fputs(text, f) < 0 || fputc('\n', f) == EOF;
    bad |= tool_output_close(o) != 0;
    free(text);
    if (bad)
        return tool_error("%s: write failed", o->path);
    return 0;
}

int synth_write_truth(tool_output *o, const synth_truth_doc *d)
{
    cJSON *root = cJSON_CreateObject();
    add_identity(root, d);
    add_electrodes(root, d);
    add_settings(root, d);
    if (d->truth && !strcmp(d->scenario, "hinge")) {
        cJSON *reps = cJSON_AddArrayToObject(root, "reps");
        for (size_t r = 0; r < bl_synth_truth_reps(d->truth); r++)
            cJSON_AddItemToArray(reps, rep_object(d, r));
    }
    if (d->truth && d->gait)
        add_gait(root, d);
    if (d->truth && !strcmp(d->scenario, "mvc")) {
        double a, b;
        bl_synth_truth_get_hold(d->truth, &a, &b);
        cJSON_AddNumberToObject(root, "hold_start_s", r6(a));
        cJSON_AddNumberToObject(root, "hold_end_s", r6(b));
    }
    add_mvc_trials(root, d);
    if (d->truth)
        add_artefacts(root, d);
    return write_json(o, root);
}
