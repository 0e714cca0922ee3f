/* EDF signal labels as channel map entries. Lab systems label channels in
 * their own words ("EMG ST left", "ST_L", "R Semitendinosus"); where the
 * words name one of our muscle codes and at most one side unambiguously,
 * the label becomes the entry ("L.ST"), the way a WAV's stored map does.
 * Anything less certain is no entry: a guessed muscle would turn a
 * medial/lateral comparison upside down, so "GM_L" (gluteus maximus or
 * medial gastrocnemius?) stays unnamed and the user gives --map. */
#include "edf_io.h"

#include <stdio.h>
#include <string.h>

#include "backline/chanmap.h"

/* Longest word compared: a muscle name ("semimembranosus" is 15). */
#define LABEL_WORD_MAX 24

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* What one word says: a side, a muscle, or nothing. */
static void read_word(const char *w, bl_side *side, bl_muscle *muscle)
{
    char up[LABEL_WORD_MAX + 1], low[LABEL_WORD_MAX + 1];
    size_t n = strlen(w);
    for (size_t i = 0; i <= n; i++) {
        char c = w[i];
        up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    *side = BL_SIDE_NONE;
    *muscle = BL_MUSCLE_COUNT;
    if (!strcmp(up, "L") || !strcmp(up, "LEFT"))
        *side = BL_SIDE_LEFT;
    else if (!strcmp(up, "R") || !strcmp(up, "RIGHT"))
        *side = BL_SIDE_RIGHT;
    else if ((*muscle = bl_muscle_from_code(up)) != BL_MUSCLE_COUNT)
        return;
    for (int m = 0; *side == BL_SIDE_NONE && m < BL_MUSCLE_COUNT; m++) {
        const char *name = bl_muscle_name((bl_muscle)m);
        if (name && !strcmp(name, low))
            *muscle = (bl_muscle)m; /* a one-word name: "semitendinosus", "soleus" */
    }
}

int bli_label_to_entry(const char *label, char *entry, size_t entry_len)
{
    bl_side side = BL_SIDE_NONE;
    bl_muscle muscle = BL_MUSCLE_COUNT;
    int generic = 0; /* the word EMG: a muscle only when nothing better is named */
    for (const char *p = label; *p;) {
        while (*p && !is_alnum(*p)) p++;
        const char *start = p;
        while (is_alnum(*p)) p++;
        size_t n = (size_t)(p - start);
        if (n == 0)
            break;
        if (n > LABEL_WORD_MAX)
            return 0;
        char w[LABEL_WORD_MAX + 1];
        memcpy(w, start, n);
        w[n] = '\0';
        bl_side s;
        bl_muscle m;
        read_word(w, &s, &m);
        if (m == BL_MUSCLE_EMG) {
            generic = 1;
            continue;
        }
        if ((s != BL_SIDE_NONE && side != BL_SIDE_NONE && s != side) ||
            (m != BL_MUSCLE_COUNT && muscle != BL_MUSCLE_COUNT && m != muscle))
            return 0; /* two sides or two muscles: not ours to choose */
        if (s != BL_SIDE_NONE) side = s;
        if (m != BL_MUSCLE_COUNT) muscle = m;
        if (s == BL_SIDE_NONE && m == BL_MUSCLE_COUNT)
            return 0; /* a word we do not know ("GM", "EMG1"): the label is not ours to read */
    }
    if (muscle == BL_MUSCLE_COUNT && generic)
        muscle = BL_MUSCLE_EMG;
    if (muscle == BL_MUSCLE_COUNT)
        return 0;
    const char *code = bl_muscle_code(muscle);
    int len = side == BL_SIDE_NONE ? snprintf(entry, entry_len, "%s", code)
                                   : snprintf(entry, entry_len, "%c.%s", side == BL_SIDE_LEFT ? 'L' : 'R', code);
    return len > 0 && (size_t)len < entry_len;
}
