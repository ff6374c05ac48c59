"""Stage 5, output: the input collections, then the synthetic rows as new blocks.

The input's blocks are left untouched. The synthetic rows, in the order of
``sampling_strategy_``, are cut into new blocks of the size of the input's
largest block; each new block is computed lazily, on a worker, from the
gathered rows (scattered once) and its slice of the provenance: parents,
neighbours and gaps (interpolated there) or the rows' own values, and the
categorical codes of a mixed table. Labels follow the same slices.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from skclassgap.over_sampling._dask._blocks import share
from skclassgap.over_sampling._interpolate import interpolate
from skclassgap.over_sampling._table import (
    Table,
    cast_synthetic,
    numeric_frame,
    synthetic_frame,
)
from skclassgap.utils._dask import import_dask

# Synthetic rows per new block when the input's blocks give no size.
NEW_BLOCK_ROWS = 100_000


class NewRows(NamedTuple):
    """The synthetic rows of every class, in output order: provenance in rows
    of the gathered table (``parents``, ``neighbors``, ``gaps``), ``values``
    and ``codes`` (or None) and ``segments`` ``(label, n_rows)`` per class."""

    parents: np.ndarray
    neighbors: np.ndarray
    gaps: np.ndarray
    values: np.ndarray | None
    codes: np.ndarray | None
    segments: list

    @classmethod
    def of(cls, done):
        """From the ``(label, Synthetic)`` pairs of the per-class loop."""
        parts = [part for _, part in done]

        def joined(field, dtype):
            return np.concatenate(
                [getattr(p, field) for p in parts] or [np.zeros(0, dtype)]
            ).astype(dtype, copy=False)

        def optional(field):
            if not parts or getattr(parts[0], field) is None:
                return None
            return np.concatenate([getattr(p, field) for p in parts])

        return cls(
            joined("parents", np.int64),
            joined("neighbors", np.int64),
            joined("gaps", np.float64),
            optional("values"),
            optional("codes"),
            [(label, len(part.parents)) for label, part in done],
        )

    def cut(self, t0, t1):
        """Provenance, values and codes of synthetic rows ``t0:t1``."""
        return tuple(None if field is None else field[t0:t1] for field in self[:5])


def global_provenance(done, rows):
    """The synthetic parts with their parents and neighbours in global rows
    (``rows`` maps a row of the gathered table to its global row)."""

    def mapped(local):
        return np.where(local >= 0, rows[local.clip(0)], -1)

    return [
        part._replace(parents=mapped(part.parents), neighbors=mapped(part.neighbors))
        for _, part in done
    ]


def _new_values(work, parents, neighbors, gaps, values, codes):
    """Continuous values (or the rows) and codes of some synthetic rows."""
    base = work.values if isinstance(work, Table) else work
    if values is not None:
        return values, codes
    new_values = np.empty((len(parents), base.shape[1]), dtype=base.dtype)
    if base.shape[1]:
        interpolate(base, parents, neighbors, gaps, new_values)
    return new_values, codes


def _new_array(work, rows_slice, dtype):
    new_values, _ = _new_values(work, *rows_slice)
    return cast_synthetic(new_values, dtype)


def _new_frame(work, rows_slice, start, columns, dtypes):
    new_values, new_codes = _new_values(work, *rows_slice)
    index = pd.RangeIndex(start, start + len(new_values))
    if isinstance(work, Table):
        if new_codes is None:
            new_codes = np.empty((len(new_values), 0), dtype=np.int32)
        return synthetic_frame(work, new_values, new_codes, index)
    return numeric_frame(new_values, columns, dtypes, index)


def _label_block(segments, t0, t1, dtype):
    values = []
    start = 0
    for label, n in segments:
        lo, hi = max(start, t0), min(start + n, t1)
        if hi > lo:
            values.append(np.full(hi - lo, label, dtype=object))
        start += n
    out = np.concatenate(values) if values else np.empty(0, dtype=object)
    if isinstance(dtype, np.dtype):
        return out.astype(dtype)
    return pd.array(out).astype(dtype)


def _new_label_series(segments, t0, t1, dtype, name, start):
    return pd.Series(
        _label_block(segments, t0, t1, dtype),
        index=pd.RangeIndex(start + t0, start + t1),
        name=name,
        dtype=dtype,
    )


def _bounds(n_new, lengths):
    """``(t0, t1)`` of each new block: as many rows as the largest input block."""
    step = int(lengths.max()) if len(lengths) and lengths.max() > 0 else NEW_BLOCK_ROWS
    return [(t, min(t + step, n_new)) for t in range(0, n_new, step)]


def _array_dtype(X):
    """The output's dtype, as in memory: the input's (object arrays: float64)."""
    return X.dtype if X.dtype.kind in "biuf" else np.dtype(np.float64)


def _x_blocks(X, work, new, bounds, n_samples):
    """One lazy block of synthetic rows of ``X`` per ``bounds`` entry."""
    dask, da, dd = import_dask("X or y")
    (shared,) = share(dask, [work])
    slices = share(dask, [new.cut(t0, t1) for t0, t1 in bounds])
    if isinstance(X, dd.DataFrame):
        task = dask.delayed(_new_frame, pure=True)
        columns = list(X.columns)
        return [
            task(shared, part, n_samples + t0, columns, X.dtypes)
            for (t0, _), part in zip(bounds, slices, strict=True)
        ]
    task = dask.delayed(_new_array, pure=True)
    dtype = _array_dtype(X)
    return [
        da.from_delayed(
            task(shared, part, dtype), shape=(t1 - t0, X.shape[1]), dtype=dtype
        )
        for (t0, t1), part in zip(bounds, slices, strict=True)
    ]


def _x_output(X, new_x):
    _, da, dd = import_dask("X or y")
    if isinstance(X, dd.DataFrame):
        return dd.concat([X, dd.from_delayed(new_x, meta=X._meta)]) if new_x else X
    dtype = _array_dtype(X)
    base = X if X.dtype == dtype else X.astype(dtype)
    if not new_x:
        return base
    return da.concatenate([base, da.concatenate(new_x).rechunk({1: base.chunks[1]})])


def _y_blocks(y, segments, bounds, n_samples):
    """One lazy block of synthetic labels per ``bounds`` entry."""
    dask, da, dd = import_dask("X or y")
    if isinstance(y, dd.Series):
        task = dask.delayed(_new_label_series, pure=True)
        return [task(segments, t0, t1, y.dtype, y.name, n_samples) for t0, t1 in bounds]
    dtype = np.dtype(y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype)
    task = dask.delayed(_label_block, pure=True)
    return [
        da.from_delayed(task(segments, t0, t1, dtype), shape=(t1 - t0,), dtype=dtype)
        for t0, t1 in bounds
    ]


def _y_output(y, X, new_y, lengths):
    _, da, dd = import_dask("X or y")
    if isinstance(y, dd.Series):
        return dd.concat([y, dd.from_delayed(new_y, meta=y._meta)]) if new_y else y
    if isinstance(y, da.Array):
        same = (
            isinstance(X, dd.DataFrame)
            or np.isnan(X.chunks[0]).any()
            or y.chunks[0] == X.chunks[0]
        )
        y_base = y if same else y.rechunk({0: X.chunks[0]})
    else:  # in memory: cut along X's blocks (known sizes, see aligned_blocks)
        y_base = da.from_array(np.asarray(y), chunks=(tuple(lengths),))
    return da.concatenate([y_base, *new_y]) if new_y else y_base


def output(X, y, work, done, lengths):
    """The resampled ``X`` and ``y``: the inputs, then the synthetic rows.

    Parameters
    ----------
    X, y : Dask collections
        The input, as passed to ``fit_resample``.
    work : ndarray or Table
        The rows the per-class loop ran on (provenance indexes them).
    done : list of (label, Synthetic)
        The synthetic rows of each class, in output order.
    lengths : int64 ndarray
        Rows of each input block.

    Returns
    -------
    X_resampled, y_resampled : Dask collections of the input's kinds
    """
    new = NewRows.of(done)
    n_samples = int(lengths.sum())
    bounds = _bounds(len(new.parents), lengths)
    new_x = _x_blocks(X, work, new, bounds, n_samples)
    new_y = _y_blocks(y, new.segments, bounds, n_samples)
    return _x_output(X, new_x), _y_output(y, X, new_y, lengths)
