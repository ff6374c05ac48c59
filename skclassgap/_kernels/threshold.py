"""Kernels of the multiclass offset search: breakpoints and count paths.

Prediction is ``argmax_j(s[i, j] + o[j])`` (first index on ties, as
``np.argmax``). With every offset but ``o[k]`` fixed, row ``i`` is predicted
``k`` exactly when ``o[k]`` passes its breakpoint
``b[i] = max_{j != k}(s[i, j] + o[j]) - s[i, k]``; below it the row goes to
``a[i]``, the first class reaching that maximum. Sweeping ``o[k]`` over the
sorted breakpoints moves one row at a time from ``a[i]`` to ``k``, so the
per-class counts of every candidate offset follow by incremental updates.
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel


@kernel(fastmath=STRICT)
def _class_breakpoints(scores, offsets, k):
    """Breakpoints ``b`` and runner-up classes ``a`` of class ``k``, one pass.

    ``scores`` is a C-contiguous float64 (n, K) array with K >= 2 and finite
    values; ``offsets`` a float64 (K,) array.
    """
    n, n_classes = scores.shape
    b = np.empty(n, dtype=np.float64)
    a = np.empty(n, dtype=np.int64)
    for i in range(n):
        best = -np.inf
        arg = -1
        for j in range(n_classes):
            if j == k:
                continue
            v = scores[i, j] + offsets[j]
            if arg < 0 or v > best:
                best = v
                arg = j
        b[i] = best - scores[i, k]
        a[i] = arg
    return b, a


@kernel(fastmath=STRICT)
def _base_counts(y, w, a, n_classes):
    """Counts when no row is predicted ``k``: every row goes to ``a[i]``.

    Returns ``tp`` and ``predicted`` (float64, (K,)).
    """
    tp = np.zeros(n_classes, dtype=np.float64)
    predicted = np.zeros(n_classes, dtype=np.float64)
    for i in range(y.shape[0]):
        predicted[a[i]] += w[i]
        if y[i] == a[i]:
            tp[a[i]] += w[i]
    return tp, predicted


@kernel(fastmath=STRICT)
def _offset_count_path(order, bounds, y, w, a, k, tp, predicted, tp_out, pred_out):
    """Fill the counts of consecutive candidate regions of ``o[k]``.

    ``order`` sorts the breakpoints ascending. ``bounds[0]`` is the position
    (in ``order``) where this call starts and ``bounds[g]``, g >= 1, is one
    past the end of the g-th group of equal breakpoints it handles. ``tp`` and
    ``predicted`` hold the counts before ``bounds[0]`` and are updated in
    place; row ``g - 1`` of ``tp_out``/``pred_out`` receives the counts once
    groups ``1..g`` have moved from their runner-up class ``a[i]`` to ``k``.
    """
    n_classes = tp.shape[0]
    pos = bounds[0]
    for g in range(1, bounds.shape[0]):
        stop = bounds[g]
        while pos < stop:
            i = order[pos]
            src = a[i]
            wi = w[i]
            predicted[src] -= wi
            predicted[k] += wi
            if y[i] == src:
                tp[src] -= wi
            elif y[i] == k:
                tp[k] += wi
            pos += 1
        for j in range(n_classes):
            tp_out[g - 1, j] = tp[j]
            pred_out[g - 1, j] = predicted[j]


@kernel(fastmath=STRICT)
def _offset_counts(scores, offsets, y, w):
    """Counts ``tp`` and ``predicted`` of ``argmax(scores + offsets)``, one pass."""
    n, n_classes = scores.shape
    tp = np.zeros(n_classes, dtype=np.float64)
    predicted = np.zeros(n_classes, dtype=np.float64)
    for i in range(n):
        best = scores[i, 0] + offsets[0]
        arg = 0
        for j in range(1, n_classes):
            v = scores[i, j] + offsets[j]
            if v > best:
                best = v
                arg = j
        predicted[arg] += w[i]
        if y[i] == arg:
            tp[arg] += w[i]
    return tp, predicted


@kernel(fastmath=STRICT)
def _merge_sorted_counts(neg, pos):
    """Distinct values of two ascending arrays and the counts at or below each.

    ``neg`` and ``pos`` are the sorted scores of the negative and positive rows
    (finite float64). Returns ``distinct`` (G ascending values) and ``below``,
    ``below_pos`` (G + 1 float64 each): ``below[g]`` rows and ``below_pos[g]``
    positive rows have a score among the ``g`` lowest distinct values. One
    merge pass.
    """
    n_neg = neg.shape[0]
    n_pos = pos.shape[0]
    distinct = np.empty(n_neg + n_pos, dtype=np.float64)
    below = np.empty(n_neg + n_pos + 1, dtype=np.float64)
    below_pos = np.empty(n_neg + n_pos + 1, dtype=np.float64)
    below[0] = 0.0
    below_pos[0] = 0.0
    i = 0
    j = 0
    g = 0
    while i < n_neg or j < n_pos:
        if j >= n_pos or (i < n_neg and neg[i] <= pos[j]):
            u = neg[i]
        else:
            u = pos[j]
        while i < n_neg and neg[i] == u:
            i += 1
        while j < n_pos and pos[j] == u:
            j += 1
        distinct[g] = u
        g += 1
        below[g] = i + j
        below_pos[g] = j
    return distinct[:g], below[: g + 1], below_pos[: g + 1]


@kernel(fastmath=STRICT)
def _mixed_candidates(below, below_pos):
    """Candidates g (0..G) whose group g holds a negative and group g + 1 a positive.

    Group g (1-based) holds the rows counted in ``below[g] - below[g - 1]``;
    g = 0 needs no negative and g = G no positive. Returns int64 indices.
    """
    n_candidates = below.shape[0]
    out = np.empty(n_candidates, dtype=np.int64)
    count = 0
    for g in range(n_candidates):
        if g > 0:
            if (below[g] - below[g - 1]) - (below_pos[g] - below_pos[g - 1]) <= 0:
                continue
        if g < n_candidates - 1:
            if below_pos[g + 1] - below_pos[g] <= 0:
                continue
        out[count] = g
        count += 1
    return out[:count]


# NumPy twins of the kernels above, for inputs too small to repay compiling
# them (the layer above picks one or the other by size). Each returns exactly
# the kernel's result: the same float operations in the same order (counts
# are accumulated row by row, as the kernels do).


def _class_breakpoints_numpy(scores, offsets, k):
    """NumPy twin of :func:`_class_breakpoints`."""
    shifted = scores + offsets
    shifted[:, k] = -np.inf
    a = np.argmax(shifted, axis=1)
    b = shifted[np.arange(scores.shape[0]), a] - scores[:, k]
    return b, a.astype(np.int64)


def _base_counts_numpy(y, w, a, n_classes):
    """NumPy twin of :func:`_base_counts`."""
    hit = y == a
    tp = np.bincount(a[hit], weights=w[hit], minlength=n_classes)
    predicted = np.bincount(a, weights=w, minlength=n_classes)
    return tp.astype(np.float64), predicted.astype(np.float64)


def _offset_count_path_numpy(
    order, bounds, y, w, a, k, tp, predicted, tp_out, pred_out
):
    """NumPy twin of :func:`_offset_count_path` (running sums per class)."""
    n_classes = tp.shape[0]
    rows = order[bounds[0] : bounds[-1]]
    m = rows.shape[0]
    src, wi, yi = a[rows], w[rows], y[rows]
    step = np.arange(m)
    pred_delta = np.zeros((m + 1, n_classes))
    pred_delta[0] = predicted
    pred_delta[1 + step, src] -= wi
    pred_delta[1 + step, k] += wi
    tp_delta = np.zeros((m + 1, n_classes))
    tp_delta[0] = tp
    lose = yi == src
    gain = ~lose & (yi == k)
    tp_delta[1 + step[lose], src[lose]] -= wi[lose]
    tp_delta[1 + step[gain], k] += wi[gain]
    pred_path = np.cumsum(pred_delta, axis=0)
    tp_path = np.cumsum(tp_delta, axis=0)
    ends = bounds[1:] - bounds[0]
    tp_out[:] = tp_path[ends]
    pred_out[:] = pred_path[ends]
    tp[:] = tp_path[-1]
    predicted[:] = pred_path[-1]


def _offset_counts_numpy(scores, offsets, y, w):
    """NumPy twin of :func:`_offset_counts`."""
    n_classes = scores.shape[1]
    pred = np.argmax(scores + offsets, axis=1)
    hit = pred == y
    tp = np.bincount(pred[hit], weights=w[hit], minlength=n_classes)
    predicted = np.bincount(pred, weights=w, minlength=n_classes)
    return tp.astype(np.float64), predicted.astype(np.float64)


def _merge_sorted_counts_numpy(neg, pos):
    """NumPy twin of :func:`_merge_sorted_counts`."""
    distinct = np.unique(np.concatenate((neg, pos)))
    below = np.zeros(distinct.shape[0] + 1)
    below_pos = np.zeros(distinct.shape[0] + 1)
    below[1:] = np.searchsorted(neg, distinct, side="right") + np.searchsorted(
        pos, distinct, side="right"
    )
    below_pos[1:] = np.searchsorted(pos, distinct, side="right")
    return distinct, below, below_pos


def _mixed_candidates_numpy(below, below_pos):
    """NumPy twin of :func:`_mixed_candidates`."""
    group = np.diff(below)
    group_pos = np.diff(below_pos)
    keep = np.ones(below.shape[0], dtype=bool)
    keep[1:] &= (group - group_pos) > 0
    keep[:-1] &= group_pos > 0
    return np.flatnonzero(keep).astype(np.int64)


# Each kernel and its NumPy twin: the layer above calls one or the other by
# input size (skclassgap.threshold._search).
NUMPY_TWINS = {
    _class_breakpoints: _class_breakpoints_numpy,
    _base_counts: _base_counts_numpy,
    _offset_count_path: _offset_count_path_numpy,
    _offset_counts: _offset_counts_numpy,
    _merge_sorted_counts: _merge_sorted_counts_numpy,
    _mixed_candidates: _mixed_candidates_numpy,
}
