/* The streaming writer: block split, metadata and late keys, refusals,
 * a full disk (file-size limit) and a crash without close. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backline/backline.h"
#include "backline/recording.h"

static float wsig(size_t c, size_t i)
{
    /* Within full scale: the integer formats are compared exactly. */
    return (float)(0.7 * sin(0.001 * (double)i * (double)(c + 1)) + ((i % 997) == 0 ? 0.25 : 0.0));
}

static void writer_blocks(const char *file, bl_sample_format fmt, double tol, size_t C)
{
    const size_t sizes[] = {1, 100, 4096, 7, 0, 3000, 2803};
    size_t N = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        N += sizes[k];
    char why[512];
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp(file), C, 48000, fmt, NULL, &w, why, sizeof why), BL_OK);
    if (!w)
        return;
    float *buf = malloc(4096 * C * sizeof *buf);
    size_t pos = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (size_t i = 0; i < sizes[k]; i++)
            for (size_t c = 0; c < C; c++)
                buf[i * C + c] = wsig(c, pos + i);
        CHECK_EQ_INT(bl_writer_write(w, buf, sizes[k], why, sizeof why), BL_OK);
        pos += sizes[k];
        CHECK_EQ_INT(bl_writer_frames(w), pos);
    }
    free(buf);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp(file), &l, why, sizeof why), BL_OK);
    if (!l)
        return;
    CHECK_EQ_INT(bl_recording_frames(l), N);
    CHECK_EQ_INT(bl_recording_channels(l), C);
    CHECK_NEAR(bl_recording_rate(l), 48000, 0);
    double worst = 0;
    for (size_t c = 0; c < C; c++)
        for (size_t i = 0; i < N; i++) {
            double d = fabs((double)bl_recording_cdata(l, c)[i] - wsig(c, i));
            if (d > worst)
                worst = d;
        }
    CHECK_MSG(worst <= tol, "%s: max error %.3g > %.3g", file, worst, tol);
    /* Even without `meta` the file says who wrote it. */
    CHECK(bl_recording_meta(l, "software") != NULL || strstr(file, ".w64"));
    bl_recording_destroy(l);
}

static bl_recording *capture_meta(size_t C)
{
    bl_recording *m = NULL;
    CHECK_EQ_INT(bl_recording_create(C, 0, 44100, &m), BL_OK);
    CHECK_EQ_INT(bl_recording_set_map(m, C == 3 ? "R.ST,R.BF,AUX" : "ST", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(m, 0, 1000), BL_OK);
    if (C > 1)
        CHECK_EQ_INT(bl_recording_set_gain(m, 1, 1250.5), BL_OK);
    CHECK_EQ_INT(bl_recording_set_full_scale(m, 1.55), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(m, "device", "hw:CARD=USB,DEV=0"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(m, "start_time", "2026-11-21T10:11:12Z"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(m, "overruns", "0"), BL_OK);
    return m;
}

static void writer_meta(const char *file, bl_sample_format fmt, int late_ok)
{
    char why[512];
    bl_recording *m = capture_meta(3);
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp(file), 3, 44100, fmt, m, &w, why, sizeof why), BL_OK);
    if (!w) {
        bl_recording_destroy(m);
        return;
    }
    /* Before any audio every format takes keys. */
    CHECK_EQ_INT(bl_writer_set_meta(w, "ring_overflows", "0"), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "map", "ST"), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_set_meta(w, "Bad", "1"), BL_EINVAL);
    float buf[3 * 500];
    for (int i = 0; i < 1500; i++)
        buf[i] = (float)(i % 100) / 200.0f;
    CHECK_EQ_INT(bl_writer_write(w, buf, 500, why, sizeof why), BL_OK);
    bl_status late = bl_writer_set_meta(w, "overruns", "17");
    CHECK_EQ_INT(late, late_ok ? BL_OK : BL_ESTATE);
    CHECK_EQ_INT(bl_writer_write(w, buf, 500, why, sizeof why), BL_OK);
    if (late_ok)
        CHECK_EQ_INT(bl_writer_set_meta(w, "end_time", "2026-11-21T10:21:12Z"), BL_OK);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);

    /* Expected in the file: the late value where late keys are stored. */
    CHECK_EQ_INT(bl_recording_set_meta(m, "overruns", late_ok ? "17" : "0"), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp(file), &l, why, sizeof why), BL_OK);
    if (l) {
        CHECK_EQ_INT(bl_recording_frames(l), 1000);
        test_check_same_meta(m, l, file);
        const char *ov = bl_recording_meta(l, "overruns");
        CHECK_MSG(ov && strcmp(ov, late_ok ? "17" : "0") == 0, "%s: overruns=%s", file,
                  ov ? ov : "(missing)");
        CHECK(bl_recording_meta(l, "ring_overflows") && strcmp(bl_recording_meta(l, "ring_overflows"), "0") == 0);
        CHECK((bl_recording_meta(l, "end_time") != NULL) == late_ok);
        CHECK(bl_recording_meta(l, "software") != NULL);
        CHECK(strcmp(bl_recording_unit(l), "full scale") == 0);
        /* The audio is intact after the late metadata chunk. */
        for (int i = 0; i < 1000; i++)
            if (fabs(bl_recording_cdata(l, 1)[i] - (float)((i % 500 * 3 + 1) % 100) / 200.0f) > 1e-4) {
                CHECK_MSG(0, "%s: sample %d differs", file, i);
                break;
            }
    }
    bl_recording_destroy(l);
    bl_recording_destroy(m);
}

static void test_writer(void)
{
    writer_blocks("wf.wav", BL_FORMAT_FLOAT32, 0, 3);
    writer_blocks("w24.wav", BL_FORMAT_PCM24, 2.0 / 8388608, 3);
    writer_blocks("w16.wav", BL_FORMAT_PCM16, 2.0 / 32768, 2);
    writer_blocks("w24.flac", BL_FORMAT_PCM24, 2.0 / 8388608, 4);
    writer_blocks("w32.caf", BL_FORMAT_PCM32, 1e-7, 1);
    writer_blocks("w24.w64", BL_FORMAT_PCM24, 2.0 / 8388608, 2);

    writer_meta("wm.wav", BL_FORMAT_PCM24, 1);
    writer_meta("wmf.wav", BL_FORMAT_FLOAT32, 1);
    writer_meta("wm.caf", BL_FORMAT_PCM16, 1);
    writer_meta("wm.flac", BL_FORMAT_PCM24, 0);
    writer_meta("wm.aiff", BL_FORMAT_PCM16, 0);

    char why[512];
    bl_writer *w = NULL;
    /* Meta with another channel count. */
    bl_recording *m = capture_meta(1);
    CHECK_EQ_INT(bl_writer_open(test_tmp("mm.wav"), 2, 44100, BL_FORMAT_PCM16, m, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK(w == NULL);
    CHECK_MSG(strstr(why, "1") && strstr(why, "2"), "why: %s", why);
    bl_recording_destroy(m);
    CHECK_EQ_INT(bl_writer_open(test_tmp("wf.flac"), 2, 44100, BL_FORMAT_FLOAT32, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open("/nonexistent-dir/c.wav", 2, 44100, BL_FORMAT_PCM16, NULL, &w, why,
                                sizeof why),
                 BL_EIO);

    /* Metadata limit on the writer: refused, old value kept. */
    CHECK_EQ_INT(bl_writer_open(test_tmp("lim.wav"), 1, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_OK);
    char val[513];
    memset(val, 'q', 512);
    val[512] = '\0';
    /* BL_RECORDING_META_MAX (32768) holds 63 such keys and the rest; the
     * 64th is refused. */
    int n = 0;
    char key[8];
    for (bl_status st = BL_OK; st == BL_OK && n < 100; n++) {
        snprintf(key, sizeof key, "k%02d", n);
        st = bl_writer_set_meta(w, key, val);
    }
    CHECK_MSG(n == 64, "the writer took %d keys of 512 bytes", n - 1); /* k63 refused */
    CHECK_EQ_INT(bl_writer_set_meta(w, "k61", "short"), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "k63", val), BL_OK); /* now it fits */
    float z[10] = {0};
    CHECK_EQ_INT(bl_writer_write(w, z, 10, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_writer_write(w, NULL, 0, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_writer_write(w, NULL, 5, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp("lim.wav"), &l, why, sizeof why), BL_OK);
    CHECK(l && bl_recording_meta(l, "k61") && strcmp(bl_recording_meta(l, "k61"), "short") == 0);
    CHECK(l && bl_recording_meta(l, "k63") && strcmp(bl_recording_meta(l, "k63"), val) == 0);
    CHECK(l && bl_recording_meta(l, "k64") == NULL && bl_recording_warning_count(l) == 0);
    bl_recording_destroy(l);

    /* Closing without audio: valid header, but no frames to load. */
    CHECK_EQ_INT(bl_writer_open(test_tmp("none.wav"), 2, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_OK);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_recording_load(test_tmp("none.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "no audio frames") != NULL, "why: %s", why);
}

/* Child: write until the file-size limit stops us; report through a pipe. */
struct full_report {
    int first_fail_status;
    int second_fail_status;
    int late_meta_status;
    int close_status;
    int dirty_status;
    size_t frames;
    char why[256];
};

static float fsig(size_t c, size_t i)
{
    return (float)((double)((i * 13 + c * 5) % 2001) / 1000.0 - 1.0) * 0.9f;
}

static void full_disk_child(const char *path, bl_sample_format fmt, int fd, int crash)
{
    signal(SIGXFSZ, SIG_IGN); /* get EFBIG instead of being killed */
    struct rlimit rl = {64 * 1024, 64 * 1024};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        _exit(3);
    struct full_report rep;
    memset(&rep, 0, sizeof rep);
    bl_recording *m = capture_meta(3);
    bl_writer *w = NULL;
    if (bl_writer_open(path, 3, 44100, fmt, m, &w, rep.why, sizeof rep.why) != BL_OK)
        _exit(4);
    float buf[3 * 331];
    size_t pos = 0;
    bl_status st = BL_OK;
    for (int k = 0; k < 1000 && st == BL_OK; k++) {
        for (size_t i = 0; i < 331; i++)
            for (size_t c = 0; c < 3; c++)
                buf[i * 3 + c] = fsig(c, pos + i);
        st = bl_writer_write(w, buf, 331, rep.why, sizeof rep.why);
        pos += 331;
        /* A key changed after audio, then the disk fills: the early
         * metadata (with the map) must survive; the late key is lost. */
        if (k == 0)
            rep.dirty_status = bl_writer_set_meta(w, "ring_overflows", "2");
        if (crash && pos > 5000)
            _exit(0); /* no close: power cut */
    }
    rep.first_fail_status = st;
    rep.frames = bl_writer_frames(w);
    char why2[256];
    rep.second_fail_status = bl_writer_write(w, buf, 10, why2, sizeof why2);
    rep.late_meta_status = bl_writer_set_meta(w, "overruns", "5");
    rep.close_status = bl_writer_close(w, why2, sizeof why2);
    bl_recording_destroy(m);
    if (write(fd, &rep, sizeof rep) != (ssize_t)sizeof rep)
        _exit(5);
    _exit(0);
}

static void full_disk(const char *file, bl_sample_format fmt, double tol, int exact)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        full_disk_child(test_tmp(file), fmt, fds[1], 0);
    }
    close(fds[1]);
    struct full_report rep;
    memset(&rep, 0, sizeof rep);
    ssize_t got = read(fds[0], &rep, sizeof rep);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK_MSG(got == (ssize_t)sizeof rep && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s: child failed (status %d, got %zd)", file, status, got);
    if (got != (ssize_t)sizeof rep)
        return;
    CHECK_EQ_INT(rep.first_fail_status, BL_EIO);
    CHECK_MSG(strstr(rep.why, "File too large") && strstr(rep.why, file), "%s: why: %s", file, rep.why);
    CHECK_EQ_INT(rep.second_fail_status, BL_EIO);
    CHECK_EQ_INT(rep.late_meta_status, BL_ESTATE);
    CHECK_EQ_INT(rep.close_status, BL_OK);
    CHECK_EQ_INT(rep.dirty_status, exact ? BL_OK : BL_ESTATE); /* FLAC: no late keys */
    CHECK_MSG(rep.frames > 1000, "%s: only %zu frames written", file, rep.frames);
    CHECK_MSG(test_file_size(test_tmp(file)) <= 64 * 1024, "%s: size %ld", file, test_file_size(test_tmp(file)));

    char why[512];
    bl_recording *l = NULL;
    bl_status st = bl_recording_load(test_tmp(file), &l, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: after full disk, load %d: %s", file, st, why);
    if (!l)
        return;
    if (exact)
        CHECK_EQ_INT(bl_recording_frames(l), rep.frames);
    else { /* FLAC: the encoder's last buffered block is lost with the disk */
        CHECK_MSG(bl_recording_frames(l) > 0 && bl_recording_frames(l) <= rep.frames,
                  "%s: %zu frames of %zu", file, bl_recording_frames(l), rep.frames);
        /* If decoding stopped on the cut, the recording says so. */
        const char *t = bl_recording_meta(l, "truncated");
        CHECK(t == NULL || strcmp(t, "1") == 0);
        printf("%s: truncated=%s\n", file, t ? t : "(not set)");
    }
    printf("%s: writer stopped at %zu frames (%s), file loads with %zu frames\n", file, rep.frames,
           rep.why, bl_recording_frames(l));
    double worst = 0;
    for (size_t c = 0; c < 3; c++)
        for (size_t i = 0; i < bl_recording_frames(l); i++) {
            double d = fabs((double)bl_recording_cdata(l, c)[i] - fsig(c, i));
            if (d > worst)
                worst = d;
        }
    CHECK_MSG(worst <= tol, "%s: max error %.3g", file, worst);
    CHECK(bl_recording_map(l) && strcmp(bl_recording_map(l), "R.ST,R.BF,AUX") == 0);
    CHECK(bl_recording_meta(l, "overruns") && strcmp(bl_recording_meta(l, "overruns"), "0") == 0);
    CHECK(bl_recording_meta(l, "ring_overflows") == NULL);
    bl_recording_destroy(l);
}

/* Size field of the first data chunk of a RIFF WAV; -1 if none. */
static long wav_data_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char h[8];
    long pos = 12, result = -1;
    while (fseek(f, pos, SEEK_SET) == 0 && fread(h, 1, 8, f) == 8) {
        long len = (long)((unsigned long)h[4] | (unsigned long)h[5] << 8 | (unsigned long)h[6] << 16 |
                          (unsigned long)h[7] << 24);
        if (memcmp(h, "data", 4) == 0) {
            result = len;
            break;
        }
        pos += 8 + len + (len & 1);
    }
    fclose(f);
    return result;
}

static void test_full_disk_and_crash(void)
{
    full_disk("full16.wav", BL_FORMAT_PCM16, 2.0 / 32768, 1);
    full_disk("fullf.wav", BL_FORMAT_FLOAT32, 0, 1);
    full_disk("full24.caf", BL_FORMAT_PCM24, 2.0 / 8388608, 1);
    full_disk("full24.flac", BL_FORMAT_PCM24, 2.0 / 8388608, 0);

    /* Killed without close: the header written after each block keeps the
     * file loadable with every frame written. */
    pid_t pid = fork();
    if (pid == 0)
        full_disk_child(test_tmp("crash.wav"), BL_FORMAT_PCM24, -1, 1);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char why[512];
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp("crash.wav"), &l, why, sizeof why), BL_OK);
    CHECK_MSG(l && bl_recording_frames(l) == 331 * 16, "crash.wav: %zu frames (%s)",
              l ? bl_recording_frames(l) : 0, why);
    CHECK(l && bl_recording_map(l) && strcmp(bl_recording_map(l), "R.ST,R.BF,AUX") == 0);
    bl_recording_destroy(l);
    /* libsndfile recovers a zero data size by itself; other readers (SciPy,
     * Python's wave) need the sizes in the header to be current. */
    CHECK_EQ_INT(wav_data_size(test_tmp("crash.wav")), 331 * 16 * 3 * 3);
}


int main(void)
{
    test_tmpdir_make("bl_test_recording_writer");
    test_writer();
    test_full_disk_and_crash();
    test_tmpdir_done();
    return test_finish("test_recording_writer");
}
