/* backline-synth internals shared by main.c (commands and files), options.c
 * (the command line) and truth.c (the truth.json writer). */
#ifndef SYNTH_TOOL_H
#define SYNTH_TOOL_H

#include <stddef.h>

#include "backline/recording.h"
#include "backline/synth.h"
#include "output_file.h"

/* One invocation: the command, its output folder and every setting. */
typedef struct synth_run {
    const char *cmd;
    const char *dir;
    bl_synth_config cfg;
    bl_synth_hinge_config hinge;
    bl_synth_gait_config gait;
    bl_synth_mvc_config mvc;
    bl_sample_format format;
    const char *format_name;
    int no_mvc;
    const char *muscle;
    double rest_s;
} synth_run;

/* argv (the command's own arguments, argv[0] being the command) into r,
 * defaults first. *help is set when --help or -h was given. On the first
 * problem prints one error line and returns non-zero (2: usage). */
int synth_parse_options(int argc, char **argv, synth_run *r, int *help);

/* One MVC trial written beside the session. */
typedef struct synth_mvc_file {
    char name[64];        /* "mvc_ST.wav" */
    size_t channel;
    double hold_start_s, hold_end_s;
    size_t clipped;
} synth_mvc_file;

/* Everything truth.json reports. */
typedef struct synth_truth_doc {
    const char *scenario;         /* "hinge", "gait", "mvc", "rest" */
    const char *file;             /* "session.wav" or NULL */
    const bl_synth *synth;
    const bl_synth_config *cfg;
    const bl_synth_hinge_config *hinge; /* NULL unless hinge */
    const bl_synth_gait_config *gait;   /* NULL unless gait */
    double fatigue;               /* effective */
    const char *format;           /* "pcm16" ... */
    const bl_synth_truth *truth;  /* of the main file; may be NULL */
    const synth_mvc_file *mvc;
    size_t n_mvc;
} synth_truth_doc;

/* Write the document into the output (begun here, complete and closed but
 * not in place: the run commits all its files together); on failure print
 * one error line, return 1 (the caller aborts the run's outputs). */
int synth_write_truth(tool_output *o, const synth_truth_doc *doc);
/* A gait set's events as the events CSV `backline-analyse gait --events`
 * reads (`time_s,side,event`), into the output as synth_write_truth. */
int synth_write_events(tool_output *o, const bl_synth_truth *truth);

#endif
