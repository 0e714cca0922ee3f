/* backline-analyse subcommands: each is `int cmd_NAME(int argc, char **argv)`
 * with argv[0] the subcommand name, returning the process exit status.
 * main.c holds the table; add a line there when you add a command. */
#ifndef ANALYSE_COMMANDS_H
#define ANALYSE_COMMANDS_H

int cmd_info(int argc, char **argv);
int cmd_envelope(int argc, char **argv);
int cmd_onsets(int argc, char **argv);
int cmd_hinge(int argc, char **argv);
int cmd_quality(int argc, char **argv);
int cmd_gait(int argc, char **argv);
int cmd_batch(int argc, char **argv);

#endif
