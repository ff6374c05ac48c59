"""Tomek links and the edited nearest neighbours family against imbalanced-learn
and against the naive definitions."""

import imblearn.under_sampling as imb
import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from skclassgap.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)
from tests.naive import enn_naive, ncr_naive, tomek_naive
from tests.under_sampling.datasets import ALL, GENERATED, HOSTILE, dataset, hostile

CONFIGS = [
    ("TomekLinks", {}),
    ("TomekLinks", {"sampling_strategy": "all"}),
    ("EditedNearestNeighbours", {}),
    ("EditedNearestNeighbours", {"kind_sel": "mode", "sampling_strategy": "all"}),
    ("EditedNearestNeighbours", {"n_neighbors": 5, "sampling_strategy": "majority"}),
    ("RepeatedEditedNearestNeighbours", {}),
    ("RepeatedEditedNearestNeighbours", {"kind_sel": "mode", "max_iter": 3}),
    ("AllKNN", {}),
    ("AllKNN", {"kind_sel": "mode", "allow_minority": True, "n_neighbors": 5}),
    ("NeighbourhoodCleaningRule", {}),
    ("NeighbourhoodCleaningRule", {"sampling_strategy": "all", "n_neighbors": 5}),
]
OURS = {
    cls.__name__: cls
    for cls in (
        TomekLinks,
        EditedNearestNeighbours,
        RepeatedEditedNearestNeighbours,
        AllKNN,
        NeighbourhoodCleaningRule,
    )
}
# (sampler, data set): the neighbour sets are ambiguous there, and
# imbalanced-learn's choice follows scikit-learn's internal order of equal
# distances: NCR removes the neighbours of misclassified minority rows by
# identity, and a duplicated row at the last neighbour's distance may be
# either copy. Those cases are checked against the naive definition.
_AMBIGUOUS = {
    ("NeighbourhoodCleaningRule", "dup2"),
    ("NeighbourhoodCleaningRule", "dup3"),
}


# imbalanced-learn takes seconds per run on digits: default parameters only.
CASES = [
    (name, params, data)
    for name, params in CONFIGS
    for data in ALL
    if data != "digits" or not params
]


@pytest.mark.parametrize("name, params, data", CASES, ids=str)
def test_cleaners_sample_indices_equal_imblearn(name, params, data):
    """Check that sample_indices_ (order included) and the output rows equal
    imbalanced-learn's on generated sets (two and three classes, label noise,
    duplicated rows) and on scikit-learn's bundled sets; where neighbour sets
    are ambiguous (see _AMBIGUOUS) the kept rows are the same values."""
    X, y = dataset(data)
    ours = OURS[name](**params)
    X_res, y_res = ours.fit_resample(X, y)
    peer = getattr(imb, name)(**params)
    X_peer, y_peer = peer.fit_resample(X, y)
    if (name, data) in _AMBIGUOUS:
        rows = np.c_[X_res, y_res]
        peer_rows = np.c_[X_peer, y_peer]
        np.testing.assert_array_equal(
            np.unique(rows, axis=0), np.unique(peer_rows, axis=0)
        )
        assert len(rows) == len(peer_rows)
        return
    np.testing.assert_array_equal(ours.sample_indices_, peer.sample_indices_)
    np.testing.assert_array_equal(X_res, X_peer)
    np.testing.assert_array_equal(y_res, y_peer)
    if hasattr(peer, "n_iter_"):
        assert ours.n_iter_ == peer.n_iter_


def _targeted(y, strategy):
    labels, counts = np.unique(y, return_counts=True)
    if strategy == "all":
        return set(labels.tolist())
    return set(labels.tolist()) - {labels[np.argmin(counts)].item()}


@pytest.mark.parametrize("data", HOSTILE + ["dup3"])
def test_cleaners_equal_naive_definitions(data):
    """Check Tomek links, ENN (all and mode) and NCR against the naive
    definitions on exact neighbour orders (ties to the lower row), on data a
    float32 screen cannot separate (identifier columns 1e9-1e10, one row at
    1e9), on duplicates with conflicting labels, and on duplicated rows."""
    X, y = hostile(data) if data in HOSTILE else dataset(data)
    if data == "dup3":  # 280 rows, 80 of them duplicated: a fast naive reference
        X, y = X[np.r_[0:200, 600:680]], y[np.r_[0:200, 600:680]]
    targeted = _targeted(y, "auto")
    np.testing.assert_array_equal(_fit(TomekLinks(), X, y), tomek_naive(X, y, targeted))
    for kind_sel in ("all", "mode"):
        ours = _fit(EditedNearestNeighbours(kind_sel=kind_sel), X, y)
        np.testing.assert_array_equal(ours, enn_naive(X, y, targeted, 3, kind_sel))
    ours = _fit(NeighbourhoodCleaningRule(), X, y)
    np.testing.assert_array_equal(ours, ncr_naive(X, y, targeted, 3, 0.5))


def _fit(sampler, X, y):
    sampler.fit_resample(X, y)
    return sampler.sample_indices_


@pytest.mark.parametrize("data", GENERATED)
def test_repeated_rules_equal_rounds_of_enn(data):
    """Check that RENN and AllKNN (whose neighbour lists are reused across
    rounds) equal rounds of our ENN run on the rows left, with the stopping
    rules read from imbalanced-learn's documentation."""
    X, y = dataset(data)
    labels, first, counts = np.unique(y, return_index=True, return_counts=True)
    fewest = np.flatnonzero(counts == counts.min())
    minority = labels[fewest[np.argmin(first[fewest])]]

    def stop(kept):
        left = {c: np.sum(y[kept] == c) for c in labels}
        below = any(0 < n < counts.min() for c, n in left.items() if c != minority)
        return below or min(left.values()) == 0

    renn = RepeatedEditedNearestNeighbours(kind_sel="mode")
    renn.fit_resample(X, y)
    rows, n_iter = np.arange(len(y)), 0
    while True:
        n_iter += 1
        enn = EditedNearestNeighbours(kind_sel="mode")
        enn.fit_resample(X[rows], y[rows])
        kept = rows[enn.sample_indices_]
        done = len(kept) == len(rows) or n_iter == renn.max_iter or stop(kept)
        rows = kept
        if done:
            break
    np.testing.assert_array_equal(renn.sample_indices_, rows)
    assert renn.n_iter_ == n_iter

    allknn = AllKNN(n_neighbors=4)
    allknn.fit_resample(X, y)
    rows = np.arange(len(y))
    for k in range(1, 5):
        enn = EditedNearestNeighbours(n_neighbors=k)
        enn.fit_resample(X[rows], y[rows])
        rows = rows[enn.sample_indices_]
        if stop(rows):
            break
    np.testing.assert_array_equal(allknn.sample_indices_, rows)


def test_renn_sample_indices_match_output_when_first_round_keeps_all():
    """Check that when the first round removes nothing from an unsorted y, the
    output is grouped by class and sample_indices_ names those rows (where
    imbalanced-learn applies the reordering twice to sample_indices_)."""
    X = np.r_[np.zeros((5, 2)), np.ones((5, 2)) * 10]
    X += np.arange(10)[:, None] * 0.01
    y = np.r_[[1] * 5, [0] * 5]
    order = np.r_[[0, 5], [1, 6], [2, 7], [3, 8], [4, 9]]
    X, y = X[order], y[order]
    sampler = RepeatedEditedNearestNeighbours()
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    np.testing.assert_array_equal(y_res, np.r_[[0] * 5, [1] * 5])
    assert sampler.n_iter_ == 1


def test_enn_with_neighbours_estimator_counts_the_row_itself():
    """Check that an estimator's n_neighbors counts the row itself (4 examines 3),
    as in imbalanced-learn, and that the result equals the int path."""
    X, y = dataset("gen3")
    a = _fit(EditedNearestNeighbours(n_neighbors=3), X, y)
    b = _fit(EditedNearestNeighbours(n_neighbors=NearestNeighbors(n_neighbors=4)), X, y)
    np.testing.assert_array_equal(a, b)
