/* Every real recording under ../shared/data/real loads, and agrees with its
 * JSON sidecar: rate, channel count (and the sidecar's map parses and fits),
 * frame count where the sidecar gives one. Skips loudly when the folder is
 * absent; fails when it is present but holds no recordings. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "realdata.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "backline/chanmap.h"
#include "backline/recording.h"

static int files_checked, backyard_checked;

static void check_one(const char *dir, const char *sub, const char *wav)
{
    char path[1024], json[1024], why[1024];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, wav);
    snprintf(json, sizeof json, "%s", path);
    strcpy(json + strlen(json) - 4, ".json");

    bl_recording *r = NULL;
    bl_status st = bl_recording_load(path, &r, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: load %d: %s", path, st, why);
    if (!r)
        return;
    files_checked++;
    if (strcmp(sub, "backyardbrains") == 0) {
        backyard_checked++;
        CHECK_MSG(strcmp(bl_recording_format_name(r), "WAV PCM 16-bit") == 0, "%s: %s", path,
                  bl_recording_format_name(r));
    }
    size_t ch = 0, fr = 0;
    CHECK_MSG(bl_recording_check_finite(r, &ch, &fr) == BL_OK, "%s: non-finite at %zu/%zu", path, ch,
              fr);
    CHECK_MSG(bl_recording_frames(r) > 0, "%s: no frames", path);

    char *text = test_slurp(json);
    CHECK_MSG(text != NULL, "%s: sidecar missing", json);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK_MSG(root != NULL, "%s: sidecar does not parse", json);
    if (root) {
        cJSON *rate = cJSON_GetObjectItemCaseSensitive(root, "rate_hz");
        cJSON *frames = cJSON_GetObjectItemCaseSensitive(root, "frames");
        cJSON *chans = cJSON_GetObjectItemCaseSensitive(root, "channels");
        CHECK_MSG(cJSON_IsNumber(rate), "%s: no rate_hz", json);
        if (cJSON_IsNumber(rate))
            CHECK_MSG(bl_recording_rate(r) == rate->valuedouble, "%s: rate %g vs sidecar %g", path,
                      bl_recording_rate(r), rate->valuedouble);
        if (cJSON_IsNumber(frames))
            CHECK_MSG((double)bl_recording_frames(r) == frames->valuedouble,
                      "%s: %zu frames vs sidecar %g", path, bl_recording_frames(r),
                      frames->valuedouble);
        CHECK_MSG(cJSON_IsArray(chans), "%s: no channels", json);
        if (cJSON_IsArray(chans)) {
            size_t n = (size_t)cJSON_GetArraySize(chans);
            CHECK_MSG(bl_recording_channels(r) == n, "%s: %zu channels vs sidecar %zu", path,
                      bl_recording_channels(r), n);
            /* The sidecar's channel names are a backline map. */
            char map[1024] = "";
            CHECK_MSG(test_sidecar_map(json, map, sizeof map) == (int)n, "%s: channel list", json);
            st = bl_recording_set_map(r, map, NULL, 0);
            CHECK_MSG(st == BL_OK, "%s: sidecar map \"%s\" rejected (%d)", json, map, st);
        }
        cJSON_Delete(root);
    }
    free(text);
    bl_recording_destroy(r);
}

int main(void)
{
    const char *dir = test_real_data();
    DIR *top = opendir(dir);
    CHECK_MSG(top != NULL, "cannot list %s", dir);
    if (!top)
        return test_finish("test_recording_real");
    struct dirent *d;
    while ((d = readdir(top)) != NULL) {
        if (d->d_name[0] == '.')
            continue;
        char subpath[1024];
        snprintf(subpath, sizeof subpath, "%s/%s", dir, d->d_name);
        DIR *sd = opendir(subpath);
        if (!sd)
            continue;
        struct dirent *f;
        while ((f = readdir(sd)) != NULL) {
            size_t n = strlen(f->d_name);
            if (n > 4 && strcmp(f->d_name + n - 4, ".wav") == 0)
                check_one(dir, d->d_name, f->d_name);
        }
        closedir(sd);
    }
    closedir(top);
    printf("checked %d real recordings (%d Backyard Brains)\n", files_checked, backyard_checked);
    CHECK_MSG(files_checked >= 1, "no recordings found under %s", dir);
    CHECK_MSG(backyard_checked == 5, "expected the 5 Backyard Brains files, loaded %d",
              backyard_checked);
    return test_finish("test_recording_real");
}
