"""Tests of the samplers' shared machinery: pair draws, interpolation, provenance."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from skclassgap.over_sampling import ADASYN, SMOTE, BorderlineSMOTE
from skclassgap.over_sampling._base import (
    count_other,
    draw_pairs,
    interpolate,
    neighbors_object,
)
from tests.naive import count_other_naive, smote_row_naive


def test_interpolate_matches_naive(rng, monkeypatch):
    """Check that every generated row is parent + gap * (neighbour - parent).

    The chunk size is lowered so that several chunks are written.
    """
    monkeypatch.setattr("skclassgap.over_sampling._interpolate._INTERPOLATE_CHUNK", 7)
    X = rng.standard_normal((30, 4)).astype(np.float32)
    parents = rng.integers(0, 30, 50)
    nbrs = rng.integers(0, 30, 50)
    gaps = rng.random(50)
    out = np.empty((50, 4), dtype=np.float32)
    interpolate(X, parents, nbrs, gaps, out)
    expected = np.array(
        [
            smote_row_naive(X[p], X[q], g)
            for p, q, g in zip(parents, nbrs, gaps, strict=True)
        ]
    )
    np.testing.assert_array_equal(out, expected.astype(np.float32))


def test_draw_pairs_uniform_and_repeats():
    """Check that drawn pairs come from the given neighbour table, that gaps lie
    in [0, 1) ([0, 0.5) where flagged), that repeats fix the parent counts, and
    that a seed repeats the draws."""
    base = np.array([10, 20, 30], dtype=np.int64)
    nbrs = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.int64)
    half = np.array([[True, False], [False, False], [False, False]])
    p, q, g, values, codes = draw_pairs(base, nbrs, 2000, 7, half_gap=half)
    assert values is None and codes is None
    pos = np.searchsorted(base, p)
    assert np.isin(p, base).all()
    assert (nbrs[pos] == q[:, None]).any(axis=1).all()
    assert ((g >= 0) & (g < 1)).all()
    assert (g[q == 1] < 0.5).all() and (g[q == 2] > 0.5).any()
    # every parent and every neighbour column is drawn
    assert set(p.tolist()) == {10, 20, 30} and set(q.tolist()) == set(range(1, 7))
    p2, q2, g2, _, _ = draw_pairs(base, nbrs, 2000, 7, half_gap=half)
    np.testing.assert_array_equal(p, p2)
    np.testing.assert_array_equal(q, q2)
    np.testing.assert_array_equal(g, g2)
    p, _, _, _, _ = draw_pairs(base, nbrs, 5, 0, repeats=np.array([2, 0, 3]))
    np.testing.assert_array_equal(p, [10, 10, 30, 30, 30])


def test_count_other_matches_naive(rng):
    """Check the other-class neighbour counts against a Python loop."""
    nbrs = rng.integers(0, 50, (20, 6))
    y = rng.integers(0, 3, 50)
    np.testing.assert_array_equal(
        count_other(nbrs, y, 1), count_other_naive(nbrs, y, 1)
    )


@pytest.mark.parametrize(
    "sampler, attributes",
    [
        (SMOTE(k_neighbors=3), {"nn_k_": 4}),
        (
            BorderlineSMOTE(k_neighbors=3, m_neighbors=7),
            {"nn_k_": 4, "nn_m_": 8},
        ),
        (ADASYN(n_neighbors=4), {"nn_": 5}),
        (SMOTE(k_neighbors=NearestNeighbors(n_neighbors=3)), {"nn_k_": 3}),
    ],
)
def test_sampler_neighbors_attributes_as_imblearn(sampler, attributes):
    """Check that the validated neighbour parameters are stored under
    imbalanced-learn's names, as NearestNeighbors objects whose n_neighbors
    counts the row itself (a given estimator is cloned, not reused)."""
    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    sampler.fit_resample(X, y)
    for name, n_neighbors in attributes.items():
        nn = getattr(sampler, name)
        assert hasattr(nn, "kneighbors")
        assert nn.n_neighbors == n_neighbors
    if not isinstance(getattr(sampler, "k_neighbors", 0), int):
        assert sampler.nn_k_ is not sampler.k_neighbors


def test_borderline_in_danger_indices_as_imblearn():
    """Check that imbalanced-learn's ``in_danger_indices`` holds the danger rows
    of the classes that have some (as imbalanced-learn), ``danger_indices_``
    every oversampled class."""
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (150, 2)), rng.normal(50, 1, (30, 2))]
    X[150:160] = rng.normal(0, 1, (10, 2))  # class 1 rows inside class 0
    X = np.r_[X, rng.normal(-50, 1, (30, 2))]  # class 2, far from all
    y = np.r_[[0] * 150, [1] * 30, [2] * 30]
    sampler = BorderlineSMOTE(random_state=0)
    sampler.fit_resample(X, y)
    assert set(sampler.danger_indices_) == {1, 2}
    assert len(sampler.danger_indices_[2]) == 0
    assert set(sampler.in_danger_indices) == {1}
    np.testing.assert_array_equal(
        sampler.in_danger_indices[1], sampler.danger_indices_[1]
    )
    assert np.isin(sampler.parents_, sampler.in_danger_indices[1]).all()


@pytest.mark.parametrize("name", ["k_neighbors", "m_neighbors"])
def test_neighbors_object_refuses_estimator_without_neighbors(name):
    """Check that an estimator whose n_neighbors cannot count the row is refused."""
    with pytest.raises(ValueError, match=f"passed as {name} must have an integer"):
        neighbors_object(NearestNeighbors(n_neighbors=1), name, None)
