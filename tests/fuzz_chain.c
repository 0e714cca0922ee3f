/* Fuzz target: the --chain override ("ST=internal,BF=external,GMED=none",
 * bl_hinge_chain_parse). What the parser concluded is checked against the
 * text read independently here: on success every entry is CODE=CHAIN with
 * a known code given once and the table holds exactly those chains, the
 * rest unchanged; on failure the table is unchanged and a message says
 * why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/hinge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int chain_of(const char *s, bl_chain *out)
{
    if (!strcmp(s, "internal")) *out = BL_CHAIN_INTERNAL;
    else if (!strcmp(s, "external")) *out = BL_CHAIN_EXTERNAL;
    else if (!strcmp(s, "none")) *out = BL_CHAIN_NONE;
    else return -1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    bl_hinge_config cfg;
    bl_hinge_config_default(&cfg);
    bl_chain table[BL_MUSCLE_MAX], before[BL_MUSCLE_MAX];
    /* A table that is not the default, so "unchanged" is tested. */
    for (int m = 0; m < BL_MUSCLE_MAX; m++) table[m] = before[m] = (bl_chain)((cfg.chain[m] + 1) % 3);
    char why[256] = "";
    bl_status st = bl_hinge_chain_parse(text, table, why, sizeof why);
    if (st != BL_OK) {
        if (st != BL_EINVAL || !why[0] || memchr(why, '\0', sizeof why) == NULL) abort();
        if (memcmp(table, before, sizeof table) != 0) abort();
        free(text);
        return 0;
    }
    /* Success: read the text again, entry by entry. */
    unsigned char seen[BL_MUSCLE_MAX] = {0};
    char *save = NULL;
    for (char *item = strtok_r(text, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) abort();
        *eq = '\0';
        bl_muscle m = bl_muscle_from_code(item);
        bl_chain want;
        if (m >= BL_MUSCLE_COUNT || m == BL_MUSCLE_AUX || chain_of(eq + 1, &want) != 0) abort();
        if (seen[m]++ || table[m] != want) abort();
    }
    for (int m = 0; m < BL_MUSCLE_MAX; m++)
        if (!seen[m] && table[m] != before[m]) abort();
    free(text);
    return 0;
}
