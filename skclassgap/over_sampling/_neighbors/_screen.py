"""Candidate lists by BLAS screening, and the certificate that they are complete.

Dense rows are screened in float32 (:class:`DenseScreen`), sparse rows in
float64 (:class:`SparseScreen`); both keep, per query, the ``n_keep``
smallest screening values and their reference rows. A screening value
``v^`` is the squared distance up to a bounded error, and
:meth:`DenseScreen.certified` / :meth:`SparseScreen.certified` prove, from
that bound, that no rejected row can be among a query's ``k`` nearest (see
the package docstring for the argument).
"""

import copy
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from threadpoolctl import ThreadpoolController

from skclassgap._kernels.neighbors import (
    _COUNT_BLOCK,
    _scaled_rows,
    _screen_blocks,
    _screen_symmetric,
    _topk_update,
)
from skclassgap._kernels.topk import _merge_topk

_TILE_BYTES = 256 * 2**10
_TILE_COLS = 128  # narrow tiles: faster small-K BLAS products (measured)
_SYMMETRIC_BLOCK = 256  # square tiles of the within-set search
_CENTER_SAMPLE = 1024  # rows whose per-column median centres the screening
_U32 = 2.0**-24
_U64 = 2.0**-53
# Upper bounds computed in float64 are inflated by this much (and the
# smallest normal) to cover their own rounding.
_INFLATE = 1.0 + 2.0**-40
_CONTROLLER = []


def one_blas_thread():
    """Context limiting BLAS to one thread.

    The controller (which scans the loaded libraries, ~3 ms) is built once;
    ``threadpool_limits`` would rebuild it on every call, which dominated the
    fit time of the samplers on small data.
    """
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def n_threads(n_jobs):
    """Threads for ``n_jobs`` (``None``: as OpenMP code would use)."""
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


def run_blocks(work, starts, threads):
    """Run ``work`` on round-robin shares of ``starts``, BLAS single-threaded.

    Shares are disjoint, so threads write disjoint query rows.
    """
    threads = max(1, min(threads, len(starts)))
    with one_blas_thread():
        if threads <= 1:
            work(starts)
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(work, [starts[t::threads] for t in range(threads)]))


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


def _robust_center(reference):
    """Per-column median of a strided sample of rows.

    Any centre gives exact results; one in the bulk of the data keeps the
    screening's error bound small even when a few rows lie very far away.
    """
    step = max(1, reference.shape[0] // _CENTER_SAMPLE)
    return np.median(reference[::step], axis=0).astype(np.float64)


def _screen_scale(query, reference, center):
    """Power of two at least the norm of every centred row (1 when all are 0)."""
    spread = np.zeros(reference.shape[1])
    for rows in (reference,) if query is reference else (reference, query):
        spread = np.maximum(spread, np.abs(rows.max(axis=0) - center))
        spread = np.maximum(spread, np.abs(rows.min(axis=0) - center))
    top = float(np.sqrt(np.sum(spread**2)))
    return 2.0 ** np.ceil(np.log2(top)) if top > 0 else 1.0


def _grid_exact(rows, center, width, budget):
    """Whether screening arithmetic on ``rows`` is exact (no rounding at all).

    True when every value is a multiple of 1/2 and the centre of 1/4 (so
    every centred value is an exact multiple of 1/4, every product and sum
    a multiple of 1/16) and ``width * M^2 <= budget``, ``M`` the largest
    centred magnitude: then every quantity the screening forms stays an
    integer number of sixteenths below the precision's mantissa (package
    docstring). Integer, binary and count data qualify.
    """
    if not np.array_equal(4.0 * center, np.round(4.0 * center)):
        return False
    top = 0.0
    for X in rows:
        values = X.data if sparse.issparse(X) else X
        if values.size == 0:
            continue
        twice = 2.0 * np.asarray(values, dtype=np.float64)
        if not np.array_equal(twice, np.round(twice)):
            return False
        if sparse.issparse(X):
            top = max(top, float(np.abs(values).max()))
        else:
            top = max(top, float(np.max(X.max(axis=0) - center)))
            top = max(top, float(np.max(center - X.min(axis=0))))
    return width * top**2 <= budget


def _norm_upper(sq, d):
    """Upper bound of the norm whose square was summed in float64 as ``sq``."""
    return np.sqrt(sq * (1.0 + (d + 4) * 2.0 * _U64) + d * 2.0**-1018) * _INFLATE


def _within_reach(top, norm, c, eta):
    """Screening value that no row within squared distance ``top`` exceeds.

    A row ``r`` with ``D(q, r) <= top`` has ``||r|| <= ||q|| + sqrt(top)``,
    so its screening error is at most ``c (2 ||q|| + sqrt(top))^2 + eta``.
    """
    return (top + c * (2.0 * norm + np.sqrt(top)) ** 2 + eta) * _INFLATE + 2.0**-1000


class DenseScreen:
    """Float32 copies of the rows for screening, and the certificate of its lists.

    Rows are centred (:func:`_robust_center`) and divided by a power of two
    ``scale`` so that every centred norm is at most 1. ``Q2`` holds ``-2 x``
    of the query rows, ``R`` the reference rows, ``q_sq32``/``r_sq32``
    their squared norms in float32, ``q_norm`` an upper bound of each
    query's centred, scaled norm. ``c`` and ``eta`` bound the error of a
    screening value: ``|v^ - D| <= c (||q|| + ||r||)^2 + eta`` in scaled
    units (package docstring).
    """

    def __init__(self, query, reference, *, symmetric):
        n_q, d = query.shape
        n_ref = reference.shape[0]
        center = _robust_center(reference)
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
        self.q_norm = _norm_upper(q_sq, d)
        terms = (d + 10) * _U32
        self.c = terms / (1.0 - terms) if terms < 0.5 else np.inf
        self.eta = (d + 4) * 2.0**-118
        self.q_sq32 = q_sq.astype(np.float32)
        self.r_sq32 = self.q_sq32 if symmetric else r_sq.astype(np.float32)
        self._rows = (reference,) if symmetric else (query, reference)
        self._center = center

    def exact(self):
        """Whether every screening value is the exact squared distance.

        Then each list holds its query's ``n_keep`` nearest by (distance,
        index): candidates reach a list in increasing reference index and
        a later one with an equal value is not kept. Checked on demand (a
        pass over the rows), when the certificate leaves queries unsettled
        -- typically ties beyond the list on integer or binary data.
        """
        d = self.R.shape[1]
        return _grid_exact(self._rows, self._center, d, 2.0**18)

    def subset(self, rows):
        """The same screening for the query rows ``rows`` only."""
        part = copy.copy(self)
        part.Q2 = self.Q2[rows]
        part.q_sq32 = self.q_sq32[rows]
        part.q_norm = self.q_norm[rows]
        return part

    def reach(self, top):
        """:func:`_within_reach` in screening units, from squared distances ``top``."""
        return _within_reach(top / self.scale**2, self.q_norm, self.c, self.eta)

    def certified(self, last, top):
        """Whether each query's list holds its ``k`` nearest.

        ``last`` is the list's last (largest) screening value, ``top`` an
        upper bound of the k-th smallest squared distance among the listed
        rows. Every rejected row has a screening value at least ``last``;
        when that exceeds :meth:`reach`, the row is farther than ``top``.
        """
        return np.asarray(last, dtype=np.float64) > self.reach(top)

    def lists(self, best_val, best_idx, exclude, n_jobs):
        """Merge every (query, reference) pair into the lists, tile by tile."""
        n_q, n_ref = self.Q2.shape[0], self.R.shape[0]
        threads = n_threads(n_jobs)
        rows, cols = _tile_shape(n_q, n_ref, itemsize=4, n_threads=threads)
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

        run_blocks(work, starts, threads)

    def symmetric_lists(self, n_keep, n_jobs):
        """Lists of a set against itself: pairs of blocks (I, J >= I) shared
        among threads, each tile serving both blocks.

        A tile updates the lists of two blocks, so every thread keeps its own
        lists (each pair is seen by one thread: the candidates are disjoint)
        and they are merged at the end.
        """
        X2, X, sq = self.Q2, self.R, self.q_sq32
        n = X.shape[0]
        size = max(1, min(n, _SYMMETRIC_BLOCK))
        n_blocks = -(-n // size)
        pairs = np.array(
            [(a, b) for a in range(n_blocks) for b in range(a, n_blocks)],
            dtype=np.int64,
        ).reshape(-1, 2)
        threads = max(1, min(n_threads(n_jobs), len(pairs)))
        lists = [
            (
                np.full((n, n_keep), np.inf, dtype=np.float32),
                np.full((n, n_keep), -1, dtype=np.int64),
            )
            for _ in range(threads)
        ]

        def screen(shares):
            for t in shares:
                best_val, best_idx = lists[t]
                tile = np.empty(size * size, dtype=np.float32)
                worst = np.empty(size, dtype=np.float32)
                count = np.empty((-(-size // _COUNT_BLOCK), size), dtype=np.int32)
                _screen_symmetric(
                    X2,
                    X,
                    sq,
                    np.ascontiguousarray(pairs[t::threads]),
                    size,
                    best_val,
                    best_idx,
                    tile,
                    worst,
                    count,
                )

        run_blocks(screen, list(range(threads)), threads)
        best_val, best_idx = lists[0]
        for other_val, other_idx in lists[1:]:
            merged_val, merged_idx = np.empty_like(best_val), np.empty_like(best_idx)
            _merge_topk(
                best_val, best_idx, other_val, other_idx, merged_val, merged_idx
            )
            best_val, best_idx = merged_val, merged_idx
        return best_val, best_idx


class SparseScreen:
    """Float64 screening of CSR rows (no centring), and its certificate.

    Lists hold ``||r||^2 - 2 q.r`` (the query's own squared norm is added
    for the certificate); ``c`` and ``eta`` bound the error of
    ``v^ = fl(list value + ||q||^2)`` as for :class:`DenseScreen`, with
    ``nnz`` (the most non-zeros in a row) terms per dot product.
    """

    def __init__(self, query, reference):
        self.Q = query
        self.R = reference
        self.q_sq = np.asarray(query.multiply(query).sum(axis=1)).ravel()
        self.r_sq = np.asarray(reference.multiply(reference).sum(axis=1)).ravel()
        nnz = max(_max_row_nnz(query), _max_row_nnz(reference), 1)
        self.nnz = nnz
        self.q_norm = _norm_upper(self.q_sq, nnz)
        terms = (2 * nnz + 8) * _U64
        self.c = terms / (1.0 - terms)
        self.eta = (nnz + 4) * 2.0**-1018

    def certified(self, last, top):
        """As :meth:`DenseScreen.certified`, from the lists' last values."""
        with np.errstate(invalid="ignore"):
            value = np.asarray(last, dtype=np.float64) + self.q_sq
        return value > _within_reach(top, self.q_norm, self.c, self.eta)

    def exact(self):
        """As :meth:`DenseScreen.exact` (float64, no centring)."""
        rows = (self.R,) if self.Q is self.R else (self.Q, self.R)
        return _grid_exact(rows, np.zeros(1), self.nnz, 2.0**47)

    def lists(self, n_keep, exclude):
        """Sparse products of large tiles (one thread: each call has a large
        fixed cost), merged into lists of ``n_keep``."""
        n_q, n_ref = self.Q.shape[0], self.R.shape[0]
        best_val = np.full((n_q, n_keep), np.inf)
        best_idx = np.full((n_q, n_keep), -1, dtype=np.int64)
        rows, cols = _tile_shape(
            n_q, n_ref, itemsize=8, tile_bytes=4 * 2**20, max_cols=8192
        )
        for r0 in range(0, n_q, rows):
            r1 = min(r0 + rows, n_q)
            for c0 in range(0, n_ref, cols):
                c1 = min(c0 + cols, n_ref)
                tile = np.ascontiguousarray((self.Q[r0:r1] @ self.R[c0:c1].T).toarray())
                _topk_update(tile, self.r_sq, c0, exclude, best_val, best_idx, r0)
        return best_val, best_idx


def _max_row_nnz(X):
    return int(np.diff(X.indptr).max()) if X.shape[0] else 0
