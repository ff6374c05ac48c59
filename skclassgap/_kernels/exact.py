"""Exact ranking of candidate neighbours by squared Euclidean distance.

Everything here works on float64 values whose magnitude the caller has
brought within ``[2**-101, 2**101]`` (or zero) by a power-of-two scaling, so
that no difference, square or sum below overflows.

Squared distances are computed from coordinate differences, never through
norms: ``D^ = fl(sum_t fl(fl(q_t - r_t)^2))`` in sequence. Each term carries
at most three roundings and the sum of ``d`` non-negative terms ``d - 1``, so
``|D^ - D| <= gamma_{d+2} D + d 2^-1075`` (Higham's standard bound,
``gamma_n = n u / (1 - n u)``, ``u = 2^-53``, plus one half-unit of the
smallest subnormal per underflowing square). The kernels use the wider,
simpler interval ``D^ (1 -+ 2 gamma_{d+3}) -+ d 2^-1018`` whose slack also
absorbs the rounding of its own evaluation (and, in the absolute term, a
process whose floating-point unit flushes subnormals to zero). The
evaluation also checks, with error-free transformations, whether every
operation was exact (differences by Knuth's TwoSum, squares by Dekker's
split: a value of at most 26 significant bits squares exactly, running sums
by TwoSum); then the interval is the single point ``D^`` (integer and other
short-mantissa data).

Two candidates whose intervals overlap are compared exactly: the sign of
``D(q, a) - D(q, b) = sum_t (q_t - a_t)^2 - (q_t - b_t)^2`` is that of an
exact sum of floats -- each difference is the exact pair ``s + e``
(TwoSum), each of ``s^2, 2 s e, e^2`` the exact pair of Dekker's product --
accumulated into a non-overlapping expansion (Shewchuk's algorithm, as in
Python's ``math.fsum``), whose sign is that of its largest non-zero
component. Dekker's product is exact when neither factor overflows in the
split and the error term does not underflow; both hold when every non-zero
factor lies in ``[2**-480, 2**480]``. Outside that range (differences of
values some 10^144 apart in magnitude) the comparison reports that it
cannot decide, and the caller compares those rows with Python's exact
rationals. Candidates at equal exact distance are ordered by index.
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel

_SPLIT = 134217729.0  # 2**27 + 1, Dekker's constant for float64
_EXACT_MAX = 2.0**480
_EXACT_MIN = 2.0**-480
_UNIT = 2.0**-53
_TINY = 2.0**-1018  # per-term allowance for underflow, even flushed to zero
_INSERTION_MAX = 32  # candidate lists up to this length are insertion-sorted
UNDECIDED = 2  # returned by the comparisons when exact arithmetic cannot decide


@kernel(fastmath=STRICT)
def _compare_exact(qv, ca, cb, partials):
    """Sign of ``D(q, a) - D(q, b)`` in exact arithmetic, or ``UNDECIDED``.

    For each coordinate and side, the difference is the exact pair
    ``s + e`` (Knuth's TwoSum) and ``(s + e)^2 = s^2 + 2 s e + e^2`` is
    added, product by product (Dekker's TwoProduct: each product is the
    exact pair ``p + pe``), to a non-overlapping expansion (Shewchuk's
    grow-expansion, as in ``math.fsum``), whose sign is that of its
    largest non-zero component. ``partials`` is scratch space of at least
    ``12 * d + 1`` floats.
    """
    n = 0
    for t in range(qv.shape[0]):
        for side in range(2):
            r = ca[t] if side == 0 else cb[t]
            sign = 1.0 if side == 0 else -1.0
            s = qv[t] - r
            bb = s - qv[t]
            e = (qv[t] - (s - bb)) + (-r - bb)
            for v in (s, e):
                if v != 0.0 and not (_EXACT_MIN <= abs(v) <= _EXACT_MAX):
                    return UNDECIDED
            for j in range(3):
                if j == 0:
                    a, b = s, s
                elif j == 1:
                    a, b = 2.0 * s, e
                else:
                    a, b = e, e
                if a == 0.0 or b == 0.0:
                    continue
                p = a * b
                c = _SPLIT * a
                ah = c - (c - a)
                al = a - ah
                c = _SPLIT * b
                bh = c - (c - b)
                bl = b - bh
                pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl
                for x in (sign * p, sign * pe):
                    if x == 0.0:
                        continue
                    i = 0
                    for m in range(n):
                        y = partials[m]
                        if abs(x) < abs(y):
                            x, y = y, x
                        hi = x + y
                        lo = y - (hi - x)
                        if lo != 0.0:
                            partials[i] = lo
                            i += 1
                        x = hi
                    partials[i] = x
                    n = i + 1
    for m in range(n - 1, -1, -1):
        if partials[m] > 0.0:
            return 1
        if partials[m] < 0.0:
            return -1
    return 0


@kernel(fastmath=STRICT)
def _sq_dist_checked(qv, c):
    """Squared distance from differences, and whether it was computed exactly."""
    acc = 0.0
    exact = True
    for t in range(qv.shape[0]):
        a = qv[t]
        b = c[t]
        s = a - b
        sq = s * s
        if exact:
            bb = s - a
            h = _SPLIT * s
            total = acc + sq
            cc = total - acc
            exact = (
                (a - (s - bb)) + (-b - bb) == 0.0  # the difference is exact
                and s - (h - (h - s)) == 0.0  # at most 26 bits: s * s exact
                and (s == 0.0 or _EXACT_MIN <= abs(s) <= _EXACT_MAX)
                and (acc - (total - cc)) + (sq - cc) == 0.0  # the sum is exact
            )
        acc += sq
    return acc, exact


@kernel(fastmath=STRICT)
def _interval(value, exact, d, lossy):
    """Intervals holding the exact squared distance: ``(low0, low, high)``.

    ``low0`` bounds the distance of the rows ``value`` was computed from
    (see module); ``low, high`` that of the unscaled rows: ``lossy`` bounds
    how much the caller's scaling changed any coordinate difference (0 when
    it was exact), so the two distances differ by at most
    ``sqrt(d) * lossy`` in norm (triangle inequality).
    """
    if exact:
        low, high = value, value
    else:
        g2 = 2.0 * (d + 3) * _UNIT / (1.0 - (d + 3) * _UNIT)
        high = value * (1.0 + g2) + d * _TINY
        low = max(value * (1.0 - g2) - d * _TINY, 0.0)
    low0 = low
    if lossy > 0.0:
        w = np.sqrt(d) * lossy
        high = (np.sqrt(high) + w) ** 2 * (1.0 + 2.0**-50)
        low = max(np.sqrt(low) - w, 0.0) ** 2 * (1.0 - 2.0**-50)
    return low0, low, high


@kernel(fastmath=STRICT)
def _sort_by(order, m, key):
    """Sort ``order[:m]`` by ``key[order]`` (insertion sort for short lists,
    heapsort otherwise; equal keys in any order)."""
    if m <= _INSERTION_MAX:
        for j in range(1, m):
            o = order[j]
            p = j
            while p > 0 and key[order[p - 1]] > key[o]:
                order[p] = order[p - 1]
                p -= 1
            order[p] = o
        return
    for phase in range(2):
        first = m // 2 - 1 if phase == 0 else m - 1
        for i in range(first, 0 if phase == 1 else -1, -1):
            if phase == 0:
                root, end = i, m
            else:
                order[0], order[i] = order[i], order[0]
                root, end = 0, i
            while True:  # sift down
                child = 2 * root + 1
                if child >= end:
                    break
                if child + 1 < end and key[order[child + 1]] > key[order[child]]:
                    child += 1
                if key[order[root]] >= key[order[child]]:
                    break
                order[root], order[child] = order[child], order[root]
                root = child


@kernel(fastmath=STRICT)
def _rank_query(
    qv, C, ids, m, k, lossy, work, exact, order, partials, out_idx, out_high
):
    """Exact ``k`` nearest of ``m`` candidates (rows of ``C``) to ``qv``.

    Writes the candidates' ids nearest first (ties: lower id first) into
    ``out_idx`` and an upper bound of each one's squared distance into
    ``out_high``. Returns ``(status, reach)``: status 0 when done, 1 when an
    exact comparison was undecidable (the caller ranks this query with
    rationals; ``out_high`` then holds an upper bound of the k-th
    distance), 2 when there are fewer than ``k`` candidates; ``reach`` is
    the largest lower bound of a candidate's distance in the scaled rows
    themselves (``low0`` of :func:`_interval`; the driver's certificates
    use it).

    Candidates are sorted by their computed distance; every candidate whose
    interval lies entirely above the largest upper bound among the first
    ``k`` is dropped (it cannot be among the k nearest); the rest split into
    runs wherever every interval before a point lies below every interval
    after it, and only runs that reach into the first ``k`` places are
    ordered exactly, by selection: disjoint intervals decide, then equal
    exact distances or equal rows tie (lower id first), then
    :func:`_compare_exact`.

    ``work`` is float64 scratch of shape (4, m_max); ``exact`` bool scratch
    (m_max,); ``order`` int64 scratch (m_max,); ``partials`` float64 scratch
    of at least ``12 d + 1``.
    """
    if m < k:
        return 2, 0.0
    d = qv.shape[0]
    dist = work[0]
    low = work[1]
    high = work[2]
    reach = 0.0
    for j in range(m):
        v, ex = _sq_dist_checked(qv, C[j])
        dist[j] = v
        exact[j] = ex and lossy == 0.0
        low0, low[j], high[j] = _interval(v, exact[j], d, lossy)
        reach = max(reach, low0)
        order[j] = j
    _sort_by(order, m, dist)
    top = 0.0
    for p in range(k):
        top = max(top, high[order[p]])
    n = 0
    for p in range(m):
        j = order[p]
        if low[j] <= top:
            order[n] = j
            n += 1
    # Runs: a boundary before place p when every upper bound before p lies
    # below every lower bound from p on (``suffix[p]``, their minimum).
    suffix = work[3]
    suffix[n - 1] = low[order[n - 1]]
    for p in range(n - 2, -1, -1):
        suffix[p] = min(suffix[p + 1], low[order[p]])
    for p in range(k):
        out_high[p] = top  # until the order is settled
    start = 0
    while start < k:
        stop = start + 1
        run_high = high[order[start]]
        while stop < n and not run_high < suffix[stop]:
            run_high = max(run_high, high[order[stop]])
            stop += 1
        for p in range(start, min(stop, k)):
            best = p
            for j in range(p + 1, stop):
                a = order[j]
                b = order[best]
                # Does candidate a rank before candidate b?
                if high[a] < low[b]:
                    before = True
                elif high[b] < low[a]:
                    before = False
                elif exact[a] and exact[b]:
                    before = dist[a] < dist[b] or (
                        dist[a] == dist[b] and ids[a] < ids[b]
                    )
                elif lossy > 0.0:
                    return 1, reach
                else:
                    sign = 0
                    for t in range(d):
                        if C[a, t] != C[b, t]:
                            sign = _compare_exact(qv, C[a], C[b], partials)
                            break
                    if sign == UNDECIDED:
                        return 1, reach
                    before = sign < 0 or (sign == 0 and ids[a] < ids[b])
                if before:
                    best = j
            order[p], order[best] = order[best], order[p]
        start = stop
    for p in range(k):
        out_idx[p] = ids[order[p]]
        out_high[p] = high[order[p]]
    return 0, reach


@kernel(fastmath=STRICT)
def _rank_dense(Q, R, cand, exclude, lossy, out_idx, out_high, status, reach):
    """Exact ``k`` nearest of each query among its candidate reference rows.

    Parameters
    ----------
    Q, R : float arrays of shape (n_queries, d), (n_ref, d)
        Query and reference rows (scaled as the module requires).
    cand : int64 array of shape (n_queries, n_cand)
        Candidate rows of ``R`` per query; ``-1`` entries are skipped, as is
        ``exclude[q]``.
    exclude : int64 array of shape (n_queries,)
    lossy : float
        See :func:`_interval`.
    out_idx : int64 array of shape (n_queries, k), written
    out_high : float64 array of shape (n_queries, k), written
        Upper bound of each neighbour's squared distance.
    status, reach : arrays of shape (n_queries,), written
        See :func:`_rank_query`.
    """
    n_q, n_c = cand.shape
    d = Q.shape[1]
    k = out_idx.shape[1]
    qv = np.empty(d)
    C = np.empty((n_c, d))
    ids = np.empty(n_c, dtype=np.int64)
    work = np.empty((4, n_c))
    exact = np.empty(n_c, dtype=np.bool_)
    order = np.empty(n_c, dtype=np.int64)
    partials = np.empty(12 * d + 1)
    for q in range(n_q):
        for t in range(d):
            qv[t] = Q[q, t]
        m = np.int64(0)  # not a literal: one specialisation of the callee
        for p in range(n_c):
            r = cand[q, p]
            if r < 0 or r == exclude[q]:
                continue
            for t in range(d):
                C[m, t] = R[r, t]
            ids[m] = r
            m += 1
        status[q], reach[q] = _rank_query(
            qv,
            C,
            ids,
            m,
            k,
            lossy,
            work,
            exact,
            order,
            partials,
            out_idx[q],
            out_high[q],
        )


@kernel(fastmath=STRICT)
def _rank_sparse(
    q_data,
    q_ind,
    q_ptr,
    r_data,
    r_ind,
    r_ptr,
    n_features,
    cand,
    exclude,
    lossy,
    out_idx,
    out_high,
    status,
    reach,
):
    """:func:`_rank_dense` for CSR rows (sorted, duplicate-free indices).

    Each query and its candidates are gathered, on the union of their
    non-zero columns, into small dense rows, then ranked by
    :func:`_rank_query`.
    """
    n_q, n_c = cand.shape
    k = out_idx.shape[1]
    colmap = np.full(n_features, -1, dtype=np.int64)
    cols = np.empty(n_features, dtype=np.int64)
    ids = np.empty(n_c, dtype=np.int64)
    work = np.empty((4, n_c))
    exact = np.empty(n_c, dtype=np.bool_)
    order = np.empty(n_c, dtype=np.int64)
    for q in range(n_q):
        u = 0
        for p in range(q_ptr[q], q_ptr[q + 1]):
            c = q_ind[p]
            if colmap[c] < 0:
                colmap[c] = u
                cols[u] = c
                u += 1
        m = np.int64(0)  # not a literal: one specialisation of the callee
        for p in range(n_c):
            r = cand[q, p]
            if r < 0 or r == exclude[q]:
                continue
            ids[m] = r
            m += 1
            for t in range(r_ptr[r], r_ptr[r + 1]):
                c = r_ind[t]
                if colmap[c] < 0:
                    colmap[c] = u
                    cols[u] = c
                    u += 1
        qv = np.zeros(u)
        C = np.zeros((max(m, 1), u))
        for p in range(q_ptr[q], q_ptr[q + 1]):
            qv[colmap[q_ind[p]]] = q_data[p]
        for j in range(m):
            r = ids[j]
            for t in range(r_ptr[r], r_ptr[r + 1]):
                C[j, colmap[r_ind[t]]] = r_data[t]
        partials = np.empty(12 * u + 1)
        status[q], reach[q] = _rank_query(
            qv,
            C,
            ids,
            m,
            k,
            lossy,
            work,
            exact,
            order,
            partials,
            out_idx[q],
            out_high[q],
        )
        for j in range(u):
            colmap[cols[j]] = -1


@kernel(fastmath=STRICT)
def _sparse_sq_dist(a_data, a_ind, a0, a1, b_data, b_ind, b0, b1):
    """Squared distance of two CSR rows from their differences (sorted indices)."""
    acc = 0.0
    i = a0
    j = b0
    while i < a1 or j < b1:
        if j >= b1 or (i < a1 and a_ind[i] < b_ind[j]):
            v = a_data[i]
            i += 1
        elif i >= a1 or b_ind[j] < a_ind[i]:
            v = -b_data[j]
            j += 1
        else:
            v = a_data[i] - b_data[j]
            i += 1
            j += 1
        acc += v * v
    return acc


@kernel(fastmath=STRICT)
def _sparse_band(
    q_data, q_ind, q_ptr, r_data, r_ind, r_ptr, exclude, k, lossy, cand, count
):
    """Brute force: every reference row that may be among each query's k nearest.

    A row whose distance interval lies above the k-th smallest upper bound
    cannot be among the k nearest; the others are written to ``cand`` (row
    ``q``, up to its width; ``-1`` after) and counted in ``count[q]`` (the
    caller widens ``cand`` when a count exceeds it).
    """
    n_q, cap = cand.shape
    n_ref = r_ptr.shape[0] - 1
    low = np.empty(n_ref)
    high = np.empty(n_ref)
    for q in range(n_q):
        n_qz = q_ptr[q + 1] - q_ptr[q]
        for r in range(n_ref):
            if r == exclude[q]:
                low[r] = np.inf
                high[r] = np.inf
                continue
            v = _sparse_sq_dist(
                q_data,
                q_ind,
                q_ptr[q],
                q_ptr[q + 1],
                r_data,
                r_ind,
                r_ptr[r],
                r_ptr[r + 1],
            )
            terms = n_qz + r_ptr[r + 1] - r_ptr[r]
            _, low[r], high[r] = _interval(v, np.bool_(False), terms, lossy)
        top = np.partition(high, k - 1)[k - 1]
        c = 0
        for r in range(n_ref):
            if low[r] <= top:
                if c < cap:
                    cand[q, c] = r
                c += 1
        count[q] = c
        for p in range(min(c, cap), cap):
            cand[q, p] = -1
