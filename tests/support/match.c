#include "match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

double test_iou(test_interval a, test_interval b)
{
    double i = fmin(a.end, b.end) - fmax(a.start, b.start);
    if (i <= 0) return 0;
    return i / (fmax(a.end, b.end) - fmin(a.start, b.start));
}

double test_overlap(test_interval a, test_interval b) { return fmin(a.end, b.end) - fmax(a.start, b.start); }

test_match_rule test_match_iou(double min_iou)
{
    test_match_rule r = {TEST_SCORE_IOU, min_iou, 1, 1};
    return r;
}

test_match_rule test_match_most_overlap(void)
{
    test_match_rule r = {TEST_SCORE_OVERLAP, 0.0, 0, 0};
    return r;
}

static double score_of(const test_match_rule *rule, test_interval t, test_interval f)
{
    return rule->score == TEST_SCORE_IOU ? test_iou(t, f) : test_overlap(f, t);
}

size_t test_match(const test_interval *truth, size_t nt, const test_interval *found, size_t nf,
                  const test_match_rule *rule, size_t *match, test_match_counts *counts)
{
    unsigned char *used = calloc(nf ? nf : 1, 1);
    if (!used) {
        fprintf(stderr, "test_match: out of memory\n");
        exit(1);
    }
    size_t matched = 0, unused = 0;
    for (size_t k = 0; k < nt; k++) {
        size_t best = TEST_UNMATCHED;
        double bs = rule->threshold;
        for (size_t j = 0; j < nf; j++) {
            if (rule->one_to_one && used[j]) continue;
            double v = score_of(rule, truth[k], found[j]);
            if (rule->inclusive ? v >= bs : v > bs) {
                bs = v;
                best = j;
            }
        }
        if (match) match[k] = best;
        if (best == TEST_UNMATCHED) continue;
        used[best] = 1;
        matched++;
    }
    for (size_t j = 0; j < nf; j++) unused += !used[j];
    free(used);
    if (counts) {
        counts->truth = nt;
        counts->found = nf;
        counts->matched = matched;
        counts->unused = unused;
    }
    return matched;
}

double test_precision(const test_match_counts *c)
{
    return c->found ? (double)c->matched / (double)c->found : (c->truth ? 0 : 1);
}

double test_recall(const test_match_counts *c) { return c->truth ? (double)c->matched / (double)c->truth : 1; }

double test_f1(const test_match_counts *c)
{
    double p = test_precision(c), r = test_recall(c);
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

void test_match_add(test_match_counts *total, const test_match_counts *c)
{
    total->truth += c->truth;
    total->found += c->found;
    total->matched += c->matched;
    total->unused += c->unused;
}
