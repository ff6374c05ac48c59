"""BorderlineSMOTE: danger set, parents from it, kind-2 gaps."""

import numpy as np
import pytest
from imblearn.over_sampling import BorderlineSMOTE as ImbBorderline
from sklearn.datasets import make_classification

from skclassgap.over_sampling import BorderlineSMOTE
from tests.naive import count_other_naive, kneighbors_naive


def _data():
    return make_classification(
        n_samples=400,
        n_features=5,
        n_informative=3,
        n_classes=3,
        weights=[0.6, 0.25],
        class_sep=0.6,
        random_state=0,
    )


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_borderline_parents_only_from_naive_danger_set(kind):
    """Check that the danger set follows the definition (m/2 <= other < m among
    the m nearest rows, naive search), equals imbalanced-learn's, and that every
    synthetic row grows from it."""
    X, y = _data()
    m = 10
    sampler = BorderlineSMOTE(kind=kind, m_neighbors=m, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    peer = ImbBorderline(kind=kind, m_neighbors=m, random_state=0)
    peer.fit_resample(X, y)
    n = len(X)
    for label in (1, 2):
        rows = np.flatnonzero(y == label)
        nn = kneighbors_naive(X[rows], X, m, rows)
        other = count_other_naive(nn, y, label)
        expected = rows[(2 * other >= m) & (other < m)]
        np.testing.assert_array_equal(sampler.danger_indices_[label], expected)
        np.testing.assert_array_equal(expected, peer.in_danger_indices[label])
        syn = y_res[n:] == label
        assert np.isin(sampler.parents_[syn], expected).all()


def test_borderline_kinds_neighbours_and_gaps():
    """Check that kind 1 moves toward same-class rows only, and kind 2 toward any
    row with a gap below 0.5 when the neighbour is of another class."""
    X, y = _data()
    n = len(X)
    s1 = BorderlineSMOTE(random_state=0)
    _, y1 = s1.fit_resample(X, y)
    np.testing.assert_array_equal(y[s1.neighbors_], y1[n:])
    s2 = BorderlineSMOTE(kind="borderline-2", random_state=0)
    X2, y2 = s2.fit_resample(X, y)
    other = y[s2.neighbors_] != y2[n:]
    assert other.any() and (s2.gaps_[other] < 0.5).all()
    assert (s2.gaps_[~other] >= 0.5).any()
    p, q, g = s2.parents_, s2.neighbors_, s2.gaps_[:, None]
    np.testing.assert_allclose(X2[n:], X[p] + g * (X[q] - X[p]), rtol=1e-12)


def test_borderline_no_danger_rows_adds_nothing():
    """Check that a class without danger rows gets no synthetic rows."""
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (100, 2)), rng.normal(50, 1, (20, 2))]
    y = np.r_[[0] * 100, [1] * 20]
    sampler = BorderlineSMOTE(random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert len(X_res) == len(X) and len(sampler.danger_indices_[1]) == 0


def test_borderline_too_few_rows_for_m_neighbors():
    """Check the error when the data set is smaller than m_neighbors + 1."""
    X = np.arange(16.0).reshape(8, 2)
    y = np.r_[[0] * 6, [1] * 2]
    with pytest.raises(
        ValueError,
        match="m_neighbors=10 needs at least 11 samples in the data set, which has 8",
    ):
        BorderlineSMOTE(k_neighbors=1).fit_resample(X, y)
