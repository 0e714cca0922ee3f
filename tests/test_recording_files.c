/* Recording files: save/load round trips in every format with their
 * metadata, clipping and float range, broken files, and a deterministic
 * fuzz of the loader. Plain WAVs (16/24-bit PCM, float32), which the
 * reader decodes itself, load to exactly libsndfile's floats. Stored metadata (long, damaged, hostile):
 * test_recording_meta.c. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <sndfile.h>

#include "backline/backline.h"
#include "backline/chanmap.h"
#include "backline/recording.h"

/* Copies src to dst without its last remove_bytes bytes. */
static void chop_file(const char *src, const char *dst, long remove_bytes)
{
    FILE *in = fopen(src, "rb");
    FILE *out = fopen(dst, "wb");
    CHECK(in && out);
    if (!in || !out) exit(1);
    long n = test_file_size(src) - remove_bytes;
    for (long i = 0; i < n; i++) {
        int ch = fgetc(in);
        fputc(ch, out);
    }
    fclose(in);
    fclose(out);
}

struct fmt_case {
    const char *file;
    bl_sample_format fmt;
    const char *name;
    double tol; /* absolute, full-scale units */
    int has_meta;
};

static void test_round_trip(void)
{
    const size_t C = 6, N = 10007;
    bl_recording *r = test_make_rec(C, N, 2000);
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,L.BF,L.GMAX,L.ES,L.EO,AUX", NULL, 0), BL_OK);
    const double gains[] = {1000, 1000, 500, 2000.5, 0.1 + 0.2, 0};
    for (size_t c = 0; c < C; c++)
        CHECK_EQ_INT(bl_recording_set_gain(r, c, gains[c]), BL_OK);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 1.228), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "Behringer UMC1820: Multichannel (hw:1,0)"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "start_time", "2026-11-21T09:30:00.125+01:00"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "subject", "S07 = left leg, 'hinge' #3"), BL_OK);

    const struct fmt_case cases[] = {
        {"rt16.wav", BL_FORMAT_PCM16, "WAV PCM 16-bit", 2.0 / 32768, 1},
        {"rt24.wav", BL_FORMAT_PCM24, "WAV PCM 24-bit", 2.0 / 8388608, 1},
        {"rt32.wav", BL_FORMAT_PCM32, "WAV PCM 32-bit", 1e-7, 1},
        {"rtf.wav", BL_FORMAT_FLOAT32, "WAV float32", 0, 1},
        {"rt16.flac", BL_FORMAT_PCM16, "FLAC PCM 16-bit", 2.0 / 32768, 0},
        {"rt24.flac", BL_FORMAT_PCM24, "FLAC PCM 24-bit", 2.0 / 8388608, 0},
        {"rt16.aiff", BL_FORMAT_PCM16, "AIFF PCM 16-bit", 2.0 / 32768, 1},
        {"rt24.AIF", BL_FORMAT_PCM24, "AIFF PCM 24-bit", 2.0 / 8388608, 1},
        {"rtf.caf", BL_FORMAT_FLOAT32, "CAF float32", 0, 1},
        {"rt24.w64", BL_FORMAT_PCM24, "W64 PCM 24-bit", 2.0 / 8388608, -1},
    };
    char why[512];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct fmt_case *fc = &cases[k];
        /* FLAC holds at most 8 channels: use 6. */
        bl_status st = bl_recording_save(r, test_tmp(fc->file), fc->fmt, why, sizeof why);
        CHECK_MSG(st == BL_OK, "%s: save %d: %s", fc->file, st, why);
        bl_recording *l = NULL;
        st = bl_recording_load(test_tmp(fc->file), &l, why, sizeof why);
        CHECK_MSG(st == BL_OK, "%s: load %d: %s", fc->file, st, why);
        if (!l)
            continue;
        CHECK_MSG(strcmp(bl_recording_format_name(l), fc->name) == 0, "%s: format %s", fc->file,
                  bl_recording_format_name(l));
        CHECK_EQ_INT(bl_recording_channels(l), C);
        CHECK_EQ_INT(bl_recording_frames(l), N);
        CHECK_NEAR(bl_recording_rate(l), 2000, 0);
        double worst = 0;
        for (size_t c = 0; c < C; c++)
            for (size_t i = 0; i < N; i++) {
                double d = fabs((double)bl_recording_cdata(l, c)[i] - bl_recording_cdata(r, c)[i]);
                if (d > worst)
                    worst = d;
            }
        CHECK_MSG(worst <= fc->tol, "%s: max error %.3g > %.3g", fc->file, worst, fc->tol);
        if (fc->has_meta >= 0) {
            test_check_same_meta(r, l, fc->file);
            const char *sw = bl_recording_meta(l, "software");
            CHECK_MSG(sw && strncmp(sw, "backline ", 9) == 0 && strstr(sw, bl_version()),
                      "%s: software=%s", fc->file, sw ? sw : "(missing)");
        } else {
            /* W64: audio only, documented. */
            CHECK(bl_recording_map(l) == NULL);
        }
        bl_recording_destroy(l);
    }

    /* A software key set by the caller is kept. */
    CHECK_EQ_INT(bl_recording_set_meta(r, "software", "backline-capture 9.9"), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("sw.flac"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp("sw.flac"), &l, why, sizeof why), BL_OK);
    CHECK(l && strcmp(bl_recording_meta(l, "software"), "backline-capture 9.9") == 0);
    bl_recording_destroy(l);

    /* Refusals. */
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("f.flac"), BL_FORMAT_FLOAT32, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "FLAC") && strstr(why, "float"), "why: %s", why);
    CHECK(test_file_size(test_tmp("f.flac")) < 0); /* nothing created */
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("x.mp3"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "extension") != NULL, "why: %s", why);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("noext"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("x.wav"), (bl_sample_format)42, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(r, "/nonexistent-dir/x.wav", BL_FORMAT_PCM16, why, sizeof why),
                 BL_EIO);
    CHECK_MSG(strstr(why, "/nonexistent-dir/x.wav") != NULL, "why: %s", why);
    bl_recording_destroy(r);

    /* FLAC cannot hold 9 channels: clear error, not a crash. */
    r = test_make_rec(9, 100, 1000);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("nine.flac"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("nine.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    bl_recording_destroy(r);

    /* Non-integer rate and zero frames are refused. */
    r = test_make_rec(1, 10, 999.5);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("half.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    bl_recording_destroy(r);
    r = test_make_rec(1, 0, 1000);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("empty.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    bl_recording_destroy(r);
}

static void test_clipping_and_float_range(void)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(1, 6, 1000, &r), BL_OK);
    float *x = bl_recording_data(r, 0);
    const float v[6] = {1.5f, -1.5f, 3.5f, -2.0f, 0.999f, -1.0f};
    memcpy(x, v, sizeof v);
    char why[512];
    const bl_sample_format ints[] = {BL_FORMAT_PCM16, BL_FORMAT_PCM24, BL_FORMAT_PCM32};
    for (int k = 0; k < 3; k++) {
        CHECK_EQ_INT(bl_recording_save(r, test_tmp("clip.wav"), ints[k], why, sizeof why), BL_OK);
        bl_recording *l = NULL;
        CHECK_EQ_INT(bl_recording_load(test_tmp("clip.wav"), &l, why, sizeof why), BL_OK);
        if (!l)
            continue;
        const float *y = bl_recording_cdata(l, 0);
        /* Saturated at full scale, never wrapped to the other sign. */
        CHECK_MSG(y[0] > 0.999f && y[0] <= 1.0f, "fmt %d: 1.5 -> %g", k, y[0]);
        CHECK_MSG(y[1] < -0.999f && y[1] >= -1.0f, "fmt %d: -1.5 -> %g", k, y[1]);
        CHECK_MSG(y[2] > 0.999f, "fmt %d: 3.5 -> %g", k, y[2]);
        CHECK_MSG(y[3] < -0.999f, "fmt %d: -2 -> %g", k, y[3]);
        CHECK_NEAR(y[4], 0.999, 1e-4);
        CHECK_NEAR(y[5], -1.0, 1e-4);
        bl_recording_destroy(l);
    }
    /* Float files keep values beyond full scale. */
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("big.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp("big.wav"), &l, why, sizeof why), BL_OK);
    for (int i = 0; l && i < 6; i++)
        CHECK_NEAR(bl_recording_cdata(l, 0)[i], v[i], 0);
    bl_recording_destroy(l);
    bl_recording_destroy(r);
}

static void test_bad_files(void)
{
    char why[512];
    bl_recording *l = (bl_recording *)&l;

    /* Missing file. */
    CHECK_EQ_INT(bl_recording_load(test_tmp("missing.wav"), &l, why, sizeof why), BL_EIO);
    CHECK(l == NULL);
    CHECK_MSG(strstr(why, "missing.wav") && strstr(why, "No such file"), "why: %s", why);

    /* Text renamed .wav, and an empty file. */
    FILE *f = fopen(test_tmp("text.wav"), "w");
    fputs("time,ST,BF\n0.000,0.1,0.2\n0.001,0.1,0.2\n", f);
    fclose(f);
    CHECK_EQ_INT(bl_recording_load(test_tmp("text.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "text.wav") != NULL, "why: %s", why);
    f = fopen(test_tmp("empty.flac"), "w");
    fclose(f);
    CHECK_EQ_INT(bl_recording_load(test_tmp("empty.flac"), &l, why, sizeof why), BL_EFORMAT);
    /* A directory. */
    CHECK(bl_recording_load(test_tmpdir(), &l, why, sizeof why) != BL_OK);
    CHECK(l == NULL);

    /* Zero frames. */
    SF_INFO info = {0};
    info.samplerate = 1000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *sf = sf_open(test_tmp("zero.wav"), SFM_WRITE, &info);
    sf_close(sf);
    CHECK_EQ_INT(bl_recording_load(test_tmp("zero.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "no audio frames") != NULL, "why: %s", why);

    /* Truncated: a WAV chopped mid-data (metadata at the start). */
    bl_recording *r = test_make_rec(2, 3000, 1000);
    CHECK_EQ_INT(bl_recording_set_map(r, "ST,BF", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("full.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    chop_file(test_tmp("full.wav"), test_tmp("chopped.wav"), 1001); /* also leaves a partial frame */
    CHECK_EQ_INT(bl_recording_load(test_tmp("chopped.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "truncated") != NULL, "why: %s", why);
    CHECK(l == NULL);
    /* The same for FLAC and float WAV. */
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("full.flac"), BL_FORMAT_PCM24, why, sizeof why), BL_OK);
    chop_file(test_tmp("full.flac"), test_tmp("chopped.flac"), 500);
    CHECK_EQ_INT(bl_recording_load(test_tmp("chopped.flac"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(why[0] != '\0', "empty why");
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("fullf.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    chop_file(test_tmp("fullf.wav"), test_tmp("choppedf.wav"), 4);
    CHECK_EQ_INT(bl_recording_load(test_tmp("choppedf.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "truncated") != NULL, "why: %s", why);
    bl_recording_destroy(r);

    /* RIFF size 4 bytes too large (as in the Backyard Brains files) loads. */
    f = fopen(test_tmp("full.wav"), "r+b");
    unsigned char sz[4];
    CHECK(fseek(f, 4, SEEK_SET) == 0 && fread(sz, 1, 4, f) == 4);
    uint32_t riff = (uint32_t)sz[0] | (uint32_t)sz[1] << 8 | (uint32_t)sz[2] << 16 | (uint32_t)sz[3] << 24;
    riff += 4;
    for (int i = 0; i < 4; i++)
        sz[i] = (unsigned char)(riff >> (8 * i));
    CHECK(fseek(f, 4, SEEK_SET) == 0 && fwrite(sz, 1, 4, f) == 4);
    fclose(f);
    CHECK_EQ_INT(bl_recording_load(test_tmp("full.wav"), &l, why, sizeof why), BL_OK);
    CHECK(l && bl_recording_frames(l) == 3000);
    CHECK(l && bl_recording_map(l) && strcmp(bl_recording_map(l), "ST,BF") == 0);
    bl_recording_destroy(l);
}

/* Deterministic fuzz: byte-mutated WAV/FLAC/AIFF files never crash the
 * loader; each loads or fails with a documented code and a reason. Run
 * under ASan in the sanitizer build. */
static int chanmap_count_ok(const bl_recording *l)
{
    bl_chanmap *m = NULL;
    int ok = bl_chanmap_parse(bl_recording_map(l), &m, NULL, 0) == BL_OK &&
             bl_chanmap_count(m) == bl_recording_channels(l);
    bl_chanmap_destroy(m);
    return ok;
}

static void test_fuzz_load(void)
{
    const char *seeds[] = {"seed.wav", "seed.flac", "seed.aiff"};
    const bl_sample_format fmts[] = {BL_FORMAT_PCM16, BL_FORMAT_PCM24, BL_FORMAT_PCM16};
    char why[512];
    bl_recording *r = test_make_rec(2, 700, 1000);
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,AUX", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 1000), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "fuzz"), BL_OK);
    unsigned long long x = 0x2545F4914F6CDD1Dull;
    int loaded = 0, rejected = 0;
    for (int s = 0; s < 3; s++) {
        CHECK_EQ_INT(bl_recording_save(r, test_tmp(seeds[s]), fmts[s], why, sizeof why), BL_OK);
        FILE *f = fopen(test_tmp(seeds[s]), "rb");
        long n = test_file_size(test_tmp(seeds[s]));
        unsigned char *orig = malloc((size_t)n), *mut = malloc((size_t)n);
        if (!f || !orig || !mut || fread(orig, 1, (size_t)n, f) != (size_t)n) {
            CHECK_MSG(0, "cannot read seed %s", seeds[s]);
            return;
        }
        fclose(f);
        for (int it = 0; it < 150; it++) {
            memcpy(mut, orig, (size_t)n);
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            long len = n;
            int flips = 1 + (int)(x % 8);
            for (int k = 0; k < flips; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                /* Mostly the header and metadata, where parsing happens. */
                long pos = (long)((x >> 8) % (unsigned long long)(it % 3 ? (n < 300 ? n : 300) : n));
                mut[pos] = (unsigned char)(x & 0xff);
            }
            if (it % 5 == 0)
                len = (long)((x >> 20) % (unsigned long long)n); /* and cut */
            f = fopen(test_tmp("fuzz.bin"), "wb");
            fwrite(mut, 1, (size_t)len, f);
            fclose(f);
            bl_recording *l = NULL;
            bl_status st = bl_recording_load(test_tmp("fuzz.bin"), &l, why, sizeof why);
            if (st == BL_OK) {
                loaded++;
                CHECK(l && bl_recording_frames(l) > 0 && bl_recording_channels(l) > 0);
                CHECK(bl_recording_map(l) == NULL || chanmap_count_ok(l));
            } else {
                rejected++;
                CHECK_MSG((st == BL_EFORMAT || st == BL_EIO || st == BL_ENOMEM) && l == NULL && why[0],
                          "%s #%d: status %d why \"%s\"", seeds[s], it, st, why);
            }
            bl_recording_destroy(l);
        }
        free(orig);
        free(mut);
    }
    printf("fuzz: %d mutated files loaded, %d rejected\n", loaded, rejected);
    CHECK_MSG(loaded > 0 && rejected > 0, "fuzz coverage: %d loaded, %d rejected", loaded, rejected);
    bl_recording_destroy(r);
}

/* Plain WAVs are read with pread and converted by the reader (reader.c):
 * over several I/O blocks and at the extremes of the integer range the
 * channels are exactly what libsndfile's sf_readf_float gives. */
static void test_plain_wav_shortcut(void)
{
    const size_t C = 5, N = 3 * 4096 + 17;
    bl_recording *r = test_make_rec(C, N, 2000);
    for (size_t c = 0; c < C; c++) {
        float *x = bl_recording_data(r, c);
        x[0] = -1.0f;
        x[1] = 0.99999f;
        x[2] = -0.5f / 8388608.0f;
    }
    const struct { const char *file; bl_sample_format fmt; } cases[] = {
        {"plain16.wav", BL_FORMAT_PCM16}, {"plain24.wav", BL_FORMAT_PCM24}, {"plainf.wav", BL_FORMAT_FLOAT32}};
    char why[512];
    for (size_t k = 0; k < 3; k++) {
        const char *path = test_tmp(cases[k].file);
        CHECK_EQ_INT(bl_recording_save(r, path, cases[k].fmt, why, sizeof why), BL_OK);
        SF_INFO info = {0};
        SNDFILE *sf = sf_open(path, SFM_READ, &info);
        float *ref = malloc(N * C * sizeof *ref);
        CHECK(sf && ref);
        if (!sf || !ref) {
            free(ref);
            continue;
        }
        sf_command(sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
        CHECK_EQ_INT((int)sf_readf_float(sf, ref, (sf_count_t)N), (int)N);
        sf_close(sf);
        bl_recording *l = NULL;
        CHECK_MSG(bl_recording_load(path, &l, why, sizeof why) == BL_OK, "%s: %s", cases[k].file, why);
        size_t bad = 0;
        for (size_t c = 0; l && c < C; c++)
            for (size_t i = 0; i < N; i++)
                bad += memcmp(&bl_recording_cdata(l, c)[i], &ref[i * C + c], sizeof(float)) != 0;
        CHECK_MSG(l && bl_recording_frames(l) == N && bad == 0, "%s: %zu samples differ from libsndfile's",
                  cases[k].file, bad);
        bl_recording_destroy(l);
        free(ref);
    }
    bl_recording_destroy(r);
}

int main(void)
{
    test_tmpdir_make("bl_test_recording_files");
    test_round_trip();
    test_plain_wav_shortcut();
    test_clipping_and_float_range();
    test_bad_files();
    test_fuzz_load();
    test_tmpdir_done();
    return test_finish("test_recording_files");
}
