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

from skclassgap.utils._numba import FINITE_SAFE, STRICT, kernel


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
