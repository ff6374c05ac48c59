"""Exact-ranking and top-k kernels against exact rational references."""

from fractions import Fraction

import numpy as np
import pytest

from skclassgap._kernels.exact import (
    UNDECIDED,
    _compare_exact,
    _interval,
    _rank_dense,
    _sq_dist_checked,
)
from skclassgap._kernels.topk import _insert, _merge_topk
from tests.naive import kneighbors_exact_naive, merge_topk_naive, sq_dist_fraction

pytestmark = pytest.mark.kernel


def _rows(rng, kind, n, d):
    if kind == "gaussian":
        return rng.standard_normal((n, d)) * 3.0 + 7.0
    if kind == "integers":
        return rng.integers(-50, 50, (n, d)).astype(np.float64)
    if kind == "decimal grid":  # 0.1 steps: ties in decimal, near-ties in binary
        return rng.integers(0, 6, (n, d)) * 0.1
    if kind == "offset":  # far from the origin, 1e-7 apart
        return 1e9 + rng.integers(0, 3, (n, d)) * 2.0**-23
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["gaussian", "integers", "decimal grid", "offset"])
def test_compare_exact_sign_equals_fraction(rng, kind):
    """Check that the exact comparison gives the sign of D(q, a) - D(q, b)
    computed with rationals, on ties, near-ties and separated pairs."""
    X = _rows(rng, kind, 60, 3)
    partials = np.empty(12 * 3 + 1)
    for _ in range(150):
        q, a, b = X[rng.integers(0, len(X), 3)]
        diff = sq_dist_fraction(q, a) - sq_dist_fraction(q, b)
        expected = (diff > 0) - (diff < 0)
        assert _compare_exact(q, a, b, partials) == expected


@pytest.mark.parametrize(
    "values",
    [
        ([1.0, 0.0], [2.0**-600, 0.0], [0.0, 0.0]),  # a difference below 2**-480
        ([2.0**500, 0.0], [0.0, 0.0], [1.0, 0.0]),  # above 2**480
    ],
)
def test_compare_exact_reports_undecided_out_of_range(values):
    """Check that differences outside [2**-480, 2**480] are reported as
    undecidable instead of being compared with lost bits."""
    q, a, b = (np.array(v) for v in values)
    assert _compare_exact(q, a, b, np.empty(25)) == UNDECIDED


@pytest.mark.parametrize("kind", ["gaussian", "integers", "decimal grid", "offset"])
def test_sq_dist_checked_interval_holds_exact_distance(rng, kind):
    """Check that the interval of a computed distance contains the exact
    rational distance, and that a distance flagged exact equals it."""
    X = _rows(rng, kind, 80, 5)
    for _ in range(200):
        a, b = X[rng.integers(0, len(X), 2)]
        value, exact = _sq_dist_checked(a, b)
        truth = sq_dist_fraction(a, b)
        _, low, high = _interval(value, exact, 5, 0.0)
        assert Fraction(low) <= truth <= Fraction(high)
        if exact:
            assert Fraction(value) == truth
    if kind == "integers":
        assert _sq_dist_checked(X[0], X[1])[1]


def test_interval_widened_covers_moved_coordinates(rng):
    """Check that widening by ``lossy`` covers the distance of rows whose
    coordinates moved by up to half of it."""
    for _ in range(100):
        a, b = rng.standard_normal((2, 4)) * 1e-3
        lossy = 1e-4
        moved = a + rng.uniform(-lossy / 2, lossy / 2, 4)
        value, exact = _sq_dist_checked(moved, b)
        _, low, high = _interval(value, exact, 4, lossy)
        assert low <= float(sq_dist_fraction(a, b)) <= high


def test_insert_keeps_sorted_by_value_then_index(rng):
    """Check that inserting into a full list equals sorting the pooled
    entries and dropping the last, ties by index."""
    for _ in range(50):
        values = np.sort(rng.integers(0, 5, 6).astype(np.float64))
        indices = np.arange(6, dtype=np.int64) * 2
        v, i = float(rng.integers(0, 5)), int(rng.integers(0, 12))
        expected = sorted(zip(values.tolist(), indices.tolist(), strict=True))
        expected = sorted([*expected, (v, i)])[:6]
        if (v, i) > expected[-1]:
            continue
        _insert(values, indices, v, i)
        assert list(zip(values.tolist(), indices.tolist(), strict=True)) == expected


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_merge_topk_matches_naive(rng, dtype):
    """Check the row-wise merge of two sorted lists (ties by lower index,
    empty slots +inf / -1) against pooling and sorting."""
    n, ka, kb, k = 30, 5, 7, 6
    val_a = np.sort(rng.integers(0, 8, (n, ka)), axis=1).astype(dtype)
    val_b = np.sort(rng.integers(0, 8, (n, kb)), axis=1).astype(dtype)
    idx_a = np.tile(np.arange(ka, dtype=np.int64), (n, 1))
    idx_b = np.tile(np.arange(ka, ka + kb, dtype=np.int64), (n, 1))
    val_b[:, -2:] = np.inf
    idx_b[:, -2:] = -1
    out_val = np.empty((n, k), dtype=dtype)
    out_idx = np.empty((n, k), dtype=np.int64)
    _merge_topk(val_a, idx_a, val_b, idx_b, out_val, out_idx)
    expected_val, expected_idx = merge_topk_naive(val_a, idx_a, val_b, idx_b, k)
    np.testing.assert_array_equal(out_val, expected_val)
    np.testing.assert_array_equal(out_idx, expected_idx)


@pytest.mark.parametrize("kind", ["gaussian", "integers", "decimal grid", "offset"])
def test_rank_dense_matches_exact_naive(rng, kind):
    """Check that ranking given candidate rows gives the exact k nearest among
    them in exact order (ties: lower index first), with upper bounds that hold
    the exact distances, and skips -1 entries and the excluded row."""
    X = _rows(rng, kind, 70, 3)
    n_q, k = 12, 4
    cand = np.array([rng.choice(70, 10, replace=False) for _ in range(n_q)])
    cand[:, -1] = -1
    exclude = cand[:, 0].copy()
    ind = np.empty((n_q, k), dtype=np.int64)
    high = np.empty((n_q, k))
    status = np.empty(n_q, dtype=np.int64)
    reach = np.empty(n_q)
    Q = X[:n_q]
    _rank_dense(Q, X, cand, exclude, 0.0, ind, high, status, reach)
    assert (status == 0).all()
    for q in range(n_q):
        pool = sorted(int(r) for r in cand[q] if r >= 0 and r != exclude[q])
        local = kneighbors_exact_naive(Q[q : q + 1], X[pool], k)[0]
        np.testing.assert_array_equal(ind[q], np.array(pool)[local])
        for r, h in zip(ind[q], high[q], strict=True):
            assert sq_dist_fraction(Q[q], X[r]) <= Fraction(h)


def test_rank_dense_too_few_candidates_status():
    """Check that a query with fewer than k candidates is flagged (status 2)."""
    X = np.arange(12.0).reshape(6, 2)
    cand = np.array([[1, 2, -1, -1]])
    out = (np.empty((1, 3), np.int64), np.empty((1, 3)), np.empty(1, np.int64))
    reach = np.empty(1)
    _rank_dense(X[:1], X, cand, np.array([-1]), 0.0, *out, reach)
    assert out[2][0] == 2


def test_sparse_band_and_rank_sparse_match_exact_naive(rng):
    """Check the sparse brute-force band (every row that may be among the k
    nearest) and the sparse ranking against exact rational distances."""
    from scipy import sparse

    from skclassgap._kernels.exact import _rank_sparse, _sparse_band

    X = rng.integers(-2, 3, (40, 6)) * (rng.random((40, 6)) < 0.5) * 0.1
    S = sparse.csr_matrix(X)
    S.sort_indices()
    k, n_q = 3, 10
    exclude = np.arange(n_q, dtype=np.int64)
    cand = np.empty((n_q, 40), dtype=np.int64)
    count = np.empty(n_q, dtype=np.int64)
    Q = S[:n_q]
    _sparse_band(
        Q.data,
        Q.indices,
        Q.indptr,
        S.data,
        S.indices,
        S.indptr,
        exclude,
        k,
        0.0,
        cand,
        count,
    )
    expected = kneighbors_exact_naive(X[:n_q], X, k, exclude)
    for q in range(n_q):
        assert set(expected[q]) <= set(cand[q, : count[q]])
        assert (cand[q, count[q] :] == -1).all()
    ind = np.empty((n_q, k), dtype=np.int64)
    high = np.empty((n_q, k))
    status = np.empty(n_q, dtype=np.int64)
    reach = np.empty(n_q)
    _rank_sparse(
        Q.data,
        Q.indices,
        Q.indptr,
        S.data,
        S.indices,
        S.indptr,
        6,
        cand,
        exclude,
        0.0,
        ind,
        high,
        status,
        reach,
    )
    assert (status == 0).all()
    np.testing.assert_array_equal(ind, expected)


def test_scaled_rows_match_naive(rng):
    """Check the float32 centred, scaled rows (times the factor) and their
    float64 squared norms against NumPy."""
    from skclassgap._kernels.neighbors import _scaled_rows

    X = rng.standard_normal((30, 4)) * 5.0 + 3.0
    center = np.median(X, axis=0)
    out = np.empty((30, 4), dtype=np.float32)
    sq = np.empty(30)
    _scaled_rows(X, center, 16.0, -2.0, out, sq)
    v = (X - center) / 16.0
    np.testing.assert_array_equal(out, (-2.0 * v).astype(np.float32))
    np.testing.assert_allclose(sq, (v**2).sum(axis=1), rtol=1e-15)


def test_topk_update_keeps_smallest_values(rng):
    """Check the float64 tile merge of the sparse search: per query, the
    n_keep smallest ``||r||^2 - 2 q.r`` and their rows, self excluded."""
    from skclassgap._kernels.neighbors import _topk_update

    Q = rng.standard_normal((8, 3))
    R = rng.standard_normal((25, 3))
    r_sq = (R**2).sum(axis=1)
    best_val = np.full((8, 4), np.inf)
    best_idx = np.full((8, 4), -1, dtype=np.int64)
    exclude = np.arange(8, dtype=np.int64)
    for c0 in range(0, 25, 7):
        tile = np.ascontiguousarray(Q @ R[c0 : c0 + 7].T)
        _topk_update(tile, r_sq, c0, exclude, best_val, best_idx, 0)
    values = r_sq[None, :] - 2.0 * (Q @ R.T)
    values[exclude, exclude] = np.inf
    order = np.argsort(values, axis=1, kind="stable")[:, :4]
    np.testing.assert_array_equal(best_idx, order)
    np.testing.assert_allclose(
        best_val, np.take_along_axis(values, order, axis=1), rtol=1e-12
    )
