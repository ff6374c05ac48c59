"""Confusion counts in one pass over integer label codes."""

import numpy as np

from skclassgap.utils._numba import STRICT, kernel


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

    Every ``t[i] - offset`` and ``p[i] - offset`` must lie in ``[0, n_classes)``.
    """
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    for i in range(t.shape[0]):
        counts[t[i] - offset, p[i] - offset] += 1
    return counts


@kernel(fastmath=STRICT)
def _confusion_weights(t, p, w, offset, n_classes):
    """Count pairs and sum their weights: ``S[t[i] - offset, p[i] - offset] += w[i]``.

    Returns the occurrence counts (as :func:`_confusion_counts`) and the weight
    sums. Sums run in input order, as ``np.bincount(..., weights=w)`` does.
    """
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    sums = np.zeros((n_classes, n_classes), dtype=np.float64)
    for i in range(t.shape[0]):
        a = t[i] - offset
        b = p[i] - offset
        counts[a, b] += 1
        sums[a, b] += w[i]
    return counts, sums
