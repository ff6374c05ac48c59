"""Exact neighbours of small inputs with NumPy alone (no compiled kernel).

Same definition and same result as the kernels: all pairwise squared
distances are computed from coordinate differences (a block of query rows
at a time), with the interval of :mod:`skclassgap._kernels.exact`
(``D^ (1 -+ 2 gamma_{d+3}) -+ d 2^-1072``, widened for a lossy scaling).
Rows are sorted by computed distance (stable: lower index first); the
k-th smallest upper bound ``top`` among the first ``k`` bounds the true k-th
distance, so later rows whose lower bound exceeds ``top`` are out, and the
order is already exact wherever consecutive intervals are disjoint. Only
runs of overlapping intervals that reach into the first ``k`` places are
ordered exactly, in Python: by the computed distances when every
operation was exact (checked with error-free transformations), else by
exact rationals of the original values.
"""

import numpy as np

from skclassgap.over_sampling._neighbors._rank import exact_sq_dist

_BLOCK_ENTRIES = 2**20  # entries of the (queries x references x features) block
_U64 = 2.0**-53
_SPLIT = 134217729.0  # 2**27 + 1


def _bounds(dist, d, lossy):
    g2 = 2.0 * (d + 3) * _U64 / (1.0 - (d + 3) * _U64)
    high = dist * (1.0 + g2) + d * 2.0**-1072
    low = np.maximum(dist * (1.0 - g2) - d * 2.0**-1072, 0.0)
    if lossy:
        w = np.sqrt(d) * lossy
        high = (np.sqrt(high) + w) ** 2 * (1.0 + 2.0**-50)
        low = np.maximum(np.sqrt(low) - w, 0.0) ** 2 * (1.0 - 2.0**-50)
    return low, high


def _exact_sums(q, rows):
    """Sequential float64 sums of squared differences, and whether every
    operation was exact (TwoSum for differences and sums, Dekker's split for
    squares; as :func:`skclassgap._kernels.exact._sq_dist_checked`)."""
    acc = np.zeros(rows.shape[0])
    exact = np.ones(rows.shape[0], dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(rows.shape[1]):
            a, b = q[t], rows[:, t]
            s = a - b
            bb = s - a
            exact &= (a - (s - bb)) + (-b - bb) == 0.0
            h = _SPLIT * s
            exact &= s - (h - (h - s)) == 0.0
            exact &= (s == 0.0) | ((np.abs(s) >= 2.0**-480) & (np.abs(s) <= 2.0**480))
            sq = s * s
            total = acc + sq
            bb = total - acc
            exact &= (acc - (total - bb)) + (sq - bb) == 0.0
            acc = total
    return acc, exact


def _exact_order(members, q_scaled, reference, q_orig, ref_orig, lossy):
    """``members`` (reference rows) in exact order of distance, then index."""
    if not lossy:
        sums, exact = _exact_sums(q_scaled, reference[members])
        if exact.all():
            return members[np.lexsort((members, sums))]
    keys = [(exact_sq_dist(q_orig, ref_orig[r]), r) for r in members.tolist()]
    keys.sort()
    return np.array([r for _, r in keys], dtype=np.int64)


def small_kneighbors(query, reference, k, exclude, lossy, original):
    """Exact ``k`` nearest reference rows of every query row (NumPy only).

    ``query``/``reference`` are dense float arrays already scaled (see
    :mod:`._scale`), ``original`` the unscaled dense ``(query, reference)``.
    """
    n_q, d = query.shape
    n_ref = reference.shape[0]
    out = np.empty((n_q, k), dtype=np.int64)
    R = np.asarray(reference, dtype=np.float64)
    block = max(1, _BLOCK_ENTRIES // max(1, n_ref * d))
    for q0 in range(0, n_q, block):
        Q = np.asarray(query[q0 : q0 + block], dtype=np.float64)
        diff = Q[:, None, :] - R[None, :, :]
        dist = np.einsum("qrd,qrd->qr", diff, diff)
        del diff
        low, high = _bounds(dist, d, lossy)
        rows = np.arange(Q.shape[0])
        ex = exclude[q0 : q0 + block]
        has = ex >= 0
        dist[rows[has], ex[has]] = np.inf
        low[rows[has], ex[has]] = np.inf
        high[rows[has], ex[has]] = np.inf
        order = np.argsort(dist, axis=1, kind="stable")
        low = np.take_along_axis(low, order, axis=1)
        high = np.take_along_axis(high, order, axis=1)
        top = high[:, :k].max(axis=1)
        n_cand = (low <= top[:, None]).sum(axis=1)
        # Consecutive candidates whose intervals overlap form runs that need
        # exact ordering (intervals grow with the computed distance, so a
        # gap between two places separates everything before from everything
        # after); only runs that start before place k matter.
        overlap = (high[:, :-1] >= low[:, 1:]) & (
            np.arange(1, n_ref)[None, :] < n_cand[:, None]
        )
        result = order[:, :k].copy()
        for i in np.flatnonzero(overlap[:, :k].any(axis=1)).tolist():
            result[i] = _resolve(
                i + q0, order[i, : n_cand[i]], overlap[i], k, query, R, original, lossy
            )
        out[q0 : q0 + block] = result
    return out


def _resolve(q, cand, overlap, k, query, R, original, lossy):
    """First ``k`` of the candidates ``cand`` (sorted by computed distance)
    after exact ordering of the overlapping runs (``overlap[p]``: place p
    overlaps place p + 1)."""
    q_scaled = np.asarray(query[q], dtype=np.float64)
    q_orig, ref_orig = original[0][q], original[1]
    cand = cand.copy()
    start = 0
    while start < k:
        stop = start + 1
        while stop < len(cand) and overlap[stop - 1]:
            stop += 1
        if stop - start > 1:
            cand[start:stop] = _exact_order(
                cand[start:stop], q_scaled, R, q_orig, ref_orig, lossy
            )
        start = stop
    return cand[:k]
