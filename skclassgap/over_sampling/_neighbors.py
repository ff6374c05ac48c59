"""Exact k-nearest neighbours for the samplers: blocked BLAS distances + numba top-k.

:func:`kneighbors` returns, for every query row, the indices of its ``k``
nearest reference rows by Euclidean distance, nearest first. Work is done tile
by tile: a tile of dot products ``Q_block @ R_chunk.T`` comes from BLAS into a
buffer allocated once, and a numba kernel merges it into the running k best of
each query row. Peak extra memory is one tile (at most ``_TILE_BYTES``) plus
the ``n_queries x k`` result; no ``n x n`` matrix exists.

Dense data are centred on the reference mean before the dot products, which
keeps the cancellation in ``||q||^2 - 2 q.r + ||r||^2`` small. In very low
dimension (``n_features <= _LOW_DIM``) scikit-learn's tree-based
``NearestNeighbors`` is as fast or faster and is used instead, as it is when
the user passes a neighbours estimator.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import ThreadpoolController

from skclassgap._kernels.neighbors import (
    _add_query_norms,
    _row_sqnorms,
    _topk_update,
)

_TILE_BYTES = 4 * 2**20
_LOW_DIM = 3


_CONTROLLER = []


def _one_blas_thread():
    """Context limiting BLAS to one thread.

    The controller (which scans the loaded libraries, ~3 ms) is built once;
    ``threadpool_limits`` would rebuild it on every call, which dominated the
    fit time of the samplers on small data.
    """
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def _tile_shape(n_queries, n_ref):
    entries = _TILE_BYTES // 8
    cols = min(n_ref, 8192)
    rows = max(1, min(n_queries, entries // max(cols, 1)))
    return rows, cols


def kneighbors(query, reference, k, *, exclude=None, estimator=None, n_jobs=None):
    """Indices of the ``k`` nearest reference rows of every query row.

    Parameters
    ----------
    query : ndarray or CSR matrix of shape (n_queries, n_features)
    reference : ndarray or CSR matrix of shape (n_ref, n_features)
    k : int
        Number of neighbours; ``k <= n_ref`` (minus one with ``exclude``).
    exclude : int64 ndarray of shape (n_queries,), default=None
        ``exclude[q]`` is a reference row that may not be a neighbour of query
        ``q`` (the query itself when queries are reference rows), or -1.
    estimator : NearestNeighbors-like, default=None
        Use a clone of this estimator (``fit``/``kneighbors``) instead.
    n_jobs : int, default=None
        Threads of the built-in dense search, each working on its own blocks
        of query rows (single-threaded BLAS per tile plus the nogil numba
        merge). ``None`` uses as many threads as scikit-learn's OpenMP
        neighbour search would (``OMP_NUM_THREADS`` if set, else every core);
        ``-1`` every core. Results do not depend on the number of
        threads: every query row is merged by one thread, over the reference
        columns in the same order. Passed to scikit-learn's
        ``NearestNeighbors`` on the estimator path.

    Returns
    -------
    ind : int64 ndarray of shape (n_queries, k)
        Reference row indices, nearest first.
    """
    n_q, n_features = query.shape
    if exclude is None:
        exclude = np.full(n_q, -1, dtype=np.int64)
    if estimator is not None or (n_features <= _LOW_DIM and not sparse.issparse(query)):
        return _kneighbors_estimator(query, reference, k, exclude, estimator, n_jobs)
    n_ref = reference.shape[0]
    if sparse.issparse(query):
        Q = sparse.csr_matrix(query, dtype=np.float64)
        R = sparse.csr_matrix(reference, dtype=np.float64)
        q_norm = np.asarray(Q.multiply(Q).sum(axis=1), dtype=np.float64).ravel()
        r_norm = np.asarray(R.multiply(R).sum(axis=1), dtype=np.float64).ravel()
    else:
        center = reference.mean(axis=0, dtype=np.float64)
        Q = np.ascontiguousarray(query - center, dtype=np.float64)
        R = np.ascontiguousarray(reference - center, dtype=np.float64)
        q_norm = _row_sqnorms(Q)
        r_norm = _row_sqnorms(R)
    best_dist = np.full((n_q, k), np.inf)
    best_idx = np.full((n_q, k), -1, dtype=np.int64)
    rows, cols = _tile_shape(n_q, n_ref)
    starts = list(range(0, n_q, rows))
    n_threads = 1 if sparse.issparse(Q) else min(_n_threads(n_jobs), len(starts))

    def merge(block_starts):
        buffer = np.empty(rows * cols)
        _merge_tiles(Q, R, r_norm, exclude, best_dist, best_idx, rows, cols, buffer,
                     block_starts)

    with _one_blas_thread():
        if n_threads == 1:
            merge(starts)
        else:
            # Round-robin blocks of query rows; threads write disjoint rows.
            with ThreadPoolExecutor(max_workers=n_threads) as pool:
                list(pool.map(merge, [starts[t::n_threads] for t in range(n_threads)]))
    _add_query_norms(best_dist, q_norm)
    return best_idx


def _n_threads(n_jobs):
    if n_jobs is None:
        # As many threads as OpenMP code (scikit-learn's neighbour search)
        # would use: OMP_NUM_THREADS when set (joblib/loky workers set it to
        # avoid oversubscription), else every core.
        try:
            return max(1, int(os.environ["OMP_NUM_THREADS"]))
        except (KeyError, ValueError):
            return os.cpu_count() or 1
    if n_jobs == -1:
        return os.cpu_count() or 1
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs


def _merge_tiles(Q, R, r_norm, exclude, best_dist, best_idx, rows, cols, buffer, starts):
    """Loop over tiles: BLAS dot products, then the numba top-k merge."""
    n_q, n_ref = Q.shape[0], R.shape[0]
    for r0 in starts:
        r1 = min(r0 + rows, n_q)
        for c0 in range(0, n_ref, cols):
            c1 = min(c0 + cols, n_ref)
            if sparse.issparse(Q):
                tile = np.ascontiguousarray((Q[r0:r1] @ R[c0:c1].T).toarray())
            else:
                tile = buffer[: (r1 - r0) * (c1 - c0)].reshape(r1 - r0, c1 - c0)
                np.matmul(Q[r0:r1], R[c0:c1].T, out=tile)
            _topk_update(tile, r_norm, c0, exclude, best_dist, best_idx, r0)


def _kneighbors_estimator(query, reference, k, exclude, estimator, n_jobs):
    """Neighbours through a (clone of a) scikit-learn-like estimator."""
    extra = int((exclude >= 0).any())
    if estimator is None:
        nn = NearestNeighbors(n_neighbors=k + extra, n_jobs=n_jobs)
    else:
        nn = clone(estimator)
    nn.fit(reference)
    ind = np.asarray(nn.kneighbors(query, n_neighbors=k + extra, return_distance=False))
    ind = ind.astype(np.int64, copy=False)
    if not extra:
        return ind
    # Drop each query's excluded row, or its last neighbour when absent.
    drop = ind == exclude[:, None]
    first = np.argmax(drop, axis=1)
    first[~drop.any(axis=1)] = k
    keep = np.ones_like(drop)
    keep[np.arange(len(ind)), first] = False
    return ind[keep].reshape(-1, k)
