/* The live hinge segmenter's behaviour and contract (bl_hinge_stream;
 * its agreement with the offline analysis is test_hinge_stream.c): blocks
 * of any size give identical results; a refused block (NaN, infinity)
 * changes nothing; reset equals a fresh stream; the live state (in a
 * repetition, the hamstrings' balance) in and between repetitions; no
 * references (unknown, offline's reason) and a session-peak reference;
 * the queue's overflow; process and the getters allocate nothing; contract
 * errors. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "streamtest.h"

/* Allocation counting for the real-time check: glibc lets a program
 * replace malloc; these forward to it and count while `counting` is set.
 * Not under AddressSanitizer, which owns malloc itself. */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define TEST_COUNT_ALLOCATIONS 1
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static int counting;
static size_t allocations;
void *malloc(size_t n)
{
    allocations += counting;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    allocations += counting;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    allocations += counting;
    return __libc_realloc(p, n);
}
#endif

static int same_reps(const test_live *a, const test_live *b)
{
    if (a->n != b->n) return 0;
    for (size_t k = 0; k < a->n; k++) {
        const bl_hinge_live_rep *x = &a->rep[k], *y = &b->rep[k];
        if (x->index != y->index || x->start_s != y->start_s || x->end_s != y->end_s ||
            x->confirmed_s != y->confirmed_s || x->verdict != y->verdict || strcmp(x->reason, y->reason) ||
            memcmp(&x->chain_index, &y->chain_index, sizeof x->chain_index) ||
            memcmp(x->mean_pct, y->mean_pct, sizeof x->mean_pct))
            return 0;
    }
    return 1;
}

/* Irregular blocks (1 frame up to several seconds) give what blocks of 64
 * give, bit for bit, and so does the end state of the meters. */
static void check_block_invariance(const test_set *st)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    static const size_t b64[] = {64}, odd[] = {1, 7, 333, 4096, 2, 999, 12000, 17, 640};
    test_live *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (!a || !b || test_stream_run(st, &sc, st->ref, b64, 1, a) || test_stream_run(st, &sc, st->ref, odd, 9, b)) {
        CHECK(0);
    } else {
        CHECK_MSG(same_reps(a, b), "%s: blocks of 64 and irregular blocks differ (%zu vs %zu reps)", st->label,
                  a->n, b->n);
        CHECK(memcmp(&a->end_state, &b->end_state, sizeof a->end_state) == 0);
        printf("%s: blocks of 64 and irregular blocks (1..12000 frames): %zu repetitions, identical\n", st->label,
               a->n);
    }
    free(a);
    free(b);
}

/* A block with a NaN is refused whole and changes nothing; reset gives
 * what a fresh stream gives. */
static void check_refusal_and_reset(const test_set *st)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    static const size_t b256[] = {256};
    test_live *want = malloc(sizeof *want);
    bl_hinge_stream *s = NULL;
    if (!want || test_stream_run(st, &sc, st->ref, b256, 1, want) ||
        bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, st->ref, &s) != BL_OK) {
        CHECK(0);
        free(want);
        return;
    }
    float *bad = malloc(256 * st->nch * sizeof *bad);
    for (int pass = 0; bad && pass < 2; pass++) {
        /* Pass 0 refuses a poisoned copy of every 50th block; pass 1 runs
         * again after a reset (and some signal fed before it). */
        size_t got = 0, at = 0, completed = 0;
        int same = 1;
        for (size_t k = 0; at < st->frames; k++) {
            size_t len = st->frames - at < 256 ? st->frames - at : 256;
            if (pass == 0 && k % 50 == 10) {
                memcpy(bad, st->inter + at * st->nch, len * st->nch * sizeof *bad);
                bad[len * st->nch / 2] = NAN;
                CHECK_EQ_INT(bl_hinge_stream_process(s, bad, len, &completed), BL_ENONFINITE);
                CHECK_EQ_INT(completed, 0);
                bad[len * st->nch / 2] = INFINITY;
                CHECK_EQ_INT(bl_hinge_stream_process(s, bad, len, NULL), BL_ENONFINITE);
            }
            CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter + at * st->nch, len, NULL), BL_OK);
            at += len;
            bl_hinge_live_rep r;
            while (bl_hinge_stream_next_rep(s, &r) == BL_OK) {
                if (got >= want->n || memcmp(&r, &want->rep[got], sizeof r)) same = 0;
                got++;
            }
        }
        CHECK_MSG(same && got == want->n, "%s: %s: %zu repetitions, %zu wanted, %s", st->label,
                  pass ? "after reset" : "with refused blocks", got, want->n, same ? "same" : "different");
        bl_hinge_stream_reset(s);
        bl_hinge_live_state ls;
        CHECK_EQ_INT(bl_hinge_stream_get_state(s, &ls), BL_OK);
        CHECK(isnan(ls.time_s) && !ls.in_repetition && bl_hinge_stream_reps(s) == 0);
        if (pass == 0) { /* feed something, then reset again: nothing of it may remain */
            CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter, st->frames / 3, NULL), BL_OK);
            bl_hinge_stream_reset(s);
        }
    }
    free(bad);
    bl_hinge_stream_destroy(s);
    free(want);
}

/* The meters' state: inside each repetition's concentric part the
 * hamstrings are active and the balance leans the way the pattern was
 * generated (in at least 95 % of its 20 ms readings); well between
 * repetitions nothing is active and there is no balance. */
static void check_live_state(const test_set *st, bl_synth_pattern pattern)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, st->ref, &s), BL_OK);
    if (!s) return;
    size_t nt = bl_synth_truth_reps(st->truth), in_ok = 0, in_n = 0, rest_ok = 0, rest_n = 0, sign_ok = 0;
    int want_sign = pattern == BL_SYNTH_INTERNAL ? 1 : -1;
    double lat = bl_hinge_stream_latency(s) / st->rate, bal_min = INFINITY, bal_max = -INFINITY;
    const size_t step = 20; /* 10 ms */
    for (size_t at = 0; at < st->frames; at += step) {
        size_t len = st->frames - at < step ? st->frames - at : step;
        bl_hinge_stream_process(s, st->inter + at * st->nch, len, NULL);
        bl_hinge_live_state ls;
        bl_hinge_stream_get_state(s, &ls);
        /* The state describes the signal the delay ago. */
        double t = (double)(at + len) / st->rate - lat - 0.05;
        for (size_t k = 0; k < nt; k++) {
            bl_synth_rep tr;
            bl_synth_truth_get_rep(st->truth, k, &tr);
            double next = k + 1 < nt ? (bl_synth_truth_get_rep(st->truth, k + 1, &tr), tr.start_s) : INFINITY;
            bl_synth_truth_get_rep(st->truth, k, &tr);
            if (t > tr.turn_s + 0.3 && t < tr.end_s - 0.2) {
                in_n++;
                if (ls.in_repetition && ls.hamstrings_active && isfinite(ls.balance)) {
                    in_ok++;
                    bal_min = fmin(bal_min, ls.balance);
                    sign_ok += ls.balance * want_sign > 0;
                    bal_max = fmax(bal_max, ls.balance);
                }
            } else if (t > tr.end_s + 0.8 && t < next - 0.5) {
                rest_n++;
                rest_ok += !ls.in_repetition && !ls.hamstrings_active && isnan(ls.balance);
            }
        }
    }
    printf("%s: live state: active with a balance in %zu/%zu concentric points (balance %+.2f..%+.2f, %zu on "
           "the generated side), quiet in %zu/%zu rest points\n", st->label, in_ok, in_n, bal_min, bal_max, sign_ok,
           rest_ok, rest_n);
    CHECK_MSG(in_n > 50 && in_ok == in_n, "%s: active in %zu of %zu", st->label, in_ok, in_n);
    CHECK_MSG(rest_n > 50 && rest_ok == rest_n, "%s: quiet in %zu of %zu", st->label, rest_ok, rest_n);
    /* A 20 ms reading is noisy at the turn: the meter must lean the
     * generated way in at least 95 % of them. */
    CHECK_MSG(sign_ok >= 0.95 * (double)in_ok, "%s: balance on the generated side in %zu of %zu", st->label,
              sign_ok, in_ok);
    bl_hinge_stream_destroy(s);
}

/* Without references: the same repetitions, every verdict unknown with
 * offline's reason, no live balance. With one channel's reference only a
 * session peak: that channel is left out, so no label (as offline). */
static void check_references(const test_set *st, const test_live *with)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    static const size_t b256[] = {256};
    test_live *lv = malloc(sizeof *lv);
    if (lv && test_stream_run(st, &sc, NULL, b256, 1, lv) == 0) {
        CHECK_EQ_INT(lv->n, with->n);
        for (size_t k = 0; k < lv->n && k < with->n; k++) {
            CHECK(lv->rep[k].start_s == with->rep[k].start_s && lv->rep[k].end_s == with->rep[k].end_s);
            CHECK(lv->rep[k].verdict == BL_VERDICT_UNKNOWN && strstr(lv->rep[k].reason, "no MVC trials"));
        }
        CHECK(isnan(lv->end_state.balance) && isnan(lv->end_state.hamstring_pct));
    }
    bl_mvc_reference refs[TEST_MAX_CH];
    memcpy(refs, st->ref, sizeof refs);
    refs[1].source = BL_MVC_SESSION_PEAK; /* L.BF */
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, refs, &s), BL_OK);
    CHECK_EQ_INT(bl_hinge_stream_channel_state(s, 1), BL_HINGE_CH_NO_REFERENCE);
    CHECK_EQ_INT(bl_hinge_stream_channel_state(s, 0), BL_HINGE_CH_OK);
    CHECK_EQ_INT(bl_hinge_stream_channel_state(s, 99), BL_HINGE_CH_AUX);
    bl_hinge_stream_destroy(s);
    if (lv && test_stream_run(st, &sc, refs, b256, 1, lv) == 0) {
        CHECK_EQ_INT(lv->n, with->n);
        for (size_t k = 0; k < lv->n; k++)
            CHECK_MSG(lv->rep[k].verdict == BL_VERDICT_UNKNOWN && strstr(lv->rep[k].reason, "L.BF"),
                      "rep %zu: %s: %s", k, bl_hinge_verdict_name(lv->rep[k].verdict), lv->rep[k].reason);
    }
    free(lv);
}

/* A caller that never pops keeps the newest BL_HINGE_STREAM_QUEUE. */
static void check_queue(void)
{
    test_set st;
    if (test_set_make("20 reps", BL_SYNTH_INTERNAL, 3100, 20, 2000, 1.5, &st) != 0) {
        test_set_free(&st);
        return;
    }
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st.s), st.rate, st.ref, &s), BL_OK);
    size_t completed = 0;
    double t0 = test_cpu_now();
    CHECK_EQ_INT(bl_hinge_stream_process(s, st.inter, st.frames, &completed), BL_OK);
    double secs = (double)st.frames / st.rate;
    printf("20 reps, %.0f s at 2 kHz (the 60 s window full after a minute): stream CPU %.1f ms per s of signal\n",
           secs, 1e3 * (test_cpu_now() - t0) / secs);
    size_t found = bl_hinge_stream_reps(s);
    CHECK_MSG(found == 20, "%zu repetitions of 20", found);
    CHECK_EQ_INT(completed, found);
    CHECK_EQ_INT(bl_hinge_stream_dropped(s), found - BL_HINGE_STREAM_QUEUE);
    bl_hinge_live_rep r;
    size_t k = 0;
    while (bl_hinge_stream_next_rep(s, &r) == BL_OK) CHECK_EQ_INT(r.index, found - BL_HINGE_STREAM_QUEUE + k++);
    CHECK_EQ_INT(k, BL_HINGE_STREAM_QUEUE);
    CHECK_EQ_INT(bl_hinge_stream_next_rep(s, &r), BL_ENODATA);
    bl_hinge_stream_destroy(s);
    test_set_free(&st);
}

/* process (the automatic notch's detection included), next_rep, the
 * getters and reset allocate nothing. */
static void check_no_allocation(const test_set *st)
{
#ifdef TEST_COUNT_ALLOCATIONS
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, st->ref, &s), BL_OK);
    if (!s) return;
    bl_hinge_live_rep *r = malloc(sizeof *r);
    size_t reps = 0;
    allocations = 0;
    counting = 1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t at = 0; r && at < st->frames; at += 256) {
            size_t len = st->frames - at < 256 ? st->frames - at : 256;
            bl_hinge_stream_process(s, st->inter + at * st->nch, len, NULL);
            while (bl_hinge_stream_next_rep(s, r) == BL_OK) reps++;
            bl_hinge_live_state ls;
            bl_hinge_stream_get_state(s, &ls);
        }
        bl_hinge_stream_reset(s);
    }
    counting = 0;
    printf("%s: %zu repetitions over two passes with a reset: %zu allocations in process, next_rep, get_state, "
           "reset\n", st->label, reps, allocations);
    CHECK_MSG(allocations == 0 && reps > 0, "%zu allocations, %zu repetitions", allocations, reps);
    free(r);
    bl_hinge_stream_destroy(s);
#else
    (void)st;
    printf("allocation count not checked (no glibc malloc to replace, or AddressSanitizer)\n");
#endif
}

static void check_contract(const test_set *st)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    const bl_chanmap *map = bl_synth_chanmap(st->s);
    bl_hinge_stream *s = (bl_hinge_stream *)&sc;
    CHECK_EQ_INT(bl_hinge_stream_create(NULL, map, 2000, NULL, &s), BL_EINVAL);
    CHECK(s == NULL);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, NULL, 2000, NULL, &s), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 100, NULL, &s), BL_ERATE);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, NAN, NULL, &s), BL_ERATE);
    sc.look_behind_s = 2;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_EINVAL);
    bl_hinge_stream_config_default(&sc);
    sc.hinge.segment.on_fraction = 0.05; /* below off_fraction */
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_EINVAL);
    bl_hinge_stream_config_default(&sc);
    sc.hinge.envelope.lowpass_hz = 5000;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_ERANGE);
    CHECK(s == NULL);
    bl_hinge_stream_config_default(&sc);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_OK);
    CHECK_EQ_INT(bl_hinge_stream_process(NULL, st->inter, 10, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_process(s, NULL, 10, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_process(s, NULL, 0, NULL), BL_OK);
    bl_hinge_live_rep r;
    bl_hinge_live_state ls;
    CHECK_EQ_INT(bl_hinge_stream_next_rep(s, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_next_rep(NULL, &r), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_next_rep(s, &r), BL_ENODATA);
    CHECK_EQ_INT(bl_hinge_stream_get_state(NULL, &ls), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_get_state(s, NULL), BL_EINVAL);
    CHECK(bl_hinge_stream_latency(s) > 0);
    CHECK_EQ_INT(bl_hinge_stream_reps(NULL), 0);
    bl_hinge_stream_destroy(s);
    bl_hinge_stream_destroy(NULL);
    bl_hinge_stream_reset(NULL);
}

int main(void)
{
    test_set st;
    if (test_set_make("internal seed 3004", BL_SYNTH_INTERNAL, 3004, 5, 2000, 1.5, &st) == 0) {
        check_block_invariance(&st);
        check_refusal_and_reset(&st);
        check_live_state(&st, BL_SYNTH_INTERNAL);
        bl_hinge_stream_config sc;
        bl_hinge_stream_config_default(&sc);
        static const size_t b256[] = {256};
        test_live *with = malloc(sizeof *with);
        if (with && test_stream_run(&st, &sc, st.ref, b256, 1, with) == 0) check_references(&st, with);
        free(with);
        check_contract(&st);
        check_no_allocation(&st);
    }
    test_set_free(&st);
    if (test_set_make("external seed 3005", BL_SYNTH_EXTERNAL, 3005, 5, 2000, 1.5, &st) == 0)
        check_live_state(&st, BL_SYNTH_EXTERNAL);
    test_set_free(&st);
    check_queue();
    return test_finish("test_hinge_stream_contract");
}
