"""``skclassgap audit``: load data, cross-validate a baseline, report per class."""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skclassgap.cli._main import UserError
from skclassgap.datasets import load_audit_default
from skclassgap.metrics import (
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    per_class_report,
    worst_class_score,
)

_READERS = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".feather": pd.read_feather}


def load_table(path, target):
    """Read a data file and split it into features and target."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"no such file: {str(path)!r}")
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UserError(
            f"cannot read {path.name!r}: expected a .csv, .parquet or .feather file"
        )
    try:
        frame = reader(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        raise UserError(f"cannot read {str(path)!r} as {path.suffix[1:]}: {exc}") from None
    if frame.shape[1] < 2:
        raise UserError(f"{path.name!r} needs a target column and at least one feature column")
    target = frame.columns[-1] if target is None else target
    if target not in frame.columns:
        raise UserError(
            f"--target {target!r} is not a column of {path.name!r}; columns are "
            f"{list(map(str, frame.columns))[:20]}"
        )
    y = frame[target]
    if y.isna().any():
        raise UserError(f"target column {target!r} has {int(y.isna().sum())} missing values")
    return frame.drop(columns=[target]), y


def _model(name, random_state):
    return {
        "logreg": lambda: LogisticRegression(max_iter=2000),
        "hgb": lambda: HistGradientBoostingClassifier(random_state=random_state),
        "rf": lambda: RandomForestClassifier(random_state=random_state, n_jobs=1),
        "knn": lambda: KNeighborsClassifier(),
    }[name]()


def make_preprocessor():
    """Numeric columns: impute and scale; other columns: impute and one-hot encode."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    return make_column_transformer(
        (numeric, make_column_selector(dtype_include="number")),
        (categorical, make_column_selector(dtype_exclude="number")),
        verbose_feature_names_out=False,
    )


def check_target(y, n_splits):
    """Refuse targets the cross-validation cannot handle, with the fix."""
    counts = y.value_counts()
    if len(counts) < 2:
        raise UserError(f"the target has a single class ({counts.index[0]!r}); need at least two")
    if n_splits < 2:
        raise UserError(f"--cv {n_splits} is too small; use at least 2 folds")
    small = counts[counts < n_splits]
    if len(small):
        label, size = small.index[0], int(small.iloc[0])
        raise UserError(
            f"class {label!r} has {size} rows, fewer than the {n_splits} folds of --cv; "
            f"use --cv {max(2, size)} or fewer, or drop the class"
        )


def run_audit(args, out):
    """Cross-validate the baseline and print the per-class report."""
    if args.path is None:
        data = load_audit_default()
        X, y, source = data.data, data.target, "embedded default (digits with rare classes)"
    else:
        X, y = load_table(args.path, args.target)
        source = str(args.path)
    check_target(y, args.cv)
    model = make_pipeline(make_preprocessor(), _model(args.model, args.random_state))
    cv = StratifiedKFold(n_splits=args.cv, shuffle=True, random_state=args.random_state)
    y_pred = cross_val_predict(model, X, y, cv=cv)
    report = per_class_report(y, y_pred, zero_division=0.0)
    y_true = np.asarray(y)
    headline = {
        "accuracy": float(np.mean(y_true == np.asarray(y_pred))),
        "macro F1": macro_f1_score(y, y_pred, zero_division=0.0),
        "g-mean": geometric_mean_score(y, y_pred),
        "class gap (recall)": class_gap(y, y_pred),
        "worst-class recall": worst_class_score(y, y_pred),
    }
    print(f"data: {source}: {X.shape[0]} rows, {X.shape[1]} features, {len(report)} classes", file=out)
    print(f"model: {args.model}, {args.cv}-fold stratified cross-validation", file=out)
    print("", file=out)
    print(report.to_string(float_format=lambda v: f"{v:.3f}"), file=out)
    print("", file=out)
    for name, value in headline.items():
        print(f"{name:>20}: {value:.3f}", file=out)
    return 0
