"""``skclassgap audit``: cross-validate a baseline and mitigations, report per class."""

import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils import _safe_indexing

from skclassgap import __version__
from skclassgap.cli._data import (
    check_target,
    describe_preprocessing,
    load_table,
    make_preprocessor,
    prepare_features,
)
from skclassgap.cli._errors import UserError
from skclassgap.cli._progress import Progress
from skclassgap.cli._strategies import (
    STRATEGIES,
    Context,
    StrategyUnavailable,
    build,
)
from skclassgap.datasets import load_audit_default
from skclassgap.metrics import per_class_report
from skclassgap.metrics._scorer import label_metric

MODELS = {
    "logreg": lambda rs: LogisticRegression(max_iter=2000),
    "hgb": lambda rs: HistGradientBoostingClassifier(random_state=rs),
    "rf": lambda rs: RandomForestClassifier(random_state=rs, n_jobs=1),
    "knn": lambda rs: KNeighborsClassifier(),
}

# Columns of the comparison table: (column, scorer name of skclassgap.metrics).
METRICS = [
    ("accuracy", "accuracy"),
    ("balanced_accuracy", "balanced_accuracy"),
    ("macro_f1", "macro_f1"),
    ("g_mean", "g_mean"),
    ("class_gap", "neg_class_gap"),
    ("worst_class_recall", "worst_class_recall"),
]

# Per-class spectra cost O(n_classes * d^3); beyond this many features they are skipped.
MAX_SPECTRAL_FEATURES = 512


def metric_column(scorer_name):
    """Column name, metric function and direction of a scorer name."""
    metric = label_metric(scorer_name)
    column = scorer_name.removeprefix("neg_")

    def score(y_true, y_pred):
        return float(metric.score_func(y_true, y_pred, **metric.kwargs))

    return column, score, metric.greater_is_better


@dataclass
class AuditRun:
    """Everything the renderers need: the JSON-able result and the arrays behind it."""

    result: dict
    y: np.ndarray
    features: np.ndarray  # preprocessed features (for the spectra figure)
    predictions: dict = field(default_factory=dict)  # strategy -> out-of-fold labels
    report: object = None  # per-class report of the baseline (DataFrame)
    spectral_table: object = None  # spectral_imbalance's DataFrame, when computed


def load_data(args):
    """Features, target and a description of where they came from."""
    if args.path is None:
        data = load_audit_default()
        return data.data, data.target, "embedded default (digits with rare classes)"
    X, y = load_table(args.path, args.target)
    return X, y, str(args.path)


def _fold_metrics(y_true, y_pred, columns):
    return {column: score(y_true, y_pred) for column, score, _ in columns}


def _run_strategy(built, X, y, splits, columns, progress, name):
    """Fit and predict every fold; out-of-fold labels and per-fold metrics."""
    predictions = np.empty(len(y), dtype=y.dtype)
    folds = {column: [] for column, _, _ in columns}
    seconds = 0.0
    for i, (train, test) in enumerate(splits):
        progress.update(f"{name} fold {i + 1}/{len(splits)}")
        estimator = clone(built.estimator)
        y_train = y[train]
        params = built.fit_params(y_train) if built.fit_params else {}
        start = time.perf_counter()
        estimator.fit(_safe_indexing(X, train), y_train, **params)
        seconds += time.perf_counter() - start
        fold_pred = np.asarray(estimator.predict(_safe_indexing(X, test)))
        predictions[test] = fold_pred
        for column, value in _fold_metrics(y[test], fold_pred, columns).items():
            folds[column].append(value)
        progress.advance()
    metrics = {
        column: {
            "mean": float(np.mean(values)),
            "std": float(np.std(values)),
            "folds": [float(v) for v in values],
        }
        for column, values in folds.items()
    }
    return predictions, metrics, seconds


def _python(value):
    """A JSON-able Python scalar from a NumPy/pandas one."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records(frame):
    """A per-class DataFrame as a list of JSON-able records, the class first."""
    index_name = frame.index.name or "class"
    rows = []
    for label, row in frame.iterrows():
        record = {index_name: _python(label)}
        for column, value in row.items():
            value = _python(value)
            if isinstance(value, float) and not np.isfinite(value):
                value = None if np.isnan(value) else str(value)
            record[str(column)] = value
        rows.append(record)
    return rows


def headline(y, y_pred):
    """Headline numbers of out-of-fold predictions, and the worst class."""
    numbers = {
        column: score(y, y_pred)
        for column, score, _ in map(lambda m: metric_column(m[1]), METRICS)
    }
    report = per_class_report(y, y_pred, labels=np.unique(y), zero_division=0.0)
    worst = report["recall"].idxmin()
    numbers["worst_class"] = _python(worst)
    return numbers, report


def spectral_summary(features, y):
    """Per-class spectral-imbalance table, or a note saying why there is none."""
    try:
        from skclassgap.spectral import spectral_imbalance
    except ImportError:
        return {
            "status": "unavailable",
            "note": "skclassgap.spectral.spectral_imbalance is not installed",
        }, None
    if features.shape[1] > MAX_SPECTRAL_FEATURES:
        return {
            "status": "skipped",
            "note": f"{features.shape[1]} features after preprocessing; spectra are "
            f"computed up to {MAX_SPECTRAL_FEATURES}",
        }, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = spectral_imbalance(features, y)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {"status": "failed", "note": " ".join(str(exc).split())}, None
    return {"status": "ok", "note": "", "per_class": _records(table)}, table


def _min_train_class(y, splits):
    return int(
        min(np.unique(y[train], return_counts=True)[1].min() for train, _ in splits)
    )


def run(args, strategies, err=sys.stderr):
    """Run the audit; return an :class:`AuditRun`."""
    X, y_series, source = load_data(args)
    X, empty = prepare_features(X)
    check_target(y_series, args.cv)
    y = np.asarray(y_series)
    if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)  # a CSV integer target read as float
    preprocessor = make_preprocessor()
    fitted = clone(preprocessor).fit(X)
    features = np.asarray(fitted.transform(X), dtype=np.float64)
    preprocessing = describe_preprocessing(X, fitted, empty)

    cv = StratifiedKFold(n_splits=args.cv, shuffle=True, random_state=args.random_state)
    splits = list(cv.split(X, y))
    objective_column, _, objective_greater = metric_column(args.objective)
    columns = [metric_column(scorer) for _, scorer in METRICS]
    if objective_column not in [c for c, _, _ in columns]:
        columns.append(metric_column(args.objective))
    context = Context(
        preprocessor=preprocessor,
        model=MODELS[args.model](args.random_state),
        objective=args.objective,
        random_state=args.random_state,
        min_train_class=_min_train_class(y, splits),
    )

    built, outcomes = {}, {}
    for name in ["baseline", *strategies]:
        try:
            built[name] = build(name, context)
        except StrategyUnavailable as exc:
            outcomes[name] = {"status": "unavailable", "note": str(exc)}
    progress = Progress(
        total=len(built) * len(splits),
        stream=err,
        enabled=not args.quiet and err.isatty(),
    )
    run_ = AuditRun(result={}, y=y, features=features)
    with progress, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter would break the bar
        for name, strategy in built.items():
            steps_before = progress.done
            try:
                predictions, metrics, seconds = _run_strategy(
                    strategy, X, y, splits, columns, progress, name
                )
            except Exception as exc:  # noqa: BLE001 - one strategy failing is a result
                if name == "baseline":
                    raise UserError(
                        f"the baseline {args.model} failed: "
                        f"{type(exc).__name__}: {' '.join(str(exc).split())}"
                    ) from None
                progress.jump(steps_before + len(splits))
                outcomes[name] = {
                    "status": "failed",
                    "note": f"{type(exc).__name__}: {' '.join(str(exc).split())}",
                }
                continue
            run_.predictions[name] = predictions
            outcomes[name] = {
                "status": "ok",
                "note": strategy.note,
                "metrics": metrics,
                "fit_seconds": seconds,
            }
    for name, outcome in outcomes.items():
        outcome["summary"] = STRATEGIES[name].summary

    ranked = sorted(
        (n for n, o in outcomes.items() if o["status"] == "ok"),
        key=lambda n: outcomes[n]["metrics"][objective_column]["mean"],
        reverse=objective_greater,
    )
    for rank, name in enumerate(ranked, start=1):
        outcomes[name]["rank"] = rank
    numbers, report = headline(y, run_.predictions["baseline"])
    recalls = {
        name: {
            str(_python(k)): float(v)
            for k, v in per_class_report(
                y, pred, labels=np.unique(y), zero_division=0.0
            )["recall"].items()
        }
        for name, pred in run_.predictions.items()
    }
    spectral, run_.spectral_table = spectral_summary(features, y)
    run_.report = report
    run_.result = {
        "skclassgap_version": __version__,
        "data": {
            "source": source,
            "target": str(y_series.name),
            "n_rows": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "n_classes": int(len(np.unique(y))),
        },
        "preprocessing": preprocessing,
        "model": {"name": args.model, "estimator": repr(context.model)},
        "cv": {"n_splits": args.cv, "shuffle": True, "random_state": args.random_state},
        "objective": {
            "name": args.objective,
            "column": objective_column,
            "greater_is_better": objective_greater,
        },
        "baseline": {"headline": numbers, "per_class": _records(report)},
        "spectral": spectral,
        "strategies": {name: outcomes[name] for name in ["baseline", *strategies]},
        "ranking": ranked,
        "best": ranked[0] if ranked else None,
        "per_class_recall": recalls,
        "metric_columns": [c for c, _, _ in columns],
    }
    return run_
