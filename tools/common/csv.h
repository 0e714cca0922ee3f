/* CSV as the tools write and read it (RFC 4180): a text field quoted with
 * its quotes doubled, a number in %.6g or empty when it is missing; and a
 * record reader for the files users give us (a batch manifest): quoted
 * fields with commas, doubled quotes and line breaks inside, LF or CRLF
 * line ends, a UTF-8 byte-order mark before the first field ignored. */
#ifndef TOOL_CSV_H
#define TOOL_CSV_H

#include <stddef.h>
#include <stdio.h>

/* "text" with every '"' doubled; NULL writes "". */
void tool_csv_text(FILE *f, const char *s);
/* %.6g, or nothing for a value that is not finite (an empty cell reads as
 * a missing value in pandas and R). */
void tool_csv_number(FILE *f, double v);

/* One record of a CSV text. `text`/`len` the whole file, `*pos` where the
 * record starts (advanced past its line end). Fields are copied into
 * `buf` (NUL-terminated, unquoted) and pointed to by field[0..*n).
 * Returns 1 for a record, 0 at the end of the text, -1 for a malformed
 * record (a quote inside an unquoted field, text after a closing quote,
 * an unterminated quote, more than max_fields fields or a record longer
 * than buf_len), with `why` saying which; *pos then skips to the next
 * line. *line is the 1-based line the record starts on. An empty line is
 * a record of one empty field. */
int tool_csv_record(const char *text, size_t len, size_t *pos, size_t *line, char *buf, size_t buf_len,
                    char **field, size_t max_fields, size_t *n, const char **why);

#endif
