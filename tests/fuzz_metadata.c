/* Fuzz target: stored metadata. The input is the text of a WAV comment
 * (LIST/INFO/ICMT; "backline-meta 1" is put in front unless the input
 * starts with "backline-meta") on a valid 3-channel PCM16 file. The audio
 * always loads; what the parser concluded must be something the API
 * accepts (a map of 3 channels, gains that are numbers >= 0, keys and
 * values within their rules, counters that are counts, markers that read
 * back in time order), and it must
 * survive a save and a load unchanged, with no warning the second time. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backline/recording.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCH 3
#define FRAMES 64

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* RIFF/WAVE, PCM16, NCH channels, FRAMES frames, then LIST/INFO/ICMT. */
static uint8_t *make_wav(const char *comment, size_t clen, size_t *out_len)
{
    size_t data_len = (size_t)NCH * FRAMES * 2, icmt = clen + 1, pad = icmt % 2;
    size_t list_len = 4 + 8 + icmt + pad, total = 12 + 24 + 8 + data_len + 8 + list_len;
    uint8_t *w = calloc(1, total);
    if (!w) return NULL;
    memcpy(w, "RIFF", 4);
    put32(w + 4, (uint32_t)(total - 8));
    memcpy(w + 8, "WAVEfmt ", 8);
    put32(w + 16, 16);
    w[20] = 1;               /* PCM */
    w[22] = NCH;
    put32(w + 24, 2000);     /* rate */
    put32(w + 28, 2000 * NCH * 2);
    w[32] = NCH * 2;         /* block align */
    w[34] = 16;              /* bits */
    memcpy(w + 36, "data", 4);
    put32(w + 40, (uint32_t)data_len);
    for (size_t i = 0; i < (size_t)NCH * FRAMES; i++) w[44 + 2 * i + 1] = (uint8_t)(i * 37);
    uint8_t *l = w + 44 + data_len;
    memcpy(l, "LIST", 4);
    put32(l + 4, (uint32_t)list_len);
    memcpy(l + 8, "INFOICMT", 8);
    put32(l + 16, (uint32_t)icmt);
    memcpy(l + 20, comment, clen);
    *out_len = total;
    return w;
}

static int utf8_line(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 || *p == 0x7f) return 0;
        int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0) return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xc0) != 0x80) return 0;
    }
    return 1;
}

static void check_kept(const bl_recording *r)
{
    const bl_chanmap *map = bl_recording_chanmap(r);
    if (map && bl_chanmap_count(map) != NCH) abort();
    for (size_t c = 0; c < NCH; c++) {
        double g = bl_recording_gain(r, c);
        if (g < 0 || isinf(g)) abort();
    }
    for (size_t i = 0; i < bl_recording_meta_count(r); i++) {
        const char *k = bl_recording_meta_key(r, i), *v = bl_recording_meta(r, k);
        size_t kl = strlen(k);
        /* The markers' line is a list, as long as the markers are many. */
        if (!kl || kl > 32 || !v || (strlen(v) > 512 && strcmp(k, "markers")) || !utf8_line(v)) abort();
        for (size_t j = 0; j < kl; j++)
            if (!(islower((unsigned char)k[j]) || isdigit((unsigned char)k[j]) || k[j] == '_')) abort();
        if (!strcmp(k, "overruns") || !strcmp(k, "ring_overflows") || !strcmp(k, "synth_seed"))
            for (const char *p = v; *p; p++)
                if (!isdigit((unsigned char)*p)) abort();
        if (!strcmp(k, "truncated") && strcmp(v, "0") && strcmp(v, "1")) abort();
    }
    for (size_t i = 0; i < bl_recording_warning_count(r); i++)
        if (!bl_recording_warning(r, i) || !bl_recording_warning(r, i)[0]) abort();
    /* Every marker kept reads back, in time order, with a label. */
    double last = 0;
    for (size_t i = 0; i < bl_recording_marker_count(r); i++) {
        bl_marker m;
        if (bl_recording_get_marker(r, i, &m) != BL_OK || !(m.time_s >= last) || !m.label[0]) abort();
        last = m.time_s;
    }
}

static int same_double(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

/* Saved and loaded again: the same map, gains and keys, no warning. */
static void check_round_trip(const bl_recording *r)
{
    char path[] = "/tmp/bl_fuzz_meta_XXXXXX.wav", why[512];
    int fd = mkstemps(path, 4);
    if (fd < 0) return;
    close(fd);
    /* float32: channels the metadata put in uV do not fit an integer format */
    bl_status st = bl_recording_save(r, path, BL_FORMAT_FLOAT32, why, sizeof why);
    bl_recording *back = NULL;
    if (st == BL_OK) st = bl_recording_load(path, &back, why, sizeof why);
    unlink(path);
    if (st == BL_ERANGE && !back) return; /* over BL_RECORDING_META_MAX: refused, documented */
    if (st != BL_OK || bl_recording_warning_count(back) != 0) abort();
    const char *m1 = bl_recording_map(r), *m2 = bl_recording_map(back);
    if ((m1 && m1[0]) != (m2 && m2[0]) || (m1 && m2 && strcmp(m1, m2))) abort();
    for (size_t c = 0; c < NCH; c++)
        if (!same_double(bl_recording_gain(r, c), bl_recording_gain(back, c))) abort();
    if (!same_double(bl_recording_full_scale(r), bl_recording_full_scale(back))) abort();
    for (size_t i = 0; i < bl_recording_meta_count(r); i++) {
        const char *k = bl_recording_meta_key(r, i), *v = bl_recording_meta(back, k);
        if (!v || strcmp(v, bl_recording_meta(r, k))) abort();
    }
    bl_recording_destroy(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] = "backline-meta 1\n";
    int has_head = size >= 13 && memcmp(data, head, 13) == 0;
    size_t hl = has_head ? 0 : sizeof head - 1, clen = hl + size;
    char *comment = malloc(clen + 1);
    if (!comment) return 0;
    memcpy(comment, head, hl);
    memcpy(comment + hl, data, size);
    comment[clen] = '\0';
    size_t wl = 0;
    uint8_t *wav = make_wav(comment, clen, &wl);
    free(comment);
    if (!wav) return 0;
    char why[512];
    bl_status st;
    bl_recording *r = fuzz_load(wav, wl, &st, why, sizeof why);
    free(wav);
    if (st == BL_EIO) return 0;
    if (!r) abort(); /* metadata never makes valid audio unreadable */
    check_kept(r);
    check_round_trip(r);
    bl_recording_destroy(r);
    return 0;
}
