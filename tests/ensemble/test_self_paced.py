"""SelfPacedEnsembleClassifier: the self-paced draw against a naive
re-computation, bins and quotas, priors, weights, bad input."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from skclassgap.ensemble import SelfPacedEnsembleClassifier
from skclassgap.ensemble._self_paced import (
    bin_quotas,
    hardness_bins,
    self_paced_factor,
)


def _data(n=1500, weights=(0.9,), n_classes=2, seed=0):
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=list(weights),
        flip_y=0.02,
        random_state=seed,
    )


class _Recorder(DecisionTreeClassifier):
    """Tree that remembers the weights it was fitted with."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.weights_ = sample_weight
        return super().fit(X, y, sample_weight=sample_weight)


def test_self_paced_factor_is_tan_schedule():
    """Check alpha_i = tan(i pi / (2 n)) for members 1..n-1, 0 for member 0."""
    X, y = _data(n=400)
    clf = SelfPacedEnsembleClassifier(n_estimators=6, random_state=0).fit(X, y)
    expected = [0.0] + [np.tan(i * np.pi / 12) for i in range(1, 6)]
    np.testing.assert_allclose(clf.alphas_, expected)
    assert self_paced_factor(3, 6) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "weights, sizes, total, replacement, expected",
    [
        ([1.0, 1.0, 2.0], [10, 10, 10], 8, False, [2, 2, 4]),
        ([1.0, 1.0, 1.0], [10, 10, 10], 10, False, [4, 3, 3]),
        ([1.0, 1.0, 8.0], [10, 10, 3], 10, False, [4, 3, 3]),
        ([1.0, 1.0, 8.0], [10, 10, 3], 10, True, [1, 1, 8]),
        ([0.0, 1.0, 1.0], [5, 0, 9], 6, False, [0, 0, 6]),
        ([1.0, 3.0], [2, 2], 9, False, [2, 2]),
    ],
)
def test_bin_quotas_share_total_by_weight_within_capacity(
    weights, sizes, total, replacement, expected
):
    """Check the quotas: proportional to the weights (largest remainders),
    capped at a bin's rows without replacement with the excess shared again,
    never for an empty or zero-weight bin."""
    quotas = bin_quotas(np.array(weights), np.array(sizes), total, replacement)
    assert quotas.tolist() == expected


def test_hardness_bins_are_equal_width():
    """Check that the bins are k equal-width intervals from min to max."""
    h = np.array([0.0, 0.19, 0.2, 0.5, 0.99, 1.0])
    assert hardness_bins(h, 5).tolist() == [0, 0, 1, 2, 4, 4]
    assert hardness_bins(np.full(4, 0.3), 5).tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("hardness", ["absolute", "squared", "cross_entropy"])
def test_self_paced_members_follow_bins_of_previous_ensemble(hardness):
    """Check that member i keeps every minority row and, of the majority, as
    many rows from each hardness bin of the ensemble of members 0..i-1 as
    the quotas with weights 1 / (mean hardness + alpha_i) give."""
    X, y = _data()
    clf = SelfPacedEnsembleClassifier(
        n_estimators=6, k_bins=4, hardness=hardness, random_state=0
    ).fit(X, y)
    majority = np.flatnonzero(y == 0)
    minority = np.flatnonzero(y == 1)
    funcs = {
        "absolute": lambda p: 1 - p,
        "squared": lambda p: (1 - p) ** 2,
        "cross_entropy": lambda p: -np.log(np.clip(p, np.finfo(float).eps, 1)),
    }
    for i in range(1, 6):
        rows = clf.estimators_samples_[i]
        np.testing.assert_array_equal(np.intersect1d(rows, minority), minority)
        p_own = np.mean(
            [est.predict_proba(X[majority])[:, 0] for est in clf.estimators_[:i]],
            axis=0,
        )
        h = funcs[hardness](p_own)
        edges = np.linspace(h.min(), h.max(), 5)
        bins = np.clip(np.searchsorted(edges, h, side="right") - 1, 0, 3)
        sizes = np.bincount(bins, minlength=4)
        means = np.bincount(bins, weights=h, minlength=4) / np.maximum(sizes, 1)
        bin_weights = np.where(sizes > 0, 1 / (means + clf.alphas_[i]), 0.0)
        quotas = bin_quotas(bin_weights, sizes, len(minority), False)
        kept_majority = np.intersect1d(rows, majority)
        kept_bins = bins[np.searchsorted(majority, kept_majority)]
        assert np.bincount(kept_bins, minlength=4).tolist() == quotas.tolist()
        assert len(kept_majority) == len(minority)


def test_self_paced_multiclass_counts_follow_strategy():
    """Check that every reduced class keeps the rows sampling_strategy asks,
    with three classes and a dict."""
    X, y = _data(weights=(0.1, 0.3), n_classes=3)
    strategy = {1: 200, 2: 300}
    clf = SelfPacedEnsembleClassifier(
        n_estimators=4, sampling_strategy=strategy, random_state=0
    ).fit(X, y)
    for rows in clf.estimators_samples_:
        counts = np.bincount(y[rows], minlength=3)
        assert counts.tolist() == [(y == 0).sum(), 200, 300]


def test_self_paced_original_prior_corrects_the_average():
    """Check that the balanced members share a prior and the original-prior
    probabilities are their average moved by Bayes' rule."""
    X, y = _data()
    clf = SelfPacedEnsembleClassifier(
        LogisticRegression(), n_estimators=5, proba_prior="original", random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(clf.train_priors_, 0.5)
    mean = np.mean([est.predict_proba(X) for est in clf.estimators_], axis=0)
    expected = mean * clf.original_prior_
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), expected)
    clf.set_params(proba_prior="fit")
    np.testing.assert_allclose(clf.predict_proba(X), mean)


def test_self_paced_weights_and_routing_follow_rows():
    """Check that each member's estimator gets the weights and routed
    metadata of its kept rows."""

    class _Tagged(LogisticRegression):
        def fit(self, X, y, sample_weight=None, tag=None):
            self.tag_, self.weights_ = tag, sample_weight
            return super().fit(X, y, sample_weight=sample_weight)

    X, y = _data(n=600)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    clf = SelfPacedEnsembleClassifier(_Recorder(), n_estimators=4, random_state=0)
    clf.fit(X, y, sample_weight=w)
    for est, rows in zip(clf.estimators_, clf.estimators_samples_, strict=True):
        np.testing.assert_array_equal(est.weights_, w[rows])
    tag = np.arange(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        clf = SelfPacedEnsembleClassifier(
            _Tagged().set_fit_request(tag=True, sample_weight=True),
            n_estimators=3,
            random_state=0,
        ).fit(X, y, tag=tag, sample_weight=w)
    for est, rows in zip(clf.estimators_, clf.estimators_samples_, strict=True):
        np.testing.assert_array_equal(est.tag_, tag[rows])
        np.testing.assert_array_equal(est.weights_, w[rows])


def test_self_paced_same_output_for_any_n_jobs():
    """Check that a seed repeats the ensemble and n_jobs does not change it."""
    X, y = _data(n=600)
    a = SelfPacedEnsembleClassifier(n_estimators=5, random_state=1).fit(X, y)
    b = SelfPacedEnsembleClassifier(n_estimators=5, random_state=1, n_jobs=2)
    b.fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_self_paced_callable_hardness():
    """Check that a callable hardness gets the labels and the ensemble's
    probabilities of the reduced rows, and a wrong shape is refused."""
    X, y = _data(n=600)
    seen = []

    def hardness(y_true, proba):
        seen.append((y_true.copy(), proba.shape))
        return 1 - proba[np.arange(len(y_true)), y_true]

    ours = SelfPacedEnsembleClassifier(
        n_estimators=4, hardness=hardness, random_state=0
    ).fit(X, y)
    ref = SelfPacedEnsembleClassifier(n_estimators=4, random_state=0).fit(X, y)
    for a, b in zip(ours.estimators_samples_, ref.estimators_samples_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(seen) == 3
    assert (seen[0][0] == 0).all() and seen[0][1] == ((y == 0).sum(), 2)
    with pytest.raises(ValueError, match=r"returned an array of shape \(3,\)"):
        SelfPacedEnsembleClassifier(
            n_estimators=2, hardness=lambda y_true, p: np.ones(3)
        ).fit(X, y)


@pytest.mark.parametrize(
    "estimator, fit_kwargs, message",
    [
        (
            SelfPacedEnsembleClassifier(Perceptron(), proba_prior="original"),
            {},
            "Perceptron has no predict_proba",
        ),
        (
            SelfPacedEnsembleClassifier(KNeighborsClassifier()),
            {"sample_weight": np.ones(600)},
            "KNeighborsClassifier.fit does not accept sample_weight",
        ),
        (
            SelfPacedEnsembleClassifier(sampling_strategy={0: 10**5}),
            {},
            "asks for 100000 rows of class 0",
        ),
    ],
)
def test_self_paced_bad_input(estimator, fit_kwargs, message):
    """Check that each bad configuration is refused with a message naming it."""
    X, y = _data(n=600)
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, y, **fit_kwargs)


def test_self_paced_grid_search_over_bins_and_prior():
    """Check that GridSearchCV tunes the bins and hardness, and that the Brier
    score picks probabilities under the original prior."""
    X, y = _data(n=900, weights=(0.93,))
    grid = GridSearchCV(
        SelfPacedEnsembleClassifier(n_estimators=5, random_state=0),
        {
            "k_bins": [2, 5],
            "hardness": ["absolute", "squared"],
            "proba_prior": ["fit", "original"],
        },
        scoring="neg_brier_score",
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["proba_prior"] == "original"
    assert len(grid.cv_results_["params"]) == 8
