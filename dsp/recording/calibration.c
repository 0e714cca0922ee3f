/* Calibration: amplifier gains, the interface's full scale, conversion to
 * µV at the electrode, and the rule that keeps units from mixing:
 *     µV = sample × full_scale_volts / amplifier_gain × 1e6
 * Amplitudes are compared across channels (balances, ratios, %MVC), so the
 * EMG channels of one recording are all in µV or all in full-scale units,
 * never a mix. */
#include "recording_internal.h"

#include <math.h>
#include <string.h>

#include "internal.h"

double bl_recording_gain(const bl_recording *rec, size_t channel)
{
    return rec && channel < rec->channels ? rec->gain[channel] : 0.0;
}

bl_status bl_recording_set_gain(bl_recording *rec, size_t channel, double gain)
{
    if (!rec || channel >= rec->channels || !isfinite(gain) || gain < 0)
        return BL_EINVAL;
    /* Changing the gain of converted samples would make them lie. */
    if (rec->in_uv[channel])
        return BL_ESTATE;
    rec->gain[channel] = gain;
    return BL_OK;
}

double bl_recording_full_scale(const bl_recording *rec)
{
    return rec ? rec->full_scale_v : 0.0;
}

int bli_recording_any_in_uv(const bl_recording *rec)
{
    for (size_t c = 0; c < rec->channels; c++)
        if (rec->in_uv[c])
            return 1;
    return 0;
}

bl_status bl_recording_set_full_scale(bl_recording *rec, double volts)
{
    if (!rec || !isfinite(volts) || !(volts > 0))
        return BL_EINVAL;
    if (bli_recording_any_in_uv(rec))
        return BL_ESTATE;
    rec->full_scale_v = volts;
    return BL_OK;
}

/* Whether the map marks channel c AUX (no map: every channel is EMG). */
static int is_aux(const bl_recording *rec, size_t c)
{
    return rec->map && bl_chanmap_muscle(rec->map, c) == BL_MUSCLE_AUX;
}

bl_status bl_recording_check_units(const bl_recording *rec, char *why, size_t why_len)
{
    if (!rec) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    size_t known = 0, emg = 0, first_unknown = 0;
    for (size_t c = 0; c < rec->channels; c++) {
        if (is_aux(rec, c))
            continue;
        emg++;
        if (rec->gain[c] > 0 || rec->in_uv[c])
            known++;
        else if (!first_unknown)
            first_unknown = c + 1;
    }
    if (known && known < emg) {
        bli_set_why(why, why_len,
                    "amplifier gain given for %zu of %zu EMG channels (none for channel %zu): amplitudes "
                    "would mix uV and full-scale units", known, emg, first_unknown);
        return BL_EUNIT;
    }
    bli_clear_why(why, why_len);
    return BL_OK;
}

double bli_recording_uv_factor(const bl_recording *rec, size_t c)
{
    if (rec->in_uv[c] || !(rec->gain[c] > 0) || is_aux(rec, c))
        return 0;
    /* In double: full scale / gain spans many decades. */
    return rec->full_scale_v / rec->gain[c] * 1e6;
}

bl_status bl_recording_to_microvolts(bl_recording *rec)
{
    if (!rec)
        return BL_EINVAL;
    bl_status st = bl_recording_check_units(rec, NULL, 0);
    if (st != BL_OK)
        return st;
    for (size_t c = 0; c < rec->channels; c++) {
        const double k = bli_recording_uv_factor(rec, c);
        if (k == 0)
            continue;
        float *x = rec->ch[c];
        for (size_t i = 0; i < rec->frames; i++)
            x[i] = (float)(x[i] * k);
        rec->in_uv[c] = 1;
    }
    return BL_OK;
}

double bl_recording_channel_full_scale(const bl_recording *rec, size_t channel)
{
    if (!rec || channel >= rec->channels) return 0.0;
    if (!rec->in_uv[channel]) return 1.0;
    return rec->gain[channel] > 0 ? rec->full_scale_v / rec->gain[channel] * 1e6 : 1.0;
}

int bl_recording_channel_in_uv(const bl_recording *rec, size_t channel)
{
    return rec && channel < rec->channels && rec->in_uv[channel];
}

const char *bl_recording_unit(const bl_recording *rec)
{
    if (!rec)
        return "full scale";
    size_t emg = 0, uv = 0;
    for (size_t c = 0; c < rec->channels; c++) {
        if (is_aux(rec, c))
            continue;
        emg++;
        uv += rec->in_uv[c] != 0;
    }
    return emg > 0 && uv == emg ? "uV" : "full scale";
}

bl_status bl_recording_check_same_unit(const bl_recording *rec, const bl_recording *reference,
                                       char *why, size_t why_len)
{
    if (!rec || !reference) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    const char *a = bl_recording_unit(rec), *b = bl_recording_unit(reference);
    if (strcmp(a, b) != 0) {
        bli_set_why(why, why_len, "is in %s but the session is in %s (give both files the same amplifier gains)",
                    a, b);
        return BL_EUNIT;
    }
    bli_clear_why(why, why_len);
    return BL_OK;
}
