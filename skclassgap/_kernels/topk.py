"""Sorted top-k lists: the one insertion primitive and the one merge.

A top-k list is a pair of arrays ``(values, indices)`` sorted by value and,
among equal values, by index (the lower index first). Empty slots hold
``+inf`` (or any value above every candidate) and index ``-1``. Every kernel
that keeps such lists (the neighbour screening, the sparse search, the merge
of per-thread or per-block lists) uses these two functions.
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel


@kernel(fastmath=STRICT)
def _insert(values, indices, v, i):
    """Insert ``(v, i)`` into a full sorted list, dropping its last entry.

    The caller has checked that ``(v, i)`` comes before the last entry (in
    practice ``v < values[-1]``); entries after the insertion point move one
    slot down.
    """
    p = values.shape[0] - 1
    while p > 0 and (values[p - 1] > v or (values[p - 1] == v and indices[p - 1] > i)):
        values[p] = values[p - 1]
        indices[p] = indices[p - 1]
        p -= 1
    values[p] = v
    indices[p] = i


@kernel(fastmath=STRICT)
def _merge_topk(val_a, idx_a, val_b, idx_b, out_val, out_idx):
    """Merge two sets of sorted lists row by row, keeping the first entries.

    Row ``q`` of ``out_*`` receives the ``out_val.shape[1]`` smallest entries
    of rows ``q`` of ``*_a`` and ``*_b`` by (value, index) (the two lists
    hold disjoint candidates). Slots past the end of both lists get ``+inf``
    and ``-1``.
    """
    n_q, k = out_val.shape
    ka = val_a.shape[1]
    kb = val_b.shape[1]
    for q in range(n_q):
        a = 0
        b = 0
        p = 0
        while p < k and (a < ka or b < kb):
            take_a = b >= kb or (
                a < ka
                and (
                    val_a[q, a] < val_b[q, b]
                    or (val_a[q, a] == val_b[q, b] and idx_a[q, a] <= idx_b[q, b])
                )
            )
            if take_a:
                v, i = val_a[q, a], idx_a[q, a]
                a += 1
            else:
                v, i = val_b[q, b], idx_b[q, b]
                b += 1
            out_val[q, p] = v
            out_idx[q, p] = i
            p += 1
        while p < k:
            out_val[q, p] = np.inf
            out_idx[q, p] = -1
            p += 1
