"""Kernel tests against naive references (also run with NUMBA_DISABLE_JIT=1 in CI)."""

import numpy as np
import pytest

from skclassgap._kernels.confusion import (
    _confusion_counts,
    _confusion_weights,
    _pair_min_max,
)
from skclassgap._kernels.labels import _factorize_rows
from tests.naive import confusion_naive

pytestmark = pytest.mark.kernel


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8])
def test_confusion_counts_kernel_matches_naive(dtype):
    """Check that offset codes are counted exactly as a Python loop counts labels."""
    rng = np.random.default_rng(0)
    t = rng.integers(3, 9, 500).astype(dtype)
    p = rng.integers(3, 9, 500).astype(dtype)
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


@pytest.mark.parametrize("bad", [(0, 9), (9, 0), (-1, 0), (0, -1)])
def test_confusion_kernels_report_codes_out_of_range(bad):
    """Check that a code outside [0, n_classes) in either array is reported, not
    counted."""
    t = np.array([1, 2, bad[0]], dtype=np.int64)
    p = np.array([1, 2, bad[1]], dtype=np.int64)
    assert not _confusion_counts(t, p, 0, 3)[1]
    assert not _confusion_weights(t, p, np.ones(3), 0, 3)[2]
