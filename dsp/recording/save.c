/* Saving a whole recording: format chosen by the path's extension, the
 * description stored in the file's comment (or our chunk, meta_io.c),
 * samples interleaved in chunks. */
#include <stdlib.h>

#include "internal.h"
#include "recording_internal.h"
#include "sndfile_io.h"

bl_status bl_recording_save(const bl_recording *rec, const char *path, bl_sample_format format,
                            char *why, size_t why_len)
{
    if (!rec || !path) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    bli_clear_why(why, why_len);
    int sf_format = 0;
    bl_status st = bli_sf_choose_format(path, format, &sf_format, why, why_len);
    if (st != BL_OK)
        return st;
    if (!bli_integral_rate(rec->rate_hz)) {
        bli_set_why(why, why_len, "%s: sample rate %g Hz is not a whole number (audio files store "
                "integer rates)", path, rec->rate_hz);
        return BL_EINVAL;
    }
    if (format != BL_FORMAT_FLOAT32 && bli_recording_any_in_uv(rec)) {
        bli_set_why(why, why_len, "%s: samples are in uV; integer formats hold full-scale samples "
                "only and would clip them: save as float32", path);
        return BL_EINVAL;
    }
    if (rec->frames == 0) {
        bli_set_why(why, why_len, "%s: no frames to save (the file would not load)", path);
        return BL_EINVAL;
    }
    struct bli_meta_plan plan;
    st = bli_meta_plan_make(rec, path, sf_format & SF_FORMAT_TYPEMASK, BLI_META_COMMENT_MAX, &plan, why, why_len);
    if (st != BL_OK)
        return st;
    SNDFILE *sf = NULL;
    st = bli_sf_open_write(path, sf_format, rec->channels, rec->rate_hz, &sf, why, why_len);
    if (st != BL_OK) {
        bli_meta_plan_free(&plan);
        return st;
    }
    st = bli_meta_plan_store(sf, &plan, path, why, why_len);
    float *buf = st == BL_OK ? malloc((size_t)BLI_IO_CHUNK_FRAMES * rec->channels * sizeof *buf)
                             : NULL;
    if (st == BL_OK && !buf) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
    }
    for (size_t pos = 0; st == BL_OK && pos < rec->frames; pos += BLI_IO_CHUNK_FRAMES) {
        size_t n = rec->frames - pos < BLI_IO_CHUNK_FRAMES ? rec->frames - pos : BLI_IO_CHUNK_FRAMES;
        for (size_t c = 0; c < rec->channels; c++) {
            const float *src = rec->ch[c] + pos;
            for (size_t i = 0; i < n; i++)
                buf[i * rec->channels + c] = src[i];
        }
        sf_count_t w = sf_writef_float(sf, buf, (sf_count_t)n);
        if (w != (sf_count_t)n) {
            bli_set_why(why, why_len, "%s: write failed after %zu frames: %s", path,
                    pos + (size_t)(w > 0 ? w : 0), sf_strerror(sf));
            st = BL_EIO;
        }
    }
    free(buf);
    int err = sf_close(sf);
    bli_meta_plan_free(&plan);
    if (st == BL_OK && err) {
        bli_set_why(why, why_len, "%s: cannot finish file: %s", path, sf_error_number(err));
        st = BL_EIO;
    }
    return st;
}

