/* Envelopes in bounded memory (bl_spool_load_at, bl_envelope_spool): a
 * recording that fits one block gives bl_envelope_in_place's envelopes bit
 * for bit; split into blocks it agrees to 1e-6 of each limb channel's peak
 * (trunk channels, whose ECG is removed per block, within 3 % RMS); the
 * mains choice is the same; a spool beyond memory goes to TMPDIR and reads
 * back the file's samples (a float32 WAV at the analysis rate is read back
 * from itself), also into a reused recording; a TMPDIR that cannot hold it
 * is one error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/envelope.h"
#include "backline/synth.h"
#include "check.h"
#include "rectest.h"
#include "synthtest.h"

typedef struct {
    bl_recording *out; /* the envelopes gathered, frames as the whole */
    size_t calls;
} gather_t;

static bl_status gather(void *user, const bl_recording *env, size_t offset, size_t frames, size_t first_frame)
{
    gather_t *g = user;
    g->calls++;
    if (first_frame + frames > bl_recording_frames(g->out)) return BL_ERANGE;
    for (size_t c = 0; c < bl_recording_channels(env); c++)
        memcpy(bl_recording_data(g->out, c) + first_frame, bl_recording_cdata(env, c) + offset,
               frames * sizeof(float));
    return BL_OK;
}

/* A 2 kHz hinge set with 50 Hz hum and ECG on the trunk, saved. */
static void make_session(const char *path, int reps)
{
    bl_synth_config sc;
    bl_synth_config_default(&sc);
    sc.seed = 11;
    bl_synth *s = test_make_synth(&sc);
    bl_synth_hinge_config hc;
    bl_synth_hinge_config_default(&hc);
    hc.reps = reps;
    bl_recording *rec = NULL;
    if (bl_synth_hinge(s, &hc, &rec, NULL) != BL_OK) test_fail("synth hinge failed");
    char why[256] = "";
    if (bl_recording_save(rec, path, BL_FORMAT_FLOAT32, why, sizeof why) != BL_OK) test_fail(why);
    bl_recording_destroy(rec);
    bl_synth_destroy(s);
}

static bl_recording *whole_envelope(const char *path, const bl_envelope_config *cfg, bl_condition_report *rep)
{
    bl_recording *rec = NULL;
    char why[256] = "";
    if (bl_recording_load_at(path, cfg->rate_hz, &rec, why, sizeof why) != BL_OK) test_fail(why);
    bl_recording_to_microvolts(rec);
    CHECK_EQ_INT(bl_envelope_in_place(rec, cfg, rep), BL_OK);
    return rec;
}

static bl_recording *spool_envelope(const char *path, const bl_envelope_config *cfg, size_t block,
                                    bl_condition_report *rep, size_t *calls)
{
    bl_spool *sp = NULL;
    char why[256] = "";
    if (bl_spool_load_at(path, cfg->rate_hz, NULL, NULL, &sp, why, sizeof why) != BL_OK) test_fail(why);
    CHECK_EQ_INT(bl_spool_to_microvolts(sp), BL_OK);
    gather_t g = {NULL, 0};
    if (bl_recording_create_like(bl_spool_info(sp), bl_spool_frames(sp), cfg->rate_hz, &g.out) != BL_OK)
        test_fail("out of memory");
    CHECK_EQ_INT(bl_envelope_spool(sp, cfg, block, gather, &g, rep), BL_OK);
    *calls = g.calls;
    bl_spool_destroy(sp);
    return g.out;
}

static void check_blocks(void)
{
    const char *path = test_tmp("session.wav");
    make_session(path, 8);
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    bl_condition_report ra, rb, rc;
    size_t calls = 0;
    bl_recording *a = whole_envelope(path, &cfg, &ra);
    bl_recording *b = spool_envelope(path, &cfg, 0, &rb, &calls);
    const size_t n = bl_recording_frames(a), nch = bl_recording_channels(a);
    CHECK_MSG(calls == 1, "a %.0f s set is one block (%zu)", (double)n / cfg.rate_hz, calls);
    for (size_t c = 0; c < nch; c++)
        CHECK_MSG(memcmp(bl_recording_cdata(a, c), bl_recording_cdata(b, c), n * sizeof(float)) == 0,
                  "one block: channel %zu differs from bl_envelope_in_place", c);
    CHECK(ra.mains_hz == 50 && rb.mains_hz == ra.mains_hz && rb.mains_prominence_db == ra.mains_prominence_db);
    CHECK(rb.ecg_beats == ra.ecg_beats && rb.ecg_treated == ra.ecg_treated);

    /* Blocks of 8 s: the set is cut many times, inside bursts too. */
    bl_recording *c3 = spool_envelope(path, &cfg, (size_t)(8 * cfg.rate_hz), &rc, &calls);
    CHECK_MSG(calls >= 4, "8 s blocks: %zu calls", calls);
    printf("%.1f s in %zu blocks; beats %zu whole, %zu in blocks\n", (double)n / cfg.rate_hz, calls, ra.ecg_beats,
           rc.ecg_beats);
    CHECK(rc.mains_hz == ra.mains_hz && rc.mains_prominence_db == ra.mains_prominence_db);
    const bl_chanmap *map = bl_recording_chanmap(a);
    for (size_t c = 0; c < nch; c++) {
        const float *x = bl_recording_cdata(a, c), *y = bl_recording_cdata(c3, c);
        double peak = 0, worst = 0, se = 0, sx = 0;
        for (size_t i = 0; i < n; i++) {
            peak = fmax(peak, fabs(x[i]));
            worst = fmax(worst, fabs((double)x[i] - y[i]));
            se += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
            sx += (double)x[i] * x[i];
        }
        int trunk = bl_muscle_group(bl_chanmap_muscle(map, c)) == BL_GROUP_TRUNK;
        printf("channel %zu%s: blocks vs whole: max %.3g of peak, %.3g RMS\n", c, trunk ? " (trunk)" : "",
               worst / peak, sqrt(se / sx));
        if (trunk)
            CHECK_MSG(sqrt(se / sx) < 0.03, "channel %zu (trunk): blocks differ by %.3g RMS", c, sqrt(se / sx));
        else
            CHECK_MSG(worst <= 1e-6 * peak, "channel %zu: blocks differ by %.3g of its peak", c, worst / peak);
    }
    CHECK(rc.blocks == calls && rc.blocks > 1);
    CHECK_MSG(fabs((double)rc.ecg_beats - (double)ra.ecg_beats) <= 2, "beats %zu in blocks, %zu whole", rc.ecg_beats,
              ra.ecg_beats);
    bl_recording_destroy(a);
    bl_recording_destroy(b);
    bl_recording_destroy(c3);
}

/* test_make_rec's recording, saved as float32 at `path` (the test fails
 * when it cannot be). */
static bl_recording *saved_rec(const char *path, size_t channels, size_t frames, double rate, size_t nan_ch,
                               size_t nan_frame, const char *map)
{
    bl_recording *rec = test_make_rec(channels, frames, rate);
    if (nan_ch < channels) bl_recording_data(rec, nan_ch)[nan_frame] = NAN;
    if (map) bl_recording_set_map(rec, map, NULL, 0);
    char why[512] = "";
    if (bl_recording_save(rec, path, BL_FORMAT_FLOAT32, why, sizeof why) != BL_OK) test_fail(why);
    return rec;
}

/* Ranges of the spool against `want`'s frames, by bl_spool_read and by
 * bl_spool_read_into (into one recording reused across lengths); past
 * the end and another channel count are refused. */
static void check_ranges(bl_spool *sp, const bl_recording *want, const char *what)
{
    const size_t n = bl_recording_frames(want), nch = bl_recording_channels(want);
    const size_t starts[] = {0, 123457, n - 4097}, lens[] = {4097, 70001, 4097};
    bl_recording *into = NULL, *other = NULL;
    CHECK_EQ_INT(bl_spool_read(sp, 0, 100, &into), BL_OK);
    for (size_t k = 0; sp && into && k < 3; k++) {
        bl_recording *part = NULL;
        CHECK_EQ_INT(bl_spool_read(sp, starts[k], lens[k], &part), BL_OK);
        CHECK_EQ_INT(bl_spool_read_into(sp, starts[k], lens[k], into), BL_OK);
        CHECK(bl_recording_frames(into) == lens[k]);
        for (size_t c = 0; part && c < nch; c++) {
            const float *x = bl_recording_cdata(want, c) + starts[k];
            CHECK_MSG(memcmp(bl_recording_cdata(part, c), x, lens[k] * sizeof(float)) == 0,
                      "%s: spooled frames from %zu, channel %zu differ", what, starts[k], c);
            CHECK_MSG(memcmp(bl_recording_cdata(into, c), x, lens[k] * sizeof(float)) == 0,
                      "%s: frames read into a reused recording from %zu, channel %zu differ", what, starts[k], c);
        }
        bl_recording_destroy(part);
    }
    bl_recording *past = NULL;
    CHECK_EQ_INT(bl_spool_read(sp, n - 10, 11, &past), BL_ERANGE);
    CHECK_EQ_INT(bl_spool_read_into(sp, n - 10, 11, into), BL_ERANGE);
    CHECK_EQ_INT(bl_recording_create(nch + 1, 10, 2000, &other), BL_OK);
    CHECK_EQ_INT(bl_spool_read_into(sp, 0, 10, other), BL_EINVAL);
    CHECK_EQ_INT(bl_spool_read_into(sp, 0, 10, NULL), BL_EINVAL);
    bl_recording_destroy(other);
    bl_recording_destroy(into);
}

/* 8 channels x 10 minutes at 2 kHz (38 MB of float32, 29 MB of 24-bit):
 * beyond memory. A float32 WAV at the analysis rate is its own spool (no
 * TMPDIR needed); a 24-bit one goes to TMPDIR. */
static void check_spill(void)
{
    const char *path = test_tmp("long.wav"), *path24 = test_tmp("long24.wav");
    bl_recording *rec = saved_rec(path, 8, 2000 * 600, 2000, SIZE_MAX, 0, NULL);
    char why[512] = "";
    if (bl_recording_save(rec, path24, BL_FORMAT_PCM24, why, sizeof why) != BL_OK) test_fail(why);
    bl_recording *rec24 = NULL;
    if (bl_recording_load(path24, &rec24, why, sizeof why) != BL_OK) test_fail(why);
    setenv("TMPDIR", test_tmpdir(), 1);
    bl_spool *sp = NULL;
    CHECK_EQ_INT(bl_spool_load_at(path, 2000, NULL, NULL, &sp, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_spool_frames(sp), bl_recording_frames(rec));
    check_ranges(sp, rec, "float32");
    bl_spool_destroy(sp);
    sp = NULL;
    CHECK_EQ_INT(bl_spool_load_at(path24, 2000, NULL, NULL, &sp, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_spool_frames(sp), bl_recording_frames(rec24));
    check_ranges(sp, rec24, "24-bit");
    bl_spool_destroy(sp);

    setenv("TMPDIR", "/nonexistent-backline-dir", 1);
    sp = NULL;
    why[0] = '\0';
    CHECK_EQ_INT(bl_spool_load_at(path24, 2000, NULL, NULL, &sp, why, sizeof why), BL_EIO);
    CHECK_MSG(strstr(why, "/nonexistent-backline-dir") && !strchr(why, '\n'), "why: %s", why);
    CHECK(sp == NULL);
    CHECK_EQ_INT(bl_spool_load_at(path, 2000, NULL, NULL, &sp, why, sizeof why), BL_OK); /* its own spool */
    if (sp) check_ranges(sp, rec, "float32 without TMPDIR");
    bl_spool_destroy(sp);
    unsetenv("TMPDIR");
    bl_recording_destroy(rec);
    bl_recording_destroy(rec24);
}

/* Rates the decimator does not cover are loaded whole and resampled, and
 * still checked sample by sample; a short audio-rate file is as long as
 * its analysis-rate frames say. */
static void check_other_rates(void)
{
    const char *path = test_tmp("k1.wav");
    bl_recording *rec = saved_rec(path, 3, 10000, 1000, 1, 1234, NULL);
    char why[512] = "";
    bl_spool *sp = NULL;
    CHECK_EQ_INT(bl_spool_load_at(path, 2000, NULL, NULL, &sp, why, sizeof why), BL_ENONFINITE);
    CHECK_MSG(strstr(why, "channel 2 at frame 1234"), "1 kHz NaN: %s", why);
    bl_recording_destroy(rec);

    path = test_tmp("short48k.wav");
    rec = saved_rec(path, 2, 9600, 48000, SIZE_MAX, 0, "L.ST,L.BF"); /* 0.2 s: 400 frames at 2 kHz */
    CHECK_EQ_INT(bl_spool_load_at(path, 2000, NULL, NULL, &sp, why, sizeof why), BL_OK);
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    gather_t g = {NULL, 0};
    if (sp && bl_recording_create_like(bl_spool_info(sp), bl_spool_frames(sp), 2000, &g.out) == BL_OK) {
        bl_condition_report rep;
        CHECK_EQ_INT(bl_envelope_spool(sp, &cfg, 0, gather, &g, &rep), BL_OK);
        CHECK(g.calls == 1 && rep.blocks == 1);
    }
    bl_recording_destroy(g.out);
    bl_spool_destroy(sp);
    bl_recording_destroy(rec);
}

/* 12 channels x 200 s (two blocks, over a vector width of channels): the
 * same bits on one thread and on two. */
static void check_threads(void)
{
    const char *path = test_tmp("wide.wav");
    bl_recording *rec = saved_rec(path, 12, 2000 * 200, 2000, SIZE_MAX, 0, NULL);
    bl_envelope_config one, two;
    bl_envelope_config_default(&one);
    one.threads = 1;
    two = one;
    two.threads = 2;
    bl_condition_report r1, r2;
    size_t calls = 0;
    bl_recording *t1 = spool_envelope(path, &one, 0, &r1, &calls);
    bl_recording *t2 = spool_envelope(path, &two, 0, &r2, &calls);
    CHECK_MSG(calls == 2 && r2.blocks == 2, "200 s: %zu blocks", calls);
    for (size_t c = 0; c < 12; c++)
        CHECK_MSG(memcmp(bl_recording_cdata(t1, c), bl_recording_cdata(t2, c), 2000 * 200 * sizeof(float)) == 0,
                  "channel %zu: 1 and 2 threads differ", c);
    bl_recording_destroy(t1);
    bl_recording_destroy(t2);
    bl_recording_destroy(rec);
}

int main(void)
{
    test_tmpdir_make("bl_test_envelope_spool");
    check_blocks();
    check_spill();
    check_other_rates();
    check_threads();
    test_tmpdir_done();
    return test_finish("test_envelope_spool");
}
