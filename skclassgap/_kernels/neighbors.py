"""Float32 screening of nearest-neighbour candidates, and the sparse float64 merge.

The driver (:mod:`skclassgap.over_sampling._neighbors`) computes tiles of dot
products through BLAS and hands them to these kernels, which turn each entry
into a screening value (a squared distance up to rounding) and keep, per
query row, a sorted list of the smallest values (:mod:`._topk` lists). The
lists are candidates only: :mod:`.exact` ranks them exactly, and the driver
proves from the screening's error bound that no rejected row can be closer.

Dense rows are screened in float32 (half the memory traffic and twice the
SIMD width of float64 BLAS). BLAS gives a tile of ``-2 q.r`` (query rows are
stored as ``-2 x``); the screening value of a pair is
``(-2 q.r + ||r||^2) + ||q||^2``, always evaluated in that order in float32,
so that the symmetric search sees the same value from both sides. Sparse
rows are merged in float64 from ``q.r`` tiles (:func:`_topk_update`).
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel
from skclassgap._kernels.topk import _insert

# Rows of a symmetric tile whose entries are counted per column before a
# column is walked (short walks: a column's entries lie a tile row apart).
_COUNT_BLOCK = 8
_ROW_CHUNK = 32  # entries of a tile row counted before they are walked


@kernel(fastmath=STRICT)
def _topk_update(tile, ref_sqnorm, col_start, exclude, best_val, best_idx, row_start):
    """Merge a float64 tile of dot products into the running lists (sparse search).

    Entry ``(i, j)`` is ``Q[row_start + i] . R[col_start + j]``; its kept value
    is ``ref_sqnorm[col_start + j] - 2 tile[i, j]`` (the squared distance less
    the query's own squared norm, which does not change the order).
    ``exclude[q] >= 0`` is a reference row query ``q`` may not take.
    """
    n_keep = best_val.shape[1]
    for i in range(tile.shape[0]):
        q = row_start + i
        worst = best_val[q, n_keep - 1]
        skip = exclude[q] - col_start if exclude[q] >= 0 else -1
        for j in range(tile.shape[1]):
            v = ref_sqnorm[col_start + j] - 2.0 * tile[i, j]
            if v < worst and j != skip:
                _insert(best_val[q], best_idx[q], v, col_start + j)
                worst = best_val[q, n_keep - 1]


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
def _count_below(t, cs, a, limit, start, stop):
    """Number of ``j`` in ``[start, stop)`` with ``t[j] + cs[j] + a < limit``.

    Counted in int32 (eight float32 lanes per vector step; an int64 count
    halves the vector width).
    """
    one = np.int32(1)
    zero = np.int32(0)
    hit = np.int32(0)
    for j in range(start, stop):
        hit = np.int32(hit + (one if t[j] + cs[j] + a < limit else zero))
    return hit


@kernel(fastmath=STRICT)
def _walk_row(t, q, col_start, cs, a, skip, best_val, best_idx):
    """Insert the entries of one tile row (query ``q``) below its list's last
    value: chunks of ``_ROW_CHUNK`` entries are counted first, and only
    chunks with a candidate are walked. Entry ``skip`` (or -1) is the query
    itself."""
    n_keep = best_val.shape[1]
    n_cols = t.shape[0]
    w = best_val[q, n_keep - 1]
    for c0 in range(0, n_cols, _ROW_CHUNK):
        c1 = min(c0 + _ROW_CHUNK, n_cols)
        if _count_below(t, cs, a, w, c0, c1) == 0:
            continue
        for j in range(c0, c1):
            v = t[j] + cs[j] + a
            if v < w and j != skip:
                _insert(best_val[q], best_idx[q], v, col_start + j)
                w = best_val[q, n_keep - 1]


@kernel(fastmath=STRICT)
def _screen_rows(
    tile, row_start, col_start, row_sq, col_sq, exclude, best_val, best_idx
):
    """Merge a tile into the running best list of each of its rows' queries.

    Entry ``(i, j)`` has the screening value
    ``tile[i, j] + col_sq[col_start + j] + row_sq[row_start + i]`` for query
    ``row_start + i`` and reference ``col_start + j``. A branch-free int32
    count (vectorised by LLVM) of the entries below the row's current worst
    kept value rejects the whole row in one step, which is the common case
    once the lists have filled; otherwise the row is walked
    (:func:`_walk_row`).

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
        t = tile[i]
        if _count_below(t, cs, a, best_val[q, n_keep - 1], 0, n_cols) == 0:
            continue
        skip = exclude[q] - col_start if exclude[q] >= 0 else -1
        _walk_row(t, q, col_start, cs, a, skip, best_val, best_idx)


@kernel(fastmath=STRICT)
def _screen_pair(tile, row_start, col_start, sq, best_val, best_idx, worst, count):
    """Merge a tile of the symmetric search into the lists of both its blocks.

    Entry ``(i, j)`` is the pair of rows ``row_start + i`` and
    ``col_start + j`` with the screening value
    ``tile[i, j] + sq[col_start + j] + sq[row_start + i]`` for both of them.
    On a diagonal tile (``row_start == col_start``) the rows only are merged,
    each skipping itself. Otherwise one pass over the tile counts (int32,
    vectorised) each row's entries below its list's last value and each
    column's entries below its own, per chunk of ``_COUNT_BLOCK`` rows; rows
    with a count are walked at once (:func:`_walk_row`), columns afterwards,
    chunk by chunk. A column's count uses its last value at the start of the
    tile, which only overstates it. ``worst`` (float32, ``n_cols``) and
    ``count`` (int32, at least ``ceil(n_rows / _COUNT_BLOCK) x n_cols``) are
    scratch space.
    """
    n_keep = best_val.shape[1]
    n_rows, n_cols = tile.shape
    cs = sq[col_start : col_start + n_cols]
    rs = sq[row_start : row_start + n_rows]
    if row_start == col_start:
        for i in range(n_rows):
            q = row_start + i
            t = tile[i]
            if _count_below(t, cs, rs[i], best_val[q, n_keep - 1], 0, n_cols) == 0:
                continue
            _walk_row(t, q, col_start, cs, rs[i], i, best_val, best_idx)
        return
    one = np.int32(1)
    zero = np.int32(0)
    n_chunks = (n_rows + _COUNT_BLOCK - 1) // _COUNT_BLOCK
    for j in range(n_cols):
        worst[j] = best_val[col_start + j, n_keep - 1]
    for c in range(n_chunks):
        cnt = count[c]
        for j in range(n_cols):
            cnt[j] = 0
        for i in range(c * _COUNT_BLOCK, min((c + 1) * _COUNT_BLOCK, n_rows)):
            b = rs[i]
            wr = best_val[row_start + i, n_keep - 1]
            t = tile[i]
            hit = np.int32(0)
            for j in range(n_cols):
                v = t[j] + cs[j] + b
                hit = np.int32(hit + (one if v < wr else zero))
                cnt[j] = np.int32(cnt[j] + (one if v < worst[j] else zero))
            if hit:
                _walk_row(t, row_start + i, col_start, cs, b, -1, best_val, best_idx)
    for j in range(n_cols):
        q = col_start + j
        a = cs[j]
        w = best_val[q, n_keep - 1]
        for c in range(n_chunks):
            if count[c, j] == 0:
                continue
            for i in range(c * _COUNT_BLOCK, min((c + 1) * _COUNT_BLOCK, n_rows)):
                v = tile[i, j] + a + rs[i]
                if v < w:
                    _insert(best_val[q], best_idx[q], v, row_start + i)
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
    for p in range(pairs.shape[0]):
        r0 = pairs[p, 0] * size
        c0 = pairs[p, 1] * size
        r1 = min(r0 + size, n)
        c1 = min(c0 + size, n)
        out = tile[: (r1 - r0) * (c1 - c0)].reshape((r1 - r0, c1 - c0))
        np.dot(X2[r0:r1], X[c0:c1].T, out)
        _screen_pair(out, r0, c0, sq, best_val, best_idx, worst, count)
