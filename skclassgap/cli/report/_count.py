"""One pass over the columns counts everything the report shows.

:func:`count_frame` turns a block of rows (or all rows) into per (group,
class) counts and per-class sums of probabilities; :func:`merge_counts` adds
the results of disjoint blocks. A file within the memory budget is read by
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


def count_frame(index, frame, true, pred, group, proba, proba_classes):
    """Counts of one block of rows (or of all rows): group counts and proba sums.

    Returns None for an empty block, else ``(GroupCounts, sums)`` where
    ``sums`` is None without probability columns, or a dict of arrays over
    the probability columns: ``n`` (rows of each true class),
    ``p_true`` and ``log_loss`` (sums over those rows of the true class's
    probability and of its negative log) and ``p_sum`` (sums over all rows of
    each column).
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
    if not proba:
        return counts, None
    return counts, _probability_sums(frame, true, proba, proba_classes)


def merge_counts(parts):
    """Merge the results of :func:`count_frame` of disjoint blocks."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    counts = merge_group_counts([p[0] for p in parts])
    if parts[0][1] is None:
        return counts, None
    sums = {key: sum(p[1][key] for p in parts) for key in parts[0][1]}
    return counts, sums


def _count_kwargs(columns):
    return {
        "true": columns.true,
        "pred": columns.pred,
        "group": columns.group,
        "proba": columns.proba,
        "proba_classes": columns.proba_classes,
    }


def count_pandas(path, fmt, columns):
    """Read the columns with pandas and count them; ``(result, engine, blocks)``."""
    frame = read_pandas(path, fmt, columns)
    try:
        result = merge_counts([count_frame(None, frame, **_count_kwargs(columns))])
    except ValueError as exc:
        raise UserError(one_line(exc)) from None
    return result, "pandas", 1


def count_dask(path, fmt, columns, scheduler):
    """Read the columns with Dask and count them block by block on ``scheduler``
    (an address, ``"local"``, or None for local threads)."""
    reason = "--scheduler" if scheduler else "data larger than --memory-budget"
    dask, dataframe = import_dask_dataframe(reason)
    with (
        DaskScheduler(scheduler) as cluster,
        dask.config.set(scheduler=cluster.scheduler),
    ):
        try:
            frame = read_dask(dataframe, path, fmt, columns)
            result = reduce_blocks(
                count_frame, merge_counts, {"frame": frame}, **_count_kwargs(columns)
            )
        except ModuleNotFoundError as exc:
            raise UserError(
                f"the Dask workers cannot import {exc.name!r}; install skclassgap "
                "on every worker"
            ) from None
        except (ValueError, TypeError, OSError) as exc:
            raise UserError(one_line(exc)) from None
        return result, cluster.describe(), frame.npartitions
