"""Exact ranking of candidates, the k-d tree search, and the rational fallback.

:func:`rank` orders each query's candidate rows exactly
(:mod:`skclassgap._kernels.exact`); the screening's certificate then says
whether the candidates were complete. :func:`tree_search` is the search of
last resort for dense rows the screening cannot settle (and the search in
very low dimension): scikit-learn's k-d tree proposes candidates from
float64 distances computed from coordinate differences, and a certificate
built on the tree's own rounding proves them complete or asks for more.
:func:`sparse_band_search` does the same for sparse rows by brute force.
:func:`finish_rational` ranks, with Python's exact rationals, the few
queries whose close candidates floating point could not order.
"""

from fractions import Fraction
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.neighbors import KDTree

from skclassgap._kernels.exact import _rank_dense, _rank_sparse, _sparse_band
from skclassgap.over_sampling._neighbors._screen import n_threads, run_blocks

_TREE_EXTRA = 4  # the first tree query asks for k + this (+ 1 excluded row)
_TREE_GROWTH = 4  # candidate counts grow by this factor until certified
_RANK_BLOCK = 4096  # query rows ranked per task
_U64 = 2.0**-53

DONE, UNDECIDED, TOO_FEW = 0, 1, 2  # statuses of a ranked query


class Ranked(NamedTuple):
    """Exact neighbours of ranked queries (see :func:`rank`)."""

    ind: np.ndarray
    high: np.ndarray
    status: np.ndarray
    reach: np.ndarray


def rank(query, reference, cand, exclude, k, lossy, n_jobs=None):
    """Exact ``k`` nearest of each query among its candidates ``cand``.

    Returns a :class:`Ranked`: ``ind`` (nearest first, ties: lower index
    first), ``high`` (upper bounds of their squared distances), ``status``
    (:data:`DONE`; :data:`UNDECIDED` when the query needs
    :func:`finish_rational`; :data:`TOO_FEW` with fewer than ``k``
    candidates) and ``reach`` (largest lower bound of a candidate's distance
    in the given rows).
    """
    n_q = cand.shape[0]
    out = Ranked(
        np.zeros((n_q, k), dtype=np.int64),
        np.zeros((n_q, k)),
        np.zeros(n_q, dtype=np.int64),
        np.zeros(n_q),
    )
    cand = np.ascontiguousarray(cand, dtype=np.int64)
    exclude = np.ascontiguousarray(exclude, dtype=np.int64)
    if n_q == 0:
        return out
    if sparse.issparse(query):
        _rank_sparse(
            query.data,
            query.indices,
            query.indptr,
            reference.data,
            reference.indices,
            reference.indptr,
            reference.shape[1],
            cand,
            exclude,
            lossy,
            *out,
        )
        return out

    def work(starts):
        for s in starts:
            e = s + _RANK_BLOCK
            _rank_dense(
                query[s:e],
                reference,
                cand[s:e],
                exclude[s:e],
                lossy,
                out.ind[s:e],
                out.high[s:e],
                out.status[s:e],
                out.reach[s:e],
            )

    run_blocks(work, list(range(0, n_q, _RANK_BLOCK)), n_threads(n_jobs))
    return out


def exact_sq_dist(a, b):
    """Squared distance of two rows in exact rational arithmetic."""
    return sum(
        (Fraction(float(x)) - Fraction(float(y))) ** 2
        for x, y in zip(a, b, strict=True)
    )


def _row(X, i):
    return X[i].toarray().ravel() if sparse.issparse(X) else X[i]


def finish_rational(query, reference, cand, exclude, k):
    """Exact ``k`` nearest among candidates, by Python's rational arithmetic.

    For the few queries whose close candidates floating point could not
    order (values some 10^144 apart, or a lossy scaling); ``query`` and
    ``reference`` are the original, unscaled rows.
    """
    out = np.empty((cand.shape[0], k), dtype=np.int64)
    for i in range(cand.shape[0]):
        q = _row(query, i)
        keys = sorted(
            (exact_sq_dist(q, _row(reference, r)), r)
            for r in cand[i].tolist()
            if r >= 0 and r != exclude[i]
        )
        out[i] = [r for _, r in keys[:k]]
    return out


def settle(ranked, ok, cand, exclude, k, original, rows):
    """Neighbours of the certified queries ``ok``: the ranked ones, and the
    undecided ones ranked by :func:`finish_rational` on the original rows.

    ``rows`` are the positions of the ranked queries in ``original[0]``.
    """
    ind = ranked.ind[ok]
    undecided = np.flatnonzero(ranked.status[ok] == UNDECIDED)
    if undecided.size:
        pick = np.flatnonzero(ok)[undecided]
        query, reference = original
        ind[undecided] = finish_rational(
            query[rows[pick]], reference, cand[pick], exclude[pick], k
        )
    return ind


def _tree_floor(reach, d, lossy):
    """Lower bound of the distance of every row the tree did not return.

    The tree computes squared distances (to rows, and lower bounds to its
    boxes) as float64 sums of squared coordinate differences, within
    ``g D + h`` of the truth. Its heap of returned rows is bounded by their
    largest computed distance, at least ``(1 - g) reach - h``; a row it left
    out had a computed distance (or box bound) not below that, so a true one
    at least ``(heap - h) / (1 + g)``; then back to unscaled rows.
    """
    g = 2.0 * (d + 4) * _U64 / (1.0 - (d + 4) * _U64)
    h = d * 2.0**-1018
    floor = ((1.0 - g) * reach - 2.0 * h) / (1.0 + g) * (1.0 - 2.0**-40)
    floor = np.maximum(floor, 0.0)
    if lossy:
        floor = np.maximum(np.sqrt(floor) - np.sqrt(d) * lossy, 0.0) ** 2
        floor *= 1.0 - 2.0**-40
    return floor


def _tree_query(tree, query, n, n_jobs):
    out = np.empty((query.shape[0], n), dtype=np.int64)

    def work(starts):
        for s in starts:
            e = s + _RANK_BLOCK
            out[s:e] = tree.query(query[s:e], k=n, return_distance=False)

    run_blocks(work, list(range(0, query.shape[0], _RANK_BLOCK)), n_threads(n_jobs))
    return out


def tree_search(
    query, reference, k, exclude, lossy, original, rows, n_jobs=None, *, max_ask=None
):
    """Exact ``k`` nearest of the query rows ``rows`` through a k-d tree.

    The tree is asked for a few more rows than ``k``; the candidates are
    ranked exactly, and :func:`_tree_floor` shows whether every row left out
    is farther than the k-th. Queries that are not shown are asked again
    with :data:`_TREE_GROWTH` times as many rows (all of them, at worst),
    or, past ``max_ask`` rows, returned unsettled. ``query`` and
    ``reference`` are the scaled rows, ``original`` the unscaled ``(query,
    reference)``.

    Returns
    -------
    ind : int64 ndarray of shape (len(rows), k)
        Neighbours of the settled rows (other rows of ``ind`` are garbage).
    unsettled : int64 ndarray
        Positions in ``rows`` left unsettled (empty without ``max_ask``).
    """
    Q = np.asarray(query, dtype=np.float64)
    R = np.asarray(reference, dtype=np.float64)
    n_ref, d = R.shape
    tree = KDTree(R)
    ind = np.empty((len(rows), k), dtype=np.int64)
    pending = np.arange(len(rows))
    n_ask = min(n_ref, k + _TREE_EXTRA + 1)
    while pending.size and (max_ask is None or n_ask <= max_ask):
        at = rows[pending]
        cand = _tree_query(tree, Q[at], n_ask, n_jobs)
        ranked = rank(Q[at], R, cand, exclude[at], k, lossy, n_jobs)
        ok = n_ask >= n_ref
        if not ok:
            ok = _tree_floor(ranked.reach, d, lossy) > ranked.high.max(axis=1)
        ok = ok & (ranked.status != TOO_FEW)
        ind[pending[ok]] = settle(ranked, ok, cand, exclude[at], k, original, at)
        pending = pending[~ok]
        n_ask = min(n_ref, n_ask * _TREE_GROWTH)
    return ind, pending


def sparse_band_search(query, reference, k, exclude, lossy, original, rows):
    """Exact ``k`` nearest of the CSR query rows ``rows`` by brute force.

    Every reference row whose distance interval reaches below the k-th
    smallest upper bound is a candidate (:func:`_sparse_band`); the
    candidates are then ranked exactly.
    """
    Q = query[rows]
    ex = exclude[rows]
    width = k + _TREE_EXTRA
    while True:
        cand = np.empty((len(rows), width), dtype=np.int64)
        count = np.empty(len(rows), dtype=np.int64)
        _sparse_band(
            Q.data,
            Q.indices,
            Q.indptr,
            reference.data,
            reference.indices,
            reference.indptr,
            ex,
            k,
            lossy,
            cand,
            count,
        )
        if count.max(initial=0) <= width:
            break
        width = int(count.max())
    ranked = rank(Q, reference, cand, ex, k, lossy)
    ok = np.ones(len(rows), dtype=bool)
    return settle(ranked, ok, cand, ex, k, original, rows)
