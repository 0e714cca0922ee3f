/* What the hinge analysis did, as a method description (doc.h): every
 * number from the configuration the analysis ran with, every rule from
 * the constants and functions its stages use (hinge_internal.h,
 * bl_hinge_segment_weight, bli_hinge_rep_onset), so a report cannot
 * describe a method the code does not run. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hinge_internal.h"

const char *bl_hinge_fatigue_method(void)
{
    return "least-squares slope of the median frequency over the repetition number, mean over usable channels "
           "(negative = spectral compression, fatigue)";
}

/* Round for readability: 4 decimals are more than a reference carries. */
static double r4(double v) { return isfinite(v) ? round(v * 1e4) / 1e4 : v; }

/* "10th", "99th", "5th" (the percentiles used here are all "th"). */
static const char *ordinal(double p, char *buf, size_t len)
{
    snprintf(buf, len, "%gth", p);
    return buf;
}

static void normalisation(const bl_hinge *h, const char *session_name, const char *const *trial_names, bl_doc *n)
{
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    bl_doc_add_string(n, "unit", "%MVC");
    bl_doc_add_string(n, "reference", "largest moving average of the linear envelope over window_s, one value per "
                                      "channel across all MVC trials (not per trial)");
    bl_doc_add_number(n, "window_s", h->cfg.mvc.window_s);
    bl_doc_add_string(n, "fallback", "the session's own largest window_s moving average (lower confidence)");
    if (trial_names) {
        bl_doc *files = bl_doc_add_array(n, "mvc_files");
        for (size_t i = 0; i < h->n_mvc; i++) bl_doc_add_string(files, NULL, trial_names[i]);
    }
    bl_doc_add_string(n, "method", h->n_mvc == 0 ? "session-peak" : s.normalised_to_mvc ? "mvc"
                                                                    : "mvc with session-peak fallback");
    bl_doc *refs = bl_doc_add_object(n, "per_channel");
    for (size_t c = 0; c < h->nch; c++) {
        if (h->state[c] == BL_HINGE_CH_AUX) continue;
        const bl_mvc_reference *ref = &h->ref[c];
        bl_doc *o = bl_doc_add_object(refs, h->name[c]);
        bl_doc_add_number(o, "reference", r4(ref->value));
        bl_doc_add_string(o, "unit", h->unit);
        bl_doc_add_string(o, "source", bl_mvc_source_name(ref->source));
        bl_doc *files = bl_doc_add_array(o, "files");
        if (ref->source == BL_MVC_TRIALS && trial_names) {
            for (size_t i = 0; i < h->n_mvc; i++) bl_doc_add_string(files, NULL, trial_names[i]);
            if (ref->trial < h->n_mvc) bl_doc_add_string(o, "maximum_in", trial_names[ref->trial]);
        } else if (ref->source == BL_MVC_SESSION_PEAK && session_name) {
            bl_doc_add_string(files, NULL, session_name);
        }
    }
}

static void segmentation(const bl_hinge *h, bl_doc *seg)
{
    const bl_hinge_segment_config *sg = &h->cfg.segment;
    char weights[512] = "", lo[16], hi[16];
    size_t used = 0;
    for (int m = 0; m < BL_MUSCLE_COUNT && used < sizeof weights; m++) {
        double w = bl_hinge_segment_weight((bl_muscle)m);
        if (w > 0)
            used += (size_t)snprintf(weights + used, sizeof weights - used, "%s %g, ", bl_muscle_code((bl_muscle)m), w);
    }
    bl_doc_add_stringf(seg, "signal", "weighted mean of the %%MVC envelopes, each scaled to its own %s-%s "
                       "percentile range and clipped at %g; weights %sthe rest 0",
                       ordinal(BLI_SEG_CHANNEL_LO_PCT, lo, sizeof lo), ordinal(BLI_SEG_CHANNEL_HI_PCT, hi, sizeof hi),
                       sg->clip, weights);
    bl_doc_add_number(seg, "grid_hz", sg->frame_rate_hz);
    bl_doc_add_number(seg, "smoothing_s", sg->smooth_s);
    bl_doc_add_number(seg, "on_fraction", sg->on_fraction);
    bl_doc_add_number(seg, "off_fraction", sg->off_fraction);
    bl_doc_add_number(seg, "edge_fraction", sg->edge_fraction);
    bl_doc_add_stringf(seg, "levels", "fractions of the %s-%s percentile range of the combined activity",
                       ordinal(BLI_SEG_LEVEL_LO_PCT, lo, sizeof lo), ordinal(BLI_SEG_LEVEL_HI_PCT, hi, sizeof hi));
    bl_doc_add_number(seg, "min_rep_s", sg->min_rep_s);
    bl_doc_add_number(seg, "min_gap_s", sg->min_gap_s);
    bl_doc_add_number(seg, "split_factor", sg->split_factor);
    bl_doc_add_number(seg, "valley_depth", sg->valley_depth);
    bl_doc_add_number(seg, "clip", sg->clip);
    bl_doc_add_number(seg, "min_used_weight", sg->min_used_weight);
}

/* "ES, EO, IO": the muscles bli_hinge_rep_onset treats as trunk. */
static const char *trunk_codes(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < BL_MUSCLE_COUNT && used < len; m++)
        if (bl_muscle_group((bl_muscle)m) == BL_GROUP_TRUNK)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", bl_muscle_code((bl_muscle)m));
    return buf;
}

/* What bli_hinge_rep_onset does (onsets.c). */
static void onsets(const bl_hinge *h, bl_doc *on)
{
    const bl_hinge_config *cfg = &h->cfg;
    char trunk[64];
    bl_doc_add_stringf(on, "method", "limb muscles: where the %%MVC envelope rises through %g %% of the "
                       "repetition's own trough-to-peak range, after the trough that precedes it (searched from "
                       "the previous repetition's end, at most %g s before the start, to %g s into the "
                       "repetition), so a cleaner electrode does not seem to fire first; trunk muscles (%s), "
                       "which carry ECG: the baseline threshold (Hodges & Bui 1996 style) on the %%MVC envelope",
                       100.0 * cfg->onset_rise_fraction, BLI_ONSET_SEARCH_BEFORE_S, BLI_ONSET_SEARCH_INTO_S,
                       trunk_codes(trunk, sizeof trunk));
    bl_doc_add_number(on, "rise_fraction", cfg->onset_rise_fraction);
    bl_doc_add_number(on, "k_sd", cfg->onset.k);
    if (cfg->onset.backtrack_k >= 0 && cfg->onset.backtrack_k < cfg->onset.k)
        bl_doc_add_number(on, "edges_refined_to_k_sd", cfg->onset.backtrack_k);
    bl_doc_add_number(on, "baseline_window_s", cfg->onset.baseline_window_s);
    bl_doc_add_string(on, "baseline", "quietest window of the session, found automatically");
    bl_doc_add_string(on, "fallback", "each method falls back on the other when it finds no onset in the "
                                      "repetition (the baseline threshold when the muscle did not fall below it "
                                      "between repetitions)");
    bl_doc_add_number(on, "min_on_s", cfg->onset.min_on_s);
    bl_doc_add_number(on, "min_off_s", cfg->onset.min_off_s);
}

/* The index as verdict.c computes it; the parameters and the glossary
 * both say it with these words. */
static const char index_rule[] = "weighted mean of within-group balances (I-E)/(I+E) of mean %MVC over the "
                                 "repetition; +1 = internal";

static void torque_chain(const bl_hinge *h, bl_doc *ch)
{
    const bl_hinge_config *cfg = &h->cfg;
    bl_doc_add_string(ch, "index", index_rule);
    bl_doc_add_number(ch, "weight_hamstring", cfg->weight_hamstring);
    bl_doc_add_number(ch, "weight_trunk", cfg->weight_trunk);
    bl_doc_add_number(ch, "weight_other_pair", cfg->weight_other);
    bl_doc_add_number(ch, "verdict_margin", cfg->verdict_margin);
    bl_doc_add_number(ch, "min_hamstring_activity_pct_mvc", cfg->min_activity_pct);
    /* The entries of the table that differ from the default chains. */
    char override[512] = "";
    size_t used = 0;
    for (int m = 0; m < BL_MUSCLE_COUNT && used < sizeof override; m++)
        if (m != BL_MUSCLE_AUX && cfg->chain[m] != bl_muscle_default_chain((bl_muscle)m))
            used += (size_t)snprintf(override + used, sizeof override - used, "%s%s=%s", used ? "," : "",
                                     bl_muscle_code((bl_muscle)m), bl_chain_name(cfg->chain[m]));
    if (used) bl_doc_add_string(ch, "override", override);
    bl_doc *tab = bl_doc_add_object(ch, "table");
    for (int m = 0; m < BL_MUSCLE_COUNT; m++)
        if (m != BL_MUSCLE_AUX) bl_doc_add_string(tab, bl_muscle_code((bl_muscle)m), bl_chain_name(cfg->chain[m]));
}

/* What leaves a channel out (channels.c) and the checks behind it. */
static void channel_checks(const bl_hinge *h, bl_doc *o)
{
    const bl_hinge_config *cfg = &h->cfg;
    bl_doc_add_string(o, "rule", "a channel whose quality check fails is left out of segmentation, metrics and "
                                 "the verdict (dead when the flat check fails); a repetition whose medial or "
                                 "lateral hamstring is left out has verdict unknown; a recording in which no "
                                 "channel rises above its baseline (SNR) has no repetitions");
    bl_doc_add_stringf(o, "mvc_reference", "a trial reference below %g x the channel's rest level in the session "
                       "(its %g th percentile) is at noise level; one the session's activity (its %g th "
                       "percentile) exceeds by more than %g %%MVC is below it: either leaves the channel out",
                       cfg->mvc_noise_ratio, BLI_REF_REST_PCT, BLI_REF_ACTIVE_PCT, cfg->mvc_max_pct);
    bl_doc_add_number(o, "mvc_noise_ratio", cfg->mvc_noise_ratio);
    bl_doc_add_number(o, "mvc_max_pct", cfg->mvc_max_pct);
    bl_doc_add_string(o, "without_mvc", "no absolute verdict (unknown): each repetition's lean against the set's "
                                        "median index, beyond +/- the verdict margin, and the drift (least-squares "
                                        "slope of the index over the set)");
    bl_quality_describe(h->quality, bl_doc_add_object(o, "quality"));
}

static void parameters(const bl_hinge *h, const char *session_name, const char *const *trial_names, bl_doc *p)
{
    bl_doc_add_string(p, "standard", "ISEK reporting standard for EMG (Merletti & Di Torino 1999; Besomi et al. "
                                     "2019 CEDE): every filter, rate and normalisation");
    bl_condition_describe(&h->cfg.envelope, &h->crep, h->unit, 1, bl_doc_add_object(p, "conditioning"), NULL);
    normalisation(h, session_name, trial_names, bl_doc_add_object(p, "normalisation"));
    segmentation(h, bl_doc_add_object(p, "segmentation"));
    onsets(h, bl_doc_add_object(p, "onsets"));
    bl_doc *sp = bl_doc_add_object(p, "spectrum");
    bl_doc_add_string(sp, "method", "Welch PSD (FFTW), Hann window, 50 % overlap, of the conditioned signal over "
                                    "each repetition; median frequency within the band-pass");
    bl_doc_add_number(sp, "segment_s", h->cfg.spectrum_segment_s);
    torque_chain(h, bl_doc_add_object(p, "torque_chain"));
    channel_checks(h, bl_doc_add_object(p, "channel_checks"));
}

bl_status bl_hinge_describe(const bl_hinge *h, const char *session_name, const char *const *trial_names,
                            bl_doc *params, bl_doc *summary)
{
    if (!h) return BL_EINVAL;
    if (params) parameters(h, session_name, trial_names, params);
    if (summary) {
        bl_condition_describe(&h->cfg.envelope, &h->crep, h->unit, 1, NULL, summary);
        bl_doc_add_stringf(summary, "normalisation", "%%MVC, reference = largest %.2g s moving average of the "
                           "envelope across %zu MVC trial%s%s", h->cfg.mvc.window_s, h->n_mvc,
                           h->n_mvc == 1 ? "" : "s", h->n_mvc ? "" : " (session peak instead)");
    }
    if ((params && bl_doc_status(params) != BL_OK) || (summary && bl_doc_status(summary) != BL_OK))
        return BL_ENOMEM;
    return BL_OK;
}

bl_status bl_hinge_glossary(const bl_hinge *h, bl_doc *out)
{
    if (!h || !out) return BL_EINVAL;
    const bl_hinge_config *cfg = &h->cfg;
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    const char *u = s.normalised_to_mvc ? "%MVC" : "% of the session peak";
    bl_doc_add_stringf(out, "chain index", "torque-chain index per repetition, %s (groups: hamstrings weight %g, "
                       "trunk %g, each glute/quad/calf pair %g)", index_rule, cfg->weight_hamstring,
                       cfg->weight_trunk, cfg->weight_other);
    bl_doc_add_stringf(out, "mixed", "|index| below %.2f: neither chain dominates", cfg->verdict_margin);
    bl_doc_add_stringf(out, "vs set", "the repetition's index against the set's median: beyond \xc2\xb1%.2f more "
                       "internal or more external, else like the set", cfg->verdict_margin);
    bl_doc_add_stringf(out, "M:L", "medial (ST, SM) over lateral (BF) hamstring mean %s over the repetition", u);
    bl_doc_add_stringf(out, "G:H", "gluteus maximus over hamstring mean %s", u);
    bl_doc_add_stringf(out, "ES share", "erector spinae over hamstrings + gluteus maximus + erector spinae (mean "
                       "%s), 0 to 1", u);
    bl_doc_add_stringf(out, "H:Q", "hamstring over quadriceps mean %s", u);
    bl_doc_add_string(out, "%MVC", s.normalised_to_mvc ? "percent of the channel's MVC reference (largest moving "
                                                        "average of its envelope across the MVC trials)"
                                                      : "not used: no MVC trials, levels are % of each channel's "
                                                        "own session peak");
    bl_doc_add_stringf(out, "iEMG", "integral of the normalised envelope over the repetition, %s\xc2\xb7s", u);
    bl_doc_add_stringf(out, "onset", "where a channel starts to fire, s from the repetition's start (negative: "
                       "before); limb muscles at %g %% of the repetition's own rise, trunk muscles by the baseline "
                       "threshold", 100.0 * cfg->onset_rise_fraction);
    bl_doc_add_stringf(out, "MF", "median frequency of the conditioned signal over the repetition (Welch, %g s "
                       "segments), Hz; its slope across the set is the fatigue index", cfg->spectrum_segment_s);
    bl_doc_add_string(out, "ecc / con", "eccentric (lowering) and concentric (rising) phases, split at the turn");
    return bl_doc_status(out);
}
