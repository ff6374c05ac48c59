import re

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from skclassgap.spurious import spuriosity_scores, spurious_gap
from tests.naive import spuriosity_naive, spurious_gap_naive


def _data(seed=0, n=60, d=6, n_classes=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(n_classes, size=n)
    return X, y


@pytest.mark.parametrize(
    "features",
    [{0: [1], 1: [2, 3], 2: [0, 4, 5]}, {0: [1, 2]}, {1: 3, 2: []}],
)
def test_spuriosity_scores_matches_naive(features):
    """Check that spuriosity_scores equals the naive per-class z-score mean."""
    X, y = _data()
    expected = spuriosity_naive(
        X, y, {k: np.atleast_1d(v).tolist() for k, v in features.items()}
    )
    np.testing.assert_allclose(spuriosity_scores(X, y, features), expected, rtol=1e-12)


def test_spuriosity_scores_mask_dataframe_sparse_agree():
    """Check that a boolean mask, column names and sparse X give the same scores."""
    X, y = _data(seed=1)
    features = {0: [1], 1: [2, 3], 2: [5]}
    mask = np.zeros((3, X.shape[1]), dtype=bool)
    for k, cols in features.items():
        mask[k, cols] = True
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    by_name = {k: [f"f{i}" for i in cols] for k, cols in features.items()}
    expected = spuriosity_naive(X, y, features)
    for got in (
        spuriosity_scores(X, y, mask),
        spuriosity_scores(frame, y, by_name),
        spuriosity_scores(sparse.csr_matrix(X), y, features),
        spuriosity_scores(X.astype(np.float32), y, features),
    ):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_spuriosity_scores_constant_feature_and_string_labels():
    """Check that a feature constant within a class scores 0 and string labels work."""
    X = np.array([[1.0, 5.0], [1.0, 7.0], [3.0, 0.0], [3.0, 2.0]])
    y = np.array(["a", "a", "b", "b"])
    scores = spuriosity_scores(X, y, {"a": [0, 1], "b": [0]})
    np.testing.assert_allclose(scores, [-0.5, 0.5, 0.0, 0.0])


def test_spuriosity_scores_ranks_ties_by_row_order():
    """Check that within-class ranks are ascending and break ties by row order."""
    X = np.array([[2.0], [1.0], [2.0], [0.0], [9.0], [1.0], [3.0]])
    y = np.array([0, 0, 0, 0, 1, 0, 2])
    _, ranks = spuriosity_scores(X, y, {0: [0]}, return_ranks=True)
    # class 0 rows 0,1,2,3,5 have values 2,1,2,0,1 -> order 3,1,5,0,2
    np.testing.assert_array_equal(ranks, [3, 1, 4, 0, -1, 2, -1])


_BAD_FEATURES = [
    ({5: [0]}, ValueError, "names class 5, which is not in y"),
    ({0: [7]}, ValueError, "names feature 7, but X has 6 features"),
    ({0: [-1]}, ValueError, "names feature -1"),
    ({0: ["f0"]}, ValueError, "X has no column names"),
    ({0: [1.5]}, TypeError, "got 1.5 of type float"),
    ({0: [True]}, TypeError, "got True of type bool"),
    (np.zeros((3, 6)), TypeError, "got an array of dtype float64"),
    (np.zeros((2, 6), dtype=bool), ValueError, r"has shape \(2, 6\), but y has 3"),
]


@pytest.mark.parametrize("features, error, message", _BAD_FEATURES)
def test_spuriosity_scores_rejects_bad_spurious_features(features, error, message):
    """Check that unknown classes or features and malformed masks get clear errors."""
    X, y = _data()
    with pytest.raises(error, match=message):
        spuriosity_scores(X, y, features)


def test_spuriosity_scores_unknown_column_name_and_ignored_class():
    """Check that an unknown column name raises and unknown_classes='ignore' skips."""
    X, y = _data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    with pytest.raises(ValueError, match="names feature 'zz', which is not a column"):
        spuriosity_scores(frame, y, {0: ["zz"]})
    got = spuriosity_scores(X, y, {0: [1], 9: [2]}, unknown_classes="ignore")
    np.testing.assert_allclose(got, spuriosity_naive(X, y, {0: [1]}))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_spurious_gap_matches_naive_with_ties(seed, k):
    """Check spurious_gap against the naive top-k/bottom-k, with many ties."""
    rng = np.random.default_rng(seed)
    n = 40
    y_true = rng.integers(3, size=n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(3, size=n))
    spuriosity = rng.integers(3, size=n).astype(float)  # heavy ties
    spuriosity[y_true == 2] = np.nan
    counts = np.bincount(y_true, minlength=3)
    k = min(k, counts[:2].min() // 2)
    expected, per_class = spurious_gap_naive(
        y_true.tolist(), y_pred.tolist(), spuriosity.tolist(), k
    )
    gap, got = spurious_gap(y_true, y_pred, spuriosity, k=k, return_per_class=True)
    assert gap == pytest.approx(expected)
    assert got == pytest.approx(per_class)
    assert set(got) == {0, 1}


def test_spurious_gap_takes_the_highest_k_not_the_rest():
    """Check that the high set is the k highest rows (paper), not another end.

    Readings that take ``order[k:]`` (all but the lowest k) or ``order[:k]``
    for the high set give 1/3 and 0 here; the paper's definition gives 1.
    """
    y_true = np.zeros(8, dtype=int)
    spuriosity = np.arange(8.0)
    # correct on the 2 highest rows only, wrong on the lowest 2 and on 2..5
    y_pred = np.array([1, 1, 1, 1, 1, 1, 0, 0])
    assert spurious_gap(y_true, y_pred, spuriosity, k=2) == 1.0
    # correct on the lowest two only: gap -1
    assert spurious_gap(y_true, y_pred[::-1], spuriosity, k=2) == -1.0


def test_spurious_gap_small_classes_capped_with_warning():
    """Check that k is capped at n_c // 2 with a warning naming the classes."""
    y_true = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1])
    y_pred = np.array([1, 0, 0, 0, 1, 1, 1, 1, 1])
    spuriosity = np.array([0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.warns(UserWarning, match=re.escape("classes [0, 1] (sizes [3, 6])")):
        gap, per_class = spurious_gap(
            y_true, y_pred, spuriosity, k=5, return_per_class=True
        )
    expected, naive = spurious_gap_naive(
        y_true.tolist(), y_pred.tolist(), spuriosity.tolist(), 1
    )
    assert per_class[0] == naive[0] == 1.0
    _, naive3 = spurious_gap_naive(
        y_true.tolist(), y_pred.tolist(), spuriosity.tolist(), 3
    )
    assert per_class[1] == naive3[1] == pytest.approx(1 / 3)
    assert gap == pytest.approx((1.0 + 1 / 3) / 2)


def test_spurious_gap_fraction_k():
    """Check that a fractional k takes max(1, floor(k * n_c)) rows per end."""
    rng = np.random.default_rng(3)
    y_true = np.repeat([0, 1], [10, 25])
    y_pred = np.where(rng.random(35) < 0.5, y_true, 1 - y_true)
    spuriosity = rng.normal(size=35)
    _, got = spurious_gap(y_true, y_pred, spuriosity, k=0.2, return_per_class=True)
    _, a = spurious_gap_naive(y_true.tolist(), y_pred.tolist(), spuriosity.tolist(), 2)
    _, b = spurious_gap_naive(y_true.tolist(), y_pred.tolist(), spuriosity.tolist(), 5)
    assert got == pytest.approx({0: a[0], 1: b[1]})


_BAD_GAP = [
    (dict(spuriosity=[0.0, np.nan, 1.0, 2.0]), "NaN for 1 of the 2 rows of class 0"),
    (dict(spuriosity=[np.nan] * 4), "NaN for every row"),
    (dict(y_true=[0, 1, 1, 1], y_pred=[0, 1, 1, 1]), "class 0 has 1 row"),
    (dict(spuriosity=[[0.0]] * 4), "must be 1-dimensional"),
]


@pytest.mark.parametrize("kwargs, message", _BAD_GAP)
def test_spurious_gap_rejects_bad_input(kwargs, message):
    """Check that partial NaN, all NaN, one-row classes and 2-D scores are rejected."""
    args = dict(
        y_true=[0, 0, 1, 1], y_pred=[0, 0, 1, 1], spuriosity=[0.0, 1.0, 2.0, 3.0]
    )
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        spurious_gap(**args)


def test_spurious_gap_rejects_bad_k():
    """Check that k outside the allowed ranges is rejected by parameter validation."""
    with pytest.raises(ValueError, match="'k' parameter"):
        spurious_gap([0, 0], [0, 0], [0.0, 1.0], k=0.7)
