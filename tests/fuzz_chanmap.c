/* Fuzz target: channel-map parsing. Whatever the text, parse either fails
 * with BL_EMAP and a terminated message, or succeeds and its canonical
 * form parses back to the same map. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char why[256];
    bl_chanmap *map = NULL;
    bl_status st = bl_chanmap_parse(text, &map, why, sizeof why);
    if (st == BL_OK) {
        char canon[8192];
        if (bl_chanmap_format(map, canon, sizeof canon) == BL_OK) {
            bl_chanmap *again = NULL;
            if (bl_chanmap_parse(canon, &again, why, sizeof why) != BL_OK) abort();
            if (bl_chanmap_count(again) != bl_chanmap_count(map)) abort();
            for (size_t i = 0; i < bl_chanmap_count(map); i++)
                if (bl_chanmap_muscle(again, i) != bl_chanmap_muscle(map, i) ||
                    bl_chanmap_side(again, i) != bl_chanmap_side(map, i))
                    abort();
            bl_chanmap_destroy(again);
        }
    } else if (map != NULL || strlen(why) >= sizeof why) {
        abort();
    }
    bl_chanmap_destroy(map);
    free(text);
    return 0;
}
