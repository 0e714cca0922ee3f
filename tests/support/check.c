#include "check.h"

#include <string.h>

#include <cjson/cJSON.h>
#include <sys/stat.h>

int test_failures = 0;

int test_finish(const char *name)
{
    if (test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, test_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

void test_skip(const char *why)
{
    /* A skip never hides checks that already failed. */
    if (test_failures) {
        fprintf(stderr, "FAILED: %d check(s) failed before the skip (%s)\n", test_failures, why);
        exit(1);
    }
    fprintf(stderr, "SKIPPED: %s\n", why);
    exit(77);
}

void test_fail(const char *why)
{
    fprintf(stderr, "FAILED: %s\n", why);
    exit(1);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *env_value(const char *var)
{
    const char *v = getenv(var);
    return v && *v ? v : NULL;
}

const char *test_fixtures(void)
{
    const char *d = env_value("BL_FIXTURES");
#ifdef TEST_SOURCE_FIXTURES
    if (!d) d = TEST_SOURCE_FIXTURES;
#endif
    if (!d) test_fail("BL_FIXTURES is not set (run through ctest)");
    if (!is_dir(d)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "the committed fixtures folder %s is missing", d);
        test_fail(msg);
    }
    return d;
}

const char *test_tools(void)
{
    const char *d = env_value("BL_TOOLS");
    if (!d) test_skip("environment variable BL_TOOLS is not set (run through ctest)");
    return d;
}

/* BL_REAL_DATA from the environment of the run wins over the default ctest
 * passes in BL_REAL_DATA_DEFAULT. */
const char *test_real_data(void)
{
    const char *d = env_value("BL_REAL_DATA");
    const char *from = "BL_REAL_DATA";
    if (!d) {
        d = env_value("BL_REAL_DATA_DEFAULT");
        from = "BL_REAL_DATA_DEFAULT, the default beside the checkout";
    }
    if (!d) test_skip("no real-data folder: neither BL_REAL_DATA nor BL_REAL_DATA_DEFAULT is set "
                      "(run through ctest, or export BL_REAL_DATA=/path/to/real)");
    if (!is_dir(d)) {
        char msg[1400];
        snprintf(msg, sizeof msg, "the optional real-data folder %s (from %s) is absent; "
                 "export BL_REAL_DATA=/path/to/real to point elsewhere", d, from);
        test_skip(msg);
    }
    return d;
}

char *test_path(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

/* Why a committed fixture is missing, for the failure message. */
static void missing_fixture_msg(char *msg, size_t len, const char *path)
{
    snprintf(msg, len, "committed fixture %s is missing (fixtures/ is part of the checkout: "
             "restore it with git checkout, or regenerate it with the script beside it)", path);
}

void test_require_fixture(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        char msg[1400];
        missing_fixture_msg(msg, sizeof msg, path);
        test_fail(msg);
    }
}

char *test_fixture(char *buf, size_t len, const char *name)
{
    test_path(buf, len, test_fixtures(), name);
    test_require_fixture(buf);
    return buf;
}

char *test_real_file(char *buf, size_t len, const char *name)
{
    test_path(buf, len, test_real_data(), name);
    struct stat st;
    if (stat(buf, &st) != 0) {
        char msg[1400];
        snprintf(msg, sizeof msg, "real recording %s is absent from the optional real-data folder; "
                 "export BL_REAL_DATA=/path/to/real to point elsewhere", buf);
        test_skip(msg);
    }
    return buf;
}

char *test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

void *test_json_fixture(const char *name)
{
    char path[1024];
    struct stat st;
    test_path(path, sizeof path, test_fixtures(), name);
    if (stat(path, &st) != 0) {
        /* Counted, not fatal: the test's other checks still run. */
        char msg[1400];
        missing_fixture_msg(msg, sizeof msg, path);
        test_failures++;
        fprintf(stderr, "FAILED: %s\n", msg);
        return NULL;
    }
    char *text = test_slurp(path);
    CHECK_MSG(text != NULL, "cannot read %s", path);
    if (!text) return NULL;
    cJSON *j = cJSON_Parse(text);
    free(text);
    CHECK_MSG(j != NULL, "%s does not parse as JSON", path);
    return j;
}
