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

_COUNT_BLOCK = 32  # tile entries counted in one vectorised step before any insert


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
    chunks of ``_COUNT_BLOCK`` entries and chunks with candidates are merged by
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
        for c0 in range(0, n_cols, _COUNT_BLOCK):
            c1 = min(c0 + _COUNT_BLOCK, n_cols)
            count = 0
            for j in range(c0, c1):
                count += tile[i, j] + cs[j] + a < worst
            if count == 0:
                continue
            for j in range(c0, c1):
                v = tile[i, j] + cs[j] + a
                if v < worst and j != skip:
                    _insert(best_val[q], best_idx[q], v, col_start + j)
                    worst = best_val[q, n_keep - 1]


@kernel(fastmath=STRICT)
def _screen_cols(tile, row_start, col_start, sq, best_val, best_idx, worst, count):
    """Merge a tile column-wise (the symmetric search's mirror use of a tile).

    Column ``j`` is query ``col_start + j`` and row ``i`` its reference
    ``row_start + i``; the value is the one :func:`_screen_rows` computes for
    the pair, ``tile[i, j] + sq[col_start + j] + sq[row_start + i]``.
    Candidates are counted per column and per chunk of ``_COUNT_BLOCK`` rows, row by
    row over contiguous memory (vectorised); only chunks with a count are
    walked down their column. ``worst`` (float32, ``n_cols``) and ``count``
    (int32, at least ``ceil(n_rows / _COUNT_BLOCK) x n_cols``) are scratch space.
    """
    n_keep = best_val.shape[1]
    n_rows, n_cols = tile.shape
    n_chunks = (n_rows + _COUNT_BLOCK - 1) // _COUNT_BLOCK
    cs = sq[col_start : col_start + n_cols]
    rs = sq[row_start : row_start + n_rows]
    for j in range(n_cols):
        worst[j] = best_val[col_start + j, n_keep - 1]
    for c in range(n_chunks):
        for j in range(n_cols):
            count[c, j] = 0
        for i in range(c * _COUNT_BLOCK, min((c + 1) * _COUNT_BLOCK, n_rows)):
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
