"""NearMiss 1, 2 and 3 against imbalanced-learn and the naive definitions."""

import re

import imblearn.under_sampling as imb
import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from skclassgap.under_sampling import NearMiss
from tests.naive import nearmiss_naive
from tests.under_sampling.datasets import ALL, HOSTILE, dataset, hostile

CONFIGS = [
    {"version": 1},
    {"version": 2},
    {"version": 3},
    {"version": 1, "sampling_strategy": "all", "n_neighbors": 5},
    {"version": 2, "sampling_strategy": "all"},
    {"version": 3, "sampling_strategy": "all", "n_neighbors_ver3": 5},
]
# Ambiguous neighbour sets: NearMiss-3's candidates are the rows among the
# n_neighbors_ver3 nearest of some minority row, by identity. With equal
# distances at the last place (a duplicated row; digits' integer pixels),
# imbalanced-learn takes the row scikit-learn's heap leaves, here the lower
# row: checked against the naive definition instead.
_AMBIGUOUS = {(3, "dup3"), (3, "digits")}
_FEW_CANDIDATES = "ignore:.*(NearMiss-3 found|number of the samples):UserWarning"


@pytest.mark.filterwarnings(_FEW_CANDIDATES)
@pytest.mark.parametrize("data", ALL)
@pytest.mark.parametrize("params", CONFIGS, ids=str)
def test_nearmiss_sample_indices_equal_imblearn(params, data):
    """Check that sample_indices_ (score order included) equals
    imbalanced-learn's on generated and real sets, except where the candidate
    sets of NearMiss-3 are ambiguous (then against the naive definition)."""
    X, y = dataset(data)
    ours = NearMiss(**params)
    ours.fit_resample(X, y)
    if (params["version"], data) in _AMBIGUOUS:
        expected = nearmiss_naive(
            X,
            y,
            ours.sampling_strategy_,
            params["version"],
            params.get("n_neighbors", 3),
            params.get("n_neighbors_ver3", 3),
        )
        np.testing.assert_array_equal(ours.sample_indices_, expected)
        return
    peer = imb.NearMiss(**params)
    peer.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, peer.sample_indices_)


@pytest.mark.filterwarnings(_FEW_CANDIDATES)
@pytest.mark.parametrize("data", HOSTILE)
@pytest.mark.parametrize("version", [1, 2, 3])
def test_nearmiss_equals_naive_on_hostile_data(version, data):
    """Check all three versions against the naive definition (exact neighbour
    order, distances from exact squared distances) on identifier-like
    columns, a far row and duplicates with conflicting labels."""
    X, y = hostile(data)
    ours = NearMiss(version=version, sampling_strategy="all")
    ours.fit_resample(X, y)
    expected = nearmiss_naive(X, y, ours.sampling_strategy_, version, 3, 3)
    np.testing.assert_array_equal(ours.sample_indices_, expected)


@pytest.mark.parametrize("strategy", [{0: 50, 1: 30}, 0.5])
def test_nearmiss_counts_follow_sampling_strategy(strategy):
    """Check that NearMiss keeps exactly the wanted rows per class (versions 1
    and 2), the classes in sorted order."""
    X, y = dataset("gen2")
    for version in (1, 2):
        _, y_res = NearMiss(version=version, sampling_strategy=strategy).fit_resample(
            X, y
        )
        _, y_peer = imb.NearMiss(
            version=version, sampling_strategy=strategy
        ).fit_resample(X, y)
        np.testing.assert_array_equal(y_res, y_peer)


def test_nearmiss3_warns_when_candidates_are_too_few():
    """Check that NearMiss-3 keeps every candidate row and warns, naming the
    class and the counts, when fewer rows than wanted are candidates."""
    X, y = dataset("gen2")
    with pytest.warns(
        UserWarning, match=r"NearMiss-3 found \d+ candidate rows of class 0"
    ):
        NearMiss(version=3, n_neighbors_ver3=1).fit_resample(X, y)


def test_nearmiss_minority_too_small():
    """Check that a minority with fewer rows than n_neighbors is refused, naming
    the class and its size."""
    X, y = dataset("gen2")
    y = y.copy()
    y[np.flatnonzero(y == 1)[2:]] = 0
    message = "n_neighbors=3 needs at least 3 samples in class 1, which has 2"
    with pytest.raises(ValueError, match=re.escape(message)):
        NearMiss().fit_resample(X, y)


@pytest.mark.filterwarnings(_FEW_CANDIDATES)
@pytest.mark.parametrize("version", [1, 2, 3])
def test_nearmiss_neighbours_estimator_equals_int(version):
    """Check that a NearestNeighbors estimator (its n_neighbors counting the
    minority rows scored, no row itself here) gives the int's rows."""
    X, y = dataset("gen3")
    a = NearMiss(version=version, n_neighbors=3)
    b = NearMiss(
        version=version,
        n_neighbors=NearestNeighbors(n_neighbors=3),
        n_neighbors_ver3=NearestNeighbors(n_neighbors=3),
    )
    a.fit_resample(X, y)
    b.fit_resample(X, y)
    np.testing.assert_array_equal(a.sample_indices_, b.sample_indices_)
