"""Exact k-nearest neighbours on mixed and categorical rows, from integer codes.

Categorical columns arrive as integer codes (one column per categorical
feature), never one-hot encoded, so that memory does not grow with the number
of levels. Two distances, each computed pair by pair:

- SMOTE-NC: ``sum_c (x_c - y_c)^2 + penalty * (number of categorical columns
  where the codes differ)`` over the continuous values ``x_c``;
- value difference metric (VDM): ``sum_f (sum_c |P_f[a, c] - P_f[b, c]|)^2``
  over the categorical columns ``f``, ``a`` and ``b`` being the two rows'
  codes and ``P_f`` the column's table of per-level class frequencies.

Both kernels scan every row of the set for each query row (the query itself
excluded) and keep the ``k`` smallest distances in a sorted list; a candidate
is inserted only when strictly smaller than the current ``k``-th, so ties keep
the lower row index. The arithmetic is IEEE (no reassociation, no
contraction), in the same order as the NumPy path of
:mod:`skclassgap.over_sampling._categorical`, so both give identical lists.
Partial sums only grow, so a candidate is rejected as soon as a partial sum
reaches the current ``k``-th distance; this does not change any result.
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel
from skclassgap._kernels.topk import _insert

_LUT_LEVELS = 4096  # VDM columns with at most this many levels are tabulated


@kernel(fastmath=STRICT)
def _smotenc_topk(values_t, codes_t, penalty, queries, block, best_dist, best_idx):
    """SMOTE-NC nearest rows of the set for every query row, in place.

    Columns are stored as rows (``values_t[c]`` is continuous column ``c``
    of every row), so that the inner loops run over contiguous reference
    rows: the compiler vectorises them without reordering any sum (each
    pair's terms are still added one column after the other). References are
    visited in blocks of ``block`` rows, each block for every query in turn
    (the block stays in cache), in increasing row order for each query.

    Parameters
    ----------
    values_t : float64 array of shape (d, n)
        Continuous values, column-major (``d`` may be 0).
    codes_t : int32 array of shape (q, n)
        Categorical codes, column-major.
    penalty : float
        Added to the squared distance per differing categorical column.
    queries : int64 array of shape (b,)
        Rows of the set to find neighbours for (each excluded from its own).
    block : int
        Reference rows per block.
    best_dist, best_idx : arrays of shape (b, k)
        Filled with the sorted squared distances and the row indices;
        ``best_dist`` must start at ``+inf``.
    """
    d, n = values_t.shape
    q = codes_t.shape[0]
    k = best_dist.shape[1]
    acc = np.empty(block, dtype=np.float64)
    n_diff = np.empty(block, dtype=np.int32)
    for r0 in range(0, n, block):
        w = min(block, n - r0)
        for t in range(queries.shape[0]):
            i = queries[t]
            for j in range(w):
                acc[j] = 0.0
                n_diff[j] = 0
            for c in range(d):
                qc = values_t[c, i]
                column = values_t[c, r0 : r0 + w]
                for j in range(w):
                    diff = qc - column[j]
                    acc[j] += diff * diff
            for c in range(q):
                qc = codes_t[c, i]
                column_codes = codes_t[c, r0 : r0 + w]
                for j in range(w):
                    n_diff[j] += column_codes[j] != qc
            for j in range(w):
                acc[j] = acc[j] + penalty * n_diff[j]
            bd = best_dist[t]
            bi = best_idx[t]
            worst = bd[k - 1]
            for j in range(w):
                if acc[j] < worst and r0 + j != i:
                    _insert(bd, bi, acc[j], r0 + j)
                    worst = bd[k - 1]


@kernel(fastmath=STRICT)
def _vdm_topk(
    codes_t, tables, offsets, n_levels, n_classes, queries, block, best_dist, best_idx
):
    """Nearest rows under the value difference metric, in place.

    For each query row and each column of at most ``_LUT_LEVELS`` levels, the
    column's term ``(sum_c |P_f[a, c] - P_f[b, c]|)^2`` is first tabulated for
    every level ``b`` (the same operations as pair by pair); the distances to
    a block of reference rows then take one table look-up per column.
    Columns with more levels are computed pair by pair. Either way a pair's
    terms are added column after column, as in the NumPy path.

    Parameters
    ----------
    codes_t : int32 array of shape (q, n)
        Categorical codes, column-major.
    tables : float64 array
        The per-column tables ``P_f`` (levels x classes, row-major), one after
        the other; ``P_f[a, c]`` is ``tables[offsets[f] + a * n_classes + c]``.
    offsets, n_levels : int64 arrays of shape (q,)
    n_classes : int
    queries : int64 array of shape (b,)
        Rows of the set to find neighbours for (each excluded from its own).
    block : int
        Reference rows per block.
    best_dist, best_idx : arrays of shape (b, k)
        As in :func:`_smotenc_topk`.
    """
    q, n = codes_t.shape
    k = best_dist.shape[1]
    lut_start = np.zeros(q + 1, dtype=np.int64)
    for f in range(q):
        size = n_levels[f] if n_levels[f] <= _LUT_LEVELS else 0
        lut_start[f + 1] = lut_start[f] + size
    lut = np.empty(max(lut_start[q], 1), dtype=np.float64)
    acc = np.empty(block, dtype=np.float64)
    for t in range(queries.shape[0]):
        i = queries[t]
        for f in range(q):
            if n_levels[f] <= _LUT_LEVELS:
                pa = offsets[f] + codes_t[f, i] * n_classes
                for b in range(n_levels[f]):
                    pb = offsets[f] + b * n_classes
                    s = 0.0
                    for c in range(n_classes):
                        s += abs(tables[pa + c] - tables[pb + c])
                    lut[lut_start[f] + b] = s * s
        bd = best_dist[t]
        bi = best_idx[t]
        for r0 in range(0, n, block):
            w = min(block, n - r0)
            for j in range(w):
                acc[j] = 0.0
            for f in range(q):
                column = codes_t[f, r0 : r0 + w]
                if n_levels[f] <= _LUT_LEVELS:
                    base = lut_start[f]
                    for j in range(w):
                        acc[j] += lut[base + column[j]]
                else:
                    a = codes_t[f, i]
                    pa = offsets[f] + a * n_classes
                    for j in range(w):
                        b = column[j]
                        if b != a:
                            pb = offsets[f] + b * n_classes
                            s = 0.0
                            for c in range(n_classes):
                                s += abs(tables[pa + c] - tables[pb + c])
                            acc[j] += s * s
            worst = bd[k - 1]
            for j in range(w):
                if acc[j] < worst and r0 + j != i:
                    _insert(bd, bi, acc[j], r0 + j)
                    worst = bd[k - 1]
