#include "fuzz_input.h"

#include <stdlib.h>
#include <unistd.h>

bl_recording *fuzz_load(const uint8_t *data, size_t size, bl_status *st, char *why, size_t why_len)
{
    char path[] = "/tmp/bl_fuzz_XXXXXX.wav";
    int fd = mkstemps(path, 4);
    *st = BL_EIO;
    if (fd < 0) return NULL;
    ssize_t put = write(fd, data, size);
    close(fd);
    if (put != (ssize_t)size) {
        unlink(path);
        return NULL;
    }
    why[0] = '\0';
    bl_recording *rec = NULL;
    *st = bl_recording_load(path, &rec, why, why_len);
    unlink(path);
    if (*st != BL_OK && (rec != NULL || why[0] == '\0')) abort();
    return *st == BL_OK ? rec : NULL;
}
