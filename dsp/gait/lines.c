/* One-line messages kept by the gait objects (warnings), each owned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"

bl_status bli_lines_vadd(bli_lines *l, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    char **p = realloc(l->line, (l->n + 1) * sizeof *p);
    if (!p) return BL_ENOMEM;
    l->line = p;
    size_t len = strlen(buf) + 1;
    if (!(p[l->n] = malloc(len))) return BL_ENOMEM;
    memcpy(p[l->n], buf, len);
    l->n++;
    return BL_OK;
}

bl_status bli_lines_add(bli_lines *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bl_status st = bli_lines_vadd(l, fmt, ap);
    va_end(ap);
    return st;
}

void bli_lines_free(bli_lines *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->line[i]);
    free(l->line);
    l->line = NULL;
    l->n = 0;
}
