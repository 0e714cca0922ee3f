/* Reading JSON (fixtures, truth files, reports) in the tests, with cJSON. */
#ifndef TEST_JSON_H
#define TEST_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The file parsed (caller frees with cJSON_Delete); NULL when it is missing
 * or does not parse. */
cJSON *test_json_load(const char *path);
/* o[key] when it is a number, else NAN. */
double test_json_num(const cJSON *o, const char *key);
/* o[key][i] when it is a number, else NAN. */
double test_json_num_at(const cJSON *o, const char *key, size_t i);
/* 1 when a is the string b. */
int test_json_str_is(const cJSON *a, const char *b);

#endif
