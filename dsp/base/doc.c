/* Method-description trees (doc.h): nodes with an ordered array of
 * children, and a failure flag shared by the whole tree. */
#include "backline/doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bl_doc {
    bl_doc_type type;
    char *key;           /* NULL for the root and array elements */
    char *text;          /* BL_DOC_STRING */
    double number;       /* BL_DOC_NUMBER; BL_DOC_BOOL as 0/1 */
    bl_doc **child;
    size_t count, cap;
    int *failed;         /* shared by every node of a tree; owned by the root */
};

static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

bl_status bl_doc_create(bl_doc **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    bl_doc *d = calloc(1, sizeof *d);
    int *failed = calloc(1, sizeof *failed);
    if (!d || !failed) {
        free(d);
        free(failed);
        return BL_ENOMEM;
    }
    d->type = BL_DOC_OBJECT;
    d->failed = failed;
    *out = d;
    return BL_OK;
}

static void free_node(bl_doc *d)
{
    for (size_t i = 0; i < d->count; i++) free_node(d->child[i]);
    free(d->child);
    free(d->key);
    free(d->text);
    free(d);
}

void bl_doc_destroy(bl_doc *root)
{
    if (!root) return;
    int *failed = root->failed;
    free_node(root);
    free(failed);
}

bl_status bl_doc_status(const bl_doc *node)
{
    if (!node) return BL_EINVAL;
    return *node->failed ? BL_ENOMEM : BL_OK;
}

/* A new child of `parent`, or NULL (and the tree marked) on failure. */
static bl_doc *add(bl_doc *parent, const char *key, bl_doc_type type)
{
    if (!parent || *parent->failed) return NULL;
    int is_object = parent->type == BL_DOC_OBJECT;
    if ((!is_object && parent->type != BL_DOC_ARRAY) || (is_object != (key != NULL))) return NULL;
    if (parent->count == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        bl_doc **p = realloc(parent->child, cap * sizeof *p);
        if (!p) {
            *parent->failed = 1;
            return NULL;
        }
        parent->child = p;
        parent->cap = cap;
    }
    bl_doc *d = calloc(1, sizeof *d);
    if (!d || (key && !(d->key = copy_text(key)))) {
        free(d);
        *parent->failed = 1;
        return NULL;
    }
    d->type = type;
    d->failed = parent->failed;
    parent->child[parent->count++] = d;
    return d;
}

bl_doc *bl_doc_add_object(bl_doc *parent, const char *key) { return add(parent, key, BL_DOC_OBJECT); }
bl_doc *bl_doc_add_array(bl_doc *parent, const char *key) { return add(parent, key, BL_DOC_ARRAY); }

void bl_doc_add_string(bl_doc *parent, const char *key, const char *value)
{
    if (!value) {
        bl_doc_add_null(parent, key);
        return;
    }
    bl_doc *d = add(parent, key, BL_DOC_STRING);
    if (d && !(d->text = copy_text(value))) {
        d->type = BL_DOC_NULL;
        *d->failed = 1;
    }
}

void bl_doc_add_stringf(bl_doc *parent, const char *key, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bl_doc_add_string(parent, key, buf);
}

void bl_doc_add_number(bl_doc *parent, const char *key, double value)
{
    if (!isfinite(value)) {
        bl_doc_add_null(parent, key);
        return;
    }
    bl_doc *d = add(parent, key, BL_DOC_NUMBER);
    if (d) d->number = value;
}

void bl_doc_add_bool(bl_doc *parent, const char *key, int value)
{
    bl_doc *d = add(parent, key, BL_DOC_BOOL);
    if (d) d->number = value ? 1 : 0;
}

void bl_doc_add_null(bl_doc *parent, const char *key) { add(parent, key, BL_DOC_NULL); }

bl_doc_type bl_doc_type_of(const bl_doc *node) { return node ? node->type : BL_DOC_NULL; }
size_t bl_doc_count(const bl_doc *node) { return node ? node->count : 0; }

const bl_doc *bl_doc_child(const bl_doc *node, size_t index)
{
    return node && index < node->count ? node->child[index] : NULL;
}

const bl_doc *bl_doc_find(const bl_doc *object, const char *key)
{
    if (!object || !key || object->type != BL_DOC_OBJECT) return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (strcmp(object->child[i]->key, key) == 0) return object->child[i];
    return NULL;
}

const char *bl_doc_key(const bl_doc *node) { return node ? node->key : NULL; }

const char *bl_doc_string(const bl_doc *node)
{
    return node && node->type == BL_DOC_STRING ? node->text : "";
}

double bl_doc_number(const bl_doc *node)
{
    return node && node->type == BL_DOC_NUMBER ? node->number : NAN;
}

int bl_doc_bool(const bl_doc *node) { return node && node->type == BL_DOC_BOOL && node->number != 0; }
