"""Per (group, class) counts: the per-class report of every group from one pass.

:class:`GroupCounts` holds, for every group and class, the (weighted) true
positives, true count and predicted count, and the unweighted row counts that
tell which classes occur. Counts of disjoint rows add up
(:func:`merge_group_counts`), so blocks of rows can be counted apart and
merged; summing over the groups gives the :class:`ClassCounts` of all rows.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from skclassgap._kernels._config import KERNEL_MIN_ROWS
from skclassgap._kernels.grouped import _group_class_counts, _group_class_weights
from skclassgap.metrics._counts import ClassCounts, _label_positions
from skclassgap.utils._labels import encode_label_pair, union_labels
from skclassgap.utils._validation import check_sample_weight


class GroupCounts(NamedTuple):
    """Per (group, class) totals.

    Attributes
    ----------
    groups : ndarray of shape (n_groups,) or None
        Sorted group values; None when the rows were not grouped (one group).
    labels : ndarray of shape (n_classes,)
        Sorted classes that occur in ``y_true`` or ``y_pred``.
    tp, support, predicted : ndarray of shape (n_groups, n_classes)
        (Weighted) true positives, true counts and predicted counts.
    n_true, n_pred : ndarray of shape (n_groups, n_classes)
        Unweighted rows of each true and each predicted class.
    """

    groups: np.ndarray | None
    labels: np.ndarray
    tp: np.ndarray
    support: np.ndarray
    predicted: np.ndarray
    n_true: np.ndarray
    n_pred: np.ndarray


def encode_groups(groups, n_samples):
    """Codes in ``[0, n_groups)`` and the sorted group values of ``groups``."""
    if isinstance(groups, pd.DataFrame):
        if groups.shape[1] != 1:
            raise ValueError(
                f"groups must be 1-dimensional; got a DataFrame with {groups.shape[1]} "
                "columns."
            )
        groups = groups.iloc[:, 0]
    if not isinstance(groups, (pd.Series, pd.Index, pd.Categorical)):
        groups = np.asarray(groups)
        if groups.ndim != 1:
            raise ValueError(
                "groups must be 1-dimensional (one group per sample); got an array "
                f"of shape {groups.shape}."
            )
    if len(groups) != n_samples:
        raise ValueError(
            f"groups has {len(groups)} values but there are {n_samples} samples; "
            "pass one group per sample."
        )
    codes, uniques = pd.factorize(groups, use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(
            f"groups contains {int((codes < 0).sum())} missing values (NaN/None); "
            "every sample needs a group."
        )
    uniques = np.asarray(uniques)
    values = union_labels([uniques], "groups")
    rank = np.searchsorted(values, uniques)
    return rank[codes].astype(np.int64), values


def group_class_counts(
    y_true, y_pred, groups=None, *, sample_weight=None, allow_zero_weight=False
):
    """Count one block of rows per (group, class) in one pass.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Labels (validated and encoded as by every metric).
    groups : array-like of shape (n_samples,), default=None
        Group of each row; None counts all rows as one group.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    allow_zero_weight : bool, default=False
        Accept weights that are zero everywhere (one block of many).

    Returns
    -------
    counts : GroupCounts
        The counts of the classes that occur.
    """
    enc = encode_label_pair(y_true, y_pred)
    n = len(enc.codes_true)
    weights = check_sample_weight(sample_weight, n, allow_all_zero=allow_zero_weight)
    if groups is None:
        codes, values = np.zeros(n, dtype=np.int8), None
        n_groups = 1
    else:
        codes, values = encode_groups(groups, n)
        n_groups = len(values)
    k = len(enc.values)
    if n < KERNEL_MIN_ROWS["labels"]:
        n_true, n_pred, tp, support, predicted = _group_class_numpy(
            codes, enc.codes_true, enc.codes_pred, weights, enc.offset, n_groups, k
        )
    elif weights is None:
        tp, support, predicted = _group_class_counts(
            codes, enc.codes_true, enc.codes_pred, enc.offset, n_groups, k
        )
        n_true, n_pred = support, predicted
    else:
        n_true, n_pred, tp, support, predicted = _group_class_weights(
            codes, enc.codes_true, enc.codes_pred, weights, enc.offset, n_groups, k
        )
    present = (n_true.sum(axis=0) > 0) | (n_pred.sum(axis=0) > 0)
    if not present.all():  # the offset path spans a range of integers
        keep = np.flatnonzero(present)
        return GroupCounts(
            values,
            enc.values[keep],
            *(a[:, keep] for a in (tp, support, predicted, n_true, n_pred)),
        )
    return GroupCounts(values, enc.values, tp, support, predicted, n_true, n_pred)


def _group_class_numpy(g, t, p, w, offset, n_groups, n_classes):
    """The kernels' counts with ``np.bincount`` (small inputs: no compilation).

    Returns ``n_true, n_pred, tp, support, predicted``; the last three are
    the row counts (int64) without weights, weight sums (float64) with.
    """
    g = np.asarray(g, dtype=np.int64)
    t = np.asarray(t, dtype=np.int64) - offset
    p = np.asarray(p, dtype=np.int64) - offset
    size = n_groups * n_classes
    cell_true = g * n_classes + t
    cell_pred = g * n_classes + p
    same = t == p

    def count(cells, weights=None):
        out = np.bincount(cells, weights=weights, minlength=size)
        if weights is not None:
            out = out.astype(np.float64, copy=False)
        return out.reshape(n_groups, n_classes)

    n_true, n_pred = count(cell_true), count(cell_pred)
    if w is None:
        return n_true, n_pred, count(cell_true[same]), n_true, n_pred
    return (
        n_true,
        n_pred,
        count(cell_true[same], w[same]),
        count(cell_true, w),
        count(cell_pred, w),
    )


def merge_group_counts(parts):
    """Counts of the union of disjoint row sets (None parts are skipped).

    Returns None when every part is None.
    """
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    labels = union_labels([p.labels for p in parts], "y_true and y_pred")
    grouped = parts[0].groups is not None
    groups = union_labels([p.groups for p in parts], "groups") if grouped else None
    shape = (len(groups) if grouped else 1, len(labels))
    weighted = parts[0].tp.dtype.kind == "f"
    dtype = np.float64 if weighted else np.int64
    tp, support, predicted = (np.zeros(shape, dtype=dtype) for _ in range(3))
    n_true, n_pred = (np.zeros(shape, dtype=np.int64) for _ in range(2))
    for part in parts:
        cols = np.searchsorted(labels, part.labels)
        rows = np.searchsorted(groups, part.groups) if grouped else np.zeros(1, int)
        cell = np.ix_(rows, cols)
        for total, add in zip(
            (tp, support, predicted, n_true, n_pred), part[2:], strict=True
        ):
            total[cell] += add
    return GroupCounts(groups, labels, tp, support, predicted, n_true, n_pred)


def overall_counts(counts):
    """The :class:`ClassCounts` of all rows (summed over the groups)."""
    support = counts.support.sum(axis=0)
    return ClassCounts(
        counts.labels,
        counts.tp.sum(axis=0),
        support,
        counts.predicted.sum(axis=0),
        counts.n_true.sum(axis=0) > 0,
        float(support.sum()),
    )


def group_cells(counts, labels=None):
    """The (group, class) cells of a per-group report, and their counts.

    Without ``labels``, each group lists the classes that occur in its rows
    (true or predicted); with ``labels``, every group lists every label, in
    that order (0 where absent).

    Returns
    -------
    group_index, class_index : ndarray
        The group and class of each cell, group-major.
    tp, support, predicted : ndarray
        Counts of each cell.
    """
    n_groups = counts.tp.shape[0]
    if labels is None:
        occurs = (counts.n_true > 0) | (counts.n_pred > 0)
        g, c = np.nonzero(occurs)
        return g, counts.labels[c], *(a[g, c] for a in counts[2:5])
    labels, pos = _label_positions(labels, counts.labels)
    absent = pos < 0
    pos = np.where(absent, 0, pos)
    g = np.repeat(np.arange(n_groups), len(labels))
    c = np.tile(pos, n_groups)
    gone = np.tile(absent, n_groups)
    cells = []
    for a in counts[2:5]:
        v = a[g, c]
        v[gone] = 0
        cells.append(v)
    return g, np.tile(labels, n_groups), *cells
