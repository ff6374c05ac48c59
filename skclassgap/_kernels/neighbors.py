"""Top-k selection for exact k-nearest-neighbour search over blocks of distances.

The driver (:func:`skclassgap.over_sampling._neighbors.kneighbors`) computes a
tile of dot products ``G = Q_block @ R_chunk.T`` through BLAS and hands it to
these kernels, which turn each entry into a squared distance up to the query's
own norm (``||r||^2 - 2 q.r``; adding ``||q||^2`` does not change the order)
and keep the ``k`` smallest per query row. A candidate is rejected with a
single comparison against the current k-th best; only the few survivors are
inserted (insertion into a sorted list of length ``k``). Ties keep the
candidate seen first, i.e. the smaller reference index.
"""

import numpy as np

from skclassgap._kernels._config import FINITE_SAFE, STRICT, kernel

_CHUNK = 32  # tile entries checked by one vectorised count before scalar work


@kernel(fastmath=FINITE_SAFE)
def _merge_row(tile, i, ref_sqnorm, col_start, skip, bd, bi):
    """Merge row ``i`` of ``tile`` into the sorted k best ``bd``/``bi`` of one query."""
    k = bd.shape[0]
    worst = bd[k - 1]
    for j in range(tile.shape[1]):
        d = ref_sqnorm[col_start + j] - 2.0 * tile[i, j]
        if d < worst and j != skip:
            p = k - 1
            while p > 0 and bd[p - 1] > d:
                bd[p] = bd[p - 1]
                bi[p] = bi[p - 1]
                p -= 1
            bd[p] = d
            bi[p] = col_start + j
            worst = bd[k - 1]


@kernel(fastmath=FINITE_SAFE)
def _topk_update(tile, ref_sqnorm, col_start, exclude, best_dist, best_idx, row_start):
    """Merge one tile of dot products into the running k best per query row.

    Parameters
    ----------
    tile : float64 array of shape (n_rows, n_cols)
        ``Q[row_start + i] . R[col_start + j]``.
    ref_sqnorm : float64 array of shape (n_ref,)
        Squared norms of all reference rows.
    col_start : int
        Reference index of the tile's first column.
    exclude : int64 array of shape (n_queries,)
        ``exclude[q] >= 0`` is a reference row that query ``q`` may not have as a
        neighbour (itself, when queries are reference rows); ``-1`` for none.
    best_dist, best_idx : arrays of shape (n_queries, k), updated in place
        Sorted partial distances (``+inf`` initially) and reference indices.
    row_start : int
        Query index of the tile's first row.
    """
    for i in range(tile.shape[0]):
        q = row_start + i
        skip = exclude[q] - col_start if exclude[q] >= 0 else -1
        _merge_row(tile, i, ref_sqnorm, col_start, skip, best_dist[q], best_idx[q])


@kernel(fastmath=STRICT)
def _add_query_norms(best_dist, query_sqnorm):
    """Turn partial distances into squared distances, clipped at zero, in place."""
    n, k = best_dist.shape
    for i in range(n):
        for p in range(k):
            d = best_dist[i, p] + query_sqnorm[i]
            best_dist[i, p] = d if d > 0.0 else 0.0


@kernel(fastmath=STRICT)
def _row_sqnorms(X):
    """Squared Euclidean norm of every row, as float64."""
    n, d = X.shape
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        s = 0.0
        for j in range(d):
            v = np.float64(X[i, j])
            s += v * v
        out[i] = s
    return out


# --- float32 screening with an exact float64 re-check -----------------------
#
# The dense driver screens candidates in float32 (half the memory traffic and
# twice the SIMD width of float64 BLAS), then re-checks the few survivors with
# exact float64 distances. BLAS gives a tile of ``-2 q.r`` (query rows are
# stored as ``-2 x``); the screening value of a pair is the squared distance
# ``(-2 q.r + ||r||^2) + ||q||^2``, always evaluated in that order in float32,
# so the symmetric search sees the same value from both sides. The driver
# bounds the float32 error of that value by ``bound[q]``; the re-check keeps
# every candidate whose screening value lies within ``2 * bound[q]`` of the
# k-th smallest, which provably contains the exact k nearest (see
# :func:`_refine_candidates`).


@kernel(fastmath=STRICT)
def _scaled_rows(X, center, scale, factor, out, sqnorms):
    """Centred, scaled float32 rows times ``factor``, and their float64 squared norms.

    Parameters
    ----------
    X : float array of shape (n, d)
    center : float64 array of shape (d,)
    scale : float
        Power of two the centred rows are divided by (exact in binary).
    factor : float
        ``-2.0`` for query rows, ``1.0`` for reference rows (exact).
    out : float32 array of shape (n, d), written
        ``factor * (X[i] - center) / scale``.
    sqnorms : float64 array of shape (n,), written
        ``||(X[i] - center) / scale||^2``.
    """
    n, d = X.shape
    for i in range(n):
        s = 0.0
        for j in range(d):
            v = (np.float64(X[i, j]) - center[j]) / scale
            s += v * v
            out[i, j] = factor * v
        sqnorms[i] = s


@kernel(fastmath=STRICT)
def _insert(best_val, best_idx, q, v, idx):
    """Insert value ``v`` of reference ``idx`` into the sorted list of query ``q``."""
    p = best_val.shape[1] - 1
    while p > 0 and best_val[q, p - 1] > v:
        best_val[q, p] = best_val[q, p - 1]
        best_idx[q, p] = best_idx[q, p - 1]
        p -= 1
    best_val[q, p] = v
    best_idx[q, p] = idx


@kernel(fastmath=STRICT)
def _screen_rows(
    tile, row_start, col_start, row_sq, col_sq, exclude, best_val, best_idx
):
    """Merge a tile into the running best list of each of its rows' queries.

    Entry ``(i, j)`` has the screening value
    ``tile[i, j] + col_sq[col_start + j] + row_sq[row_start + i]`` for query
    ``row_start + i`` and reference ``col_start + j``. A branch-free count
    (vectorised by LLVM) of the entries that may lie below the row's current
    worst kept value rejects the whole row in one step, which is the common
    case once the lists have filled; otherwise the row is counted again in
    chunks of ``_CHUNK`` entries and chunks with candidates are merged by
    insertion into the sorted list.

    Parameters
    ----------
    tile : float32 array of shape (n_rows, n_cols)
        ``-2 q.r`` of the tile's pairs.
    row_start, col_start : int
    row_sq, col_sq : float32 arrays
        Squared norms of all query rows and of all reference rows.
    exclude : int64 array of shape (n_queries,)
        Reference row each query may not take (``-1``: none).
    best_val, best_idx : arrays of shape (n_queries, n_keep), updated in place
        Kept screening values (sorted, ``+inf`` initially) and reference rows.
    """
    n_keep = best_val.shape[1]
    n_cols = tile.shape[1]
    # A view, so that the inner loops index from 0 (no wrap-around check:
    # they vectorise).
    cs = col_sq[col_start : col_start + n_cols]
    for i in range(tile.shape[0]):
        q = row_start + i
        a = row_sq[q]
        worst = best_val[q, n_keep - 1]
        # Pre-check ``tile + cs < worst - a`` (one add less per entry than the
        # value itself), with a margin of a few float32 units that covers the
        # rounding of both forms: it never rejects an entry whose value is
        # below ``worst``; the exact test follows for the entries it lets by.
        limit = np.float64(worst) - np.float64(a)
        limit = np.float32(
            limit + 8.0 * 2.0**-24 * (abs(np.float64(worst)) + abs(np.float64(a)))
        )
        count = 0
        for j in range(n_cols):
            count += tile[i, j] + cs[j] < limit
        if count == 0:
            continue
        skip = exclude[q] - col_start if exclude[q] >= 0 else -1
        for c0 in range(0, n_cols, _CHUNK):
            c1 = min(c0 + _CHUNK, n_cols)
            count = 0
            for j in range(c0, c1):
                count += tile[i, j] + cs[j] + a < worst
            if count == 0:
                continue
            for j in range(c0, c1):
                v = tile[i, j] + cs[j] + a
                if v < worst and j != skip:
                    _insert(best_val, best_idx, q, v, col_start + j)
                    worst = best_val[q, n_keep - 1]


@kernel(fastmath=STRICT)
def _screen_cols(tile, row_start, col_start, sq, best_val, best_idx, worst, count):
    """Merge a tile column-wise (the symmetric search's mirror use of a tile).

    Column ``j`` is query ``col_start + j`` and row ``i`` its reference
    ``row_start + i``; the value is the one :func:`_screen_rows` computes for
    the pair, ``tile[i, j] + sq[col_start + j] + sq[row_start + i]``.
    Candidates are counted per column and per chunk of ``_CHUNK`` rows, row by
    row over contiguous memory (vectorised); only chunks with a count are
    walked down their column. ``worst`` (float32, ``n_cols``) and ``count``
    (int32, at least ``ceil(n_rows / _CHUNK) x n_cols``) are scratch space.
    """
    n_keep = best_val.shape[1]
    n_rows, n_cols = tile.shape
    n_chunks = (n_rows + _CHUNK - 1) // _CHUNK
    cs = sq[col_start : col_start + n_cols]
    rs = sq[row_start : row_start + n_rows]
    for j in range(n_cols):
        worst[j] = best_val[col_start + j, n_keep - 1]
    for c in range(n_chunks):
        for j in range(n_cols):
            count[c, j] = 0
        for i in range(c * _CHUNK, min((c + 1) * _CHUNK, n_rows)):
            b = rs[i]
            for j in range(n_cols):
                count[c, j] += tile[i, j] + cs[j] + b < worst[j]
    for j in range(n_cols):
        q = col_start + j
        a = cs[j]
        w = best_val[q, n_keep - 1]
        for c in range(n_chunks):
            if count[c, j] == 0:
                continue
            for i in range(c * _CHUNK, min((c + 1) * _CHUNK, n_rows)):
                v = tile[i, j] + a + rs[i]
                if v < w:
                    _insert(best_val, best_idx, q, v, row_start + i)
                    w = best_val[q, n_keep - 1]


@kernel(fastmath=STRICT)
def _screen_blocks(
    Q2, R, q_sq, r_sq, block_starts, rows, cols, exclude, best_val, best_idx, tile
):
    """Screen blocks of query rows against every reference row, tile by tile.

    ``Q2`` holds ``-2 x`` of the query rows and ``R`` the reference rows (both
    float32, centred and scaled); each tile ``Q2[r0:r1] @ R[c0:c1].T`` is
    computed by BLAS into ``tile`` (flat float32 scratch of at least
    ``rows * cols``) and merged by :func:`_screen_rows`.
    """
    n_q = Q2.shape[0]
    n_ref = R.shape[0]
    for b in range(block_starts.shape[0]):
        r0 = block_starts[b]
        r1 = min(r0 + rows, n_q)
        for c0 in range(0, n_ref, cols):
            c1 = min(c0 + cols, n_ref)
            out = tile[: (r1 - r0) * (c1 - c0)].reshape((r1 - r0, c1 - c0))
            np.dot(Q2[r0:r1], R[c0:c1].T, out)
            _screen_rows(out, r0, c0, q_sq, r_sq, exclude, best_val, best_idx)


@kernel(fastmath=STRICT)
def _screen_symmetric(X2, X, sq, pairs, size, best_val, best_idx, tile, worst, count):
    """Screen a set against itself computing each pair of blocks once.

    Block pair ``(I, J)`` with ``J >= I`` (rows of ``pairs``) gives the tile
    ``X2[I] @ X[J].T`` (``X2 = -2 X``); the screening value of a pair is
    symmetric, so the tile serves the queries of block ``I`` row-wise and,
    when ``J > I``, those of block ``J`` column-wise. Each row is its own
    excluded neighbour.
    """
    n = X.shape[0]
    self_rows = np.arange(n)
    for p in range(pairs.shape[0]):
        r0 = pairs[p, 0] * size
        c0 = pairs[p, 1] * size
        r1 = min(r0 + size, n)
        c1 = min(c0 + size, n)
        out = tile[: (r1 - r0) * (c1 - c0)].reshape((r1 - r0, c1 - c0))
        np.dot(X2[r0:r1], X[c0:c1].T, out)
        _screen_rows(out, r0, c0, sq, sq, self_rows, best_val, best_idx)
        if c0 != r0:
            _screen_cols(out, r0, c0, sq, best_val, best_idx, worst, count)


@kernel(fastmath=STRICT)
def _merge_lists(best_val, best_idx, other_val, other_idx):
    """Merge the sorted lists ``other_*`` into ``best_*`` (disjoint candidates)."""
    n_q, n_keep = best_val.shape
    for q in range(n_q):
        for p in range(n_keep):
            v = other_val[q, p]
            if not v < best_val[q, n_keep - 1]:
                break
            _insert(best_val, best_idx, q, v, other_idx[q, p])


@kernel(fastmath=STRICT)
def _sorted_insert(dist, cand, m, s, r):
    """Insert (distance ``s``, index ``r``) into the first ``m`` sorted entries."""
    c = m
    while c > 0 and (dist[c - 1] > s or (dist[c - 1] == s and cand[c - 1] > r)):
        dist[c] = dist[c - 1]
        cand[c] = cand[c - 1]
        c -= 1
    dist[c] = s
    cand[c] = r


@kernel(fastmath=STRICT)
def _sq_dist(a, i, b, j):
    """Exact float64 squared distance between rows ``a[i]`` and ``b[j]``."""
    s = 0.0
    for t in range(a.shape[1]):
        diff = np.float64(a[i, t]) - np.float64(b[j, t])
        s += diff * diff
    return s


@kernel(fastmath=STRICT)
def _refine_candidates(
    query, reference, best_val, best_idx, bound, out, out_dist, fallback
):
    """Exact k nearest from the screened lists, or a flag when that is not provable.

    For query ``q`` with screening values ``v`` (error at most ``bound[q]``),
    let ``tau`` be the k-th smallest kept value. The exact k-th smallest
    distance value is at most ``tau + bound[q]``, so every true neighbour has
    ``v <= tau + 2 bound[q]``. When the last kept value exceeds that band, no
    rejected reference can be a true neighbour: the kept candidates inside
    the band are re-ranked by exact float64 squared distances computed from
    the original rows (ties: lower index first). Otherwise the band may have
    overflowed the list and ``fallback[q]`` is set for an exact search.

    Parameters
    ----------
    query, reference : float arrays of shape (n_queries, d), (n_ref, d)
        The original (uncentred) rows.
    best_val, best_idx : arrays of shape (n_queries, n_keep)
        Screening lists from :func:`_screen_update`.
    bound : float64 array of shape (n_queries,)
    out : int64 array of shape (n_queries, k), written
    out_dist : float64 array of shape (n_queries, k), written
        Exact squared distances of the neighbours in ``out``.
    fallback : bool array of shape (n_queries,), written
    """
    n_q, n_keep = best_val.shape
    k = out.shape[1]
    dist = np.empty(n_keep)
    cand = np.empty(n_keep, dtype=np.int64)
    for q in range(n_q):
        band = np.float64(best_val[q, k - 1]) + 2.0 * bound[q]
        if np.float64(best_val[q, n_keep - 1]) <= band:
            fallback[q] = True
            continue
        fallback[q] = False
        m = 0
        for p in range(n_keep):
            if np.float64(best_val[q, p]) > band:
                break
            r = best_idx[q, p]
            _sorted_insert(dist, cand, m, _sq_dist(query, q, reference, r), r)
            m += 1
        for p in range(k):
            out[q, p] = cand[p]
            out_dist[q, p] = dist[p]


@kernel(fastmath=STRICT)
def _merge_class_and_other(
    query,
    other,
    other_rows,
    best_val,
    best_idx,
    bound,
    scale2,
    same_dist,
    same_rows,
    out,
    fallback,
):
    """Exact m nearest rows of the whole set for rows of one class.

    The class's own nearest rows are known exactly (``same_dist`` sorted,
    global indices ``same_rows``, at least ``m`` of them). The other rows
    were screened with lists that started full of a placeholder value above
    the m-th same-class distance (index ``-1``), so only other rows that may
    be closer were kept. The kept ones are re-checked exactly and merged with
    the class's own; the result is exact when every other row left out is
    provably farther than the merged m-th distance: always when the list kept
    a placeholder (left-out rows lie beyond the m-th same-class distance),
    otherwise when the last kept value, less its error bound, exceeds it.
    Else ``fallback[q]`` is set.

    Parameters
    ----------
    query, other : float arrays of shape (n_queries, d), (n_other, d)
        The class's rows and the other rows (original values).
    other_rows : int64 array of shape (n_other,)
        Global index of each row of ``other``.
    best_val, best_idx : screening lists of shape (n_queries, n_keep)
    bound : float64 array of shape (n_queries,)
        Error bound of the screening values (scaled units).
    scale2 : float
        Squared scale: screening value times ``scale2`` is a squared distance.
    same_dist, same_rows : arrays of shape (n_queries, M), M >= m
    out : int64 array of shape (n_queries, m), written (global indices)
    fallback : bool array of shape (n_queries,), written
    """
    n_q, n_keep = best_val.shape
    m = out.shape[1]
    n_same = same_dist.shape[1]
    dist = np.empty(n_same + n_keep)
    cand = np.empty(n_same + n_keep, dtype=np.int64)
    for q in range(n_q):
        c = 0
        for p in range(n_same):
            _sorted_insert(dist, cand, c, same_dist[q, p], same_rows[q, p])
            c += 1
        for p in range(n_keep):
            r = best_idx[q, p]
            if r < 0:
                continue
            _sorted_insert(dist, cand, c, _sq_dist(query, q, other, r), other_rows[r])
            c += 1
        if best_idx[q, n_keep - 1] >= 0:
            left_out = (
                (np.float64(best_val[q, n_keep - 1]) - bound[q])
                * scale2
                * (1.0 - 1e-12)
            )
            if not left_out > dist[m - 1]:
                fallback[q] = True
                continue
        fallback[q] = False
        for p in range(m):
            out[q, p] = cand[p]
