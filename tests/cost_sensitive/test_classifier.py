import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.utils.estimator_checks import check_estimator

from skclassgap.cost_sensitive import (
    CostSensitiveClassifier,
    expected_cost,
    make_cost_scorer,
)
from tests.naive import min_risk_naive

IRIS_X, IRIS_Y = load_iris(return_X_y=True)
IRIS_COST = np.array([[0.0, 2.0, 8.0], [1.0, 0.0, 3.0], [6.0, 1.0, 0.0]])


def _breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)  # 0 = malignant
    return StandardScaler().fit_transform(X), y


def _expected_row_weights(class_weights, y, classes, sample_weight=None):
    """The documented rule: s_r * w[y_r] * Z, with Z keeping the total of s."""
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    raw = s * class_weights[np.searchsorted(classes, y)]
    return raw * (s.sum() / raw.sum())


@pytest.mark.parametrize(
    "cost",
    [[[0, 1], [10, 0]], [[1, 3], [10, 2]], [[0, 5], [1, 0]], [[0.5, 0.5], [0.5, 0.5]]],
)
def test_cost_sensitive_classifier_binary_min_risk_is_bayes_threshold(cost):
    """Check that binary min-risk decisions equal
    p(1|x) > (C01 - C00) / (C01 - C00 + C10 - C11)."""
    X, y = _breast_cancer()
    cost = np.asarray(cost, dtype=float)
    model = CostSensitiveClassifier(
        LogisticRegression(C=0.05), cost_matrix=cost, training="none"
    ).fit(X, y)
    p1 = model.predict_proba(X)[:, 1]
    regret0, regret1 = cost[0, 1] - cost[0, 0], cost[1, 0] - cost[1, 1]
    if regret0 + regret1 == 0:  # every decision costs the same: ties go to class 0
        expected = np.zeros(len(y), dtype=int)
    else:
        expected = (p1 > regret0 / (regret0 + regret1)).astype(int)
    np.testing.assert_array_equal(model.predict(X), expected)
    assert model.decision_ == "min_risk" and model.training_ == "none"


def test_cost_sensitive_classifier_multiclass_min_risk_is_naive_argmin():
    """Check that multiclass decisions equal argmin(P @ C), and argmin((P / w) @ C)
    after reweighting."""
    model = CostSensitiveClassifier(
        LogisticRegression(C=0.1), cost_matrix=IRIS_COST, training="none"
    ).fit(IRIS_X, IRIS_Y)
    proba = model.predict_proba(IRIS_X)
    np.testing.assert_array_equal(
        model.predict(IRIS_X), np.argmin(proba @ IRIS_COST, axis=1)
    )
    np.testing.assert_array_equal(
        model.predict(IRIS_X), min_risk_naive(proba, IRIS_COST)
    )

    weighted = CostSensitiveClassifier(
        LogisticRegression(C=0.1), cost_matrix=IRIS_COST, training="reweight"
    ).fit(IRIS_X, IRIS_Y)
    proba = weighted.predict_proba(IRIS_X)
    corrected = proba / weighted.class_weight_
    np.testing.assert_array_equal(
        weighted.predict(IRIS_X), min_risk_naive(corrected, IRIS_COST)
    )
    np.testing.assert_allclose(weighted.class_weight_, [5.0, 2.0, 3.5])


def test_cost_sensitive_classifier_balanced_costs_are_prior_correction():
    """Check that cost_matrix='balanced' costs n / (K n_i) for missing class i,
    trains unweighted, and decides argmax_j p_j / pi_j, as LogitAdjustedClassifier
    with tau=1 does."""
    from skclassgap.threshold import LogitAdjustedClassifier

    X, y = IRIS_X[30:], IRIS_Y[30:]  # class counts 20, 50, 50
    model = CostSensitiveClassifier(
        LogisticRegression(C=0.05), cost_matrix="balanced"
    ).fit(X, y)
    row = 120 / (3 * np.array([20.0, 50.0, 50.0]))
    np.testing.assert_allclose(model.cost_matrix_, row[:, None] * (1 - np.eye(3)))
    assert model.training_ == "none" and model.decision_ == "min_risk"
    proba = model.predict_proba(X)
    prior = np.bincount(y) / len(y)
    np.testing.assert_array_equal(model.predict(X), np.argmax(proba / prior, axis=1))
    adjusted = LogitAdjustedClassifier(LogisticRegression(C=0.05)).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), adjusted.predict(X))
    assert (model.predict(X) != model.estimator_.predict(X)).any()


@pytest.mark.parametrize(
    "params, class_weights",
    [
        ({"cost_matrix": IRIS_COST}, np.array([5.0, 2.0, 3.5])),
        ({"class_weight": {0: 1.0, 2: 4.0}}, np.array([1.0, 1.0, 4.0])),
        ({"class_weight": "balanced"}, None),
    ],
)
@pytest.mark.parametrize("user_weights", [False, True])
def test_cost_sensitive_classifier_reweight_equals_explicit_sample_weight(
    params, class_weights, user_weights
):
    """Check that reweighted training gives the coefficients of an explicit
    sample_weight fit."""
    X, y = IRIS_X[20:], IRIS_Y[20:]  # unequal class counts
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.5, 2.0, len(y)) if user_weights else None
    model = CostSensitiveClassifier(
        LogisticRegression(max_iter=1000), training="reweight", **params
    ).fit(X, y, sample_weight=sw)
    if class_weights is None:  # balanced on (weighted) counts
        counts = np.bincount(y, weights=sw)
        class_weights = counts.sum() / (3 * counts)
    np.testing.assert_allclose(model.class_weight_, class_weights)
    expected = _expected_row_weights(class_weights, y, np.arange(3), sw)
    reference = LogisticRegression(max_iter=1000).fit(X, y, sample_weight=expected)
    np.testing.assert_allclose(model.estimator_.coef_, reference.coef_, rtol=1e-10)
    np.testing.assert_allclose(
        model.estimator_.intercept_, reference.intercept_, rtol=1e-10
    )


def test_cost_sensitive_classifier_reweight_reaches_pipeline_final_step():
    """Check that without routing the weights reach a (nested) Pipeline's final step
    only."""
    X, y = IRIS_X[20:], IRIS_Y[20:]
    inner = make_pipeline(StandardScaler(), make_pipeline(LogisticRegression()))
    model = (
        CostSensitiveClassifier(inner, cost_matrix=IRIS_COST)
        .set_params(training="reweight")
        .fit(X, y)
    )
    weights = _expected_row_weights(model.class_weight_, y, np.arange(3))
    reference = LogisticRegression().fit(
        StandardScaler().fit_transform(X), y, sample_weight=weights
    )
    np.testing.assert_allclose(
        model.estimator_[-1][-1].coef_, reference.coef_, rtol=1e-10
    )


@pytest.mark.parametrize("scaler_requests", [False, True])
def test_cost_sensitive_classifier_reweight_with_metadata_routing(scaler_requests):
    """Check that under routing the final step gets the weights, and so do steps that
    requested them."""
    X, y = IRIS_X[20:], IRIS_Y[20:]
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        scaler = StandardScaler().set_fit_request(sample_weight=scaler_requests)
        inner = make_pipeline(scaler, LogisticRegression())
        model = CostSensitiveClassifier(
            inner, cost_matrix=IRIS_COST, training="reweight"
        )
        model.fit(X, y, sample_weight=sw)
        weights = _expected_row_weights(model.class_weight_, y, np.arange(3), sw)
        ref_scaler = StandardScaler().fit(
            X, sample_weight=weights if scaler_requests else None
        )
        reference = LogisticRegression().fit(
            ref_scaler.transform(X), y, sample_weight=weights
        )
        # the user's estimator is left as it was: its final step requests nothing
        assert inner[-1].get_metadata_routing().fit.requests["sample_weight"] is None
    np.testing.assert_allclose(model.estimator_[0].mean_, ref_scaler.mean_, rtol=1e-12)
    np.testing.assert_allclose(model.estimator_[-1].coef_, reference.coef_, rtol=1e-10)


def test_cost_sensitive_classifier_training_none_passes_sample_weight():
    """Check that training='none' hands the user's sample_weight to the estimator
    unchanged."""
    sw = np.linspace(0.5, 2.0, len(IRIS_Y))
    model = CostSensitiveClassifier(LogisticRegression(), cost_matrix=IRIS_COST)
    model.fit(IRIS_X, IRIS_Y, sample_weight=sw)
    reference = LogisticRegression().fit(IRIS_X, IRIS_Y, sample_weight=sw)
    assert model.training_ == "none" and model.class_weight_ is None
    np.testing.assert_allclose(model.estimator_.coef_, reference.coef_, rtol=1e-12)


def _cv_costs(estimator, X, y, cost, **params):
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    plain = cross_val_predict(estimator, X, y, cv=cv)
    wrapped = CostSensitiveClassifier(
        estimator, cost_matrix=cost, random_state=0, **params
    )
    ours = cross_val_predict(wrapped, X, y, cv=cv)
    return expected_cost(y, plain, cost), expected_cost(y, ours, cost)


@pytest.mark.parametrize(
    "estimator, params",
    [
        (LogisticRegression(), {}),
        (LogisticRegression(), {"training": "reweight"}),
        (KNeighborsClassifier(), {"training": "resample"}),
    ],
)
def test_cost_sensitive_classifier_lowers_cv_cost_on_breast_cancer(estimator, params):
    """Check that cross-validated expected cost drops below the plain estimator's
    (10:1 costs)."""
    X, y = _breast_cancer()
    plain, ours = _cv_costs(estimator, X, y, [[0, 10], [1, 0]], **params)
    assert ours < 0.9 * plain


def test_cost_sensitive_classifier_lowers_cv_cost_on_digits():
    """Check that on digits, with misclassified 1, 8, 9 costing 20, the CV cost
    drops."""
    X, y = load_digits(return_X_y=True)
    cost = np.ones((10, 10))
    cost[[1, 8, 9], :] = 20
    np.fill_diagonal(cost, 0)
    plain, ours = _cv_costs(KNeighborsClassifier(), X, y, cost)
    assert ours < plain


def test_cost_sensitive_classifier_resample_is_cost_proportionate():
    """Check that rejection sampling keeps the costly class whole and thins the cheap
    one, seeded."""
    X, y = _breast_cancer()  # 212 malignant (0), 357 benign (1)
    model = (
        CostSensitiveClassifier(
            KNeighborsClassifier(), cost_matrix=[[0, 4], [1, 0]], random_state=0
        )
        .set_params(training="auto", decision="argmax")
        .fit(X, y)
    )
    assert model.training_ == "resample"
    kept = y[model.sample_indices_]
    assert np.sum(kept == 0) == 212  # weight 4 = the maximum: always accepted
    assert (
        357 / 4 - 3 * np.sqrt(357 * 0.25 * 0.75)
        < np.sum(kept == 1)
        < 357 / 4 + 3 * np.sqrt(357 * 0.25 * 0.75)
    )
    again = CostSensitiveClassifier(
        KNeighborsClassifier(),
        cost_matrix=[[0, 4], [1, 0]],
        training="resample",
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(again.sample_indices_, model.sample_indices_)
    reference = KNeighborsClassifier().fit(X[model.sample_indices_], kept)
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))


def test_cost_sensitive_classifier_resample_keeps_every_class():
    """Check that a class left with no accepted row keeps its heaviest row."""
    X, y = _breast_cancer()
    sw = np.ones(len(y))
    sw[np.flatnonzero(y == 1)[7]] = 3.0
    model = CostSensitiveClassifier(
        KNeighborsClassifier(n_neighbors=1),
        class_weight={0: 1.0, 1: 1e-9},
        random_state=0,
    ).fit(X, y, sample_weight=sw)
    kept = y[model.sample_indices_]
    assert np.sum(kept == 1) == 1 and np.flatnonzero(y == 1)[7] in model.sample_indices_
    np.testing.assert_array_equal(model.classes_, [0, 1])


def test_cost_sensitive_classifier_grid_search_over_costs_and_estimator():
    """Check that GridSearchCV tunes cost_matrix candidates and estimator__
    parameters."""
    X, y = _breast_cancer()
    true_cost = pd.DataFrame([[0, 10], [1, 0]], index=[0, 1], columns=[0, 1])
    candidates = [np.array([[0, 1], [1, 0]]), np.array([[0, 10], [1, 0]])]
    search = GridSearchCV(
        CostSensitiveClassifier(LogisticRegression()),
        {"cost_matrix": candidates, "estimator__C": [0.1, 1.0]},
        scoring=make_cost_scorer(true_cost),
        cv=3,
    ).fit(X, y)
    means = search.cv_results_["mean_test_score"]
    assert len(means) == 4 and search.best_index_ == int(np.argmax(means))
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    chosen = search.best_estimator_
    np.testing.assert_array_equal(
        chosen.cost_matrix, search.best_params_["cost_matrix"]
    )
    assert chosen.estimator_.C == search.best_params_["estimator__C"]
    manual = cross_val_score(
        CostSensitiveClassifier(LogisticRegression()).set_params(**search.best_params_),
        X,
        y,
        scoring=make_cost_scorer(true_cost),
        cv=3,
    )
    assert means[search.best_index_] == pytest.approx(manual.mean(), rel=1e-12)


def test_cost_sensitive_classifier_string_labels_and_frames():
    """Check string labels with a labelled DataFrame cost, and feature names from
    pandas X."""
    X = pd.DataFrame(IRIS_X, columns=[f"f{i}" for i in range(4)])
    names = np.array(["setosa", "versicolor", "virginica"])
    y = names[IRIS_Y]
    cost = pd.DataFrame(IRIS_COST, index=names, columns=names).iloc[
        [2, 0, 1], [1, 2, 0]
    ]
    model = CostSensitiveClassifier(LogisticRegression(C=0.1), cost_matrix=cost).fit(
        X, y
    )
    np.testing.assert_array_equal(model.cost_matrix_, IRIS_COST)
    np.testing.assert_array_equal(model.feature_names_in_, X.columns)
    expected = names[np.argmin(model.predict_proba(X) @ IRIS_COST, axis=1)]
    np.testing.assert_array_equal(model.predict(X), expected)


def test_cost_sensitive_classifier_forwards_only_available_methods():
    """Check that predict_proba is exposed only when the estimator has it, and auto
    falls back to argmax."""
    model = CostSensitiveClassifier(SVC(), cost_matrix=IRIS_COST).fit(IRIS_X, IRIS_Y)
    assert not hasattr(model, "predict_proba")
    assert model.decision_ == "argmax" and model.training_ == "reweight"
    np.testing.assert_array_equal(
        model.decision_function(IRIS_X), model.estimator_.decision_function(IRIS_X)
    )
    np.testing.assert_array_equal(
        model.predict(IRIS_X), model.estimator_.predict(IRIS_X)
    )
    proba = CostSensitiveClassifier(LogisticRegression(max_iter=1000)).fit(
        IRIS_X, IRIS_Y
    )
    np.testing.assert_allclose(
        proba.predict_log_proba(IRIS_X), np.log(proba.predict_proba(IRIS_X))
    )


class _RelabellingClassifier(ClassifierMixin, BaseEstimator):
    """Learns only the first class it sees (to exercise the classes check)."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)[:1]
        return self

    def predict(self, X):
        return np.repeat(self.classes_, len(X))


@pytest.mark.parametrize(
    "estimator, params, fit_kwargs, match",
    [
        (
            LogisticRegression(),
            {},
            {"y": None},
            "requires y to be passed, but the target y is None",
        ),
        (
            LogisticRegression(),
            {},
            {"y": np.zeros(150)},
            r"at least 2 classes; y holds 1 class \[0.0\]",
        ),
        (
            LogisticRegression(),
            {"class_weight": "balanced"},
            {"sample_weight": (IRIS_Y != 2).astype(float)},
            r"'balanced' is undefined for classes \[2\], whose sample weights sum to 0",
        ),
        (
            LogisticRegression(),
            {"cost_matrix": "balanced"},
            {"sample_weight": (IRIS_Y != 2).astype(float)},
            r"cost_matrix='balanced' is undefined for classes \[2\], whose sample",
        ),
        (
            LogisticRegression(),
            {"class_weight": {5: 1.0}},
            {},
            r"class_weight has labels \[5\] that are not classes",
        ),
        (
            LogisticRegression(),
            {"class_weight": {0: np.nan}},
            {},
            "class_weight contains NaN",
        ),
        (
            LogisticRegression(),
            {"class_weight": {0: 0.0}},
            {},
            r"class_weight gives classes \[0\] a training weight <= 0",
        ),
        (
            LogisticRegression(),
            {"cost_matrix": [[0, 1, 1], [0, 0, 0], [1, 1, 0]], "training": "reweight"},
            {},
            r"cost_matrix gives classes \[1\] a training weight <= 0",
        ),
        (
            LogisticRegression(),
            {"training": "reweight"},
            {},
            "training='reweight' needs class weights",
        ),
        (
            KNeighborsClassifier(),
            {"class_weight": "balanced", "training": "reweight"},
            {},
            "sample_weight; KNeighborsClassifier.fit does not. Use training='resample'",
        ),
        (
            make_pipeline(StandardScaler(), KNeighborsClassifier()),
            {},
            {"sample_weight": np.ones(150)},
            "sample_weight was passed but KNeighborsClassifier.fit does not accept it",
        ),
        (
            LinearSVC(),
            {"decision": "min_risk"},
            {},
            "decision='min_risk' needs predict_proba",
        ),
        (
            _RelabellingClassifier(),
            {},
            {},
            r"The fitted estimator has classes \[0\] but y holds \[0, 1, 2\]",
        ),
        (
            LogisticRegression(),
            {"cost_matrix": np.ones((2, 2))},
            {},
            r"shape \(2, 2\) but there are 3 classes",
        ),
    ],
)
def test_cost_sensitive_classifier_fit_errors(estimator, params, fit_kwargs, match):
    """Check that fit errors name what was received and the fix."""
    model = CostSensitiveClassifier(estimator, **params)
    kwargs = {"y": IRIS_Y, **fit_kwargs}
    with pytest.raises(ValueError, match=match):
        model.fit(IRIS_X, **kwargs)


@pytest.mark.parametrize(
    "estimator, expected_failed",
    [
        (
            CostSensitiveClassifier(
                LogisticRegression(), class_weight="balanced", decision="min_risk"
            ),
            {
                "check_class_weight_classifiers": (
                    "min-risk divides the probabilities by the class weights, undoing "
                    "their prior shift by design"
                ),
            },
        ),
        (
            CostSensitiveClassifier(
                KNeighborsClassifier(), class_weight="balanced", random_state=0
            ),
            {
                "check_sample_weight_equivalence_on_dense_data": (
                    "rejection sampling is random: weights match repetition only in "
                    "distribution"
                ),
                "check_sample_weight_equivalence_on_sparse_data": (
                    "rejection sampling is random: weights match repetition only in "
                    "distribution"
                ),
            },
        ),
    ],
    ids=["min_risk", "resample"],
)
# skclassgap makes no array API claim: sklearn skips that check (it needs
# SCIPY_ARRAY_API) and check_estimator reports the skip as a warning.
@pytest.mark.filterwarnings("ignore:Skipping check check_array_api_input")
def test_cost_sensitive_classifier_check_estimator_other_paths(
    estimator, expected_failed
):
    """Check that the min-risk and resample paths pass scikit-learn's checks."""
    check_estimator(estimator, expected_failed_checks=expected_failed)


@pytest.mark.parametrize("training", ["reweight", "resample", "none"])
def test_cost_sensitive_classifier_original_prior_proba(training):
    """Check that proba_prior='original' moves probabilities from the trained
    prior back to y's: reweighted, the move is p / class_weight_ renormalised
    (the min-risk rule's q); resampled, it uses the kept rows' frequencies;
    untrained, it changes nothing. predict is unaffected."""
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(IRIS_Y))
    params = {} if training == "none" else {"class_weight": {0: 5.0, 2: 0.5}}
    model = CostSensitiveClassifier(
        LogisticRegression(max_iter=1000),
        training=training,
        proba_prior="original",
        random_state=0,
        **params,
    ).fit(IRIS_X, IRIS_Y, sample_weight=None if training == "resample" else w)
    raw = model.estimator_.predict_proba(IRIS_X)
    if training == "reweight":
        expected = raw / model.class_weight_
    elif training == "resample":
        kept = np.bincount(IRIS_Y[model.sample_indices_]) / len(model.sample_indices_)
        np.testing.assert_allclose(model.train_prior_, kept)
        expected = raw / kept
    else:
        expected = raw
    expected = expected / expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(IRIS_X), expected, atol=1e-12)
    np.testing.assert_array_equal(
        model.predict(IRIS_X), model.set_params(proba_prior="fit").predict(IRIS_X)
    )
