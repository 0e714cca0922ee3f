/* Channel maps: parse/format round trip, every code, strict errors that name
 * the entry and list valid codes, validation, contract tests. */
#include "check.h"

#include <string.h>

#include "backline/chanmap.h"

static void test_every_code(void)
{
    static const char *codes[] = {"ST", "SM", "BF", "GMAX", "GMED", "VM", "VL", "RF", "ES", "EO",
                                  "IO", "MG", "LG", "TFL", "TA", "PL", "SOL", "EMG", "AUX"};
    static const bl_chain chains[] = {
        BL_CHAIN_INTERNAL, BL_CHAIN_INTERNAL, BL_CHAIN_EXTERNAL, BL_CHAIN_INTERNAL,
        BL_CHAIN_EXTERNAL, BL_CHAIN_INTERNAL, BL_CHAIN_EXTERNAL, BL_CHAIN_NONE,
        BL_CHAIN_EXTERNAL, BL_CHAIN_INTERNAL, BL_CHAIN_EXTERNAL, BL_CHAIN_INTERNAL,
        BL_CHAIN_EXTERNAL, BL_CHAIN_EXTERNAL, BL_CHAIN_NONE, BL_CHAIN_NONE,
        BL_CHAIN_NONE, BL_CHAIN_NONE, BL_CHAIN_NONE};
    static const bl_group groups[] = {
        BL_GROUP_MEDIAL_HAMSTRING, BL_GROUP_MEDIAL_HAMSTRING, BL_GROUP_LATERAL_HAMSTRING,
        BL_GROUP_GLUTE, BL_GROUP_GLUTE, BL_GROUP_QUAD, BL_GROUP_QUAD, BL_GROUP_QUAD,
        BL_GROUP_TRUNK, BL_GROUP_TRUNK, BL_GROUP_TRUNK, BL_GROUP_CALF, BL_GROUP_CALF,
        BL_GROUP_OTHER, BL_GROUP_OTHER, BL_GROUP_OTHER, BL_GROUP_OTHER, BL_GROUP_OTHER,
        BL_GROUP_NOT_EMG};
    CHECK_EQ_INT(sizeof codes / sizeof codes[0], BL_MUSCLE_COUNT);
    for (int i = 0; i < BL_MUSCLE_COUNT; i++) {
        CHECK_MSG(strcmp(bl_muscle_code((bl_muscle)i), codes[i]) == 0, "code %d", i);
        CHECK_EQ_INT(bl_muscle_from_code(codes[i]), i);
        CHECK_MSG(bl_muscle_default_chain((bl_muscle)i) == chains[i], "chain of %s", codes[i]);
        CHECK_MSG(bl_muscle_group((bl_muscle)i) == groups[i], "group of %s", codes[i]);
        CHECK(bl_muscle_name((bl_muscle)i) != NULL);
        CHECK_MSG(strstr(bl_muscle_codes_list(), codes[i]) != NULL, "%s missing from list", codes[i]);
        /* Every code parses alone and with each side. */
        const char *sides[] = {"", "L.", "R."};
        for (int s = 0; s < 3; s++) {
            char text[16], back[16];
            snprintf(text, sizeof text, "%s%s", sides[s], codes[i]);
            bl_chanmap *m = NULL;
            CHECK_EQ_INT(bl_chanmap_parse(text, &m, NULL, 0), BL_OK);
            if (!m)
                continue;
            CHECK_EQ_INT(bl_chanmap_count(m), 1);
            CHECK_EQ_INT(bl_chanmap_muscle(m, 0), i);
            CHECK_EQ_INT(bl_chanmap_side(m, 0), s);
            CHECK_EQ_INT(bl_chanmap_get_entry_name(m, 0, back, sizeof back), BL_OK);
            CHECK_MSG(strcmp(back, text) == 0, "entry name %s vs %s", back, text);
            bl_chanmap_destroy(m);
        }
    }
    CHECK(bl_muscle_code(BL_MUSCLE_COUNT) == NULL);
    CHECK(bl_muscle_name((bl_muscle)-1) == NULL);
    CHECK_EQ_INT(bl_muscle_from_code("st"), BL_MUSCLE_COUNT); /* case-sensitive */
    CHECK_EQ_INT(bl_muscle_from_code(NULL), BL_MUSCLE_COUNT);
    CHECK(strcmp(bl_chain_name(BL_CHAIN_INTERNAL), "internal") == 0);
    CHECK(strcmp(bl_chain_name(BL_CHAIN_EXTERNAL), "external") == 0);
    CHECK(strcmp(bl_chain_name(BL_CHAIN_NONE), "none") == 0);
}

static void test_round_trip(void)
{
    const char *text = " L.ST, L.BF ,L.GMAX,\tL.ES,L.EO,R.VL,AUX,R.ST,R.ST \r\n";
    const char *canon = "L.ST,L.BF,L.GMAX,L.ES,L.EO,R.VL,AUX,R.ST,R.ST";
    bl_chanmap *m = NULL;
    char why[256] = "x";
    CHECK_EQ_INT(bl_chanmap_parse(text, &m, why, sizeof why), BL_OK);
    CHECK_MSG(why[0] == '\0', "why not cleared: %s", why);
    if (!m)
        return;
    CHECK_EQ_INT(bl_chanmap_count(m), 9);
    char buf[256];
    CHECK_EQ_INT(bl_chanmap_format(m, buf, sizeof buf), BL_OK);
    CHECK_MSG(strcmp(buf, canon) == 0, "format gave %s", buf);
    /* Formatting what we format is a fixed point. */
    bl_chanmap *m2 = NULL;
    CHECK_EQ_INT(bl_chanmap_parse(buf, &m2, NULL, 0), BL_OK);
    char buf2[256];
    CHECK_EQ_INT(bl_chanmap_format(m2, buf2, sizeof buf2), BL_OK);
    CHECK(strcmp(buf, buf2) == 0);
    bl_chanmap_destroy(m2);

    /* Too small: BL_ERANGE with a terminated prefix. */
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK_EQ_INT(bl_chanmap_format(m, small, sizeof small), BL_ERANGE);
    CHECK(memchr(small, '\0', sizeof small) != NULL);
    char tiny[3];
    CHECK_EQ_INT(bl_chanmap_get_entry_name(m, 0, tiny, sizeof tiny), BL_ERANGE);
    CHECK_EQ_INT(bl_chanmap_get_entry_name(m, 0, buf, 5), BL_OK); /* "L.ST" + NUL */

    /* Duplicates are allowed; find walks them. */
    CHECK_EQ_INT(bl_chanmap_find(m, BL_MUSCLE_ST, 0), 0);
    CHECK_EQ_INT(bl_chanmap_find(m, BL_MUSCLE_ST, 1), 7);
    CHECK_EQ_INT(bl_chanmap_find(m, BL_MUSCLE_ST, 8), 8);
    CHECK(bl_chanmap_find(m, BL_MUSCLE_ST, 9) == (size_t)-1);
    CHECK(bl_chanmap_find(m, BL_MUSCLE_SM, 0) == (size_t)-1);
    CHECK_EQ_INT(bl_chanmap_find(m, BL_MUSCLE_AUX, 0), 6);

    /* Out-of-range lookups. */
    CHECK_EQ_INT(bl_chanmap_side(m, 9), BL_SIDE_NONE);
    CHECK_EQ_INT(bl_chanmap_muscle(m, 9), BL_MUSCLE_COUNT);
    CHECK_EQ_INT(bl_chanmap_get_entry_name(m, 9, buf, sizeof buf), BL_EINVAL);

    /* Validate. */
    CHECK_EQ_INT(bl_chanmap_validate(m, 9, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_chanmap_validate(m, 8, why, sizeof why), BL_EMAP);
    CHECK_MSG(strstr(why, "9") && strstr(why, "8"), "validate message lacks counts: %s", why);
    bl_chanmap_destroy(m);
}

static void expect_error(const char *text, const char *must1, const char *must2)
{
    bl_chanmap *m = (bl_chanmap *)&m; /* must be reset to NULL */
    char why[512] = "";
    bl_status st = bl_chanmap_parse(text, &m, why, sizeof why);
    CHECK_MSG(st == BL_EMAP, "\"%s\" gave %d", text, st);
    CHECK_MSG(m == NULL, "\"%s\": out not NULL on failure", text);
    CHECK_MSG(why[0] != '\0', "\"%s\": empty why", text);
    CHECK_MSG(strchr(why, '\n') == NULL, "\"%s\": why is not one line", text);
    if (must1)
        CHECK_MSG(strstr(why, must1) != NULL, "\"%s\": why \"%s\" lacks \"%s\"", text, why, must1);
    if (must2)
        CHECK_MSG(strstr(why, must2) != NULL, "\"%s\": why \"%s\" lacks \"%s\"", text, why, must2);
    bl_chanmap_destroy(m);
}

static void test_errors(void)
{
    char why[512];
    bl_chanmap *m = NULL;
    CHECK_EQ_INT(bl_chanmap_parse("L.ST,L.BF,L.XX", &m, why, sizeof why), BL_EMAP);
    CHECK_MSG(strcmp(why, "channel map entry 3 \"L.XX\": unknown muscle code \"XX\" (valid: ST, SM, "
                          "BF, GMAX, GMED, VM, VL, RF, ES, EO, IO, MG, LG, TFL, TA, PL, SOL, EMG, "
                          "AUX)") == 0,
              "message: %s", why);
    expect_error("L.st", "entry 1", "valid: ST, SM");
    expect_error("ST,,BF", "entry 2", "empty");
    expect_error("ST, ,BF", "entry 2", "empty");
    expect_error("ST,BF,", "entry 3", "empty");
    expect_error("", "entry 1", "empty");
    expect_error("X.ST", "entry 1", "side");
    expect_error("l.ST", "entry 1", "side");
    expect_error("LEFT.ST", "entry 1", "side");
    expect_error(".ST", "entry 1", "side");
    expect_error("L.", "entry 1", "valid: ST");
    expect_error("L.ST.X", "entry 1", "valid: ST");
    expect_error("L ST", "entry 1", "valid: ST");
    expect_error("GMAX,gmax", "entry 2", "gmax");
    expect_error("ST,B\nF", "entry 2", "\"B?F\""); /* control characters never reach `why` */
    expect_error("X\t.ST", "entry 1", "side");
    /* A very long entry is reported, cut, without overflowing. */
    char longtext[400];
    memset(longtext, 'Q', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    expect_error(longtext, "entry 1", "valid: ST");
    longtext[0] = 'L';
    longtext[1] = '.';
    expect_error(longtext, "entry 1", "valid: ST");

    /* Entry limit: 256 ok, 257 rejected. */
    char big[257 * 4 + 1];
    size_t used = 0;
    for (int i = 0; i < 256; i++)
        used += (size_t)snprintf(big + used, sizeof big - used, "%sST", i ? "," : "");
    CHECK_EQ_INT(bl_chanmap_parse(big, &m, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_chanmap_count(m), 256);
    bl_chanmap_destroy(m);
    snprintf(big + used, sizeof big - used, ",ST");
    expect_error(big, "257", "256");
}

static void test_contract(void)
{
    bl_chanmap *m = NULL;
    char why[64];
    CHECK_EQ_INT(bl_chanmap_parse(NULL, &m, why, sizeof why), BL_EINVAL);
    CHECK(m == NULL);
    CHECK_EQ_INT(bl_chanmap_parse("ST", NULL, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_chanmap_parse("ST", &m, NULL, 0), BL_OK); /* why optional */
    /* A tiny why buffer is truncated, not overrun. */
    char one[1] = {'z'};
    bl_chanmap *bad = NULL;
    CHECK_EQ_INT(bl_chanmap_parse("XX", &bad, one, sizeof one), BL_EMAP);
    CHECK(one[0] == '\0');
    char buf[16];
    CHECK_EQ_INT(bl_chanmap_format(NULL, buf, sizeof buf), BL_EINVAL);
    CHECK_EQ_INT(bl_chanmap_format(m, NULL, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_chanmap_format(m, buf, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_chanmap_get_entry_name(NULL, 0, buf, sizeof buf), BL_EINVAL);
    CHECK_EQ_INT(bl_chanmap_validate(NULL, 1, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_chanmap_count(NULL), 0);
    CHECK_EQ_INT(bl_chanmap_side(NULL, 0), BL_SIDE_NONE);
    CHECK_EQ_INT(bl_chanmap_muscle(NULL, 0), BL_MUSCLE_COUNT);
    CHECK(bl_chanmap_find(NULL, BL_MUSCLE_ST, 0) == (size_t)-1);
    bl_chanmap_destroy(NULL);
    bl_chanmap_destroy(m);
}

/* Deterministic fuzz: random strings over the map alphabet never crash;
 * each either parses (and then formats to a fixed point) or fails with
 * BL_EMAP and a one-line reason. Run under ASan in the sanitizer build. */
static void test_fuzz(void)
{
    /* Tokens, mostly valid, with a little noise, so both paths are hit. */
    static const char *tokens[] = {"L.", "R.", "", "ST", "SM", "BF", "GMAX", "GMED", "VM", "VL",
                                   "RF", "ES", "EO", "IO", "MG", "LG", "TFL", "TA", "PL", "SOL",
                                   "EMG", "AUX", ",", ",", " ", "\t", "\n", ".", "X", "l.", "GM",
                                   "=", "\""};
    const size_t ntok = sizeof tokens / sizeof tokens[0];
    unsigned long long x = 0x9E3779B97F4A7C15ull;
    int ok = 0, bad = 0;
    for (int it = 0; it < 20000; it++) {
        char text[256] = "";
        size_t len = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int entries = 1 + (int)(x % 6);
        for (int e = 0; e < entries; e++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* side, code, separator; one in four slots picks any token */
            const char *parts[3] = {tokens[x % 3], tokens[3 + (x >> 8) % 19], e + 1 < entries ? "," : ""};
            for (int p = 0; p < 3; p++) {
                const char *t = ((x >> (16 + 4 * p)) & 3) == 0 ? tokens[(x >> (32 + 6 * p)) % ntok]
                                                                : parts[p];
                len += (size_t)snprintf(text + len, sizeof text - len, "%s", t);
            }
        }
        bl_chanmap *m = NULL;
        char why[300] = "";
        bl_status st = bl_chanmap_parse(text, &m, why, sizeof why);
        if (st == BL_OK) {
            ok++;
            char a[512], b2[512];
            bl_chanmap *m2 = NULL;
            CHECK_EQ_INT(bl_chanmap_format(m, a, sizeof a), BL_OK);
            CHECK_EQ_INT(bl_chanmap_parse(a, &m2, NULL, 0), BL_OK);
            CHECK_EQ_INT(bl_chanmap_format(m2, b2, sizeof b2), BL_OK);
            CHECK_MSG(strcmp(a, b2) == 0, "\"%s\": %s vs %s", text, a, b2);
            CHECK_EQ_INT(bl_chanmap_count(m), bl_chanmap_count(m2));
            bl_chanmap_destroy(m2);
        } else {
            bad++;
            CHECK_MSG(st == BL_EMAP && m == NULL && why[0] && !strchr(why, '\n'),
                      "\"%s\": status %d why \"%s\"", text, st, why);
        }
        bl_chanmap_destroy(m);
    }
    printf("fuzz: %d maps parsed, %d rejected\n", ok, bad);
    CHECK_MSG(ok > 1000 && bad > 1000, "fuzz coverage: %d parsed, %d rejected", ok, bad);
}

int main(void)
{
    test_fuzz();
    test_every_code();
    test_round_trip();
    test_errors();
    test_contract();
    return test_finish("test_chanmap");
}
