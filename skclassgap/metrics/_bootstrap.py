"""Bootstrap intervals of per-class metrics, vectorised over resamples.

The bootstrap is stratified by true class: a resample draws, for every
class ``i``, ``n_i`` rows with replacement among the rows of class ``i``, so
supports stay fixed and every class is present in every resample. A
resample's per-class counts are all the metrics need, and they are drawn
from the counts, never from the rows:

- unweighted, the predictions of the ``n_i`` drawn rows of class ``i``
  follow the multinomial law ``Multinomial(n_i, C[i, :] / n_i)`` on the
  non-zero cells of its confusion row. It is drawn as a chain of binomials
  over the row's cells, vectorised over classes and resamples: the cost is
  O(n_boot x non-zero cells), whatever the number of rows (for rows whose
  true label is not among the reported classes, their stratum is drawn the
  same way: they add false positives to the classes they are predicted as);
- weighted, a resample's counts are weight sums of drawn rows, which the
  cell counts alone do not determine: the rows of each class are drawn
  (O(n_boot x n_samples), in chunks of resamples).

Intervals are percentile intervals of the resampled values (Efron &
Tibshirani, 1993, ch. 13).
"""

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from skclassgap.metrics._dask import dask_confusion_counts
from skclassgap.utils._dask import any_dask, reduce_blocks
from skclassgap.utils._labels import encode_label_pair
from skclassgap.utils._validation import check_sample_weight

# Bound on the values one chunk of resamples holds (resamples x cells or rows).
_CHUNK_VALUES = 2**23


class Resampled(NamedTuple):
    """Per-class counts of ``n_boot`` resamples: arrays of shape (n_boot, K);
    ``support`` of shape (K,) when the stratification fixes it."""

    tp: np.ndarray
    support: np.ndarray
    predicted: np.ndarray


def _positions(values, labels):
    """Position in ``labels`` of every code's value; ``len(labels)`` if absent."""
    where = pd.Index(labels).get_indexer(pd.Index(values))
    return np.where(where < 0, len(labels), where).astype(np.int64)


def _row_positions(y_true, y_pred, labels):
    """Class positions (in ``labels``; ``K`` for any other label) of every row."""
    enc = encode_label_pair(y_true, y_pred)
    pos = _positions(enc.values, labels)
    t = pos[np.asarray(enc.codes_true, dtype=np.int64) - enc.offset]
    p = pos[np.asarray(enc.codes_pred, dtype=np.int64) - enc.offset]
    return t, p


def _multinomial_rows(stratum, counts, n_boot, rng):
    """Draw ``n_boot`` multinomial rows per stratum over its cells.

    ``stratum`` (sorted) and ``counts`` describe the non-zero cells; returns
    the drawn counts, shape (n_boot, n_cells), each stratum's total kept.
    """
    n_cells = len(counts)
    starts = np.flatnonzero(np.r_[True, stratum[1:] != stratum[:-1]])
    sizes = np.diff(np.r_[starts, n_cells])
    rank = np.arange(n_cells) - np.repeat(starts, sizes)
    totals = np.add.reduceat(counts, starts)
    left = np.repeat(totals[None, :], n_boot, axis=0)  # rows still to place
    mass = totals.astype(np.float64)  # probability mass of the cells not placed
    out = np.empty((n_boot, n_cells), dtype=np.int64)
    for r in range(int(sizes.max())):
        cells = np.flatnonzero(rank == r)
        groups = np.searchsorted(starts, cells, side="right") - 1
        last = r == sizes[groups] - 1
        p = np.where(last, 1.0, counts[cells] / mass[groups])
        draw = rng.binomial(left[:, groups], np.clip(p, 0.0, 1.0))
        out[:, cells] = draw
        left[:, groups] -= draw
        mass[groups] -= counts[cells]
    return out


def _weighted_draws(t, p, weight, k, n_boot, rng):
    """Weighted counts of ``n_boot`` stratified resamples of the rows."""
    order = np.argsort(t, kind="stable")
    t, p, weight = t[order], p[order], weight[order]
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    sizes = np.diff(np.r_[starts, len(t)])
    first, size = np.repeat(starts, sizes), np.repeat(sizes, sizes)
    width = k + 1
    tp = np.zeros((n_boot, width))
    predicted = np.zeros((n_boot, width))
    step = max(1, _CHUNK_VALUES // max(len(t), 1))
    for b0 in range(0, n_boot, step):
        b1 = min(b0 + step, n_boot)
        # Slot j of a resample holds a row drawn from the stratum of row j.
        drawn = first + (rng.random((b1 - b0, len(t))) * size).astype(np.int64)
        w, key = weight[drawn], p[drawn]
        hit = key == t
        key += np.arange(b1 - b0)[:, None] * width
        tp[b0:b1] = np.bincount(
            key[hit], weights=w[hit], minlength=(b1 - b0) * width
        ).reshape(-1, width)
        predicted[b0:b1] = np.bincount(
            key.ravel(), weights=w.ravel(), minlength=(b1 - b0) * width
        ).reshape(-1, width)
    support = np.bincount(t, weights=weight, minlength=width)
    return Resampled(tp[:, :k], support[:k], predicted[:, :k])


def resample_cells(t, p, counts, k, n_boot, rng):
    """Stratified bootstrap counts from the non-zero cells of a confusion table.

    Parameters
    ----------
    t, p : int64 ndarrays of shape (n_cells,)
        True and predicted class positions of each cell (``k``: a label
        outside the reported classes).
    counts : int64 ndarray of shape (n_cells,)
        Rows in each cell (> 0).
    k : int
        Number of reported classes.
    n_boot : int
    rng : numpy.random.Generator

    Returns
    -------
    resampled : Resampled
    """
    order = np.lexsort((p, t))
    t, p, counts = t[order], p[order], np.asarray(counts, dtype=np.int64)[order]
    support = np.bincount(t, weights=counts, minlength=k + 1)[:k]
    diagonal = np.flatnonzero((t == p) & (t < k))
    to_class = sparse.csr_matrix(
        (np.ones(len(p)), (np.arange(len(p)), p)), shape=(len(p), k + 1)
    )
    tp = np.zeros((n_boot, k))
    predicted = np.zeros((n_boot, k))
    step = max(1, _CHUNK_VALUES // max(len(counts), 1))
    for b0 in range(0, n_boot, step):
        b1 = min(b0 + step, n_boot)
        drawn = _multinomial_rows(t, counts, b1 - b0, rng)
        tp[b0:b1, t[diagonal]] = drawn[:, diagonal]
        predicted[b0:b1] = (to_class.T @ drawn.T).T[:, :k]
    return Resampled(tp, support.astype(np.float64), predicted)


def bootstrap_counts(
    y_true, y_pred, labels, *, sample_weight=None, n_boot=1000, random_state=None
):
    """Per-class counts of ``n_boot`` bootstrap resamples.

    In memory, and for unweighted Dask input, the resamples are stratified by
    true class (see the module docstring); unweighted Dask input gives the
    same resamples as in memory for the same ``random_state``, drawn from the
    merged cell counts. Weighted Dask input takes a Poisson bootstrap per
    block: every row weighs ``Poisson(1)`` times its weight in a resample,
    drawn where the block lives from a seed per block (so the resamples
    depend on the partitioning), and supports vary between resamples.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : ndarray of shape (n_classes,)
        The classes to count, in order (``ClassCounts.labels``).
    sample_weight : array-like of shape (n_samples,), default=None
    n_boot : int, default=1000
    random_state : int, RandomState instance, Generator or None

    Returns
    -------
    resampled : Resampled
    """
    rng = as_generator(random_state)
    k = len(labels)
    if any_dask(y_true, y_pred, sample_weight):
        if sample_weight is not None:
            seed = int(rng.integers(np.iinfo(np.int64).max))
            return dask_poisson_counts(
                y_true, y_pred, sample_weight, labels, n_boot, seed
            )
        values, counts, _ = dask_confusion_counts(y_true, y_pred)
        pos = _positions(values, labels)
        t, p = np.nonzero(counts)
        return resample_cells(pos[t], pos[p], counts[t, p], k, n_boot, rng)
    t, p = _row_positions(y_true, y_pred, labels)
    if sample_weight is not None:
        weight = check_sample_weight(sample_weight, len(t))
        return _weighted_draws(t, p, weight, k, n_boot, rng)
    keys, counts = np.unique(t * (k + 1) + p, return_counts=True)
    return resample_cells(keys // (k + 1), keys % (k + 1), counts, k, n_boot, rng)


def poisson_block_counts(index, y_true, y_pred, sample_weight, labels, n_boot, seed):
    """Weighted per-class counts of one block under ``n_boot`` Poisson
    resamples; arrays of shape (n_boot, n_classes + 1) (last: other labels)."""
    t, p = _row_positions(y_true, y_pred, labels)
    weight = check_sample_weight(sample_weight, len(t), allow_all_zero=True)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(index + 1)[index])
    width = len(labels) + 1
    out = np.zeros((3, n_boot, width))
    step = max(1, _CHUNK_VALUES // max(len(t), 1))
    hit = t == p
    for b0 in range(0, n_boot, step):
        b1 = min(b0 + step, n_boot)
        w = rng.poisson(1.0, size=(b1 - b0, len(t))) * weight
        for slot, (key, mask) in enumerate(((t, hit), (t, None), (p, None))):
            if mask is not None:
                key, part = key[mask], w[:, mask]
            else:
                part = w
            out[slot, b0:b1] = np.stack(
                [np.bincount(key, weights=row, minlength=width) for row in part]
            )
    return out


def dask_poisson_counts(y_true, y_pred, sample_weight, labels, n_boot, seed):
    """:func:`poisson_block_counts` of every block, summed (Dask input)."""
    total = reduce_blocks(
        poisson_block_counts,
        _sum_parts,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight},
        labels=labels,
        n_boot=n_boot,
        seed=seed,
    )
    k = len(labels)
    return Resampled(total[0][:, :k], total[1][:, :k], total[2][:, :k])


def _sum_parts(parts):
    return sum(parts[1:], parts[0])


def as_generator(random_state):
    """A NumPy ``Generator`` from scikit-learn's ``random_state`` conventions.

    An int or None seeds a new generator; a ``RandomState`` gives one seeded
    from its stream (so the caller's state advances, as scikit-learn does); a
    ``Generator`` is used as is.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    return np.random.default_rng(random_state)


def percentile_interval(values, ci, axis=0):
    """The central ``ci`` percentile interval of ``values`` along ``axis``.

    NaN resamples are ignored; NaN where every resample is NaN.
    """
    values = np.asarray(values, dtype=np.float64)
    q = [(1.0 - ci) / 2.0, (1.0 + ci) / 2.0]
    if values.size == 0:
        shape = list(values.shape)
        del shape[axis]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        # All-NaN slices give NaN, as documented.
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        low, high = np.nanquantile(values, q, axis=axis)
        # A constant slice (an infinite prediction bias in every resample, for
        # a class only predicted) is its value; interpolating inf - inf is NaN.
        first = np.take(values, [0], axis=axis)
        constant = np.all((values == first) | np.isnan(values), axis=axis)
        value = np.nanmax(values, axis=axis)
    low = np.where(constant, value, low)
    high = np.where(constant, value, high)
    return low, high
