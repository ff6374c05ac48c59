"""Last stage: the kept rows of every block, as lazy collections of the input's kind.

A :class:`Selection` lists the output blocks: for each, the input block it
takes rows from, a function giving those rows (local indices, in output
order) from the block's labels, and their number, known in advance. Each
output block of ``X``, of ``y`` and of ``sample_indices_`` is computed on a
worker from its input block; nothing of the rows passes through this
process, and the sizes being known, a Dask array comes back with known
chunks.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.utils import check_array

from skclassgap.utils._dask import check_block_lengths, import_dask


class Selection(NamedTuple):
    """The output blocks, in order: ``sources[t]`` is the input block output
    block ``t`` takes rows from, ``selectors[t](index, y_block)`` gives them
    (int64 local indices, in output order) and ``sizes[t]`` their number."""

    sources: list
    selectors: list
    sizes: np.ndarray


def _rows(selector, index, y):
    return selector(index, y)


def _take_x(index, X, n_rows, rows, numeric):
    """Rows ``rows`` of a block of ``X``; an object array becomes float64 when
    ``numeric`` (as the in-memory check converts it).

    ``n_rows`` is the length of the block of ``y``, from the census: taking
    the block itself would keep it in a worker's memory until this block of
    ``X`` is computed, and a scheduler that runs the cheap label tasks
    (``sample_indices_``, counts of ``y``) ahead of ``X`` then holds the
    label blocks of a whole worker's share of the data.
    """
    check_block_lengths(index, X=X, y=range(n_rows))
    if isinstance(X, pd.DataFrame):
        return X.iloc[rows]
    X = np.asarray(X)
    if numeric and X.dtype.kind == "O":
        X = check_array(
            X, dtype="numeric", ensure_min_samples=0, ensure_all_finite=False
        )
    return X[rows]


def _take_y(y, rows, X_rows=None):
    """Rows ``rows`` of a block of ``y``; a Series takes the index of the
    rows of a DataFrame ``X`` (as in memory), passed only then, so that a
    block of ``y`` otherwise waits for no block of ``X``."""
    if isinstance(y, pd.Series | pd.DataFrame):
        out = y.iloc[rows]
        if isinstance(X_rows, pd.DataFrame):
            out.index = X_rows.index
        return out
    return np.asarray(y)[rows]


def _global(rows, offset):
    return rows + offset


def _array_dtype(X, numeric):
    return np.dtype(np.float64) if numeric and X.dtype.kind == "O" else X.dtype


def output(X, y, census, selection, *, numeric):
    """The resampled ``X`` and ``y`` and the lazy ``sample_indices_``.

    Parameters
    ----------
    X, y : Dask collections
        The input, as passed to ``fit_resample``.
    census : BlockCensus
        Its lined-up blocks and their first global rows.
    selection : Selection
        The output blocks.
    numeric : bool
        Whether ``X`` is read as numbers (the neighbour-based samplers):
        an object array then comes back as float64, as in memory.

    Returns
    -------
    X_resampled, y_resampled : Dask collections of the input's kinds
    sample_indices : dask.array.Array of int64
        Input row of each output row, with the output's blocks.
    """
    dask, da, dd = import_dask("X or y")
    delayed = dask.delayed
    x_blocks, y_blocks = census.blocks["X"], census.blocks["y"]
    rows, new_x, new_y, indices = [], [], [], []
    for source, selector in zip(selection.sources, selection.selectors, strict=True):
        kept = delayed(_rows, pure=True)(selector, source, y_blocks[source])
        x_part = delayed(_take_x, pure=True)(
            source, x_blocks[source], int(census.lengths[source]), kept, numeric
        )
        rows.append(kept)
        new_x.append(x_part)
        index_from = x_part if isinstance(X, dd.DataFrame) else None
        new_y.append(delayed(_take_y, pure=True)(y_blocks[source], kept, index_from))
        indices.append(delayed(_global, pure=True)(kept, int(census.offsets[source])))
    sizes = [int(n) for n in selection.sizes]
    sample_indices = _concat_arrays(
        da,
        [
            da.from_delayed(part, shape=(n,), dtype=np.int64)
            for part, n in zip(indices, sizes, strict=True)
        ],
        (0,),
        np.int64,
    )
    if isinstance(X, dd.DataFrame):
        X_out = dd.from_delayed(new_x, meta=X._meta, verify_meta=False)
    else:
        dtype = _array_dtype(X, numeric)
        X_out = _concat_arrays(
            da,
            [
                da.from_delayed(part, shape=(n, X.shape[1]), dtype=dtype)
                for part, n in zip(new_x, sizes, strict=True)
            ],
            (0, X.shape[1]),
            dtype,
        )
    if isinstance(y, dd.Series):
        y_out = dd.from_delayed(new_y, meta=y._meta, verify_meta=False)
    else:
        dtype = np.dtype(y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype)
        y_out = _concat_arrays(
            da,
            [
                da.from_delayed(part, shape=(n,), dtype=dtype)
                for part, n in zip(new_y, sizes, strict=True)
            ],
            (0,),
            dtype,
        )
    return X_out, y_out, sample_indices


def _concat_arrays(da, parts, empty_shape, dtype):
    if not parts:
        return da.zeros(empty_shape, dtype=dtype)
    return da.concatenate(parts) if len(parts) > 1 else parts[0]
