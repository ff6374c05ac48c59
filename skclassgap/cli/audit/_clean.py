"""Cleaning of the audited table, once, before any fold; every decision recorded.

The cleaning uses no target and no fold: it reads what the columns are.
skrub's :class:`~skrub.Cleaner` turns null-like strings (``?``, ``N/A``,
``null``, ...) into missing values, parses datetime columns, and drops
columns that are constant or entirely missing; the rules added here drop
identifier-like columns, parse numbers stored as text, and sort the columns
into the kinds the encoder treats differently.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from skclassgap.cli._errors import UserError

NUMERIC, DATETIME, CATEGORICAL, HIGH_CARDINALITY = (
    "numeric",
    "datetime",
    "categorical",
    "high_cardinality",
)

# Columns with more distinct values than this are not one-hot encoded: they are
# encoded by string similarity into a fixed number of components.
MAX_ONE_HOT = 30


@dataclass
class Cleaned:
    """The cleaned feature table, the kind of each column, and the decisions."""

    X: pd.DataFrame
    kinds: dict  # column -> NUMERIC | DATETIME | CATEGORICAL | HIGH_CARDINALITY
    decisions: list = field(default_factory=list)  # dicts: column, action, reason


def plural(n, word):
    """``"1 column"``, ``"2 columns"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _decision(column, action, reason):
    return {"column": str(column), "action": action, "reason": reason}


def _identifier_reason(column):
    """Why ``column`` looks like a row identifier, or None.

    Identifiers: an integer column holding every number from its minimum to
    its maximum once, in any order (a running index); an integer column with
    a different value in each row, in increasing or decreasing order down the
    file (a running index with gaps, such as R's ``rownames`` after a row
    filter, or sorted IDs); a text column with a different value in each row.
    """
    values = column.dropna()
    n = len(column)
    if n < 3 or len(values) < n or values.nunique() < n:
        return None
    if pd.api.types.is_integer_dtype(column.dtype):
        low, high = int(values.min()), int(values.max())
        if high - low == n - 1:
            return f"identifier: an integer running index ({low} to {high})"
        steps = np.diff(values.to_numpy(dtype=np.int64))
        if (steps > 0).all() or (steps < 0).all():
            first, last = int(values.iloc[0]), int(values.iloc[-1])
            return (
                f"identifier: a different integer in each row, in order down the "
                f"file ({first} to {last}, {high - low + 1 - n} numbers skipped)"
            )
        return None
    if pd.api.types.is_numeric_dtype(column.dtype) or isinstance(
        column.dtype, pd.DatetimeTZDtype
    ):
        return None
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return None
    return f"identifier: a different value in each of the {plural(n, 'row')}"


def _skrub_clean(X):
    from skrub import Cleaner

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Cleaner(drop_null_fraction=1.0, drop_if_constant=True).fit_transform(X)


def _dropped_reason(column):
    if column.isna().all():
        return "every value missing"
    value = column.dropna().iloc[0]
    value = value.item() if hasattr(value, "item") else value
    return f"constant ({value!r})"


def _as_numbers(column):
    """``column`` as float64 when every present value is a number, else None."""
    present = column.dropna()
    if present.empty:
        return None
    numbers = pd.to_numeric(present.astype(str).str.strip(), errors="coerce")
    if numbers.isna().any():
        return None
    return pd.to_numeric(column.astype("string").str.strip(), errors="coerce").astype(
        np.float64
    )


def _kind(column):
    if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(
        column.dtype
    ):
        return NUMERIC
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return DATETIME
    return CATEGORICAL if column.nunique() <= MAX_ONE_HOT else HIGH_CARDINALITY


def _no_column_left(decisions):
    return UserError(
        "no feature column left after cleaning: "
        + "; ".join(f"{d['column']}: {d['reason']}" for d in decisions)
    )


def clean_table(X, keep=()):
    """Clean the feature table; return a :class:`Cleaned` listing each decision.

    Order: booleans as 0/1; skrub's Cleaner (null-like strings missing,
    datetimes parsed, constant and empty columns dropped); numbers stored as
    text parsed; identifier-like columns dropped, except those in ``keep``
    (kept, and the decision says what they look like); each column's kind.
    """
    X = X.copy()
    for c in X.columns:
        if pd.api.types.is_bool_dtype(X[c].dtype):
            X[c] = X[c].astype(np.int8)
    cleaned = _skrub_clean(X)
    decisions = [
        _decision(c, "dropped", _dropped_reason(X[c]))
        for c in X.columns
        if c not in cleaned.columns
    ]
    for c in cleaned.columns:
        column = cleaned[c]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            cleaned[c] = column.dt.tz_convert("UTC").dt.tz_localize(None)
        was_datetime = pd.api.types.is_datetime64_any_dtype(X[c].dtype)
        if pd.api.types.is_datetime64_any_dtype(cleaned[c].dtype) and not was_datetime:
            decisions.append(_decision(c, "parsed", "text read as datetimes"))
        if _kind(cleaned[c]) in (CATEGORICAL, HIGH_CARDINALITY):
            numbers = _as_numbers(cleaned[c])
            if numbers is not None:
                cleaned[c] = numbers
                decisions.append(_decision(c, "parsed", "numbers stored as text"))
    ids = {c: _identifier_reason(cleaned[c]) for c in cleaned.columns}
    ids = {c: reason for c, reason in ids.items() if reason}
    decisions += [
        _decision(c, "kept", f"--keep, although it looks like an {reason}")
        for c, reason in ids.items()
        if c in keep
    ]
    ids = {c: reason for c, reason in ids.items() if c not in keep}
    decisions += [_decision(c, "dropped", reason) for c, reason in ids.items()]
    cleaned = cleaned.drop(columns=list(ids))
    if cleaned.shape[1] == 0:
        raise _no_column_left(decisions)
    kinds = {}
    for c in cleaned.columns:
        kinds[c] = _kind(cleaned[c])
        if kinds[c] == HIGH_CARDINALITY:
            decisions.append(
                _decision(
                    c,
                    "encoded",
                    f"{cleaned[c].nunique()} distinct values (more than "
                    f"{MAX_ONE_HOT}): string-similarity components instead of one-hot",
                )
            )
        if kinds[c] in (CATEGORICAL, HIGH_CARDINALITY) and not isinstance(
            cleaned[c].dtype, pd.CategoricalDtype
        ):
            cleaned[c] = cleaned[c].astype("category")
    return Cleaned(cleaned, kinds, decisions)
