"""RUSBoostClassifier: SAMME against its formulas, counts against
imbalanced-learn, priors, weights, bad input."""

import numpy as np
import pytest
import sklearn
from imblearn.ensemble import RUSBoostClassifier as ImbRUSBoost
from scipy.special import softmax
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from skclassgap.ensemble import RUSBoostClassifier
from skclassgap.utils._priors import shift_proba


def _data(n=800, n_classes=3, weights=(0.1, 0.3), seed=0):
    return make_classification(
        n_samples=n,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        weights=list(weights),
        random_state=seed,
    )


class _Recorder(DecisionTreeClassifier):
    """Tree that remembers the weights it was fitted with."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.weights_ = sample_weight
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize(
    "params",
    [{}, {"sampling_strategy": "all"}, {"sampling_strategy": {2: 200}}],
    ids=repr,
)
def test_rus_boost_round_counts_match_imblearn(params):
    """Check that every round's learner sees imbalanced-learn's class counts."""
    X, y = _data()
    ours = RUSBoostClassifier(n_estimators=8, random_state=0, **params).fit(X, y)
    theirs = ImbRUSBoost(n_estimators=8, random_state=0, **params).fit(X, y)
    for rows_ours, sampler in zip(
        ours.estimators_samples_, theirs.samplers_, strict=False
    ):
        assert np.bincount(y[rows_ours], minlength=3).tolist() == (
            np.bincount(y[sampler.sample_indices_], minlength=3).tolist()
        )


@pytest.mark.parametrize("n_classes", [2, 3])
def test_rus_boost_follows_samme(n_classes):
    """Check the SAMME learner weights from the weighted errors, and that the
    decision function and probabilities are AdaBoost's formulas."""
    X, y = _data(n_classes=n_classes, weights=(0.2,) if n_classes == 2 else (0.1, 0.3))
    clf = RUSBoostClassifier(n_estimators=6, learning_rate=0.7, random_state=0)
    clf.fit(X, y)
    K = n_classes
    errors = clf.estimator_errors_
    np.testing.assert_allclose(
        clf.estimator_weights_, 0.7 * (np.log((1 - errors) / errors) + np.log(K - 1))
    )
    total = (
        sum(
            w * np.where(est.predict(X)[:, None] == clf.classes_, 1.0, -1.0 / (K - 1))
            for est, w in zip(clf.estimators_, clf.estimator_weights_, strict=True)
        )
        / clf.estimator_weights_.sum()
    )
    if K == 2:
        decision = total[:, 1] - total[:, 0]
        logits = np.column_stack([-decision, decision]) / 2
        predicted = clf.classes_[(decision > 0).astype(int)]
    else:
        decision = total
        logits = decision / (K - 1)
        predicted = clf.classes_[decision.argmax(axis=1)]
    np.testing.assert_allclose(clf.decision_function(X), decision)
    np.testing.assert_allclose(clf.predict_proba(X), softmax(logits, axis=1))
    np.testing.assert_array_equal(clf.predict(X), predicted)
    *_, last = clf.staged_predict_proba(X)
    np.testing.assert_allclose(last, clf.predict_proba(X))
    assert len(list(clf.staged_score(X, y))) == len(clf.estimators_)


def test_rus_boost_weighted_errors_and_boosting_weights():
    """Check that round 1's learner gets the initial weights (sample_weight,
    normalised) of its kept rows, and round 2's the SAMME update."""
    X, y = _data()
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    clf = RUSBoostClassifier(_Recorder(max_depth=1), n_estimators=3, random_state=0)
    clf.fit(X, y, sample_weight=w)
    first, second = clf.estimators_[:2]
    kept = clf.estimators_samples_
    start = w / w.sum()
    np.testing.assert_allclose(first.weights_, start[kept[0]])
    wrong = first.predict(X) != y
    assert clf.estimator_errors_[0] == pytest.approx(start[wrong].sum())
    updated = start * np.exp(clf.estimator_weights_[0] * wrong)
    updated /= updated.sum()
    np.testing.assert_allclose(second.weights_, updated[kept[1]])


def test_rus_boost_original_prior_is_one_bayes_shift():
    """Check that under the original prior the probabilities are the fit-prior
    ones moved by Bayes' rule from train_prior_ (the rounds' priors averaged
    with the learners' weights) to original_prior_."""
    X, y = _data()
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    clf = RUSBoostClassifier(
        n_estimators=6, sampling_strategy="majority", random_state=0
    ).fit(X, y, sample_weight=w)
    for prior, rows in zip(clf.train_priors_, clf.estimators_samples_, strict=True):
        np.testing.assert_allclose(
            prior, np.bincount(y[rows], weights=w[rows], minlength=3) / w[rows].sum()
        )
    np.testing.assert_allclose(
        clf.train_prior_,
        np.average(clf.train_priors_, axis=0, weights=clf.estimator_weights_),
    )
    fit_proba = clf.predict_proba(X)
    clf.set_params(proba_prior="original")
    np.testing.assert_allclose(
        clf.predict_proba(X),
        shift_proba(fit_proba, clf.train_prior_, clf.original_prior_),
    )
    np.testing.assert_allclose(clf.original_prior_, np.bincount(y, weights=w) / w.sum())


def test_rus_boost_same_output_for_same_seed_and_routing():
    """Check that a seed repeats the ensemble, and that routed metadata reach
    the learners for their kept rows."""

    class _Tagged(LogisticRegression):
        def fit(self, X, y, sample_weight=None, tag=None):
            self.tag_ = tag
            return super().fit(X, y, sample_weight=sample_weight)

    X, y = _data()
    a = RUSBoostClassifier(n_estimators=5, random_state=2).fit(X, y)
    b = RUSBoostClassifier(n_estimators=5, random_state=2).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    tag = np.arange(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RUSBoostClassifier(
            _Tagged().set_fit_request(tag=True, sample_weight=True),
            n_estimators=3,
            random_state=0,
        ).fit(X, y, tag=tag)
    for learner, rows in zip(clf.estimators_, clf.estimators_samples_, strict=True):
        np.testing.assert_array_equal(learner.tag_, tag[rows])


def test_rus_boost_without_predict_proba_learner():
    """Check that learners without predict_proba work with both priors (the
    probabilities come from the SAMME decision)."""
    X, y = _data()
    clf = RUSBoostClassifier(
        Perceptron(), n_estimators=5, proba_prior="original", random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_rus_boost_stops_at_a_perfect_learner():
    """Check that a learner with no training error ends boosting with weight 1."""
    X = np.r_[np.zeros((20, 1)), np.ones((80, 1))]
    y = np.r_[np.zeros(20, int), np.ones(80, int)]
    clf = RUSBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    assert len(clf.estimators_) == 1
    assert clf.estimator_weights_.tolist() == [1.0]
    assert clf.estimator_errors_.tolist() == [0.0]


def test_rus_boost_grid_search():
    """Check that GridSearchCV tunes the learner and the number of rounds."""
    X, y = _data(n=600)
    grid = GridSearchCV(
        RUSBoostClassifier(random_state=0),
        {"n_estimators": [3, 6], "estimator": [None, LogisticRegression()]},
        cv=3,
        scoring="balanced_accuracy",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4


@pytest.mark.parametrize(
    "estimator, error, message",
    [
        (
            RUSBoostClassifier(KNeighborsClassifier()),
            ValueError,
            "KNeighborsClassifier.fit does not accept sample_weight",
        ),
        (
            RUSBoostClassifier(DummyClassifier(strategy="constant", constant=0)),
            ValueError,
            r"the first learner, DummyClassifier, is no better than chance",
        ),
    ],
)
def test_rus_boost_bad_input(estimator, error, message):
    """Check that each bad configuration is refused with a message naming it."""
    X, y = _data()
    with pytest.raises(error, match=message):
        estimator.fit(X, y)


@pytest.mark.parametrize("algorithm", ["SAMME", "SAMME.R"])
def test_rus_boost_algorithm_warns_and_runs_samme(algorithm):
    """Check that algorithm= warns (imbalanced-learn deprecated it) and SAMME
    runs either way."""
    X, y = _data()
    with pytest.warns(FutureWarning, match="always uses SAMME"):
        clf = RUSBoostClassifier(n_estimators=3, algorithm=algorithm, random_state=0)
        clf.fit(X, y)
    ref = RUSBoostClassifier(n_estimators=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), ref.predict_proba(X))
