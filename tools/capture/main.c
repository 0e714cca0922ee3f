/* backline-capture: record an audio-interface EMG board through PortAudio
 * into a self-describing WAV/FLAC file without losing a sample.
 *
 * This file reads the command line; the session (session.c, run.c,
 * finish.c) records. Everything the user can get wrong is checked before the
 * device is opened; every failure is one line on stderr and a non-zero exit.
 * Once recording, every ending (the requested duration, SIGINT/SIGTERM/
 * SIGHUP/SIGQUIT, a write error, a device that stops) finalises the file
 * with everything captured; --recover finishes the FLAC of one that was
 * killed. */
#include "capture.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/backline.h"
#include "tool.h"

static void usage(void)
{
    tool_print_help(
            "usage: backline-capture --list\n"
            "       backline-capture [--device INDEX|NAME] [--channels N] [--rate HZ] [--seconds S]\n"
            "                        [--map MAP] [--gain G | --gain G1,G2,...] [--full-scale VOLTS]\n"
            "                        [--format float32|pcm24] [--mains auto|50|60|off] [--quiet]\n"
            "                        [--force] [--marker-fifo PATH]\n"
            "                        [--mvc FILE... | --reference REPORT.json]\n"
            "                        [--target internal|external] [--scale UV] -o FILE.wav|FILE.flac\n"
            "       backline-capture --recover FILE.flac.partial.wav [-o FILE.flac] [--quiet]\n"
            "\n"
            "Records from an audio input (an EMG board on a sound card) into WAV or FLAC.\n"
            "\n"
            "  --list            input devices: index, name, host API, channels, default rate\n"
            "  --device D        device index, or part of its name (case-insensitive);\n"
            "                    default: the default input device\n"
            "  --channels N      channels to record (default: the map's entries, else 2)\n"
            "  --rate HZ         sample rate (default: the device's default rate)\n"
            "  --seconds S       stop after exactly S seconds of frames (default: until Ctrl-C)\n"
            "  --map MAP         channel map stored in the file, e.g. L.ST,L.BF,L.GMAX,L.ES\n"
            "  --gain G          amplifier gain, one value or one per channel (file converts to uV)\n"
            "  --full-scale V    interface full scale in volts (default 1.0)\n"
            "  --format F        float32 (default for .wav) or pcm24 (default and only choice for .flac)\n"
            "  --mains M         notch the live meters at 50 or 60 Hz and harmonics; auto detects\n"
            "                    the hum in the first second (default auto); the file is never filtered\n"
            "  --quiet           no live meters, no summary (warnings and errors still shown)\n"
            "  --force           replace FILE if it exists (without it an existing FILE is refused\n"
            "                    before the device is opened); the old FILE stays whole until the\n"
            "                    capture ends: the new one is recorded into FILE.partial.wav and\n"
            "                    takes FILE's place at the end (\"replacing FILE\" says so). A\n"
            "                    FILE.partial.wav left by a killed capture is never overwritten\n"
            "  --marker-fifo P   also read marker keys from P (a FIFO or a file) as if typed, with or\n"
            "                    without a terminal (scripts, tests; see Markers below)\n"
            "  --mvc FILE        MVC trial (repeatable, needs --map): bars in %MVC, references built\n"
            "                    as `backline-analyse hinge --mvc` builds them\n"
            "  --reference R     the per-channel references an earlier `hinge --json` report R\n"
            "                    stored (matched by channel name; needs --map and the same gains)\n"
            "  --target T        internal or external: mark that side of the balance as the target\n"
            "  --scale UV        bars' full scale without references, in uV (default 500)\n"
            "  --recover W       finish the FLAC of a capture that was killed (SIGKILL, crash, power\n"
            "                    cut): copy its FILE.flac.partial.wav W, with the metadata it holds,\n"
            "                    into FILE.flac (or -o), then remove W; an existing output is never\n"
            "                    overwritten\n"
            "Meters: bars on a fixed scale (0-100 %MVC with references, else 0-UV uV, or 0-10 %FS\n"
            "without gains; '>' past the end), \"NaN\" or \"flat\" (unchanged for 0.5 s) for a bad\n"
            "channel; the medial:lateral hamstring balance per side in %MVC while the hamstrings\n"
            "are active (their mean at least 5 %MVC); 80 columns, fewer channels on short terminals.\n"
            "Markers: while the live meters run on a terminal, the space bar stores a marker \"mark\"\n"
            "and the digits 1-9 a marker \"1\"..\"9\" at the frame the device has delivered (the\n"
            "terminal is read without echo and restored at the end); they go into the file's\n"
            "metadata (markers=SECONDS:LABEL,...; backline-analyse info lists them) at the end, so\n"
            "a killed capture loses them. About 100 fit a WAV (FLAC: any number); any that do not\n"
            "fit are listed on stderr.\n"
            "Overruns and ring-buffer overflows are counted, reported and stored in the file.\n"
            "SIGINT (Ctrl-C), SIGTERM, SIGHUP (the terminal or SSH session closed) and SIGQUIT\n"
            "stop a capture cleanly: the summary, then a file holding every frame.\n",
        NULL);
}

int cap_ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != tolower((unsigned char)suffix[i])) return 0;
    return 1;
}

int cap_parse_gains(const char *text, size_t channels, double *gains)
{
    size_t count = 0;
    const char *p = text;
    double values[256];
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[64];
        if (len == 0 || len >= sizeof item)
            return tool_usage_error("--gain: entry %zu \"%.*s\" is not a number", count + 1,
                                       (int)(len < 40 ? len : 40), p);
        memcpy(item, p, len);
        item[len] = '\0';
        double g;
        if (tool_parse_double(item, &g) != 0 || !(g > 0))
            return tool_usage_error("--gain: entry %zu \"%s\" is not a positive number", count + 1, item);
        if (count == sizeof values / sizeof values[0])
            return tool_usage_error("--gain: too many values");
        values[count++] = g;
        if (!comma) break;
        p = comma + 1;
    }
    if (count != 1 && count != channels)
        return tool_usage_error("--gain has %zu values but there are %zu channels (give one value or one per channel)",
                                   count, channels);
    for (size_t c = 0; c < channels; c++) gains[c] = values[count == 1 ? 0 : c];
    return 0;
}

/* --mvc, --reference, --target, --scale: what the meters show. 0 or 2. */
static int parse_meter_options(const tool_args *a, cap_options *o)
{
    const char *v;
    for (const char *p; (p = tool_args_get_nth(a, "--mvc", o->n_mvc)) != NULL;) {
        if (o->n_mvc == sizeof o->mvc / sizeof o->mvc[0])
            return tool_usage_error("--mvc: at most %zu trials", sizeof o->mvc / sizeof o->mvc[0]);
        o->mvc[o->n_mvc++] = p;
    }
    o->reference = tool_args_get(a, "--reference");
    if (o->n_mvc && o->reference) return tool_usage_error("give --mvc trials or --reference REPORT.json, not both");
    if ((v = tool_args_get(a, "--target"))) {
        if (!strcmp(v, "internal")) o->target = 1;
        else if (!strcmp(v, "external")) o->target = -1;
        else return tool_usage_error("--target: \"%s\" is not internal or external", v);
        if (!o->n_mvc && !o->reference)
            return tool_usage_error("--target needs --mvc or --reference (the balance is shown in %%MVC only)");
    }
    o->scale_uv = 500;
    if ((v = tool_args_get(a, "--scale"))) {
        if (tool_parse_double(v, &o->scale_uv) != 0 || !(o->scale_uv > 0) || o->scale_uv > 1e7)
            return tool_usage_error("--scale: \"%s\" is not a positive number of uV", v);
    }
    return 0;
}

static int parse_options(int argc, char **argv, cap_options *o)
{
    static const tool_opt_spec spec[] = {
        {"--list", 0, 0}, {"--device", 1, 0}, {"--channels", 1, 0}, {"--rate", 1, 0},
        {"--seconds", 1, 0}, {"--map", 1, 0}, {"--gain", 1, 0}, {"--full-scale", 1, 0},
        {"--format", 1, 0}, {"--mains", 1, 0}, {"--quiet", 0, 0}, {"--force", 0, 0}, {"-q", 0, 0}, {"-o", 1, 0}, {"--output", 1, 0},
        {"--help", 0, 0}, {"-h", 0, 0}, {"--version", 0, 0}, {"--recover", 1, 0}, {"--marker-fifo", 1, 0},
        {"--mvc", 1, 1}, {"--reference", 1, 0}, {"--target", 1, 0}, {"--scale", 1, 0}, {NULL, 0, 0}};
    tool_args a;
    int r = tool_args_parse(argc, argv, spec, &a);
    if (r) return r;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        usage();
        return -1;
    }
    if (tool_args_has(&a, "--version")) {
        tool_print_version();
        return -1;
    }
    if (a.n_pos) return tool_usage_error("unexpected argument \"%s\" (the output file goes after -o)", a.pos[0]);
    memset(o, 0, sizeof *o);
    o->list = tool_args_has(&a, "--list");
    o->device = tool_args_get(&a, "--device");
    o->quiet = tool_args_has(&a, "--quiet") || tool_args_has(&a, "-q");
    o->force = tool_args_has(&a, "--force");
    o->marker_fifo = tool_args_get(&a, "--marker-fifo");
    int r2 = parse_meter_options(&a, o);
    if (r2) return r2;
    o->map_text = tool_args_get(&a, "--map");
    o->gain_text = tool_args_get(&a, "--gain");
    o->full_scale = 1.0;
    o->out = tool_args_get(&a, "-o");
    if (tool_args_get(&a, "--output")) {
        if (o->out) return tool_usage_error("give the output file once (-o or --output)");
        o->out = tool_args_get(&a, "--output");
    }
    if ((o->recover = tool_args_get(&a, "--recover"))) {
        /* Everything else describes a recording to make. */
        for (size_t i = 0; i < a.n_opts; i++) {
            const char *n = a.opts[i].name;
            if (strcmp(n, "--recover") && strcmp(n, "-o") && strcmp(n, "--output") && strcmp(n, "--quiet") &&
                strcmp(n, "-q"))
                return tool_usage_error("%s cannot go with --recover (it takes only -o and --quiet)", n);
        }
        return 0;
    }
    const char *v;
    o->mains = -1;
    if ((v = tool_args_get(&a, "--mains"))) {
        if (!strcmp(v, "auto")) o->mains = -1;
        else if (!strcmp(v, "off")) o->mains = 0;
        else if (!strcmp(v, "50") || !strcmp(v, "60")) o->mains = atoi(v);
        else return tool_usage_error("--mains: \"%s\" is not auto, 50, 60 or off", v);
    }
    if ((v = tool_args_get(&a, "--channels"))) {
        if (tool_parse_int(v, &o->channels) != 0 || o->channels < 1 || o->channels > 256)
            return tool_usage_error("--channels: \"%s\" is not a channel count (1 to 256)", v);
    }
    if ((v = tool_args_get(&a, "--rate"))) {
        if (tool_parse_double(v, &o->rate) != 0 || o->rate != floor(o->rate) || o->rate > 1e6)
            return tool_usage_error("--rate: \"%s\" is not a whole number of Hz", v);
        if (o->rate < BL_MIN_EMG_RATE_HZ)
            return tool_usage_error("--rate %s Hz is too low for surface EMG (at least %.0f Hz)", v,
                                       BL_MIN_EMG_RATE_HZ);
    }
    if ((v = tool_args_get(&a, "--seconds"))) {
        if (tool_parse_double(v, &o->seconds) != 0 || !(o->seconds > 0) || o->seconds > 1e7)
            return tool_usage_error("--seconds: \"%s\" is not a positive duration", v);
    }
    if ((v = tool_args_get(&a, "--full-scale"))) {
        if (tool_parse_double(v, &o->full_scale) != 0 || !(o->full_scale > 0))
            return tool_usage_error("--full-scale: \"%s\" is not a positive number of volts", v);
    }
    if (o->list) return 0;
    if (!o->out) return tool_usage_error("no output file: give -o FILE.wav or -o FILE.flac (or --list)");
    int flac = cap_ends_with_ci(o->out, ".flac");
    if (!flac && !cap_ends_with_ci(o->out, ".wav"))
        return tool_usage_error("%s: the output must be .wav or .flac", o->out);
    o->flac = flac;
    if (strlen(o->out) > 4000) return tool_usage_error("-o: path too long");
    o->format = flac ? BL_FORMAT_PCM24 : BL_FORMAT_FLOAT32;
    if ((v = tool_args_get(&a, "--format"))) {
        if (strcmp(v, "float32") == 0 || strcmp(v, "float") == 0) {
            if (flac)
                return tool_usage_error("--format float32: FLAC holds integers only; use pcm24 or a .wav file");
            o->format = BL_FORMAT_FLOAT32;
        } else if (strcmp(v, "pcm24") == 0 || strcmp(v, "24") == 0) {
            o->format = BL_FORMAT_PCM24;
        } else {
            return tool_usage_error("--format: \"%s\" is not float32 or pcm24", v);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    tool_set_name("backline-capture");
    cap_options o;
    int r = parse_options(argc, argv, &o);
    if (r < 0) return 0; /* --help / --version */
    if (r) return r;
    if (o.recover) return cap_recover(&o);
    return cap_record(&o);
}
