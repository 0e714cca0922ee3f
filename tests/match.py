"""Matching found intervals to the true ones, for the shell tests' Python.

The same rule as tests/support/match.c (test_match with test_match_iou):
greedy in truth order, each true interval takes the unused found interval
with the highest intersection over union, at least `min_iou`; of equal
scores the later one wins. Precision, recall and F1 follow match.c too.
"""


def iou(a0, a1, b0, b1):
    i = min(a1, b1) - max(a0, b0)
    return 0.0 if i <= 0 else i / (max(a1, b1) - min(a0, b0))


def match_iou(truth, found, min_iou=0.5):
    """truth, found: lists of (start_s, end_s). Returns, per true interval,
    the index of its found interval or None."""
    used, match = set(), []
    for (s, e) in truth:
        best, bi = None, min_iou
        for j, (fs, fe) in enumerate(found):
            v = iou(s, e, fs, fe)
            if j not in used and v >= bi:
                best, bi = j, v
        if best is not None:
            used.add(best)
        match.append(best)
    return match


def precision(n_truth, n_found, matched):
    return matched / n_found if n_found else (0.0 if n_truth else 1.0)


def recall(n_truth, n_found, matched):
    return matched / n_truth if n_truth else 1.0


def f1(n_truth, n_found, matched):
    p, r = precision(n_truth, n_found, matched), recall(n_truth, n_found, matched)
    return 2 * p * r / (p + r) if p + r else 0.0
