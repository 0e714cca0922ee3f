/* Private helpers shared by the library modules; not installed. */
#ifndef BL_INTERNAL_H
#define BL_INTERNAL_H

#include <stddef.h>

/* Write one line into a caller's `why` buffer (NULL or zero length: no-op). */
void bl_internal_set_why(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
