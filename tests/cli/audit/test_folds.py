"""Tests of the fold fits (``skclassgap.cli.audit._folds``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skclassgap.cli.audit._folds import fit_fold, run_folds
from skclassgap.cli.audit._strategies import Built


class _ThreadProbe(LogisticRegression):
    """Records the OpenMP/BLAS thread counts seen during fit."""

    def fit(self, X, y):
        from threadpoolctl import threadpool_info

        type(self).seen = {(p["user_api"], p["num_threads"]) for p in threadpool_info()}
        return super().fit(X, y)


@pytest.mark.parametrize(
    "threads, expected",
    [
        (1, {"openmp": 1, "blas": 1}),
        (2, {"openmp": 2, "blas": 2}),
        ({"openmp": 2, "blas": 1}, {"openmp": 2, "blas": 1}),
    ],
)
def test_fit_fold_limits_threads(threads, expected):
    """Check that every BLAS/OpenMP pool runs with the requested threads in a fit,
    one number for both or one per pool (--threads auto on a large table)."""
    X = pd.DataFrame({"a": np.arange(20.0)})
    y = np.arange(20) % 2
    idx = np.arange(20)
    pred, seconds, error = fit_fold(Built(_ThreadProbe()), X, y, idx, idx, threads)
    assert error is None and pred.shape == (20,) and seconds >= 0
    for api, n in _ThreadProbe.seen:
        assert n == expected[api], (api, n)


def test_fit_fold_reports_a_refusal_of_the_data():
    """Check that a ValueError while fitting is returned as a message, not raised."""
    X = pd.DataFrame({"a": [np.inf] * 4})
    idx = np.arange(4)
    pred, seconds, error = fit_fold(
        Built(LogisticRegression()), X, np.arange(4) % 2, idx, idx, 1
    )
    assert pred is None and error.startswith("ValueError: Input X contains infinity")


class _Quiet:
    def update(self, label):
        pass

    def advance(self, steps=1):
        pass

    def fold_done(self, fold, n_folds, results, shared_seconds):
        self.folds = getattr(self, "folds", []) + [(fold, sorted(results))]


def _mixed_table(n=150, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(int)
    plates = np.array([f"N{i * 37 % 1000}{'ABCD'[i % 4]}" for i in range(45)])
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n) + y,
            "z": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "colour": rng.choice(["red", "green", "blue"], n),
            "plate": plates[rng.integers(0, 45, n) // (1 + y)],
            "when": pd.date_range("2020-01-01", periods=n, freq="D").astype(str),
        }
    )
    return frame, y


# The mixed table runs every strategy but smote_enn and smote_tomek, which
# decline categorical columns; its numeric columns alone run those two.
_CLEANERS = ["smote_enn", "smote_tomek"]


@pytest.mark.parametrize(
    "columns, names",
    [
        # Every strategy on the mixed table: the full check, slow (about 15 s).
        pytest.param(None, None, marks=pytest.mark.slow),
        (["x", "z"], ["baseline", *_CLEANERS]),
    ],
)
def test_run_folds_shared_preprocessing_equals_whole_pipelines(columns, names):
    """Check that fitting the preparation and the encoder once per fold and
    sharing them gives, for every strategy (the resamplers and ensembles
    included), the same out-of-fold predictions as fitting each strategy's whole
    pipeline per fold."""
    from sklearn.model_selection import StratifiedKFold

    from skclassgap.cli.audit._clean import HIGH_CARDINALITY, clean_table
    from skclassgap.cli.audit._preprocess import make_encoder, make_preparation
    from skclassgap.cli.audit._strategies import (
        STRATEGIES,
        Context,
        StrategyDeclined,
        build,
    )

    frame, y = _mixed_table()
    if columns is not None:
        frame = frame[columns]
    cleaned = clean_table(frame)
    categorical = columns is None
    assert (cleaned.kinds.get("plate") == HIGH_CARDINALITY) == categorical
    context = Context(
        preparation=make_preparation(cleaned.kinds),
        encoder=make_encoder(cleaned.kinds),
        model=LogisticRegression(max_iter=1000),
        objective="g_mean",
        random_state=0,
        min_train_class=20,
        categorical=categorical,
    )
    built, declined = {}, []
    for name in names or STRATEGIES:
        try:
            built[name] = build(name, context)
        except StrategyDeclined:
            declined.append(name)
    assert declined == ([] if names else _CLEANERS)
    assert {b.shared_steps for b in built.values()} == {1, 2}
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(frame, y))
    progress = _Quiet()
    shared, seconds = run_folds(
        built,
        cleaned.X,
        y,
        splits,
        preparation=context.preparation,
        encoder=context.encoder,
        n_jobs=1,
        threads=1,
        progress=progress,
    )
    assert len(seconds) == 3 and min(seconds) > 0
    assert progress.folds == [(i, sorted(built)) for i in range(3)]
    for (name, i), (pred, _, error) in shared.items():
        whole, _, whole_error = fit_fold(built[name], cleaned.X, y, *splits[i], 1)
        assert error is None and whole_error is None
        np.testing.assert_array_equal(pred, whole, err_msg=f"{name} fold {i}")


class _CountingModel(LogisticRegression):
    """Counts its fits (class attribute, reset by the test)."""

    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_run_folds_decision_rules_reuse_the_baseline_fit(n_jobs):
    """Check that in this process logit_adjustment and cost_sensitive, which only
    change the baseline's decisions, reuse the fold's fitted baseline model (one
    fit of the model per fold instead of three) and predict as if they had
    refitted it, as they do in worker processes."""
    from sklearn.model_selection import StratifiedKFold

    from skclassgap.cli.audit._clean import clean_table
    from skclassgap.cli.audit._preprocess import make_encoder, make_preparation
    from skclassgap.cli.audit._strategies import Context, build

    frame, y = _mixed_table()
    cleaned = clean_table(frame)
    context = Context(
        preparation=make_preparation(cleaned.kinds),
        encoder=make_encoder(cleaned.kinds),
        model=_CountingModel(max_iter=1000),
        objective="g_mean",
        random_state=0,
        min_train_class=20,
        categorical=True,
    )
    names = ["baseline", "logit_adjustment", "cost_sensitive"]
    built = {name: build(name, context) for name in names}
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(frame, y))
    _CountingModel.fits = 0
    fits, _ = run_folds(
        built,
        cleaned.X,
        y,
        splits,
        preparation=context.preparation,
        encoder=context.encoder,
        n_jobs=n_jobs,
        threads=1,
        progress=_Quiet(),
    )
    if n_jobs == 1:  # workers refit, and count in their own copy of the class
        assert _CountingModel.fits == len(splits)
    for (name, i), (pred, _, error) in fits.items():
        whole, _, whole_error = fit_fold(built[name], cleaned.X, y, *splits[i], 1)
        assert error is None and whole_error is None
        np.testing.assert_array_equal(pred, whole, err_msg=f"{name} fold {i}")
