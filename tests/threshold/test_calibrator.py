"""ThresholdCalibrator: out-of-fold scores, fitted rule, options and errors."""

import re

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import LinearSVC

from skclassgap._compat import InvalidParameterError
from skclassgap.metrics import geometric_mean_score, get_scorer_names, macro_f1_score
from skclassgap.threshold import ThresholdCalibrator
from skclassgap.threshold._search import MAX_ROUNDS
from tests.naive import best_threshold_naive


@pytest.fixture(scope="module")
def binary():
    return make_classification(
        n_samples=300, n_features=5, weights=[0.85], class_sep=0.8, random_state=0
    )


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        n_samples=400,
        n_features=6,
        n_informative=4,
        n_classes=4,
        weights=[0.55, 0.3, 0.1, 0.05],
        class_sep=1.0,
        random_state=0,
    )


def test_threshold_calibrator_binary_matches_cross_val_predict(binary):
    """Check that the threshold is the brute-force optimum on the same out-of-fold
    probabilities as sklearn's cross_val_predict, and predict applies it."""
    X, y = binary
    model = ThresholdCalibrator(LogisticRegression(), objective="g_mean").fit(X, y)
    proba = cross_val_predict(
        LogisticRegression(), X, y, cv=StratifiedKFold(5), method="predict_proba"
    )[:, 1]
    expected = best_threshold_naive(proba, y, geometric_mean_score)
    assert model.best_score_ == pytest.approx(expected, abs=1e-12)
    assert geometric_mean_score(y, proba >= model.threshold_) == pytest.approx(expected)
    final = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(
        model.predict(X), (final.predict_proba(X)[:, 1] >= model.threshold_).astype(int)
    )
    assert np.max(model.objective_values_) == model.best_score_
    assert len(model.thresholds_) == len(np.unique(proba)) + 1


def test_threshold_calibrator_binary_string_labels_and_decision_function(binary):
    """Check string labels map to classes_ and decision_function scores are used."""
    X, y = binary
    labels = np.array(["no", "yes"])[y]
    model = ThresholdCalibrator(
        LinearSVC(), objective="macro_f1", response_method="auto"
    ).fit(X, labels)
    scores = cross_val_predict(LinearSVC(), X, labels, method="decision_function")
    expected = best_threshold_naive(scores, y, macro_f1_score)
    assert model.best_score_ == pytest.approx(expected, abs=1e-12)
    assert set(model.predict(X)) <= {"no", "yes"}
    assert not hasattr(model, "predict_proba")


def test_threshold_calibrator_multiclass_improves_out_of_fold(multiclass):
    """Check that offsets never lower the out-of-fold objective and that the
    reported score is that of argmax(log-proba + offsets)."""
    X, y = multiclass
    model = ThresholdCalibrator(LogisticRegression(), objective="worst_class_recall")
    model.fit(X, y)
    proba = cross_val_predict(LogisticRegression(), X, y, method="predict_proba")
    pred = np.argmax(np.log(proba) + model.offsets_, axis=1)
    recalls = [np.mean(pred[y == c] == c) for c in range(4)]
    assert model.best_score_ == pytest.approx(min(recalls), abs=1e-12)
    assert model.best_score_ > model.baseline_score_
    assert model.n_rounds_ < MAX_ROUNDS  # ties are no gain: the ascent ends
    final = LogisticRegression().fit(X, y)
    expected = np.argmax(np.log(final.predict_proba(X)) + model.offsets_, axis=1)
    np.testing.assert_array_equal(model.predict(X), expected)


def test_threshold_calibrator_callable_objective(multiclass):
    """Check that a label callable follows the same ascent as the named objective:
    the callable keeps its end point, the named one that point or a point nearer
    the prior correction (noise rule), so never more."""
    X, y = multiclass
    named = ThresholdCalibrator(GaussianNB(), objective="g_mean", cv=3).fit(X, y)
    called = ThresholdCalibrator(GaussianNB(), objective=geometric_mean_score, cv=3)
    called.fit(X, y)
    assert called.start_ == named.start_
    assert called.shrinkage_ == 1.0
    assert named.best_score_ <= called.best_score_ + 1e-12
    assert called.best_score_ >= max(called.start_scores_.values())
    for key, value in named.start_scores_.items():
        assert called.start_scores_[key] == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("objective", ["worst_class_recall", macro_f1_score])
def test_threshold_calibrator_curve_and_pickle(binary, objective):
    """Check that the curve's maximum is best_score_, reached at threshold_, and
    that a fitted calibrator pickles (named objectives built from closures too)."""
    import pickle

    X, y = binary
    model = ThresholdCalibrator(LogisticRegression(), objective=objective, cv=3)
    model.fit(X, y)
    if callable(objective):
        copy = model
    else:
        copy = pickle.loads(pickle.dumps(model))
    assert copy.objective_values_.shape == copy.thresholds_.shape
    best = np.argmax(copy.objective_values_)
    assert copy.objective_values_[best] == pytest.approx(model.best_score_, abs=1e-12)
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))


def test_threshold_calibrator_neg_objective_sign(binary):
    """Check that a lower-is-better objective is reported negated, as its scorer."""
    X, y = binary
    model = ThresholdCalibrator(LogisticRegression(), objective="neg_class_gap")
    model.fit(X, y)
    assert model.best_score_ <= 0.0
    assert model.best_score_ == pytest.approx(np.max(model.objective_values_))


def test_threshold_calibrator_prefit_and_frozen(binary):
    """Check that cv='prefit' and a FrozenEstimator score the given fitted model on
    all rows and keep it as estimator_."""
    X, y = binary
    fitted = LogisticRegression().fit(X[:150], y[:150])
    prefit = ThresholdCalibrator(fitted, cv="prefit").fit(X[150:], y[150:])
    assert prefit.estimator_ is fitted
    expected = best_threshold_naive(
        fitted.predict_proba(X[150:])[:, 1], y[150:], geometric_mean_score
    )
    assert prefit.best_score_ == pytest.approx(expected, abs=1e-12)
    frozen = ThresholdCalibrator(FrozenEstimator(fitted), cv=3).fit(X[150:], y[150:])
    assert frozen.best_score_ == pytest.approx(expected, abs=1e-12)
    assert frozen.threshold_ == prefit.threshold_


def test_threshold_calibrator_single_split_without_refit(binary):
    """Check that a float cv holds out a stratified fraction and refit=False keeps
    the model of the training part."""
    X, y = binary
    model = ThresholdCalibrator(
        LogisticRegression(), cv=0.3, refit=False, random_state=0
    ).fit(X, y)
    assert len(model.thresholds_) <= 91 + 1
    assert not np.allclose(model.estimator_.coef_, LogisticRegression().fit(X, y).coef_)


def test_threshold_calibrator_pandas_feature_names(binary):
    """Check that feature names of a DataFrame are exposed."""
    X, y = binary
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    model = ThresholdCalibrator(LogisticRegression(), cv=3).fit(frame, y)
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.n_features_in_ == X.shape[1]


def test_threshold_calibrator_routes_sample_weight(binary):
    """Check that sample_weight reaches the inner estimator through metadata routing."""
    X, y = binary
    w = np.random.default_rng(0).uniform(0.1, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        inner = LogisticRegression().set_fit_request(sample_weight=True)
        model = ThresholdCalibrator(inner, cv=3).fit(X, y, sample_weight=w)
    expected = LogisticRegression().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.estimator_.coef_, expected.coef_)


class _InfiniteScores(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return np.full(len(X), np.inf)


class _FirstColumnScores(ClassifierMixin, BaseEstimator):
    """Scores are the first feature, untouched (decision_function)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=np.float64)[:, 0]


@pytest.mark.parametrize("low", [1.0, -1.0, 0.0, 1e300])
def test_threshold_calibrator_predict_splits_adjacent_floats(low):
    """Check that rows whose scores are adjacent floats (no float between them)
    are predicted apart: the threshold is the upper score, not a mid-point that
    rounds down to the lower one and predicts both rows positive."""
    X = np.array([[low], [np.nextafter(low, np.inf)]])
    y = np.array(["neg", "pos"])
    model = ThresholdCalibrator(_FirstColumnScores().fit(X, y), cv="prefit")
    model.fit(X, y)
    assert model.threshold_ == X[1, 0]
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.best_score_ == 1.0


@pytest.mark.parametrize(
    "params, y_kind, error, match",
    [
        (
            {"objective": "roc_auc"},
            "binary",
            ValueError,
            r"The 'objective' parameter of ThresholdCalibrator must be a str among "
            r"\{.*'g_mean'.*\} or a callable. Got 'roc_auc' instead",
        ),
        (
            {"estimator": LinearSVC(), "response_method": "predict_proba"},
            "binary",
            ValueError,
            "response_method='predict_proba' but LinearSVC has no",
        ),
        (
            {"cv": 5},
            "one_rare",
            ValueError,
            re.escape("The training part of fold 0 lacks class(es) [2]"),
        ),
        (
            {},
            "single",
            ValueError,
            re.escape("needs at least 2 classes in y; got 1 class: [0]"),
        ),
        (
            {"refit": False},
            "binary",
            ValueError,
            "refit=False keeps the model of the single",
        ),
        (
            {"cv": "prefit"},
            "binary",
            sklearn.exceptions.NotFittedError,
            "cv='prefit' needs a fitted estimator",
        ),
        (
            {"estimator": _InfiniteScores()},
            "binary",
            ValueError,
            "_InfiniteScores.decision_function returned NaN or infinite scores",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore:The least populated class")
def test_threshold_calibrator_errors(binary, params, y_kind, error, match):
    """Check the error of each bad input, naming what was received."""
    X, y = binary
    if y_kind == "single":
        y = np.zeros_like(y)
    elif y_kind == "one_rare":
        y = y.copy()
        y[0] = 2
    params = {"estimator": LogisticRegression(), **params}
    with pytest.raises(error, match=match):
        ThresholdCalibrator(**params).fit(X, y)


def test_threshold_calibrator_prefit_classes_mismatch(binary):
    """Check that a prefit estimator must know the classes of y."""
    X, y = binary
    fitted = LogisticRegression().fit(X, np.where(y == 1, 5, 0))
    match = re.escape("knows classes [0, 5] but y has [0, 1]")
    with pytest.raises(ValueError, match=match):
        ThresholdCalibrator(fitted, cv="prefit").fit(X, y)


class _LabelsOnly(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_threshold_calibrator_rejects_estimator_without_scores():
    """Check that an estimator without predict_proba or decision_function is refused."""
    match = "'estimator' parameter.*Got _LabelsOnly"
    with pytest.raises(InvalidParameterError, match=match):
        ThresholdCalibrator(_LabelsOnly()).fit([[0.0], [1.0]], [0, 1])


def _rare_digits(seed=0):
    """Digits, classes 0-4 cut to 15 rows each; half of the rows for training."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    rows = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == c), 15, replace=False)
            if c < 5
            else np.flatnonzero(y == c)
            for c in range(10)
        ]
    )
    return train_test_split(
        X[rows] / 16.0, y[rows], test_size=0.5, stratify=y[rows], random_state=seed
    )


@pytest.mark.parametrize(
    "objective", ["worst_class_recall", "neg_class_gap", "g_mean", "macro_f1"]
)
def test_threshold_calibrator_offsets_never_below_starts(multiclass, objective):
    """Check that start_scores_ are the objective of zero offsets and of the prior
    correction on the same out-of-fold log-probabilities, and that the kept
    offsets score at least as high as both, as their label metric says."""
    from skclassgap.metrics._scorer import label_metric

    X, y = multiclass
    model = ThresholdCalibrator(LogisticRegression(), objective=objective, cv=3)
    model.fit(X, y)
    log_proba = np.log(
        cross_val_predict(LogisticRegression(), X, y, cv=3, method="predict_proba")
    )
    metric = label_metric(objective)
    sign = 1.0 if metric.greater_is_better else -1.0

    def score(offsets):
        pred = np.argmax(log_proba + offsets, axis=1)
        return sign * metric.score_func(y, pred, **metric.kwargs)

    prior = -np.log(np.bincount(y) / len(y))
    assert model.start_scores_["zero"] == pytest.approx(score(0.0), abs=1e-12)
    assert model.start_scores_["prior"] == pytest.approx(score(prior), abs=1e-12)
    assert model.baseline_score_ == model.start_scores_["zero"]
    assert model.best_score_ == pytest.approx(score(model.offsets_), abs=1e-12)
    assert model.best_score_ >= max(model.start_scores_.values()) - 1e-12


def test_threshold_calibrator_tiny_classes_keep_prior_correction():
    """Check that with five classes of 7 training rows the noise rule keeps the
    prior correction: predictions equal LogitAdjustedClassifier's (uniform
    target), whose held-out worst-class recall is far above the plain model's."""
    from skclassgap.metrics import worst_class_score
    from skclassgap.threshold import LogitAdjustedClassifier

    X_tr, X_te, y_tr, y_te = _rare_digits()
    lr = LogisticRegression(max_iter=2000)
    model = ThresholdCalibrator(lr, objective="worst_class_recall", cv=3)
    model.fit(X_tr, y_tr)
    assert model.shrinkage_ == 0.0
    np.testing.assert_allclose(model.offsets_, -np.log(np.bincount(y_tr) / len(y_tr)))
    adjusted = LogitAdjustedClassifier(lr).fit(X_tr, y_tr)
    np.testing.assert_array_equal(model.predict(X_te), adjusted.predict(X_te))
    plain = clone(lr).fit(X_tr, y_tr).predict(X_te)
    assert (
        worst_class_score(y_te, model.predict(X_te))
        > worst_class_score(y_te, plain) + 0.2
    )


def _oof_log_proba(X, y, cv=3):
    """Out-of-fold log-probabilities of a logistic regression, as the calibrator
    collects them (stratified folds of an int cv)."""
    proba = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")
    return np.log(proba)


def _balanced_accuracy(log_proba, offsets, y):
    from sklearn.metrics import balanced_accuracy_score

    return balanced_accuracy_score(y, np.argmax(log_proba + offsets, axis=1))


@pytest.mark.parametrize("objective", sorted(get_scorer_names()))
def test_threshold_calibrator_offsets_keep_prior_balanced_accuracy(
    multiclass, objective
):
    """Check both guarantees of the multiclass offsets at once: out of fold, the
    objective of the kept offsets is at least both starts', and for recall
    summaries (the prior correction scoring at least the plain argmax) their
    balanced accuracy is at least the prior correction's; other objectives are
    never guarded."""
    from skclassgap.metrics._scorer import label_metric

    X, y = multiclass
    model = ThresholdCalibrator(LogisticRegression(), objective=objective, cv=3)
    model.fit(X, y)
    assert model.best_score_ >= max(model.start_scores_.values()) - 1e-12
    log_proba = _oof_log_proba(X, y)
    prior = -np.log(np.bincount(y) / len(y))
    if not label_metric(objective).recall_summary:
        assert not model.guarded_
        return
    assert model.start_scores_["prior"] >= model.start_scores_["zero"]
    assert _balanced_accuracy(log_proba, model.offsets_, y) >= (
        _balanced_accuracy(log_proba, prior, y) - 1e-12
    )


@pytest.mark.parametrize(
    "objective, seed", [("worst_class_recall", 1), ("neg_class_gap", 0)]
)
def test_threshold_calibrator_guard_walks_back_from_noise_rule(
    monkeypatch, objective, seed
):
    """Check, on a seeded case where it binds, that the guard moves the noise
    rule's pick back along the path to the first point whose out-of-fold balanced
    accuracy is not below the prior correction's: with the declaration switched
    off the calibrator keeps a point further out that loses balanced accuracy,
    and every path point from there back to the guarded one either loses it
    or scores below a start on the objective."""
    import skclassgap.metrics._scorer as scorer
    from skclassgap.threshold._calibrator import _SHRINK

    X, y = make_classification(
        n_samples=1000,
        n_features=8,
        n_informative=5,
        n_classes=4,
        n_clusters_per_class=1,
        weights=[0.6, 0.25, 0.1, 0.05],
        random_state=seed,
    )
    guarded = ThresholdCalibrator(LogisticRegression(), objective=objective, cv=3)
    guarded.fit(X, y)
    metric = scorer.label_metric(objective)
    monkeypatch.setitem(
        scorer._METRICS, objective, metric._replace(recall_summary=False)
    )
    free = clone(guarded).fit(X, y)
    assert guarded.guarded_ and not free.guarded_
    assert guarded.shrinkage_ < free.shrinkage_
    log_proba = _oof_log_proba(X, y)
    prior = -np.log(np.bincount(y) / len(y))
    floor = _balanced_accuracy(log_proba, prior, y)
    assert _balanced_accuracy(log_proba, guarded.offsets_, y) >= floor - 1e-12
    assert _balanced_accuracy(log_proba, free.offsets_, y) < floor
    assert (
        free.best_score_ >= guarded.best_score_ >= max(guarded.start_scores_.values())
    )
    tuned = prior + (free.offsets_ - prior) / free.shrinkage_
    sign = 1.0 if metric.greater_is_better else -1.0
    for t in _SHRINK:
        if not guarded.shrinkage_ < t <= free.shrinkage_:
            continue
        offsets = prior + t * (tuned - prior)
        pred = np.argmax(log_proba + offsets, axis=1)
        value = sign * metric.score_func(y, pred, **metric.kwargs)
        below_starts = value < max(guarded.start_scores_.values()) - 1e-12
        assert below_starts or _balanced_accuracy(log_proba, offsets, y) < floor
