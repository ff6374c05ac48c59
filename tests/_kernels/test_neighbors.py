"""Neighbour search and generation kernels against the naive references."""

import numpy as np
import pytest
from scipy import sparse

from skclassgap._kernels.sampling import _count_other, _draw_pairs, _interpolate
from skclassgap.over_sampling._neighbors import kneighbors
from tests.naive import count_other_naive, kneighbors_naive, smote_row_naive

pytestmark = pytest.mark.kernel


@pytest.mark.parametrize("n_features", [2, 5, 20])
@pytest.mark.parametrize("k", [1, 4])
def test_kneighbors_self_matches_naive(rng, n_features, k):
    """Check that the within-set search (self excluded) equals the brute-force one."""
    X = rng.standard_normal((157, n_features)) + 50.0  # off-centre: cancellation
    exclude = np.arange(len(X))
    got = kneighbors(X, X, k, exclude=exclude)
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, k, exclude))


def test_kneighbors_subset_queries_and_tiles_match_naive(rng, monkeypatch):
    """Check that queries that are a subset of the references, spread over many
    small tiles, get the brute-force neighbours with their own row excluded."""
    import skclassgap.over_sampling._neighbors as mod

    monkeypatch.setattr(mod, "_TILE_BYTES", 8 * 7 * 13)  # tiles of a few rows/cols
    monkeypatch.setattr(mod, "_tile_shape", lambda nq, nr: (7, 13))
    X = rng.standard_normal((120, 6))
    rows = rng.choice(120, size=40, replace=False)
    got = kneighbors(X[rows], X, 5, exclude=rows)
    np.testing.assert_array_equal(got, kneighbors_naive(X[rows], X, 5, rows))


@pytest.mark.parametrize("n_jobs", [1, 2, 3, None, -1])
def test_kneighbors_threads_give_identical_results(rng, monkeypatch, n_jobs):
    """Check that any number of threads gives the brute-force neighbours exactly."""
    import skclassgap.over_sampling._neighbors as mod

    monkeypatch.setattr(mod, "_tile_shape", lambda nq, nr: (7, 13))  # many blocks
    X = rng.standard_normal((150, 6))
    exclude = np.arange(150)
    got = kneighbors(X, X, 4, exclude=exclude, n_jobs=n_jobs)
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, 4, exclude))


def test_kneighbors_sparse_and_estimator_paths_match_naive(rng):
    """Check that CSR input and a user neighbours estimator give the same sets."""
    from sklearn.neighbors import NearestNeighbors

    X = rng.standard_normal((90, 7)) * (rng.random((90, 7)) < 0.5)
    ex = np.arange(90)
    expected = kneighbors_naive(X, X, 3, ex)
    np.testing.assert_array_equal(kneighbors(sparse.csr_matrix(X), sparse.csr_matrix(X), 3, exclude=ex), expected)
    got = kneighbors(X, X, 3, exclude=ex, estimator=NearestNeighbors(n_neighbors=4))
    np.testing.assert_array_equal(got, expected)


def test_interpolate_matches_naive(rng):
    """Check that every generated row is parent + gap * (neighbour - parent)."""
    X = rng.standard_normal((30, 4)).astype(np.float32)
    parents = rng.integers(0, 30, 50)
    nbrs = rng.integers(0, 30, 50)
    gaps = rng.random(50)
    out = np.empty((50, 4), dtype=np.float32)
    _interpolate(X, parents, nbrs, gaps, out)
    expected = np.array([smote_row_naive(X[p], X[q], g) for p, q, g in zip(parents, nbrs, gaps)])
    np.testing.assert_allclose(out, expected.astype(np.float32), rtol=1e-6)


def test_draw_pairs_uniform_and_repeats(rng):
    """Check that drawn pairs come from the given neighbour table, that gaps lie
    in [0, 1) ([0, 0.5) where flagged), that repeats fix the parent counts, and
    that a seed repeats the draws."""
    base = np.array([10, 20, 30], dtype=np.int64)
    nbrs = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.int64)
    half = np.array([[True, False], [False, False], [False, False]])
    empty = np.zeros(0, dtype=np.int64)
    p, q, g = _draw_pairs(base, nbrs, half, empty, 2000, 7)
    pos = np.searchsorted(base, p)
    assert np.isin(p, base).all()
    assert (nbrs[pos] == q[:, None]).any(axis=1).all()
    assert ((g >= 0) & (g < 1)).all()
    assert (g[q == 1] < 0.5).all() and (g[q == 2] > 0.5).any()
    p2, q2, g2 = _draw_pairs(base, nbrs, half, empty, 2000, 7)
    np.testing.assert_array_equal(p, p2)
    np.testing.assert_array_equal(g, g2)
    p, _, _ = _draw_pairs(base, nbrs, np.zeros((0, 0), bool), np.array([2, 0, 3]), 5, 0)
    np.testing.assert_array_equal(p, [10, 10, 30, 30, 30])


def test_count_other_matches_naive(rng):
    """Check the other-class neighbour counts against a Python loop."""
    nbrs = rng.integers(0, 50, (20, 6))
    y = rng.integers(0, 3, 50)
    np.testing.assert_array_equal(_count_other(nbrs, y, 1), count_other_naive(nbrs, y, 1))
