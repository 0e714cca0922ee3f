/* Long metadata: 64 channels with a long map and gains round-trip in every
 * format that stores metadata (our "blmt" chunk in WAV, AIFF and CAF, the
 * comment in FLAC), the limit BL_RECORDING_META_MAX is exact and refused
 * before a file is made, hostile chunks, a pipe, and the streaming writer
 * (late keys beside the chunk, a crash without close). */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backline/backline.h"
#include "backline/recording.h"

static const char *const codes[] = {"ST", "SM", "BF", "GMAX", "GMED", "VM", "VL", "RF", "ES", "EO",
                                    "IO", "MG", "LG", "TFL", "TA", "PL", "SOL", "EMG", "AUX"};

/* `channels` of 50 frames with a map of every code on both sides, long
 * gains, and keys, well over the 2000 bytes a comment holds when
 * channels is 64. */
static bl_recording *long_meta_rec(size_t channels, size_t frames)
{
    bl_recording *r = test_make_rec(channels, frames, 2000);
    char map[1024] = "";
    for (size_t c = 0; c < channels; c++) {
        char e[16];
        snprintf(e, sizeof e, "%s%s%s", c ? "," : "", c % 2 ? "R." : "L.", codes[c % 19]);
        strcat(map, e);
        CHECK_EQ_INT(bl_recording_set_gain(r, c, 1000.0 + (double)c * 1.0123456789), BL_OK);
    }
    char why[256];
    CHECK_MSG(bl_recording_set_map(r, map, why, sizeof why) == BL_OK, "map: %s", why);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 1.228), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "Behringer UMC1820 caf\xc3\xa9: Multichannel (hw:1,0)"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "start_time", "2026-11-21T09:30:00.125Z"), BL_OK);
    char note[401];
    for (int i = 0; i < 400; i++)
        note[i] = (char)('a' + i % 26);
    note[400] = '\0';
    CHECK_EQ_INT(bl_recording_set_meta(r, "subject", note), BL_OK);
    note[300] = '\0';
    CHECK_EQ_INT(bl_recording_set_meta(r, "session", note), BL_OK);
    return r;
}

static bl_recording *load(const char *path)
{
    char why[512];
    bl_recording *l = NULL;
    bl_status st = bl_recording_load(path, &l, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: load %d: %s", path, st, why);
    return l;
}

static void test_long_round_trip(void)
{
    struct { const char *file; bl_sample_format fmt; } cases[] = {
        {"long.wav", BL_FORMAT_FLOAT32}, {"long24.wav", BL_FORMAT_PCM24},
        {"long.aiff", BL_FORMAT_PCM16},  {"long.caf", BL_FORMAT_FLOAT32},
    };
    bl_recording *r = long_meta_rec(64, 50);
    char why[512], comment[4096];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *path = test_tmp(cases[k].file);
        CHECK_MSG(bl_recording_save(r, path, cases[k].fmt, why, sizeof why) == BL_OK, "%s: %s", path, why);
        long chunk = test_read_raw_meta(path, comment, sizeof comment);
        CHECK_MSG(chunk > 2000 && strncmp(comment, "backline-meta 1\nmeta_chunk=", 27) == 0 &&
                      atol(comment + 27) > 2000 && atol(comment + 27) <= chunk && chunk - atol(comment + 27) < 4,
                  "%s: chunk %ld, comment \"%s\"", path, chunk, comment);
        bl_recording *l = load(path);
        if (!l)
            continue;
        CHECK_EQ_INT(bl_recording_frames(l), 50);
        test_check_same_meta(r, l, path);
        printf("%s: 64 channels, %ld-byte blmt chunk, comment \"%s\"\n", cases[k].file, chunk,
               chunk > 0 ? strchr(comment, '\n') + 1 : "?");
        bl_recording_destroy(l);
    }
    /* In µV (the unit line too), saved and loaded: nothing converted twice. */
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("uv.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = load(test_tmp("uv.wav"));
    if (l) {
        test_check_same_meta(r, l, "uv.wav");
        CHECK(strcmp(bl_recording_unit(l), "uV") == 0);
        CHECK_EQ_INT(bl_recording_to_microvolts(l), BL_OK);
        CHECK_NEAR(bl_recording_cdata(l, 63)[7], bl_recording_cdata(r, 63)[7], 0);
    }
    bl_recording_destroy(l);
    bl_recording_destroy(r);

    /* FLAC (8 channels at most): the whole text in its comment. */
    r = long_meta_rec(8, 50);
    for (int i = 0; i < 4; i++) {
        char key[16], val[401];
        snprintf(key, sizeof key, "note%d", i);
        memset(val, 'n', 400);
        val[400] = '\0';
        CHECK_EQ_INT(bl_recording_set_meta(r, key, val), BL_OK);
    }
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("long.flac"), BL_FORMAT_PCM24, why, sizeof why), BL_OK);
    CHECK_EQ_INT(test_read_raw_meta(test_tmp("long.flac"), comment, sizeof comment), -1);
    CHECK_MSG(strlen(comment) > 2000 && strstr(comment, "\nmap=L.ST,R.SM"), "long.flac: comment of %zu bytes",
              strlen(comment));
    l = load(test_tmp("long.flac"));
    if (l)
        test_check_same_meta(r, l, "long.flac");
    bl_recording_destroy(l);
    bl_recording_destroy(r);

    /* Small metadata stays in the comment alone, as it always was. */
    r = long_meta_rec(2, 50);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("small.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    CHECK_EQ_INT(test_read_raw_meta(test_tmp("small.wav"), comment, sizeof comment), -1);
    CHECK(strncmp(comment, "backline-meta 1\nmap=L.ST,R.SM\ngain=", 35) == 0);
    bl_recording_destroy(r);
}

/* The limit is exact: the longest text saved loads back in every format;
 * one byte more is refused before any file exists. */
static void test_limit(void)
{
    bl_recording *r = long_meta_rec(4, 20);
    char why[512], val[513], key[16];
    memset(val, 'x', 512);
    val[512] = '\0';
    int n = 0;
    for (;; n++) {
        snprintf(key, sizeof key, "k%02d", n);
        CHECK_EQ_INT(bl_recording_set_meta(r, key, val), BL_OK);
        if (bl_recording_save(r, test_tmp("lim.wav"), BL_FORMAT_PCM16, why, sizeof why) != BL_OK)
            break;
    }
    /* The last key's length where saving stops working. */
    size_t lo = 0, hi = 512;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        val[mid] = '\0';
        CHECK_EQ_INT(bl_recording_set_meta(r, key, val), BL_OK);
        unlink(test_tmp("lim.wav"));
        if (bl_recording_save(r, test_tmp("lim.wav"), BL_FORMAT_PCM16, why, sizeof why) == BL_OK)
            lo = mid;
        else
            hi = mid;
        val[mid] = 'x';
    }
    val[hi] = '\0';
    CHECK_EQ_INT(bl_recording_set_meta(r, key, val), BL_OK);
    unlink(test_tmp("over.wav"));
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("over.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_ERANGE);
    CHECK_MSG(strstr(why, "32769 bytes") && strstr(why, "at most 32768"), "why: %s", why);
    CHECK(test_file_size(test_tmp("over.wav")) < 0);
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp("over_w.wav"), 4, 2000, BL_FORMAT_PCM16, r, &w, why, sizeof why), BL_ERANGE);
    CHECK(w == NULL && test_file_size(test_tmp("over_w.wav")) < 0);
    printf("limit: %s\n", why);
    val[lo] = '\0';
    CHECK_EQ_INT(bl_recording_set_meta(r, key, val), BL_OK);
    const char *files[] = {"max.wav", "max.aiff", "max.caf", "max.flac"};
    for (size_t k = 0; k < 4; k++) {
        CHECK_MSG(bl_recording_save(r, test_tmp(files[k]), BL_FORMAT_PCM16, why, sizeof why) == BL_OK, "%s: %s",
                  files[k], why);
        bl_recording *l = load(test_tmp(files[k]));
        if (l)
            test_check_same_meta(r, l, files[k]);
        bl_recording_destroy(l);
    }
    printf("limit: %d keys of 512 bytes and one of %zu: 32768 bytes, saved and loaded in WAV, AIFF, CAF, FLAC\n",
           n, lo);
    bl_recording_destroy(r);
}

/* Hostile or damaged chunks; the comment's pointer to the chunk. */
static void test_chunks(void)
{
    const char *chunk = "backline-meta 1\nmap=ST,BF\ndevice=chunk";
    size_t cl = strlen(chunk);
    test_write_raw_meta(test_tmp("c1.wav"), 2, NULL, chunk, cl);
    bl_recording *l = load(test_tmp("c1.wav"));
    CHECK(l && bl_recording_map(l) && strcmp(bl_recording_meta(l, "device"), "chunk") == 0 &&
          bl_recording_warning_count(l) == 0);
    bl_recording_destroy(l);

    struct { const char *comment, *chunk; size_t len; const char *key, *warning; } cases[] = {
        {"backline-meta 1\nmeta_chunk=500", NULL, 0, "meta_chunk", "is in a \"blmt\" chunk, which this file lacks"},
        {"backline-meta 1\nmeta_chunk=99", chunk, cl, "meta_chunk", "chunk holds 38 bytes, the comment says 99"},
        {NULL, "hello", 5, "", "metadata chunk: it does not start with \"backline-meta 1\""},
        {NULL, "backline-meta 1\ndevice=a\0junk", 29, "", "metadata chunk: 4 bytes after a NUL byte at 24 ignored"},
        {NULL, "backline-meta 1\nmeta_chunk=5", 28, "meta_chunk", "in the metadata chunk is not ours"},
        {"backline-meta 1\nmeta_chunk=1", NULL, 0, "meta_chunk", "which this file lacks"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        test_write_raw_meta(test_tmp("c2.wav"), 2, cases[k].comment, cases[k].chunk, cases[k].len);
        l = load(test_tmp("c2.wav"));
        if (!l)
            continue;
        int found = 0;
        for (size_t i = 0; i < bl_recording_warning_count(l); i++)
            found |= strcmp(bl_recording_warning_key(l, i), cases[k].key) == 0 &&
                     strstr(bl_recording_warning(l, i), cases[k].warning) != NULL;
        CHECK_MSG(found, "chunk case %zu: no warning \"%s\" (first: %s)", k, cases[k].warning,
                  bl_recording_warning(l, 0) ? bl_recording_warning(l, 0) : "none");
        if (k == 3)
            CHECK(bl_recording_meta(l, "device") && strcmp(bl_recording_meta(l, "device"), "a") == 0);
        bl_recording_destroy(l);
    }
    /* The comment's lines override the chunk's (late keys). */
    test_write_raw_meta(test_tmp("c3.wav"), 2, "backline-meta 1\nmeta_chunk=38\ndevice=comment", chunk, cl);
    l = load(test_tmp("c3.wav"));
    CHECK(l && strcmp(bl_recording_meta(l, "device"), "comment") == 0 && bl_recording_warning_count(l) == 0);
    bl_recording_destroy(l);
    /* A chunk larger than backline ever writes is not read. */
    char *big = malloc(40001);
    memset(big, 'a', 40000);
    memcpy(big, "backline-meta 1\nx=", 18);
    test_write_raw_meta(test_tmp("c4.wav"), 2, "backline-meta 1\nmeta_chunk=40000", big, 40000);
    free(big);
    l = load(test_tmp("c4.wav"));
    CHECK(l && bl_recording_meta(l, "x") == NULL && bl_recording_warning_count(l) == 2);
    CHECK(l && strstr(bl_recording_warning(l, 0), "40000 bytes, more than the 32768 backline stores"));
    CHECK(l && strstr(bl_recording_warning(l, 1), "which is too large to be ours"));
    bl_recording_destroy(l);
}

/* Through a FIFO the chunk cannot be read: the audio loads, and the
 * comment's pointer says the metadata is missing. */
static void test_pipe(void)
{
    bl_recording *r = long_meta_rec(64, 300);
    char why[512];
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("p.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    bl_recording_destroy(r);
    const char *fifo = test_tmp("fifo.wav");
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *in = fopen(test_tmp("p.wav"), "rb");
        FILE *out = fopen(fifo, "wb");
        int c;
        while (in && out && (c = fgetc(in)) != EOF)
            fputc(c, out);
        if (out)
            fclose(out);
        _exit(0);
    }
    bl_recording *l = load(fifo);
    int status = 0;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (!l)
        return;
    CHECK_EQ_INT(bl_recording_frames(l), 300);
    CHECK(bl_recording_map(l) == NULL);
    CHECK_MSG(bl_recording_warning_count(l) == 1 && strstr(bl_recording_warning(l, 0), "cannot be read from a pipe"),
              "pipe: %s", bl_recording_warning(l, 0) ? bl_recording_warning(l, 0) : "no warning");
    printf("pipe: %s\n", bl_recording_warning(l, 0));
    bl_recording_destroy(l);
}

static float blk[1000 * 64];

static void write_blocks(bl_writer *w, size_t channels, int blocks)
{
    char why[256];
    for (int b = 0; b < blocks; b++) {
        for (size_t i = 0; i < 1000 * channels; i++)
            blk[i] = (float)((i + (size_t)b) % 97) / 200.0f;
        CHECK_EQ_INT(bl_writer_write(w, blk, 1000, why, sizeof why), BL_OK);
    }
}

/* Long metadata through the writer, with late keys where the format takes
 * them. */
static void writer_long(const char *file, bl_sample_format fmt, size_t channels, int late_ok)
{
    char why[512], comment[4096];
    bl_recording *m = long_meta_rec(channels, 0);
    for (int i = 0; channels <= 8 && i < 4; i++) { /* FLAC: long all the same */
        char key[16], val[401];
        snprintf(key, sizeof key, "note%d", i);
        memset(val, 'n', 400);
        val[400] = '\0';
        CHECK_EQ_INT(bl_recording_set_meta(m, key, val), BL_OK);
    }
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp(file), channels, 2000, fmt, m, &w, why, sizeof why), BL_OK);
    if (!w)
        return;
    write_blocks(w, channels, 3);
    CHECK_EQ_INT(bl_writer_set_meta(w, "overruns", "17"), late_ok ? BL_OK : BL_ESTATE);
    if (late_ok) {
        CHECK_EQ_INT(bl_writer_set_meta(w, "ring_overflows", "3"), BL_OK);
        CHECK_EQ_INT(bl_writer_set_meta(w, "device", NULL), BL_ESTATE); /* in the chunk */
        char val[501];
        memset(val, 'z', 500);
        val[500] = '\0';
        CHECK_EQ_INT(bl_writer_set_meta(w, "late1", val), BL_OK);
        CHECK_EQ_INT(bl_writer_set_meta(w, "late2", val), BL_OK);
        CHECK_EQ_INT(bl_writer_set_meta(w, "late3", val), BL_OK);
        CHECK_EQ_INT(bl_writer_set_meta(w, "late4", val), BL_ERANGE); /* the late comment's 2000 bytes */
        CHECK_EQ_INT(bl_writer_set_meta(w, "late3", NULL), BL_OK);   /* not in the chunk: may go */
        CHECK_EQ_INT(bl_recording_set_meta(m, "overruns", "17"), BL_OK);
        CHECK_EQ_INT(bl_recording_set_meta(m, "ring_overflows", "3"), BL_OK);
        CHECK_EQ_INT(bl_recording_set_meta(m, "late1", val), BL_OK);
        CHECK_EQ_INT(bl_recording_set_meta(m, "late2", val), BL_OK);
    }
    write_blocks(w, channels, 1);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    long chunk = test_read_raw_meta(test_tmp(file), comment, sizeof comment);
    CHECK_MSG(strstr(file, ".flac") ? chunk == -1 : chunk > 2000, "%s: chunk %ld", file, chunk);
    bl_recording *l = load(test_tmp(file));
    if (l) {
        CHECK_EQ_INT(bl_recording_frames(l), 4000);
        test_check_same_meta(m, l, file);
        CHECK((bl_recording_meta(l, "overruns") != NULL) == late_ok && bl_recording_meta(l, "late3") == NULL);
        printf("writer %s: %zu channels, chunk %ld bytes, late keys %s\n", file, channels, chunk,
               late_ok ? "in the comment after the audio" : "refused (BL_ESTATE)");
    }
    bl_recording_destroy(l);
    bl_recording_destroy(m);
}

/* Under 1488 bytes the writer keeps the comment (today's bytes) and late
 * keys have at least 512 bytes; from 1488 on it uses the chunk. */
static void writer_room(void)
{
    char why[512], comment[4096], val[513];
    bl_recording *m = long_meta_rec(2, 0);
    memset(val, 'r', 512);
    val[512] = '\0';
    val[400] = '\0';
    CHECK_EQ_INT(bl_recording_set_meta(m, "pad1", val), BL_OK); /* about 1100 bytes in all */
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp("room.wav"), 2, 2000, BL_FORMAT_PCM16, m, &w, why, sizeof why), BL_OK);
    write_blocks(w, 2, 1);
    val[400] = 'r';
    CHECK_EQ_INT(bl_writer_set_meta(w, "late", val), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "late2", val), BL_ERANGE);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    CHECK_EQ_INT(test_read_raw_meta(test_tmp("room.wav"), comment, sizeof comment), -1);
    CHECK(strstr(comment, "\nlate=rrrr") != NULL && strstr(comment, "\nmap=") != NULL);
    bl_recording *l = load(test_tmp("room.wav"));
    CHECK(l && bl_recording_meta(l, "late") && bl_recording_warning_count(l) == 0);
    bl_recording_destroy(l);
    /* 1500 bytes: the chunk, already at the first block. */
    val[300] = '\0';
    CHECK_EQ_INT(bl_recording_set_meta(m, "pad2", val), BL_OK);
    CHECK_EQ_INT(bl_writer_open(test_tmp("room2.wav"), 2, 2000, BL_FORMAT_PCM16, m, &w, why, sizeof why), BL_OK);
    write_blocks(w, 2, 1);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    long chunk = test_read_raw_meta(test_tmp("room2.wav"), comment, sizeof comment);
    CHECK_MSG(chunk > 1488 && chunk < 2000, "room2.wav: chunk %ld", chunk);
    l = load(test_tmp("room2.wav"));
    if (l)
        test_check_same_meta(m, l, "room2.wav");
    bl_recording_destroy(l);
    bl_recording_destroy(m);
}

/* Killed without close: the chunk is in the header written with the first
 * block, which is kept current, so every frame and the metadata load. */
static void writer_crash(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        bl_recording *m = long_meta_rec(64, 0);
        bl_writer *w = NULL;
        char why[256];
        if (bl_writer_open(test_tmp("crash.wav"), 64, 2000, BL_FORMAT_FLOAT32, m, &w, why, sizeof why) != BL_OK)
            _exit(3);
        write_blocks(w, 64, 5);
        raise(SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    bl_recording *m = long_meta_rec(64, 0);
    bl_recording *l = load(test_tmp("crash.wav"));
    if (l) {
        CHECK_EQ_INT(bl_recording_frames(l), 5000);
        test_check_same_meta(m, l, "crash.wav");
        CHECK_NEAR(bl_recording_cdata(l, 5)[4999], (float)((999 * 64 + 5 + 4) % 97) / 200.0f, 0);
    }
    bl_recording_destroy(l);
    bl_recording_destroy(m);
}

int main(void)
{
    test_tmpdir_make("bl_test_recording_meta_long");
    test_long_round_trip();
    test_limit();
    test_chunks();
    test_pipe();
    writer_long("wl.wav", BL_FORMAT_FLOAT32, 64, 1);
    writer_long("wl.caf", BL_FORMAT_PCM24, 64, 1);
    writer_long("wl.aiff", BL_FORMAT_PCM16, 64, 0);
    writer_long("wl.flac", BL_FORMAT_PCM24, 8, 0);
    writer_room();
    writer_crash();
    test_tmpdir_done();
    return test_finish("test_recording_meta_long");
}
