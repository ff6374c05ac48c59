"""CondensedNearestNeighbour and OneSidedSelection."""

import re

import imblearn.under_sampling as imb
import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from skclassgap.under_sampling import CondensedNearestNeighbour, OneSidedSelection
from tests.naive import cnn_naive
from tests.under_sampling.datasets import GENERATED, HOSTILE, dataset, hostile

REAL = ["breast_cancer", "wine", "iris"]


@pytest.mark.parametrize("data", GENERATED + REAL)
@pytest.mark.parametrize("params", [{}, {"n_seeds_S": 3}, {"n_neighbors": 3}], ids=str)
def test_one_sided_selection_equals_imblearn(params, data):
    """Check that, drawing the seeds as imbalanced-learn does, sample_indices_
    equals imbalanced-learn's (the vote and the Tomek links being exact)."""
    X, y = dataset(data)
    ours = OneSidedSelection(random_state=0, **params)
    ours.fit_resample(X, y)
    peer = imb.OneSidedSelection(random_state=0, **params)
    peer.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, peer.sample_indices_)
    assert [list(e.classes_) for e in ours.estimators_] == [
        list(e.classes_) for e in peer.estimators_
    ]


@pytest.mark.parametrize("data", ["gen2", "gen3", "dup3", *HOSTILE])
@pytest.mark.parametrize(
    "k, n_seeds", [(1, 1), pytest.param(3, 2, marks=pytest.mark.slow)]
)
def test_condensed_nearest_neighbour_equals_naive(data, k, n_seeds):
    """Check the blocked, exact condensing against the naive one-pass
    definition (the same seeds; every other row of the class visited once, in
    input order), on generated data, duplicated rows and hostile spreads."""
    X, y = hostile(data) if data in HOSTILE else dataset(data)
    if data.startswith(("gen", "dup")):
        X, y = X[::2], y[::2]
    ours = CondensedNearestNeighbour(n_neighbors=k, n_seeds_S=n_seeds, random_state=0)
    ours.fit_resample(X, y)
    targeted = set(ours.sampling_strategy_)
    expected = cnn_naive(X, y, targeted, k, 0, n_seeds)
    np.testing.assert_array_equal(ours.sample_indices_, expected)


def test_condensed_nearest_neighbour_estimator_equals_int():
    """Check that a KNeighborsClassifier, refitted on the growing set, keeps the
    rows the exact int path keeps, and that estimators_ hold the final sets."""
    X, y = dataset("gen3")
    a = CondensedNearestNeighbour(random_state=0)
    b = CondensedNearestNeighbour(
        n_neighbors=KNeighborsClassifier(n_neighbors=1), random_state=0
    )
    a.fit_resample(X, y)
    b.fit_resample(X, y)
    np.testing.assert_array_equal(a.sample_indices_, b.sample_indices_)
    minority = np.argmin(np.bincount(y))
    for est, label in zip(a.estimators_, sorted(a.sampling_strategy_), strict=True):
        kept = a.sample_indices_[y[a.sample_indices_] == label]
        assert est.n_samples_fit_ == np.sum(y == minority) + len(kept)


def test_condensed_nearest_neighbour_differs_from_imblearn_only_by_its_skip():
    """Check on data where imbalanced-learn's skip of rows (a class position
    equal to a kept row's index) fires that ours is the one-pass definition,
    and that both keep the seeds first."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=150, weights=[0.9], class_sep=0.5, random_state=0
    )
    ours = CondensedNearestNeighbour(random_state=0)
    ours.fit_resample(X, y)
    peer = imb.CondensedNearestNeighbour(random_state=0)
    peer.fit_resample(X, y)
    expected = cnn_naive(X, y, set(ours.sampling_strategy_), 1, 0)
    np.testing.assert_array_equal(ours.sample_indices_, expected)
    first = np.flatnonzero(y[ours.sample_indices_] == 0)[0]
    assert ours.sample_indices_[first] == peer.sample_indices_[first]
    assert len(ours.sample_indices_) != len(peer.sample_indices_)


def test_condensing_set_too_small_for_k():
    """Check that a vote over more rows than the starting set has is refused
    with the numbers."""
    X, y = dataset("gen2")
    y = y.copy()
    y[np.flatnonzero(y == 1)[2:]] = 0
    message = "n_neighbors=5 needs at least 5 rows in the starting set"
    with pytest.raises(ValueError, match=re.escape(message)):
        CondensedNearestNeighbour(n_neighbors=5, random_state=0).fit_resample(X, y)
