/* `backline-analyse envelope`: linear envelopes to CSV or WAV.
 * The flag names are a contract other tools rely on (issue 2). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/envelope.h"
#include "backline/recording.h"
#include "commands.h"
#include "conditioning_args.h"
#include "progress.h"
#include "output.h"
#include "tool.h"

static const char envelope_help[] =
    "usage: backline-analyse envelope FILE [--map MAP] [--rate HZ] [--bandpass LO:HI]\n"
    "                                 [--order N] [--notch auto|off|50|60] [--ecg auto|remove|off] [--lowpass HZ] [--quiet] -o OUT\n"
    "                                 [--summary OUT.csv]\n"
    "\n"
    "Linear envelope of every EMG channel: resample to the analysis rate, band-pass\n"
    "(Butterworth, zero-phase), remove mains, full-wave rectify, low-pass (Butterworth,\n"
    "zero-phase). AUX channels are left out.\n"
    "\n"
    "  --map MAP        channel map, e.g. L.ST,L.BF,L.GMAX (default: the map stored in FILE)\n"
    "  --rate HZ        analysis rate in Hz (default 2000)\n"
    "  --bandpass LO:HI  band-pass corners in Hz (default 20:450)\n"
    "  --order N        Butterworth order of the band-pass, SciPy's N (default 4)\n"
    "  --notch MODE     mains removal: auto (detect 50/60 Hz), off, 50 or 60 (default auto)\n"
    "  --ecg MODE       ECG removal: auto (trunk channels where a heartbeat is found), remove\n"
    "                   (every EMG channel where one is found) or off (default auto)\n"
    "  --threads N      worker threads: 0 = one per core (default), 1 = none; same results for any N\n"
    "  --quiet          no progress line (shown on a terminal for work over 2 s), no\n"
    "                   \"replacing OUT\" line when OUT existed (it is replaced whole)\n"
    "  --lowpass HZ     envelope low-pass corner in Hz, 4th order (default 6)\n"
    "  -o OUT           OUT.csv: header time_s,<channel>,... then one row per frame;\n"
    "                   OUT.wav: float32 envelopes at the analysis rate, map in metadata\n"
    "  --summary OUT    OUT.csv: one row per channel, channel,unit,mean,peak,peak_s (peak_s\n"
    "                   from the first frame of FILE), the table printed on stdout\n"
    "\n"
    "Amplitudes are in uV when the file carries amplifier gains, else in full-scale units.\n"
    TOOL_CALIBRATION_HELP
    TOOL_STDIO_HELP;

/* Whether every sample is finite: the exponent bits of each, ORed, with
 * no early exit, so the loop vectorises. */
static int tool_all_finite(const float *x, size_t n)
{
    uint32_t any = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, x + i, sizeof b);
        any |= (uint32_t)((b & 0x7f800000u) == 0x7f800000u);
    }
    return !any;
}

/* bl_envelope_spool's sink: a non-finite envelope (a filter that
 * diverged) is refused before it is written. */
typedef struct {
    tool_block_writer w;
    const char *path;
} envelope_sink;

static bl_status write_block(void *user, const bl_recording *env, size_t offset, size_t frames, size_t first_frame)
{
    envelope_sink *e = user;
    tool_block_writer *w = &e->w;
    for (size_t k = 0; k < w->view.count; k++) {
        const float *x = bl_recording_cdata(env, w->view.index[k]) + offset;
        if (tool_all_finite(x, frames)) continue; /* the usual case, in one vectorised pass */
        for (size_t i = 0; i < frames; i++)
            if (!isfinite(x[i])) {
                w->failed = 1;
                tool_error("%s: the envelope came out non-finite (NaN or infinity) in channel %zu at frame %zu: the "
                           "filter settings are numerically degenerate for this recording",
                           e->path, w->view.index[k] + 1, first_frame + i);
                return BL_ENONFINITE;
            }
    }
    return tool_block_writer_add(w, env, offset, frames, first_frame) == 0 ? BL_OK : BL_EIO;
}

int cmd_envelope(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {
        TOOL_CONDITIONING_OPTS, {"--lowpass", 1, 0}, {"-o", 1, 0}, {"--summary", 1, 0}, {"--help", 0, 0}, {"-h", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        tool_print_help(envelope_help, NULL);
        return 0;
    }
    if (a.n_pos != 1) return tool_usage_error("envelope needs exactly one FILE (see envelope --help)");
    const char *out_path = tool_args_get(&a, "-o");
    if (!out_path) return tool_usage_error("envelope needs -o OUT (.csv or .wav)");
    /* Standard output carries text: CSV. */
    tool_output_kind kind = strcmp(out_path, "-") == 0 ? TOOL_OUTPUT_CSV : tool_output_kind_of(out_path);
    if (kind != TOOL_OUTPUT_CSV && kind != TOOL_OUTPUT_WAV)
        return tool_usage_error("-o %s: the output must end in .csv or .wav", out_path);

    bl_envelope_config cfg;
    if ((rc = tool_conditioning_from_args(&a, &cfg)) != 0) return rc;
    const char *lp = tool_args_get(&a, "--lowpass");
    if (lp && (tool_parse_double(lp, &cfg.lowpass_hz) || !(cfg.lowpass_hz > 0)))
        return tool_usage_error("--lowpass %s: expected a positive frequency in Hz", lp);
    if ((rc = tool_check_conditioning_designs(&a, &cfg, 1)) != 0) return rc;

    const char *summary_path = tool_args_get(&a, "--summary");
    if (summary_path && !tool_output_is(summary_path, TOOL_OUTPUT_CSV))
        return tool_usage_error("--summary %s: the output must end in .csv", summary_path);

    const char *path = a.pos[0];
    tool_output outs[2], *const out = &outs[0];
    size_t n_out = 1;
    tool_output_init(out, "-o", out_path);
    if (summary_path) tool_output_init(&outs[n_out++], "--summary", summary_path);
    for (size_t i = 0; i < n_out; i++) outs[i].quiet = tool_args_has(&a, "--quiet");
    if ((rc = tool_outputs_distinct(&path, 1, outs, n_out)) != 0) return rc;
    tool_progress_start("envelope", tool_args_has(&a, "--quiet"));
    /* Spooled at the analysis rate and enveloped block by block: memory
     * stays that of a block, however long the recording. */
    bl_spool *spool = tool_spool_at(path, tool_args_get(&a, "--map"), cfg.rate_hz);
    if (!spool) return tool_load_failure();
    const bl_recording *info = bl_spool_info(spool);
    envelope_sink sink = {.path = path};
    tool_block_writer *const w = &sink.w;
    if (tool_block_writer_begin(w, out, kind, info) != 0) {
        rc = tool_error("%s: no EMG channels to envelope (every channel is AUX)", path);
        bl_spool_destroy(spool);
        return rc;
    }
    bl_condition_report rep;
    bl_status st = bl_envelope_spool(spool, &cfg, 0, write_block, &sink, &rep);
    if (st == BL_OK) {
        tool_progress_stage("writing");
        rc = tool_block_writer_end(w);
    } else {
        rc = w->failed ? 1
             : st == BL_ENODATA ? tool_conditioning_error_at(path, cfg.rate_hz, bl_spool_frames(spool), &cfg, st)
                                : tool_conditioning_error_at(path, bl_recording_source_rate(info), 0, &cfg, st);
    }
    if (rc == 0 && summary_path) rc = tool_write_envelope_summary_csv(&outs[1], w);
    if (rc == 0) rc = tool_outputs_commit(outs, n_out);
    else tool_outputs_abort(outs, n_out);
    tool_progress_end();
    if (rc == 0) tool_print_envelope_summary(stdout, path, out_path, w, &cfg, &rep);
    tool_block_writer_free(w);
    bl_spool_destroy(spool);
    return rc;
}
