"""One pass over the columns counts everything the report shows.

:func:`count_frame` turns a block of rows (or all rows) into per (group,
class) counts, per-class sums of probabilities and, for ``--ci``, the rows of
every (group, true, predicted) cell, which the bootstrap intervals are drawn
from; :func:`merge_counts` adds the results of disjoint blocks (every part is
a sum over rows, so blocks add up). A file within the memory budget is read by
pandas and counted at once; a larger one, or any file when ``--scheduler``
is given, is read by Dask and counted block by block on the workers, the
blocks' counts merged by a tree reduction. Both engines run the same
counting function, so they give the same report.
"""

import numpy as np
import pandas as pd

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import DaskScheduler, import_dask_dataframe, one_line
from skclassgap.cli.report._read import read_dask, read_pandas
from skclassgap.metrics._grouped import group_class_counts, merge_group_counts
from skclassgap.utils._dask import reduce_blocks
from skclassgap.utils._labels import encode_label_pair

# Probabilities are clipped to [EPS, 1] before the logarithm of the log loss.
EPS = np.finfo(np.float64).eps


def _check_missing(frame, column, what, index):
    missing = int(frame[column].isna().sum())
    if missing:
        where = "" if index is None else f" (in block {index} of the data)"
        raise ValueError(
            f"the {what} column {column!r} has {missing} missing values{where}; drop "
            "those rows or fill them"
        )


def _probability_sums(frame, true, proba, proba_classes):
    P = frame[proba].to_numpy(dtype=np.float64)
    bad = ~((P >= 0) & (P <= 1))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"probability column {proba[col]!r} holds {P[row, col]!r}; expected "
            "probabilities in [0, 1]"
        )
    y = frame[true]
    column = pd.Index(proba_classes).get_indexer(y.astype(str))
    if (column < 0).any():
        label = y.iloc[int(np.argmax(column < 0))]
        raise ValueError(
            f"class {label!r} of {true!r} has no probability column; expected a "
            f"column named like {proba[0]!r} with {str(label)!r} in place of "
            f"{proba_classes[0]!r}"
        )
    p_true = P[np.arange(len(P)), column]
    k = len(proba)
    return {
        "n": np.bincount(column, minlength=k),
        "p_true": np.bincount(column, weights=p_true, minlength=k),
        "log_loss": np.bincount(
            column, weights=-np.log(np.clip(p_true, EPS, 1.0)), minlength=k
        ),
        "p_sum": P.sum(axis=0),
    }


def cell_counts(y_true, y_pred, groups=None):
    """Rows of every (group, true, predicted) cell that occurs, as a Series of
    counts indexed by ``group`` (when given), ``true`` and ``pred``.

    Labels are read as every metric reads them (one encoding for both
    columns), so they match the classes of :class:`GroupCounts`.
    """
    enc = encode_label_pair(y_true, y_pred)
    t = np.asarray(enc.codes_true, dtype=np.int64) - enc.offset
    p = np.asarray(enc.codes_pred, dtype=np.int64) - enc.offset
    cells = pd.DataFrame({"true": enc.values[t], "pred": enc.values[p]})
    if groups is not None:
        cells.insert(0, "group", np.asarray(groups))
    return cells.value_counts(sort=False)


def count_frame(index, frame, true, pred, group, proba, proba_classes, cells=False):
    """Counts of one block of rows (or of all rows): group counts, proba sums
    and, with ``cells``, the cell counts of :func:`cell_counts`.

    Returns None for an empty block, else ``(GroupCounts, sums, cells)``
    where ``sums`` is None without probability columns, or a dict of arrays
    over the probability columns: ``n`` (rows of each true class),
    ``p_true`` and ``log_loss`` (sums over those rows of the true class's
    probability and of its negative log) and ``p_sum`` (sums over all rows of
    each column); ``cells`` is None unless asked for.
    """
    if len(frame) == 0:
        return None
    _check_missing(frame, true, "true-label", index)
    _check_missing(frame, pred, "predicted-label", index)
    groups = None
    if group is not None:
        _check_missing(frame, group, "group", index)
        groups = frame[group]
    counts = group_class_counts(frame[true], frame[pred], groups)
    table = cell_counts(frame[true], frame[pred], groups) if cells else None
    if not proba:
        return counts, None, table
    return counts, _probability_sums(frame, true, proba, proba_classes), table


def merge_counts(parts):
    """Merge the results of :func:`count_frame` of disjoint blocks."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    counts = merge_group_counts([p[0] for p in parts])
    sums = None
    if parts[0][1] is not None:
        sums = {key: sum(p[1][key] for p in parts) for key in parts[0][1]}
    cells = None
    if parts[0][2] is not None:
        joined = pd.concat([p[2] for p in parts])
        cells = joined.groupby(level=list(range(joined.index.nlevels))).sum()
    return counts, sums, cells


def _count_kwargs(columns, cells):
    return {
        "true": columns.true,
        "pred": columns.pred,
        "group": columns.group,
        "proba": columns.proba,
        "proba_classes": columns.proba_classes,
        "cells": cells,
    }


def count_pandas(path, fmt, columns, cells=False):
    """Read the columns with pandas and count them; ``(result, engine, blocks)``.

    With ``cells``, the result also holds the (group, true, predicted) cell
    counts the bootstrap intervals need."""
    frame = read_pandas(path, fmt, columns)
    try:
        result = merge_counts(
            [count_frame(None, frame, **_count_kwargs(columns, cells))]
        )
    except ValueError as exc:
        raise UserError(one_line(exc)) from None
    return result, "pandas", 1


def count_dask(path, fmt, columns, scheduler, cells=False):
    """Read the columns with Dask and count them block by block on ``scheduler``
    (an address, ``"local"``, or None for local threads); ``cells`` as for
    :func:`count_pandas`, the cell counts of the blocks added up."""
    reason = "--scheduler" if scheduler else "data larger than --memory-budget"
    dask, dataframe = import_dask_dataframe(reason)
    with (
        DaskScheduler(scheduler) as cluster,
        dask.config.set(scheduler=cluster.scheduler),
    ):
        try:
            frame = read_dask(dataframe, path, fmt, columns)
            result = reduce_blocks(
                count_frame,
                merge_counts,
                {"frame": frame},
                **_count_kwargs(columns, cells),
            )
        except ModuleNotFoundError as exc:
            raise UserError(
                f"the Dask workers cannot import {exc.name!r}; install skclassgap "
                "on every worker"
            ) from None
        except (ValueError, TypeError, OSError) as exc:
            raise UserError(one_line(exc)) from None
        return result, cluster.describe(), frame.npartitions
