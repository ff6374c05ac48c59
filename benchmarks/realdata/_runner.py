"""Repeated stratified cross-validation of every method on every data set.

One task is one (data set, model) pair: its 2 x 5 folds (``n_splits`` x
``n_repeats``, seeded) are fitted by every method in turn, fold by fold, so a
method and its peer see the same training rows back to back (the fit-time
ratio then compares runs under the same machine load). Tasks are spread over
joblib workers, largest first; each worker's BLAS/OpenMP pools are limited to
one thread so that workers do not oversubscribe the cores.
"""

import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import RepeatedStratifiedKFold

from benchmarks.realdata._methods import Context

SCORES = ("g_mean", "macro_f1", "balanced_accuracy", "class_gap", "worst_class_recall")
# Direction of each score: True when larger is better.
GREATER_IS_BETTER = {
    "g_mean": True,
    "macro_f1": True,
    "balanced_accuracy": True,
    "class_gap": False,
    "worst_class_recall": True,
}
_COUNT_METRIC = {
    "g_mean": "g_mean",
    "macro_f1": "macro_f1",
    "balanced_accuracy": "balanced_accuracy",
    "class_gap": "neg_class_gap",  # its count form returns the gap itself
    "worst_class_recall": "worst_class_recall",
}


def fold_scores(y_true, y_pred):
    """The five scores of one binary fold, from one pass of per-class counts.

    Uses the count forms of ``skclassgap.metrics`` (``label_metric(name)
    .from_counts``); ``tests/benchmarks`` checks them against the public
    functions.
    """
    from skclassgap.metrics._scorer import label_metric

    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    support = np.bincount(y_true, minlength=2)
    predicted = np.bincount(y_pred, minlength=2)
    tp = np.bincount(y_true[y_true == y_pred], minlength=2)
    return {
        score: float(label_metric(name).from_counts(tp, support, predicted))
        for score, name in _COUNT_METRIC.items()
    }


def splits(y, n_splits, n_repeats, seed):
    """The (train, test) index pairs of the repeated stratified CV."""
    cv = RepeatedStratifiedKFold(
        n_splits=n_splits, n_repeats=n_repeats, random_state=seed
    )
    return list(cv.split(np.zeros((y.size, 1)), y))


def context(model, y, folds, seed, impute):
    """Per-data-set settings every method shares (see :class:`Context`)."""
    smallest = min(int(y[train].sum()) for train, _ in folds)
    return Context(
        model=model,
        seed=seed,
        k_neighbors=max(1, min(5, smallest - 1)),
        inner_cv=max(2, min(5, smallest)),
        imbalance_ratio=float((y.size - y.sum()) / y.sum()),
        impute=impute,
    )


def run_task(name, X, y, model, methods, n_splits, n_repeats, seed):
    """Fit every method on every fold of one data set; return one row per fit."""
    from threadpoolctl import threadpool_limits

    folds = splits(y, n_splits, n_repeats, seed)
    ctx = context(model, y, folds, seed, impute=bool(np.isnan(X).any()))
    rows = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for split, (train, test) in enumerate(folds):
            for method in methods:
                row = {
                    "dataset": name,
                    "model": model,
                    "method": method.name,
                    "split": split,
                    "error": "",
                }
                try:
                    estimator = method.build(ctx, method.resolve())
                    start, start_cpu = time.perf_counter(), time.process_time()
                    estimator.fit(X[train], y[train])
                    row["fit_time"] = time.perf_counter() - start
                    row["fit_cpu"] = time.process_time() - start_cpu
                    row.update(fold_scores(y[test], estimator.predict(X[test])))
                except Exception as exc:  # noqa: BLE001 - recorded, reported
                    row["error"] = f"{type(exc).__name__}: {exc}"[:200]
                    row["fit_time"] = row["fit_cpu"] = np.nan
                    row.update(dict.fromkeys(SCORES, np.nan))
                rows.append(row)
    return rows


def run(
    datasets,
    methods,
    *,
    models=("logreg", "hgb"),
    n_splits=2,
    n_repeats=5,
    seed=0,
    n_jobs=1,
    verbose=0,
):
    """Run every (data set, model) task; return the list of per-fit rows.

    Tasks run largest first (rows x features) so the last ones to finish are
    short. The order of the returned rows does not depend on ``n_jobs``.
    """
    tasks = [(d, m) for d in datasets for m in models]
    tasks.sort(key=lambda t: -t[0].X.shape[0] * (t[0].X.shape[1] + 10))
    results = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(run_task)(d.name, d.X, d.y, m, methods, n_splits, n_repeats, seed)
        for d, m in tasks
    )
    rows = [row for task_rows in results for row in task_rows]
    order = {
        (d.name, m): i
        for i, (d, m) in enumerate(
            sorted(tasks, key=lambda t: (t[0].name, models.index(t[1])))
        )
    }
    rows.sort(
        key=lambda r: (
            order[(r["dataset"], r["model"])],
            r["split"],
            [x.name for x in methods].index(r["method"]),
        )
    )
    return rows
