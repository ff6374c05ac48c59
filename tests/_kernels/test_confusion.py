"""Kernel tests against naive references (also run with NUMBA_DISABLE_JIT=1 in CI)."""

import numpy as np
import pytest

from skclassgap._kernels.confusion import (
    _PAIR_TABLE_MAX,
    _add_class_counts,
    _add_class_weights,
    _confusion_counts,
    _confusion_weights,
    _pair_min_max,
)
from skclassgap._kernels.labels import _factorize_rows
from tests.naive import confusion_naive

pytestmark = pytest.mark.kernel


def test_confusion_counts_kernel_matches_naive():
    """Check that offset codes are counted exactly as a Python loop counts labels."""
    rng = np.random.default_rng(0)
    t = rng.integers(3, 9, 500)
    p = rng.integers(3, 9, 500)
    counts, in_range = _confusion_counts(t, p, 3, 6)
    assert in_range
    np.testing.assert_array_equal(counts, confusion_naive(t, p, list(range(3, 9))))


def test_confusion_weights_kernel_matches_naive():
    """Check that weighted sums and occurrence counts both match a Python loop."""
    rng = np.random.default_rng(1)
    t = rng.integers(-2, 2, 300)
    p = rng.integers(-2, 2, 300)
    w = rng.random(300)
    counts, sums, in_range = _confusion_weights(t, p, w, -2, 4)
    assert in_range
    np.testing.assert_array_equal(counts, confusion_naive(t, p, [-2, -1, 0, 1]))
    np.testing.assert_allclose(
        sums, confusion_naive(t, p, [-2, -1, 0, 1], w), rtol=1e-14
    )


def test_pair_min_max_kernel():
    """Check min and max over two arrays, including extremes in either array."""
    a = np.array([5, -3, 7], dtype=np.int64)
    b = np.array([9, 0], dtype=np.int64)
    assert tuple(_pair_min_max(a, b)) == (-3, 9)
    assert tuple(_pair_min_max(b, a)) == (-3, 9)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_factorize_rows_kernel_matches_python_dict():
    """Check codes in order of first appearance, exact despite forced hash-table
    growth."""
    rng = np.random.default_rng(2)
    words = np.array([f"w{i}" for i in range(300)])  # > 64 distinct: the table grows
    y = words[rng.integers(0, 300, 2000)]
    rows = y.view(np.uint32).reshape(len(y), -1)
    codes, first = _factorize_rows(rows)
    seen = {}
    expected = [seen.setdefault(v, len(seen)) for v in y.tolist()]
    np.testing.assert_array_equal(codes, expected)
    np.testing.assert_array_equal(y[first], list(seen))


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_factorize_rows_kernel_distinguishes_prefixes_and_padding():
    """Check that 'a', 'ab' and '' get distinct codes although padding is zero."""
    y = np.array(["ab", "a", "", "a", "ab", ""])
    codes, _ = _factorize_rows(y.view(np.uint32).reshape(len(y), -1))
    np.testing.assert_array_equal(codes, [0, 1, 2, 1, 0, 2])


def _per_class_naive(t, p, n_classes, offset, w=None):
    """Per-class vectors from the naive confusion matrix: diagonal, row and
    column sums."""
    counts = confusion_naive(t - offset, p - offset, list(range(n_classes)), w)
    return np.diagonal(counts), counts.sum(axis=1), counts.sum(axis=0)


# Both sides of the pair-table limit; codes spread over part of the range.
@pytest.mark.parametrize("n_classes", [1, 3, _PAIR_TABLE_MAX, _PAIR_TABLE_MAX + 1, 500])
def test_add_class_counts_kernel_matches_naive(n_classes):
    """Check tp, true and predicted counts against a Python loop, added in place
    on top of what the vectors already hold."""
    rng = np.random.default_rng(n_classes)
    t = rng.integers(0, n_classes, 700) - 5
    p = np.where(rng.random(700) < 0.6, t, rng.integers(0, n_classes, 700) - 5)
    start = rng.integers(0, 9, (3, n_classes))
    tp, n_true, n_pred = start.copy()
    assert _add_class_counts(t, p, -5, tp, n_true, n_pred)
    ref = _per_class_naive(t, p, n_classes, -5)
    for got, first, expected in zip((tp, n_true, n_pred), start, ref, strict=True):
        np.testing.assert_array_equal(got - first, expected)


@pytest.mark.parametrize("n_classes", [2, 200])
@pytest.mark.parametrize("dtype", [np.int32, np.uint8])
def test_add_class_counts_kernel_takes_narrow_codes(dtype, n_classes):
    """Check the counts of int32 and uint8 codes (used in place) with an offset."""
    rng = np.random.default_rng(5)
    t = (rng.integers(0, n_classes, 400) + 7).astype(dtype)
    p = (rng.integers(0, n_classes, 400) + 7).astype(dtype)
    tp, n_true, n_pred = (np.zeros(n_classes, dtype=np.int64) for _ in range(3))
    assert _add_class_counts(t, p, 7, tp, n_true, n_pred)
    ref = _per_class_naive(t.astype(np.int64), p.astype(np.int64), n_classes, 7)
    for got, expected in zip((tp, n_true, n_pred), ref, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n_classes", [2, 300])
def test_add_class_weights_kernel_matches_bincount_bit_for_bit(n_classes):
    """Check weighted sums equal np.bincount's (input order) exactly and counts
    equal a Python loop."""
    rng = np.random.default_rng(n_classes)
    t = rng.integers(0, n_classes, 900)
    p = np.where(rng.random(900) < 0.5, t, rng.integers(0, n_classes, 900))
    w = rng.random(900) * 10.0 ** rng.integers(-8, 8, 900)
    tp, support, predicted = (np.zeros(n_classes) for _ in range(3))
    n_true, n_pred = (np.zeros(n_classes, dtype=np.int64) for _ in range(2))
    assert _add_class_weights(t, p, w, 0, tp, support, predicted, n_true, n_pred)
    same = t == p
    np.testing.assert_array_equal(
        tp, np.bincount(t[same], weights=w[same], minlength=n_classes)
    )
    np.testing.assert_array_equal(support, np.bincount(t, w, minlength=n_classes))
    np.testing.assert_array_equal(predicted, np.bincount(p, w, minlength=n_classes))
    _, ref_true, ref_pred = _per_class_naive(t, p, n_classes, 0)
    np.testing.assert_array_equal(n_true, ref_true)
    np.testing.assert_array_equal(n_pred, ref_pred)


@pytest.mark.parametrize("n_classes", [3, _PAIR_TABLE_MAX + 7])
@pytest.mark.parametrize("bad", [(0, 9), (9, 0), (-1, 0), (0, -1)])
def test_confusion_kernels_report_codes_out_of_range(bad, n_classes):
    """Check that a code outside [0, n_classes) in either array is reported, not
    counted."""
    t = np.array([1, 2, bad[0] * n_classes // 3], dtype=np.int64)
    p = np.array([1, 2, bad[1] * n_classes // 3], dtype=np.int64)
    vectors = [np.zeros(n_classes, dtype=np.int64) for _ in range(2)]
    sums = [np.zeros(n_classes) for _ in range(3)]
    assert not _confusion_counts(t, p, 0, n_classes)[1]
    assert not _confusion_weights(t, p, np.ones(3), 0, n_classes)[2]
    assert not _add_class_counts(t, p, 0, vectors[0].copy(), *vectors)
    assert not _add_class_weights(t, p, np.ones(3), 0, *sums, *vectors)
