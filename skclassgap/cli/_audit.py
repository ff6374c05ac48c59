"""``skclassgap audit``: cross-validate a baseline and mitigations, report per class."""

import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from skclassgap import __version__
from skclassgap.cli._clean import CATEGORICAL, HIGH_CARDINALITY, clean_table
from skclassgap.cli._data import (
    EXTRA_MISSING_MARKERS,
    check_target,
    read_table,
    split_target,
)
from skclassgap.cli._describe import describe_preprocessing
from skclassgap.cli._errors import UserError
from skclassgap.cli._examples import DEFAULT_EXAMPLE
from skclassgap.cli._folds import run_folds
from skclassgap.cli._leakage import single_feature_scores
from skclassgap.cli._models import MODELS
from skclassgap.cli._preprocess import fit_features, make_encoder, make_preparation
from skclassgap.cli._progress import Progress
from skclassgap.cli._report import HEADLINE_NOTE, TABLE_NOTE
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
# Leading eigenvalues of the spectra's top-k energy share.
SPECTRAL_TOP_K = 10
# Two fold means closer than this are a tie (same rank).
TIE_TOLERANCE = 1e-12


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


@dataclass
class _Data:
    """The audited table after reading, checks and cleaning."""

    cleaned: object  # skclassgap.cli._clean.Cleaned
    y: np.ndarray
    target: str
    source: str
    n_columns: int  # feature columns as read
    missing: dict  # column -> missing values as read (only columns with some)
    markers: list | None  # missing-value markers of a CSV, None for typed input


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
            elif (
                isinstance(value, float)
                and value.is_integer()
                and column
                in (
                    "support",
                    "predicted",
                )
            ):
                value = int(value)
            record[str(column)] = value
        rows.append(record)
    return rows


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


def headline(y, y_pred, columns):
    """Headline numbers of the pooled out-of-fold predictions, the per-class report
    and the worst class."""
    numbers = {column: score(y, y_pred) for column, score, _ in columns}
    report = per_class_report(y, y_pred, labels=np.unique(y), zero_division=0.0)
    numbers["worst_class"] = _python(report["recall"].idxmin())
    numbers["all_classes_equal"] = bool(report["recall"].nunique() == 1)
    return numbers, report


def spectral_summary(features, y):
    """Per-class spectral-imbalance table, or a note saying why there is none.

    The top-k energy share is left out when k reaches the number of features
    (it is then 1 for every class).
    """
    n_features = features.shape[1]
    if n_features > MAX_SPECTRAL_FEATURES:
        return {
            "status": "skipped",
            "note": f"{n_features} features after preprocessing; spectra are "
            f"computed up to {MAX_SPECTRAL_FEATURES}",
        }, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = spectral_imbalance(features, y, top_k=SPECTRAL_TOP_K)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {"status": "failed", "note": " ".join(str(exc).split())}, None
    if SPECTRAL_TOP_K >= n_features:
        table = table.drop(columns="top_k_energy_share")
    return {"status": "ok", "note": "", "per_class": _records(table)}, table


def _min_train_class(y, splits):
    return int(
        min(np.unique(y[train], return_counts=True)[1].min() for train, _ in splits)
    )


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


def _outcome(name, strategy, fits, y, splits, columns):
    """Out-of-fold labels and the outcome of one strategy from its fold fits."""
    errors = [fits[name, i][2] for i in range(len(splits)) if fits[name, i][2]]
    if errors:
        return None, {"status": "failed", "note": errors[0]}
    predictions = np.empty(len(y), dtype=y.dtype)
    folds = {column: [] for column, _, _ in columns}
    for i, (_, test) in enumerate(splits):
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
    predictions, outcomes = {}, {}
    for name, strategy in built.items():
        pred, outcome = _outcome(name, strategy, fits, y, splits, columns)
        if pred is None and name == "baseline":
            raise UserError(f"the baseline {args.model} failed: {outcome['note']}")
        if pred is not None:
            predictions[name] = pred
        outcomes[name] = outcome
    return predictions, outcomes


def rank(outcomes, column, greater_is_better):
    """Names of the strategies that ran, best first on ``column``; ranks set.

    Equal fold means share a rank (1, 2, 2, 4).
    """
    ranked = sorted(
        (n for n, o in outcomes.items() if o["status"] == "ok"),
        key=lambda n: outcomes[n]["metrics"][column]["mean"],
        reverse=greater_is_better,
    )
    previous, previous_rank = None, 0
    for position, name in enumerate(ranked, start=1):
        mean = outcomes[name]["metrics"][column]["mean"]
        tied = previous is not None and abs(mean - previous) <= TIE_TOLERANCE
        outcomes[name]["rank"] = previous_rank if tied else position
        previous, previous_rank = mean, outcomes[name]["rank"]
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


def _result(args, data, context, outcomes, ranked, baseline):
    """The JSON-able result of the audit."""
    objective_column, _, objective_greater = metric_column(args.objective)
    names = ["baseline", *(n for n in outcomes if n != "baseline")]
    best = ranked[0] if ranked else None
    if best is not None and outcomes[best]["rank"] == outcomes["baseline"].get("rank"):
        best = "baseline"  # a tie with the baseline is no improvement
    return {
        "skclassgap_version": __version__,
        "data": {
            "source": data.source,
            "target": data.target,
            "n_rows": int(len(data.y)),
            "n_features": int(data.cleaned.X.shape[1]),
            "n_columns_read": data.n_columns,
            "n_classes": int(len(np.unique(data.y))),
        },
        "model": {"name": args.model, "estimator": repr(context.model)},
        "cv": {"n_splits": args.cv, "shuffle": True, "random_state": args.random_state},
        "execution": {"n_jobs": args.n_jobs, "threads_per_fit": args.threads},
        "objective": {
            "name": args.objective,
            "column": objective_column,
            "greater_is_better": objective_greater,
        },
        "notes": {
            "headline": f"baseline headline and per-class numbers: {HEADLINE_NOTE}",
            "strategies": "strategy metrics: "
            + TABLE_NOTE.format(pm=" and ")
            + "; equal means share a rank",
        },
        "baseline": baseline,
        "strategies": {name: outcomes[name] for name in names},
        "ranking": ranked,
        "best": best,
    }


def story(result, data):
    """The two facts the report leads with: the class the baseline fails and what
    the best mitigation changes (paired per-fold differences: mean and std)."""
    numbers = result["baseline"]["headline"]
    worst = numbers["worst_class"]
    recalls = result["per_class_recall"]
    key = str(worst)
    column = result["objective"]["column"]
    facts = {
        "worst_class": worst,
        "worst_class_support": int(np.sum(data.y == worst)),
        "worst_class_recall": recalls["baseline"][key],
        "all_classes_equal": numbers["all_classes_equal"],
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

    Steps: read, check and clean the data; the single-feature leakage check;
    fit the preprocessing once for the features of the spectra; build the
    strategies, cross-validate them on the same folds, rank them; summarise
    the baseline per class.
    """
    data = load_data(args)
    X = data.cleaned.X
    cv = StratifiedKFold(n_splits=args.cv, shuffle=True, random_state=args.random_state)
    splits = list(cv.split(X, data.y))
    leakage = single_feature_scores(X, data.cleaned.kinds, data.y, splits)
    context = _context(args, data, splits)
    preparation, encoder = clone(context.preparation), clone(context.encoder)
    features, _ = fit_features(preparation, encoder, X)
    columns = _metric_columns(args.objective)

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
    ranked = rank(outcomes, column, greater)

    numbers, report = headline(data.y, predictions["baseline"], columns)
    spectral, spectral_table = spectral_summary(features, data.y)
    result = _result(
        args,
        data,
        context,
        outcomes,
        ranked,
        {"headline": numbers, "per_class": _records(report)},
    )
    result["preprocessing"] = describe_preprocessing(
        data, preparation, features.shape[1], leakage
    )
    result["spectral"] = spectral
    result["per_class_recall"] = _recalls(data.y, predictions, report)
    result["metric_columns"] = [c for c, _, _ in columns]
    result["story"] = story(result, data)
    return AuditRun(result, data.y, features, predictions, report, spectral_table)
