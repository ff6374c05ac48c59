"""The exact neighbour searches (both paths) and their screening kernels."""

import functools

import numpy as np
import pytest
from scipy import sparse

import skclassgap.over_sampling._neighbors._rank as rank_mod
import skclassgap.over_sampling._neighbors._screen as screen_mod
import skclassgap.over_sampling._neighbors._search as search_mod
from skclassgap._kernels.neighbors import _screen_blocks, _screen_symmetric
from skclassgap.over_sampling._neighbors import (
    class_neighbors,
    kneighbors,
    kneighbors_within,
    merge_topk,
    rank_candidates,
)
from tests.naive import (
    kneighbors_exact_naive,
    kneighbors_naive,
    merge_topk_naive,
    screening_values_naive,
)

pytestmark = pytest.mark.kernel


@pytest.fixture(params=["numpy", "kernels"])
def path(request, monkeypatch):
    """Run a search on the NumPy path (small inputs) or on the compiled one."""
    work = 10**15 if request.param == "numpy" else 0
    monkeypatch.setattr(search_mod, "_SMALL_WORK", work)
    return request.param


@pytest.fixture
def kernels(monkeypatch):
    """Force the compiled path whatever the input size."""
    monkeypatch.setattr(search_mod, "_SMALL_WORK", 0)


@pytest.fixture
def tree_calls(monkeypatch):
    """Count the query rows sent to the k-d tree search."""
    calls = []
    original = search_mod.tree_search

    def counting(query, reference, k, exclude, lossy, original_rows, rows, *a, **kw):
        calls.append(len(rows))
        return original(
            query, reference, k, exclude, lossy, original_rows, rows, *a, **kw
        )

    monkeypatch.setattr(search_mod, "tree_search", counting)
    return calls


def _adversarial(name, rng):
    """Inputs on which float32 screening, or norms, cannot separate neighbours."""
    n = 90
    base = rng.standard_normal((n, 4))
    if name == "identifier column":
        return np.c_[1e9 + rng.permutation(n).astype(np.float64), base]
    if name == "shared identifiers":  # ten values from 1e9 to 1e10
        return np.c_[rng.integers(1, 11, n) * 1e9, base]
    if name == "rounded identifiers":
        return np.c_[rng.uniform(1e9, 1e10, n).round(-7), base]
    if name == "one row at 1e10":
        base[0] = 1e10
        return base
    if name == "one value at 1e300":
        base[3, 2] = 1e300
        return base
    if name == "tiny and huge rows":  # the scaling loses bits of the tiny ones
        base[: n // 2] *= 1e-300
        base[n // 2 :] *= 1e300
        return base
    if name == "duplicates":
        return np.repeat(base[:15], 6, axis=0)
    if name == "integer lattice":
        return rng.integers(0, 3, (n, 4)).astype(np.float64)
    if name == "decimal grid":
        return rng.integers(0, 5, (n, 4)) * 0.1
    if name == "float32 offset":
        return (base * 1e3 + 1e7).astype(np.float32)
    if name.startswith("scale "):
        scale = float(name.split()[1])
        return base * scale + (3.0 * scale if scale < 1e300 else 0.0)
    raise AssertionError(name)


ADVERSARIAL = [
    "identifier column",
    "shared identifiers",
    "rounded identifiers",
    "one row at 1e10",
    "one value at 1e300",
    "tiny and huge rows",
    "duplicates",
    "integer lattice",
    "decimal grid",
    "float32 offset",
    "scale 1e-300",
    "scale 1e-150",
    "scale 1e-30",
    "scale 1e30",
    "scale 1e150",
    "scale 1e300",
]


@functools.cache
def _adversarial_case(name):
    """An adversarial input, every third row, and their exact neighbours
    (rational distances: seconds per input), computed once for both paths."""
    X = _adversarial(name, np.random.default_rng(0))
    n = len(X)
    rows = np.flatnonzero(np.arange(n) % 3 == 0)
    expected = kneighbors_exact_naive(X, X, 5, np.arange(n))
    expected_all = kneighbors_exact_naive(X[rows], X, 8, rows)
    local = kneighbors_exact_naive(X[rows], X[rows], 3, np.arange(len(rows)))
    return X, rows, expected, expected_all, rows[local]


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_kneighbors_exact_on_adversarial_input(path, name):
    """Check that every search (query vs reference, within a set, sparse,
    class against the whole set) returns the exact k nearest in exact order,
    ties to the lower index, against exact rational distances: identifier
    columns, far rows, spreads from 1e-300 to 1e300, duplicates and ties."""
    X, rows, expected, expected_all, expected_same = _adversarial_case(name)
    assert np.isfinite(X).all()
    ex = np.arange(len(X))
    np.testing.assert_array_equal(kneighbors(X, X, 5, exclude=ex), expected)
    np.testing.assert_array_equal(kneighbors_within(X, 5), expected)
    np.testing.assert_array_equal(
        kneighbors(sparse.csr_matrix(X), sparse.csr_matrix(X), 5, exclude=ex), expected
    )
    all_nbrs, same = class_neighbors(X, rows, 8, 3)
    np.testing.assert_array_equal(all_nbrs, expected_all)
    np.testing.assert_array_equal(same, expected_same)


@pytest.fixture
def deferred(monkeypatch, tree_calls):
    """Count the query rows screened again with longer lists, and those sent
    to the k-d tree."""
    wider = []
    original = screen_mod.DenseScreen.subset

    def counting(self, rows):
        wider.append(len(rows))
        return original(self, rows)

    monkeypatch.setattr(screen_mod.DenseScreen, "subset", counting)
    return wider, tree_calls


@pytest.mark.parametrize(
    "name, tree",
    [
        ("one value at 1e300", True),
        ("tiny and huge rows", True),
        ("shared identifiers", False),
    ],
)
def test_kneighbors_screening_defers_what_float32_cannot_separate(
    rng, kernels, deferred, name, tree
):
    """Check that rows whose neighbours float32 cannot tell apart are not
    settled by the first lists: near-ties (identifiers 1e9 apart shared by
    many rows) are settled by longer lists, values 1e300 apart only by the
    k-d tree; Gaussian data are settled on the spot."""
    wider, tree_calls = deferred
    X = _adversarial(name, rng)
    ex = np.arange(len(X))
    got = kneighbors(X, X, 5, exclude=ex)
    np.testing.assert_array_equal(got, kneighbors_exact_naive(X, X, 5, ex))
    assert sum(wider) > 0
    assert (sum(tree_calls) > 0) == tree
    wider.clear()
    tree_calls.clear()
    G = rng.standard_normal((300, 6))
    np.testing.assert_array_equal(
        kneighbors(G, G, 4, exclude=np.arange(300)),
        kneighbors_naive(G, G, 4, np.arange(300)),
    )
    assert wider == [] and tree_calls == []


@pytest.mark.parametrize(
    "levels, n_features, exact",
    [(3, 5, True), (2, 20, True), (1000, 8, False), (None, 5, False)],
)
def test_screen_exact_settles_ties_without_tree(
    rng, kernels, tree_calls, levels, n_features, exact
):
    """Check that on integer data small enough for exact float32 arithmetic
    the screening is recognised as exact, so that ties far beyond the list
    (lattices, binary rows) are settled by the lists themselves (ties to the
    lower index, no k-d tree), dense and sparse; larger integers and decimal
    grids are not exact."""
    if levels is None:
        X = rng.integers(0, 5, (400, n_features)) * 0.1
    else:
        X = rng.integers(0, levels, (400, n_features)).astype(np.float64)
    assert screen_mod.DenseScreen(X, X, symmetric=True).exact() == exact
    S = sparse.csr_matrix(X)
    assert screen_mod.SparseScreen(S, S).exact() == (exact or levels == 1000)
    if not exact:
        return
    ex = np.arange(400)
    expected = kneighbors_naive(X, X, 5, ex)  # float64 differences: exact here
    np.testing.assert_array_equal(kneighbors_within(X, 5), expected)
    np.testing.assert_array_equal(kneighbors(S, S, 5, exclude=ex), expected)
    rows = ex[::4]
    all_nbrs, _ = class_neighbors(X, rows, 8, 3)
    np.testing.assert_array_equal(all_nbrs, kneighbors_naive(X[rows], X, 8, rows))
    assert tree_calls == []


@pytest.mark.parametrize("n_features", [2, 5, 20])
@pytest.mark.parametrize("k", [1, 4])
def test_kneighbors_self_matches_naive(rng, path, n_features, k):
    """Check that the search with each row excluded equals the brute-force one."""
    X = rng.standard_normal((157, n_features)) + 50.0  # off-centre: cancellation
    exclude = np.arange(len(X))
    got = kneighbors(X, X, k, exclude=exclude)
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, k, exclude))


def test_kneighbors_subset_queries_and_tiles_match_naive(rng, kernels, monkeypatch):
    """Check that queries that are a subset of the references, spread over many
    small tiles, get the brute-force neighbours with their own row excluded."""
    monkeypatch.setattr(screen_mod, "_tile_shape", lambda nq, nr, **kw: (7, 13))
    X = rng.standard_normal((120, 6))
    rows = rng.choice(120, size=40, replace=False)
    got = kneighbors(X[rows], X, 5, exclude=rows)
    np.testing.assert_array_equal(got, kneighbors_naive(X[rows], X, 5, rows))


@pytest.mark.parametrize("n_jobs", [1, 2, 3, None, -1])
def test_kneighbors_threads_give_identical_results(rng, kernels, monkeypatch, n_jobs):
    """Check that any number of threads gives the brute-force neighbours exactly."""
    monkeypatch.setattr(screen_mod, "_tile_shape", lambda nq, nr, **kw: (7, 13))
    monkeypatch.setattr(rank_mod, "_RANK_BLOCK", 16)
    X = rng.standard_normal((150, 6))
    exclude = np.arange(150)
    got = kneighbors(X, X, 4, exclude=exclude, n_jobs=n_jobs)
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, 4, exclude))


def test_kneighbors_estimator_path_matches_naive(rng):
    """Check that a user's neighbours estimator gives the same sets."""
    from sklearn.neighbors import NearestNeighbors

    X = rng.standard_normal((90, 7))
    ex = np.arange(90)
    got = kneighbors(X, X, 3, exclude=ex, estimator=NearestNeighbors(n_neighbors=4))
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, 3, ex))


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_kneighbors_sparse_matches_dense(rng, path, fmt):
    """Check that sparse input (any format, explicit zeros, unsorted and
    duplicated entries summed) gets the neighbours of its dense form."""
    X = rng.standard_normal((90, 7)) * (rng.random((90, 7)) < 0.4)
    ex = np.arange(90)
    S = sparse.coo_matrix(X)
    # Split every value into two duplicated entries, in shuffled order.
    half = S.data / 2
    order = rng.permutation(2 * S.nnz)
    S = sparse.coo_matrix(
        (
            np.r_[half, S.data - half][order],
            (np.r_[S.row, S.row][order], np.r_[S.col, S.col][order]),
        ),
        shape=X.shape,
    ).asformat(fmt)
    expected = kneighbors_exact_naive(X, X, 3, ex)
    np.testing.assert_array_equal(kneighbors(S, S, 3, exclude=ex), expected)
    np.testing.assert_array_equal(kneighbors_within(S, 3), expected)


def test_kneighbors_float32_screening_resolves_near_ties_exactly(rng, path):
    """Check that distances closer than float32 can tell apart (relative
    differences of 1e-12) are still ranked exactly."""
    n_ref, d = 60, 8
    directions = rng.standard_normal((n_ref, d))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    radii = 1.0 + 1e-12 * rng.permutation(n_ref)
    reference = 100.0 + directions * radii[:, None]
    query = np.full((3, d), 100.0)
    expected = kneighbors_exact_naive(query, reference, 5)
    np.testing.assert_array_equal(kneighbors(query, reference, 5), expected)


@pytest.mark.parametrize("n_jobs", [1, 2, 3])
@pytest.mark.parametrize("n_features", [2, 7, 40])
def test_kneighbors_within_symmetric_tiles_match_naive(
    rng, kernels, monkeypatch, n_jobs, n_features
):
    """Check that the symmetric within-set search (each pair of blocks computed
    once, serving both blocks; per-thread lists merged) equals brute force, with
    blocks that do not divide the number of rows."""
    monkeypatch.setattr(screen_mod, "_SYMMETRIC_BLOCK", 11)
    X = rng.standard_normal((140, n_features)) + 20.0
    ex = np.arange(140)
    got = kneighbors_within(X, 5, n_jobs=n_jobs)
    np.testing.assert_array_equal(got, kneighbors_naive(X, X, 5, ex))


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("m, k", [(10, 5), (3, 6), (4, 4)])
def test_class_neighbors_match_two_naive_searches(
    rng, kernels, monkeypatch, n_jobs, m, k
):
    """Check the combined search (class against itself, then the other rows
    bounded by the class's m-th distance) against brute force: the m nearest
    of the whole set and the k nearest of the class, for classes that overlap
    and for one far from the rest (every other row rejected)."""
    monkeypatch.setattr(screen_mod, "_tile_shape", lambda nq, nr, **kw: (9, 13))
    monkeypatch.setattr(screen_mod, "_SYMMETRIC_BLOCK", 11)
    X = rng.standard_normal((260, 6))
    y = rng.integers(0, 3, 260)
    X[y == 2] += 40.0
    for code in range(3):
        rows = np.flatnonzero(y == code)
        all_nbrs, same = class_neighbors(X, rows, m, k, n_jobs=n_jobs)
        np.testing.assert_array_equal(all_nbrs, kneighbors_naive(X[rows], X, m, rows))
        local = kneighbors_naive(X[rows], X[rows], k, np.arange(len(rows)))
        np.testing.assert_array_equal(same, rows[local])


def test_class_neighbors_tiny_class_gets_no_class_neighbours(rng, path):
    """Check that a class too small for the within-class search gets the
    whole-set neighbours and None for the class neighbours."""
    X = rng.integers(0, 2, (300, 4)).astype(np.float64)
    tiny = np.array([3, 50, 70])
    all_nbrs, same = class_neighbors(X, tiny, 4, 5)
    assert same is None
    np.testing.assert_array_equal(all_nbrs, kneighbors_exact_naive(X[tiny], X, 4, tiny))


@pytest.mark.parametrize("symmetric", [False, True])
def test_screening_lists_hold_the_smallest_screening_values(rng, symmetric):
    """Check that the float32 screening kernels keep, per query, the rows of
    the n_keep smallest screening values (compared where the naive float64
    values leave a clear gap at the list's end), sorted, self excluded."""
    X = rng.standard_normal((75, 5)) + 4.0
    screen = screen_mod.DenseScreen(X, X, symmetric=symmetric)
    n_keep = 6
    exclude = np.arange(75, dtype=np.int64)
    if symmetric:
        best_val, best_idx = screen.symmetric_lists(n_keep, 1)
    else:
        best_val = np.full((75, n_keep), np.inf, dtype=np.float32)
        best_idx = np.full((75, n_keep), -1, dtype=np.int64)
        tile = np.empty(10 * 16, dtype=np.float32)
        starts = np.arange(0, 75, 10, dtype=np.int64)
        _screen_blocks(
            screen.Q2,
            screen.R,
            screen.q_sq32,
            screen.r_sq32,
            starts,
            10,
            16,
            exclude,
            best_val,
            best_idx,
            tile,
        )
    center = screen_mod._robust_center(X)
    naive = screening_values_naive(X, X, center, screen.scale)
    naive[exclude, exclude] = np.inf
    assert (np.diff(best_val, axis=1) >= 0).all()
    assert (best_idx != exclude[:, None]).all()
    checked = 0
    for q in range(75):
        order = np.argsort(naive[q], kind="stable")
        gap = naive[q, order[n_keep]] - naive[q, order[n_keep - 1]]
        if gap > 1e-4:
            assert set(best_idx[q]) == set(order[:n_keep])
            checked += 1
    assert checked > 50


def test_screen_symmetric_kernel_equals_row_wise_screening(rng):
    """Check that the symmetric kernel (each block pair once, used row- and
    column-wise) keeps the same lists as screening every pair row-wise (the
    mirrored tile entry is BLAS's other product, equal up to rounding)."""
    X = rng.standard_normal((50, 4))
    screen = screen_mod.DenseScreen(X, X, symmetric=True)
    n_keep, size = 5, 8
    pairs = np.array([(a, b) for a in range(7) for b in range(a, 7)], dtype=np.int64)
    sym_val = np.full((50, n_keep), np.inf, dtype=np.float32)
    sym_idx = np.full((50, n_keep), -1, dtype=np.int64)
    _screen_symmetric(
        screen.Q2,
        screen.R,
        screen.q_sq32,
        pairs,
        size,
        sym_val,
        sym_idx,
        np.empty(size * size, dtype=np.float32),
        np.empty(size, dtype=np.float32),
        np.empty((1, size), dtype=np.int32),
    )
    row_val = np.full((50, n_keep), np.inf, dtype=np.float32)
    row_idx = np.full((50, n_keep), -1, dtype=np.int64)
    _screen_blocks(
        screen.Q2,
        screen.R,
        screen.q_sq32,
        screen.q_sq32,
        np.arange(0, 50, 8, dtype=np.int64),
        8,
        8,
        np.arange(50, dtype=np.int64),
        row_val,
        row_idx,
        np.empty(64, dtype=np.float32),
    )
    np.testing.assert_allclose(sym_val, row_val, rtol=1e-6)
    np.testing.assert_array_equal(np.sort(sym_idx, axis=1), np.sort(row_idx, axis=1))


def test_rank_candidates_pools_blocks_exactly(rng):
    """Check that the exact k nearest of separate blocks of rows, pooled and
    ranked, are the exact k nearest overall (ties to the lower index)."""
    X = rng.integers(0, 4, (120, 3)) * 0.1
    query = X[:10]
    blocks = np.array_split(np.arange(120), 4)
    pooled = np.concatenate(
        [block[kneighbors(query, X[block], 5)] for block in blocks], axis=1
    )
    pooled = np.sort(pooled, axis=1)
    got = rank_candidates(query, X, pooled, 5)
    np.testing.assert_array_equal(got, kneighbors_exact_naive(query, X, 5))


def test_rank_candidates_refuses_too_few_candidates():
    """Check the error when a query has fewer candidates than k."""
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(ValueError, match="needs at least k=3 candidates per query"):
        rank_candidates(X[:2], X, np.array([[1, 2, 3], [4, 5, -1]]), 3)


def test_merge_topk_equals_naive(rng):
    """Check the merge of sorted (distance, index) lists, ties to the lower index."""
    dist_a = np.sort(rng.integers(0, 5, (20, 4)), axis=1).astype(float)
    dist_b = np.sort(rng.integers(0, 5, (20, 4)), axis=1).astype(float)
    ind_a = rng.permutation(40)[:4] * np.ones((20, 1), dtype=np.int64)
    ind_b = 40 + rng.permutation(40)[:4] * np.ones((20, 1), dtype=np.int64)
    got = merge_topk(dist_a, ind_a, dist_b, ind_b)
    expected = merge_topk_naive(dist_a, ind_a, dist_b, ind_b, 4)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


@pytest.mark.parametrize(
    "rows, scaled, lossy",
    [
        ([[1e5, 0.0], [1e-10, 3.0]], False, False),  # within [2**-100, 2**100]
        ([[1e-200, 0.0], [3e-201, 1e-250]], True, False),  # scaled up: exact
        ([[1e200, 0.0], [1e-10, 3.0]], True, False),  # down, nothing subnormal
        ([[1e300, 0.0], [1e-10, 3.0]], True, True),  # down: 1e-10 -> subnormal
    ],
)
def test_scale_rows_power_of_two_and_lossy_flag(rows, scaled, lossy):
    """Check that rows are multiplied by one power of two into [0.5, 1) (not
    at all within [2**-100, 2**100]) and that a scaling that rounds a value
    to a subnormal is flagged lossy."""
    from skclassgap.over_sampling._neighbors._scale import LOSSY_STEP, scale_rows

    X = np.array(rows)
    out = scale_rows(X, X)
    assert out.query is out.reference
    shift = -int(np.frexp(np.abs(X).max())[1]) if scaled else 0
    np.testing.assert_array_equal(out.reference, np.ldexp(X, shift))
    if scaled:
        assert 0.5 <= np.abs(out.reference).max() < 1.0
    assert out.lossy == (LOSSY_STEP if lossy else 0.0)


@pytest.mark.parametrize("values", ["lattice", "decimal grid"])
def test_kneighbors_low_dimension_ties_match_naive(rng, kernels, monkeypatch, values):
    """Check that in two dimensions, groups of tied rows larger than the k-d
    tree is asked for (duplicates in a lattice) get the exact neighbours
    with ties to the lower index: by exact screening lists on integer data,
    by the growing tree on a decimal grid."""
    listed = []
    original = screen_mod.DenseScreen.lists

    def counting(self, best_val, *args):
        listed.append(len(best_val))
        return original(self, best_val, *args)

    monkeypatch.setattr(screen_mod.DenseScreen, "lists", counting)
    grid = rng.integers(0, 4, (500, 2))
    X = grid.astype(np.float64) if values == "lattice" else grid * 0.1
    ex = np.arange(500)
    expected = kneighbors_exact_naive(X[:60], X, 5, ex[:60])
    np.testing.assert_array_equal(kneighbors(X[:60], X, 5, exclude=ex[:60]), expected)
    assert (sum(listed) > 0) == (values == "lattice")
