"""Per-class and pairwise counts in one pass over integer label codes.

Every kernel here takes signed integer or uint8 code arrays (callers keep
the dtypes few: int64, int32 or uint8, others cast to int64; never uint64,
whose difference with an int64 offset would be a float) and checks each code
``c - offset`` against ``[0, n_classes)``: a kernel returns False as soon as
one falls outside, its counts then incomplete, so that callers may pass a
guessed range and skip a separate min/max pass.
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel

# Up to this many codes the unweighted per-class kernel counts pairs in a flat
# K * K table (one increment per row) and folds it into the vectors at the
# end: with few classes, three increments per row into tiny vectors keep
# hitting the same counters back to back and run ~1.3x slower (10^7 rows of 10
# classes: 0.025 s against 0.038 s). 128 ** 2 int64 is 128 KiB, and 128 is
# the width of the guessed label range.
_PAIR_TABLE_MAX = 128


@kernel(fastmath=STRICT)
def _pair_min_max(a, b):
    """Smallest and largest value over two non-empty integer arrays, in one pass."""
    lo = a[0]
    hi = a[0]
    for i in range(a.shape[0]):
        v = a[i]
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
    for i in range(b.shape[0]):
        v = b[i]
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
    return lo, hi


@kernel(fastmath=STRICT)
def _add_class_counts(t, p, offset, tp, n_true, n_pred):
    """Add per-class counts of the pairs ``(t[i] - offset, p[i] - offset)``.

    Adds to ``tp[c]`` the rows with both codes equal to ``c``, to
    ``n_true[c]`` the rows with true code ``c`` and to ``n_pred[c]`` the rows
    with predicted code ``c`` (three int64 vectors of length ``n_classes``,
    updated in place, so that counts of row blocks add up). Returns False,
    the vectors incomplete, as soon as a code falls outside the range.
    """
    k = tp.shape[0]
    if k > _PAIR_TABLE_MAX:
        for i in range(t.shape[0]):
            a = t[i] - offset
            b = p[i] - offset
            if a < 0 or a >= k or b < 0 or b >= k:
                return False
            n_true[a] += 1
            n_pred[b] += 1
            tp[a] += a == b  # branch-free: a branch mispredicts on errors
        return True
    pairs = np.zeros(k * k, dtype=np.int64)
    for i in range(t.shape[0]):
        a = t[i] - offset
        b = p[i] - offset
        if a < 0 or a >= k or b < 0 or b >= k:
            return False
        pairs[a * k + b] += 1
    for a in range(k):
        for b in range(k):
            c = pairs[a * k + b]
            n_true[a] += c
            n_pred[b] += c
        tp[a] += pairs[a * k + a]
    return True


@kernel(fastmath=STRICT)
def _add_class_weights(t, p, w, offset, tp, support, predicted, n_true, n_pred):
    """Add per-class weight sums and counts of the pairs ``(t[i], p[i])``.

    As :func:`_add_class_counts`, plus the float64 weight sums ``tp``
    (rows with equal codes), ``support`` (by true code) and ``predicted`` (by
    predicted code). Each sum runs in input order, as
    ``np.bincount(codes, weights=w)`` does; ``n_true`` and ``n_pred`` count
    rows whatever their weight.
    """
    k = tp.shape[0]
    for i in range(t.shape[0]):
        a = t[i] - offset
        b = p[i] - offset
        if a < 0 or a >= k or b < 0 or b >= k:
            return False
        n_true[a] += 1
        n_pred[b] += 1
        support[a] += w[i]
        predicted[b] += w[i]
        tp[a] += w[i] * (a == b)  # + 0.0 leaves a sum of weights >= 0 unchanged
    return True


@kernel(fastmath=STRICT)
def _confusion_counts(t, p, offset, n_classes):
    """Count pairs: ``C[t[i] - offset, p[i] - offset] += 1`` (K x K int64).

    Returns the counts and the in-range flag.
    """
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    for i in range(t.shape[0]):
        a = t[i] - offset
        b = p[i] - offset
        if a < 0 or a >= n_classes or b < 0 or b >= n_classes:
            return counts, False
        counts[a, b] += 1
    return counts, True


@kernel(fastmath=STRICT)
def _confusion_weights(t, p, w, offset, n_classes):
    """Count pairs and sum their weights: ``S[t[i] - offset, p[i] - offset] += w[i]``.

    Returns the occurrence counts (as :func:`_confusion_counts`), the weight
    sums and the in-range flag. Sums run in input order, as
    ``np.bincount(..., weights=w)`` does.
    """
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    sums = np.zeros((n_classes, n_classes), dtype=np.float64)
    for i in range(t.shape[0]):
        a = t[i] - offset
        b = p[i] - offset
        if a < 0 or a >= n_classes or b < 0 or b >= n_classes:
            return counts, sums, False
        counts[a, b] += 1
        sums[a, b] += w[i]
    return counts, sums, True
