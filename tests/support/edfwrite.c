/* EDF+/BDF+ writing for the tests (edfwrite.h). */
#include "edfwrite.h"

#include <edflib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Samples per data record: the most, up to one second, that divide the
 * frames evenly with a duration edflib can store (10 µs units, >= 1 ms);
 * else one second (and the frames past the last whole one are left out). */
static size_t record_samples(size_t frames, long rate)
{
    for (long s = rate; s >= 1; s--)
        if (frames % (size_t)s == 0 && (s * 100000L) % rate == 0 && s * 100000L / rate >= 100) return (size_t)s;
    return (size_t)rate;
}

int test_edf_write(const char *path, const bl_recording *rec, const test_edf_spec *sp, char *why, size_t why_len)
{
    double rate_d = bl_recording_rate(rec);
    long rate = lround(rate_d);
    size_t nch = bl_recording_channels(rec), frames = bl_recording_frames(rec);
    if ((double)rate != rate_d || rate < 2) {
        snprintf(why, why_len, "%s: rate %g Hz is not a whole number", path, rate_d);
        return -1;
    }
    size_t per = record_samples(frames, rate), records = frames / per;
    double k = sp->physical_per_unit > 0 ? sp->physical_per_unit : 1.0, range = sp->range;
    if (!(range > 0)) {
        for (size_t c = 0; c < nch; c++)
            for (size_t i = 0; i < frames; i++) range = fmax(range, fabs(bl_recording_cdata(rec, c)[i] * k));
        range = range > 0 ? range * 1.01 : 1.0;
    }
    int h = edfopen_file_writeonly(path, sp->bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS, (int)nch);
    if (h < 0) {
        snprintf(why, why_len, "%s: edfopen_file_writeonly: %d", path, h);
        return -1;
    }
    int bad = edf_set_datarecord_duration(h, (int)((long)per * 100000L / rate)) != 0;
    size_t slots = records ? (sp->n_annot + records - 1) / records + 1 : 1;
    bad |= edf_set_number_of_annotation_signals(h, (int)(slots > 64 ? 64 : slots)) != 0;
    bad |= edf_set_startdatetime(h, 2026, 12, 3, 7, 0, 0) != 0;
    for (size_t c = 0; c < nch; c++) {
        int sig = (int)c, n = (int)per / (sp->halve_last_rate && c + 1 == nch ? 2 : 1);
        char label[32];
        snprintf(label, sizeof label, "ch%zu", c + 1);
        bad |= edf_set_samplefrequency(h, sig, n) != 0;
        bad |= edf_set_physical_maximum(h, sig, range) != 0 || edf_set_physical_minimum(h, sig, -range) != 0;
        bad |= edf_set_digital_maximum(h, sig, sp->bdf ? 8388607 : 32767) != 0;
        bad |= edf_set_digital_minimum(h, sig, sp->bdf ? -8388608 : -32768) != 0;
        bad |= edf_set_label(h, sig, sp->labels ? sp->labels[c] : label) != 0;
        const char *dim = sp->dimensions ? sp->dimensions[c] : sp->dimension;
        bad |= edf_set_physical_dimension(h, sig, dim ? dim : "") != 0;
    }
    double *buf = malloc(per * sizeof *buf);
    for (size_t r = 0; !bad && buf && r < records; r++)
        for (size_t c = 0; !bad && c < nch; c++) {
            const float *x = bl_recording_cdata(rec, c) + r * per;
            size_t step = sp->halve_last_rate && c + 1 == nch ? 2 : 1;
            for (size_t i = 0; i < per / step; i++) buf[i] = x[i * step] * k;
            bad |= edfwrite_physical_samples(h, buf) != 0;
        }
    for (size_t i = 0; !bad && i < sp->n_annot; i++)
        bad |= edfwrite_annotation_utf8(h, llround(sp->annot_s[i] * 10000.0), -1, sp->annot_text[i]) != 0;
    free(buf);
    bad |= !buf;
    bad |= edfclose_file(h) != 0;
    if (bad) snprintf(why, why_len, "%s: edflib refused a field or a write", path);
    return bad ? -1 : 0;
}
