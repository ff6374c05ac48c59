"""Fit and predict every (strategy, fold) pair, in this process or in workers.

Each fit runs under a thread limit (``threads`` OpenMP and BLAS threads,
default one): the audit makes many small fits, and letting each one spread
over every core oversubscribes them. Parallelism comes from ``n_jobs``
worker processes over the (strategy, fold) pairs instead.
"""

import time
import warnings

import numpy as np
from sklearn.base import clone

from skclassgap._compat import _safe_indexing


def fit_fold(built, X, y, train, test, threads):
    """Fit a clone of ``built.estimator`` on ``train``, predict ``test``.

    Returns ``(predictions, fit seconds, None)``, or ``(None, 0.0, message)``
    when the estimator refuses the data with a ``ValueError``.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter, once per fold
        estimator = clone(built.estimator)
        y_train = y[train]
        params = built.fit_params(y_train) if built.fit_params else {}
        try:
            start = time.perf_counter()
            estimator.fit(_safe_indexing(X, train), y_train, **params)
            seconds = time.perf_counter() - start
            predictions = np.asarray(estimator.predict(_safe_indexing(X, test)))
        except ValueError as exc:
            return None, 0.0, f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return predictions, seconds, None


def run_folds(built, X, y, splits, *, n_jobs, threads, progress):
    """``{(strategy, fold index): fit_fold's result}`` for every pair."""
    tasks = [(name, i) for name in built for i in range(len(splits))]

    def call(name, i):
        train, test = splits[i]
        return fit_fold(built[name], X, y, train, test, threads)

    if n_jobs == 1:
        results = (call(name, i) for name, i in tasks)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(fit_fold)(built[name], X, y, *splits[i], threads)
            for name, i in tasks
        )
    out = {}
    for (name, i), result in zip(tasks, results, strict=True):
        out[name, i] = result
        progress.update(f"{name} fold {i + 1}/{len(splits)}")
        progress.advance()
    return out
