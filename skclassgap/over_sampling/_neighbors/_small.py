"""Exact neighbours of small inputs with NumPy alone (no compiled kernel).

Same definition and same result as the kernels, by the same argument in
float64: a block of query rows is screened against every reference row by
one BLAS product of median-centred rows, ``v^ = (||r||^2 - 2 q.r) + ||q||^2``,
whose error is at most ``c (||q|| + ||r||)^2 + eta`` with
``c = (d + 10) u / (1 - (d + 10) u)``, ``u = 2^-53``. The ``k`` rows of
smallest ``v^`` bound the k-th exact distance by ``top`` (their distances'
upper bounds), and every row within ``top`` has ``v^ <= top + c (2 ||q|| +
sqrt(top))^2 + eta``: only those rows are candidates. Their distances are
computed from coordinate differences, with the interval of
:mod:`skclassgap._kernels.exact` (``D^ (1 -+ 2 gamma_{d+3}) -+ d 2^-1018``,
widened after a lossy scaling), and sorted (then by index). The order is
exact wherever consecutive intervals are disjoint (the intervals grow with
``D^``); runs of overlapping intervals that reach into the first ``k``
places are ordered exactly, in Python: by the computed distances when every
operation was exact (checked with error-free transformations), else by
exact rationals of the original values.
"""

import numpy as np

from skclassgap.over_sampling._neighbors._rank import exact_sq_dist

_BLOCK_ENTRIES = 2**18  # entries of the (queries x references x features) block
_U64 = 2.0**-53
_SPLIT = 134217729.0  # 2**27 + 1


def _bounds(dist, d, lossy):
    g2 = 2.0 * (d + 3) * _U64 / (1.0 - (d + 3) * _U64)
    high = dist * (1.0 + g2) + d * 2.0**-1018
    low = np.maximum(dist * (1.0 - g2) - d * 2.0**-1018, 0.0)
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


def _pair_dists(Q, R, qi, ri):
    """Squared distances of the pairs ``(Q[qi], R[ri])`` from differences."""
    out = np.empty(len(qi))
    step = max(1, _BLOCK_ENTRIES // max(1, Q.shape[1]))
    for s in range(0, len(qi), step):
        diff = Q[qi[s : s + step]] - R[ri[s : s + step]]
        out[s : s + step] = np.einsum("pd,pd->p", diff, diff)
    return out


def small_kneighbors(query, reference, k, exclude, lossy, original):
    """Exact ``k`` nearest reference rows of every query row (NumPy only).

    ``query``/``reference`` are dense float arrays already scaled (see
    :mod:`._scale`), ``original`` the unscaled dense ``(query, reference)``.
    """
    n_q, d = query.shape
    n_ref = reference.shape[0]
    out = np.empty((n_q, k), dtype=np.int64)
    R = np.asarray(reference, dtype=np.float64)
    step = max(1, R.shape[0] // 1024)
    center = np.median(R[::step], axis=0)
    Rc = R - center
    r_sq = np.einsum("rd,rd->r", Rc, Rc)
    terms = (d + 10) * _U64
    c = terms / (1.0 - terms)
    eta = (d + 4) * 2.0**-1018
    block = max(1, _BLOCK_ENTRIES // max(1, n_ref))
    for q0 in range(0, n_q, block):
        Q = np.asarray(query[q0 : q0 + block], dtype=np.float64)
        Qc = Q - center
        q_sq = np.einsum("qd,qd->q", Qc, Qc)
        screen = (r_sq[None, :] - 2.0 * (Qc @ Rc.T)) + q_sq[:, None]
        rows = np.arange(Q.shape[0])
        ex = exclude[q0 : q0 + block]
        screen[rows[ex >= 0], ex[ex >= 0]] = np.inf
        # The k rows of smallest screening value bound the k-th exact distance
        # by ``top``; every row within ``top`` has a screening value within
        # ``c (2 ||q|| + sqrt(top))^2 + eta`` of it (package docstring).
        best = np.argpartition(screen, k - 1, axis=1)[:, :k]
        qi = np.repeat(rows, k)
        top = _bounds(_pair_dists(Q, R, qi, best.ravel()), d, lossy)[1]
        top = top.reshape(-1, k).max(axis=1)
        if lossy:
            top = (np.sqrt(top) + np.sqrt(d) * lossy) ** 2 * (1.0 + 2.0**-50)
        norm = np.sqrt(q_sq * (1.0 + (d + 4) * 2.0 * _U64) + d * 2.0**-1018)
        reach = top + c * (2.0 * norm * (1.0 + 2.0**-50) + np.sqrt(top)) ** 2 + eta
        qi, ri = np.nonzero(screen <= reach[:, None] * (1.0 + 2.0**-40))
        dc = _pair_dists(Q, R, qi, ri)
        order = np.lexsort((ri, dc, qi))
        qi, ri, dc = qi[order], ri[order], dc[order]
        start = np.searchsorted(qi, rows)
        place = np.arange(len(qi)) - start[qi]
        low, high = _bounds(dc, d, lossy)
        # Consecutive candidates of a query whose intervals overlap form runs
        # that need exact ordering (a gap between two places separates
        # everything before from everything after); only runs that start
        # before place k matter.
        overlap = np.zeros(len(qi), dtype=bool)
        overlap[:-1] = (high[:-1] >= low[1:]) & (qi[:-1] == qi[1:])
        first = place < k
        out[q0 + qi[first], place[first]] = ri[first]
        for i in np.unique(qi[overlap & first]).tolist():
            stop = start[i + 1] if i + 1 < len(start) else len(qi)
            out[q0 + i] = _resolve(
                q0 + i,
                ri[start[i] : stop],
                overlap[start[i] : stop],
                k,
                query,
                R,
                original,
                lossy,
            )
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
