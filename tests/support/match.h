/* Matching found intervals (repetitions, bursts) to the true ones, and the
 * precision, recall and F1 that follow. One helper for every test that
 * scores a detector against a truth; tests/match.py is the same for the
 * shell tests.
 *
 * Greedy, in truth order: each true interval takes the found interval that
 * scores best against it. The score is the intersection over union or the
 * plain overlap in seconds; a candidate must reach the threshold. With
 * `inclusive` a score equal to the threshold matches and a later candidate
 * with the same score wins; without it the score must exceed the threshold
 * and the first of equal scores wins. One-to-one matching takes each found
 * interval at most once; otherwise several truths may share one. */
#ifndef TEST_MATCH_H
#define TEST_MATCH_H

#include <stddef.h>

#define TEST_UNMATCHED ((size_t)-1)

typedef struct test_interval {
    double start, end; /* seconds */
} test_interval;

typedef enum test_match_score {
    TEST_SCORE_IOU,    /* |intersection| / |union|, 0 when disjoint */
    TEST_SCORE_OVERLAP /* |intersection| in seconds, <= 0 when disjoint */
} test_match_score;

typedef struct test_match_rule {
    test_match_score score;
    double threshold;
    int inclusive;
    int one_to_one;
} test_match_rule;

typedef struct test_match_counts {
    size_t truth, found, matched; /* matched: true intervals with a match */
    size_t unused;                /* found intervals no truth took */
} test_match_counts;

double test_iou(test_interval a, test_interval b);
double test_overlap(test_interval a, test_interval b);

/* IoU >= min_iou, one-to-one (the hinge tests: 0.5). */
test_match_rule test_match_iou(double min_iou);
/* The found interval overlapping most, any overlap at all; a found interval
 * may serve several truths (the onset tests). */
test_match_rule test_match_most_overlap(void);

/* Matches truth[0..nt) to found[0..nf). match (nt entries, may be NULL)
 * receives the found index per truth or TEST_UNMATCHED; counts (may be
 * NULL) the tallies. Returns the number of matched truths. */
size_t test_match(const test_interval *truth, size_t nt, const test_interval *found, size_t nf,
                  const test_match_rule *rule, size_t *match, test_match_counts *counts);

/* matched / found; with nothing found, 1 when there was nothing to find,
 * else 0. */
double test_precision(const test_match_counts *c);
/* matched / truth; 1 when there was nothing to find. */
double test_recall(const test_match_counts *c);
/* 2PR / (P + R), 0 when both are 0. */
double test_f1(const test_match_counts *c);
/* The F1 over the counts summed into `total`. */
void test_match_add(test_match_counts *total, const test_match_counts *c);

#endif
