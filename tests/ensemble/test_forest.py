"""BalancedRandomForestClassifier: counts against imbalanced-learn, priors,
weights, warm start, missing values, bad input."""

import numpy as np
import pandas as pd
import pytest
from imblearn.ensemble import BalancedRandomForestClassifier as ImbForest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

from skclassgap.ensemble import BalancedRandomForestClassifier


def _data(n=600, weights=(0.1, 0.25), n_classes=3, seed=0):
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=list(weights),
        random_state=seed,
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sampling_strategy": "auto", "replacement": False},
        {"sampling_strategy": "not majority"},
        {"sampling_strategy": {0: 30, 2: 100}},
        {"bootstrap": True},
        {"bootstrap": True, "max_samples": 50},
        {"bootstrap": True, "max_samples": 0.05},
    ],
    ids=repr,
)
def test_forest_tree_counts_match_imblearn(params):
    """Check that every tree sees imbalanced-learn's class counts and total
    weight (its bootstrap draws) for the same parameters."""
    X, y = _data()
    ours = BalancedRandomForestClassifier(n_estimators=5, random_state=0, **params)
    theirs = ImbForest(n_estimators=5, random_state=0, **params)
    ours.fit(X, y)
    theirs.fit(X, y)
    for m in range(5):
        kept_ours = ours.samplers_[m].sample_indices_
        kept_theirs = theirs.samplers_[m].sample_indices_
        assert np.bincount(y[kept_ours], minlength=3).tolist() == (
            np.bincount(y[kept_theirs], minlength=3).tolist()
        )
        assert (
            ours.estimators_[m].tree_.weighted_n_node_samples[0]
            == (theirs.estimators_[m].tree_.weighted_n_node_samples[0])
        )
        assert (
            len(ours.estimators_samples_[m])
            == (ours.estimators_[m].tree_.weighted_n_node_samples[0])
        )


def test_forest_original_prior_follows_formula():
    """Check that under the original prior the forest returns the trees'
    probabilities re-weighted by original / training prior, summed and
    normalised (one correction of the average: the trees share a prior)."""
    X, y = _data()
    clf = BalancedRandomForestClassifier(
        n_estimators=8, max_depth=3, proba_prior="original", random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(clf.train_priors_, 1 / 3)
    np.testing.assert_allclose(clf.original_prior_, np.bincount(y) / len(y))
    mean = np.mean([tree.predict_proba(X) for tree in clf.estimators_], axis=0)
    expected = mean * clf.original_prior_ * 3
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), expected)
    np.testing.assert_allclose(clf.set_params(proba_prior="fit").predict_proba(X), mean)


def test_forest_original_prior_calibrates_mean():
    """Check that the balanced forest overstates the minority and the
    original-prior probabilities match its frequency on average."""
    X, y = _data(n=4000, weights=(0.96,), n_classes=2)
    clf = BalancedRandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    raw = clf.predict_proba(X)[:, 1].mean()
    moved = clf.set_params(proba_prior="original").predict_proba(X)[:, 1].mean()
    assert raw > 2 * y.mean()
    assert abs(moved - y.mean()) < 0.25 * y.mean()


def test_forest_weights_and_class_weight_reach_trees():
    """Check that each tree's total weight is that of its sampler's rows, and
    that class weights change the training prior but not the original one."""
    X, y = _data()
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    clf = BalancedRandomForestClassifier(
        n_estimators=4, class_weight={0: 5.0, 1: 1.0, 2: 1.0}, random_state=0
    ).fit(X, y, sample_weight=w)
    factor = np.where(y == 0, 5.0, 1.0)
    for tree, sampler, prior in zip(
        clf.estimators_, clf.samplers_, clf.train_priors_, strict=True
    ):
        kept = sampler.sample_indices_
        total = (w * factor)[kept]
        assert tree.tree_.weighted_n_node_samples[0] == pytest.approx(total.sum())
        np.testing.assert_allclose(
            prior, np.bincount(y[kept], weights=total, minlength=3) / total.sum()
        )
    np.testing.assert_allclose(clf.original_prior_, np.bincount(y, weights=w) / w.sum())


def test_forest_balanced_subsample_weights_each_tree_sample():
    """Check that "balanced_subsample" weights each tree's drawn rows to equal
    class totals."""
    X, y = _data()
    clf = BalancedRandomForestClassifier(
        n_estimators=3,
        bootstrap=True,
        sampling_strategy={0: 40, 1: 100, 2: 200},
        replacement=False,
        class_weight="balanced_subsample",
        random_state=0,
    ).fit(X, y)
    for prior in clf.train_priors_:
        np.testing.assert_allclose(prior, 1 / 3)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_forest_same_output_for_any_n_jobs_and_warm_start(n_jobs):
    """Check that a seed gives the same forest with 1 or 2 workers, and that
    4 then 9 trees with warm_start give the forest of one fit with 9."""
    X, y = _data()
    fresh = BalancedRandomForestClassifier(n_estimators=9, random_state=3).fit(X, y)
    warm = BalancedRandomForestClassifier(
        n_estimators=4, warm_start=True, random_state=3, n_jobs=n_jobs
    )
    warm.fit(X, y).set_params(n_estimators=9).fit(X, y)
    np.testing.assert_array_equal(warm.predict_proba(X), fresh.predict_proba(X))
    np.testing.assert_array_equal(warm.feature_importances_, fresh.feature_importances_)


def test_forest_feature_importances_and_oob():
    """Check that importances are the trees' mean, normalised, and that the
    out-of-bag score uses every row a tree did not see."""
    X, y = _data()
    clf = BalancedRandomForestClassifier(
        n_estimators=20, bootstrap=True, oob_score=True, random_state=0
    ).fit(X, y)
    mean = np.mean([t.feature_importances_ for t in clf.estimators_], axis=0)
    np.testing.assert_allclose(clf.feature_importances_, mean / mean.sum())
    total, count = np.zeros((len(y), 3)), np.zeros(len(y))
    for tree, seen in zip(clf.estimators_, clf.estimators_samples_, strict=True):
        out = np.setdiff1d(np.arange(len(y)), seen)
        total[out] += tree.predict_proba(X[out].astype(np.float32))
        count[out] += 1
    assert (count > 0).all()
    assert clf.oob_score_ == pytest.approx(np.mean(total.argmax(axis=1) == y))


def test_forest_sparse_missing_and_dataframe_input():
    """Check that sparse input gives the dense forest, that missing values
    are accepted, and that DataFrame names are recorded."""
    X, y = _data()
    dense = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    sparse_fit = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(
        sparse.csr_matrix(X), y
    )
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse_fit.predict_proba(sparse.csr_matrix(X))
    )
    X_nan = X.copy()
    X_nan[::7, 2] = np.nan
    clf = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X_nan, y)
    assert np.isfinite(clf.predict_proba(X_nan)).all()
    df = pd.DataFrame(X, columns=list("abcdef"))
    clf = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(df, y)
    assert clf.feature_names_in_.tolist() == list("abcdef")
    np.testing.assert_allclose(clf.predict_proba(df), dense.predict_proba(X))


def test_forest_string_labels_and_callable_strategy():
    """Check that string labels work with a dict or callable sampling
    strategy keyed by label."""
    X, y = _data()
    labels = np.array(["a", "b", "c"])[y]
    clf = BalancedRandomForestClassifier(
        n_estimators=3,
        sampling_strategy=lambda y_: {"c": int((y_ == "a").sum())},
        replacement=False,
        random_state=0,
    ).fit(X, labels)
    counts = np.bincount(y[clf.estimators_samples_[0]], minlength=3)
    assert counts[2] == counts[0] == (y == 0).sum()
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    with pytest.raises(ValueError, match=r"class\(es\) \['z'\]"):
        BalancedRandomForestClassifier(sampling_strategy={"z": 3}).fit(X, labels)


def test_forest_grid_search_prefers_original_prior_for_brier():
    """Check that GridSearchCV tunes the trees' depth and that the Brier
    score picks probabilities under the original prior."""
    X, y = _data(n=1500, weights=(0.93,), n_classes=2)
    grid = GridSearchCV(
        BalancedRandomForestClassifier(n_estimators=20, random_state=0),
        {"max_depth": [3, None], "proba_prior": ["fit", "original"]},
        scoring="neg_brier_score",
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["proba_prior"] == "original"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"oob_score": True}, "only available if bootstrap=True"),
        ({"sampling_strategy": {0: 10**6}}, "asks for 1000000 rows of class 0"),
    ],
)
def test_forest_bad_input(params, message):
    """Check that each bad configuration is refused with a message naming it."""
    X, y = _data()
    with pytest.raises(ValueError, match=message):
        BalancedRandomForestClassifier(n_estimators=2, **params).fit(X, y)
