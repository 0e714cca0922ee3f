/* Method descriptions: what a processing step did, as a small ordered tree
 * of keys and values (objects, arrays, strings, numbers, booleans, null),
 * filled by the module that ran the step from the configuration it ran
 * with. Reports are rendered from it (tools turn it into JSON or text), so
 * the text that describes a method cannot drift from the code that runs it
 * (STYLE.md: one source of truth, as libebur128 reports its mode from the
 * state it holds).
 *
 * A tree is built by adding children to object or array nodes; keys keep
 * the order they were added in, and a key added twice to one object
 * replaces nothing (both stay: callers add each key once). Builders do not
 * return errors one by one: an allocation failure marks the whole tree,
 * later additions to it are ignored, and bl_doc_status() reports
 * BL_ENOMEM. Node pointers stay valid until the tree is destroyed.
 */
#ifndef BACKLINE_DOC_H
#define BACKLINE_DOC_H

#include <stddef.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bl_doc_type {
    BL_DOC_OBJECT = 0, BL_DOC_ARRAY, BL_DOC_STRING, BL_DOC_NUMBER, BL_DOC_BOOL, BL_DOC_NULL
} bl_doc_type;

typedef struct bl_doc bl_doc;

/* An empty object: the root of a tree. BL_EINVAL (NULL), BL_ENOMEM. */
BL_API bl_status bl_doc_create(bl_doc **out);
/* The whole tree (call on the root only); NULL: no-op. */
BL_API void bl_doc_destroy(bl_doc *root);
/* BL_OK, or BL_ENOMEM when an addition anywhere in the tree failed;
 * BL_EINVAL for NULL. */
BL_API bl_status bl_doc_status(const bl_doc *node);

/* Building. `key` names the child in an object and must be NULL in an
 * array. The containers return the new node (NULL after a failure, when
 * `parent` is NULL or not a container: adding to NULL is a no-op, so
 * builders may chain without checks). Numbers that are not finite are
 * stored as null. Strings are copied. */
BL_API bl_doc *bl_doc_add_object(bl_doc *parent, const char *key);
BL_API bl_doc *bl_doc_add_array(bl_doc *parent, const char *key);
BL_API void bl_doc_add_string(bl_doc *parent, const char *key, const char *value);
/* printf-style string value (at most 1 KiB). */
BL_API void bl_doc_add_stringf(bl_doc *parent, const char *key, const char *fmt, ...)
           __attribute__((format(printf, 3, 4)));
BL_API void bl_doc_add_number(bl_doc *parent, const char *key, double value);
BL_API void bl_doc_add_bool(bl_doc *parent, const char *key, int value);
BL_API void bl_doc_add_null(bl_doc *parent, const char *key);

/* Reading, for renderers. Out of range or the wrong type: NULL, 0, "". */
BL_API bl_doc_type bl_doc_type_of(const bl_doc *node);
BL_API size_t bl_doc_count(const bl_doc *node);                   /* children of a container */
BL_API const bl_doc *bl_doc_child(const bl_doc *node, size_t index);
BL_API const bl_doc *bl_doc_find(const bl_doc *object, const char *key); /* first child with that key */
BL_API const char *bl_doc_key(const bl_doc *node);                /* NULL in arrays and for the root */
BL_API const char *bl_doc_string(const bl_doc *node);
BL_API double bl_doc_number(const bl_doc *node);                  /* NAN unless a number */
BL_API int bl_doc_bool(const bl_doc *node);

#ifdef __cplusplus
}
#endif
#endif
