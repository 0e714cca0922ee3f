/* --scale and --unit: the calibration of files that carry none (the UCI
 * recordings are in mV, the Santuz ones already in µV; without it both
 * stay in "full-scale units"). Parsed once per run, applied by every
 * tool_load* to the session and its MVC trials alike, as the gains the
 * library's unit rule and bl_recording_to_microvolts already work with:
 * µV = sample × full_scale_v / gain × 1e6, so a channel of K µV per unit
 * gets gain = full_scale_v × 1e6 / K. A file that carries a calibration
 * of its own (stored gains, an EDF/BDF physical dimension in volts) is
 * refused with one line rather than calibrated twice or silently
 * overridden: a lab must not get numbers off by 1000 because one file of
 * a set was exported differently. */
#ifndef TOOL_CALIBRATION_ARGS_H
#define TOOL_CALIBRATION_ARGS_H

#include "backline/recording.h"
#include "tool.h"

#define TOOL_CALIBRATION_OPTS {"--scale", 1, 0}, {"--unit", 1, 0}
/* The help paragraph, the same in every subcommand that loads a
 * recording (after its options); _MVC for those that take MVC trials. */
#define TOOL_CALIBRATION_HELP_LINES                                                                      \
    "  --scale UV_PER_UNIT[,...]  uV per sample unit: one value for every channel, or one per\n"         \
    "                             channel (--scale 1000: the samples are in mV)\n"                      \
    "  --unit uV|mV|V             the samples' unit (--unit mV is --scale 1000; not with --scale)\n"
#define TOOL_CALIBRATION_HELP                                                                            \
    "\nCalibration of a file that carries none (one with stored gains, or an EDF/BDF in\n"               \
    "volts, is refused rather than calibrated twice):\n" TOOL_CALIBRATION_HELP_LINES
#define TOOL_CALIBRATION_HELP_MVC                                                                        \
    "\nCalibration of files that carry none, the MVC trials' too (one with stored gains, or\n"           \
    "an EDF/BDF in volts, is refused rather than calibrated twice):\n" TOOL_CALIBRATION_HELP_LINES

/* --scale/--unit of `a` (either may be absent; both is a usage error).
 * 0, or 2 after one usage line. */
int tool_calibration_from_args(const tool_args *a);
/* Give `rec` (loaded, not yet converted to µV) the calibration of the
 * command line, if any: 0; -1 after one error line (the file has its own
 * calibration), -2 after one usage line (a list whose count is not the
 * channel count). */
int tool_calibration_apply(bl_recording *rec, const char *path);

#endif
