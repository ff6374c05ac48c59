"""SMOTE-NC / VDM neighbour searches and the majority vote against naive references."""

import numpy as np
import pytest
from imblearn.metrics.pairwise import ValueDifferenceMetric

import skclassgap.over_sampling._categorical as cat
from tests.naive import (
    majority_vote_naive,
    smotenc_kneighbors_naive,
    vdm_naive,
)

pytestmark = pytest.mark.kernel


def _mixed(rng, n=120, d=3, q=2, levels=3, scale=1.0):
    values = rng.standard_normal((n, d)) * scale + 50.0 * scale
    codes = rng.integers(0, levels, (n, q)).astype(np.int32)
    # exact duplicates and a row differing only by its codes: ties
    values[7], codes[7] = values[3], codes[3]
    values[9] = values[3]
    return values, codes


@pytest.fixture(params=["numpy", "kernel"])
def path(request, monkeypatch):
    """Run the search by the NumPy path or by the numba kernel."""
    if request.param == "kernel":
        monkeypatch.setattr(cat, "_NUMPY_PAIRS", 0)
        monkeypatch.setattr(cat, "_REF_BLOCK", 23)  # several reference blocks
    else:
        monkeypatch.setattr(cat, "_NUMPY_PAIRS", 2**40)
    return request.param


@pytest.mark.parametrize("d, q", [(3, 2), (1, 5), (0, 3), (4, 0)])
@pytest.mark.parametrize("k", [1, 5])
def test_smotenc_neighbors_match_naive(rng, path, d, q, k):
    """Check that the SMOTE-NC search returns the brute-force neighbours (ties to
    the lower index), with and without continuous or categorical columns."""
    values, codes = _mixed(rng, d=d, q=q)
    m = cat.median_std(values)
    got = cat.smotenc_neighbors(values, codes, m, k)
    expected, _ = smotenc_kneighbors_naive(values, codes, m, k)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("scale", [2.0**-520, 1e-3, 1e6, 2.0**520])
def test_smotenc_neighbors_extreme_scales(rng, path, scale):
    """Check that values near the float64 limits (whose squares under- or
    overflow) give the neighbours of the same data at unit scale."""
    values, codes = _mixed(rng, n=60)
    m = cat.median_std(values)
    expected = cat.smotenc_neighbors(values, codes, m, 4)
    scaled = values * scale
    got = cat.smotenc_neighbors(scaled, codes, cat.median_std(scaled), 4)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n_jobs", [1, 2, 3, -1])
def test_smotenc_kernel_threads_and_blocks_identical(rng, monkeypatch, n_jobs):
    """Check that the kernel path (small blocks, any number of threads) returns
    exactly the NumPy path's neighbours."""
    values, codes = _mixed(rng, n=300, d=2, q=3)
    m = cat.median_std(values)
    monkeypatch.setattr(cat, "_NUMPY_PAIRS", 2**40)
    expected = cat.smotenc_neighbors(values, codes, m, 5)
    monkeypatch.setattr(cat, "_NUMPY_PAIRS", 0)
    monkeypatch.setattr(cat, "_KERNEL_BLOCK", 37)
    monkeypatch.setattr(cat, "_REF_BLOCK", 61)
    got = cat.smotenc_neighbors(values, codes, m, 5, n_jobs=n_jobs)
    np.testing.assert_array_equal(got, expected)


def test_vdm_tables_equal_imblearn(rng):
    """Check that the per-level class frequencies equal imbalanced-learn's
    ValueDifferenceMetric tables (levels without rows: zeros)."""
    codes = rng.integers(0, 5, (200, 3))
    codes[:, 2] = np.minimum(codes[:, 2], 3)  # level 4 unused in column 2
    y = rng.integers(0, 3, 200)
    tables, offsets = cat.vdm_tables(codes, y, np.array([5, 5, 5]), 3)
    vdm = ValueDifferenceMetric(n_categories=[5, 5, 5]).fit(codes, y)
    for f in range(3):
        got = tables[offsets[f] : offsets[f] + 15].reshape(5, 3)
        np.testing.assert_array_equal(got, vdm.proba_per_class_[f])


@pytest.mark.parametrize("n_classes", [2, 4])
def test_vdm_distances_equal_naive_and_imblearn(rng, n_classes):
    """Check the NumPy VDM distances against a dict-based loop and against
    imbalanced-learn's ValueDifferenceMetric.pairwise, bit for bit."""
    codes = rng.integers(0, 4, (80, 3))
    y = rng.integers(0, n_classes, 80)
    tables, offsets = cat.vdm_tables(codes, y, np.array([4, 4, 4]), n_classes)
    got = cat.vdm_distances(codes, tables, offsets, n_classes, np.arange(80))
    np.testing.assert_array_equal(got, vdm_naive(codes, y, codes, codes))
    vdm = ValueDifferenceMetric(n_categories=[4, 4, 4]).fit(codes, y)
    np.testing.assert_array_equal(got, vdm.pairwise(codes))


@pytest.mark.parametrize("k", [1, 5])
def test_vdm_neighbors_match_naive(rng, path, k):
    """Check that the VDM search returns the stable-sorted brute-force neighbours
    (categorical data: many exact ties, broken toward the lower index)."""
    codes = rng.integers(0, 3, (150, 4)).astype(np.int32)
    y = rng.integers(0, 3, 150)
    tables, offsets = cat.vdm_tables(codes, y, np.array([3] * 4), 3)
    rows = np.flatnonzero(y == 1)
    got = cat.vdm_neighbors(codes[rows], tables, offsets, 3, k)
    dist = vdm_naive(codes, y, codes[rows], codes[rows])
    dist[np.arange(len(rows)), np.arange(len(rows))] = np.inf
    np.testing.assert_array_equal(got, np.argsort(dist, kind="stable")[:, :k])


@pytest.mark.parametrize("n_voters", [1, 4, 6])
def test_majority_vote_matches_naive(rng, n_voters):
    """Check each voted level against counting in a dict, with ties broken by the
    documented rank floor(u * n_tied) among the tied levels in code order."""
    codes = rng.integers(0, 3, (40, 3)).astype(np.int32)
    voters = rng.integers(0, 40, (40, n_voters))
    parents = rng.integers(0, 40, 500)
    got = cat.majority_vote(codes, voters, parents, np.random.default_rng(5))
    u = np.random.default_rng(5).random((3, 500))
    np.testing.assert_array_equal(got, majority_vote_naive(codes, voters, parents, u))


def test_majority_vote_ties_uniform():
    """Check that a two-way tie goes either way about half of the time, and a
    clear majority always wins."""
    codes = np.array([[0, 2], [0, 2], [1, 2], [1, 5], [2, 7]], dtype=np.int32)
    voters = np.array([[0, 1, 2, 3, 4]])
    parents = np.zeros(4000, dtype=np.int64)
    got = cat.majority_vote(codes, voters, parents, np.random.default_rng(0))
    share = np.mean(got[:, 0] == 0)
    assert set(np.unique(got[:, 0])) == {0, 1}
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / 4000)
    assert (got[:, 1] == 2).all()


def test_vdm_neighbors_wide_column_match_naive(rng, path):
    """Check the VDM search with a column of more levels than the kernel
    tabulates per query (computed pair by pair) next to a narrow column."""
    codes = np.c_[rng.integers(0, 6000, 300), rng.integers(0, 3, 300)]
    codes[:150, 0] %= 40  # repeated levels too
    codes = codes.astype(np.int32)
    y = rng.integers(0, 2, 300)
    tables, offsets = cat.vdm_tables(codes, y, np.array([6000, 3]), 2)
    got = cat.vdm_neighbors(codes, tables, offsets, 2, 4)
    dist = vdm_naive(codes, y, codes, codes)
    dist[np.arange(300), np.arange(300)] = np.inf
    np.testing.assert_array_equal(got, np.argsort(dist, kind="stable")[:, :4])
