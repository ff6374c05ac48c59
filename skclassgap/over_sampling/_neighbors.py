"""Exact k-nearest neighbours for the samplers: blocked BLAS products + numba top-k.

:func:`kneighbors` returns, for every query row, the indices of its ``k``
nearest reference rows by Euclidean distance, nearest first (ties: lower
index first); :func:`kneighbors_within` does the same for a set against itself
(each row excluded from its own neighbours). Dense data go through two stages:

1. *Screening in float32.* Rows are centred on the reference mean and scaled
   by a power of two (norms at most 1); one float32 BLAS product per tile
   gives ``-2 q.r``, and a numba kernel adds the squared norms and merges the
   tile into a sorted list of the ``k + _SCREEN_EXTRA`` smallest values per
   query. A tile row with no value below the list's current worst is
   rejected by one vectorised count. Tiles (at most ``_TILE_BYTES``, sized for
   a core's L2 cache) are narrow (``_TILE_COLS`` columns), which measured
   fastest for the small inner dimension of these products. The within-set
   search computes each pair of square blocks once and merges the tile both
   row-wise and column-wise (the values are symmetric), halving the BLAS work.
2. *Exact re-check in float64.* The float32 error of every screening value is
   bounded (standard dot-product error bound, doubled), so the true ``k``
   nearest are provably among the kept candidates within twice that bound of
   the k-th kept value; these are re-ranked by exact float64 distances
   computed from the original rows. A row whose band overflows its list
   (many near-equal distances, e.g. duplicated rows) is searched again by the
   exact float64 path.

Sparse input uses the exact float64 path directly (sparse dot products of
tiles, then the same kind of merge). Query blocks (or block pairs) are spread
over a thread pool; BLAS runs single-threaded inside each tile and the numba
kernels release the GIL. Peak extra memory is one tile per thread plus the
float32 copies of the rows and the ``n_queries x (k + extra)`` lists; no
``n x n`` matrix exists. In very low dimension (``n_features <= _LOW_DIM``)
scikit-learn's tree-based ``NearestNeighbors`` is used instead, as it is when
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
    _CHUNK,
    _add_query_norms,
    _merge_class_and_other,
    _merge_lists,
    _refine_candidates,
    _row_sqnorms,
    _scaled_rows,
    _screen_blocks,
    _screen_symmetric,
    _topk_update,
)

_TILE_BYTES = 256 * 2**10
_TILE_COLS = 128  # narrow tiles: faster small-K BLAS products (measured)
_SYMMETRIC_BLOCK = 256  # square tiles of the within-set search
_SCREEN_EXTRA = 4  # candidates kept beyond k by the float32 screening
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


def _tile_shape(
    n_queries, n_ref, *, itemsize, n_threads=1, tile_bytes=None, max_cols=None
):
    """Rows and columns of a tile of ``_TILE_BYTES`` (fits a core's L2 cache).

    Query rows are also capped so that every thread gets a block.
    """
    entries = (tile_bytes or _TILE_BYTES) // itemsize
    cols = max(1, min(n_ref, max_cols or _TILE_COLS))
    rows = max(1, min(n_queries, entries // cols, -(-n_queries // max(n_threads, 1))))
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
        Reference row indices, nearest first (ties: lower index first).
    """
    n_q, n_features = query.shape
    if exclude is None:
        exclude = np.full(n_q, -1, dtype=np.int64)
    if estimator is not None or (n_features <= _LOW_DIM and not sparse.issparse(query)):
        return _kneighbors_estimator(query, reference, k, exclude, estimator, n_jobs)
    if sparse.issparse(query):
        return _kneighbors_exact(query, reference, k, exclude, n_jobs)[0]
    return _kneighbors_screened(query, reference, k, exclude, n_jobs)


def _screen_scale(query, reference, center):
    """Power of two at least the norm of every centred row (1 when all are 0)."""
    spread = np.zeros(reference.shape[1])
    for rows in (reference,) if query is reference else (reference, query):
        spread = np.maximum(spread, np.abs(rows.max(axis=0) - center))
        spread = np.maximum(spread, np.abs(rows.min(axis=0) - center))
    top = float(np.sqrt(np.sum(spread.astype(np.float64) ** 2)))
    return 2.0 ** np.ceil(np.log2(top)) if top > 0 else 1.0


def kneighbors_within(X, k, *, estimator=None, n_jobs=None):
    """Indices of the ``k`` nearest other rows of every row of ``X``.

    Same as ``kneighbors(X, X, k, exclude=np.arange(len(X)))``, but the dense
    search computes each pair of tiles once and uses it for both sets of rows
    (the screening values are symmetric), which halves the BLAS work.
    """
    if estimator is not None or sparse.issparse(X) or X.shape[1] <= _LOW_DIM:
        self_rows = np.arange(X.shape[0], dtype=np.int64)
        return kneighbors(
            X, X, k, exclude=self_rows, estimator=estimator, n_jobs=n_jobs
        )
    return _within_exact(X, k, n_jobs)[0]


def class_neighbors(X, rows, m, k, *, n_jobs=None):
    """Nearest rows of the whole set and of the class, for every row of one class.

    Returns ``(all_nbrs, same_nbrs)``: the global indices of the ``m`` nearest
    other rows of ``X`` and of the ``k`` nearest other rows of the class, for
    each row in ``rows`` -- the same as ``kneighbors(X[rows], X, m,
    exclude=rows)`` and ``rows[kneighbors_within(X[rows], k)]``, from less
    work: the class is searched against itself first (symmetric tiles), and
    its ``m``-th nearest distance then bounds the search among the other rows
    from the start, so that the screening rejects almost every tile row in
    one vectorised step. Dense data only, ``n_features > _LOW_DIM``, and the
    class must have more than ``max(m, k)`` rows; otherwise the plain
    searches are run (``same_nbrs`` is None when the class has ``k`` rows or
    fewer).
    """
    rows = np.asarray(rows, dtype=np.int64)
    n = X.shape[0]
    top = max(m, k)
    if (
        sparse.issparse(X)
        or X.shape[1] <= _LOW_DIM
        or len(rows) <= top
        or len(rows) == n
    ):
        all_nbrs = kneighbors(X[rows], X, m, exclude=rows, n_jobs=n_jobs)
        if len(rows) <= k:
            return all_nbrs, None
        return all_nbrs, rows[kneighbors_within(X[rows], k, n_jobs=n_jobs)]
    X_class = X[rows]
    local, same_dist = _within_exact(X_class, top, n_jobs)
    same_rows = rows[local]
    in_class = np.zeros(n, dtype=bool)
    in_class[rows] = True
    other_rows = np.flatnonzero(~in_class)
    X_other = X[other_rows]
    prep = _Screening(X_class, X_other, symmetric=False)
    # Lists start full of a placeholder just above the m-th same-class
    # distance (scaled units, plus the screening error bound): other rows
    # that are not closer are rejected from the first tile on.
    limit = same_dist[:, m - 1] * (1.0 + 1e-6) / prep.scale**2 + prep.bound
    limit = np.nextafter(limit.astype(np.float32), np.float32(np.inf))
    n_keep = m + _SCREEN_EXTRA
    best_val = np.repeat(limit[:, None], n_keep, axis=1)
    best_idx = np.full((len(rows), n_keep), -1, dtype=np.int64)
    prep.screen(best_val, best_idx, np.full(len(rows), -1, dtype=np.int64), n_jobs)
    all_nbrs = np.empty((len(rows), m), dtype=np.int64)
    fallback = np.empty(len(rows), dtype=np.bool_)
    _merge_class_and_other(
        X_class,
        X_other,
        other_rows,
        best_val,
        best_idx,
        prep.bound,
        prep.scale**2,
        same_dist,
        same_rows,
        all_nbrs,
        fallback,
    )
    if fallback.any():
        redo = np.flatnonzero(fallback)
        all_nbrs[redo] = _kneighbors_exact(X_class[redo], X, m, rows[redo], n_jobs)[0]
    return all_nbrs, same_rows[:, :k]


def _within_exact(X, k, n_jobs):
    """Symmetric screened search of ``X`` against itself.

    Returns the neighbour indices and their exact distances.
    """
    n = X.shape[0]
    prep = _Screening(X, X, symmetric=True)
    best_val, best_idx = _screen_within(
        prep.Q2, prep.R, prep.q_sq32, k + _SCREEN_EXTRA, _n_threads(n_jobs)
    )
    return _refined(
        X, X, k, best_val, best_idx, prep.bound, np.arange(n, dtype=np.int64), n_jobs
    )


def _refined(query, reference, k, best_val, best_idx, bound, exclude, n_jobs):
    """Exact neighbours (and distances) from screening lists.

    Rows whose candidate list the screening cannot prove complete get an exact
    float64 search instead.
    """
    n_q = query.shape[0]
    ind = np.empty((n_q, k), dtype=np.int64)
    dist = np.empty((n_q, k))
    fallback = np.empty(n_q, dtype=np.bool_)
    _refine_candidates(query, reference, best_val, best_idx, bound, ind, dist, fallback)
    if fallback.any():
        # Rows whose float32 screening could not prove its candidate list
        # complete (many near-equal distances): exact float64 search.
        redo = np.flatnonzero(fallback)
        ind[redo], dist[redo] = _kneighbors_exact(
            query[redo], reference, k, exclude[redo], n_jobs
        )
    return ind, dist


class _Screening:
    """Float32 copies of the rows for screening, and the error bound of its values.

    Rows are centred on the reference mean and scaled by a power of two so
    that every norm is at most 1. ``Q2`` holds ``-2 x`` of the query rows, ``R``
    the reference rows, ``q_sq32``/``r_sq32`` their squared norms in float32;
    ``bound[q]`` bounds the float32 error of any screening value of query
    ``q``: rounding of the inputs, of a d-term float32 dot product and of the
    two norms and two additions, by the standard bound gamma_n * sum |terms|
    with n = d + 2, doubled for safety; plus underflow.
    """

    def __init__(self, query, reference, *, symmetric):
        n_q, d = query.shape
        n_ref = reference.shape[0]
        center = reference.mean(axis=0, dtype=np.float64)
        self.scale = _screen_scale(query, reference, center)
        self.R = np.empty((n_ref, d), dtype=np.float32)
        r_sq = np.empty(n_ref)
        _scaled_rows(reference, center, self.scale, 1.0, self.R, r_sq)
        self.Q2 = np.empty((n_q, d), dtype=np.float32)
        if symmetric:
            q_sq = r_sq
            np.multiply(self.R, -2.0, out=self.Q2)
        else:
            q_sq = np.empty(n_q)
            _scaled_rows(query, center, self.scale, -2.0, self.Q2, q_sq)
        r_max = float(np.sqrt(r_sq.max()))
        magnitude = 2.0 * np.sqrt(q_sq) * r_max + q_sq + r_max**2
        self.bound = 2.0 * (d + 6) * 2.0**-24 * magnitude + (d + 3) * 2.0**-120
        self.q_sq32 = q_sq.astype(np.float32)
        self.r_sq32 = self.q_sq32 if symmetric else r_sq.astype(np.float32)

    def screen(self, best_val, best_idx, exclude, n_jobs):
        """Merge every (query, reference) pair into the lists, tile by tile."""
        n_q, n_ref = self.Q2.shape[0], self.R.shape[0]
        n_threads = _n_threads(n_jobs)
        rows, cols = _tile_shape(n_q, n_ref, itemsize=4, n_threads=n_threads)
        starts = np.arange(0, n_q, rows, dtype=np.int64)

        def work(block_starts):
            tile = np.empty(rows * cols, dtype=np.float32)
            _screen_blocks(
                self.Q2,
                self.R,
                self.q_sq32,
                self.r_sq32,
                block_starts,
                rows,
                cols,
                exclude,
                best_val,
                best_idx,
                tile,
            )

        _run_blocks(work, starts, min(n_threads, len(starts)))


def _kneighbors_screened(query, reference, k, exclude, n_jobs):
    """Float32 screening through BLAS, then an exact float64 re-check."""
    prep = _Screening(query, reference, symmetric=False)
    n_keep = k + _SCREEN_EXTRA
    best_val = np.full((query.shape[0], n_keep), np.inf, dtype=np.float32)
    best_idx = np.full((query.shape[0], n_keep), -1, dtype=np.int64)
    prep.screen(best_val, best_idx, exclude, n_jobs)
    return _refined(
        query, reference, k, best_val, best_idx, prep.bound, exclude, n_jobs
    )[0]


def _screen_within(X2, X, sq, n_keep, n_threads):
    """Symmetric screening: pairs of blocks (I, J >= I) shared among threads.

    A tile updates the lists of two blocks, so every thread keeps its own
    lists (each pair is seen by one thread: the candidates are disjoint) and
    they are merged at the end.
    """
    n = X.shape[0]
    size = max(1, min(n, _SYMMETRIC_BLOCK))
    n_blocks = -(-n // size)
    pairs = np.array(
        [(a, b) for a in range(n_blocks) for b in range(a, n_blocks)], dtype=np.int64
    ).reshape(-1, 2)
    n_threads = max(1, min(n_threads, len(pairs)))
    lists = [
        (
            np.full((n, n_keep), np.inf, dtype=np.float32),
            np.full((n, n_keep), -1, dtype=np.int64),
        )
        for _ in range(n_threads)
    ]

    def screen(t):
        best_val, best_idx = lists[t]
        tile = np.empty(size * size, dtype=np.float32)
        worst = np.empty(size, dtype=np.float32)
        count = np.empty((-(-size // _CHUNK), size), dtype=np.int32)
        _screen_symmetric(
            X2, X, sq, pairs[t::n_threads], size, best_val, best_idx, tile, worst, count
        )

    _run_blocks(lambda ts: [screen(t) for t in ts], list(range(n_threads)), n_threads)
    best_val, best_idx = lists[0]
    for other_val, other_idx in lists[1:]:
        _merge_lists(best_val, best_idx, other_val, other_idx)
    return best_val, best_idx


def _run_blocks(work, starts, n_threads):
    """Run ``work`` on round-robin shares of the block starts, BLAS single-threaded."""
    with _one_blas_thread():
        if n_threads <= 1:
            work(starts)
        else:
            # Threads write disjoint query rows.
            with ThreadPoolExecutor(max_workers=n_threads) as pool:
                list(pool.map(work, [starts[t::n_threads] for t in range(n_threads)]))


def _kneighbors_exact(query, reference, k, exclude, n_jobs):
    """Exact search in float64 (dense or sparse): BLAS dot products + merge.

    Returns the indices and the squared distances of the neighbours.
    """
    n_q = query.shape[0]
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
    if sparse.issparse(Q):
        # Sparse products have a large fixed cost per call: big tiles, one thread.
        n_threads = 1
        rows, cols = _tile_shape(
            n_q, n_ref, itemsize=8, tile_bytes=4 * 2**20, max_cols=8192
        )
    else:
        n_threads = _n_threads(n_jobs)
        rows, cols = _tile_shape(n_q, n_ref, itemsize=8, n_threads=n_threads)
    starts = list(range(0, n_q, rows))

    def merge(block_starts):
        buffer = np.empty(rows * cols)
        _merge_tiles(
            Q, R, r_norm, exclude, best_dist, best_idx, rows, cols, buffer, block_starts
        )

    _run_blocks(merge, starts, min(n_threads, len(starts)))
    _add_query_norms(best_dist, q_norm)
    return best_idx, best_dist


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


def _merge_tiles(
    Q, R, r_norm, exclude, best_dist, best_idx, rows, cols, buffer, starts
):
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
