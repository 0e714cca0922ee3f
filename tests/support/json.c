#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

cJSON *test_json_load(const char *path)
{
    char *text = test_slurp(path);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    free(text);
    return j;
}

double test_json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

double test_json_num_at(const cJSON *o, const char *key, size_t i)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    const cJSON *v = cJSON_GetArrayItem(a, (int)i);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int test_json_str_is(const cJSON *a, const char *b) { return cJSON_IsString(a) && !strcmp(a->valuestring, b); }
