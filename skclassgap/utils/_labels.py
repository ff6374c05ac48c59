"""Encode pairs of label arrays to integer codes, once, before any counting.

Integer and boolean labels, and integral floats, whose range is small enough
are not factorised: their codes are ``value - offset`` and the counting step
subtracts the offset on the fly (integer arrays are not even copied). Other
labels (strings, objects, wide-range numbers, and numbers that no int64 code
represents exactly: floats beyond +-2**63, uint64 above 2**63 - 1) are
factorised by hashing, O(n); pandas categoricals with shared categories use
their codes.

Below ``KERNEL_MIN_ROWS["labels"]`` rows (100,000; the table and the
benchmark behind it are in :mod:`skclassgap._kernels._config`) nothing here
calls a numba kernel: the range
is read with NumPy reductions and fixed-width strings are factorised with
:func:`numpy.unique`, so that the first call on small data never waits for a
compilation. The codes are the same either way.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from skclassgap._kernels._config import KERNEL_MIN_ROWS
from skclassgap._kernels.confusion import _pair_min_max
from skclassgap._kernels.labels import _factorize_rows

# Code ranges up to ``max(_MIN_DENSE_RANGE, n_samples)`` take the offset path:
# counting allocates a few vectors of that length, no more than the codes of
# the factorising path would.
_MIN_DENSE_RANGE = 1024
# Width of the guessed range around the first label (``guess=True``): most
# integer labels are small and close together, so one counting pass that
# checks the range replaces a min/max pass plus a counting pass.
_GUESS_RANGE = 128
# Only labels of magnitude below this are used to guess a range, so that
# ``code - offset`` cannot wrap around into the guessed range in int64.
_GUESS_LIMIT = 2**62
_INT64_MIN, _INT64_END = -(2**63), 2**63
# Initial hash-table size of pandas.factorize. By default pandas sizes its
# table for every row being distinct: 10**6 int64 labels of 10**5 classes
# then took 41 MiB and 0.20 s; starting at 2**16 and growing, 11 MiB, 0.06 s.
_FACTORIZE_SIZE_HINT = 1 << 16


class LabelCodes(NamedTuple):
    """Integer codes of a pair of label arrays.

    ``codes_true - offset`` and ``codes_pred - offset`` lie in
    ``[0, len(values))``; ``values[c]`` is the label of code ``c``. The code
    arrays are integer arrays of any width (int64 unless the labels were
    narrower integers or booleans, used in place); cast them to int64 before
    subtracting the offset. Some values may be absent from both arrays (the
    offset path spans a whole range): counting tells which occur. When
    ``guessed`` is True the range is a guess that a range-checking count must
    confirm; if it does not, encode again with ``guess=False``.
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
    """Reject NaN/inf and non-integral floats (continuous targets).

    Returns the smallest and largest label (None for an empty array).
    """
    if y.size == 0:
        return None
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
    return lo, hi


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
        For integer labels of at least ``KERNEL_MIN_ROWS["labels"]`` rows, skip the
        min/max pass and return a range of ``_GUESS_RANGE`` values around the
        first label, flagged ``guessed``.

    Returns
    -------
    codes : LabelCodes
        The shared label values (sorted) and the two code arrays.
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
    small = len(a) < KERNEL_MIN_ROWS["labels"]
    kinds = (_kind(a), _kind(b))

    if kinds == ("categorical", "categorical") and a.categories.equals(b.categories):
        return _encode_categorical(a, b, names)
    a, b = (np.asarray(v) if isinstance(v, pd.Categorical) else v for v in (a, b))
    if isinstance(a, pd.Series) or isinstance(b, pd.Series):
        return _encode_factorize(a, b, names, None, same_kind=False, small=small)
    kinds = (_kind(a), _kind(b))
    if kinds == ("integer", "integer"):
        return _encode_integers(a, b, names, guess=guess and not small, small=small)
    if set(kinds) <= {"integer", "float"}:
        return _encode_floats(a, b, names, small=small)
    for arr, kind, name in zip((a, b), kinds, names, strict=True):
        if kind == "float":
            _check_float_labels(arr, name)
    return _encode_factorize(
        a, b, names, None, same_kind=kinds[0] == kinds[1], small=small
    )


def _dense(lo, hi, n_samples):
    """Whether codes ``value - lo`` over ``[lo, hi]`` take the offset path."""
    return (
        _INT64_MIN <= lo
        and hi < _INT64_END
        and hi - lo < max(_MIN_DENSE_RANGE, n_samples)
    )


def _encode_integers(a, b, names, *, guess, small):
    """Integer or boolean labels: offset codes, used in place, or factorised."""
    values_dtype = np.result_type(a.dtype, b.dtype)
    if values_dtype.kind == "f":
        # int64 with uint64: no common integer type; decided from the range.
        values_dtype = None
    a = a.view(np.uint8) if a.dtype.kind == "b" else a
    b = b.view(np.uint8) if b.dtype.kind == "b" else b
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    first = int(a[0])
    if guess and values_dtype is not None and abs(first) < _GUESS_LIMIT:
        lo = first - _GUESS_RANGE // 2
        if values_dtype.kind in "ub":
            lo = max(lo, 0)
        values = np.arange(lo, lo + _GUESS_RANGE).astype(values_dtype)
        return LabelCodes(values, a, b, lo, guessed=True)
    if not small and a.dtype == b.dtype == np.int64:
        lo, hi = (int(v) for v in _pair_min_max(a, b))
    else:
        lo, hi = min(int(a.min()), int(b.min())), max(int(a.max()), int(b.max()))
    if values_dtype is None:
        values_dtype = np.dtype(np.int64) if hi < _INT64_END else None
    if _dense(lo, hi, len(a)):
        values = np.arange(lo, hi + 1, dtype=np.int64).astype(values_dtype)
        return LabelCodes(values, a, b, lo)
    return _encode_factorize(
        a, b, names, values_dtype, same_kind=values_dtype is not None, small=small
    )


def _encode_floats(a, b, names, *, small):
    """Integral float labels (or floats with integers), compared as floats.

    Both arrays are read in their common float type (as NumPy compares
    them). Labels inside the int64 range become int64 codes; labels beyond
    it have no exact int64 code and are factorised instead.
    """
    values_dtype = np.result_type(a.dtype, b.dtype)
    a, b = a.astype(values_dtype, copy=False), b.astype(values_dtype, copy=False)
    (lo_a, hi_a), (lo_b, hi_b) = (
        _check_float_labels(arr, name) for arr, name in zip((a, b), names, strict=True)
    )
    lo, hi = min(lo_a, lo_b), max(hi_a, hi_b)
    if not (_INT64_MIN <= lo and hi < _INT64_END):
        return _encode_factorize(a, b, names, values_dtype, same_kind=True, small=small)
    lo, hi = int(lo), int(hi)
    a, b = a.astype(np.int64), b.astype(np.int64)
    if _dense(lo, hi, len(a)):
        values = np.arange(lo, hi + 1, dtype=np.int64).astype(values_dtype)
        return LabelCodes(values, a, b, lo)
    return _encode_factorize(a, b, names, values_dtype, same_kind=True, small=small)


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


def _factorize_one(y, small):
    """Codes and uniques (in any order) of one label array."""
    if y.dtype.kind in "US" and y.itemsize > 0:
        if small:
            uniques, codes = np.unique(y, return_inverse=True)
            return codes.reshape(-1), uniques
        width = y.itemsize // 4 if y.dtype.kind == "U" else y.itemsize
        rows = np.ascontiguousarray(y).view(
            np.uint32 if y.dtype.kind == "U" else np.uint8
        )
        codes, first = _factorize_rows(rows.reshape(len(y), width))
        return codes, y[first]
    codes, uniques = pd.factorize(
        y, use_na_sentinel=True, size_hint=min(len(y), _FACTORIZE_SIZE_HINT)
    )
    if isinstance(y, pd.Series):
        return codes, np.asarray(uniques, dtype=object)
    return codes, np.asarray(uniques, dtype=object if y.dtype.kind == "O" else None)


def _owned(codes):
    """``codes`` as a writable intp array that may be overwritten."""
    if codes.dtype == np.intp and codes.flags.writeable and codes.flags.c_contiguous:
        return codes
    return codes.astype(np.intp)


def _check_object_labels(uniques, names):
    """Refuse strings mixed with other types, and continuous or missing floats."""
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


def _encode_factorize(a, b, names, values_dtype, same_kind, small):
    """Factorize each array, then merge the (few) uniques into one sorted set."""
    parts = []
    for y, name in zip((a, b), names, strict=True):
        codes, uniques = _factorize_one(y, small)
        if (codes < 0).any():
            raise ValueError(
                f"{name} contains missing values (NaN/None); labels cannot be missing."
            )
        parts.append((codes, uniques))
    uniques = np.concatenate(
        [u.astype(object) if not same_kind else u for _, u in parts]
    )
    if uniques.dtype.kind == "O":  # Python objects: check what they hold
        _check_object_labels(uniques, names)
    try:
        values, inverse = np.unique(uniques, return_inverse=True)
    except TypeError as exc:
        raise ValueError(
            f"labels in {names[0]} and {names[1]} cannot be sorted ({exc}); use one "
            "comparable type for all labels."
        ) from None
    inverse = inverse.reshape(-1)
    split = len(parts[0][1])
    # Map each array's codes to the sorted values in place: every index is
    # valid, and mode="clip" lets np.take write into its own index array
    # without a buffer (one n-sized array per side instead of two).
    (codes_a, _), (codes_b, _) = parts
    codes_a = np.take(inverse[:split], codes_a, out=_owned(codes_a), mode="clip")
    codes_b = np.take(inverse[split:], codes_b, out=_owned(codes_b), mode="clip")
    if values_dtype is not None:
        values = values.astype(values_dtype)
    return LabelCodes(values, codes_a, codes_b, 0)


def union_labels(arrays, what):
    """Sorted union of label arrays (e.g. the classes of several blocks).

    Refuses what :func:`encode_label_pair` refuses within one array: numbers
    mixed with strings (NumPy would silently turn the numbers into strings)
    and labels that cannot be sorted. ``what`` names the labels in messages.
    """
    arrays = [np.asarray(a) for a in arrays]
    if not arrays:
        return np.empty(0)
    if len({a.dtype.kind in "iufb" for a in arrays}) > 1:
        kinds = sorted({str(a.dtype) for a in arrays})
        raise ValueError(
            f"{what} mix label types ({', '.join(kinds)}); use one type for all labels."
        )
    combined = np.concatenate(arrays)
    if combined.dtype.kind == "O":
        types = {type(v) for v in combined.tolist()}
        strings = {t for t in types if issubclass(t, (str, bytes))}
        if strings and len(strings) != len(types):
            raise ValueError(
                f"{what} mix label types "
                f"({', '.join(sorted(t.__name__ for t in types))}); use one type "
                "for all labels."
            )
    try:
        return np.unique(combined)
    except TypeError as exc:
        raise ValueError(
            f"{what} cannot be sorted ({exc}); use one comparable type for all labels."
        ) from None
