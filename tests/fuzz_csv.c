/* Fuzz target: the CSV record reader the batch manifest goes through
 * (tools/common/csv.c). Any bytes are read record by record: every call
 * must advance or end, keep the fields inside the buffer, and count lines
 * as the text has them; a record that reads is written back with
 * tool_csv_text and must read again to the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELDS 16
#define BUF 4096

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

/* The fields written back as one record and read again. */
static void round_trip(char **field, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return;
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(',', f);
        tool_csv_text(f, field[i]);
    }
    fputc('\n', f);
    if (fclose(f) != 0) return;
    char buf[BUF + 2 * FIELDS + 64], *again[FIELDS];
    size_t pos = 0, line = 1, m = 0;
    const char *why = NULL;
    int got = tool_csv_record(text, len, &pos, &line, buf, sizeof buf, again, FIELDS, &m, &why);
    if (got == 1 && m != n) fail("a written record reads back with another field count");
    for (size_t i = 0; got == 1 && i < n; i++)
        if (strcmp(field[i], again[i])) fail("a written field reads back differently");
    if (got != 1) fail("a written record does not read back");
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t pos = 0, line = 1, n, newlines = 0;
    for (size_t i = 0; i < size; i++) newlines += data[i] == '\n';
    char buf[BUF], *field[FIELDS];
    const char *why = NULL;
    for (;;) {
        size_t before = pos;
        int got = tool_csv_record(text, size, &pos, &line, buf, sizeof buf, field, FIELDS, &n, &why);
        if (got == 0) break;
        if (pos <= before || pos > size) fail("a record did not advance within the text");
        if (got < 0 && (!why || !why[0])) fail("a malformed record without a reason");
        if (got > 0) {
            if (n == 0 || n > FIELDS) fail("a field count out of range");
            for (size_t i = 0; i < n; i++)
                if (field[i] < buf || field[i] >= buf + sizeof buf || !memchr(field[i], 0, (size_t)(buf + sizeof buf - field[i])))
                    fail("a field outside the buffer");
            round_trip(field, n);
        }
    }
    if (line > newlines + 1) fail("more lines counted than the text has");
    return 0;
}
