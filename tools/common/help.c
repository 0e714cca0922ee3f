/* --help and --version of every tool: one exit-status paragraph and one
 * version form, so the man pages generated from them (help2man) and the
 * bash completion read the same text everywhere. */
#include <stdio.h>

#include "backline/backline.h"
#include "tool.h"

void tool_print_help(const char *text, const char *success)
{
    fputs(text, stdout);
    tool_print_exit_status(success);
}

void tool_print_exit_status(const char *success)
{
    printf("\nExit status:\n"
           "  0  success%s%s%s\n"
           "  1  an error (a bad or unreadable input, an output that cannot be written), said in\n"
           "     one line on stderr\n"
           "  2  a usage error (an unknown option, a bad value), said in one line on stderr\n",
           success ? " (" : "", success ? success : "", success ? ")" : "");
}

void tool_print_version(void) { printf("%s %s\n", tool_name(), bl_version()); }
