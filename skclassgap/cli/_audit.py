"""``skclassgap audit``: cross-validate a baseline and mitigations, report per class."""

import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold
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
from skclassgap.cli._examples import DEFAULT_EXAMPLE
from skclassgap.cli._models import MODELS
from skclassgap.cli._progress import Progress
from skclassgap.cli._strategies import STRATEGIES, Context, StrategyDeclined, build
from skclassgap.datasets import load_audit_default
from skclassgap.metrics import per_class_report
from skclassgap.metrics._scorer import label_metric
from skclassgap.spectral import spectral_imbalance

# Columns of the comparison table, as scorer names of skclassgap.metrics.
METRICS = [
    "accuracy",
    "balanced_accuracy",
    "macro_f1",
    "g_mean",
    "neg_class_gap",
    "worst_class_recall",
]

# Column of a scorer whose metric function returns the quantity itself, not its
# negative: the spreads are reported as the gap (lower is better).
_GAP_COLUMNS = {
    "neg_class_gap": "class_gap",
    "neg_class_gap_precision": "class_gap_precision",
    "neg_class_gap_f1": "class_gap_f1",
}

# Per-class spectra cost O(n_classes * d^3); beyond this many features they are skipped.
MAX_SPECTRAL_FEATURES = 512


def metric_column(scorer_name):
    """Column name, metric function and direction of a scorer name."""
    metric = label_metric(scorer_name)
    column = _GAP_COLUMNS.get(scorer_name, scorer_name)

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
        name = args.example or DEFAULT_EXAMPLE
        data = load_audit_default(name)
        return data.data, data.target, f"embedded example {name!r}"
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


def headline(y, y_pred, columns):
    """Headline numbers of out-of-fold predictions, the per-class report and the
    worst class."""
    numbers = {column: score(y, y_pred) for column, score, _ in columns}
    report = per_class_report(y, y_pred, labels=np.unique(y), zero_division=0.0)
    numbers["worst_class"] = _python(report["recall"].idxmin())
    return numbers, report


def spectral_summary(features, y):
    """Per-class spectral-imbalance table, or a note saying why there is none."""
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


def _target_array(y_series):
    y = np.asarray(y_series)
    if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)  # a CSV integer target read as float
    return y


def _metric_columns(objective):
    """The comparison table's columns, with the objective's appended if missing."""
    columns = [metric_column(scorer) for scorer in METRICS]
    if metric_column(objective)[0] not in [c for c, _, _ in columns]:
        columns.append(metric_column(objective))
    return columns


def build_strategies(names, context):
    """Built strategies by name, and the outcomes of those that declined."""
    built, declined = {}, {}
    for name in ["baseline", *names]:
        try:
            built[name] = build(name, context)
        except StrategyDeclined as exc:
            declined[name] = {"status": "declined", "note": str(exc)}
    return built, declined


def run_strategies(built, X, y, splits, columns, *, model_name, progress):
    """Cross-validate every built strategy; out-of-fold labels and outcomes.

    A strategy that raises ``ValueError`` on this data (its own refusal of the
    input, such as too few neighbours) is reported as failed with the message;
    any other exception is a bug and propagates. The baseline must succeed.
    """
    predictions, outcomes = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter would break the bar
        for name, strategy in built.items():
            steps_before = progress.done
            try:
                pred, metrics, seconds = _run_strategy(
                    strategy, X, y, splits, columns, progress, name
                )
            except ValueError as exc:
                message = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
                if name == "baseline":
                    raise UserError(
                        f"the baseline {model_name} failed: {message}"
                    ) from None
                progress.jump(steps_before + len(splits))
                outcomes[name] = {"status": "failed", "note": message}
                continue
            predictions[name] = pred
            outcomes[name] = {
                "status": "ok",
                "note": strategy.note,
                "metrics": metrics,
                "fit_seconds": seconds,
            }
    return predictions, outcomes


def rank(outcomes, column, greater_is_better):
    """Names of the strategies that ran, best first on ``column``; ranks set."""
    ranked = sorted(
        (n for n, o in outcomes.items() if o["status"] == "ok"),
        key=lambda n: outcomes[n]["metrics"][column]["mean"],
        reverse=greater_is_better,
    )
    for position, name in enumerate(ranked, start=1):
        outcomes[name]["rank"] = position
    return ranked


def _recalls(y, predictions, baseline_report):
    """Per-class recall of every strategy, as JSON-able dicts."""
    labels = np.unique(y)
    recalls = {}
    for name, pred in predictions.items():
        report = (
            baseline_report
            if name == "baseline"
            else per_class_report(y, pred, labels=labels, zero_division=0.0)
        )
        recalls[name] = {str(_python(k)): float(v) for k, v in report["recall"].items()}
    return recalls


@dataclass
class _Data:
    """The audited table after the checks: features, target and their source."""

    X: object
    y: np.ndarray
    target: str
    source: str
    empty: list


def _read(args):
    X, y_series, source = load_data(args)
    X, empty = prepare_features(X)
    check_target(y_series, args.cv)
    return _Data(X, _target_array(y_series), str(y_series.name), source, empty)


def _context(args, data, splits):
    return Context(
        preprocessor=make_preprocessor(),
        model=MODELS[args.model](args.random_state),
        objective=args.objective,
        random_state=args.random_state,
        min_train_class=_min_train_class(data.y, splits),
    )


def _result(args, data, fitted, context, outcomes, ranked, baseline):
    """The JSON-able result of the audit."""
    objective_column, _, objective_greater = metric_column(args.objective)
    names = ["baseline", *(n for n in outcomes if n != "baseline")]
    return {
        "skclassgap_version": __version__,
        "data": {
            "source": data.source,
            "target": data.target,
            "n_rows": int(data.X.shape[0]),
            "n_features": int(data.X.shape[1]),
            "n_classes": int(len(np.unique(data.y))),
        },
        "preprocessing": describe_preprocessing(data.X, fitted, data.empty),
        "model": {"name": args.model, "estimator": repr(context.model)},
        "cv": {"n_splits": args.cv, "shuffle": True, "random_state": args.random_state},
        "objective": {
            "name": args.objective,
            "column": objective_column,
            "greater_is_better": objective_greater,
        },
        "baseline": baseline,
        "strategies": {name: outcomes[name] for name in names},
        "ranking": ranked,
        "best": ranked[0] if ranked else None,
    }


def story(result, data):
    """The two facts the report leads with: the class the baseline fails and what
    the best mitigation changes (paired per-fold differences: mean and std)."""
    numbers = result["baseline"]["headline"]
    worst = numbers["worst_class"]
    recalls = result["per_class_recall"]
    key = str(worst)
    column = result["objective"]["column"]
    values = list(recalls["baseline"].values())
    facts = {
        "worst_class": worst,
        "worst_class_support": int(np.sum(data.y == worst)),
        "worst_class_recall": recalls["baseline"][key],
        "all_classes_equal": bool(max(values) == min(values)),
        "objective_column": column,
        "best": None,
    }
    strategies = result["strategies"]
    others = [n for n in result["ranking"] if n != "baseline"]
    if not others:
        return facts
    best = others[0]
    base = np.asarray(strategies["baseline"]["metrics"][column]["folds"])
    diff = np.asarray(strategies[best]["metrics"][column]["folds"]) - base
    facts.update(
        best=best,
        beats_baseline=result["best"] != "baseline",
        baseline_value=float(base.mean()),
        best_value=float(strategies[best]["metrics"][column]["mean"]),
        change_mean=float(diff.mean()),
        change_std=float(diff.std()),
        n_folds=int(diff.size),
        best_worst_class_recall=recalls[best][key],
    )
    return facts


def run(args, strategies, err=sys.stderr):
    """Run the audit; return an :class:`AuditRun`.

    Steps: read and check the data, fit the preprocessing once for the
    features of the spectra, build the strategies, cross-validate them on the
    same folds, rank them, summarise the baseline per class.
    """
    data = _read(args)
    cv = StratifiedKFold(n_splits=args.cv, shuffle=True, random_state=args.random_state)
    splits = list(cv.split(data.X, data.y))
    context = _context(args, data, splits)
    fitted = clone(context.preprocessor).fit(data.X)
    features = np.asarray(fitted.transform(data.X), dtype=np.float64)
    columns = _metric_columns(args.objective)

    built, outcomes = build_strategies(strategies, context)
    progress = Progress(
        total=len(built) * len(splits),
        stream=err,
        enabled=not args.quiet and err.isatty(),
    )
    with progress:
        predictions, ran = run_strategies(
            built,
            data.X,
            data.y,
            splits,
            columns,
            model_name=args.model,
            progress=progress,
        )
    outcomes = {
        name: {**(outcomes | ran)[name], "summary": STRATEGIES[name].summary}
        for name in ["baseline", *strategies]
    }
    column, _, greater = metric_column(args.objective)
    ranked = rank(outcomes, column, greater)

    numbers, report = headline(data.y, predictions["baseline"], columns)
    spectral, spectral_table = spectral_summary(features, data.y)
    result = _result(
        args,
        data,
        fitted,
        context,
        outcomes,
        ranked,
        {"headline": numbers, "per_class": _records(report)},
    )
    result["spectral"] = spectral
    result["per_class_recall"] = _recalls(data.y, predictions, report)
    result["metric_columns"] = [c for c, _, _ in columns]
    result["story"] = story(result, data)
    return AuditRun(result, data.y, features, predictions, report, spectral_table)
