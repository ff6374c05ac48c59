"""Encode pairs of label arrays to integer codes, once, before any kernel runs.

Integer and boolean labels in a small range are not copied at all: their codes
are ``value - offset``, and the kernel subtracts the offset on the fly. Other
labels (strings, objects, wide-range integers) go through ``pandas.factorize``
(hashing, O(n)); pandas categoricals with shared categories use their codes.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from skclassgap._kernels.confusion import _pair_min_max
from skclassgap._kernels.labels import _factorize_rows

# Largest code range the offset path accepts: the kernel allocates a
# ``_MAX_DENSE_RANGE ** 2`` count matrix (8 MiB of int64 at 1024).
_MAX_DENSE_RANGE = 1024
# Width of the guessed range around the first label (``guess=True``): most
# integer labels are small and close together, so one counting pass that
# checks the range replaces a min/max pass plus a counting pass.
_GUESS_RANGE = 128


class LabelCodes(NamedTuple):
    """Integer codes of a pair of label arrays.

    ``codes_true - offset`` and ``codes_pred - offset`` lie in
    ``[0, len(values))``; ``values[c]`` is the label of code ``c``. Some values
    may be absent from both arrays (the offset path spans a whole range).
    When ``guessed`` is True the range is a guess that a range-checking
    kernel must confirm; if it does not, encode again with ``guess=False``.
    """

    values: np.ndarray
    codes_true: np.ndarray
    codes_pred: np.ndarray
    offset: int
    guessed: bool = False


def _as_label_array(y, name):
    """Return a 1-d NumPy array or a pandas Categorical for labels ``y``."""
    if isinstance(y, (pd.Series, pd.Index)) and isinstance(
        y.dtype, pd.CategoricalDtype
    ):
        return pd.Categorical(y)
    if isinstance(y, pd.Categorical):
        return y
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"{name} must be 1-dimensional; got a DataFrame with {y.shape[1]} "
                "columns."
            )
        y = y.iloc[:, 0]
        return _as_label_array(y, name)
    if isinstance(y, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        dtype = y.dtype
        if isinstance(dtype, np.dtype):
            y = y.to_numpy()
        elif getattr(dtype, "kind", "O") in "iufb" and not y.isna().any():
            y = y.to_numpy(dtype=dtype.numpy_dtype)
        else:
            # Strings (pandas' "str"/arrow dtypes) and nullable types with NA:
            # pandas factorizes these natively, without Python objects.
            return pd.Series(y, copy=False).reset_index(drop=True)
    if isinstance(y, (str, bytes)) or np.isscalar(y):
        raise TypeError(
            f"{name} must be an array-like of labels; got {type(y).__name__} {y!r}."
        )
    raw = y
    y = np.asarray(y)
    if y.dtype.kind in "US" and isinstance(raw, (list, tuple)):
        # NumPy turns [1, "a"] into strings: keep objects so the mix is reported.
        if any(not isinstance(v, (str, bytes)) for v in raw):
            y = np.asarray(raw, dtype=object)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be 1-dimensional (one label per sample); got an array of "
            f"shape {y.shape}. Multilabel and multioutput targets are not supported."
        )
    return y


def _check_float_labels(y, name):
    """Reject NaN/inf and non-integral floats (continuous targets)."""
    if y.size == 0:
        return
    lo, hi = y.min(), y.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        if np.isnan(lo) or np.isnan(hi):
            raise ValueError(f"{name} contains NaN; labels cannot be missing.")
        raise ValueError(f"{name} contains infinity; labels must be finite.")
    fractional = y != np.floor(y)
    if fractional.any():
        example = y[np.argmax(fractional)].item()
        raise ValueError(
            f"{name} holds continuous values (e.g. {example!r}); classification "
            "metrics need discrete class labels."
        )


def _kind(y):
    if isinstance(y, pd.Categorical):
        return "categorical"
    if isinstance(y, pd.Series):
        return "object"
    if y.dtype.kind in "iub":
        return "integer"
    if y.dtype.kind == "f":
        return "float"
    if y.dtype.kind in "USO":
        return "object"
    raise TypeError(
        f"labels of dtype {y.dtype} are not supported; use integers, strings, "
        "booleans or a pandas categorical."
    )


def _integer_view(y):
    if y.dtype.kind == "b":
        return y.view(np.uint8)
    if y.dtype == np.uint64:
        return y.astype(np.int64)
    return y


def encode_label_pair(y_true, y_pred, names=("y_true", "y_pred"), *, guess=False):
    """Validate two label arrays of equal length and encode them jointly.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Labels: integers, booleans, integral floats, strings or objects, or
        pandas Series / Categoricals of those.
    names : tuple of str, default=("y_true", "y_pred")
        Argument names used in error messages.
    guess : bool, default=False
        For integer labels, skip the min/max pass and return a range of
        ``_GUESS_RANGE`` values around the first label, flagged ``guessed``.

    Returns
    -------
    codes : LabelCodes
        The shared label values and the two code arrays.
    """
    a = _as_label_array(y_true, names[0])
    b = _as_label_array(y_pred, names[1])
    if len(a) != len(b):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length; got "
            f"{len(a)} and {len(b)}."
        )
    if len(a) == 0:
        raise ValueError(
            f"{names[0]} and {names[1]} are empty; need at least one sample."
        )
    kinds = (_kind(a), _kind(b))

    if kinds == ("categorical", "categorical") and a.categories.equals(b.categories):
        return _encode_categorical(a, b, names)
    a, b = (np.asarray(v) if isinstance(v, pd.Categorical) else v for v in (a, b))
    if isinstance(a, pd.Series) or isinstance(b, pd.Series):
        return _encode_factorize(a, b, names, None, same_kind=False)
    kinds = (_kind(a), _kind(b))
    for arr, kind, name in zip((a, b), kinds, names, strict=True):
        if kind == "float":
            _check_float_labels(arr, name)
    if set(kinds) <= {"integer", "float"}:
        if "float" in kinds:
            dtype = np.result_type(a.dtype, b.dtype)
            values_dtype = dtype
            a, b = a.astype(np.int64), b.astype(np.int64)
        else:
            values_dtype = np.result_type(a.dtype, b.dtype)
            a, b = _integer_view(a), _integer_view(b)
            if a.dtype != b.dtype:
                a, b = a.astype(np.int64), b.astype(np.int64)
        a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
        if guess and values_dtype.kind in "iub":
            lo = int(a[0]) - _GUESS_RANGE // 2
            if values_dtype.kind in "ub":
                lo = max(lo, 0)
            values = np.arange(lo, lo + _GUESS_RANGE).astype(values_dtype)
            return LabelCodes(values, a, b, lo, guessed=True)
        lo, hi = _pair_min_max(a, b)
        lo, hi = int(lo), int(hi)
        if hi - lo < _MAX_DENSE_RANGE:
            values = np.arange(lo, hi + 1).astype(values_dtype)
            return LabelCodes(values, a, b, lo)
        return _encode_factorize(a, b, names, values_dtype, same_kind=True)
    return _encode_factorize(a, b, names, None, same_kind=kinds[0] == kinds[1])


def _encode_categorical(a, b, names):
    for cat, name in zip((a, b), names, strict=True):
        if (cat.codes < 0).any():
            raise ValueError(
                f"{name} contains missing values (NaN); labels cannot be missing."
            )
    values = np.asarray(a.categories)
    codes_a = a.codes.astype(np.int64)
    codes_b = b.codes.astype(np.int64)
    try:
        order = np.argsort(values, kind="stable")
    except TypeError:
        order = np.arange(len(values))
    if not np.array_equal(order, np.arange(len(values))):
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        codes_a, codes_b, values = rank[codes_a], rank[codes_b], values[order]
    return LabelCodes(values, codes_a, codes_b, 0)


def _factorize_one(y):
    """Codes and uniques (in any order) of one label array."""
    if y.dtype.kind in "US" and y.itemsize > 0:
        width = y.itemsize // 4 if y.dtype.kind == "U" else y.itemsize
        rows = np.ascontiguousarray(y).view(
            np.uint32 if y.dtype.kind == "U" else np.uint8
        )
        codes, first = _factorize_rows(rows.reshape(len(y), width))
        return codes, y[first]
    codes, uniques = pd.factorize(y, use_na_sentinel=True)
    if isinstance(y, pd.Series):
        return codes, np.asarray(uniques, dtype=object)
    return codes, np.asarray(uniques, dtype=object if y.dtype.kind == "O" else None)


def _encode_factorize(a, b, names, values_dtype, same_kind):
    """Factorize each array, then merge the (few) uniques into one sorted set."""
    parts = []
    for y, name in zip((a, b), names, strict=True):
        codes, uniques = _factorize_one(y)
        if (codes < 0).any():
            raise ValueError(
                f"{name} contains missing values (NaN/None); labels cannot be missing."
            )
        parts.append((codes, uniques))
    uniques = np.concatenate(
        [u.astype(object) if not same_kind else u for _, u in parts]
    )
    types = {type(u) for u in uniques.tolist()}
    is_str = {t for t in types if issubclass(t, (str, bytes))}
    if is_str and len(is_str) != len(types):
        raise ValueError(
            f"{names[0]} and {names[1]} mix label types "
            f"({', '.join(sorted(t.__name__ for t in types))}); use one type for all "
            "labels."
        )
    if any(issubclass(t, float) for t in types):
        floats = np.asarray([u for u in uniques.tolist() if isinstance(u, float)])
        _check_float_labels(floats, f"{names[0]} or {names[1]}")
    try:
        values, inverse = np.unique(uniques, return_inverse=True)
    except TypeError as exc:
        raise ValueError(
            f"labels in {names[0]} and {names[1]} cannot be sorted ({exc}); use one "
            "comparable type for all labels."
        ) from None
    inverse = inverse.reshape(-1)
    split = len(parts[0][1])
    codes_a = inverse[:split][parts[0][0]]
    codes_b = inverse[split:][parts[1][0]]
    if values_dtype is not None:
        values = values.astype(values_dtype)
    return LabelCodes(values, codes_a, codes_b, 0)
