/* The meters' %MVC references, before the device is opened: from MVC trial
 * WAVs (--mvc, built as `backline-analyse hinge --mvc` builds them: each
 * trial loaded at the analysis rate, enveloped with hinge's conditioning,
 * folded into a bl_mvc) or from the references an earlier `hinge --json`
 * report stored (--reference: channels[].mvc_reference, matched by channel
 * name, in the capture's unit). */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backline/envelope.h"
#include "backline/hinge.h"
#include "backline/normalise.h"
#include "tool.h"

bl_recording *cap_make_layout(const cap_session *s, int strict)
{
    bl_recording *layout = NULL;
    char why[512];
    if (bl_recording_create(s->channels, 0, 2000, &layout) != BL_OK) {
        tool_error("out of memory");
        return NULL;
    }
    if (s->map && bl_recording_set_chanmap(layout, s->map, why, sizeof why) != BL_OK) {
        tool_error("--map: %s", why);
        bl_recording_destroy(layout);
        return NULL;
    }
    for (size_t c = 0; c < s->channels; c++)
        if (s->gains && s->gains[c] > 0) bl_recording_set_gain(layout, c, s->gains[c]);
    bl_recording_set_full_scale(layout, s->opt->full_scale);
    /* Some EMG channels without a gain: the meters stay in full-scale units
     * (references need one unit). */
    if (bl_recording_check_units(layout, why, sizeof why) != BL_OK) {
        if (!strict) return layout;
        tool_usage_error("--gain: %s (the meters' %%MVC needs one unit)", why);
        bl_recording_destroy(layout);
        return NULL;
    }
    if (bl_recording_to_microvolts(layout) != BL_OK) {
        tool_error("out of memory");
        bl_recording_destroy(layout);
        return NULL;
    }
    return layout;
}

/* --mvc: every trial into the references; 0 or 1 after a line. */
static int add_trials(cap_session *s, const bl_recording *layout)
{
    bl_hinge_config hc;
    bl_hinge_config_default(&hc);
    char why[512];
    for (size_t t = 0; t < s->opt->n_mvc; t++) {
        const char *path = s->opt->mvc[t];
        bl_recording *trial = tool_load_or(path, NULL, s->map, hc.envelope.rate_hz), *env = NULL;
        if (!trial) return 1;
        bl_status st = bl_recording_check_same_unit(trial, layout, why, sizeof why);
        if (st != BL_OK) {
            bl_recording_destroy(trial);
            return tool_error("--mvc %s %s", path, why);
        }
        st = bl_envelope_recording(trial, &hc.envelope, &env, NULL);
        bl_recording_destroy(trial);
        if (st != BL_OK) return tool_error("--mvc %s: conditioning failed: %s", path, bl_strerror(st));
        why[0] = '\0';
        st = bl_mvc_add_trial(s->mvc, env, why, sizeof why);
        bl_recording_destroy(env);
        if (st != BL_OK) return tool_error("--mvc %s %s", path, why[0] ? why : bl_strerror(st));
    }
    return 0;
}

/* --reference: the report's references by channel name; 0 or 1 after a
 * line. */
static int add_stored(cap_session *s, const bl_recording *layout)
{
    const char *path = s->opt->reference;
    FILE *f = fopen(path, "rb");
    if (!f) return tool_error("--reference %s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + n, 1, cap - 1 - n, f)) > 0;) {
        n += got;
        if (n + 1 < cap) continue;
        char *p = cap < (64u << 20) ? realloc(text, 2 * cap) : NULL;
        if (!p) { free(text); text = NULL; break; }
        text = p;
        cap *= 2;
    }
    fclose(f);
    if (!text) return tool_error("--reference %s: too large or out of memory", path);
    text[n] = '\0';
    cJSON *doc = cJSON_Parse(text);
    free(text);
    cJSON *chans = cJSON_GetObjectItemCaseSensitive(doc, "channels");
    if (!cJSON_IsArray(chans)) {
        cJSON_Delete(doc);
        return tool_error("--reference %s: not a backline-analyse hinge --json report (no \"channels\" list)", path);
    }
    size_t found = 0;
    const char *unit = bl_recording_unit(layout);
    for (size_t c = 0; c < s->channels; c++) {
        char name[32];
        if (bl_chanmap_get_entry_name(s->map, c, name, sizeof name) != BL_OK) continue;
        cJSON *ch;
        cJSON_ArrayForEach(ch, chans) {
            cJSON *nm = cJSON_GetObjectItemCaseSensitive(ch, "name");
            if (!cJSON_IsString(nm) || strcmp(nm->valuestring, name)) continue;
            cJSON *ref = cJSON_GetObjectItemCaseSensitive(ch, "mvc_reference");
            cJSON *v = cJSON_GetObjectItemCaseSensitive(ref, "value"), *u = cJSON_GetObjectItemCaseSensitive(ref, "unit");
            cJSON *src = cJSON_GetObjectItemCaseSensitive(ref, "source");
            if (!cJSON_IsNumber(v) || !cJSON_IsString(u) || !cJSON_IsString(src)) break; /* none stored */
            if (strcmp(u->valuestring, unit)) {
                int rc = tool_error("--reference %s: %s's reference is in %s, the capture in %s (give --gain as "
                                    "the report's session had)", path, name, u->valuestring, unit);
                cJSON_Delete(doc);
                return rc;
            }
            bl_mvc_source so = !strcmp(src->valuestring, bl_mvc_source_name(BL_MVC_SESSION_PEAK)) ? BL_MVC_SESSION_PEAK
                                                                                                : BL_MVC_TRIALS;
            if (bl_mvc_set_reference(s->mvc, c, v->valuedouble, so) == BL_OK) found++;
            if (so == BL_MVC_SESSION_PEAK)
                tool_warn("--reference %s: %s's reference is its session's own peak, not an MVC trial (lower "
                          "confidence)", path, name);
            break;
        }
    }
    cJSON_Delete(doc);
    if (!found)
        return tool_error("--reference %s: no channel of the map has a reference there (names must match)", path);
    return 0;
}

int cap_load_references(cap_session *s)
{
    const cap_options *o = s->opt;
    if (!o->n_mvc && !o->reference) return 0;
    if (!s->map) return tool_usage_error("%s needs --map (references are matched by channel)",
                                         o->n_mvc ? "--mvc" : "--reference");
    if (!(s->layout = cap_make_layout(s, 1))) return 1;
    bl_hinge_config hc;
    bl_hinge_config_default(&hc);
    char why[512] = "";
    if (bl_mvc_create(s->layout, &hc.mvc, &s->mvc, why, sizeof why) != BL_OK) return tool_error("%s", why);
    return o->n_mvc ? add_trials(s, s->layout) : add_stored(s, s->layout);
}
