/* Channel maps: parse, format and look up `SIDE.CODE` entries.
 *
 * Parsing is strict because a typo in a map silently mislabels a muscle,
 * which would turn a medial/lateral comparison upside down. A parsed map
 * keeps its canonical text, so every layer above passes the parsed map
 * around and nobody parses twice. */
#include "backline/chanmap.h"
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest code ("GMAX", "GMED", "TFL") is 4; a side adds 2. */
#define BL_ENTRY_NAME_MAX 8

struct entry {
    bl_side side;
    bl_muscle muscle;
};

struct bl_chanmap {
    size_t count;
    char *text;              /* canonical text, "L.ST,L.BF" */
    struct entry entries[];
};

/* Parse one trimmed entry [s, s+len). Returns 0 on success, otherwise
 * writes the reason into `why`. */
static int parse_entry(const char *s, size_t len, size_t pos, struct entry *e, char *why,
                       size_t why_len)
{
    if (len == 0) {
        bli_set_why(why, why_len, "channel map entry %zu is empty (expected SIDE.CODE or CODE, e.g. L.ST)",
                pos);
        return -1;
    }
    /* Longer than any valid entry: report it cut, but never overflow. */
    char buf[64];
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* The reason is echoed on one line: never copy control characters. */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
            buf[i] = '?';
    const char *shown_ellipsis = len > n ? "..." : "";

    const char *code = buf;
    bl_side side = BL_SIDE_NONE;
    const char *dot = memchr(s, '.', len);
    if (dot) {
        size_t side_len = (size_t)(dot - s);
        if (side_len == 1 && s[0] == 'L')
            side = BL_SIDE_LEFT;
        else if (side_len == 1 && s[0] == 'R')
            side = BL_SIDE_RIGHT;
        else {
            bli_set_why(why, why_len,
                    "channel map entry %zu \"%s%s\": unknown side \"%.*s\" (valid: L, R, or none)",
                    pos, buf, shown_ellipsis, (int)(side_len < 16 ? side_len : 16), buf);
            return -1;
        }
        code = buf + side_len + 1;
        if (len > n) {
            /* The code part is longer than any valid code. */
            bli_set_why(why, why_len, "channel map entry %zu \"%s%s\": unknown muscle code (valid: %s)",
                    pos, buf, shown_ellipsis, bl_muscle_codes_list());
            return -1;
        }
    }
    bl_muscle m = len > n ? BL_MUSCLE_COUNT : bl_muscle_from_code(code);
    if (m == BL_MUSCLE_COUNT) {
        bli_set_why(why, why_len, "channel map entry %zu \"%s%s\": unknown muscle code \"%s%s\" (valid: %s)",
                pos, buf, shown_ellipsis, code, shown_ellipsis, bl_muscle_codes_list());
        return -1;
    }
    e->side = side;
    e->muscle = m;
    return 0;
}

/* Line ends count as space so a map read from a file or a metadata line
 * parses without the caller stripping it. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void entry_text(const struct entry *e, char out[BL_ENTRY_NAME_MAX])
{
    const char *prefix = e->side == BL_SIDE_LEFT ? "L." : e->side == BL_SIDE_RIGHT ? "R." : "";
    snprintf(out, BL_ENTRY_NAME_MAX, "%s%s", prefix, bl_muscle_code(e->muscle));
}

/* A map of `count` entries (filled by the caller) with room for its text. */
static bl_chanmap *alloc_map(size_t count)
{
    bl_chanmap *map = malloc(sizeof *map + count * sizeof map->entries[0]);
    if (!map)
        return NULL;
    map->count = count;
    map->text = malloc(count * BL_ENTRY_NAME_MAX + 1);
    if (!map->text) {
        free(map);
        return NULL;
    }
    map->text[0] = '\0';
    return map;
}

/* The canonical text, once the entries are in place. */
static void build_text(bl_chanmap *map)
{
    size_t used = 0;
    for (size_t i = 0; i < map->count; i++) {
        char tmp[BL_ENTRY_NAME_MAX];
        entry_text(&map->entries[i], tmp);
        used += (size_t)sprintf(map->text + used, "%s%s", i ? "," : "", tmp);
    }
}

bl_status bl_chanmap_parse(const char *text, bl_chanmap **out, char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (!text || !out) {
        bli_set_why(why, why_len, "channel map: NULL argument");
        return BL_EINVAL;
    }
    if (why && why_len)
        why[0] = '\0';

    /* Count entries first so the map is one allocation. */
    size_t count = 1;
    for (const char *p = text; *p; p++)
        if (*p == ',')
            count++;
    if (count > BL_CHANMAP_MAX_ENTRIES) {
        bli_set_why(why, why_len, "channel map has %zu entries; at most %d are supported", count,
                BL_CHANMAP_MAX_ENTRIES);
        return BL_EMAP;
    }
    bl_chanmap *map = alloc_map(count);
    if (!map) {
        bli_set_why(why, why_len, "channel map: out of memory");
        return BL_ENOMEM;
    }

    const char *p = text;
    for (size_t i = 0; i < count; i++) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        if (parse_entry(a, (size_t)(b - a), i + 1, &map->entries[i], why, why_len) != 0) {
            bl_chanmap_destroy(map);
            return BL_EMAP;
        }
        p = *end ? end + 1 : end;
    }
    build_text(map);
    *out = map;
    return BL_OK;
}

bl_status bl_chanmap_select(const bl_chanmap *map, const size_t *index, size_t n, bl_chanmap **out)
{
    if (out)
        *out = NULL;
    if (!map || !index || n == 0 || !out)
        return BL_EINVAL;
    if (n > BL_CHANMAP_MAX_ENTRIES)
        return BL_ERANGE; /* a map no file could give back */
    for (size_t k = 0; k < n; k++)
        if (index[k] >= map->count)
            return BL_ERANGE;
    bl_chanmap *sel = alloc_map(n);
    if (!sel)
        return BL_ENOMEM;
    for (size_t k = 0; k < n; k++)
        sel->entries[k] = map->entries[index[k]];
    build_text(sel);
    *out = sel;
    return BL_OK;
}

bl_status bl_chanmap_copy(const bl_chanmap *map, bl_chanmap **out)
{
    if (out)
        *out = NULL;
    if (!map || !out)
        return BL_EINVAL;
    bl_chanmap *c = alloc_map(map->count);
    if (!c)
        return BL_ENOMEM;
    memcpy(c->entries, map->entries, map->count * sizeof map->entries[0]);
    strcpy(c->text, map->text);
    *out = c;
    return BL_OK;
}

int bl_chanmap_equal(const bl_chanmap *a, const bl_chanmap *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a->text, b->text) == 0;
}

void bl_chanmap_destroy(bl_chanmap *map)
{
    if (!map)
        return;
    free(map->text);
    free(map);
}

size_t bl_chanmap_count(const bl_chanmap *map)
{
    return map ? map->count : 0;
}

const char *bl_chanmap_text(const bl_chanmap *map)
{
    return map ? map->text : "";
}

bl_side bl_chanmap_side(const bl_chanmap *map, size_t index)
{
    if (!map || index >= map->count)
        return BL_SIDE_NONE;
    return map->entries[index].side;
}

bl_muscle bl_chanmap_muscle(const bl_chanmap *map, size_t index)
{
    if (!map || index >= map->count)
        return BL_MUSCLE_COUNT;
    return map->entries[index].muscle;
}

bl_status bl_chanmap_get_entry_name(const bl_chanmap *map, size_t index, char *buf, size_t buf_len)
{
    if (!map || !buf || buf_len == 0 || index >= map->count)
        return BL_EINVAL;
    char tmp[BL_ENTRY_NAME_MAX];
    entry_text(&map->entries[index], tmp);
    int n = snprintf(buf, buf_len, "%s", tmp);
    return (size_t)n < buf_len ? BL_OK : BL_ERANGE;
}

bl_status bl_chanmap_format(const bl_chanmap *map, char *buf, size_t buf_len)
{
    if (!map || !buf || buf_len == 0)
        return BL_EINVAL;
    int n = snprintf(buf, buf_len, "%s", map->text);
    /* snprintf leaves a truncated, terminated string when it does not fit */
    return n >= 0 && (size_t)n < buf_len ? BL_OK : BL_ERANGE;
}

bl_status bl_chanmap_validate(const bl_chanmap *map, size_t channels, char *why, size_t why_len)
{
    if (!map) {
        bli_set_why(why, why_len, "channel map: NULL argument");
        return BL_EINVAL;
    }
    if (map->count != channels) {
        bli_set_why(why, why_len, "channel map has %zu entr%s but the recording has %zu channel%s",
                map->count, map->count == 1 ? "y" : "ies", channels, channels == 1 ? "" : "s");
        return BL_EMAP;
    }
    if (why && why_len)
        why[0] = '\0';
    return BL_OK;
}

size_t bl_chanmap_find(const bl_chanmap *map, bl_muscle m, size_t from)
{
    if (!map)
        return (size_t)-1;
    for (size_t i = from; i < map->count; i++)
        if (map->entries[i].muscle == m)
            return i;
    return (size_t)-1;
}
