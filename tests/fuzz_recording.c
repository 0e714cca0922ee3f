/* Fuzz target: loading audio files. Any bytes either load into a
 * consistent recording or fail with a documented code and a message;
 * nothing crashes, leaks or reads out of bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backline/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/bl_fuzz_XXXXXX.wav";
    int fd = mkstemps(path, 4);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    char why[512] = "";
    bl_recording *rec = NULL;
    bl_status st = bl_recording_load(path, &rec, why, sizeof why);
    unlink(path);
    if (st == BL_OK) {
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
    } else if (rec != NULL || why[0] == '\0') {
        abort();
    }
    return 0;
}
