"""Neighbour search and generation kernels against the naive references."""

import numpy as np
import pytest
from scipy import sparse

from skclassgap.over_sampling._neighbors import (
    class_neighbors,
    kneighbors,
    kneighbors_within,
)
from tests.naive import kneighbors_naive

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
    monkeypatch.setattr(mod, "_tile_shape", lambda nq, nr, **kw: (7, 13))
    X = rng.standard_normal((120, 6))
    rows = rng.choice(120, size=40, replace=False)
    got = kneighbors(X[rows], X, 5, exclude=rows)
    np.testing.assert_array_equal(got, kneighbors_naive(X[rows], X, 5, rows))


@pytest.mark.parametrize("n_jobs", [1, 2, 3, None, -1])
def test_kneighbors_threads_give_identical_results(rng, monkeypatch, n_jobs):
    """Check that any number of threads gives the brute-force neighbours exactly."""
    import skclassgap.over_sampling._neighbors as mod

    monkeypatch.setattr(mod, "_tile_shape", lambda nq, nr, **kw: (7, 13))  # many blocks
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
    np.testing.assert_array_equal(
        kneighbors(sparse.csr_matrix(X), sparse.csr_matrix(X), 3, exclude=ex), expected
    )
    got = kneighbors(X, X, 3, exclude=ex, estimator=NearestNeighbors(n_neighbors=4))
    np.testing.assert_array_equal(got, expected)


def _sq_dists(query, reference, ind):
    query = np.asarray(query, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    return ((query[:, None, :] - reference[ind]) ** 2).sum(axis=2)


def test_kneighbors_float32_screening_resolves_near_ties_exactly(rng):
    """Check that distances closer than float32 can tell apart (relative
    differences of 1e-12) are still ranked exactly: the screening keeps every
    candidate within its error band and the float64 re-check orders them."""
    n_ref, d = 60, 8
    directions = rng.standard_normal((n_ref, d))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    radii = 1.0 + 1e-12 * rng.permutation(n_ref)
    reference = 100.0 + directions * radii[:, None]
    query = np.full((1, d), 100.0)
    for k in (1, 3, 5):
        got = kneighbors(query, reference, k)
        np.testing.assert_array_equal(got[0], np.argsort(radii)[:k])


@pytest.mark.parametrize("scale", [1e-30, 1e-8, 1.0, 1e12, 1e30])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kneighbors_any_scale_and_dtype_matches_naive(rng, scale, dtype):
    """Check tiny, huge and offset values (float32 screening is rescaled and
    centred) and float32 input against the brute-force search."""
    X = (rng.standard_normal((130, 9)) * scale + 3 * scale).astype(dtype)
    if not np.isfinite(X).all() or not X.any():
        pytest.skip("scale not representable in this dtype")
    rows = rng.choice(130, size=50, replace=False)
    got = kneighbors(X[rows], X, 5, exclude=rows)
    np.testing.assert_array_equal(got, kneighbors_naive(X[rows], X, 5, rows))


def test_kneighbors_many_ties_fall_back_to_exact_search(rng, monkeypatch):
    """Check that on lattice data (many equal distances, so the float32 band
    overflows the candidate list) the rows are searched again exactly and
    get the k smallest distances; Gaussian data never need that."""
    import skclassgap.over_sampling._neighbors as mod

    calls = []
    exact = mod._kneighbors_exact

    def counting(query, *args):
        calls.append(query.shape[0])
        return exact(query, *args)

    monkeypatch.setattr(mod, "_kneighbors_exact", counting)
    X = rng.integers(0, 3, (300, 5)).astype(np.float64)
    ex = np.arange(300)
    got = kneighbors(X, X, 4, exclude=ex)
    expected = kneighbors_naive(X, X, 4, ex)
    assert sum(calls) > 0
    np.testing.assert_array_equal(_sq_dists(X, X, got), _sq_dists(X, X, expected))
    assert (got != ex[:, None]).all()
    calls.clear()
    G = rng.standard_normal((300, 5))
    np.testing.assert_array_equal(
        kneighbors(G, G, 4, exclude=ex), kneighbors_naive(G, G, 4, ex)
    )
    assert calls == []


@pytest.mark.parametrize("n_jobs", [1, 2, 3])
@pytest.mark.parametrize("n_features", [2, 7, 40])
def test_kneighbors_within_symmetric_tiles_match_naive(
    rng, monkeypatch, n_jobs, n_features
):
    """Check that the symmetric within-set search (each pair of blocks computed
    once, serving both blocks; per-thread lists merged) equals brute force, with
    blocks that do not divide the number of rows."""
    import skclassgap.over_sampling._neighbors as mod

    monkeypatch.setattr(mod, "_SYMMETRIC_BLOCK", 11)
    X = rng.standard_normal((140, n_features)) + 20.0
    ex = np.arange(140)
    got = kneighbors_within(X, 5, n_jobs=n_jobs)
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, 5, ex))


def test_kneighbors_within_duplicates_give_smallest_distances(rng):
    """Check the symmetric search on rows with many duplicates (the screening
    band overflows and rows fall back): the k smallest distances, never the
    row itself."""
    X = rng.integers(0, 2, (400, 4)).astype(np.float32)
    ex = np.arange(400)
    got = kneighbors_within(X, 3)
    assert (got != ex[:, None]).all()
    np.testing.assert_array_equal(
        _sq_dists(X, X, got), _sq_dists(X, X, kneighbors_naive(X, X, 3, ex))
    )


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("m, k", [(10, 5), (3, 6), (4, 4)])
def test_class_neighbors_match_two_naive_searches(rng, monkeypatch, n_jobs, m, k):
    """Check the combined search (class against itself, then the other rows
    bounded by the class's m-th distance) against brute force: the m nearest
    of the whole set and the k nearest of the class, for classes that overlap
    and for one far from the rest (every other row rejected)."""
    import skclassgap.over_sampling._neighbors as mod

    monkeypatch.setattr(mod, "_tile_shape", lambda nq, nr, **kw: (9, 13))
    monkeypatch.setattr(mod, "_SYMMETRIC_BLOCK", 11)
    X = rng.standard_normal((260, 6))
    y = rng.integers(0, 3, 260)
    X[y == 2] += 40.0
    for code in range(3):
        rows = np.flatnonzero(y == code)
        all_nbrs, same = class_neighbors(X, rows, m, k, n_jobs=n_jobs)
        np.testing.assert_array_equal(all_nbrs, kneighbors_naive(X[rows], X, m, rows))
        local = kneighbors_naive(X[rows], X[rows], k, np.arange(len(rows)))
        np.testing.assert_array_equal(same, rows[local])


def test_class_neighbors_with_duplicates_and_tiny_class(rng):
    """Check duplicated rows across classes (exact fallback) give the m
    smallest distances, and a class too small for the within-class search
    gets the whole-set neighbours and no class neighbours."""
    X = rng.integers(0, 2, (300, 4)).astype(np.float64)
    y = rng.integers(0, 2, 300)
    rows = np.flatnonzero(y == 1)
    all_nbrs, same = class_neighbors(X, rows, 5, 3)
    expected = kneighbors_naive(X[rows], X, 5, rows)
    np.testing.assert_array_equal(
        _sq_dists(X[rows], X, all_nbrs), _sq_dists(X[rows], X, expected)
    )
    assert (all_nbrs != rows[:, None]).all()
    assert np.isin(same, rows).all() and (same != rows[:, None]).all()
    within = rows[kneighbors_naive(X[rows], X[rows], 3, np.arange(len(rows)))]
    np.testing.assert_array_equal(
        _sq_dists(X[rows], X, same), _sq_dists(X[rows], X, within)
    )
    tiny = rows[:3]
    all_nbrs, same = class_neighbors(X, tiny, 4, 5)
    assert same is None
    np.testing.assert_array_equal(
        _sq_dists(X[tiny], X, all_nbrs),
        _sq_dists(X[tiny], X, kneighbors_naive(X[tiny], X, 4, tiny)),
    )
