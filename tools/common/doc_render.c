#include "doc_render.h"

#include <stdio.h>
#include <string.h>

static cJSON *node_json(const bl_doc *d)
{
    switch (bl_doc_type_of(d)) {
    case BL_DOC_STRING: return cJSON_CreateString(bl_doc_string(d));
    case BL_DOC_NUMBER: return cJSON_CreateNumber(bl_doc_number(d));
    case BL_DOC_BOOL: return cJSON_CreateBool(bl_doc_bool(d));
    case BL_DOC_NULL: return cJSON_CreateNull();
    case BL_DOC_OBJECT:
    case BL_DOC_ARRAY: break;
    }
    int object = bl_doc_type_of(d) == BL_DOC_OBJECT;
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    for (size_t i = 0; c && i < bl_doc_count(d); i++) {
        const bl_doc *child = bl_doc_child(d, i);
        cJSON *v = node_json(child);
        if (!v) {
            cJSON_Delete(c);
            return NULL;
        }
        if (object) cJSON_AddItemToObject(c, bl_doc_key(child), v);
        else cJSON_AddItemToArray(c, v);
    }
    return c;
}

cJSON *tool_doc_json(const bl_doc *node)
{
    return node ? node_json(node) : NULL;
}

void tool_print_summary(FILE *out, const char *indent, const bl_doc *summary)
{
    for (size_t i = 0; i < bl_doc_count(summary); i++) {
        const bl_doc *line = bl_doc_child(summary, i);
        char label[64];
        snprintf(label, sizeof label, "%s:", bl_doc_key(line));
        fprintf(out, "%s%-12s %s\n", indent, label, bl_doc_string(line));
    }
}
