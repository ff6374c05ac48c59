"""Metrics on Dask input: per-block counts, merged by a tree reduction.

Each block of ``y_true`` / ``y_pred`` (and ``sample_weight``, ``groups``) is
encoded and counted where it lives by the in-memory code
(:func:`~skclassgap.metrics._counts.encode_and_count`, the K x K
:func:`~skclassgap.metrics._counts.confusion_counts`, or the per-group
counts). Blocks are encoded apart, so their code spaces differ: a block's
counts are keyed by its label values, and merging maps every block onto the
sorted union of the values (labels of any kind, integers, strings,
categoricals, unify there; mixed types are refused as in memory). Only
per-class counts travel, never rows.

This module imports the in-memory counting below it; the public functions,
above it, dispatch to it on Dask input (:func:`~skclassgap.utils._dask.any_dask`).
Dask itself is imported when Dask input has arrived.
"""

import numpy as np

from skclassgap.metrics._counts import (
    CodeCounts,
    class_counts_from_codes,
    confusion_counts,
    encode_and_count,
)
from skclassgap.metrics._grouped import group_class_counts, merge_group_counts
from skclassgap.utils._dask import check_block_lengths, reduce_blocks
from skclassgap.utils._labels import union_labels
from skclassgap.utils._validation import raise_all_zero

_EMPTY = "y_true and y_pred are empty; need at least one sample."


def _rows(index, y_true, y_pred, sample_weight, groups=None):
    return check_block_lengths(
        index, y_true=y_true, y_pred=y_pred, sample_weight=sample_weight, groups=groups
    )


def _block_code_counts(index, y_true, y_pred, sample_weight):
    if _rows(index, y_true, y_pred, sample_weight) == 0:
        return None
    values, counts = encode_and_count(
        y_true, y_pred, sample_weight=sample_weight, allow_zero_weight=True
    )
    present = (counts.n_true > 0) | (counts.n_pred > 0)  # drop the unused range
    return values[present], CodeCounts(*(v[present] for v in counts))


def _merge_code_counts(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    values = union_labels([p[0] for p in parts], "y_true and y_pred")
    totals = [np.zeros(len(values), dtype=field.dtype) for field in parts[0][1]]
    for part_values, part_counts in parts:
        where = np.searchsorted(values, part_values)
        for total, field in zip(totals, part_counts, strict=True):
            total[where] += field
    return values, CodeCounts(*totals)


def dask_encode_and_count(y_true, y_pred, *, sample_weight=None):
    """:func:`~skclassgap.metrics._counts.encode_and_count` of Dask input.

    Returns the sorted label values and their
    :class:`~skclassgap.metrics._counts.CodeCounts`: integer counts equal to
    the in-memory ones exactly, weight sums to rounding.
    """
    result = reduce_blocks(
        _block_code_counts,
        _merge_code_counts,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight},
    )
    if result is None:
        raise ValueError(_EMPTY)
    if sample_weight is not None and not result[1].support.any():
        raise_all_zero()
    return result


def dask_class_counts(y_true, y_pred, *, labels=None, sample_weight=None):
    """:func:`~skclassgap.metrics._counts.class_counts` of Dask input."""
    values, counts = dask_encode_and_count(y_true, y_pred, sample_weight=sample_weight)
    return class_counts_from_codes(values, counts, labels=labels)


def _block_confusion(index, y_true, y_pred, sample_weight):
    if _rows(index, y_true, y_pred, sample_weight) == 0:
        return None
    return confusion_counts(
        y_true, y_pred, sample_weight=sample_weight, allow_zero_weight=True
    )


def _merge_confusion(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    values = union_labels([p[0] for p in parts], "y_true and y_pred")
    k = len(values)
    counts = np.zeros((k, k), dtype=parts[0][1].dtype)
    occurrences = np.zeros((k, k), dtype=np.int64)
    for part_values, part_counts, part_occurrences in parts:
        cell = np.ix_(*[np.searchsorted(values, part_values)] * 2)
        counts[cell] += part_counts
        occurrences[cell] += part_occurrences
    return values, counts, occurrences


def dask_confusion_counts(y_true, y_pred, *, sample_weight=None):
    """:func:`~skclassgap.metrics._counts.confusion_counts` of Dask input.

    Returns the sorted labels present, the K x K (weighted) counts and the
    unweighted occurrences, equal to the in-memory result (integer counts
    exactly, weight sums to rounding).
    """
    result = reduce_blocks(
        _block_confusion,
        _merge_confusion,
        {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight},
    )
    if result is None:
        raise ValueError(_EMPTY)
    if sample_weight is not None and not np.any(result[1]):
        raise_all_zero()
    return result


def _block_groups(index, y_true, y_pred, groups, sample_weight):
    if _rows(index, y_true, y_pred, sample_weight, groups) == 0:
        return None
    return group_class_counts(
        y_true, y_pred, groups, sample_weight=sample_weight, allow_zero_weight=True
    )


def dask_group_counts(y_true, y_pred, groups, sample_weight=None):
    """:class:`~skclassgap.metrics._grouped.GroupCounts` of Dask input."""
    result = reduce_blocks(
        _block_groups,
        merge_group_counts,
        {
            "y_true": y_true,
            "y_pred": y_pred,
            "groups": groups,
            "sample_weight": sample_weight,
        },
    )
    if result is None:
        raise ValueError(_EMPTY)
    if sample_weight is not None and not result.support.any():
        raise_all_zero()
    return result
