"""What every stage does with one block, and how objects reach many tasks.

A block of ``y`` is read as a 1-d array of labels (a NaN label refused with
the block's position), a block of a numeric ``X`` as the in-memory samplers
validate it. Large objects that many tasks read (the gathered rows) are
scattered once to the workers of a ``distributed`` cluster, or wrapped once
in the graph otherwise.
"""

import numpy as np
import pandas as pd
from sklearn.utils import check_array

from skclassgap.over_sampling._table import NUMBERS_ONLY, _continuous_block


def label_values(y, index):
    """A block of labels as a 1-d array, NaN refused with the block's position."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"y must be 1-dimensional; got a DataFrame with {y.shape[1]} columns."
            )
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        missing = y.isna().to_numpy()
        values = y.to_numpy(dtype=object) if missing.any() else y.to_numpy()
    else:
        values = np.asarray(y)
        if values.ndim != 1:
            raise ValueError(
                f"y must be 1-dimensional (one label per sample); got a block of "
                f"shape {values.shape}."
            )
        missing = pd.isna(values) if values.dtype.kind in "fO" else None
    if missing is not None and np.any(missing):
        raise ValueError(
            f"y contains NaN in block {index} (at row {int(np.argmax(missing))} of "
            "the block); labels cannot be missing. Drop or label those rows first."
        )
    if values.dtype.kind == "O":
        try:
            values = np.asarray(values.tolist())
        except (TypeError, ValueError):
            pass
    return values


def numeric_block(X, index):
    """A block of ``X`` as the in-memory samplers validate it (float, finite).

    A DataFrame block becomes the float block of its columns as in memory
    (float32 only when every column is float32).
    """
    if isinstance(X, pd.DataFrame):
        try:
            return _continuous_block(X, np.arange(X.shape[1]), NUMBERS_ONLY)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{exc} (in block {index} of X)") from None
    try:
        X = check_array(
            X,
            accept_sparse=False,
            dtype="numeric",
            ensure_min_samples=0,
            ensure_2d=True,
            input_name="X",
        )
    except ValueError as exc:
        raise ValueError(f"{exc} (in block {index} of X)") from None
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    return X


def _active_client(dask):
    """The ``distributed.Client`` that computes Dask's graphs now, or None."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        client = default_client()
    except ValueError:
        return None
    return client if dask.base.get_scheduler() == client.get else None


def share(dask, objects):
    """Objects for many tasks: scattered to the cluster's workers when a
    distributed client computes (large graphs are slow to send and warned
    about), else wrapped once in the graph."""
    client = _active_client(dask)
    if client is not None:
        return client.scatter(list(objects), hash=True)
    return [dask.delayed(obj, pure=True) for obj in objects]
