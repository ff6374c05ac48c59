"""Confusion counts in one pass over integer label codes."""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel


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
def _confusion_counts(t, p, offset, n_classes):
    """Count pairs: ``C[t[i] - offset, p[i] - offset] += 1``.

    Codes ``t[i] - offset`` and ``p[i] - offset`` are checked against
    ``[0, n_classes)``: the second value returned is False (and the counts
    incomplete) as soon as one falls outside, so that callers may pass a
    guessed range and skip a separate min/max pass.
    """
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    for i in range(t.shape[0]):
        a = np.int64(t[i]) - offset
        b = np.int64(p[i]) - offset
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
        a = np.int64(t[i]) - offset
        b = np.int64(p[i]) - offset
        if a < 0 or a >= n_classes or b < 0 or b >= n_classes:
            return counts, sums, False
        counts[a, b] += 1
        sums[a, b] += w[i]
    return counts, sums, True
