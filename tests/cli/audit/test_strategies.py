"""Tests of the audit's strategy registry (``skclassgap.cli.audit._strategies``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skclassgap.cli.audit._clean import clean_table
from skclassgap.cli.audit._preprocess import make_encoder, make_preparation
from skclassgap.cli.audit._strategies import (
    ALL_STRATEGIES,
    DEFAULT_STRATEGIES,
    STRATEGIES,
    Context,
    StrategyDeclined,
    build,
)
from skclassgap.compose import ResampledClassifier


def _context(model, min_train_class=10, categorical=False):
    return Context(
        preparation=StandardScaler(),
        encoder=FunctionTransformer(),
        model=model,
        objective="g_mean",
        random_state=0,
        min_train_class=min_train_class,
        categorical=categorical,
    )


def test_strategies_registry_lists_the_issue_families():
    """Check that the registry holds the baseline and the seven mitigations, in
    order (cost_sensitive after logit_adjustment, into which it merges when the
    two give the same predictions)."""
    assert list(STRATEGIES) == [
        "baseline",
        "class_weight",
        "smote",
        "gaussian_oversampling",
        "random_undersampling",
        "smote_enn",
        "smote_tomek",
        "balanced_bagging",
        "easy_ensemble",
        "balanced_random_forest",
        "rus_boost",
        "self_paced_ensemble",
        "threshold",
        "logit_adjustment",
        "cost_sensitive",
        "spectral_balancing",
    ]
    assert ALL_STRATEGIES == list(STRATEGIES)[1:]
    opt_in = {"easy_ensemble", "rus_boost"}
    assert DEFAULT_STRATEGIES == [n for n in ALL_STRATEGIES if n not in opt_in]


@pytest.mark.parametrize(
    "model, param",
    [
        (LogisticRegression(), "class_weight"),
        (HistGradientBoostingClassifier(), "class_weight"),
    ],
)
def test_class_weight_sets_balanced_class_weight(model, param):
    """Check that models with class_weight get class_weight='balanced'."""
    built = build("class_weight", _context(model))
    assert built.estimator.named_steps["model"].get_params()[param] == "balanced"
    assert built.fit_params is None
    assert model.get_params()[param] is None  # the base model is not modified


def test_class_weight_falls_back_to_balanced_sample_weight():
    """Check that a model without class_weight gets balanced sample weights per fold."""
    built = build("class_weight", _context(GaussianNB()))
    y = np.array([0, 0, 0, 1])
    params = built.fit_params(y)
    np.testing.assert_allclose(
        params["model__sample_weight"], compute_sample_weight("balanced", y)
    )
    X, y = load_iris(return_X_y=True)
    built.estimator.fit(X, y, **built.fit_params(y))  # the routing name is right


@pytest.mark.parametrize(
    "model, same_as_class_weight",
    [
        (LogisticRegression(max_iter=500), False),
        # Balanced weights change only Gaussian naive Bayes's class prior, to
        # uniform: its argmax is then argmax p_j / pi_j too (the audit merges).
        (GaussianNB(), True),
        (KNeighborsClassifier(), None),  # no class_weight strategy
    ],
    ids=["logreg", "naive_bayes", "knn"],
)
def test_cost_sensitive_is_not_class_weight(model, same_as_class_weight):
    """Check that cost_sensitive fits the model unweighted and decides by minimum
    risk under costs inverse to the training fold's class frequencies: its
    predictions are argmax p_j / pi_j of the plain model, which differ from the
    class_weight fit's on imbalanced data unless the weights only shift the
    model's prior."""
    X, y = load_iris(return_X_y=True)
    keep = np.r_[0:10, 50:150]  # class counts 10, 50, 50
    X, y = X[keep], y[keep]
    X = X + np.random.default_rng(0).normal(0, 0.6, X.shape)  # classes overlap
    built = build("cost_sensitive", _context(model))
    fitted = built.estimator.fit(X, y)
    inner = fitted.named_steps["model"]
    assert inner.training_ == "none" and inner.decision_ == "min_risk"
    plain = fitted.named_steps["model"].estimator_
    prior = np.bincount(y) / len(y)
    proba = plain.predict_proba(fitted[:-1].transform(X))
    expected = np.argmax(proba / prior, axis=1)
    np.testing.assert_array_equal(fitted.predict(X), expected)
    if same_as_class_weight is None:
        with pytest.raises(StrategyDeclined):
            build("class_weight", _context(model))
        return
    weighted = build("class_weight", _context(model))
    params = weighted.fit_params(y) if weighted.fit_params else {}
    other = weighted.estimator.fit(X, y, **params).predict(X)
    assert np.array_equal(other, fitted.predict(X)) == same_as_class_weight


def test_class_weight_declined_for_knn():
    """Check that KNN, which takes neither weight, is declined with a note."""
    with pytest.raises(StrategyDeclined, match="KNeighborsClassifier takes neither"):
        build("class_weight", _context(KNeighborsClassifier()))


def test_rus_boost_declined_for_knn():
    """Check that boosting is declined for a model that takes no sample_weight."""
    with pytest.raises(StrategyDeclined, match="takes no sample_weight"):
        build("rus_boost", _context(KNeighborsClassifier()))


@pytest.mark.parametrize(
    "name, wraps",
    [
        ("balanced_bagging", True),
        ("rus_boost", True),
        ("easy_ensemble", False),
        ("balanced_random_forest", False),
        ("self_paced_ensemble", False),
    ],
)
def test_ensemble_strategies_wrap_or_replace_the_model(name, wraps):
    """Check that bagging and boosting wrap --model (its clone is inside the
    ensemble) while the tree ensembles replace it, as --help says."""
    model = LogisticRegression(C=0.123)
    built = build(name, _context(model))
    ensemble = built.estimator.steps[-1][1]
    inner = getattr(ensemble, "estimator", None)
    if isinstance(inner, Pipeline):
        inner = inner.steps[-1][1]
    found = isinstance(inner, LogisticRegression) and inner.C == 0.123
    assert found == wraps
    assert ("wraps the model" in built.note) == wraps


@pytest.mark.parametrize("name", ["smote", "smote_enn", "smote_tomek", "threshold"])
def test_strategy_declines_single_row_classes(name):
    """Check that resampling and inner CV are declined when a class has one training
    row."""
    with pytest.raises(StrategyDeclined, match="single row"):
        build(name, _context(LogisticRegression(), min_train_class=1))


@pytest.mark.parametrize("name", ALL_STRATEGIES)
def test_strategy_builds_a_pipeline_that_fits(name):
    """Check that every strategy builds, fits and predicts iris well."""
    built = build(name, _context(LogisticRegression(max_iter=500)))
    X, y = load_iris(return_X_y=True)
    params = built.fit_params(y) if built.fit_params else {}
    model = built.estimator.fit(X, y, **params)
    assert model.steps[0][0] == "prepare"
    assert set(model.predict(X)) <= {0, 1, 2}
    assert (model.predict(X) == y).mean() > 0.8


def test_strategy_factory_bug_propagates(monkeypatch):
    """Check that an error inside a factory is raised, not turned into a note."""

    def broken(context):
        raise AttributeError("module 'skclassgap.over_sampling' has no attribute 'X'")

    monkeypatch.setitem(
        STRATEGIES, "smote", STRATEGIES["smote"].__class__("smote", "", broken)
    )
    with pytest.raises(AttributeError, match="has no attribute 'X'"):
        build("smote", _context(LogisticRegression()))


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "when": pd.date_range("2020-01-01", periods=n, freq="7D").astype(str),
        }
    )


def _table_context(categorical):
    cleaned = clean_table(_table(60) if categorical else _table(60)[["x", "when"]])
    return Context(
        preparation=make_preparation(cleaned.kinds),
        encoder=make_encoder(cleaned.kinds),
        model=LogisticRegression(),
        objective="g_mean",
        random_state=0,
        min_train_class=10,
        categorical=categorical,
    ), cleaned


@pytest.mark.parametrize("name", ["smote", "gaussian_oversampling"])
def test_oversampling_resamples_the_prepared_table_before_encoding(name):
    """Check the pipeline shape on a table without categories: preparation, then a
    ResampledClassifier whose estimator encodes and fits; the synthetic rows
    stay inside the prepared table's numeric range per class (SMOTE) and the
    resampled classes are balanced."""
    context, cleaned = _table_context(categorical=False)
    built = build(name, context)
    steps = built.estimator.steps
    assert [s for s, _ in steps] == ["prepare", "model"]
    resampled = steps[1][1]
    assert isinstance(resampled, ResampledClassifier)
    assert [s for s, _ in resampled.estimator.steps] == ["encode", "model"]
    y = np.r_[np.zeros(45, dtype=int), np.ones(15, dtype=int)]
    model = built.estimator.fit(cleaned.X, y)
    sampler = model.named_steps["model"].sampler_
    X_prep = model.named_steps["prepare"].transform(cleaned.X)
    X_res, y_res = sampler.fit_resample(X_prep, y)
    assert np.bincount(y_res).tolist() == [45, 45]
    assert list(X_res.columns) == list(X_prep.columns)
    if name == "smote":
        minority = X_prep[y == 1]
        assert (X_res[y_res == 1].min() >= minority.min() - 1e-12).all()
        assert (X_res[y_res == 1].max() <= minority.max() + 1e-12).all()


@pytest.mark.parametrize(
    "name, sampler, note",
    [
        ("smote", "SMOTENC", "SMOTE-NC, k_neighbors=5"),
        ("gaussian_oversampling", "GaussianOverSampler", "categories drawn"),
    ],
)
def test_oversampling_with_categories_resamples_before_encoding(name, sampler, note):
    """Check that a table with categorical columns is resampled before encoding
    (SMOTE-NC, the mixed Gaussian rule): every synthetic row holds only category
    values its column has, the categories stay categorical, and the classes are
    balanced."""
    context, cleaned = _table_context(categorical=True)
    built = build(name, context)
    assert built.note.startswith(note)
    steps = built.estimator.steps
    assert [s for s, _ in steps] == ["prepare", "model"]
    resampled = steps[1][1]
    assert type(resampled.sampler).__name__ == sampler
    assert [s for s, _ in resampled.estimator.steps] == ["encode", "model"]
    y = np.r_[np.zeros(45, dtype=int), np.ones(15, dtype=int)]
    model = built.estimator.fit(cleaned.X, y)
    X_prep = model.named_steps["prepare"].transform(cleaned.X)
    X_res, y_res = model.named_steps["model"].sampler_.fit_resample(X_prep, y)
    assert np.bincount(y_res).tolist() == [45, 45]
    assert X_res["colour"].dtype == X_prep["colour"].dtype
    synthetic = X_res["colour"].iloc[len(y) :]
    assert len(synthetic) == 30
    assert set(synthetic) <= set(X_prep["colour"][y == 1])


def test_pipeline_is_plain_scikit_learn():
    """Check that a built strategy is an ordinary Pipeline that clones."""
    from sklearn.base import clone

    context, _ = _table_context(categorical=True)
    built = build("baseline", context)
    assert isinstance(clone(built.estimator), Pipeline)


@pytest.mark.parametrize(
    "name, kept", [("random_undersampling", [15, 15]), ("smote_enn", None)]
)
def test_under_sampling_strategies_resample_the_prepared_table(name, kept):
    """Check that the under-sampling strategies resample the prepared table
    before encoding, move probabilities back to the original prior, and (random
    under-sampling) keep the smallest class's count of every class."""
    context, cleaned = _table_context(categorical=False)
    built = build(name, context)
    resampled = built.estimator.steps[1][1]
    assert isinstance(resampled, ResampledClassifier)
    assert resampled.proba_prior == "original"
    y = np.r_[np.zeros(45, dtype=int), np.ones(15, dtype=int)]
    model = built.estimator.fit(cleaned.X, y)
    X_prep = model.named_steps["prepare"].transform(cleaned.X)
    X_res, y_res = model.named_steps["model"].sampler_.fit_resample(X_prep, y)
    if kept is not None:
        assert np.bincount(y_res).tolist() == kept
    else:  # SMOTE to 45 + 45, then ENN removes rows of both classes
        assert np.bincount(y_res).max() <= 45 and len(y_res) < 90
    proba = model.predict_proba(cleaned.X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", ["smote_enn", "smote_tomek"])
def test_cleaning_strategies_declined_on_categorical_tables(name):
    """Check that SMOTE + cleaning is declined, with the reason, on a table with
    categorical columns (the cleaners' neighbour search takes numbers only)."""
    context, _ = _table_context(categorical=True)
    with pytest.raises(StrategyDeclined, match="categorical columns"):
        build(name, context)
