"""Stage 3, gather: the rows of the classes to oversample, into the client.

One pass over ``X`` and ``y``: every block of ``X`` is validated where it is
read (NaN, infinity, lengths; a mixed table column by column, the error
naming the block), and the rows of the classes to oversample come back in
their global order, with their global row indices. A mixed table is coded
with the levels of all rows (from the census), so that first-appearance
ties fall as in memory.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from skclassgap.over_sampling._dask._blocks import label_values, numeric_block
from skclassgap.over_sampling._table import (
    Table,
    _Categories,
    _continuous_block,
    _is_number_levels,
    check_table,
    refuse_identifiers,
)
from skclassgap.utils._dask import check_block_lengths, import_dask


class Gathered(NamedTuple):
    """Rows held in the client: their global indices ``rows`` (increasing),
    their values ``work`` (a float array, or a :class:`Table` for a mixed
    table) and class codes ``y_codes`` (indices of the census labels)."""

    rows: np.ndarray
    work: object
    y_codes: np.ndarray


def _table_block(X, index, spec, sampler):
    """Validate a DataFrame block as a mixed table, the error naming the block."""
    if len(X) == 0:
        return
    try:
        check_table(X, spec, sampler)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{exc} (in block {index} of X)") from None


def _block_gather(index, X, y, offset, keep, spec, sampler):
    labels_in_block = label_values(y, index)
    check_block_lengths(index, X=X, y=labels_in_block)
    if spec is None:
        X = numeric_block(X, index)
    else:
        _table_block(X, index, spec, sampler)
    mask = np.isin(labels_in_block, keep)
    rows = np.flatnonzero(mask)
    taken = X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]
    return offset + rows.astype(np.int64), taken, labels_in_block[rows]


def _codes(frame, categorical, census):
    """Codes of the gathered categorical columns in the levels of all rows."""
    codes = np.empty((len(frame), len(categorical)), dtype=np.int32)
    levels = []
    for pos, j in enumerate(categorical):
        column = frame.iloc[:, j]
        merged = census.levels[pos]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes[:, pos] = np.searchsorted(merged, column.cat.codes.to_numpy())
            levels.append(_Categories(column.dtype, merged))
        else:
            codes[:, pos] = pd.Index(merged).get_indexer(column.array)
            levels.append(merged)
    return codes, levels


def _check_identifiers(frame, categorical, levels, n_total, sampler):
    """Raise when every column is an identifier over all rows (as in memory)."""
    identifiers = [
        j
        for pos, j in enumerate(categorical)
        if len(levels[pos]) == n_total
        and n_total > 1
        and not _is_number_levels(
            levels[pos].dtype.categories
            if isinstance(levels[pos], _Categories)
            else levels[pos]
        )
    ]
    refuse_identifiers(frame, identifiers, sampler)


def _gathered_table(frame, categorical, census, sampler):
    """The gathered rows of a mixed DataFrame as a :class:`Table` whose codes
    follow the levels of all rows (first-appearance order, used categories)."""
    continuous = np.setdiff1d(np.arange(frame.shape[1]), categorical).astype(np.int64)
    table = Table(frame, categorical, continuous, _continuous_block(frame, continuous))
    codes, levels = _codes(frame, categorical, census)
    _check_identifiers(frame, categorical, levels, int(np.sum(census.counts)), sampler)
    n_levels = np.array([len(t) for t in levels], dtype=np.int64)
    return table._replace(
        codes=codes, levels=levels, n_levels=n_levels, class_counts=census.class_counts
    )


def gather(sampler, fitted):
    """Gather the rows of the classes that ``sampler.sampling_strategy_``
    oversamples (one pass over ``X`` and ``y``).

    Returns
    -------
    gathered : Gathered
    """
    labels = fitted.census.labels
    keep = np.array(
        [label for label, n_new in sampler.sampling_strategy_.items() if n_new > 0],
        dtype=labels.dtype,
    )
    return gather_classes(fitted, keep, type(sampler).__name__)


def gather_classes(fitted, keep, name):
    """Gather the rows of the classes ``keep`` (labels), validating every block
    of ``X`` on the way (one pass over ``X`` and ``y``); ``name`` is the
    sampler's, for the messages of a mixed table.

    Returns
    -------
    gathered : Gathered
    """
    dask, _, _ = import_dask("X or y")
    labels, blocks = fitted.census.labels, fitted.blocks
    task = dask.delayed(_block_gather, pure=True)
    parts = dask.compute(
        [
            task(i, X, y, int(offset), keep, fitted.spec, name)
            for i, (X, y, offset) in enumerate(
                zip(blocks["X"], blocks["y"], fitted.offsets, strict=True)
            )
        ]
    )[0]
    rows = np.concatenate([p[0] for p in parts])
    y_rows = np.concatenate([np.asarray(p[2]) for p in parts])
    y_codes = np.searchsorted(labels, y_rows).astype(np.int64)
    if fitted.spec is not None:
        frame = pd.concat([p[1] for p in parts]).reset_index(drop=True)
        work = _gathered_table(frame, fitted.categorical, fitted.census, name)
    else:
        work = np.ascontiguousarray(np.concatenate([p[1] for p in parts]))
    return Gathered(rows, work, y_codes)
