/* The hinge analysis's configuration: defaults, the chain table and its
 * override syntax, and what a valid configuration is. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hinge_internal.h"

void bl_hinge_config_default(bl_hinge_config *cfg)
{
    if (!cfg) return;
    bl_envelope_config_default(&cfg->envelope);
    bl_mvc_config_default(&cfg->mvc);
    bl_hinge_segment_config_default(&cfg->segment);
    bl_onset_config_default(&cfg->onset);
    /* A set may start only ~1 s after the recording does: a 1 s quiet
     * window still fits before the first repetition. */
    cfg->onset.baseline_window_s = 1.0;
    for (int m = 0; m < BL_MUSCLE_MAX; m++) cfg->chain[m] = bl_muscle_default_chain((bl_muscle)m);
    cfg->weight_hamstring = 0.6;
    cfg->weight_trunk = 0.3;
    cfg->weight_other = 0.1;
    cfg->verdict_margin = 0.1;
    cfg->min_activity_pct = 5.0;
    cfg->spectrum_segment_s = 0.25;
    bl_quality_config_default(&cfg->quality);
    cfg->mvc_max_pct = 150.0;
    cfg->mvc_noise_ratio = 3.0;
    cfg->onset_rise_fraction = 0.1;
}

const char *bl_hinge_ch_state_name(bl_hinge_ch_state s)
{
    switch (s) {
    case BL_HINGE_CH_OK: return "ok";
    case BL_HINGE_CH_AUX: return "aux";
    case BL_HINGE_CH_DEAD: return "dead";
    case BL_HINGE_CH_NO_REFERENCE: return "no-reference";
    case BL_HINGE_CH_FAILED_QUALITY: return "failed-quality";
    case BL_HINGE_CH_BAD_REFERENCE: return "bad-reference";
    }
    return "?";
}

const char *bl_hinge_lean_name(bl_hinge_lean l)
{
    switch (l) {
    case BL_LEAN_LIKE_SET: return "like the set";
    case BL_LEAN_INTERNAL: return "more internal";
    case BL_LEAN_EXTERNAL: return "more external";
    default: return "none";
    }
}

const char *bl_hinge_verdict_name(bl_hinge_verdict v)
{
    switch (v) {
    case BL_VERDICT_INTERNAL: return "internal";
    case BL_VERDICT_EXTERNAL: return "external";
    case BL_VERDICT_MIXED: return "mixed";
    default: return "unknown";
    }
}

bl_status bl_hinge_chain_parse(const char *text, bl_chain chain[BL_MUSCLE_MAX], char *why, size_t why_len)
{
    if (!text || !chain) return BL_EINVAL;
    bl_chain tmp[BL_MUSCLE_MAX];
    memcpy(tmp, chain, sizeof tmp);
    size_t given_at[BL_MUSCLE_MAX] = {0}; /* entry that set each code, 0 = none yet */
    const char *p = text;
    size_t pos = 0;
    while (*p) {
        pos++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        if (len == 0 || len >= sizeof item) {
            if (why && why_len) snprintf(why, why_len, "chain entry %zu is empty or too long", pos);
            return BL_EINVAL;
        }
        memcpy(item, p, len);
        item[len] = 0;
        char *eq = strchr(item, '=');
        if (!eq) {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu \"%s\": expected CODE=internal|external|none", pos, item);
            return BL_EINVAL;
        }
        *eq = 0;
        bl_muscle m = bl_muscle_from_code(item);
        if (m == BL_MUSCLE_COUNT || m == BL_MUSCLE_AUX) {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu: unknown muscle code \"%s\" (valid: %s)", pos, item,
                         bl_muscle_codes_list());
            return BL_EINVAL;
        }
        /* A code given twice is a mistake: one of the two would be
         * silently dropped. */
        if (given_at[m]) {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu: %s is already given by entry %zu", pos, item,
                         given_at[m]);
            return BL_EINVAL;
        }
        given_at[m] = pos;
        const char *v = eq + 1;
        if (!strcmp(v, "internal")) tmp[m] = BL_CHAIN_INTERNAL;
        else if (!strcmp(v, "external")) tmp[m] = BL_CHAIN_EXTERNAL;
        else if (!strcmp(v, "none")) tmp[m] = BL_CHAIN_NONE;
        else {
            if (why && why_len)
                snprintf(why, why_len, "chain entry %zu: \"%s\" is not internal, external or none", pos, v);
            return BL_EINVAL;
        }
        p += len;
        if (*p == ',' && *++p == '\0') {
            if (why && why_len) snprintf(why, why_len, "chain entry %zu is empty or too long", pos + 1);
            return BL_EINVAL;
        }
    }
    memcpy(chain, tmp, sizeof tmp);
    return BL_OK;
}



int bli_hinge_config_ok(const bl_hinge_config *c)
{
    if (!(c->weight_hamstring >= 0 && c->weight_trunk >= 0 && c->weight_other >= 0)) return 0;
    if (!(c->verdict_margin >= 0 && c->verdict_margin < 1)) return 0;
    if (!(c->min_activity_pct >= 0) || !(c->spectrum_segment_s > 0)) return 0;
    if (!(c->mvc_max_pct > 100) || !isfinite(c->mvc_max_pct) || !(c->mvc_noise_ratio >= 0)) return 0;
    if (!(c->onset_rise_fraction > 0 && c->onset_rise_fraction < 1)) return 0;
    for (int m = 0; m < BL_MUSCLE_MAX; m++)
        if ((int)c->chain[m] < BL_CHAIN_NONE || c->chain[m] > BL_CHAIN_EXTERNAL) return 0;
    return 1;
}
