"""Fit and predict every (strategy, fold) pair, in this process or in workers.

The preprocessing is fitted once per fold and shared: the preparation
(imputation, scaling, calendar features) and the encoder (one-hot, string
similarity) are fitted on the fold's training rows, and each strategy fits
only the rest of its pipeline (see ``Built.shared_steps``) on their output:
the encoded features for the strategies that train on the fold's rows, the
prepared table for the resamplers, whose new rows go through the same
fitted encoder.

Each fit runs under a thread limit (``threads``: OpenMP and BLAS threads,
an int for both or a ``{user_api: threads}`` dict; ``--threads auto`` gives
one on small tables, whose many small fits would oversubscribe the cores,
and every core to the OpenMP fits of large ones). Parallelism over the
(strategy, fold) pairs comes from ``n_jobs`` worker processes; the fold's
shared preprocessing is fitted in this process while the workers fit the
previous fold's strategies.
"""

import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from skclassgap._compat import _safe_indexing


@dataclass
class FoldInputs:
    """One fold's shared preprocessing: its fitted steps and their outputs.

    ``error`` is the message of a ``ValueError`` raised while fitting them
    (every strategy of the fold then fails with it).
    """

    train: np.ndarray
    test: np.ndarray
    encoder: object = None
    prepared: tuple = (None, None)  # (train, test) prepared tables
    encoded: tuple = (None, None)  # (train, test) features
    seconds: float = 0.0
    error: str | None = None


def _message(exc):
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def fit_shared(preparation, encoder, X, train, test, threads):
    """Fit clones of ``preparation`` and ``encoder`` on ``train``; transform both
    sides. Returns a :class:`FoldInputs`."""
    from threadpoolctl import threadpool_limits

    inputs = FoldInputs(train, test)
    start = time.perf_counter()
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prepare = clone(preparation)
            prepared_train = prepare.fit_transform(_safe_indexing(X, train))
            prepared_test = prepare.transform(_safe_indexing(X, test))
            encode = clone(encoder).fit(prepared_train)
            encoded_train = np.asarray(encode.transform(prepared_train), np.float64)
            encoded_test = np.asarray(encode.transform(prepared_test), np.float64)
        except ValueError as exc:
            inputs.error = _message(exc)
            return inputs
    inputs.encoder = encode
    inputs.prepared = prepared_train, prepared_test
    inputs.encoded = encoded_train, encoded_test
    inputs.seconds = time.perf_counter() - start
    return inputs


def _fit_predict(estimator, X_train, y_train, X_test, params, threads, keep=None):
    """``(predictions, fit seconds, None)`` or ``(None, 0.0, message)``; the
    fitted ``estimator`` goes to ``keep["fitted"]`` when ``keep`` is a dict."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter, once per fold
        try:
            start = time.perf_counter()
            estimator.fit(X_train, y_train, **params)
            seconds = time.perf_counter() - start
            predictions = np.asarray(estimator.predict(X_test))
        except ValueError as exc:
            return None, 0.0, _message(exc)
    if keep is not None:
        keep["fitted"] = estimator
    return predictions, seconds, None


def fit_fold(built, X, y, train, test, threads):
    """Fit a clone of ``built.estimator`` on ``train``, predict ``test``.

    Returns ``(predictions, fit seconds, None)``, or ``(None, 0.0, message)``
    when the estimator refuses the data with a ``ValueError``.
    """
    y_train = y[train]
    params = built.fit_params(y_train) if built.fit_params else {}
    return _fit_predict(
        clone(built.estimator),
        _safe_indexing(X, train),
        y_train,
        _safe_indexing(X, test),
        params,
        threads,
    )


def head(built, encoder=None, model=None):
    """The part of ``built.estimator`` fitted per strategy (after its shared
    steps), with the fold's fitted ``encoder``, frozen, where it asks for it,
    and the fold's fitted baseline ``model``, frozen, when given and asked for
    (``Built.model_param``)."""
    from sklearn.frozen import FrozenEstimator

    rest = clone(built.estimator[built.shared_steps :])
    if built.encoder_param is not None:
        rest.set_params(**{built.encoder_param: FrozenEstimator(encoder)})
    if model is not None and built.model_param is not None:
        rest.set_params(**{built.model_param: FrozenEstimator(model)})
    return rest


def fit_head(built, X_train, X_test, y_train, encoder, threads, model=None, keep=None):
    """Fit the strategy's own steps on the fold's shared preprocessing
    (``X_train``: its encoded features or prepared table), predict ``X_test``.
    ``model``: the fold's fitted baseline model, for a strategy that declares
    ``model_param``; ``keep``: a dict that receives the fitted steps (in this
    process). Returns what :func:`fit_fold` returns."""
    params = built.fit_params(y_train) if built.fit_params else {}
    return _fit_predict(
        head(built, encoder, model), X_train, y_train, X_test, params, threads, keep
    )


def _failed(message):
    return None, 0.0, message


def _task(built, inputs, X, y, train, test, threads, baseline=None):
    """The function and arguments that fit ``built`` on one fold.

    ``baseline``: None, or a dict shared with the fold's baseline fit in this
    process (the baseline's task stores its fitted steps in it; a strategy
    declaring ``model_param`` then gets the baseline's fitted model).
    """
    if not built.shared_steps:
        return fit_fold, (built, X, y, train, test, threads)
    if inputs.error is not None:
        return _failed, (inputs.error,)
    data = inputs.encoded if built.shared_steps == 2 else inputs.prepared
    encoder = inputs.encoder if built.encoder_param else None
    model = keep = None
    if baseline is not None:
        if built.model_param is not None and "fitted" in baseline:
            model = baseline["fitted"][-1]
        elif built.model_param is None and not baseline:
            keep = baseline  # the baseline's own task, first of the fold
    return fit_head, (built, *data, y[train], encoder, threads, model, keep)


def _tasks(built, X, y, splits, preparation, encoder, threads, on_fold, reuse):
    """``(name, fold, function, args)`` of every pair, fold after fold; the
    fold's shared preprocessing is fitted when its first pair is asked for.

    With ``reuse`` (pairs run in this process, in order), the strategies that
    declare ``Built.model_param`` get the fold's fitted baseline model instead
    of refitting it: the same model on the same rows.

    No reference to a fold's arrays outlives its last pair here (the next
    fold's are fitted when that pair is done, not beside it).
    """
    shared = any(b.shared_steps for b in built.values())
    reuse = reuse and built.get("baseline") is not None
    reuse = reuse and built["baseline"].shared_steps == 2
    for i, (train, test) in enumerate(splits):
        inputs = None
        if shared:
            inputs = fit_shared(preparation, encoder, X, train, test, threads)
            on_fold(i, inputs)
        baseline = {} if reuse else None
        for name, b in built.items():
            given = baseline if name == "baseline" or b.model_param else None
            yield (name, i, *_task(b, inputs, X, y, train, test, threads, given))
        inputs = baseline = None


def _in_process(calls):
    for function, args in calls:
        result = function(*args)
        del args  # before the next call fits the next fold's preprocessing
        yield result


def run_folds(
    built, X, y, splits, *, preparation=None, encoder=None, n_jobs, threads, progress
):
    """``{(strategy, fold index): (predictions, seconds, error)}`` for every pair,
    and the seconds of each fold's shared preprocessing.

    ``preparation`` and ``encoder`` are the unfitted shared steps of the
    strategies that declare ``shared_steps``.
    """
    shared_seconds = [0.0] * len(splits)

    def on_fold(i, inputs):
        shared_seconds[i] = inputs.seconds
        progress.update(f"fold {i + 1}/{len(splits)} preprocessing")

    # In this process the pairs run in order, the baseline first of each fold:
    # the strategies that only change its decisions reuse its fitted model.
    tasks = _tasks(
        built, X, y, splits, preparation, encoder, threads, on_fold, n_jobs == 1
    )
    keys = []

    def calls():
        for name, i, function, args in tasks:
            keys.append((name, i))
            yield function, args
            del args

    if n_jobs == 1:
        results = _in_process(calls())
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(function)(*args) for function, args in calls()
        )
    out = {}
    per_fold = len(built)
    for position, result in enumerate(results):
        name, i = keys[position]
        out[name, i] = result
        progress.update(f"{name} fold {i + 1}/{len(splits)}")
        progress.advance()
        if position % per_fold == per_fold - 1:
            fold = {n: out[n, i] for n in built}
            progress.fold_done(i, len(splits), fold, shared_seconds[i])
    return out, shared_seconds
