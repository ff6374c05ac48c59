"""Input of ``skclassgap audit``.

Read the table, check the target, build the preprocessor.
"""

import numpy as np
import pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skclassgap.cli._errors import UserError, check_path

_READERS = {
    ".csv": pd.read_csv,
    ".parquet": pd.read_parquet,
    ".feather": pd.read_feather,
}

# One-hot encoding keeps at most this many categories per column (the rest
# become one "infrequent" column), so that an ID or free-text column cannot
# blow the feature count up.
MAX_CATEGORIES = 30


def load_table(path, target):
    """Read a data file and split it into features and target.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.parquet`` or ``.feather`` file.
    target : str or None
        Target column; None means the last column.

    Returns
    -------
    X : pandas.DataFrame
        Every other column.
    y : pandas.Series
        The target.
    """
    path = check_path(path)
    reader = _READERS[path.suffix.lower()]
    try:
        frame = reader(path)
    except ImportError as exc:
        raise UserError(
            f"reading {path.suffix} files needs pyarrow ({exc}); install it with "
            "pip install 'skclassgap[io]'"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise UserError(
            f"cannot read {str(path)!r} as {path.suffix[1:]}: {message}"
        ) from None
    if frame.shape[1] < 2:
        raise UserError(
            f"{path.name!r} has {frame.shape[1]} column(s); the audit needs a target "
            "column and at least one feature column"
        )
    frame.columns = [str(c) for c in frame.columns]
    target = frame.columns[-1] if target is None else target
    if target not in frame.columns:
        raise UserError(
            f"--target {target!r} is not a column of {path.name!r}; columns are "
            f"{list(frame.columns)[:20]}"
        )
    y = frame[target]
    if y.isna().any():
        raise UserError(
            f"target column {target!r} has {int(y.isna().sum())} missing values; "
            "drop those rows or choose another --target"
        )
    return frame.drop(columns=[target]), y


def check_target(y, n_splits):
    """Refuse targets the cross-validation cannot handle, naming the fix."""
    counts = {
        (label.item() if hasattr(label, "item") else label): int(size)
        for label, size in y.value_counts().items()
    }
    if len(counts) < 2:
        raise UserError(
            f"the target {y.name!r} has a single class ({next(iter(counts))!r}); "
            "need at least two"
        )
    if n_splits < 2:
        raise UserError(f"--cv {n_splits} is too small; use at least 2 folds")
    label, size = min(counts.items(), key=lambda item: item[1])
    if size < 2:
        raise UserError(
            f"class {label!r} has {size} row, too few to cross-validate; "
            "drop the class or gather more rows"
        )
    if size < n_splits:
        raise UserError(
            f"class {label!r} has {size} rows, fewer than the {n_splits} folds of "
            f"--cv; use --cv {size} or fewer, or drop the class"
        )


def make_preprocessor():
    """Numeric columns: impute and scale; other columns: impute and one-hot encode."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            max_categories=MAX_CATEGORIES,
            sparse_output=False,
        ),
    )
    return make_column_transformer(
        (numeric, make_column_selector(dtype_include="number")),
        (categorical, make_column_selector(dtype_exclude="number")),
        verbose_feature_names_out=False,
    )


def prepare_features(X):
    """Booleans become numbers; columns that are entirely missing are dropped."""
    X = X.copy()
    for column in X.columns:
        if X[column].dtype == bool:
            X[column] = X[column].astype(np.int8)
    empty = [c for c in X.columns if X[c].isna().all()]
    if len(empty) == X.shape[1]:
        raise UserError("every feature column is empty (all values missing)")
    return X.drop(columns=empty), empty


def describe_preprocessing(X, fitted, empty):
    """What the fitted ColumnTransformer does, as data for the report."""
    numeric = list(make_column_selector(dtype_include="number")(X))
    other = list(make_column_selector(dtype_exclude="number")(X))
    categories = {}
    if other:
        encoder = fitted.named_transformers_["pipeline-2"][-1]
        categories = {
            column: int(len(cats))
            for column, cats in zip(other, encoder.categories_, strict=True)
        }
    n_out = int(len(fitted.get_feature_names_out()))
    missing = int(X.isna().sum().sum())
    return {
        "numeric_columns": numeric,
        "numeric_steps": "median imputation, standard scaling",
        "categorical_columns": other,
        "categorical_steps": (
            "most-frequent imputation, one-hot encoding "
            f"(at most {MAX_CATEGORIES} categories per column, unknown ignored)"
        ),
        "categories": categories,
        "dropped_empty_columns": empty,
        "missing_values": missing,
        "n_features_out": n_out,
        "text": preprocessor_text(numeric, other, empty, missing, n_out),
    }


def preprocessor_text(numeric, other, empty, missing, n_out):
    """One line per ColumnTransformer branch."""
    lines = [
        f"  numeric ({len(numeric)} columns): median imputation -> standard scaling",
    ]
    if other:
        shown = ", ".join(other[:6]) + (", ..." if len(other) > 6 else "")
        lines.append(
            f"  categorical ({len(other)} columns: {shown}): most-frequent imputation "
            f"-> one-hot (max {MAX_CATEGORIES} categories)"
        )
    if empty:
        lines.append(f"  dropped (all missing): {', '.join(empty)}")
    lines.append(
        f"  {missing} missing values imputed; {n_out} features after preprocessing"
    )
    return "\n".join(lines)
