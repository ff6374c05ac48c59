"""Approximate neighbours: recall on distances, determinism, the extra, min_recall.

Tests that run the approximate search need the ``ann`` extra (pynndescent)
and are skipped without it; the recall measure, the ``"auto"`` rule, the
missing-extra message and the ``min_recall`` check are tested without it.
"""

import sys

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_blobs

import skclassgap.over_sampling._neighbors._approximate as approx_mod
from skclassgap.over_sampling._neighbors import kneighbors_within
from skclassgap.over_sampling._neighbors._approximate import (
    approximate_kneighbors_within,
    choose_neighbors,
    estimate_intrinsic_dim,
    estimate_recall,
    plan_within,
    recall_against,
    search_within,
)


@pytest.fixture
def pynndescent():
    """pynndescent, or a skip naming the extra."""
    return pytest.importorskip(
        "pynndescent", reason="the approximate search needs the ann extra"
    )


@pytest.fixture
def no_pynndescent(monkeypatch):
    """Make ``import pynndescent`` fail, as without the extra."""
    monkeypatch.setitem(sys.modules, "pynndescent", None)


def _all_rows_recall(X, found, k):
    rows = np.arange(len(X))
    return recall_against(X, rows, found, kneighbors_within(X, k))


def _duplicated_lattice():
    """Integer points, each present three times: ties everywhere."""
    grid = np.stack(np.meshgrid(*[np.arange(6)] * 3), axis=-1).reshape(-1, 3)
    return np.repeat(grid, 3, axis=0).astype(np.float64)


# --- recall measured on distances ---------------------------------------------


def test_recall_against_counts_tied_rows():
    """Check that a list of other rows tied with the exact ones has recall 1."""
    X = _duplicated_lattice()
    rows = np.arange(len(X))
    exact = kneighbors_within(X, 4)
    # Each point's two copies then the six lattice neighbours at distance 1,
    # of which the exact list holds the two with the lowest index: any two
    # of the six are as near.
    rng = np.random.default_rng(0)
    found = exact.copy()
    for q in range(len(X)):
        d = ((X - X[q]) ** 2).sum(axis=1)
        d[q] = np.inf
        kth = d[exact[q, -1]]
        tied = np.flatnonzero(d <= kth)
        found[q] = np.sort(rng.choice(tied, size=4, replace=False))
    assert not np.array_equal(found, exact)
    assert recall_against(X, rows, found, exact) == 1.0


@pytest.mark.parametrize(
    "change, expected",
    [
        ("none", 1.0),
        ("self", 0.75),  # the row itself is not a neighbour
        ("missing", 0.75),  # -1
        ("repeat", 0.75),  # a row listed twice counts once
        ("far", 0.75),  # a row farther than the k-th nearest
    ],
)
def test_recall_against_counts_each_miss(change, expected):
    """Check that the row itself, -1, repeats and farther rows are not found."""
    X = np.arange(10, dtype=np.float64)[:, None] ** 2  # distinct gaps
    rows = np.array([0])
    exact = np.array([[1, 2, 3, 4]])
    found = exact.copy()
    if change == "self":
        found[0, 3] = 0
    elif change == "missing":
        found[0, 3] = -1
    elif change == "repeat":
        found[0, 3] = 1
    elif change == "far":
        found[0, 3] = 9
    assert recall_against(X, rows, found, exact) == expected


def test_estimate_recall_equals_recall_of_every_row_when_sample_is_all():
    """Check that a sample as large as the data gives the recall over all rows."""
    X, _ = make_blobs(300, 5, centers=3, random_state=0)
    exact = kneighbors_within(X, 5)
    rng = np.random.default_rng(0)
    found = exact.copy()
    hit = rng.random(found.shape) < 0.2
    found[hit] = rng.integers(0, len(X), size=hit.sum())
    expected = _all_rows_recall(X, found, 5)
    assert expected < 0.9
    assert estimate_recall(X, found, 5, n_queries=1000, random_state=0) == expected


# --- the approximate search (needs the extra) ---------------------------------


@pytest.mark.parametrize("k", [5, 10])
def test_approximate_kneighbors_within_recall_on_clusters(pynndescent, k):
    """Check that the default search finds >= 0.99 of the exact neighbours on
    clustered data, and returns the exact list wherever it found the set."""
    X, _ = make_blobs(3000, 16, centers=8, random_state=0)
    found = approximate_kneighbors_within(X, k, random_state=0)
    exact = kneighbors_within(X, k)
    assert found.dtype == np.int64 and found.shape == (len(X), k)
    assert _all_rows_recall(X, found, k) >= 0.99
    same_set = (np.sort(found, axis=1) == np.sort(exact, axis=1)).all(axis=1)
    assert same_set.mean() > 0.95
    np.testing.assert_array_equal(found[same_set], exact[same_set])


def test_approximate_kneighbors_within_duplicates_and_ties(pynndescent):
    """Check that duplicated lattice points get recall 1 counted on distances:
    every row's two copies come first (distance 0), lower index first."""
    X = _duplicated_lattice()
    found = approximate_kneighbors_within(X, 5, random_state=0)
    assert _all_rows_recall(X, found, 5) >= 0.99
    rows = np.arange(len(X))
    copies = np.stack([rows - rows % 3 + j for j in range(3)], axis=1)
    expected = np.array([c[c != r] for r, c in zip(rows, copies, strict=True)])
    np.testing.assert_array_equal(found[:, :2], expected)
    assert not (found == rows[:, None]).any()


def test_approximate_kneighbors_within_deterministic(pynndescent):
    """Check that the same random_state and threads give the same lists."""
    X, _ = make_blobs(2000, 24, centers=5, random_state=1)
    a = approximate_kneighbors_within(X, 5, random_state=3, n_jobs=1)
    b = approximate_kneighbors_within(X, 5, random_state=3, n_jobs=1)
    np.testing.assert_array_equal(a, b)


def test_approximate_kneighbors_within_small_set_is_exact(pynndescent):
    """Check that a set no larger than twice the graph's width gets the exact
    lists."""
    X, _ = make_blobs(60, 5, random_state=0)
    found = approximate_kneighbors_within(X, 5, random_state=0)
    np.testing.assert_array_equal(found, kneighbors_within(X, 5))


def test_approximate_kneighbors_within_sparse(pynndescent):
    """Check that CSR rows are searched as their dense form is."""
    X, _ = make_blobs(2000, 30, centers=5, random_state=0)
    X[np.random.default_rng(0).random(X.shape) < 0.7] = 0.0
    found = approximate_kneighbors_within(sparse.csr_matrix(X), 5, random_state=0)
    assert _all_rows_recall(X, found, 5) >= 0.99


def test_approximate_kneighbors_within_huge_values(pynndescent):
    """Check that values beyond float32's range are searched (scaled)."""
    X, _ = make_blobs(1000, 8, centers=4, random_state=0)
    found = approximate_kneighbors_within(X * 1e200, 5, random_state=0)
    assert _all_rows_recall(X * 1e200, found, 5) >= 0.99


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_neighbours": 30}, r"params holds \['n_neighbours'\].*accepted"),
        ({"random_state": 1}, r"params holds \['random_state'\]"),
    ],
)
def test_approximate_kneighbors_within_bad_params(pynndescent, params, match):
    """Check that unknown or reserved pynndescent parameters are refused."""
    X, _ = make_blobs(200, 4, random_state=0)
    with pytest.raises(ValueError, match=match):
        approximate_kneighbors_within(X, 5, random_state=0, params=params)


# --- the missing extra ------------------------------------------------------------


def test_approximate_without_extra_names_it_in_one_line(no_pynndescent):
    """Check that the approximate search without pynndescent raises one line
    naming the extra."""
    X, _ = make_blobs(200, 4, random_state=0)
    with pytest.raises(ImportError) as info:
        search_within(X, 5, neighbors="approximate", random_state=0)
    message = str(info.value)
    assert "\n" not in message
    assert "pip install 'skclassgap[ann]'" in message


def test_choose_neighbors_exact_without_extra(no_pynndescent):
    """Check that "auto" stays exact without the extra, even where the
    approximate search would be chosen."""
    assert choose_neighbors(10**6, 384, 5, intrinsic_dim=20.0) == "exact"


# --- the "auto" rule ------------------------------------------------------------


@pytest.mark.parametrize(
    "n_rows, n_features, k, dim, expected",
    [
        (10**5, 384, 5, None, "exact"),  # measured: exact faster
        (3 * 10**5, 20, 5, None, "exact"),
        (3 * 10**5, 100, 5, None, "approximate"),
        (10**6, 384, 5, None, "approximate"),
        (10**6, 384, 10, 25.0, "approximate"),
        (10**6, 384, 5, 50.0, "exact"),  # recall missed at this dimension
        (10**6, 384, 11, None, "exact"),  # defaults measured up to k = 10
    ],
)
def test_choose_neighbors_switch_point(
    pynndescent, n_rows, n_features, k, dim, expected
):
    """Check that "auto" switches to approximate only at the measured sizes
    and intrinsic dimensions."""
    assert choose_neighbors(n_rows, n_features, k, intrinsic_dim=dim) == expected


@pytest.mark.parametrize(
    "shape, low, high",
    [
        ("plane", 1.6, 2.4),  # a 2-d plane inside 10 dimensions
        ("gauss8", 6.5, 9.0),  # isotropic in 8 dimensions
    ],
)
def test_estimate_intrinsic_dim_known_dimension(shape, low, high):
    """Check that the estimate finds the dimension the rows really span."""
    rng = np.random.default_rng(0)
    if shape == "plane":
        X = rng.random((3000, 2)) @ rng.standard_normal((2, 10))
    else:
        X = rng.standard_normal((3000, 8))
    assert low <= estimate_intrinsic_dim(X, random_state=0) <= high


def test_estimate_intrinsic_dim_all_duplicates_is_infinite():
    """Check that rows without k distinct neighbours give an infinite dimension
    (so that "auto" keeps the exact search)."""
    X = np.repeat(np.random.default_rng(0).random((50, 4)), 30, axis=0)
    assert estimate_intrinsic_dim(X, random_state=0) == np.inf


# --- search_within: the samplers' call, and min_recall ------------------------------


def _bad_search(X, k, **kwargs):
    """Neighbour lists that are mostly wrong (recall about 0.2)."""
    exact = kneighbors_within(X, k)
    return np.concatenate([exact[:, :1], np.roll(exact[:, 1:], 7, axis=0)], axis=1)


def test_search_within_exact_equals_kneighbors_within():
    """Check that neighbors="exact" is the exact search, no recall estimated."""
    X, _ = make_blobs(500, 6, random_state=0)
    result = search_within(X, 5, neighbors="exact")
    np.testing.assert_array_equal(result.ind, kneighbors_within(X, 5))
    assert result.method == "exact" and result.recall is None


def test_search_within_auto_small_is_exact():
    """Check that "auto" on small data is the exact search."""
    X, _ = make_blobs(500, 6, random_state=0)
    result = search_within(X, 5, neighbors="auto")
    assert result.method == "exact"
    np.testing.assert_array_equal(result.ind, kneighbors_within(X, 5))


def _never(*args, **kwargs):
    raise AssertionError("the approximate search must not run")


def test_search_within_auto_high_dimension_stays_exact(monkeypatch):
    """Check that "auto" keeps the exact search when the size qualifies but
    the intrinsic dimension is above the measured limit."""
    monkeypatch.setattr(approx_mod, "_AUTO_MIN_WORK", 0.0)
    monkeypatch.setattr(approx_mod, "import_pynndescent", lambda: None)
    monkeypatch.setattr(approx_mod, "approximate_kneighbors_within", _never)
    X = np.random.default_rng(0).standard_normal((1500, 200))
    result = search_within(X, 5, neighbors="auto", random_state=0)
    assert result.method == "exact" and result.recall is None


def test_search_within_auto_low_recall_falls_back(monkeypatch):
    """Check that "auto" never raises on a low recall: it warns and returns
    the exact lists, whatever on_low_recall."""
    monkeypatch.setattr(approx_mod, "choose_neighbors", lambda *a, **kw: "approximate")
    monkeypatch.setattr(approx_mod, "approximate_kneighbors_within", _bad_search)
    X, _ = make_blobs(500, 6, random_state=0)
    with pytest.warns(UserWarning, match=r"below min_recall=0\.99\. Ran the exact"):
        result = search_within(
            X, 5, neighbors="auto", on_low_recall="raise", random_state=0
        )
    np.testing.assert_array_equal(result.ind, kneighbors_within(X, 5))
    assert result.method == "exact" and result.recall < 0.5


def test_search_within_auto_without_extra_is_exact(no_pynndescent, monkeypatch):
    """Check that "auto" without the extra runs the exact search, no error."""
    monkeypatch.setattr(approx_mod, "_AUTO_MIN_WORK", 0.0)
    X, _ = make_blobs(500, 6, random_state=0)
    result = search_within(X, 5, neighbors="auto", random_state=0)
    assert result.method == "exact"
    np.testing.assert_array_equal(result.ind, kneighbors_within(X, 5))


def test_search_within_low_recall_raises(monkeypatch):
    """Check that a recall below min_recall raises, saying what to do."""
    monkeypatch.setattr(approx_mod, "approximate_kneighbors_within", _bad_search)
    X, _ = make_blobs(500, 6, random_state=0)
    with pytest.raises(
        ValueError, match=r"estimated 0\.\d{4} .* below min_recall=0\.99.*'exact'"
    ):
        search_within(X, 5, neighbors="approximate", min_recall=0.99, random_state=0)


def test_search_within_low_recall_falls_back_to_exact(monkeypatch):
    """Check that on_low_recall="exact" warns and returns the exact lists."""
    monkeypatch.setattr(approx_mod, "approximate_kneighbors_within", _bad_search)
    X, _ = make_blobs(500, 6, random_state=0)
    with pytest.warns(UserWarning, match="Ran the exact search instead"):
        result = search_within(
            X,
            5,
            neighbors="approximate",
            min_recall=0.99,
            on_low_recall="exact",
            random_state=0,
        )
    np.testing.assert_array_equal(result.ind, kneighbors_within(X, 5))
    assert result.method == "exact" and result.recall < 0.5


def test_search_within_recall_above_min_keeps_approximate(monkeypatch):
    """Check that a recall at or above min_recall keeps the approximate lists
    and reports their estimated recall."""
    monkeypatch.setattr(approx_mod, "approximate_kneighbors_within", _bad_search)
    X, _ = make_blobs(500, 6, random_state=0)
    result = search_within(X, 5, neighbors="approximate", min_recall=0.1)
    assert result.method == "approximate"
    assert result.recall == _all_rows_recall(X, result.ind, 5)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"neighbors": "fast"}, r"neighbors must be one of .* got 'fast'"),
        ({"on_low_recall": "warn"}, r"on_low_recall must be one of .* got 'warn'"),
    ],
)
def test_search_within_bad_options(params, match):
    """Check that unknown options are refused with the known ones."""
    X, _ = make_blobs(50, 3, random_state=0)
    with pytest.raises(ValueError, match=match):
        search_within(X, 5, **params)


@pytest.mark.parametrize(
    "neighbors, sparse_rows, expected",
    [
        ("auto", False, "exact"),
        ("auto", True, "exact"),
        ("exact", False, "exact"),
        ("approximate", False, "approximate"),
    ],
)
def test_plan_within_resolves_neighbors(neighbors, sparse_rows, expected):
    """Check that plan_within names the search search_within runs first:
    'auto' below the switch (and on sparse rows) is exact, the others pass."""
    X, _ = make_blobs(200, 4, random_state=0)
    if sparse_rows:
        X = sparse.csr_matrix(X)
    assert plan_within(X, 5, neighbors, random_state=0) == expected


def test_plan_within_unknown_neighbors():
    """Check that plan_within refuses an unknown search, naming the options."""
    X, _ = make_blobs(50, 3, random_state=0)
    with pytest.raises(ValueError, match=r"neighbors must be one of .*'fast'"):
        plan_within(X, 5, "fast")
