"""The audit run: read and clean the data, cross-validate every strategy on the
same (repeated) folds, compare them to the baseline, summarise the baseline per
class."""

import sys
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold
from threadpoolctl import threadpool_limits

from skclassgap.cli._errors import UserError
from skclassgap.cli._subclasses import subclass_section
from skclassgap.cli.audit._clean import (
    CATEGORICAL,
    HIGH_CARDINALITY,
    clean_table,
    plural,
)
from skclassgap.cli.audit._data import (
    EXTRA_MISSING_MARKERS,
    check_target,
    read_table,
    split_target,
)
from skclassgap.cli.audit._defaults import auto_repeats, resolve_threads
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
from skclassgap.cli.audit._progress import Progress, progress_mode
from skclassgap.cli.audit._result import build_result, story
from skclassgap.cli.audit._sentinels import find_sentinels
from skclassgap.cli.audit._strategies import (
    STRATEGIES,
    Context,
    StrategyDeclined,
    build,
    skipped_by_default,
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
    subclasses: object = None  # SubclassReport of the baseline, with --subclasses


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
    keep = list(args.keep or [])
    X, y_series = split_target(frame, target, drop=drop, keep=keep, name=where)
    check_target(y_series, args.cv)
    missing = {str(c): int(n) for c, n in X.isna().sum().items() if n}
    cleaned = clean_table(X, keep=keep)
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


def build_strategies(names, context, *, default_rows=None):
    """Built strategies by name, and the outcomes of those that declined.

    ``default_rows``: the table's rows when ``names`` is the default set, whose
    strategies may leave large tables out (``Strategy.default_max_rows``).
    """
    built, declined = {}, {}
    for name in ["baseline", *names]:
        skipped = (
            None if default_rows is None else skipped_by_default(name, default_rows)
        )
        if skipped is not None:
            declined[name] = {"status": "declined", "note": skipped}
            continue
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


def run_strategies(built, X, y, splits, columns, *, args, progress, context=None):
    """Cross-validate every built strategy; out-of-fold labels and outcomes.

    The preprocessing of ``context`` is fitted once per fold and shared by
    the strategies that declare it. A strategy that raises ``ValueError`` on
    this data (its own refusal of the input, such as too few neighbours) is
    reported as failed with the message; any other exception is a bug and
    propagates. The baseline must succeed.
    """
    fits, _ = run_folds(
        built,
        X,
        y,
        splits,
        preparation=None if context is None else context.preparation,
        encoder=None if context is None else context.encoder,
        n_jobs=args.n_jobs,
        threads=thread_limits(args),
        progress=progress,
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


def thread_limits(args):
    """The thread limit of each fit: ``args.threads`` OpenMP and
    ``args.blas_threads`` BLAS threads (an int when they agree)."""
    blas = getattr(args, "blas_threads", args.threads)
    if blas == args.threads:
        return args.threads
    return {"openmp": args.threads, "blas": blas}


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
    build the strategies, cross-validate them on the same folds, rank them;
    fit the preprocessing on the whole table for the features of the
    spectra (after the folds, so that its features and the folds' are not
    in memory together); summarise the baseline per class.
    """
    start = time.perf_counter()
    mode = progress_mode(err, args.quiet)
    data = load_data(args)
    # --threads auto becomes a number once the rows are known; args.threads
    # holds the OpenMP threads used from here on, args.threads_option what
    # was asked for.
    args.threads_option = args.threads
    args.threads, args.blas_threads = resolve_threads(
        args.threads, len(data.y), args.n_jobs
    )
    with threadpool_limits(limits=thread_limits(args)):
        return _run_on(data, args, strategies, start, mode, err)


def _run_on(data, args, strategies, start, mode, err):
    """:func:`run` once the data are read and the threads resolved."""
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
    columns = metric_columns(args.objective)

    built, outcomes = build_strategies(
        strategies,
        context,
        default_rows=len(data.y) if args.strategies is None else None,
    )
    progress = Progress(
        total=len(built) * len(splits), stream=err, mode=mode, start=start
    )
    progress.note(
        f"{plural(X.shape[0], 'row')} and {plural(X.shape[1], 'column')} after "
        f"cleaning; fitting {len(built)} strategies on {plural(args.cv, 'fold')}"
        + (f" x {plural(args.repeats, 'repetition')}" if args.repeats > 1 else "")
        + f", {plural(args.threads, 'thread')} each"
    )
    with progress:
        predictions, ran = run_strategies(
            built,
            X,
            data.y,
            splits,
            columns,
            args=args,
            progress=progress,
            context=context,
        )
    outcomes = {
        name: {**(outcomes | ran)[name], "summary": STRATEGIES[name].summary}
        for name in ["baseline", *strategies]
    }
    column, _, greater = metric_column(args.objective)
    ranked, verdict = judge(outcomes, column, greater, args)
    preparation, encoder = clone(context.preparation), clone(context.encoder)
    features, _ = fit_features(preparation, encoder, X)

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
    audit_run = AuditRun(result, data.y, features, predictions, report, spectral_table)
    if args.subclasses:
        lead = verdict["lead"]
        chosen = {"baseline": predictions["baseline"]}
        if lead is not None and lead in predictions:
            chosen[lead] = predictions[lead]
        result["subclasses"], audit_run.subclasses = subclass_section(
            features, data.y, chosen, random_state=args.random_state
        )
    return audit_run
