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
    fprintf(stderr, "SKIPPED: %s\n", why);
    exit(77);
}

static const char *env_dir(const char *var)
{
    const char *v = getenv(var);
    if (!v || !*v) {
        char msg[128];
        snprintf(msg, sizeof msg, "environment variable %s is not set (run through ctest)", var);
        test_skip(msg);
    }
    return v;
}

const char *test_fixtures(void) { return env_dir("BL_FIXTURES"); }
const char *test_tools(void) { return env_dir("BL_TOOLS"); }

const char *test_real_data(void)
{
    const char *d = env_dir("BL_REAL_DATA");
    struct stat st;
    if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char msg[1024];
        snprintf(msg, sizeof msg, "real recordings folder %s is absent", d);
        test_skip(msg);
    }
    return d;
}

char *test_path(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

void test_require_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, "required file %s is missing", path);
        test_skip(msg);
    }
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
    test_path(path, sizeof path, test_fixtures(), name);
    test_require_file(path);
    char *text = test_slurp(path);
    CHECK_MSG(text != NULL, "cannot read %s", path);
    if (!text) return NULL;
    cJSON *j = cJSON_Parse(text);
    free(text);
    CHECK_MSG(j != NULL, "%s does not parse as JSON", path);
    return j;
}
