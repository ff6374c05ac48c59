"""The searches the samplers call: dispatch between the small and large paths."""

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

from skclassgap.over_sampling._neighbors._rank import (
    TOO_FEW,
    rank,
    settle,
    sparse_band_search,
    tree_search,
)
from skclassgap.over_sampling._neighbors._scale import scale_rows
from skclassgap.over_sampling._neighbors._screen import (
    DenseScreen,
    SparseScreen,
    one_blas_thread,
)
from skclassgap.over_sampling._neighbors._small import _bounds, small_kneighbors

_SCREEN_EXTRA = 4  # candidates kept beyond k by the screening
_WIDER = 4  # unsettled rows are screened again with lists this much longer
# In low dimension, the k-d tree returns at most this many times k + 5 rows
# per query before exact data are settled by screening lists instead.
_TREE_MAX_ASK = 4
_LOW_DIM = 3  # up to this many features, the k-d tree proposes the candidates
# Searches of at most this many (query, reference, feature) triples take the
# NumPy path (no compiled kernel); see the package docstring.
_SMALL_WORK = 10_000_000


def _csr(X):
    """Float64 CSR with sorted, duplicate-free indices (a copy)."""
    X = sparse.csr_matrix(X, dtype=np.float64, copy=True)
    X.sum_duplicates()
    X.sort_indices()
    return X


def _is_small(n_queries, n_ref, n_features):
    return n_queries * n_ref * max(n_features, 1) <= _SMALL_WORK


def _small(query, reference, k, exclude):
    """:func:`small_kneighbors` on dense rows, or on the non-zero columns of
    sparse ones."""
    if sparse.issparse(query):
        cols = np.union1d(query.indices, reference.indices)
        query = query[:, cols].toarray()
        reference = reference[:, cols].toarray()
    scaled = scale_rows(query, reference)
    with one_blas_thread():  # small products: threads only add overhead
        return small_kneighbors(
            scaled.query, scaled.reference, k, exclude, scaled.lossy, (query, reference)
        )


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
        Threads of the built-in search, each working on its own blocks of
        query rows (single-threaded BLAS per tile plus nogil numba kernels).
        ``None`` uses as many threads as scikit-learn's OpenMP neighbour
        search would (``OMP_NUM_THREADS`` if set, else every core); ``-1``
        every core. Results do not depend on the number of threads. Passed
        to scikit-learn's ``NearestNeighbors`` on the estimator path.

    Returns
    -------
    ind : int64 ndarray of shape (n_queries, k)
        Reference row indices by exact Euclidean distance, nearest first
        (equal distances: lower index first).
    """
    n_q = query.shape[0]
    if exclude is None:
        exclude = np.full(n_q, -1, dtype=np.int64)
    exclude = np.asarray(exclude, dtype=np.int64)
    if estimator is not None:
        return _kneighbors_estimator(query, reference, k, exclude, estimator, n_jobs)
    return _search(query, reference, k, exclude, n_jobs, symmetric=False)


def kneighbors_within(X, k, *, estimator=None, n_jobs=None):
    """Indices of the ``k`` nearest other rows of every row of ``X``.

    Same as ``kneighbors(X, X, k, exclude=np.arange(len(X)))``; the dense
    screening computes each pair of tiles once and uses it for both sets of
    rows (screening values are symmetric), which halves the BLAS work.
    """
    self_rows = np.arange(X.shape[0], dtype=np.int64)
    if estimator is not None:
        return _kneighbors_estimator(X, X, k, self_rows, estimator, n_jobs)
    return _search(X, X, k, self_rows, n_jobs, symmetric=True)


def _search(query, reference, k, exclude, n_jobs, *, symmetric):
    n_q, d = query.shape
    n_ref = reference.shape[0]
    if n_q == 0:
        return np.empty((0, k), dtype=np.int64)
    if sparse.issparse(query):
        query = _csr(query)
        reference = query if symmetric else _csr(reference)
        width = len(np.union1d(query.indices, reference.indices))
        if _is_small(n_q, n_ref, width):
            return _small(query, reference, k, exclude)
        return _sparse_search(query, reference, k, exclude)
    if _is_small(n_q, n_ref, d):
        return _small(query, reference, k, exclude)
    original = (query, reference)
    scaled = scale_rows(query, reference)
    Q, R, lossy = scaled
    all_rows = np.arange(n_q)
    if d <= _LOW_DIM:
        return _low_dim(Q, R, k, exclude, lossy, original, n_jobs)
    screen = DenseScreen(Q, R, symmetric=symmetric)
    n_keep = k + _SCREEN_EXTRA
    if symmetric:
        best_val, best_idx = screen.symmetric_lists(n_keep, n_jobs)
    else:
        best_val = np.full((n_q, n_keep), np.inf, dtype=np.float32)
        best_idx = np.full((n_q, n_keep), -1, dtype=np.int64)
        screen.lists(best_val, best_idx, exclude, n_jobs)
    ind = np.empty((n_q, k), dtype=np.int64)
    redo = _settle_listed(
        screen,
        best_val,
        best_idx,
        Q,
        R,
        k,
        exclude,
        lossy,
        original,
        all_rows,
        ind,
        n_jobs,
    )
    if redo.size:
        # Rows the first lists cannot settle (ties or near-ties beyond the
        # list): lists _WIDER times longer for them alone.
        best_val = np.full((len(redo), n_keep * _WIDER), np.inf, dtype=np.float32)
        best_idx = np.full(best_val.shape, -1, dtype=np.int64)
        wider = screen.subset(redo)
        wider.lists(best_val, best_idx, exclude[redo], n_jobs)
        redo = _settle_listed(
            wider,
            best_val,
            best_idx,
            Q,
            R,
            k,
            exclude,
            lossy,
            original,
            redo,
            ind,
            n_jobs,
        )
    if redo.size:
        # What float32 cannot separate (huge spread next to small distances).
        ind[redo] = tree_search(Q, R, k, exclude, lossy, original, redo, n_jobs)[0]
    return ind


def _low_dim(Q, R, k, exclude, lossy, original, n_jobs):
    """Search with ``n_features <= _LOW_DIM``: the k-d tree first.

    Queries in large groups of tied rows (duplicates in a lattice) would
    need the tree to return whole groups; when the rows' arithmetic is
    exact, exact screening lists settle those instead.
    """
    all_rows = np.arange(Q.shape[0])
    max_ask = _TREE_MAX_ASK * (k + _SCREEN_EXTRA + 1)
    ind, left = tree_search(
        Q, R, k, exclude, lossy, original, all_rows, n_jobs, max_ask=max_ask
    )
    if left.size:
        screen = DenseScreen(Q[left], R, symmetric=False)
        if screen.exact():
            n_keep = k + _SCREEN_EXTRA
            best_val = np.full((len(left), n_keep), np.inf, dtype=np.float32)
            best_idx = np.full(best_val.shape, -1, dtype=np.int64)
            screen.lists(best_val, best_idx, exclude[left], n_jobs)
            ranked = rank(Q[left], R, best_idx, exclude[left], k, lossy, n_jobs)
            every = np.ones(len(left), dtype=bool)
            ind[left] = settle(
                ranked, every, best_idx, exclude[left], k, original, left
            )
        else:
            ind[left] = tree_search(Q, R, k, exclude, lossy, original, left, n_jobs)[0]
    return ind


def _settle_listed(
    screen, best_val, best_idx, Q, R, k, exclude, lossy, original, rows, ind, n_jobs
):
    """Rank the screening lists of the query rows ``rows`` and write the
    certified ones into ``ind``; return the rows left unsettled."""
    ranked = rank(Q[rows], R, best_idx, exclude[rows], k, lossy, n_jobs)
    ok = screen.certified(best_val[:, -1], ranked.high.max(axis=1))
    if not ok.all() and screen.exact():
        ok[:] = True
    ok &= ranked.status != TOO_FEW
    ind[rows[ok]] = settle(ranked, ok, best_idx, exclude[rows], k, original, rows)
    return rows[~ok]


def _sparse_search(query, reference, k, exclude):
    original = (query, reference)
    Q, R, lossy = scale_rows(query, reference)
    screen = SparseScreen(Q, R)
    best_val, best_idx = screen.lists(k + _SCREEN_EXTRA, exclude)
    ranked = rank(Q, R, best_idx, exclude, k, lossy)
    ok = screen.certified(best_val[:, -1], ranked.high.max(axis=1))
    if not ok.all() and screen.exact():
        ok[:] = True
    ok &= ranked.status != TOO_FEW
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    ind[ok] = settle(ranked, ok, best_idx, exclude, k, original, np.arange(Q.shape[0]))
    redo = np.flatnonzero(~ok)
    if redo.size:
        ind[redo] = sparse_band_search(Q, R, k, exclude, lossy, original, redo)
    return ind


def class_neighbors(X, rows, m, k, *, n_jobs=None):
    """Nearest rows of the whole set and of the class, for every row of one class.

    Returns ``(all_nbrs, same_nbrs)``: the global indices of the ``m`` nearest
    other rows of ``X`` and of the ``k`` nearest other rows of the class, for
    each row in ``rows`` -- the same as ``kneighbors(X[rows], X, m,
    exclude=rows)`` and ``rows[kneighbors_within(X[rows], k)]``, from less
    work: the class is searched against itself first (symmetric tiles), and
    its ``m``-th nearest distance then bounds the search among the other rows
    from the start, so that the screening rejects almost every tile row in
    one vectorised step. Large dense data with ``n_features > _LOW_DIM``
    only, and the class must have more than ``max(m, k)`` rows; otherwise
    the plain searches are run (``same_nbrs`` is None when the class has
    ``k`` rows or fewer).
    """
    rows = np.asarray(rows, dtype=np.int64)
    n, d = X.shape
    top = max(m, k)
    if (
        sparse.issparse(X)
        or d <= _LOW_DIM
        or len(rows) <= top
        or len(rows) == n
        or _is_small(len(rows), n, d)
    ):
        all_nbrs = kneighbors(X[rows], X, m, exclude=rows, n_jobs=n_jobs)
        if len(rows) <= k:
            return all_nbrs, None
        return all_nbrs, rows[kneighbors_within(X[rows], k, n_jobs=n_jobs)]
    same_rows = rows[kneighbors_within(X[rows], top, n_jobs=n_jobs)]
    Xs, _, lossy = scale_rows(X, X)
    Xc = Xs[rows]
    in_class = np.zeros(n, dtype=bool)
    in_class[rows] = True
    other_rows = np.flatnonzero(~in_class)
    # Upper bound of each row's m-th nearest same-class distance.
    diff = Xc - Xs[same_rows[:, m - 1]]
    _, m_th = _bounds(np.einsum("qd,qd->q", diff, diff), d, lossy)
    screen = DenseScreen(Xc, Xs[other_rows], symmetric=False)
    # Lists start full of a placeholder (index -1) just above the screening
    # value an other row within the m-th same-class distance can have: rows
    # that are not closer are rejected from the first tile on.
    reach = screen.reach(m_th)
    limit = reach.astype(np.float32)
    limit = np.where(limit < reach, np.nextafter(limit, np.float32(np.inf)), limit)
    limit = np.nextafter(limit, np.float32(np.inf))
    all_nbrs = np.empty((len(rows), m), dtype=np.int64)
    original = (X[rows], X)
    redo = np.arange(len(rows))
    for n_keep in (m + _SCREEN_EXTRA, (m + _SCREEN_EXTRA) * _WIDER):
        # The second pass, with longer lists, is for the rows left unsettled.
        part = screen if len(redo) == len(rows) else screen.subset(redo)
        best_val = np.repeat(limit[redo, None], n_keep, axis=1)
        best_idx = np.full((len(redo), n_keep), -1, dtype=np.int64)
        part.lists(best_val, best_idx, np.full(len(redo), -1, dtype=np.int64), n_jobs)
        others = np.where(best_idx >= 0, other_rows[best_idx], -1)
        cand = np.concatenate([same_rows[redo], others], axis=1)
        ranked = rank(Xc[redo], Xs, cand, rows[redo], m, lossy, n_jobs)
        # Certified when a placeholder is left (every rejected other row is
        # farther than the m-th same-class row) or by the list's last value.
        ok = best_idx[:, -1] < 0
        ok |= part.certified(best_val[:, -1], ranked.high.max(axis=1))
        if not ok.all() and part.exact():
            ok[:] = True  # the list holds the n_keep nearest other rows
        ok &= ranked.status != TOO_FEW
        all_nbrs[redo[ok]] = settle(ranked, ok, cand, rows[redo], m, original, redo)
        redo = redo[~ok]
        if not redo.size:
            break
    if redo.size:
        all_nbrs[redo] = tree_search(Xc, Xs, m, rows, lossy, original, redo, n_jobs)[0]
    return all_nbrs, same_rows[:, :k]


def rank_candidates(query, reference, candidates, k, *, exclude=None, n_jobs=None):
    """Exact ``k`` nearest of each query row among its candidate reference rows.

    The building block for merging searches over blocks of reference rows:
    the exact ``k`` nearest of each block, pooled, contain the exact ``k``
    nearest overall; ranking the pool with this function gives them (ties
    to the lower index of ``reference``, so keep pooled rows in the order of
    their global indices).

    Parameters
    ----------
    query : ndarray or CSR matrix of shape (n_queries, n_features)
    reference : ndarray or CSR matrix of shape (n_ref, n_features)
    candidates : int ndarray of shape (n_queries, n_candidates)
        Rows of ``reference`` to rank for each query; ``-1`` entries are
        ignored.
    k : int
    exclude : int64 ndarray of shape (n_queries,), default=None
        A reference row each query may not take, or -1.
    n_jobs : int, default=None
        Threads, as for :func:`kneighbors`.

    Returns
    -------
    ind : int64 ndarray of shape (n_queries, k)
    """
    n_q = query.shape[0]
    exclude = (
        np.full(n_q, -1, dtype=np.int64)
        if exclude is None
        else np.asarray(exclude, dtype=np.int64)
    )
    if sparse.issparse(query):
        query, reference = _csr(query), _csr(reference)
    Q, R, lossy = scale_rows(query, reference)
    ranked = rank(Q, R, candidates, exclude, k, lossy, n_jobs)
    few = np.flatnonzero(ranked.status == TOO_FEW)
    if few.size:
        raise ValueError(
            f"rank_candidates needs at least k={k} candidates per query; query "
            f"{int(few[0])} has fewer. Pass more candidates or a smaller k."
        )
    ok = np.ones(n_q, dtype=bool)
    return settle(
        ranked, ok, candidates, exclude, k, (query, reference), np.arange(n_q)
    )


def merge_topk(dist_a, ind_a, dist_b, ind_b, k=None):
    """Merge two sets of sorted top-k lists row by row, ties to the lower index.

    Row ``q`` of the result holds the ``k`` smallest ``(distance, index)``
    pairs of rows ``q`` of both inputs (``k`` defaults to the width of
    ``dist_a``). Exact when the distances are: for neighbours found by
    floating-point searches over separate blocks, pool the indices and use
    :func:`rank_candidates` instead.

    Returns
    -------
    dist, ind : ndarrays of shape (n_queries, k)
    """
    k = dist_a.shape[1] if k is None else k
    dist = np.concatenate([dist_a, dist_b], axis=1)
    ind = np.concatenate([ind_a, ind_b], axis=1)
    order = np.lexsort((ind, dist), axis=1)[:, :k]
    return np.take_along_axis(dist, order, axis=1), np.take_along_axis(
        ind, order, axis=1
    )


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
