/* A progress line on stderr for long work: "backline-analyse hinge:
 * reading 42 % (3 s)", redrawn twice a second by a thread of its own from
 * the stage and fraction the main thread sets. It appears only when stderr
 * is a terminal, only after the work has run for two seconds, never with
 * --quiet, and is erased when the work ends, so files and pipes never see
 * it and short runs never flicker. */
#ifndef TOOL_PROGRESS_H
#define TOOL_PROGRESS_H

/* Starts the clock (and the drawing thread, when stderr is a terminal and
 * quiet is 0) for `what` ("hinge"). */
void tool_progress_start(const char *what, int quiet);
/* The current stage ("reading", "analysing"), a string that outlives the
 * work; the fraction is unknown until set. */
void tool_progress_stage(const char *stage);
/* 0..1 of the current stage; a bl_progress_fn (user unused). */
void tool_progress_fraction(void *user, double fraction);
/* Erases the line and stops the thread; safe to call when not started. */
void tool_progress_end(void);

#endif
