/* Conditioning: resample to the analysis rate, remove mains, band-pass,
 * of the EMG channels of a recording, offline and zero-phase. AUX channels
 * (footswitches, goniometers) are resampled but never filtered. */
#include "backline/envelope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/filter.h"
#include "backline/spectrum.h"
#include "emg_internal.h"

bl_status bli_envelope_config_check(const bl_envelope_config *cfg)
{
    bl_status st;
    if (!cfg) return BL_EINVAL;
    if (!(cfg->rate_hz >= BL_MIN_EMG_RATE_HZ) || !isfinite(cfg->rate_hz)) return BL_ERATE;
    if (!(cfg->bandpass_lo_hz > 0) || !(cfg->bandpass_hi_hz > cfg->bandpass_lo_hz) ||
        !(cfg->bandpass_hi_hz < cfg->rate_hz / 2))
        return BL_ERANGE;
    if (cfg->bandpass_order < 1 || cfg->bandpass_order > 8) return BL_ERANGE;
    if (cfg->lowpass_order < 1 || cfg->lowpass_order > 8) return BL_ERANGE;
    if (!(cfg->lowpass_hz > 0) || !(cfg->lowpass_hz < cfg->rate_hz / 2)) return BL_ERANGE;
    if (cfg->notch != BL_NOTCH_OFF && !(cfg->notch_q > 0)) return BL_ERANGE;
    if ((int)cfg->notch < BL_NOTCH_AUTO || (int)cfg->notch > BL_NOTCH_60) return BL_EINVAL;
    if ((int)cfg->ecg < BL_ECG_AUTO || (int)cfg->ecg > BL_ECG_OFF) return BL_EINVAL;
    if (cfg->ecg != BL_ECG_OFF && (st = bli_ecg_config_check(&cfg->ecg_cfg, cfg->rate_hz)) != BL_OK) return st;
    return BL_OK;
}

void bli_emg_channels(bl_recording *rec, float **ptrs, size_t *count)
{
    const bl_chanmap *map = bl_recording_chanmap(rec);
    *count = 0;
    for (size_t c = 0; c < bl_recording_channels(rec); c++)
        if (bl_chanmap_muscle(map, c) != BL_MUSCLE_AUX) ptrs[(*count)++] = bl_recording_data(rec, c);
}

bl_status bli_filter_planar(const double *sos, size_t n_sections, float **ptrs, size_t n, size_t frames,
                            size_t threads)
{
    if (n == 0) return BL_OK;
    if (frames <= bl_sosfiltfilt_padlen(sos, n_sections)) return BL_ENODATA;
    return bl_sosfiltfilt(sos, n_sections, (float *const *)ptrs, n, frames, threads);
}

/* Mains removal without edge transients. A Q = 30 notch at 50 Hz rings
 * for ~0.2 s (time constant Q/(π·f0)), and no odd or even reflection
 * continues a sinusoid: it flips its cosine part at the edge, and the notch
 * rings there, which reads as muscle activity. The hum is periodic, so each
 * end is extended with the signal itself shifted by a whole number of mains
 * periods (the hum continues in phase, the EMG is just other EMG), long
 * enough for the notches to ring down to 1 %, and the zero-phase cascade
 * runs over the extended signal (bl_sosfiltfilt_shifted, no copy). */
static size_t period_shift(size_t pad, size_t frames, double rate, double mains_hz)
{
    double period = rate / mains_hz;
    size_t best = 0;
    double best_err = 1;
    for (size_t m = (size_t)ceil((double)pad / period); m < (size_t)ceil((double)pad / period) + 24; m++) {
        double exact = (double)m * period;
        size_t shift = (size_t)llround(exact);
        if (shift > frames) break;
        double err = fabs(exact - (double)shift) / period; /* phase error, in periods */
        if (err < best_err - 1e-9) {
            best = shift;
            best_err = err;
        }
        if (err < 1e-9) break;
    }
    return best;
}

/* The notches and the band-pass as one cascade, in one zero-phase pass
 * (one read and one write of the signal each way, no copy): its edges are
 * the periodic extension the notches need, as long as the notches take to
 * ring down (the band-pass's own padding is far shorter, and an EMG
 * segment continues EMG as well as a reflection does). A signal too short
 * to extend gets the odd reflections. */
static bl_status notch_bandpass_planar(const double *notch, size_t n_notch, const double *bp, size_t n_bp, float **ptrs,
                                       size_t n, size_t frames, double rate, double mains_hz, size_t threads)
{
    if (n == 0) return BL_OK;
    double sos[2 * BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    memcpy(sos, notch, n_notch * BL_SOS_WIDTH * sizeof *sos);
    memcpy(sos + n_notch * BL_SOS_WIDTH, bp, n_bp * BL_SOS_WIDTH * sizeof *sos);
    const size_t ns = n_notch + n_bp;
    size_t pad = bl_sos_decay_samples(notch, n_notch, BLI_NOTCH_RINGDOWN);
    if (pad > frames / 2) pad = frames / 2;
    size_t bp_pad = bl_sosfiltfilt_padlen(bp, n_bp);
    if (pad < bp_pad) pad = bp_pad;
    size_t shift = pad && pad <= frames / 2 ? period_shift(pad, frames, rate, mains_hz) : 0;
    if (shift < pad) return bli_filter_planar(sos, ns, ptrs, n, frames, threads); /* too short to extend */
    return bl_sosfiltfilt_shifted(sos, ns, (float *const *)ptrs, n, frames, threads, pad, shift);
}

/* Default sosfiltfilt pad of a Butterworth design (0 when the design fails). */
static size_t butter_padlen(int order, bl_band band, double f1, double f2, double rate)
{
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0;
    if (bl_butter_design(order, band, f1, f2, rate, sos, BLI_MAX_SECTIONS, &ns) != BL_OK) return 0;
    return bl_sosfiltfilt_padlen(sos, ns);
}

/* Mains family with the most prominent peak over all EMG channels, from
 * the parts of each channel the detector reads (chunk[c][k]: channel c's
 * k-th part, as bl_mains_detector_plan lays them out over `frames`). */
bl_status bli_detect_mains(const float *const *const *chunk, size_t n, size_t count, size_t len,
                           bl_mains_detector *d, double *mains_hz, double *prominence_db)
{
    /* The most prominent channel decides, and its score is reported even
     * below the threshold (how close a hum came to being notched). */
    int first = 1;
    for (size_t c = 0; c < n; c++) {
        bl_mains_result r;
        bl_status st = bl_mains_detector_analyse_chunks(d, chunk[c], count, len, &r);
        if (st != BL_OK) return st;
        if (first || r.prominence_db > *prominence_db) {
            *mains_hz = r.mains_hz;
            *prominence_db = r.prominence_db;
            first = 0;
        }
    }
    return BL_OK;
}

static bl_status detect_mains(float **ptrs, size_t n, size_t frames, double rate, double *mains_hz,
                              double *prominence_db)
{
    *mains_hz = 0;
    *prominence_db = 0;
    if (n == 0) return BL_OK;
    bl_mains_detector *d = NULL;
    bl_status st = bl_mains_detector_create(rate, frames, &d);
    if (st == BL_ENODATA) return BL_OK; /* too short to tell: no notch */
    size_t starts[BL_MAINS_CHUNKS_MAX], count = 0, len = 0;
    if (st == BL_OK) st = bl_mains_detector_plan(d, frames, starts, &count, &len);
    const float *(*parts)[BL_MAINS_CHUNKS_MAX] = st == BL_OK ? malloc(n * sizeof *parts) : NULL;
    const float *const **chunk = st == BL_OK ? malloc(n * sizeof *chunk) : NULL;
    if (st == BL_OK && (!parts || !chunk)) st = BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && c < n; c++) {
        for (size_t k = 0; k < count; k++) parts[c][k] = ptrs[c] + starts[k];
        chunk[c] = parts[c];
    }
    if (st == BL_OK) st = bli_detect_mains(chunk, n, count, len, d, mains_hz, prominence_db);
    free(parts);
    free(chunk);
    bl_mains_detector_destroy(d);
    return st;
}

/* Checks shared by both conditioning entry points; BL_OK or the code. */
bl_status bli_condition_check(const bl_recording *in, const bl_envelope_config *cfg, int with_envelope)
{
    return bli_condition_check_shape(bl_recording_rate(in), bl_recording_frames(in), in, cfg, with_envelope);
}

bl_status bli_condition_check_shape(double in_rate, size_t frames, const bl_recording *finite_of,
                                    const bl_envelope_config *cfg, int with_envelope)
{
    bl_status st = bli_envelope_config_check(cfg);
    if (st != BL_OK) return st;
    /* The input must carry the band it is asked to keep. */
    if (in_rate < BL_MIN_EMG_RATE_HZ || !(in_rate / 2 > cfg->bandpass_hi_hz)) return BL_ERATE;
    if (finite_of && bl_recording_check_finite(finite_of, NULL, NULL) != BL_OK) return BL_ENONFINITE;
    /* The edge padding of the zero-phase filters must fit the signal,
     * checked before anything is resampled, filtered or rectified (the
     * notch pads as far as the signal allows, so it needs no check). */
    size_t pad = butter_padlen(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                               cfg->rate_hz);
    if (with_envelope) {
        size_t lp = butter_padlen(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, cfg->rate_hz);
        if (lp > pad) pad = lp;
    }
    if (pad == 0) return BL_ERANGE;
    size_t frames_out = (size_t)llround((double)frames * cfg->rate_hz / in_rate);
    return frames_out <= pad ? BL_ENODATA : BL_OK;
}

/* ECG removal on the band-passed channels the mode selects (the trunk's,
 * or every EMG channel), in place; what it did into the report. A
 * recording shorter than the detector needs is left as it is. */
static bl_status remove_ecg(bl_recording *rec, const bl_envelope_config *cfg, const double window_s[2],
                            bl_condition_report *rep)
{
    rep->ecg_heart_rate_bpm = rep->ecg_residual_db = NAN;
    if (cfg->ecg == BL_ECG_OFF) return BL_OK;
    const bl_chanmap *map = bl_recording_chanmap(rec);
    size_t nch = bl_recording_channels(rec), n = 0;
    size_t *pick = malloc((nch ? nch : 1) * sizeof *pick);
    bl_ecg_result *res = NULL;
    bl_status st = pick ? bl_ecg_result_create(&res) : BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && c < nch; c++) {
        bl_muscle m = bl_chanmap_muscle(map, c);
        if (m == BL_MUSCLE_AUX) continue;
        if (cfg->ecg == BL_ECG_REMOVE || (map && bl_muscle_group(m) == BL_GROUP_TRUNK)) pick[n++] = c;
    }
    if (st == BL_OK && n) {
        st = bl_ecg_remove_recording(rec, pick, n, &cfg->ecg_cfg, res);
        if (st == BL_ENODATA) {
            rep->ecg_too_short = 1;
            st = BL_OK;
        } else if (st == BL_OK) {
            rep->ecg_examined = n;
            rep->ecg_treated = bl_ecg_result_treated(res);
            rep->ecg_beats = 0; /* those in the window */
            for (size_t b = 0; b < bl_ecg_result_beats(res); b++) {
                double t = bl_ecg_result_beat_time(res, b);
                rep->ecg_beats += t >= window_s[0] && t < window_s[1];
            }
            rep->ecg_heart_rate_bpm = bl_ecg_result_heart_rate(res);
            for (size_t i = 0; i < bl_ecg_result_channels(res); i++) {
                bl_ecg_channel ch;
                if (bl_ecg_result_get_channel(res, i, &ch) == BL_OK && ch.treated &&
                    !(ch.residual_db <= rep->ecg_residual_db))
                    rep->ecg_residual_db = ch.residual_db;
            }
        }
    }
    bl_ecg_result_destroy(res);
    free(pick);
    return st;
}

/* Mains removal and band-pass of the EMG channels, in place, at the
 * recording's own rate (already the analysis rate): one cascade with the
 * periodic edges the notches need (notch_bandpass_planar); without a
 * notch the band-pass pads as sosfiltfilt does, so with --notch and --ecg
 * off the result is SciPy's; ECG removal comes last (it needs the 20 Hz
 * high-pass).
 * Detection reads the raw spectrum (Welch removes each segment's
 * mean, so offsets and drift do not matter). */
static bl_status filter_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *rep)
{
    bl_status st = BL_OK;
    if (cfg->notch == BL_NOTCH_50) rep->mains_hz = 50;
    else if (cfg->notch == BL_NOTCH_60) rep->mains_hz = 60;
    else if (cfg->notch == BL_NOTCH_AUTO) {
        float **ptrs = malloc(bl_recording_channels(rec) * sizeof *ptrs);
        size_t n = 0;
        if (!ptrs) return BL_ENOMEM;
        bli_emg_channels(rec, ptrs, &n);
        st = detect_mains(ptrs, n, bl_recording_frames(rec), cfg->rate_hz, &rep->mains_hz, &rep->mains_prominence_db);
        free(ptrs);
    }
    const double all[2] = {-INFINITY, INFINITY};
    return st == BL_OK ? bli_condition_filter(rec, cfg, all, rep) : st;
}

bl_status bli_condition_filter(bl_recording *rec, const bl_envelope_config *cfg, const double ecg_window_s[2],
                               bl_condition_report *rep)
{
    size_t frames = bl_recording_frames(rec);
    float **ptrs = malloc(bl_recording_channels(rec) * sizeof *ptrs);
    size_t n = 0;
    bl_status st = ptrs ? BL_OK : BL_ENOMEM;
    if (ptrs) bli_emg_channels(rec, ptrs, &n);
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH], notch[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, n_notch = 0;
    if (st == BL_OK && rep->mains_hz > 0) {
        st = bl_mains_design(rep->mains_hz, cfg->notch_q, cfg->bandpass_hi_hz, cfg->rate_hz, notch, BLI_MAX_SECTIONS,
                             &n_notch);
        rep->notch_sections = n_notch;
    }
    if (st == BL_OK)
        st = bl_butter_design(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                              cfg->rate_hz, sos, BLI_MAX_SECTIONS, &ns);
    if (st == BL_OK && n_notch)
        st = notch_bandpass_planar(notch, n_notch, sos, ns, ptrs, n, frames, cfg->rate_hz, rep->mains_hz, cfg->threads);
    else if (st == BL_OK)
        st = bli_filter_planar(sos, ns, ptrs, n, frames, cfg->threads);
    if (st == BL_OK) st = remove_ecg(rec, cfg, ecg_window_s, rep);
    free(ptrs);
    return st;
}

void bli_condition_report_init(bl_condition_report *rep, const bl_recording *in, const bl_envelope_config *cfg)
{
    /* The report speaks of the file: a recording decimated while it was
     * read (bl_recording_load_at) arrives at the analysis rate already. */
    double in_rate = bl_recording_source_rate(in);
    memset(rep, 0, sizeof *rep);
    rep->input_rate_hz = in_rate;
    rep->rate_hz = cfg->rate_hz;
    rep->resampled = in_rate != cfg->rate_hz;
    rep->ecg_heart_rate_bpm = rep->ecg_residual_db = NAN;
    const char *calibration = bl_recording_meta(in, "calibration");
    if (calibration) snprintf(rep->calibration, sizeof rep->calibration, "%s", calibration);
}

bl_status bl_condition(const bl_recording *in, const bl_envelope_config *cfg, bl_recording **out,
                       bl_condition_report *report)
{
    if (out) *out = NULL;
    if (!in || !out) return BL_EINVAL;
    bl_status st = bli_condition_check(in, cfg, 0);
    if (st != BL_OK) return st;
    bl_condition_report rep;
    bli_condition_report_init(&rep, in, cfg);
    bl_recording *rec = NULL;
    if ((st = bl_recording_resample(in, cfg->rate_hz, &rec)) != BL_OK) return st;
    if ((st = filter_in_place(rec, cfg, &rep)) != BL_OK) {
        bl_recording_destroy(rec);
        return st;
    }
    if (report) *report = rep;
    *out = rec;
    return BL_OK;
}

/* Conditioning in place once the input is known good. A resampled signal
 * is filtered before it replaces the caller's, so a failure there leaves
 * the recording as it was. */
bl_status bli_condition_checked(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report)
{
    bl_condition_report rep;
    bli_condition_report_init(&rep, rec, cfg);
    bl_status st;
    if (bl_recording_rate(rec) != cfg->rate_hz) {
        bl_recording *work = NULL;
        if ((st = bl_recording_resample(rec, cfg->rate_hz, &work)) != BL_OK) return st;
        if ((st = filter_in_place(work, cfg, &rep)) == BL_OK) bl_recording_swap(rec, work);
        bl_recording_destroy(work);
    } else {
        st = filter_in_place(rec, cfg, &rep);
    }
    if (st == BL_OK && report) *report = rep;
    return st;
}

bl_status bl_condition_in_place(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report)
{
    if (!rec) return BL_EINVAL;
    bl_status st = bli_condition_check(rec, cfg, 0);
    return st == BL_OK ? bli_condition_checked(rec, cfg, report) : st;
}

