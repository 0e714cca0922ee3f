#include "csv.h"

#include <math.h>

void tool_csv_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void tool_csv_number(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.6g", v);
}

/* Past the end of the current line (LF, CRLF or the end of the text). */
static void skip_line(const char *text, size_t len, size_t *pos, size_t *line)
{
    while (*pos < len && text[*pos] != '\n') ++*pos;
    if (*pos < len) {
        ++*pos;
        ++*line;
    }
}

int tool_csv_record(const char *text, size_t len, size_t *pos, size_t *line, char *buf, size_t buf_len,
                    char **field, size_t max_fields, size_t *n, const char **why)
{
    size_t p = *pos, out = 0;
    *n = 0;
    if (p >= len) return 0;
    if (p == 0 && len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        p = 3;
    for (;;) { /* one field per turn */
        if (*n == max_fields || out >= buf_len) {
            *why = *n == max_fields ? "too many fields" : "record too long";
            goto bad;
        }
        field[(*n)++] = buf + out;
        if (p < len && text[p] == '"') {
            for (p++;; p++) {
                if (p >= len) {
                    *why = "a quoted field is not closed";
                    goto bad;
                }
                if (text[p] == '"') {
                    if (p + 1 < len && text[p + 1] == '"') p++;
                    else break;
                }
                if (out + 1 >= buf_len) {
                    *why = "record too long";
                    goto bad;
                }
                if (text[p] == '\n') ++*line;
                buf[out++] = text[p];
            }
            p++; /* the closing quote */
            if (p < len && text[p] == '\r' && p + 1 < len && text[p + 1] == '\n') p++;
            if (p < len && text[p] != ',' && text[p] != '\n') {
                *why = "text after a closing quote";
                goto bad;
            }
        } else {
            while (p < len && text[p] != ',' && text[p] != '\n') {
                if (text[p] == '"') {
                    *why = "a quote inside an unquoted field (quote the whole field)";
                    goto bad;
                }
                if (out + 1 >= buf_len) {
                    *why = "record too long";
                    goto bad;
                }
                if (!(text[p] == '\r' && p + 1 < len && text[p + 1] == '\n')) buf[out++] = text[p];
                p++;
            }
        }
        buf[out++] = '\0';
        if (p >= len || text[p] == '\n') break;
        p++; /* the comma */
    }
    if (p < len) { /* the line end */
        p++;
        ++*line;
    }
    *pos = p;
    return 1;
bad:
    *pos = p;
    skip_line(text, len, pos, line);
    return -1;
}
