"""The audit run: read and clean the data, cross-validate every strategy on the
same (repeated) folds, compare them to the baseline, summarise the baseline per
class."""

import sys
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold

from skclassgap.cli._errors import UserError
from skclassgap.cli.audit._clean import CATEGORICAL, HIGH_CARDINALITY, clean_table
from skclassgap.cli.audit._data import (
    EXTRA_MISSING_MARKERS,
    check_target,
    read_table,
    split_target,
)
from skclassgap.cli.audit._defaults import auto_repeats
from skclassgap.cli.audit._describe import describe_preprocessing
from skclassgap.cli.audit._examples import DEFAULT_EXAMPLE
from skclassgap.cli.audit._folds import run_folds
from skclassgap.cli.audit._leakage import single_feature_scores
from skclassgap.cli.audit._measure import (
    fold_means,
    headline,
    metric_column,
    metric_columns,
    per_class_recalls,
    records,
    spectral_summary,
)
from skclassgap.cli.audit._models import MODELS
from skclassgap.cli.audit._preprocess import (
    fit_features,
    make_encoder,
    make_preparation,
)
from skclassgap.cli.audit._progress import Progress
from skclassgap.cli.audit._result import build_result, story
from skclassgap.cli.audit._sentinels import find_sentinels
from skclassgap.cli.audit._strategies import (
    STRATEGIES,
    Context,
    StrategyDeclined,
    build,
)
from skclassgap.cli.audit._verdict import judge, same_predictions
from skclassgap.datasets import load_audit_default


@dataclass
class AuditRun:
    """Everything the renderers need: the JSON-able result and the arrays behind it."""

    result: dict
    y: np.ndarray
    features: np.ndarray  # preprocessed features (for the spectra figure)
    predictions: dict = field(default_factory=dict)  # strategy -> out-of-fold labels
    report: object = None  # per-class report of the baseline (DataFrame)
    spectral_table: object = None  # spectral_imbalance's DataFrame, when computed


@dataclass
class _Data:
    """The audited table after reading, checks and cleaning."""

    cleaned: object  # skclassgap.cli.audit._clean.Cleaned
    y: np.ndarray
    target: str
    source: str
    n_columns: int  # feature columns as read
    missing: dict  # column -> missing values as read (only columns with some)
    markers: list | None  # missing-value markers of a CSV, None for typed input


def _target_array(y_series):
    y = np.asarray(y_series)
    if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)  # a CSV integer target read as float
    if y.dtype.kind == "U":
        y = y.astype(object)
    return y


def load_data(args):
    """Read the table (file or embedded example), split off the target, check it,
    clean the features."""
    drop = list(args.drop or [])
    if args.path is None:
        name = args.example or DEFAULT_EXAMPLE
        data = load_audit_default(name)
        frame, target = data.frame, args.target or data.target.name
        source, where, markers = f"embedded example {name!r}", f"example {name!r}", None
    else:
        frame = read_table(args.path, sep=args.sep, na_values=args.na_values or ())
        target, source, where = args.target, str(args.path), repr(str(args.path))
        typed = str(args.path).lower().endswith((".parquet", ".feather"))
        markers = None if typed else [*EXTRA_MISSING_MARKERS, *(args.na_values or [])]
    X, y_series = split_target(frame, target, drop=drop, name=where)
    check_target(y_series, args.cv)
    missing = {str(c): int(n) for c, n in X.isna().sum().items() if n}
    cleaned = clean_table(X)
    cleaned.decisions[:0] = [
        {"column": c, "action": "dropped", "reason": "--drop"} for c in drop
    ]
    return _Data(
        cleaned=cleaned,
        y=_target_array(y_series),
        target=str(y_series.name),
        source=source,
        n_columns=int(X.shape[1] + len(drop)),
        missing=missing,
        markers=markers,
    )


def _min_train_class(y, splits):
    return int(
        min(np.unique(y[train], return_counts=True)[1].min() for train, _ in splits)
    )


def build_strategies(names, context):
    """Built strategies by name, and the outcomes of those that declined."""
    built, declined = {}, {}
    for name in ["baseline", *names]:
        try:
            built[name] = build(name, context)
        except StrategyDeclined as exc:
            declined[name] = {"status": "declined", "note": str(exc)}
    return built, declined


def _outcome(name, strategy, fits, y, splits, columns, n_pooled):
    """Out-of-fold labels (of the first ``n_pooled`` folds: the first
    repetition) and the outcome of one strategy from its fold fits."""
    errors = [fits[name, i][2] for i in range(len(splits)) if fits[name, i][2]]
    if errors:
        return None, {"status": "failed", "note": errors[0]}
    predictions = np.empty(len(y), dtype=y.dtype)
    folds = {column: [] for column, _, _ in columns}
    for i, (_, test) in enumerate(splits):
        if i < n_pooled:
            predictions[test] = fits[name, i][0]
        for column, score, _ in columns:
            folds[column].append(score(y[test], fits[name, i][0]))
    metrics = {
        column: {
            "mean": float(np.mean(values)),
            "std": float(np.std(values)),
            "folds": [float(v) for v in values],
        }
        for column, values in folds.items()
    }
    seconds = float(sum(fits[name, i][1] for i in range(len(splits))))
    outcome = {
        "status": "ok",
        "note": strategy.note,
        "metrics": metrics,
        "fit_seconds": seconds,
    }
    return predictions, outcome


def run_strategies(built, X, y, splits, columns, *, args, progress):
    """Cross-validate every built strategy; out-of-fold labels and outcomes.

    A strategy that raises ``ValueError`` on this data (its own refusal of the
    input, such as too few neighbours) is reported as failed with the message;
    any other exception is a bug and propagates. The baseline must succeed.
    """
    fits = run_folds(
        built, X, y, splits, n_jobs=args.n_jobs, threads=args.threads, progress=progress
    )
    same = same_predictions(fits, list(built), len(splits))
    predictions, outcomes = {}, {}
    for name, strategy in built.items():
        pred, outcome = _outcome(name, strategy, fits, y, splits, columns, args.cv)
        if pred is None and name == "baseline":
            raise UserError(f"the baseline {args.model} failed: {outcome['note']}")
        if name in same:
            outcome.update(
                status="merged",
                same_as=same[name],
                note=f"same predictions as {same[name]} on every fold"
                + (f"; {strategy.note}" if strategy.note else ""),
            )
        elif pred is not None:
            predictions[name] = pred
        outcomes[name] = outcome
    return predictions, outcomes


def _context(args, data, splits):
    kinds = data.cleaned.kinds
    return Context(
        preparation=make_preparation(kinds),
        encoder=make_encoder(kinds),
        model=MODELS[args.model](args.random_state),
        objective=args.objective,
        random_state=args.random_state,
        min_train_class=_min_train_class(data.y, splits),
        categorical=any(k in (CATEGORICAL, HIGH_CARDINALITY) for k in kinds.values()),
        threads=args.threads,
    )


def run(args, strategies, err=sys.stderr):
    """Run the audit; return an :class:`AuditRun`.

    Steps: read, check and clean the data; the single-feature leakage check;
    fit the preprocessing once for the features of the spectra; build the
    strategies, cross-validate them on the same folds, rank them; summarise
    the baseline per class.
    """
    data = load_data(args)
    X = data.cleaned.X
    if args.repeats is None:
        args.repeats = auto_repeats(len(data.y))
    cv = RepeatedStratifiedKFold(
        n_splits=args.cv, n_repeats=args.repeats, random_state=args.random_state
    )
    splits = list(cv.split(X, data.y))
    # One repetition (each row out of fold once) for the single-column check.
    leakage = single_feature_scores(X, data.cleaned.kinds, data.y, splits[: args.cv])
    context = _context(args, data, splits)
    preparation, encoder = clone(context.preparation), clone(context.encoder)
    features, _ = fit_features(preparation, encoder, X)
    columns = metric_columns(args.objective)

    built, outcomes = build_strategies(strategies, context)
    progress = Progress(
        total=len(built) * len(splits),
        stream=err,
        enabled=not args.quiet and err.isatty(),
    )
    with progress:
        predictions, ran = run_strategies(
            built, X, data.y, splits, columns, args=args, progress=progress
        )
    outcomes = {
        name: {**(outcomes | ran)[name], "summary": STRATEGIES[name].summary}
        for name in ["baseline", *strategies]
    }
    column, _, greater = metric_column(args.objective)
    ranked, verdict = judge(outcomes, column, greater, args)

    numbers, report = headline(
        data.y,
        predictions["baseline"],
        columns,
        ci=args.confidence,
        random_state=args.random_state,
    )
    spectral, spectral_table = spectral_summary(features, data.y)
    baseline = {
        "headline": numbers,
        "fold_mean": fold_means(outcomes["baseline"], columns),
        "per_class": records(report),
    }
    result = build_result(args, data, context, outcomes, ranked, baseline)
    result["verdict"], result["best"] = verdict, verdict["best"]
    result["preprocessing"] = describe_preprocessing(
        data, preparation, features.shape[1], leakage, find_sentinels(data.cleaned)
    )
    result["spectral"] = spectral
    result["per_class_recall"] = per_class_recalls(data.y, predictions, report)
    result["metric_columns"] = [c for c, _, _ in columns]
    result["story"] = story(result, data)
    return AuditRun(result, data.y, features, predictions, report, spectral_table)
