/* EDF signal labels as channel map entries. Lab systems label channels in
 * their own words ("EMG ST left", "ST_L", "R Semitendinosus", "Tibialis
 * anterior L"); where the words name one of our muscles (its code or its
 * name in the muscle table) and at most one side unambiguously, the label
 * becomes the entry ("L.ST"), the way a WAV's stored map does. Anything
 * less certain is no entry: a guessed muscle would turn a medial/lateral
 * comparison upside down, so "GM_L" (gluteus maximus or medial
 * gastrocnemius?) stays unnamed and the user gives --map. */
#include "edf_io.h"

#include <stdio.h>
#include <string.h>

#include "backline/chanmap.h"

/* Longest word compared (a muscle name's: "semimembranosus" is 15), and
 * most words in a label (16 characters make at most 8). */
#define LABEL_WORD_MAX 24
#define LABEL_WORDS_MAX 16

typedef char label_word[LABEL_WORD_MAX + 1];

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* The words of `s` (runs of letters and digits), lowercased, up to `max`
 * (until '(' when `until_paren`: a name's "(long head)"). -1 when a word
 * is too long or there are too many. */
static int split_words(const char *s, label_word *w, int max, int until_paren)
{
    int n = 0;
    for (const char *p = s; *p;) {
        while (*p && !is_alnum(*p) && !(until_paren && *p == '(')) p++;
        if (!*p || (until_paren && *p == '(')) break;
        const char *start = p;
        while (is_alnum(*p)) p++;
        size_t len = (size_t)(p - start);
        if (n == max || len > LABEL_WORD_MAX) return -1;
        for (size_t i = 0; i < len; i++) w[n][i] = lower(start[i]);
        w[n++][len] = '\0';
    }
    return n;
}

/* The longest muscle name of the table starting at word i: its muscle
 * and word count; 0 when none does. */
static int name_at(label_word *w, int n, int i, bl_muscle *muscle)
{
    int best = 0;
    for (int m = 0; m < BL_MUSCLE_COUNT; m++) {
        if (m == BL_MUSCLE_EMG || m == BL_MUSCLE_AUX) continue; /* "unnamed muscle" names nothing */
        label_word nw[LABEL_WORDS_MAX];
        int k = split_words(bl_muscle_name((bl_muscle)m), nw, LABEL_WORDS_MAX, 1);
        if (k <= best || i + k > n) continue;
        int same = 1;
        for (int j = 0; j < k && same; j++) same = !strcmp(w[i + j], nw[j]);
        if (same) {
            best = k;
            *muscle = (bl_muscle)m;
        }
    }
    return best;
}

/* What one word says: a side, a muscle code, or nothing. */
static void read_word(const char *w, bl_side *side, bl_muscle *muscle)
{
    char up[LABEL_WORD_MAX + 1];
    size_t n = strlen(w);
    for (size_t i = 0; i <= n; i++) up[i] = (w[i] >= 'a' && w[i] <= 'z') ? (char)(w[i] - 'a' + 'A') : w[i];
    *side = BL_SIDE_NONE;
    *muscle = BL_MUSCLE_COUNT;
    if (!strcmp(up, "L") || !strcmp(up, "LEFT"))
        *side = BL_SIDE_LEFT;
    else if (!strcmp(up, "R") || !strcmp(up, "RIGHT"))
        *side = BL_SIDE_RIGHT;
    else
        *muscle = bl_muscle_from_code(up);
}

int bli_label_to_entry(const char *label, char *entry, size_t entry_len)
{
    label_word w[LABEL_WORDS_MAX];
    int n = split_words(label, w, LABEL_WORDS_MAX, 0);
    if (n <= 0)
        return 0;
    bl_side side = BL_SIDE_NONE;
    bl_muscle muscle = BL_MUSCLE_COUNT;
    int generic = 0; /* the word EMG: a muscle only when nothing better is named */
    for (int i = 0; i < n;) {
        bl_side s = BL_SIDE_NONE;
        bl_muscle m = BL_MUSCLE_COUNT;
        int k = name_at(w, n, i, &m);
        if (!k) {
            read_word(w[i], &s, &m);
            k = 1;
        }
        i += k;
        if (m == BL_MUSCLE_EMG) {
            generic = 1;
            continue;
        }
        if (s == BL_SIDE_NONE && m == BL_MUSCLE_COUNT)
            return 0; /* a word we do not know ("GM", "EMG1"): the label is not ours to read */
        if ((s != BL_SIDE_NONE && side != BL_SIDE_NONE && s != side) ||
            (m != BL_MUSCLE_COUNT && muscle != BL_MUSCLE_COUNT && m != muscle))
            return 0; /* two sides or two muscles: not ours to choose */
        if (s != BL_SIDE_NONE) side = s;
        if (m != BL_MUSCLE_COUNT) muscle = m;
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
