"""Class moments and the balancing map on Dask input.

Moments: every block of rows gets its own moments object (a fresh
:class:`~skclassgap.spectral.ClassMoments` filled by its in-memory
``partial_fit``: the same chunked kernels as in memory), and the per-block
moments are merged by a tree reduction; only ``n_classes x n_features x
n_features`` statistics travel, never rows. The balancing map is applied
block by block and stays lazy.

This module sits below the public entry points, which dispatch to it on Dask
input: ``ClassMoments.partial_fit`` passes its own class in (the in-memory
core and the public method are one class), and ``SpectralBalancer`` the map
of :mod:`skclassgap.spectral._affine`. Dask itself is imported when Dask input
has arrived.
"""

import numpy as np
import pandas as pd

from skclassgap._compat import _num_features
from skclassgap.spectral._affine import affine_map
from skclassgap.utils._dask import (
    check_block_lengths,
    feature_frame,
    import_dask,
    reduce_blocks,
)


def _block_moments(index, X, y, empty):
    if check_block_lengths(index, X=X, y=y) == 0:
        return None
    return empty().partial_fit(X, y)


def _merge_moments(parts):
    """Merge per-block moments into a new object (the inputs are left as they are)."""
    merged = None
    for part in parts:
        if part is None:
            continue
        merged = type(part)().merge(part) if merged is None else merged.merge(part)
    return merged


def dask_moments(X, y, empty, *, n_features=None):
    """Per-class moments of Dask ``X`` and ``y``, from per-block moments.

    Parameters
    ----------
    X : Dask array of shape (n_samples, n_features) or Dask DataFrame
        Features.
    y : Dask array or Series of shape (n_samples,), or array-like
        Labels, split into the same blocks as ``X`` (see
        :func:`~skclassgap.utils._dask.aligned_blocks`).
    empty : callable
        Returns an empty moments object (with ``partial_fit`` and ``merge``,
        e.g. ``functools.partial(ClassMoments, chunk_size=1000)``); each
        block is fitted into one.
    n_features : int, default=None
        Number of features ``X`` must have (checked before anything is
        computed).

    Returns
    -------
    moments : ClassMoments
        The moments of all rows.
    """
    d = _num_features(feature_frame(X))
    if n_features is not None and d != n_features:
        raise ValueError(
            f"X has {d} features, but these moments were built on {n_features} "
            "features."
        )
    moments = reduce_blocks(
        _block_moments, _merge_moments, {"X": X, "y": y}, empty=empty
    )
    if moments is None:
        raise ValueError(
            "X and y hold no rows (every block is empty); need at least one sample."
        )
    return moments


def _output_dtype(X, dd):
    """The floating dtype ``check_array(..., dtype=[float64, float32])`` gives."""
    dtypes = list(X.dtypes) if isinstance(X, dd.DataFrame) else [X.dtype]
    if all(np.dtype(t) == np.float32 for t in dtypes):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _affine_frame(frame, W, before, after, columns):
    out = affine_map(frame, W, before, after)
    return pd.DataFrame(out, index=frame.index, columns=columns)


def dask_affine_map(X, W, before=None, after=None):
    """Lazy :func:`affine_map` of a Dask array (one block of columns) or DataFrame.

    A Dask DataFrame gives a Dask DataFrame with the same index and column
    names (``W`` must be square); a Dask array gives a Dask array with the
    same row blocks.
    """
    _, da, dd = import_dask("X")
    dtype = _output_dtype(X, dd)
    if isinstance(X, dd.DataFrame):
        columns = list(X.columns)
        meta = pd.DataFrame(
            {c: np.empty(0, dtype=dtype) for c in columns}, columns=columns
        )
        return X.map_partitions(
            _affine_frame, W, before, after, columns, meta=meta, align_dataframes=False
        )
    if not isinstance(X, da.Array) or X.ndim != 2:
        raise ValueError(
            "X must be a 2-dimensional Dask array or a Dask DataFrame; got "
            f"{type(X).__name__} of shape {X.shape}."
        )
    X = X.rechunk({1: -1})
    return X.map_blocks(
        affine_map,
        W,
        before,
        after,
        dtype=dtype,
        chunks=(X.chunks[0], (W.shape[1],)),
    )
