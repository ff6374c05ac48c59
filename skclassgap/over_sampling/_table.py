"""The samplers' input as a table: one float block to compute on, the dtypes out.

A :class:`Table` holds the input (a pandas DataFrame, a 2-d NumPy array, or a
sparse matrix of a non-float dtype) with its continuous columns as one float
block and its categorical columns as integer codes (``pandas.factorize``, or a
category column's own codes) plus what turns codes back into values. Nothing
grows with the number of levels beyond one array of levels per column.

Every sampler computes on float values and gives its output back in the
input's format and dtypes (:func:`assemble`), by one rule for every sampler
and every input kind:

- the input rows come back unchanged (copied from the input, never through
  floats), followed by the synthetic rows;
- a NumPy array, a sparse matrix and every column of a DataFrame keep their
  dtype: float32 stays float32, float64 stays float64, an integer (NumPy or
  nullable pandas ``Int64``...) stays integer, a boolean stays boolean, a
  category or text column keeps its dtype and levels;
- the synthetic values of an integer column are rounded to the nearest
  integer by :func:`numpy.rint` (a half goes to the even integer: 2.5 -> 2,
  3.5 -> 4) and clipped to the dtype's range (an interpolated value never
  leaves it; a Gaussian draw may); a boolean column counts as 0/1 and is True
  where the value rounds to 1 (above one half).

The float block holds float32 only when every column it holds is float32,
float64 otherwise (integers and booleans count as float64), for every
sampler alike, so that samplers that share a computation (SMOTE-NC without
categorical column and SMOTE) give the same rows bit for bit.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils import check_array

# What ``pandas.api.types.infer_dtype`` says of an object column of numbers.
_NUMBER_KINDS = frozenset(
    {"integer", "floating", "mixed-integer-float", "decimal", "empty"}
)
_NO_COLUMNS = np.zeros(0, dtype=np.int64)
# The end of the error for a non-numeric column, which names the fix: only the
# mixed samplers have categorical_features.
NOT_CATEGORICAL = (
    " but is not among the categorical features. List it in categorical_features "
    "or convert it to numbers."
)
NUMBERS_ONLY = (
    "; this sampler takes numbers only. Convert it to numbers, or use SMOTENC or "
    "GaussianOverSampler, which take categorical columns."
)


class _Categories(NamedTuple):
    """Levels of a category column: its dtype and the category codes in use."""

    dtype: pd.CategoricalDtype
    used: np.ndarray

    def __len__(self):
        return len(self.used)


class Table(NamedTuple):
    """A validated input whose output is not its float block as it stands.

    ``source`` is the input (a DataFrame, a 2-d ndarray, or a CSR matrix of a
    non-float dtype), ``categorical`` and ``continuous`` the column indices of
    each kind, ``values`` the continuous columns as a C-contiguous
    float32/float64 block (float32 only when every continuous column is
    float32; a float CSR matrix for sparse input), ``codes`` the categorical
    columns as int32 codes (``codes[i, f]`` indexes ``levels[f]``),
    ``levels`` per categorical column the values of its codes (for a category
    column, its dtype and the category codes in use: codes count used
    categories only), ``n_levels`` their counts. ``codes``/``levels``/
    ``n_levels`` are None until the categorical columns are encoded (and
    stay None for a table without categorical column). ``class_counts`` is
    None, or (for a table that holds some of the rows only: the gathered
    classes of Dask input) per categorical column the level x class counts
    over all rows.
    """

    source: object
    categorical: np.ndarray
    continuous: np.ndarray
    values: object
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


def _continuous_block(X, columns, fix=NOT_CATEGORICAL):
    """The ``columns`` of ``X`` as one float block, each checked numeric and finite.

    ``fix`` ends the error raised for a non-numeric column.
    """
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
        ) or pd.api.types.is_object_dtype(dtypes[pos])  # numbers as objects: tried
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
                f"{dtypes[pos]}){fix}"
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


def check_frame_shape(X):
    """Raise, as scikit-learn does for arrays, when a DataFrame is empty."""
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(
            f"Found array with {X.shape[0]} sample(s) and {X.shape[1]} feature(s) "
            f"(shape={X.shape}) while a minimum of 1 is required."
        )


def build_table(X, categorical=_NO_COLUMNS, fix=NOT_CATEGORICAL):
    """A :class:`Table` of a DataFrame or 2-d ndarray, not encoded yet.

    The columns outside ``categorical`` are checked numeric and finite (the
    errors name the column) and gathered into the float block.
    """
    continuous = np.setdiff1d(np.arange(X.shape[1]), categorical).astype(np.int64)
    return Table(X, categorical, continuous, _continuous_block(X, continuous, fix))


def numeric_table(X, values):
    """A :class:`Table` of a validated numeric ndarray or CSR matrix ``X`` of a
    non-float dtype, whose float form is ``values``: every column continuous."""
    return Table(X, _NO_COLUMNS, np.arange(X.shape[1], dtype=np.int64), values)


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
    else:
        check_frame_shape(X)
    categorical = resolve_categorical(X, spec)
    if not is_frame(X) and len(categorical) == 0:
        return None
    _check_categorical_missing(X, categorical, sampler)
    return build_table(X, categorical)


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


def _numpy_dtype(dtype):
    return dtype if isinstance(dtype, np.dtype) else np.dtype(dtype.numpy_dtype)


def cast_synthetic(values, dtype):
    """Synthetic values (float) in ``dtype``, by the module's integer rule.

    Integers: rounded by :func:`numpy.rint` (halves to even) and clipped to
    the dtype's range; booleans: True where the value is above one half;
    other dtypes: a plain cast. A NumPy dtype gives an ndarray, a pandas
    extension dtype (``Int64``, ``boolean``, ``Float32``...) a pandas array.
    """
    if pd.api.types.is_bool_dtype(dtype):
        values = values > 0.5
    elif pd.api.types.is_integer_dtype(dtype):
        info = np.iinfo(_numpy_dtype(dtype))
        high = float(info.max)
        if high > info.max:  # 2**63 - 1 and 2**64 - 1 round up as floats
            high = np.nextafter(high, 0.0)
        values = np.clip(np.rint(values), float(info.min), high)
    if isinstance(dtype, np.dtype):
        return values.astype(dtype)
    return pd.array(values).astype(dtype)


def _object_column_dtype(column):
    """The dtype that the synthetic values of an object column of numbers take."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    return {"integer": np.dtype(np.int64), "boolean": np.dtype(bool)}.get(
        kind, np.dtype(np.float64)
    )


def cast_sparse(new_rows, dtype):
    """Synthetic sparse rows (float CSR) in ``dtype``, by the same rule (values
    that an integer dtype rounds to 0 are not stored)."""
    if not (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
        return new_rows.astype(dtype)
    out = sparse.csr_matrix(
        (cast_synthetic(new_rows.data, dtype), new_rows.indices, new_rows.indptr),
        shape=new_rows.shape,
    )
    out.eliminate_zeros()
    return out


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

    ``new_values`` (n_new, n_continuous) are the synthetic rows' continuous
    values, ``new_codes`` (n_new, n_categorical) their categorical codes
    (None: no categorical column); ``index`` labels the rows (a RangeIndex
    continuing the input's rows).
    """
    X = table.source
    kind = {int(j): ("cat", p) for p, j in enumerate(table.categorical)}
    kind.update({int(j): ("num", p) for p, j in enumerate(table.continuous)})
    columns = {}
    for j in range(X.shape[1]):
        dtype = X.dtypes.iloc[j]
        what, pos = kind[j]
        if what == "num":
            cast_to = dtype
            if pd.api.types.is_object_dtype(dtype):
                cast_to = _object_column_dtype(X.iloc[:, j])
            new = cast_synthetic(new_values[:, pos], cast_to)
        else:
            new = _category_values(table.levels[pos], new_codes[:, pos], dtype)
        columns[j] = pd.Series(new, index=index, dtype=dtype)
    out = pd.DataFrame(columns, index=index)
    out.columns = X.columns
    return out


def numeric_frame(new_values, columns, dtypes, index):
    """Synthetic rows of a DataFrame whose every column is continuous.

    ``columns`` and ``dtypes`` are the frame's; ``new_values`` hold one float
    column per column of the frame (an object column gets floats).
    """
    columns = pd.Index(columns)
    frame = pd.DataFrame(
        {
            j: pd.Series(cast_synthetic(new_values[:, j], dtype), index=index)
            for j, dtype in enumerate(dtypes)
        },
        index=index,
    )
    frame.columns = columns
    return frame


def assemble(table, new_values, new_codes):
    """The input rows followed by the synthetic rows, in the input's format.

    ``new_values`` (n_new, n_continuous) and ``new_codes`` (n_new,
    n_categorical, or None without categorical column) are the synthetic
    rows' continuous values and categorical codes. A DataFrame comes back as
    a DataFrame with the same columns and dtypes (and a fresh RangeIndex), an
    ndarray as an ndarray of its dtype: integer columns rounded; in an object
    array, a continuous column of integers (of booleans) gets integers
    (booleans), any other continuous column floats.
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
    out = np.empty((n + n_new, X.shape[1]), dtype=X.dtype)
    out[:n] = X
    if X.dtype != object:
        out[n:, table.continuous] = cast_synthetic(new_values, X.dtype)
    for pos, j in enumerate(table.continuous if X.dtype == object else ()):
        dtype = _object_column_dtype(X[:, j])
        out[n:, j] = cast_synthetic(new_values[:, pos], dtype)
    for pos, j in enumerate(table.categorical):
        out[n:, j] = np.asarray(table.levels[pos])[new_codes[:, pos]]
    return out
