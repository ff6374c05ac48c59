"""Mixed tables for the samplers: categorical columns found, checked, coded, rebuilt.

A :class:`Table` holds the input (a pandas DataFrame or a 2-d NumPy array)
with its continuous columns as one float block and its categorical columns as
integer codes (``pandas.factorize``, or a category column's own codes) plus
what turns codes back into values. Nothing grows with the number of levels
beyond one array of levels per column. :func:`assemble` rebuilds the output
column by column in the input's dtypes: a category column stays category with
the same categories, strings stay strings, bools stay bools; an integer
continuous column gets its interpolated values rounded to the nearest integer.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.utils import check_array

# What ``pandas.api.types.infer_dtype`` says of an object column of numbers.
_NUMBER_KINDS = frozenset(
    {"integer", "floating", "mixed-integer-float", "decimal", "empty"}
)


class _Categories(NamedTuple):
    """Levels of a category column: its dtype and the category codes in use."""

    dtype: pd.CategoricalDtype
    used: np.ndarray

    def __len__(self):
        return len(self.used)


class Table(NamedTuple):
    """A validated mixed table.

    ``source`` is the input (DataFrame or 2-d ndarray), ``categorical`` and
    ``continuous`` the column indices of each kind, ``values`` the continuous
    columns as a C-contiguous float32/float64 block (float32 only when every
    continuous column is float32), ``codes`` the categorical columns as int32
    codes (``codes[i, f]`` indexes ``levels[f]``), ``levels`` per categorical
    column the values of its codes (for a category column, its dtype and the
    category codes in use: codes count used categories only), ``n_levels``
    their counts. ``codes``/``levels``/``n_levels`` are
    None until :func:`encode`. ``class_counts`` is None, or (for a table
    that holds some of the rows only: the gathered classes of Dask input)
    per categorical column the level x class counts over all rows.
    """

    source: object
    categorical: np.ndarray
    continuous: np.ndarray
    values: np.ndarray
    codes: np.ndarray | None = None
    levels: list | None = None
    n_levels: np.ndarray | None = None
    class_counts: list | None = None


def is_frame(X):
    """Whether ``X`` is a pandas DataFrame."""
    return isinstance(X, pd.DataFrame)


def column_name(X, j):
    """How messages name column ``j``: ``'color'`` or ``column 3``."""
    if is_frame(X):
        return f"column {X.columns[j]!r}"
    return f"column {j}"


def _frame_is_categorical(dtype):
    return (
        isinstance(dtype, pd.CategoricalDtype | pd.StringDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
    )


def _auto_categorical(X):
    """Columns that ``categorical_features="auto"`` treats as categorical."""
    if is_frame(X):
        return np.flatnonzero([_frame_is_categorical(t) for t in X.dtypes])
    if X.dtype.kind in "USb":
        return np.arange(X.shape[1])
    if X.dtype.kind != "O":
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(
        [
            pd.api.types.infer_dtype(X[:, j], skipna=True) not in _NUMBER_KINDS
            for j in range(X.shape[1])
        ]
    )


def resolve_categorical(X, spec):
    """Indices (sorted int64) of the categorical columns named by ``spec``.

    ``spec`` is ``"auto"``, ``"all"``, or an array-like of column indices,
    column names or a boolean mask.
    """
    n_features = X.shape[1]
    if isinstance(spec, str) and spec == "all":
        return np.arange(n_features, dtype=np.int64)
    if isinstance(spec, str) and spec == "auto":
        return np.asarray(_auto_categorical(X), dtype=np.int64)
    items = np.asarray(spec)
    if items.ndim != 1:
        raise ValueError(
            "categorical_features must be 'auto' or a 1-d list of column indices, "
            f"column names or a boolean mask; got an array of shape {items.shape}."
        )
    if items.size == 0:
        return np.zeros(0, dtype=np.int64)
    if items.dtype.kind == "b":
        if items.size != n_features:
            raise ValueError(
                f"categorical_features is a boolean mask of length {items.size}, "
                f"but X has {n_features} columns; pass one entry per column."
            )
        return np.flatnonzero(items).astype(np.int64)
    if items.dtype.kind in "iu":
        bad = [int(i) for i in items if not -n_features <= i < n_features]
        if bad:
            raise ValueError(
                f"categorical_features holds column indices {bad!r} outside X, "
                f"which has {n_features} columns (valid indices {-n_features} to "
                f"{n_features - 1})."
            )
        return np.unique(np.where(items < 0, items + n_features, items)).astype(
            np.int64
        )
    if all(isinstance(i, str) for i in items.tolist()):
        if not is_frame(X):
            raise ValueError(
                "categorical_features holds column names "
                f"{items.tolist()!r}, but X is a {type(X).__name__} without column "
                "names; pass a DataFrame or column indices."
            )
        names = list(X.columns)
        missing = [i for i in items.tolist() if i not in names]
        if missing:
            raise ValueError(
                f"categorical_features names columns that X does not have: "
                f"{missing!r}; X has columns {names!r}."
            )
        return np.unique([names.index(i) for i in items.tolist()]).astype(np.int64)
    raise ValueError(
        "categorical_features must hold column indices, column names or a boolean "
        f"mask; got {items.tolist()!r}."
    )


def as_array(X):
    """A non-DataFrame input as a validated 2-d ndarray (dtype kept).

    Lists holding strings become object arrays, so that numbers stay numbers.
    """
    if not isinstance(X, np.ndarray) and not hasattr(X, "__array__"):
        arr = np.asarray(X)
        if arr.dtype.kind in "US":
            X = np.asarray(X, dtype=object)
    return check_array(X, dtype=None, ensure_all_finite=False, accept_sparse=False)


def _continuous_block(X, columns):
    """The continuous columns as one float block, each checked numeric and finite."""
    frame = is_frame(X)
    dtypes = [X.dtypes.iloc[j] if frame else X.dtype for j in columns]
    dtype = (
        np.float32
        if len(columns) and all(t == np.float32 for t in dtypes)
        else np.float64
    )
    block = np.empty((X.shape[0], len(columns)), dtype=dtype)
    for pos, j in enumerate(columns):
        column = X.iloc[:, j] if frame else X[:, j]
        numeric = (
            pd.api.types.is_numeric_dtype(dtypes[pos])
            and not pd.api.types.is_complex_dtype(dtypes[pos])
        ) or (not frame and X.dtype == object)
        try:
            if not numeric:
                raise TypeError
            if frame:
                block[:, pos] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                block[:, pos] = np.asarray(column, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{column_name(X, j)} holds non-numeric values (dtype "
                f"{dtypes[pos]}) but is not among the categorical features. List it "
                "in categorical_features or convert it to numbers."
            ) from None
        bad = ~np.isfinite(block[:, pos])
        if bad.any():
            what = "NaN" if np.isnan(block[:, pos]).any() else "infinity"
            raise ValueError(
                f"Input X contains {what} in continuous {column_name(X, j)} (first "
                f"at row {int(np.argmax(bad))}). Impute missing values (e.g. "
                "sklearn.impute.SimpleImputer) before resampling."
            )
    return block


def _check_categorical_missing(X, columns, sampler):
    """Raise, naming the column, if a categorical column holds NaN (or infinity)."""
    frame = is_frame(X)
    for j in columns:
        column = X.iloc[:, j] if frame else X[:, j]
        missing = np.asarray(pd.isna(column), dtype=bool)
        what = "NaN"
        if not missing.any() and not frame and X.dtype.kind == "f":
            missing = np.isinf(column)
            what = "infinity"
        if missing.any():
            raise ValueError(
                f"Input X contains {what} in categorical {column_name(X, j)} (first "
                f"at row {int(np.argmax(missing))}); {sampler} only gives synthetic "
                "rows levels that the column has, and a missing value is none. "
                "Fill it first, e.g. with a level of its own ('missing')."
            )


def check_table(X, spec, sampler):
    """Validate ``X`` for a mixed sampler; None for an array without categorical
    column (the caller then validates it as plain numeric data, as SMOTE does).

    Checks that named categorical columns exist, that continuous columns are
    numeric and finite and that categorical columns hold no missing value; the
    errors name the column. Nothing is encoded yet (see :func:`encode`).
    """
    if not is_frame(X):
        X = as_array(X)
    elif X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(
            f"Found array with {X.shape[0]} sample(s) and {X.shape[1]} feature(s) "
            "(shape=" + str(X.shape) + ") while a minimum of 1 is required."
        )
    categorical = resolve_categorical(X, spec)
    if not is_frame(X) and len(categorical) == 0:
        return None
    continuous = np.setdiff1d(np.arange(X.shape[1]), categorical).astype(np.int64)
    _check_categorical_missing(X, categorical, sampler)
    return Table(X, categorical, continuous, _continuous_block(X, continuous))


def _is_number_levels(levels):
    kind = getattr(getattr(levels, "dtype", None), "kind", "O")
    if kind in "biuf":
        return True
    return pd.api.types.infer_dtype(np.asarray(levels, dtype=object)) in _NUMBER_KINDS


def encode(table, sampler):
    """Fill in the categorical codes and levels of ``table``.

    Raises when every column of the table is an identifier: a non-numeric
    categorical column with a distinct value on every row (row keys, names).
    """
    X = table.source
    frame = is_frame(X)
    n = X.shape[0]
    codes = np.empty((n, len(table.categorical)), dtype=np.int32)
    levels, identifiers = [], []
    for pos, j in enumerate(table.categorical):
        column = X.iloc[:, j] if frame else X[:, j]
        if frame and isinstance(column.dtype, pd.CategoricalDtype):
            # Codes of the used categories only (in category order): declared
            # but unused categories cost nothing.
            used_codes, codes[:, pos] = np.unique(
                column.cat.codes.to_numpy(), return_inverse=True
            )
            levels.append(_Categories(column.dtype, used_codes))
            used = len(used_codes)
            is_number = _is_number_levels(column.dtype.categories)
        else:
            try:
                col_codes, uniques = pd.factorize(column.array if frame else column)
            except TypeError as exc:
                raise TypeError(
                    f"categorical {column_name(X, j)} holds a value that cannot be "
                    f"a category ({exc}); categories must be hashable (numbers, "
                    "strings, bools)."
                ) from None
            codes[:, pos] = col_codes
            levels.append(uniques)
            used = len(uniques)
            is_number = _is_number_levels(uniques)
        if used == n and n > 1 and not is_number:
            identifiers.append(j)
    refuse_identifiers(X, identifiers, sampler)
    n_levels = np.array([len(t) for t in levels], dtype=np.int64)
    return table._replace(codes=codes, levels=levels, n_levels=n_levels)


def refuse_identifiers(X, identifiers, sampler):
    """Raise when the ``identifiers`` (a distinct non-numeric value on every
    row) are every column of ``X``."""
    if len(identifiers) == X.shape[1]:
        names = [column_name(X, j) for j in identifiers]
        raise ValueError(
            f"every column of X is an identifier (a distinct non-numeric value on "
            f"every row): {', '.join(names)}. {sampler} finds neighbours and "
            "majority values through values that rows share, which identifiers do "
            "not have. Drop identifier columns before resampling."
        )


def _cast_continuous(values, dtype):
    """Synthetic continuous values in a column's dtype (integers rounded)."""
    integral = pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    values = np.rint(values) if integral else values
    if isinstance(dtype, np.dtype):
        return values.astype(dtype)
    return pd.array(values.astype(np.float64)).astype(dtype)


def _category_values(levels, codes, dtype):
    """Values of ``codes`` in a column of ``dtype`` (``levels`` from encode)."""
    if isinstance(levels, _Categories):
        return pd.Categorical.from_codes(levels.used[codes], dtype=levels.dtype)
    taken = levels.take(codes)
    if isinstance(dtype, np.dtype):
        return np.asarray(taken, dtype=dtype)
    return pd.array(taken).astype(dtype)


def synthetic_frame(table, new_values, new_codes, index):
    """The synthetic rows of a DataFrame table, in its columns and dtypes.

    ``index`` labels the rows (a RangeIndex continuing the input's rows).
    """
    X = table.source
    kind = {int(j): ("cat", p) for p, j in enumerate(table.categorical)}
    kind.update({int(j): ("num", p) for p, j in enumerate(table.continuous)})
    columns = {}
    for j in range(X.shape[1]):
        dtype = X.dtypes.iloc[j]
        what, pos = kind[j]
        if what == "num":
            new = _cast_continuous(new_values[:, pos], dtype)
        else:
            new = _category_values(table.levels[pos], new_codes[:, pos], dtype)
        columns[j] = pd.Series(new, index=index, dtype=dtype)
    out = pd.DataFrame(columns, index=index)
    out.columns = X.columns
    return out


def assemble(table, new_values, new_codes):
    """The input rows followed by the synthetic rows, in the input's format.

    ``new_values`` (n_new, n_continuous) and ``new_codes`` (n_new,
    n_categorical) are the synthetic rows' continuous values and categorical
    codes. A DataFrame comes back as a DataFrame with the same columns and
    dtypes (and a fresh RangeIndex); an ndarray as an ndarray of its dtype
    (object and string arrays), or of float32/float64 for numeric arrays.
    """
    X = table.source
    n, n_new = X.shape[0], new_values.shape[0]
    if is_frame(X):
        new = synthetic_frame(table, new_values, new_codes, pd.RangeIndex(n, n + n_new))
        columns = {}
        for j in range(X.shape[1]):
            column = X.iloc[:, j].reset_index(drop=True)
            columns[j] = pd.concat([column, new.iloc[:, j]]) if n_new else column
        out = pd.DataFrame(columns)
        out.columns = X.columns
        return out
    if X.dtype.kind in "OUS":
        dtype = X.dtype
    else:
        dtype = np.float32 if X.dtype == np.float32 else np.float64
    out = np.empty((n + n_new, X.shape[1]), dtype=dtype)
    out[:n] = X
    out[n:, table.continuous] = new_values
    for pos, j in enumerate(table.categorical):
        out[n:, j] = np.asarray(table.levels[pos])[new_codes[:, pos]]
    return out
