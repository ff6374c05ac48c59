"""ResampledClassifier: weights through resampling, forwarding,
Pipeline/GridSearchCV."""

import re

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skclassgap.compose import ResampledClassifier
from skclassgap.over_sampling import SMOTE, GaussianOverSampler


class _Recorder(LogisticRegression):
    """Logistic regression that remembers what fit received."""

    def fit(self, X, y, sample_weight=None):
        self.seen_ = (X, y, sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


def _data():
    return make_classification(
        n_samples=300, n_features=5, weights=[0.85], random_state=0
    )


def test_resampled_weights_follow_interpolation_rule():
    """Check that copied rows keep their weight and synthetic rows get
    (1 - g) w[parent] + g w[neighbour]."""
    X, y = _data()
    w = np.random.default_rng(0).uniform(0.5, 3.0, len(y))
    clf = ResampledClassifier(_Recorder(), sampler=SMOTE(random_state=0)).fit(
        X, y, sample_weight=w
    )
    X_res, y_res, w_res = clf.estimator_.seen_
    s = clf.sampler_
    n = len(y)
    np.testing.assert_array_equal(w_res[:n], w)
    g = s.gaps_
    np.testing.assert_allclose(w_res[n:], (1 - g) * w[s.parents_] + g * w[s.neighbors_])
    expected, _ = SMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, expected)


def test_resampled_weights_gaussian_and_imblearn_indices():
    """Check that Gaussian rows get the class's mean weight, and that an
    imbalanced-learn sampler with sample_indices_ passes weights by index."""
    X, y = _data()
    w = np.arange(len(y), dtype=float) + 1
    clf = ResampledClassifier(_Recorder(), sampler=GaussianOverSampler(random_state=0))
    clf.fit(X, y, sample_weight=w)
    w_res = clf.estimator_.seen_[2]
    np.testing.assert_allclose(w_res[len(y) :], w[y == 1].mean())
    clf = ResampledClassifier(_Recorder(), sampler=RandomOverSampler(random_state=0))
    clf.fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(
        clf.estimator_.seen_[2], w[clf.sampler_.sample_indices_]
    )


def test_resampled_predictions_are_the_inner_estimators():
    """Check that predict/predict_proba/decision_function equal those of the
    estimator fitted on the resampled data, and that predict_proba is absent
    when the estimator has none."""
    X, y = _data()
    clf = ResampledClassifier(LogisticRegression(), sampler=SMOTE(random_state=0)).fit(
        X, y
    )
    ref = LogisticRegression().fit(*SMOTE(random_state=0).fit_resample(X, y))
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_allclose(clf.decision_function(X), ref.decision_function(X))
    np.testing.assert_array_equal(clf.predict(X), ref.predict(X))
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    assert not hasattr(ResampledClassifier(LinearSVC()), "predict_proba")


def test_resampled_missing_values_follow_sampler_and_estimator():
    """Check that NaN rows pass to the estimator when the sampler and estimator
    both accept NaN (same predictions as fitting the resampled rows directly),
    and are refused when predicting through a sampler that needs finite data."""
    X, y = _data()
    X = X.copy()
    X[::7, 0] = np.nan
    tree = HistGradientBoostingClassifier(max_iter=10, random_state=0)
    clf = ResampledClassifier(tree, sampler=RandomUnderSampler(random_state=0))
    clf.fit(X, y)
    X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    ref = clone(tree).fit(X_res, y_res)
    np.testing.assert_array_equal(clf.predict(X), ref.predict(X))
    smote = ResampledClassifier(tree, sampler=SMOTE(random_state=0))
    smote.fit(np.nan_to_num(X), y)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        smote.predict(X)


def test_resampled_in_plain_pipeline_grid_search():
    """Check that it tunes sampler__ and estimator__ parameters inside a plain
    sklearn Pipeline, and that the default sampler is SMOTE."""
    X, y = _data()
    pipe = make_pipeline(StandardScaler(), ResampledClassifier(LogisticRegression()))
    grid = GridSearchCV(
        pipe,
        {
            "resampledclassifier__sampler": [SMOTE(random_state=0)],
            "resampledclassifier__sampler__k_neighbors": [3, 5],
            "resampledclassifier__estimator__C": [0.1, 1.0],
        },
        cv=3,
        scoring="balanced_accuracy",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    best = grid.best_estimator_[-1]
    assert (
        best.sampler_.k_neighbors
        == grid.best_params_["resampledclassifier__sampler__k_neighbors"]
    )
    assert isinstance(clone(pipe).fit(X, y)[-1].sampler_, SMOTE)


ERRORS = [
    (
        ImbSMOTE(random_state=0),
        LogisticRegression(),
        ValueError,
        "sample_weight cannot be carried through SMOTE: it does not record which "
        "input rows",
    ),
    (
        SMOTE(random_state=0),
        KNeighborsClassifier(),
        ValueError,
        "KNeighborsClassifier.fit does not accept sample_weight",
    ),
]


@pytest.mark.parametrize("sampler, estimator, error, message", ERRORS)
def test_resampled_sample_weight_errors(sampler, estimator, error, message):
    """Check the errors when weights cannot be carried or consumed."""
    X, y = _data()
    clf = ResampledClassifier(estimator, sampler=sampler)
    with pytest.raises(error, match=re.escape(message)):
        clf.fit(X, y, sample_weight=np.ones(len(y)))


class _GroupRecorder(LogisticRegression):
    """Logistic regression whose fit takes per-sample ``groups`` metadata."""

    def fit(self, X, y, sample_weight=None, groups=None):
        self.seen_groups_ = groups
        self.seen_weight_ = sample_weight
        return super().fit(X, y, sample_weight=sample_weight)


def test_resampled_routes_per_sample_metadata_through_resampling():
    """Check that, with metadata routing on, per-sample metadata requested by
    the estimator follow the rows (synthetic rows take their parent's value),
    that sample_weight is still carried by the interpolation rule inside a
    Pipeline, and that without routing extra metadata are refused."""
    from sklearn import config_context

    X, y = _data()
    groups = np.arange(len(y)) * 10
    weights = np.linspace(1.0, 2.0, len(y))
    with config_context(enable_metadata_routing=True):
        inner = _GroupRecorder().set_fit_request(groups=True, sample_weight=True)
        clf = ResampledClassifier(inner, sampler=SMOTE(random_state=0))
        clf.set_fit_request(sample_weight=True)
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        pipe = make_pipeline(scaler, clf).fit(
            X, y, groups=groups, sample_weight=weights
        )
        fitted = pipe[-1]
        sampler = fitted.sampler_
        n = len(y)
        seen = np.asarray(fitted.estimator_.seen_groups_)
        np.testing.assert_array_equal(seen[:n], groups)
        np.testing.assert_array_equal(seen[n:], groups[sampler.parents_])
        g = sampler.gaps_
        expected_w = (1 - g) * weights[sampler.parents_] + g * weights[
            sampler.neighbors_
        ]
        np.testing.assert_allclose(fitted.estimator_.seen_weight_[n:], expected_w)
        np.testing.assert_array_equal(fitted.estimator_.seen_weight_[:n], weights)

        gauss = ResampledClassifier(
            _GroupRecorder().set_fit_request(groups=True),
            sampler=GaussianOverSampler(random_state=0),
        )
        with pytest.raises(ValueError, match="no parent row"):
            gauss.fit(X, y, groups=groups)
    with pytest.raises(ValueError, match="groups"):
        ResampledClassifier(LogisticRegression()).fit(X, y, groups=groups)


def _ece(y, p, n_bins=10):
    """Expected calibration error of positive-class probabilities, equal bins."""
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return sum(
        np.mean(bins == b) * abs(y[bins == b].mean() - p[bins == b].mean())
        for b in np.unique(bins)
    )


def test_resampled_original_prior_restores_calibration():
    """Check that after SMOTE on a 1 % minority, probabilities moved back to the
    original prior have a held-out Brier score and ECE below half of the
    uncorrected ones and within 1.6x (Brier) of the plain estimator's."""
    X, y = make_classification(
        n_samples=20000,
        n_features=10,
        n_informative=5,
        weights=[0.99],
        flip_y=0,
        random_state=0,
    )
    X_tr, y_tr, X_te, y_te = X[:10000], y[:10000], X[10000:], y[10000:]
    plain = LogisticRegression().fit(X_tr, y_tr).predict_proba(X_te)[:, 1]
    clf = ResampledClassifier(LogisticRegression(), sampler=SMOTE(random_state=0))
    raw = clf.fit(X_tr, y_tr).predict_proba(X_te)[:, 1]
    moved = clf.set_params(proba_prior="original").predict_proba(X_te)[:, 1]
    brier = {
        k: np.mean((p - y_te) ** 2)
        for k, p in [("plain", plain), ("raw", raw), ("moved", moved)]
    }
    ece = {"raw": _ece(y_te, raw), "moved": _ece(y_te, moved)}
    assert brier["moved"] < 0.5 * brier["raw"]
    assert ece["moved"] < 0.5 * ece["raw"]
    assert brier["moved"] < 1.6 * brier["plain"]


@pytest.mark.parametrize("weighted", [False, True])
def test_resampled_original_prior_is_bayes_shift(weighted):
    """Check that proba_prior='original' gives p * original / resampled prior
    renormalised (sample-weighted frequencies when weights are given), that
    predict keeps the resampled rule unless predict_prior='original', which
    predicts the argmax of the moved probabilities."""
    X, y = _data()
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y)) if weighted else None
    clf = ResampledClassifier(
        _Recorder(), sampler=SMOTE(random_state=0), proba_prior="original"
    ).fit(X, y, sample_weight=w)
    _, y_res, w_res = clf.estimator_.seen_
    original = np.bincount(y, weights=w) / (len(y) if w is None else w.sum())
    resampled = np.bincount(y_res, weights=w_res).astype(float)
    resampled /= resampled.sum()
    np.testing.assert_allclose(clf.original_prior_, original)
    np.testing.assert_allclose(clf.train_prior_, resampled)
    raw = clf.estimator_.predict_proba(X) * original / resampled
    expected = raw / raw.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-12)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(expected))
    np.testing.assert_array_equal(clf.predict(X), clf.estimator_.predict(X))
    clf.set_params(predict_prior="original")
    np.testing.assert_array_equal(clf.predict(X), np.argmax(expected, axis=1))


def test_resampled_original_prior_predict_needs_predict_proba():
    """Check that predict_prior='original' with an estimator without
    predict_proba is refused by name."""
    X, y = _data()
    clf = ResampledClassifier(LinearSVC(), predict_prior="original")
    with pytest.raises(ValueError, match="LinearSVC has no predict_proba"):
        clf.fit(X, y)
