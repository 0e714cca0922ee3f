/* The synthetic fixtures and their truth, checked by an independent plain
 * analysis (issue 3, "Done when").
 *
 *   test_synth_fixtures            every fixtures/synth/<set>/ and fixtures/demo
 *   test_synth_fixtures DIR...     the given sets (test_synth_tool.sh uses it on
 *                                  freshly generated seeds)
 *
 * Nothing here uses the library's filters, envelopes or spectra (the plain
 * analysis is support/plain.c): files are
 * read with libsndfile directly, the band-pass is an FFT brick wall
 * (20–450 Hz, ±1 Hz around every multiple of 50 and 60 Hz removed), the
 * envelope is the rectified signal under a centred 100 ms moving average,
 * the MVC reference is the largest 500 ms mean of the envelope over all MVC
 * trials (DESIGN.md), and the chain label of a rep is the sign of
 *   ln(medial/lateral hamstring) + ln(external oblique/erector)
 * of the normalised mean envelopes over the rep (the second term only when
 * both trunk channels exist). bl_recording_load is used only to check that
 * the file's own metadata carries the map, gains and full scale.
 *
 * Checks per set: the files open with libsndfile and match the truth; each
 * EMG channel is active inside every rep and quiet between (rep mean > 2 ×
 * gap mean: a 10 %MVC vastus under 8 µV of noise gives ~3); ECG beats
 * in the truth show on trunk channels at rest; the median frequency of the
 * raw (unfiltered; mains lines left out) signal of every MVC trial (or,
 * without trials, of each rep) is 60–120 Hz; the envelope's half-level
 * crossing at each burst's start agrees with the truth's onset (±80 ms);
 * motion artefacts (below 10 Hz) sit at the truth's times; the normalised concentric level matches the truth's %MVC
 * (the mean ratio over a set within 0.85–1.08; each rep and channel within
 * ±35 %, as one rep's 0.6–1.1 s window scatters by ~7 % SD —
 * the max-of-500-ms reference sits a few % above the hold's mean, so the
 * plain ratio is biased low by design); and the chain labels are all
 * recovered.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backline/recording.h"
#include "check.h"
#include "json.h"
#include "plain.h"

#define MAXCH TEST_SIG_MAXCH

typedef test_sig sig; /* µV (EMG) after read_wav */

/* Read with libsndfile, convert to µV with the truth's gains. */
static int read_wav(const char *path, const cJSON *truth, sig *out)
{
    double fs = test_json_num(truth, "full_scale_v"), k[MAXCH];
    for (size_t c = 0; c < MAXCH; c++) {
        double g = test_json_num_at(truth, "gain", c);
        k[c] = isfinite(g) ? fs / g * 1e6 : 1.0;
    }
    return test_wav_read(path, k, out);
}

static void bandpass(float *x, size_t n, double rate) { test_plain_band(x, n, rate, 20.0, 450.0); }

/* Running totals over every set, for the summary. */
static size_t g_reps, g_labels_ok, g_level_n, g_sets;
static double g_level_ratio_sum, g_level_err_max;

/* One set while it is checked: its truth, the session in µV and what the
 * checks hand on to each other. */
typedef struct fixture_set {
    const char *dir;
    cJSON *truth;
    const cJSON *chans, *reps, *mvc;
    const char *map;
    size_t nch, nreps;
    sig s;                        /* session.wav */
    int emg[MAXCH];
    int i_med, i_bf, i_eo, i_es;  /* first ST/SM, BF, EO, ES channel; -1: none */
    float *env[MAXCH];            /* envelopes of the band-passed session */
    double ref[MAXCH];            /* MVC reference per channel, µV */
    int have_ref;
    double med_min, med_max;      /* raw median frequencies seen, Hz */
} fixture_set;

static const cJSON *rep_at(const fixture_set *fs, size_t r) { return cJSON_GetArrayItem(fs->reps, (int)r); }

static const char *chan_name(const fixture_set *fs, size_t c)
{
    return cJSON_GetStringValue(cJSON_GetArrayItem(fs->chans, (int)c));
}

/* Mean envelope of channel c between t0 and t1 seconds. */
static double env_mean(const fixture_set *fs, size_t c, double t0, double t1)
{
    return test_mean_between(fs->env[c], fs->s.n, fs->s.rate, t0, t1);
}

/* The truth and the session: both must be there and agree; the file must
 * describe itself (map, gains, full scale). 0 when the set can be checked
 * further. */
static int open_set(fixture_set *fs, const char *dir)
{
    char path[4096];
    memset(fs, 0, sizeof *fs);
    fs->dir = dir;
    snprintf(path, sizeof path, "%s/truth.json", dir);
    fs->truth = test_json_load(path);
    CHECK_MSG(fs->truth != NULL, "%s: missing or unparsable", path);
    if (!fs->truth)
        return -1;
    g_sets++;
    fs->chans = cJSON_GetObjectItemCaseSensitive(fs->truth, "channels");
    fs->reps = cJSON_GetObjectItemCaseSensitive(fs->truth, "reps");
    fs->mvc = cJSON_GetObjectItemCaseSensitive(fs->truth, "mvc");
    fs->map = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fs->truth, "map"));
    int complete = cJSON_IsArray(fs->chans) && cJSON_IsArray(fs->reps) && cJSON_IsArray(fs->mvc) && fs->map;
    CHECK_MSG(complete, "%s: truth lacks map/channels/reps/mvc", dir);
    snprintf(path, sizeof path, "%s/session.wav", dir);
    if (complete && read_wav(path, fs->truth, &fs->s) != 0) {
        CHECK_MSG(0, "%s unreadable", path);
        complete = 0;
    }
    if (!complete) {
        cJSON_Delete(fs->truth);
        return -1;
    }
    fs->nch = (size_t)cJSON_GetArraySize(fs->chans);
    fs->nreps = (size_t)cJSON_GetArraySize(fs->reps);
    CHECK_EQ_INT(fs->s.nch, fs->nch);
    CHECK_NEAR(fs->s.rate, test_json_num(fs->truth, "rate_hz"), 0);
    CHECK_NEAR((double)fs->s.n / fs->s.rate, test_json_num(fs->truth, "duration_s"), 1.0 / fs->s.rate);
    bl_recording *rec = NULL;
    char why[256];
    CHECK(bl_recording_load(path, &rec, why, sizeof why) == BL_OK);
    if (rec) {
        const char *stored = bl_recording_map(rec);
        CHECK_MSG(stored && !strcmp(stored, fs->map), "%s: stored map %s vs truth %s", path,
                  stored ? stored : "(none)", fs->map);
        CHECK_NEAR(bl_recording_full_scale(rec), test_json_num(fs->truth, "full_scale_v"), 1e-9);
        for (size_t c = 0; c < fs->nch; c++) {
            double g = test_json_num_at(fs->truth, "gain", c);
            CHECK_NEAR(bl_recording_gain(rec, c), isfinite(g) ? g : 0.0, 1e-9);
        }
        bl_recording_destroy(rec);
    }
    fs->med_min = 1e9;
    fs->med_max = 0;
    fs->i_med = fs->i_bf = fs->i_eo = fs->i_es = -1;
    for (size_t c = 0; c < fs->nch && c < MAXCH; c++) {
        const char *name = chan_name(fs, c);
        const char *code = strchr(name, '.') ? strchr(name, '.') + 1 : name;
        fs->emg[c] = strcmp(code, "AUX") != 0;
        if ((!strcmp(code, "ST") || !strcmp(code, "SM")) && fs->i_med < 0)
            fs->i_med = (int)c;
        if (!strcmp(code, "BF") && fs->i_bf < 0)
            fs->i_bf = (int)c;
        if (!strcmp(code, "EO") && fs->i_eo < 0)
            fs->i_eo = (int)c;
        if (!strcmp(code, "ES") && fs->i_es < 0)
            fs->i_es = (int)c;
    }
    return 0;
}

static void close_set(fixture_set *fs)
{
    for (size_t c = 0; c < fs->nch; c++)
        free(fs->env[c]);
    test_sig_free(&fs->s);
    cJSON_Delete(fs->truth);
}

/* The energy of x in the 0.5 s from t0 (s), added to *acc. */
static void add_energy(const float *x, size_t n, double rate, double t0, double *acc)
{
    for (size_t i = (size_t)(t0 * rate); i < (size_t)((t0 + 0.5) * rate) && i < n; i++)
        *acc += (double)x[i] * x[i];
}

/* Motion artefacts: the raw signal below 10 Hz (where sEMG has almost no
 * power) is louder in the 0.5 s after the truth's motion times than in the
 * 0.5 s windows halfway between them, summed over channels. */
static void check_motion(const fixture_set *fs)
{
    const cJSON *mot = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(fs->truth, "artefacts"),
                                                       "motion_s");
    size_t nm = (size_t)cJSON_GetArraySize(mot), n = fs->s.n;
    if (nm < 2 || !(test_json_num(cJSON_GetObjectItemCaseSensitive(fs->truth, "noise"), "motion_uV") > 0))
        return;
    double at = 0, mid = 0;
    for (size_t c = 0; c < fs->nch; c++) {
        if (!fs->emg[c])
            continue;
        float *lf = malloc(n * sizeof *lf);
        memcpy(lf, fs->s.x[c], n * sizeof *lf);
        test_plain_band(lf, n, fs->s.rate, 0.5, 10.0);
        for (size_t k = 0; k < nm; k++) {
            double t0 = cJSON_GetArrayItem(mot, (int)k)->valuedouble;
            double m0 = k + 1 < nm ? 0.5 * (t0 + cJSON_GetArrayItem(mot, (int)k + 1)->valuedouble) : -1;
            add_energy(lf, n, fs->s.rate, t0, &at);
            if (m0 > 0)
                add_energy(lf, n, fs->s.rate, m0, &mid);
        }
        free(lf);
    }
    /* nm windows at the events against nm - 1 between them. */
    double ratio = sqrt((at / (double)nm) / (mid / (double)(nm - 1)));
    printf("    %s: motion artefacts below 10 Hz %.1fx louder at the truth's times\n", fs->dir, ratio);
    CHECK_MSG(ratio > 1.5, "%s: motion artefacts not at the truth's times (ratio %.2f)", fs->dir, ratio);
}

/* Without MVC trials, the raw spectra of each rep (before anything is
 * filtered) give the median frequency check. */
static void check_rep_medians(fixture_set *fs)
{
    if (cJSON_GetArraySize(fs->mvc) != 0)
        return;
    for (size_t c = 0; c < fs->nch; c++) {
        if (!fs->emg[c])
            continue;
        for (size_t r = 0; r < fs->nreps; r++) {
            double a = test_json_num(rep_at(fs, r), "start_s") + 0.3, b = test_json_num(rep_at(fs, r), "end_s");
            size_t i0 = (size_t)(a * fs->s.rate), i1 = (size_t)(b * fs->s.rate);
            double m = test_welch_median(fs->s.x[c] + i0, i1 - i0, fs->s.rate);
            CHECK_MSG(m >= 60 && m <= 120, "%s ch %zu rep %zu: median %.1f Hz", fs->dir, c, r + 1, m);
            fs->med_min = fmin(fs->med_min, m);
            fs->med_max = fmax(fs->med_max, m);
        }
    }
}

/* A beat counts when it falls in quiet standing: inside the file and away
 * from every rep. */
static int beat_is_quiet(const fixture_set *fs, double tb)
{
    int quiet = tb > 0.8 && tb < (double)fs->s.n / fs->s.rate - 0.2;
    for (size_t r = 0; r < fs->nreps && quiet; r++)
        if (tb > test_json_num(rep_at(fs, r), "start_s") - 0.5 && tb < test_json_num(rep_at(fs, r), "end_s") + 0.8)
            quiet = 0;
    return quiet;
}

/* ECG at rest on trunk channels: the band-passed signal y of channel c
 * averaged over the truth's R-wave times (±50 ms, beats inside the quiet
 * time only) against the same average 0.37 s earlier (between the previous
 * T wave and the P wave): the beats must stand out. */
static void check_ecg(const fixture_set *fs, size_t c, const float *y)
{
    const cJSON *art = cJSON_GetObjectItemCaseSensitive(fs->truth, "artefacts");
    const cJSON *it;
    int has_ecg = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(art, "ecg_channels"))
        has_ecg |= test_json_str_is(it, chan_name(fs, c));
    if (!has_ecg)
        return;
    size_t w = (size_t)(0.05 * fs->s.rate), used = 0;
    double *on = calloc(2 * w + 1, sizeof *on), *off = calloc(2 * w + 1, sizeof *off);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(art, "ecg_beats_s"))
    {
        double tb = it->valuedouble;
        if (!beat_is_quiet(fs, tb))
            continue;
        size_t i0 = (size_t)(tb * fs->s.rate) - w, j0 = (size_t)((tb - 0.37) * fs->s.rate) - w;
        for (size_t i = 0; i <= 2 * w; i++) {
            on[i] += y[i0 + i];
            off[i] += y[j0 + i];
        }
        used++;
    }
    if (used >= 5) {
        double a = 0, b = 0;
        for (size_t i = 0; i <= 2 * w; i++) {
            a += on[i] * on[i];
            b += off[i] * off[i];
        }
        double ratio = sqrt(a / b);
        printf("    %s %s: ECG template over %zu quiet beats %.1fx the off-beat average\n", fs->dir, chan_name(fs, c),
               used, ratio);
        /* Two averages of noise alone differ by ~±15–20 %. */
        CHECK_MSG(ratio > 1.5, "%s ch %zu: ECG beats of the truth not in the signal (ratio %.2f)", fs->dir, c, ratio);
    }
    free(on);
    free(off);
}

/* Envelopes of the band-passed session; the band-passed signal is also
 * where the ECG is looked for. */
static void make_envelopes(fixture_set *fs)
{
    for (size_t c = 0; c < fs->nch; c++) {
        if (!fs->emg[c])
            continue;
        float *y = malloc(fs->s.n * sizeof *y);
        memcpy(y, fs->s.x[c], fs->s.n * sizeof *y);
        bandpass(y, fs->s.n, fs->s.rate);
        fs->env[c] = test_plain_envelope(y, fs->s.n, fs->s.rate);
        check_ecg(fs, c, y);
        free(y);
    }
}

/* Active inside reps, quiet between. */
static void check_activity(const fixture_set *fs)
{
    for (size_t c = 0; c < fs->nch; c++) {
        if (!fs->emg[c])
            continue;
        double act_min = 1e30, quiet_max = 0;
        double prev = 0.3;
        for (size_t r = 0; r <= fs->nreps; r++) {
            const cJSON *rep = rep_at(fs, r);
            double start = r < fs->nreps ? test_json_num(rep, "start_s") : (double)fs->s.n / fs->s.rate + 0.3;
            double q = env_mean(fs, c, prev, start - 0.3);
            if (isfinite(q))
                quiet_max = fmax(quiet_max, q);
            if (r < fs->nreps) {
                act_min = fmin(act_min, env_mean(fs, c, start + 0.4, test_json_num(rep, "end_s")));
                prev = test_json_num(rep, "end_s") + 0.6;
            }
        }
        CHECK_MSG(act_min > 2.0 * quiet_max, "%s ch %zu: weakest rep %.1f uV vs loudest gap %.1f uV", fs->dir, c,
                  act_min, quiet_max);
    }
}

/* The mvc_trials entry of a trial file (the last one that names it). */
static const cJSON *find_trial(const fixture_set *fs, const char *file)
{
    const cJSON *trial = NULL, *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(fs->truth, "mvc_trials"))
        if (test_json_str_is(cJSON_GetObjectItemCaseSensitive(t, "file"), file))
            trial = t;
    return trial;
}

/* One MVC trial: the raw median frequency of its target channel over the
 * hold, and for every EMG channel the largest 500 ms mean of the envelope
 * raised into the channel's reference. */
static void use_mvc_trial(fixture_set *fs, const char *path, const cJSON *trial, sig *m)
{
    for (size_t c = 0; c < fs->nch && c < m->nch; c++) {
        if (!fs->emg[c])
            continue;
        if (trial && (size_t)test_json_num(trial, "channel_index") == c) {
            size_t i0 = (size_t)(test_json_num(trial, "hold_start_s") * m->rate);
            size_t i1 = (size_t)(test_json_num(trial, "hold_end_s") * m->rate);
            double md = test_welch_median(m->x[c] + i0, i1 - i0, m->rate);
            CHECK_MSG(md >= 60 && md <= 120, "%s: raw median %.1f Hz outside 60-120", path, md);
            fs->med_min = fmin(fs->med_min, md);
            fs->med_max = fmax(fs->med_max, md);
        }
        bandpass(m->x[c], m->n, m->rate);
        float *e = test_plain_envelope(m->x[c], m->n, m->rate), *w = malloc(m->n * sizeof *w);
        size_t half = (size_t)(0.25 * m->rate);
        test_moving_mean(e, m->n, 2 * half + 1, w);
        for (size_t i = half; i + half < m->n; i++)
            fs->ref[c] = fmax(fs->ref[c], w[i]);
        free(e);
        free(w);
    }
}

/* MVC references and the trials' raw median frequency. */
static void mvc_references(fixture_set *fs)
{
    char path[4096];
    const cJSON *it;
    fs->have_ref = cJSON_GetArraySize(fs->mvc) > 0;
    cJSON_ArrayForEach(it, fs->mvc)
    {
        snprintf(path, sizeof path, "%s/%s", fs->dir, cJSON_GetStringValue(it));
        sig m;
        if (read_wav(path, fs->truth, &m) != 0) {
            CHECK_MSG(0, "%s unreadable", path);
            fs->have_ref = 0;
            continue;
        }
        CHECK_EQ_INT(m.nch, fs->nch);
        const cJSON *trial = find_trial(fs, cJSON_GetStringValue(it));
        CHECK_MSG(trial != NULL, "%s: no mvc_trials entry", path);
        use_mvc_trial(fs, path, trial, &m);
        test_sig_free(&m);
    }
}

/* The first time (s) channel c's envelope rises above `half` from 0.25 s
 * before start until the turn; NAN if it does not. */
static double half_level_crossing(const fixture_set *fs, size_t c, double start, double turn, double half)
{
    for (size_t i = (size_t)((start - 0.25) * fs->s.rate); i < fs->s.n && (double)i / fs->s.rate < turn; i++)
        if (fs->env[c][i] > half)
            return (double)i / fs->s.rate;
    return NAN;
}

/* Onsets: a burst rises from the truth's onset to its eccentric level
 * along a 0.25 s raised cosine, so the envelope (a centred moving mean,
 * which keeps the midpoint of a symmetric rise) crosses halfway between
 * the quiet before the rep and the eccentric plateau 0.125 s after the
 * onset (torque-shaped bursts: halfway to the level just after the
 * rise, 0.45–0.65 s into the movement). Checked within ±80 ms each (the 100 ms mean of a burst
 * scatters by ~10 %, shifting a crossing by tens of ms) and ±30 ms on
 * the set's mean (sets with 5 or more), on channels at >= 15 %MVC that
 * carry no ECG (on ES/EO a plain half-level crossing catches
 * heartbeats: that is the onset module's problem, not the truth's). */
static void check_onsets(const fixture_set *fs, int torque)
{
    double on_err_sum = 0, on_err_max = 0;
    size_t on_n = 0;
    for (size_t r = 0; r < fs->nreps; r++) {
        const cJSON *rep = rep_at(fs, r);
        double start = test_json_num(rep, "start_s"), turn = test_json_num(rep, "turn_s");
        for (size_t c = 0; c < fs->nch; c++) {
            double want = test_json_num_at(rep, "onset_s", c), lvl = test_json_num_at(rep, "level_pct", c);
            if (!fs->emg[c] || (int)c == fs->i_es || (int)c == fs->i_eo || !isfinite(want) || !(lvl >= 15.0))
                continue;
            const char *name = chan_name(fs, c);
            if (strstr(name, "ES") || strstr(name, "EO") || strstr(name, "IO"))
                continue;
            double quiet = env_mean(fs, c, start - 0.8, start - 0.25);
            /* Torque-shaped bursts keep rising through the eccentric: their
             * first level is the one just after the rise. */
            double ecc = torque ? env_mean(fs, c, start + 0.45, start + 0.65) : env_mean(fs, c, turn - 0.8, turn - 0.2);
            if (!isfinite(quiet) || !isfinite(ecc))
                continue;
            double got = half_level_crossing(fs, c, start, turn, 0.5 * (quiet + ecc));
            /* Torque-shaped bursts keep growing while they rise, so the
             * halfway mark is reached ~50 ms later than on a plateau. */
            double err = got - (want + 0.125 + (torque ? 0.045 : 0.0));
            CHECK_MSG(fabs(err) < 0.08, "%s rep %zu ch %zu: half-level crossing at %.3f s, truth onset %.3f s + 0.125",
                      fs->dir, r + 1, c, got, want);
            if (isfinite(err)) {
                on_err_sum += err;
                on_err_max = fmax(on_err_max, fabs(err));
                on_n++;
            }
        }
    }
    if (on_n >= 5)
        CHECK_MSG(fabs(on_err_sum / (double)on_n) < 0.03, "%s: mean onset error %.3f s", fs->dir,
                  on_err_sum / (double)on_n);
    if (on_n)
        printf("    %s: %zu onsets, detected - truth mean %+.0f ms, worst %.0f ms\n", fs->dir, on_n,
               1000 * on_err_sum / (double)on_n, 1000 * on_err_max);
}

/* Channel c's measured concentric level in rep r, %MVC. Plateau bursts:
 * the concentric window's mean. Torque-shaped bursts peak at the turn: the
 * largest 0.3 s mean in the 0.6 s after it. */
static double measured_level(const fixture_set *fs, size_t c, const cJSON *rep, int torque)
{
    double b = test_json_num(rep, "end_s"), turn = test_json_num(rep, "turn_s");
    double meas = 100.0 * env_mean(fs, c, turn + 0.3, b - 0.1) / fs->ref[c];
    if (torque) {
        meas = 0;
        for (double tc = turn + 0.15; tc <= turn + 0.45; tc += 0.01)
            meas = fmax(meas, 100.0 * env_mean(fs, c, tc - 0.15, tc + 0.15) / fs->ref[c]);
    }
    return meas;
}

/* The chain label of a rep from its normalised mean envelopes (lvl), against
 * the truth's. 1 when they agree. */
static int check_label(const fixture_set *fs, size_t r, const double *lvl)
{
    const cJSON *rep = rep_at(fs, r);
    double score = log(lvl[fs->i_med] / lvl[fs->i_bf]);
    if (fs->i_eo >= 0 && fs->i_es >= 0)
        score += log(lvl[fs->i_eo] / lvl[fs->i_es]);
    const char *label = score > 0 ? "internal" : "external";
    int match = test_json_str_is(cJSON_GetObjectItemCaseSensitive(rep, "chain"), label);
    CHECK_MSG(match, "%s rep %zu: analysis says %s (score %.2f), truth %s", fs->dir, r + 1, label, score,
              cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rep, "chain")));
    return match;
}

/* Normalised levels against the truth's %MVC, and the chain labels; then
 * the set's summary line. */
static void check_levels_and_labels(const fixture_set *fs, int torque)
{
    size_t ok = 0, nratio = 0;
    double ratio_sum = 0, err_max = 0;
    for (size_t r = 0; r < fs->nreps && fs->have_ref; r++) {
        const cJSON *rep = rep_at(fs, r);
        double lvl[MAXCH];
        for (size_t c = 0; c < fs->nch; c++) {
            lvl[c] = NAN;
            if (!fs->emg[c] || fs->ref[c] <= 0)
                continue;
            double meas = measured_level(fs, c, rep, torque), want = test_json_num_at(rep, "level_pct", c);
            double ratio = meas / want;
            CHECK_MSG(fabs(ratio - 1) < 0.35, "%s rep %zu ch %zu: %.1f %%MVC measured vs %.1f in the truth", fs->dir,
                      r + 1, c, meas, want);
            ratio_sum += ratio;
            err_max = fmax(err_max, fabs(ratio - 1));
            nratio++;
            lvl[c] = env_mean(fs, c, test_json_num(rep, "start_s"), test_json_num(rep, "end_s")) / fs->ref[c];
        }
        if (fs->i_med >= 0 && fs->i_bf >= 0) {
            int match = check_label(fs, r, lvl);
            ok += match;
            g_reps++;
            g_labels_ok += match;
        }
    }
    if (nratio) {
        double mean = ratio_sum / (double)nratio;
        CHECK_MSG(mean > 0.85 && mean < 1.08, "%s: mean measured/true %%MVC %.3f", fs->dir, mean);
        g_level_ratio_sum += ratio_sum;
        g_level_n += nratio;
        g_level_err_max = fmax(g_level_err_max, err_max);
        printf("  %s: %zu reps, labels %zu/%zu, %%MVC measured/true mean %.3f (worst ±%.0f %%), raw median %.0f-%.0f Hz\n",
               fs->dir, fs->nreps, ok, fs->nreps, mean, 100 * err_max, fs->med_min, fs->med_max);
    } else {
        printf("  %s: %zu reps, no MVC trials (labels and %%MVC not checked), raw median %.0f-%.0f Hz\n", fs->dir,
               fs->nreps, fs->med_min, fs->med_max);
    }
}

static void check_set(const char *dir)
{
    fixture_set fs;
    if (open_set(&fs, dir) != 0)
        return;
    int torque = test_json_str_is(cJSON_GetObjectItemCaseSensitive(fs.truth, "shape"), "torque");
    check_motion(&fs);
    check_rep_medians(&fs);
    make_envelopes(&fs);
    check_activity(&fs);
    mvc_references(&fs);
    check_onsets(&fs, torque);
    check_levels_and_labels(&fs, torque);
    close_set(&fs);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            check_set(argv[i]);
    } else {
        const char *fx = test_fixtures();
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/synth", fx);
        test_require_fixture(dir);
        DIR *d = opendir(dir);
        CHECK_MSG(d != NULL, "cannot list %s", dir);
        if (!d)
            return test_finish("test_synth_fixtures");
        char *names[256];
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < 256) {
            char p[4096 + 512];
            struct stat st;
            snprintf(p, sizeof p, "%s/%s/truth.json", dir, e->d_name);
            if (e->d_name[0] != '.' && stat(p, &st) == 0) {
                names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
                sprintf(names[n], "%s/%s", dir, e->d_name);
                n++;
            }
        }
        closedir(d);
        if (n < 7) {
            char msg[4400];
            snprintf(msg, sizeof msg, "committed fixtures missing: %s holds %zu of the 7 sets "
                     "(restore them with git checkout, or run fixtures/synth/make_fixtures.sh)", dir, n);
            test_fail(msg);
        }
        qsort(names, n, sizeof *names, cmp_str);
        for (size_t i = 0; i < n; i++) {
            check_set(names[i]);
            free(names[i]);
        }
        test_fixture(dir, sizeof dir, "demo/truth.json");
        test_fixture(dir, sizeof dir, "demo/session.wav");
        snprintf(dir, sizeof dir, "%s/demo", fx);
        check_set(dir);
    }
    if (g_level_n)
        printf("summary: %zu sets, chain labels %zu/%zu, %%MVC measured/true mean %.3f over %zu rep-channels (worst ±%.0f %%)\n",
               g_sets, g_labels_ok, g_reps, g_level_ratio_sum / (double)g_level_n, g_level_n, 100 * g_level_err_max);
    return test_finish("test_synth_fixtures");
}
