"""Neighbours and majority votes of SMOTE-NC and SMOTE-N, from integer codes.

Categorical columns are integer codes (``codes[i, f]`` is the level of row
``i`` in categorical column ``f``); nothing here builds a one-hot matrix, so
memory does not depend on the number of levels:

- :func:`smotenc_neighbors`: exact ``k`` nearest rows of a class under the
  SMOTE-NC distance ``||x_i - x_j||^2 + m^2 * hamming(i, j)`` (squared
  Euclidean distance on the continuous values plus ``m^2`` per differing
  categorical column; ``m`` is the median standard deviation of the class's
  continuous columns);
- :func:`vdm_tables` / :func:`vdm_neighbors`: the value difference metric
  ``sum_f (sum_c |P_f[a, c] - P_f[b, c]|)^2``, where ``P_f[a, c]`` is the
  share of class ``c`` among the rows whose column ``f`` holds level ``a``
  (a levels x classes table per column, computed on all rows);
- :func:`majority_vote`: per synthetic row and categorical column, the most
  frequent level among a row's neighbours, ties broken at random.

Each search returns, per row, the ``k`` nearest other rows of the set, nearest
first, ties to the lower index. Small sets take a NumPy path (blocks of
distances, stable sort); larger ones a numba kernel spread over threads. Both
compute every distance with the same floating-point operations in the same
order and return identical neighbours. Peak extra memory: one block of
distances (NumPy path) or the ``n x k`` lists (kernel path), plus O(n * d).
"""

import numpy as np

from skclassgap._kernels.categorical import _smotenc_topk, _vdm_topk
from skclassgap.over_sampling._neighbors._screen import n_threads, run_blocks

# Below this many (query, reference) pairs (classes of up to 256 rows) the
# NumPy path runs: a first call then needs no numba compilation (about 2 s
# once per machine; the cache is on disk). It takes about 10 ms there and
# grows much faster than the kernels above it (measured: 0.3 s against 3 ms at
# 1,024 rows), hence the low threshold.
_NUMPY_PAIRS = 2**16
# Distances held at once by the NumPy path (float64 entries).
_BLOCK_ENTRIES = 2**18
# Query rows per kernel call (the unit of work shared among threads).
_KERNEL_BLOCK = 256
# Reference rows per block inside the kernels (kept in cache for all queries).
_REF_BLOCK = 1024


def _scaled(values):
    """Continuous values as float64, rescaled by a power of two if needed so that
    squared differences neither overflow nor underflow.

    A power-of-two factor is exact: it scales every squared distance and the
    penalty by the same factor, so the neighbours do not change.
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    if values.size == 0:
        return values, 1.0
    top = float(np.abs(values).max())
    if top == 0.0 or 2.0**-300 < top < 2.0**300:
        return values, 1.0
    scale = 2.0 ** -np.floor(np.log2(top))
    return values * scale, scale


def median_std(values):
    """Median over the continuous columns of their (population) standard deviation.

    This is SMOTE-NC's ``m`` (0.0 without continuous column).
    """
    if values.shape[1] == 0:
        return 0.0
    values, scale = _scaled(values)  # squares of extreme values stay finite
    return float(np.median(values.std(axis=0))) / scale


def _topk_numpy(distances_block, queries, k):
    """Stable top-k of a block of distances, each query's own row excluded."""
    distances_block[np.arange(len(queries)), queries] = np.inf
    order = np.argsort(distances_block, axis=1, kind="stable")[:, :k]
    return order.astype(np.int64, copy=False)


def _search(n, k, numpy_block, kernel_call, n_jobs):
    """Run a within-set search by the NumPy path or the kernel path."""
    out = np.empty((n, k), dtype=np.int64)
    if n * n <= _NUMPY_PAIRS:
        rows = max(1, _BLOCK_ENTRIES // max(n, 1))
        for start in range(0, n, rows):
            queries = np.arange(start, min(start + rows, n), dtype=np.int64)
            out[start : start + len(queries)] = _topk_numpy(
                numpy_block(queries), queries, k
            )
        return out
    best_dist = np.full((n, k), np.inf)
    starts = np.arange(0, n, _KERNEL_BLOCK, dtype=np.int64)

    def work(block_starts):
        for start in block_starts:
            stop = min(start + _KERNEL_BLOCK, n)
            queries = np.arange(start, stop, dtype=np.int64)
            kernel_call(queries, best_dist[start:stop], out[start:stop])

    run_blocks(work, starts, min(n_threads(n_jobs), len(starts)))
    return out


def smotenc_neighbors(values, codes, m, k, *, n_jobs=None):
    """The ``k`` nearest other rows of every row under the SMOTE-NC distance.

    Parameters
    ----------
    values : ndarray of shape (n, d)
        Continuous values of the class's rows.
    codes : int ndarray of shape (n, q)
        Categorical codes of the same rows.
    m : float
        Penalty scale: a differing categorical column adds ``m^2`` (see
        :func:`median_std`).
    k : int
        Number of neighbours (``k < n``).
    n_jobs : int, default=None
        Threads of the kernel path (results do not depend on it).

    Returns
    -------
    ind : int64 ndarray of shape (n, k)
        Row indices into the set, nearest first (ties: lower index first).
    """
    values, scale = _scaled(values)
    penalty = (m * scale) ** 2
    codes = np.ascontiguousarray(codes, dtype=np.int32)
    n, d = values.shape

    def numpy_block(queries):
        acc = np.zeros((len(queries), n))
        for c in range(d):
            diff = values[queries, c][:, None] - values[None, :, c]
            acc += diff * diff
        n_diff = np.zeros((len(queries), n), dtype=np.int64)
        for c in range(codes.shape[1]):
            n_diff += codes[queries, c][:, None] != codes[None, :, c]
        acc += penalty * n_diff
        return acc

    if n * n > _NUMPY_PAIRS:  # the kernel's column-major copies
        values_t = np.ascontiguousarray(values.T)
        codes_t = np.ascontiguousarray(codes.T)

    def kernel_call(queries, best_dist, best_idx):
        _smotenc_topk(
            values_t, codes_t, penalty, queries, _REF_BLOCK, best_dist, best_idx
        )

    return _search(n, k, numpy_block, kernel_call, n_jobs)


def vdm_tables(codes, y_codes, n_levels, n_classes):
    """Per-column tables of class frequencies per level, flattened.

    Parameters
    ----------
    codes : int ndarray of shape (n, q)
        Categorical codes of all rows.
    y_codes : int ndarray of shape (n,)
        Class code of every row.
    n_levels : int ndarray of shape (q,)
        Number of levels of each column.
    n_classes : int

    Returns
    -------
    tables : float64 ndarray of shape (sum(n_levels) * n_classes,)
        ``P_f[a, c]`` = (rows of class ``c`` with level ``a`` in column ``f``)
        / (rows with level ``a``), 0 for a level without rows; table ``f``
        starts at ``offsets[f]``, row-major (levels x classes).
    offsets : int64 ndarray of shape (q,)
    """
    n_levels = np.asarray(n_levels, dtype=np.int64)
    counts = [
        np.bincount(
            codes[:, f].astype(np.int64) * n_classes + y_codes,
            minlength=int(n_levels[f] * n_classes),
        ).reshape(-1, n_classes)
        for f in range(codes.shape[1])
    ]
    return vdm_tables_from_counts(counts)


def vdm_tables_from_counts(counts):
    """:func:`vdm_tables` from the level x class counts of every column.

    ``counts[f][a, c]`` is the number of rows of class ``c`` whose column
    ``f`` holds level ``a`` (additive over blocks of rows, which is how Dask
    input gets them).
    """
    sizes = np.array([c.size for c in counts], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    tables = np.empty(int(sizes.sum()), dtype=np.float64)
    for f, column_counts in enumerate(counts):
        total = column_counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            table = column_counts / total
        table[total[:, 0] == 0] = 0.0
        tables[offsets[f] : offsets[f] + sizes[f]] = table.ravel()
    return tables, offsets


def vdm_distances(codes, tables, offsets, n_classes, queries, reference=None):
    """VDM distances of the query rows to every row (NumPy), shape (b, n)."""
    reference = codes if reference is None else reference
    ends = np.append(offsets[1:], tables.size)
    acc = np.zeros((len(queries), reference.shape[0]))
    for f in range(codes.shape[1]):
        table = tables[offsets[f] : ends[f]].reshape(-1, n_classes)
        pa = table[codes[queries, f]]
        pb = table[reference[:, f]]
        s = np.zeros_like(acc)
        for c in range(n_classes):
            s += np.abs(pa[:, c][:, None] - pb[None, :, c])
        acc += s * s
    return acc


def vdm_neighbors(codes, tables, offsets, n_classes, k, *, n_jobs=None):
    """The ``k`` nearest other rows of every row under the value difference metric.

    ``codes`` are the rows of one class; ``tables``/``offsets`` come from
    :func:`vdm_tables` on all rows. Returns the same kind of array as
    :func:`smotenc_neighbors`.
    """
    codes = np.ascontiguousarray(codes, dtype=np.int32)
    n = codes.shape[0]
    if n * n > _NUMPY_PAIRS:  # the kernel's column-major copy
        codes_t = np.ascontiguousarray(codes.T)
        ends = np.append(offsets[1:], tables.size)
        n_levels = ((ends - offsets) // n_classes).astype(np.int64)

    def numpy_block(queries):
        return vdm_distances(codes, tables, offsets, n_classes, queries)

    def kernel_call(queries, best_dist, best_idx):
        _vdm_topk(
            codes_t,
            tables,
            offsets,
            n_levels,
            n_classes,
            queries,
            _REF_BLOCK,
            best_dist,
            best_idx,
        )

    return _search(n, k, numpy_block, kernel_call, n_jobs)


def majority_vote(codes, voters, parents, rng):
    """Most frequent level among each parent's voters, per categorical column.

    Parameters
    ----------
    codes : int ndarray of shape (n, q)
        Categorical codes of the class's rows.
    voters : int64 ndarray of shape (n, v)
        ``voters[r]`` are the rows (into ``codes``) whose levels row ``r``'s
        synthetic rows take the majority of.
    parents : int64 ndarray of shape (n_new,)
        Row (into ``codes``) each synthetic row grows from.
    rng : numpy.random.Generator
        Breaks ties: one uniform number per synthetic row and column (drawn
        for every row and column, tie or not, column by column), and the
        tied level of rank ``floor(u * n_tied)`` in increasing code order
        wins, so each tied level is equally likely.

    Returns
    -------
    new_codes : int32 ndarray of shape (n_new, q)
    """
    n, v = voters.shape
    n_new = len(parents)
    out = np.empty((n_new, codes.shape[1]), dtype=np.int32)
    rows = np.repeat(np.arange(n), v)
    for f in range(codes.shape[1]):
        u = rng.random(n_new)
        ranked = np.sort(codes[voters, f], axis=1)
        starts = np.ones((n, v), dtype=bool)
        starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
        run = np.cumsum(starts, axis=1) - 1  # run number of each position
        counts = np.bincount(rows * v + run.ravel(), minlength=n * v).reshape(n, v)
        levels = np.zeros((n, v), dtype=np.int32)
        levels[np.nonzero(starts)[0], run[starts]] = ranked[starts]
        tied = counts == counts.max(axis=1, keepdims=True)
        n_tied = tied.sum(axis=1)
        first = np.argmax(tied, axis=1)
        pick = first[parents]
        multi = np.flatnonzero(n_tied[parents] > 1)
        if len(multi):
            p = parents[multi]
            rank = np.minimum((u[multi] * n_tied[p]).astype(np.int64), n_tied[p] - 1)
            pick[multi] = np.argmax(np.cumsum(tied[p], axis=1) > rank[:, None], axis=1)
        out[:, f] = levels[parents, pick]
    return out
