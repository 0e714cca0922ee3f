/* Fuzz target: loading audio files. Any bytes either load into a
 * consistent recording or fail with a documented code and a message;
 * nothing crashes, leaks or reads out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/recording.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512];
    bl_status st;
    bl_recording *rec = fuzz_load(data, size, &st, why, sizeof why);
    if (!rec) return 0;
    size_t ch = bl_recording_channels(rec), frames = bl_recording_frames(rec);
    if (ch == 0 || frames == 0 || !(bl_recording_rate(rec) > 0)) abort();
    volatile float sink = 0;
    for (size_t c = 0; c < ch; c++) sink += bl_recording_cdata(rec, c)[frames - 1];
    (void)sink;
    bl_recording_check_finite(rec, NULL, NULL);
    (void)bl_recording_map(rec);
    for (size_t i = 0; i < bl_recording_warning_count(rec); i++)
        if (!bl_recording_warning(rec, i)[0] || !bl_recording_warning_key(rec, i)) abort();
    bl_recording_destroy(rec);
    return 0;
}
