/* backline-analyse: offline analysis of sEMG recordings in any format
 * libsndfile reads, and EDF/BDF. This file only dispatches to the
 * subcommands. */
#include <stdio.h>
#include <string.h>

#include "backline/backline.h"
#include "commands.h"
#include "tool.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "rate, channels, frames, duration, format, stored channel map and gains"},
    {"envelope", cmd_envelope, "band-pass, mains notch, rectify and low-pass: linear envelopes to CSV or WAV"},
    {"onsets", cmd_onsets, "burst onsets/offsets per channel (baseline, double-threshold or TKEO detector) to JSON"},
    {"quality", cmd_quality, "every channel graded pass/warn/fail: clipping, flat, mains, noise, SNR, motion, "
                             "crosstalk, spectrum"},
    {"hinge", cmd_hinge, "hip-hinge repetitions, %MVC metrics and the torque-chain verdict to JSON/CSV/HTML"},
    {"gait", cmd_gait, "gait cycles from events or a footswitch, per-muscle curves and Perry's phases to JSON/CSV"},
    {"batch", cmd_batch, "every row of a manifest (file, subject, session, task) as its own process, then "
                         "merged tables"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: backline-analyse COMMAND [OPTIONS] FILE\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nFILE: any format libsndfile reads (WAV, FLAC, AIFF, ...), or EDF/EDF+ and BDF/BDF+.\n");
    fprintf(out, "'backline-analyse COMMAND --help' describes each command.\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        tool_print_exit_status(NULL);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        tool_print_version();
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    return tool_usage_error("unknown command \"%s\" (try --help)", argv[1]);
}

int main(int argc, char **argv)
{
    tool_start("backline-analyse");
    return tool_finish(run(argc, argv));
}
