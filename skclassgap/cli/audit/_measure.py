"""What the audit measures: metric columns, headline numbers, spectra.

The metrics come from the registry of :mod:`skclassgap.metrics._registry`:
the comparison table's columns and the headline are its headline
declarations, plus the ``--objective`` when it is not one of them.
"""

import warnings

import numpy as np

from skclassgap.cli._io import to_python
from skclassgap.metrics import per_class_report
from skclassgap.metrics._registry import headline_metrics, label_metric
from skclassgap.spectral import spectral_imbalance

# Per-class spectra cost O(n_classes * d^3); beyond this many features they are skipped.
MAX_SPECTRAL_FEATURES = 512
# Leading eigenvalues of the spectra's top-k energy share.
SPECTRAL_TOP_K = 10
# Bootstrap resamples of the per-class intervals.
N_BOOT = 1000


def metric_column(scorer_name):
    """Column name, metric function and direction of a scorer name.

    The column holds the metric itself, not the scorer's negated value: the
    spreads are reported as the gap (lower is better).
    """
    metric = label_metric(scorer_name)

    def score(y_true, y_pred):
        return float(metric.score_func(y_true, y_pred, **metric.kwargs))

    return metric.name, score, metric.greater_is_better


def metric_columns(objective):
    """The comparison table's columns (the headline metrics, in display order),
    with the objective's appended if missing."""
    columns = [metric_column(metric.scorer_name) for metric in headline_metrics()]
    if metric_column(objective)[0] not in [c for c, _, _ in columns]:
        columns.append(metric_column(objective))
    return columns


def records(frame):
    """A per-class DataFrame as a list of JSON-able records, the class first."""
    index_name = frame.index.name or "class"
    rows = []
    for label, row in frame.iterrows():
        record = {index_name: to_python(label)}
        for column, value in row.items():
            value = to_python(value)
            if isinstance(value, float) and not np.isfinite(value):
                value = None if np.isnan(value) else str(value)
            elif (
                isinstance(value, float)
                and value.is_integer()
                and column in ("support", "predicted")
            ):
                value = int(value)
            record[str(column)] = value
        rows.append(record)
    return rows


def headline(y, y_pred, columns, *, ci=None, random_state=None):
    """Headline numbers of the pooled out-of-fold predictions, the per-class report
    (with bootstrap intervals at level ``ci``) and the worst class."""
    numbers = {column: score(y, y_pred) for column, score, _ in columns}
    report = per_class_report(
        y,
        y_pred,
        labels=np.unique(y),
        zero_division=0.0,
        ci=ci,
        n_boot=N_BOOT,
        random_state=random_state,
    )
    numbers["worst_class"] = to_python(report["recall"].idxmin())
    numbers["all_classes_equal"] = bool(report["recall"].nunique() == 1)
    return numbers, report


def fold_means(outcome, columns):
    """The mean over the folds of every metric column of an outcome."""
    return {column: outcome["metrics"][column]["mean"] for column, _, _ in columns}


def per_class_recalls(y, predictions, baseline_report):
    """Per-class recall of every strategy, as JSON-able dicts."""
    labels = np.unique(y)
    recalls = {}
    for name, pred in predictions.items():
        report = (
            baseline_report
            if name == "baseline"
            else per_class_report(y, pred, labels=labels, zero_division=0.0)
        )
        recalls[name] = {
            str(to_python(k)): float(v) for k, v in report["recall"].items()
        }
    return recalls


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
    return {"status": "ok", "note": "", "per_class": records(table)}, table
