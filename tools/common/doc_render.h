/* Rendering the library's method descriptions (backline/doc.h): as JSON
 * (cJSON, key order kept) and as the indented "label:  sentence" lines of
 * the tools' parameter blocks. The words come from the library; only the
 * layout is the tools'. */
#ifndef TOOL_DOC_RENDER_H
#define TOOL_DOC_RENDER_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "backline/doc.h"

/* The tree as a new cJSON item (caller owns it); NULL when out of memory. */
cJSON *tool_doc_json(const bl_doc *node);
/* Every child of an object of sentences as "INDENT" "label:" padded to 12
 * columns, a space, the sentence. */
void tool_print_summary(FILE *out, const char *indent, const bl_doc *summary);

#endif
