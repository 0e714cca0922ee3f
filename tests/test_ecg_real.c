/* ECG removal (ecg.h) on real recordings without ECG: the BioSPPy
 * single-channel sEMG, every UCI lower-limb file (RF, BF, VM, ST) and the
 * Santuz treadmill walk (13 leg muscles), each conditioned at its own rate
 * (1000 Hz: band-pass 20-450 Hz, mains detected) with every EMG channel
 * examined. None of these electrodes sits near the heart, so every channel
 * must come back "no ECG" and not one sample may change; the limb bursts,
 * repetitions and single large motor units of these files are what a
 * detector must not take for heartbeats. Skips loudly when the real-data
 * folder is absent.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/ecg.h"
#include "backline/envelope.h"
#include "check.h"
#include "ecgtest.h"
#include "json.h"

/* The sidecar's "channels" as a map text. */
static int sidecar_map(const char *wav, char *map, size_t len)
{
    char js[1400];
    snprintf(js, sizeof js, "%.*s.json", (int)(strlen(wav) - 4), wav);
    cJSON *doc = test_json_load(js);
    cJSON *ch = cJSON_GetObjectItem(doc, "channels"), *it;
    size_t n = 0;
    map[0] = 0;
    cJSON_ArrayForEach(it, ch) {
        if (!cJSON_IsString(it)) continue;
        size_t l = strlen(map);
        snprintf(map + l, len - l, "%s%s", n++ ? "," : "", it->valuestring);
    }
    cJSON_Delete(doc);
    return n ? 0 : -1;
}

/* One file: 1 when it was examined. */
static int check_file(const char *wav, double *worst_snr)
{
    char map[512], why[256];
    bl_recording *raw = NULL, *rec = NULL;
    CHECK_MSG(sidecar_map(wav, map, sizeof map) == 0, "%s: no channel list in the sidecar", wav);
    if (bl_recording_load(wav, &raw, why, sizeof why) != BL_OK) {
        CHECK_MSG(0, "%s: %s", wav, why);
        return 0;
    }
    CHECK_MSG(bl_recording_set_map(raw, map, why, sizeof why) == BL_OK, "%s: %s", wav, why);
    bl_envelope_config ec;
    bl_envelope_config_default(&ec);
    ec.rate_hz = bl_recording_rate(raw) < ec.rate_hz ? bl_recording_rate(raw) : ec.rate_hz;
    ec.ecg = BL_ECG_OFF; /* detection is what this test runs */
    bl_status st = bl_condition(raw, &ec, &rec, NULL);
    bl_recording_destroy(raw);
    CHECK_MSG(st == BL_OK, "%s: conditioning: %s", wav, bl_strerror(st));
    if (st != BL_OK) return 0;
    size_t idx[BL_CHANMAP_MAX_ENTRIES], n = 0;
    for (size_t c = 0; c < bl_recording_channels(rec); c++)
        if (bl_chanmap_muscle(bl_recording_chanmap(rec), c) != BL_MUSCLE_AUX) idx[n++] = c;
    bl_recording *before = test_ecg_copy(rec);
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    bl_ecg_result *r = test_ecg_new_result();
    st = bl_ecg_remove_recording(rec, idx, n, &cfg, r);
    CHECK_MSG(st == BL_OK, "%s: %s", wav, bl_strerror(st));
    CHECK_MSG(!bl_ecg_result_detected(r), "%s: ECG found (%zu beats, %.0f bpm)", wav, bl_ecg_result_beats(r),
              bl_ecg_result_heart_rate(r));
    for (size_t c = 0; c < bl_recording_channels(rec); c++)
        CHECK_MSG(test_ecg_same_samples(rec, before, c), "%s: channel %zu changed", wav, c);
    for (size_t i = 0; i < bl_ecg_result_channels(r); i++) {
        bl_ecg_channel ch;
        if (bl_ecg_result_get_channel(r, i, &ch) == BL_OK && ch.snr_db > *worst_snr) *worst_snr = ch.snr_db;
    }
    bl_ecg_result_destroy(r);
    bl_recording_destroy(rec);
    bl_recording_destroy(before);
    return 1;
}

static int has_wav(const char *name)
{
    size_t l = strlen(name);
    return l > 4 && strcmp(name + l - 4, ".wav") == 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every .wav of the folder, in name order. */
static size_t check_folder(const char *dir, double *worst)
{
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    if (!d) return 0;
    char *names[256];
    size_t n = 0, done = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (has_wav(e->d_name)) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        done += (size_t)check_file(path, worst);
        free(names[i]);
    }
    return done;
}

int main(void)
{
    char path[1400], dir[1400];
    double worst = -INFINITY;
    size_t files = 0;
    test_real_file(path, sizeof path, "biosppy/emg.wav");
    files += (size_t)check_file(path, &worst);
    test_real_file(path, sizeof path, "biosppy/emg_1.wav");
    files += (size_t)check_file(path, &worst);
    test_real_file(path, sizeof path, "santuz-walking/ID0012_TW_01.wav");
    files += (size_t)check_file(path, &worst);
    test_real_file(path, sizeof path, "uci-lower-limb/1Npie.wav");
    files += check_folder(test_path(dir, sizeof dir, test_real_data(), "uci-lower-limb"), &worst);
    CHECK_MSG(files >= 60, "only %zu files examined", files);
    printf("test_ecg_real: %zu files, no ECG found; largest presence snr %.1f dB (threshold 10 dB)\n", files, worst);
    return test_finish("test_ecg_real");
}
