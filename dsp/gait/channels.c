/* Which channels the gait analysis uses and in what unit: names, muscles
 * and sides from the map, the quality gate (quality.h: a channel failing
 * any check is left out), the linear envelopes (envelope.h) and their
 * amplitude normalisation (normalise.h): %MVC with trials, µV as they are
 * when the session is calibrated, else the session's own peak. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "internal.h"

static bl_status leave_out(bl_gait *g, size_t c, const char *why)
{
    g->ch[c].used = 0;
    snprintf(g->ch[c].why, BLI_GAIT_WHY_LEN, "%s", why);
    return bli_gait_warn(g, "channel %s %s: left out", g->ch[c].name, why);
}

bl_status bli_gait_setup_channels(bl_gait *g, const bl_recording *session)
{
    size_t nch = g->nch;
    if (!(g->ch = calloc(nch ? nch : 1, sizeof *g->ch))) return BL_ENOMEM;
    const bl_chanmap *map = bl_recording_chanmap(session);
    if (map && bl_chanmap_copy(map, &g->map) != BL_OK) return BL_ENOMEM;
    for (size_t c = 0; c < nch; c++) {
        g->ch[c].muscle = map ? bl_chanmap_muscle(map, c) : BL_MUSCLE_EMG;
        g->ch[c].side = map ? bl_chanmap_side(map, c) : BL_SIDE_NONE;
        if (!map || bl_chanmap_get_entry_name(map, c, g->ch[c].name, BLI_GAIT_NAME_LEN) != BL_OK)
            snprintf(g->ch[c].name, BLI_GAIT_NAME_LEN, "ch%zu", c + 1);
        g->ch[c].used = g->ch[c].muscle != BL_MUSCLE_AUX;
        if (!g->ch[c].used) snprintf(g->ch[c].why, BLI_GAIT_WHY_LEN, "not EMG (AUX)");
    }
    if (!map) return bli_gait_warn(g, "no channel map: channels are unnamed EMG without a side");
    return BL_OK;
}

/* The quality gate: every failed check named. */
static bl_status gate(bl_gait *g, const bl_recording *session, char *why, size_t why_len)
{
    char line[256] = "";
    bl_status st = bl_quality_assess(session, &g->cfg.quality, &g->quality, line, sizeof line);
    if (st != BL_OK) {
        bli_set_why(why, why_len, "quality: %s", line[0] ? line : bl_strerror(st));
        return st;
    }
    for (size_t c = 0; c < g->nch && st == BL_OK; c++) {
        if (!g->ch[c].used || bl_quality_channel_grade(g->quality, c) != BL_GRADE_FAIL) continue;
        char msg[BLI_GAIT_WHY_LEN] = "failed quality (";
        for (int k = 0; k < BL_QC_COUNT; k++) {
            bl_quality_result r;
            if (bl_quality_get_check(g->quality, c, (bl_quality_check)k, &r) == BL_OK && r.grade == BL_GRADE_FAIL)
                snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%s%s", msg[16] ? ", " : "",
                         bl_quality_check_name((bl_quality_check)k));
        }
        snprintf(msg + strlen(msg), sizeof msg - strlen(msg), ")");
        st = leave_out(g, c, msg);
    }
    return st;
}

/* References from the trials (or the session's peak) applied channel by
 * channel; a channel without a positive reference is left out. */
static bl_status references(bl_gait *g, const bl_recording *const *mvc, size_t n_mvc, char *why, size_t why_len)
{
    bl_mvc *m = NULL;
    char line[256] = "";
    bl_status st = bl_mvc_create(g->env, &g->cfg.mvc, &m, line, sizeof line);
    for (size_t t = 0; st == BL_OK && t < n_mvc; t++) {
        bl_recording *tenv = NULL;
        if ((st = bl_envelope_recording(mvc[t], &g->cfg.envelope, &tenv, NULL)) != BL_OK)
            bli_set_why(why, why_len, "mvc trial %zu: conditioning failed: %s", t + 1, bl_strerror(st));
        else if ((st = bl_mvc_add_trial(m, tenv, line, sizeof line)) != BL_OK)
            bli_set_why(why, why_len, "mvc trial %zu %s", t + 1, line[0] ? line : bl_strerror(st));
        bl_recording_destroy(tenv);
    }
    if (st == BL_OK && !n_mvc && (st = bl_mvc_add_session_peak(m, g->env, line, sizeof line)) != BL_OK)
        bli_set_why(why, why_len, "session peak: %s", line[0] ? line : bl_strerror(st));
    size_t n = bl_recording_frames(g->env);
    for (size_t c = 0; st == BL_OK && c < g->nch; c++) {
        if (!g->ch[c].used) continue;
        float *x = bl_recording_data(g->env, c);
        bl_status a = bl_mvc_apply_channel(m, c, x, x, n);
        if (a == BL_ENODATA) st = leave_out(g, c, n_mvc ? "has no MVC reference from the trials" : "is flat");
        else st = a;
    }
    if (st == BL_OK) g->n_mvc = bl_mvc_trials(m);
    bl_mvc_destroy(m);
    return st;
}

bl_status bli_gait_envelopes(bl_gait *g, const bl_recording *session, const bl_recording *const *mvc, size_t n_mvc,
                             char *why, size_t why_len)
{
    /* The conditioned signal is kept for the reports; the envelopes are
     * made from a copy (bl_envelope_recording's two steps). */
    bl_status st = bl_condition(session, &g->cfg.envelope, &g->cond, &g->crep);
    if (st == BL_OK) st = bl_recording_slice(g->cond, 0, bl_recording_frames(g->cond), &g->env);
    if (st == BL_OK) st = bl_linear_envelope(g->env, &g->cfg.envelope);
    if (st != BL_OK) {
        bli_set_why(why, why_len, "conditioning failed: %s", bl_strerror(st));
        return st;
    }
    if ((st = gate(g, session, why, why_len)) != BL_OK) return st;
    const char *unit = bl_recording_unit(session);
    snprintf(g->signal_unit, sizeof g->signal_unit, "%s", unit);
    if (n_mvc) {
        snprintf(g->unit, sizeof g->unit, "%%MVC");
        snprintf(g->unit_method, sizeof g->unit_method, "%%MVC: largest %g s moving average of each channel's "
                 "envelope across the MVC trials (bl_mvc)", g->cfg.mvc.window_s);
    } else if (!strcmp(unit, "uV")) {
        snprintf(g->unit, sizeof g->unit, "uV");
        snprintf(g->unit_method, sizeof g->unit_method, "none: envelopes in uV at the electrode (no MVC trials)");
        return BL_OK;
    } else {
        g->session_peak = 1;
        snprintf(g->unit, sizeof g->unit, "%% of session peak");
        snprintf(g->unit_method, sizeof g->unit_method, "peak-normalised: %% of each channel's largest %g s moving "
                 "average over the session (no MVC trials and no gains: lower confidence)", g->cfg.mvc.window_s);
    }
    if ((st = references(g, mvc, n_mvc, why, why_len)) != BL_OK) return st;
    if (g->session_peak)
        st = bli_gait_warn(g, "no MVC trials and no gains: envelopes normalised to each channel's own peak over the "
                           "session (compare shapes and timing, not levels between muscles)");
    return st;
}
