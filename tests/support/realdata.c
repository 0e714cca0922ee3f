/* Loading the real recordings with what their sidecars say (realdata.h). */
#include "realdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backline/chanmap.h"
#include "check.h"

static cJSON *sidecar(const char *json_path)
{
    char *text = test_slurp(json_path);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    return doc;
}

int test_sidecar_map(const char *json_path, char *map, size_t len)
{
    cJSON *doc = sidecar(json_path);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "channels"), *e;
    int n = 0;
    size_t used = 0;
    if (len) map[0] = '\0';
    cJSON_ArrayForEach(e, list)
    {
        if (!cJSON_IsString(e) || used >= len) continue;
        used += (size_t)snprintf(map + used, len - used, "%s%s", n++ ? "," : "", e->valuestring);
    }
    cJSON_Delete(doc);
    return n > 0 && used < len ? n : -1;
}

double test_sidecar_scale_uv(const char *json_path)
{
    cJSON *doc = sidecar(json_path);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "scale_to_uV");
    double v = cJSON_IsNumber(s) && s->valuedouble > 0 ? s->valuedouble : 0;
    cJSON_Delete(doc);
    return v;
}

bl_recording *test_load_real(const char *subdir, const char *name)
{
    char rel[512], wav[1400], json[1400], map[1024], why[512] = "", msg[2200];
    snprintf(rel, sizeof rel, "%s/%s.wav", subdir, name);
    test_real_file(wav, sizeof wav, rel);
    snprintf(json, sizeof json, "%.*s.json", (int)(strlen(wav) - 4), wav);
    bl_recording *rec = NULL;
    if (bl_recording_load(wav, &rec, why, sizeof why) != BL_OK) {
        snprintf(msg, sizeof msg, "%s: %s", wav, why);
        test_fail(msg);
    }
    if (test_sidecar_map(json, map, sizeof map) < 0 || bl_recording_set_map(rec, map, why, sizeof why) != BL_OK) {
        snprintf(msg, sizeof msg, "%s: the sidecar's channel list is missing or does not fit: %s", json, why);
        test_fail(msg);
    }
    /* µV = sample × full scale / gain × 1e6, so a scale s per sample is a
     * gain of full scale × 1e6 / s. */
    double scale = test_sidecar_scale_uv(json);
    const bl_chanmap *cm = bl_recording_chanmap(rec);
    for (size_t c = 0; scale > 0 && c < bl_recording_channels(rec); c++)
        if (bl_chanmap_muscle(cm, c) != BL_MUSCLE_AUX)
            bl_recording_set_gain(rec, c, bl_recording_full_scale(rec) * 1e6 / scale);
    bl_recording_to_microvolts(rec);
    return rec;
}
