/* `backline-analyse envelope`: linear envelopes to CSV or WAV.
 * The flag names are a contract other tools rely on (issue 2). */
#include <errno.h>
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
    "                                 [--order N] [--notch auto|off|50|60] [--ecg auto|remove|off] [--lowpass HZ] -o OUT\n"
    "\n"
    "Linear envelope of every EMG channel: resample to the analysis rate, band-pass\n"
    "(Butterworth, zero-phase), remove mains, full-wave rectify, low-pass (Butterworth,\n"
    "zero-phase). AUX channels are left out.\n"
    "\n"
    "  --map MAP        channel map, e.g. L.ST,L.BF,L.GMAX (default: the map stored in FILE)\n"
    "  --rate HZ        analysis rate in Hz (default 2000)\n"
    "  --bandpass LO:HI band-pass corners in Hz (default 20:450)\n"
    "  --order N        Butterworth order of the band-pass, SciPy's N (default 4)\n"
    "  --notch MODE     mains removal: auto (detect 50/60 Hz), off, 50 or 60 (default auto)\n"
    "  --ecg MODE       ECG removal: auto (trunk channels where a heartbeat is found), remove\n"
    "                   (every EMG channel where one is found) or off (default auto)\n"
    "  --threads N      worker threads: 0 = one per core (default), 1 = none; same results for any N\n"
    "  --quiet          no progress line (shown on a terminal for work over 2 s)\n"
    "  --lowpass HZ     envelope low-pass corner in Hz, 4th order (default 6)\n"
    "  -o OUT           OUT.csv: header time_s,<channel>,... then one row per frame;\n"
    "                   OUT.wav: float32 envelopes at the analysis rate, map in metadata\n"
    "\n"
    "Amplitudes are in uV when the file carries amplifier gains, else in full-scale units.\n";

int cmd_envelope(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {
        TOOL_CONDITIONING_OPTS, {"--lowpass", 1, 0}, {"-o", 1, 0}, {"--help", 0, 0}, {"-h", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        fputs(envelope_help, stdout);
        return 0;
    }
    if (a.n_pos != 1) return tool_usage_error("envelope needs exactly one FILE (see envelope --help)");
    const char *out_path = tool_args_get(&a, "-o");
    if (!out_path) return tool_usage_error("envelope needs -o OUT (.csv or .wav)");
    tool_output_kind kind = tool_output_kind_of(out_path);
    if (kind != TOOL_OUTPUT_CSV && kind != TOOL_OUTPUT_WAV)
        return tool_usage_error("-o %s: the output must end in .csv or .wav", out_path);

    bl_envelope_config cfg;
    if ((rc = tool_conditioning_from_args(&a, &cfg)) != 0) return rc;
    const char *lp = tool_args_get(&a, "--lowpass");
    if (lp && (tool_parse_double(lp, &cfg.lowpass_hz) || !(cfg.lowpass_hz > 0)))
        return tool_usage_error("--lowpass %s: expected a positive frequency in Hz", lp);
    if ((rc = tool_check_conditioning_designs(&a, &cfg, 1)) != 0) return rc;

    const char *path = a.pos[0];
    tool_output out;
    tool_output_init(&out, "-o", out_path);
    if ((rc = tool_outputs_distinct(&path, 1, &out, 1)) != 0) return rc;
    tool_progress_start("envelope", tool_args_has(&a, "--quiet"));
    bl_recording *rec = tool_load_at(path, tool_args_get(&a, "--map"), cfg.rate_hz);
    if (!rec) return 1;

    /* The raw samples are not needed afterwards: envelope them in place. */
    bl_recording *env = rec;
    bl_condition_report rep;
    bl_status st = bl_envelope_in_place(rec, &cfg, &rep);
    if (st != BL_OK) {
        rc = tool_conditioning_error(path, rec, &cfg, st);
        goto done;
    }
    if ((rc = tool_check_result_finite(path, env, "envelope")) != 0) goto done;
    tool_emg_view view;
    if (tool_emg_view_init(&view, env) != 0) {
        rc = tool_error("%s: no EMG channels to envelope (every channel is AUX)", path);
        goto done;
    }
    bl_recording_set_meta(env, "content", TOOL_ENVELOPE_CONTENT);
    tool_progress_stage("writing");
    rc = kind == TOOL_OUTPUT_CSV ? tool_write_csv(&out, &view) : tool_write_wav(&out, &view);
    if (rc == 0) rc = tool_outputs_commit(&out, 1);
    tool_progress_end();
    if (rc == 0) tool_print_envelope_summary(stdout, path, out_path, &view, &cfg, &rep);
    tool_emg_view_free(&view);
done:
    bl_recording_destroy(rec);
    return rc;
}
