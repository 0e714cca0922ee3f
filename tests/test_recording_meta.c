/* Stored metadata that is damaged or hostile: every rule of the loader
 * (what is kept of a bad line, per channel where a list has a bad entry,
 * and the warning each bad line leaves), the counters, and a deterministic
 * fuzz of comments and chunks. Long metadata: test_recording_meta_long.c. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <math.h>
#include <string.h>

#include "backline/backline.h"
#include "backline/recording.h"

/* Loads `path`; exits the case (NULL) when it does not load. */
static bl_recording *load(const char *path)
{
    char why[512];
    bl_recording *l = NULL;
    bl_status st = bl_recording_load(path, &l, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: load %d: %s", path, st, why);
    return l;
}

/* The index of the first warning about `key` that contains `text`, or -1. */
static long find_warning(const bl_recording *l, const char *key, const char *text)
{
    for (size_t i = 0; i < bl_recording_warning_count(l); i++)
        if (strcmp(bl_recording_warning_key(l, i), key) == 0 && strstr(bl_recording_warning(l, i), text))
            return (long)i;
    return -1;
}

static void dump_warnings(const bl_recording *l, const char *what)
{
    for (size_t i = 0; i < bl_recording_warning_count(l); i++)
        fprintf(stderr, "  %s warning [%s]: %s\n", what, bl_recording_warning_key(l, i), bl_recording_warning(l, i));
}

#define CHECK_WARNING(l, key, text, what)                                                        \
    do {                                                                                         \
        if (find_warning(l, key, text) < 0) {                                                    \
            CHECK_MSG(0, "%s: no warning about %s containing \"%s\"", what, key, text);          \
            dump_warnings(l, what);                                                              \
        }                                                                                        \
    } while (0)

/* A comment applied to a 4-channel WAV. */
static bl_recording *with_comment(const char *comment)
{
    test_write_raw_meta(test_tmp("c.wav"), 4, comment, NULL, 0);
    return load(test_tmp("c.wav"));
}

static void test_counters_api(void)
{
    bl_recording *r = test_make_rec(1, 10, 1000);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", "0"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", "18446744073709551615"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", "18446744073709551616"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", "-5"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", "abc"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", ""), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "overruns", "+5"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "ring_overflows", "1.5"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "synth_seed", " 7"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "truncated", "2"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "truncated", "1"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "meta_chunk", "10"), BL_EINVAL); /* reserved */
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5"), BL_OK);
    const char *not_utf8[] = {"\xff", "ab\xc3", "\xc3T", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
    for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++)
        CHECK_MSG(bl_recording_set_meta(r, "device", not_utf8[i]) == BL_EINVAL, "not UTF-8 #%zu accepted", i);
    CHECK(strcmp(bl_recording_meta(r, "overruns"), "18446744073709551615") == 0); /* failed sets kept it */
    CHECK_EQ_INT(bl_recording_warning_count(r), 0);
    CHECK(bl_recording_warning(r, 0) == NULL && bl_recording_warning_key(r, 0) == NULL);
    CHECK_EQ_INT(bl_recording_warning_count(NULL), 0);
    CHECK(bl_recording_warning(NULL, 0) == NULL);
    char why[256];
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp("cnt.wav"), 1, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "overruns", "-1"), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_set_meta(w, "overruns", "3"), BL_OK);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    bl_recording_destroy(r);
}

/* One bad entry of a per-channel list costs that channel only. */
static void test_lists(void)
{
    bl_recording *l = with_comment("backline-meta 1\nmap=L.ST,L.BF,R.ST,R.BF\ngain=1000,2000,abc,4000\n"
                                   "full_scale_v=2.5");
    if (l) {
        CHECK(bl_recording_map(l) && strcmp(bl_recording_map(l), "L.ST,L.BF,R.ST,R.BF") == 0);
        CHECK_NEAR(bl_recording_gain(l, 0), 1000, 0);
        CHECK_NEAR(bl_recording_gain(l, 1), 2000, 0);
        CHECK_NEAR(bl_recording_gain(l, 2), 0, 0);
        CHECK_NEAR(bl_recording_gain(l, 3), 4000, 0);
        CHECK_NEAR(bl_recording_full_scale(l), 2.5, 0);
        CHECK_EQ_INT(bl_recording_warning_count(l), 1);
        CHECK_WARNING(l, "gain", "gain: entry 3 \"abc\" is not a number >= 0; channel 3 has no gain, the other "
                      "gains are kept", "one bad gain");
        printf("one bad gain: %s\n", bl_recording_warning(l, 0));
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\ngain=1000,,2000,nan");
    if (l) {
        CHECK_NEAR(bl_recording_gain(l, 0), 1000, 0);
        CHECK_NEAR(bl_recording_gain(l, 1), 0, 0);
        CHECK_NEAR(bl_recording_gain(l, 2), 2000, 0);
        CHECK_NEAR(bl_recording_gain(l, 3), 0, 0);
        CHECK_WARNING(l, "gain", "entries 2 \"\", 4 \"nan\" are not", "two bad gains");
        CHECK_WARNING(l, "gain", "channels 2,4 have no gain", "two bad gains");
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\ngain=1000,2000");
    if (l) {
        for (size_t c = 0; c < 4; c++)
            CHECK_NEAR(bl_recording_gain(l, c), 0, 0);
        CHECK_WARNING(l, "gain", "2 entries for 4 channels", "short gain list");
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\nmap=L.ST,L.XX,R.ST,AUX");
    if (l) {
        CHECK_MSG(bl_recording_map(l) && strcmp(bl_recording_map(l), "L.ST,EMG,R.ST,AUX") == 0, "map %s",
                  bl_recording_map(l) ? bl_recording_map(l) : "(none)");
        CHECK_WARNING(l, "map", "entry 2 \"L.XX\" is not SIDE.CODE or CODE", "bad map entry");
        CHECK_WARNING(l, "map", "channel 2 kept as unnamed EMG, the other 3 entries kept", "bad map entry");
        printf("bad map entry: %s\n", bl_recording_warning(l, 0));
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\nmap=XX,YY,,Q");
    if (l) {
        CHECK(bl_recording_map(l) == NULL);
        CHECK_WARNING(l, "map", "no entry is SIDE.CODE or CODE", "no good entry");
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\nmap=L.ST,L.BF");
    if (l) {
        CHECK(bl_recording_map(l) == NULL);
        CHECK_WARNING(l, "map", "2 entries (\"L.ST,L.BF\") for 4 channels", "short map");
        CHECK_WARNING(l, "map", "no channel map kept", "short map");
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\nmap=ST,,Q.BF,AUX\ngain=1,2,3,4\nunit=uV,fs,mV,fs");
    if (l) {
        CHECK(bl_recording_map(l) && strcmp(bl_recording_map(l), "ST,EMG,EMG,AUX") == 0);
        CHECK_WARNING(l, "map", "entries 2 \"\", 3 \"Q.BF\" are not", "two bad map entries");
        /* Channel 3's unit is unknown: its gain must not convert it. */
        CHECK_NEAR(bl_recording_gain(l, 0), 1, 0);
        CHECK_NEAR(bl_recording_gain(l, 1), 2, 0);
        CHECK_NEAR(bl_recording_gain(l, 2), 0, 0);
        CHECK_NEAR(bl_recording_gain(l, 3), 4, 0);
        CHECK_WARNING(l, "unit", "entry 3 \"mV\" is neither uV nor fs", "bad unit");
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\ngain=1,2,3,4\nunit=uV,fs");
    if (l) {
        for (size_t c = 0; c < 4; c++)
            CHECK_NEAR(bl_recording_gain(l, c), 0, 0);
        CHECK(strcmp(bl_recording_unit(l), "full scale") == 0);
        CHECK_WARNING(l, "unit", "2 entries for 4 channels; the units are unknown", "short unit list");
    }
    bl_recording_destroy(l);

    l = with_comment("backline-meta 1\ngain=1,2,3,4\nfull_scale_v=-3");
    if (l) {
        for (size_t c = 0; c < 4; c++)
            CHECK_NEAR(bl_recording_gain(l, c), 0, 0);
        CHECK_NEAR(bl_recording_full_scale(l), 1.0, 0);
        CHECK_WARNING(l, "full_scale_v", "\"-3\" is not a positive number of volts", "bad full scale");
    }
    bl_recording_destroy(l);
}

/* Counters, keys, values and lines. */
static void test_keys_and_lines(void)
{
    char big[700];
    memset(big, 'v', 600);
    big[600] = '\0';
    char comment[2000];
    snprintf(comment, sizeof comment,
             "backline-meta 1\noverruns=-5\nring_overflows=abc\nsynth_seed=99999999999999999999\ntruncated=2\n"
             "junk line\nBAD=1\nabcdefghijabcdefghijabcdefghijabc=1\ndevice=a\tb\nsubject=%s\n"
             "start_time=first\nstart_time=second\nnote=\nsoftware=x\nlabel=x\xffy",
             big);
    bl_recording *l = with_comment(comment);
    if (!l)
        return;
    const char *gone[] = {"overruns", "ring_overflows", "synth_seed", "truncated", "device", "subject", "BAD", "label"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        CHECK_MSG(bl_recording_meta(l, gone[i]) == NULL, "%s kept as %s", gone[i], bl_recording_meta(l, gone[i]));
    CHECK_WARNING(l, "overruns", "overruns: \"-5\" is not a count (a whole number >= 0); no value kept (invalid)",
                  "overruns=-5");
    CHECK_WARNING(l, "ring_overflows", "\"abc\" is not a count", "ring_overflows=abc");
    CHECK_WARNING(l, "synth_seed", "is too large for a count", "synth_seed");
    CHECK_WARNING(l, "truncated", "\"2\" is not 0 or 1", "truncated=2");
    CHECK_WARNING(l, "", "comment line 6 \"junk line\" is not key=value", "junk");
    CHECK_WARNING(l, "", "\"BAD\" is not a key", "BAD");
    CHECK_WARNING(l, "", "\"abcdefghijabcdefghijabcdefghijabc\" is not a key", "long key");
    CHECK_WARNING(l, "device", "holds control characters", "tab");
    CHECK_WARNING(l, "subject", "is longer than 512 bytes", "600 bytes");
    CHECK_WARNING(l, "start_time", "given twice in the comment; the later value is used", "twice");
    CHECK(bl_recording_meta(l, "start_time") && strcmp(bl_recording_meta(l, "start_time"), "second") == 0);
    CHECK(bl_recording_meta(l, "note") && bl_recording_meta(l, "note")[0] == '\0'); /* empty is a value */
    CHECK(bl_recording_meta(l, "software") && strcmp(bl_recording_meta(l, "software"), "x") == 0);
    CHECK_WARNING(l, "label", "label: the value is not UTF-8 text; ignored", "not UTF-8");
    CHECK_EQ_INT(bl_recording_warning_count(l), 11);
    dump_warnings(l, "keys and lines");
    bl_recording_destroy(l);

    /* Another program's comment: nothing, silently; a later version of
     * ours: nothing, with a warning. */
    l = with_comment("recorded with Audacity");
    CHECK(l && bl_recording_warning_count(l) == 0 && bl_recording_meta_count(l) == 0);
    bl_recording_destroy(l);
    l = with_comment("backline-meta 2\nmap=ST,BF,ST,BF");
    if (l) {
        CHECK(bl_recording_map(l) == NULL);
        CHECK_WARNING(l, "", "comment: \"backline-meta 2\" is not a metadata version this backline reads", "v2");
    }
    bl_recording_destroy(l);
    l = with_comment("backline-meta 1\r\nmap=ST,AUX,BF,AUX\r\ngain=1000,0,1000,0\r\n\r\ndevice=x\r");
    if (l) {
        CHECK(bl_recording_map(l) && strcmp(bl_recording_map(l), "ST,AUX,BF,AUX") == 0);
        CHECK(bl_recording_meta(l, "device") && strcmp(bl_recording_meta(l, "device"), "x") == 0);
        CHECK_EQ_INT(bl_recording_warning_count(l), 0);
    }
    bl_recording_destroy(l);

    /* Many bad lines: 32 warnings and one that counts the rest. */
    char many[2000] = "backline-meta 1";
    for (int i = 0; i < 100; i++)
        strcat(many, "\nx");
    l = with_comment(many);
    if (l) {
        CHECK_EQ_INT(bl_recording_warning_count(l), 33);
        CHECK_WARNING(l, "", "metadata: 68 more problems not listed", "many");
    }
    bl_recording_destroy(l);
}

/* xorshift64 */
static unsigned long long rnd(unsigned long long *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* What a load kept is what the API would accept, and every warning is one
 * printable line about a usable key (or none). */
static void check_consistent(const bl_recording *l, const char *what, int it)
{
    size_t n = bl_recording_channels(l);
    bl_recording *probe = test_make_rec(n, 1, 1000);
    const char *map = bl_recording_map(l);
    CHECK_MSG(map == NULL || bl_recording_set_map(probe, map, NULL, 0) == BL_OK, "%s #%d: map %s", what, it, map);
    for (size_t c = 0; c < n; c++) {
        double g = bl_recording_gain(l, c);
        CHECK_MSG(isfinite(g) && g >= 0, "%s #%d: gain %zu = %g", what, it, c, g);
    }
    CHECK_MSG(bl_recording_full_scale(l) > 0, "%s #%d: full scale", what, it);
    for (size_t i = 0; i < bl_recording_meta_count(l); i++) {
        const char *k = bl_recording_meta_key(l, i);
        const char *v = bl_recording_meta(l, k);
        CHECK_MSG(bl_recording_set_meta(probe, k, v) == BL_OK, "%s #%d: kept %s=%s, which the API refuses", what, it,
                  k, v);
    }
    size_t nw = bl_recording_warning_count(l);
    CHECK_MSG(nw <= 33, "%s #%d: %zu warnings", what, it, nw);
    for (size_t i = 0; i < nw; i++) {
        const char *w = bl_recording_warning(l, i), *k = bl_recording_warning_key(l, i);
        int printable = w && w[0];
        for (const char *p = w; p && *p; p++)
            printable &= *p >= 0x20 && *p < 0x7f;
        CHECK_MSG(printable && k, "%s #%d: warning %zu is not one printable line", what, it, i);
    }
    bl_recording_destroy(probe);
}

/* Deterministic fuzz of the text, in the comment of a WAV and a FLAC and
 * in the chunk of a WAV: every file loads (metadata is never fatal) into a
 * consistent recording. Run under ASan in the sanitizer build. */
static void test_fuzz_text(void)
{
    const char *seed = "backline-meta 1\nmap=L.ST,L.BF,R.GMAX,AUX\ngain=1000,1250.5,0,500\nfull_scale_v=1.228\n"
                       "unit=uV,fs,fs,fs\ndevice=Focusrite (hw:1,0)\noverruns=0\nring_overflows=12\n"
                       "truncated=1\nstart_time=2026-11-21T09:30:00Z\nmeta_chunk=12";
    const char alphabet[] = "=,\n\r.-+0123456789aeLRSTBFuVfsnix_ \t\x01\x7f\xc3\xa9\xff";
    unsigned long long x = 0x9E3779B97F4A7C15ull;
    size_t seed_len = strlen(seed);
    char text[600];
    int warned = 0;
    for (int it = 0; it < 600; it++) {
        memcpy(text, seed, seed_len + 1);
        size_t len = seed_len;
        int edits = 1 + (int)(rnd(&x) % 10);
        for (int k = 0; k < edits; k++) {
            size_t pos = (size_t)(rnd(&x) % len);
            int op = (int)(rnd(&x) % 3);
            char ch = alphabet[rnd(&x) % (sizeof alphabet - 1)];
            if (op == 0) {
                text[pos] = ch;
            } else if (op == 1 && len + 1 < sizeof text) {
                memmove(text + pos + 1, text + pos, len - pos + 1);
                text[pos] = ch;
                len++;
            } else if (len > 2) {
                memmove(text + pos, text + pos + 1, len - pos);
                len--;
            }
        }
        len = strlen(text); /* a NUL may have been written */
        if (it % 3 == 1) /* libFLAC misreads comments that are not UTF-8: keep FLAC's ASCII */
            for (size_t i = 0; i < len; i++)
                text[i] = (unsigned char)text[i] >= 0x80 ? 'e' : text[i];
        const char *file = it % 3 == 0 ? "fz.wav" : it % 3 == 1 ? "fz.flac" : "fzc.wav";
        if (it % 3 == 2)
            test_write_raw_meta(test_tmp(file), 4, "backline-meta 1\nmeta_chunk=999", text, len);
        else
            test_write_raw_meta(test_tmp(file), 4, len ? text : NULL, NULL, 0);
        bl_recording *l = load(test_tmp(file));
        if (!l)
            continue;
        warned += bl_recording_warning_count(l) > 0;
        check_consistent(l, file, it);
        bl_recording_destroy(l);
    }
    printf("fuzz: 600 mutated texts loaded, %d with warnings\n", warned);
    CHECK_MSG(warned > 100 && warned < 600, "fuzz coverage: %d of 600 texts warned", warned);
}

int main(void)
{
    test_tmpdir_make("bl_test_recording_meta");
    test_counters_api();
    test_lists();
    test_keys_and_lines();
    test_fuzz_text();
    test_tmpdir_done();
    return test_finish("test_recording_meta");
}
