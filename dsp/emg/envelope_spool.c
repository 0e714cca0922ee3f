/* Envelopes of a spooled recording block by block, in bounded memory.
 *
 * Every stage is zero-phase, so an output sample depends on the whole
 * signal; but the filters forget: a transient at a block's edge dies down
 * as the slowest pole of its cascade. Each block is therefore filtered
 * with `context` frames of the signal on either side, long enough for the
 * notches, the band-pass and the low-pass, one after the other, to ring
 * down to BLI_SPOOL_RESIDUAL (plus two seconds for ECG removal to see the
 * beats around the edge), and only its middle is kept. The mains frequency
 * is chosen once, from the parts of the whole signal the detector reads
 * (as bl_condition chooses it); ECG removal learns its beats per block. A
 * recording of at most 1.5 blocks is one block without context: exactly
 * what bl_envelope_in_place gives. */
#include "backline/envelope.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "emg_internal.h"

#define BLI_SPOOL_BLOCK_S 120.0
#define BLI_SPOOL_RESIDUAL 1e-7
#define BLI_SPOOL_ECG_CONTEXT_S 2.0

/* Frames of context on each side of a block. */
static bl_status context_frames(const bl_envelope_config *cfg, double mains_hz, size_t *out)
{
    double sos[BLI_MAX_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0, total = 0, d;
    bl_status st = bl_butter_design(cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                                    cfg->rate_hz, sos, BLI_MAX_SECTIONS, &ns);
    if (st != BL_OK || (d = bl_sos_decay_samples(sos, ns, BLI_SPOOL_RESIDUAL)) == SIZE_MAX) return BL_ERANGE;
    total += d;
    st = bl_butter_design(cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, cfg->rate_hz, sos, BLI_MAX_SECTIONS,
                          &ns);
    if (st != BL_OK || (d = bl_sos_decay_samples(sos, ns, BLI_SPOOL_RESIDUAL)) == SIZE_MAX) return BL_ERANGE;
    total += d;
    if (mains_hz > 0) {
        st = bl_mains_design(mains_hz, cfg->notch_q, cfg->bandpass_hi_hz, cfg->rate_hz, sos, BLI_MAX_SECTIONS, &ns);
        if (st != BL_OK || (d = bl_sos_decay_samples(sos, ns, BLI_SPOOL_RESIDUAL)) == SIZE_MAX) return BL_ERANGE;
        total += d;
    }
    if (cfg->ecg != BL_ECG_OFF) total += (size_t)ceil(BLI_SPOOL_ECG_CONTEXT_S * cfg->rate_hz);
    *out = total;
    return BL_OK;
}

/* The mains choice over the whole spooled signal: the detector's parts of
 * it read back, all EMG channels at once. */
static bl_status spool_mains(const bl_spool *s, const bl_envelope_config *cfg, bl_condition_report *rep)
{
    rep->mains_hz = rep->mains_prominence_db = 0;
    if (cfg->notch == BL_NOTCH_50) rep->mains_hz = 50;
    if (cfg->notch == BL_NOTCH_60) rep->mains_hz = 60;
    if (cfg->notch != BL_NOTCH_AUTO) return BL_OK;
    const size_t frames = bl_spool_frames(s);
    bl_mains_detector *d = NULL;
    bl_status st = bl_mains_detector_create(cfg->rate_hz, frames, &d);
    if (st == BL_ENODATA) return BL_OK; /* too short to tell: no notch */
    size_t starts[BL_MAINS_CHUNKS_MAX], count = 0, len = 0, n = 0;
    bl_recording *part[BL_MAINS_CHUNKS_MAX] = {NULL};
    if (st == BL_OK) st = bl_mains_detector_plan(d, frames, starts, &count, &len);
    for (size_t k = 0; st == BL_OK && k < count; k++) st = bl_spool_read(s, starts[k], len, &part[k]);
    const size_t nch = bl_recording_channels(bl_spool_info((bl_spool *)s));
    float **ptrs = st == BL_OK ? malloc(count * nch * sizeof *ptrs) : NULL;
    const float *(*parts)[BL_MAINS_CHUNKS_MAX] = ptrs ? malloc(nch * sizeof *parts) : NULL;
    const float *const **chunk = parts ? malloc(nch * sizeof *chunk) : NULL;
    if (st == BL_OK && !chunk) st = BL_ENOMEM;
    for (size_t k = 0; st == BL_OK && k < count; k++) {
        bli_emg_channels(part[k], ptrs + k * nch, &n);
        for (size_t c = 0; c < n; c++) parts[c][k] = ptrs[k * nch + c];
    }
    for (size_t c = 0; st == BL_OK && c < n; c++) chunk[c] = parts[c];
    if (st == BL_OK && n) st = bli_detect_mains(chunk, n, count, len, d, &rep->mains_hz, &rep->mains_prominence_db);
    free(chunk);
    free(parts);
    free(ptrs);
    for (size_t k = 0; k < count; k++) bl_recording_destroy(part[k]);
    bl_mains_detector_destroy(d);
    return st;
}

/* What ECG removal found in one block, into the whole run's report:
 * beats of the block's middle summed, the heart rate weighted by them,
 * the worst residual. */
static void add_block_ecg(bl_condition_report *rep, const bl_condition_report *blk, size_t *hr_beats)
{
    rep->notch_sections = blk->notch_sections;
    rep->ecg_examined = blk->ecg_examined;
    rep->ecg_too_short |= blk->ecg_too_short;
    if (blk->ecg_treated > rep->ecg_treated) rep->ecg_treated = blk->ecg_treated;
    if (blk->ecg_beats && isfinite(blk->ecg_heart_rate_bpm)) { /* weighted by the beats that gave a rate */
        double w = (double)*hr_beats, b = (double)blk->ecg_beats;
        rep->ecg_heart_rate_bpm = *hr_beats ? (rep->ecg_heart_rate_bpm * w + blk->ecg_heart_rate_bpm * b) / (w + b)
                                            : blk->ecg_heart_rate_bpm;
        *hr_beats += blk->ecg_beats;
    }
    rep->ecg_beats += blk->ecg_beats;
    if (isfinite(blk->ecg_residual_db) && !(blk->ecg_residual_db <= rep->ecg_residual_db))
        rep->ecg_residual_db = blk->ecg_residual_db;
}

bl_status bl_envelope_spool(const bl_spool *s, const bl_envelope_config *cfg, size_t block_frames,
                            bl_envelope_sink sink, void *user, bl_condition_report *report)
{
    if (!s || !cfg || !sink) return BL_EINVAL;
    bl_recording *info = bl_spool_info((bl_spool *)s);
    const size_t frames = bl_spool_frames(s);
    /* The file's own rate must carry the band (a slow file resampled up
     * would not). */
    bl_status st = bli_condition_check_shape(bl_recording_source_rate(info), frames, NULL, cfg, 1);
    if (st == BL_ENODATA) st = BL_OK; /* the length is checked at the analysis rate, below */
    if (st == BL_OK && bl_recording_rate(info) != cfg->rate_hz) st = BL_EINVAL;
    if (st == BL_OK) st = bli_condition_check_shape(cfg->rate_hz, frames, NULL, cfg, 1);
    if (st != BL_OK) return st;
    bl_condition_report rep;
    bli_condition_report_init(&rep, info, cfg);
    size_t context = 0;
    if ((st = spool_mains(s, cfg, &rep)) != BL_OK || (st = context_frames(cfg, rep.mains_hz, &context)) != BL_OK)
        return st;
    const size_t block = block_frames ? block_frames : (size_t)llround(BLI_SPOOL_BLOCK_S * cfg->rate_hz);
    rep.block_s = (double)block / cfg->rate_hz;
    rep.context_s = (double)context / cfg->rate_hz;
    size_t hr_beats = 0;
    bl_recording *blk = NULL; /* one block's arrays, reused: no fresh pages per block */
    for (size_t k = 0, end; st == BL_OK && k < frames; k = end) {
        rep.blocks++;
        end = frames - k <= block + block / 2 ? frames : k + block; /* no short last block */
        size_t a = k > context ? k - context : 0, b = frames - end > context ? end + context : frames;
        if ((st = blk ? bl_spool_read_into(s, a, b - a, blk) : bl_spool_read(s, a, b - a, &blk)) != BL_OK) break;
        bl_condition_report br = rep;
        br.ecg_treated = br.ecg_beats = 0;
        br.ecg_heart_rate_bpm = br.ecg_residual_db = NAN;
        const double window[2] = {(double)(k - a) / cfg->rate_hz, (double)(end - a) / cfg->rate_hz};
        if ((st = bli_condition_filter(blk, cfg, window, &br)) == BL_OK && (st = bl_linear_envelope(blk, cfg)) == BL_OK)
            st = sink(user, blk, k - a, end - k, k);
        add_block_ecg(&rep, &br, &hr_beats);
    }
    bl_recording_destroy(blk);
    if (st == BL_OK && report) *report = rep;
    return st;
}
