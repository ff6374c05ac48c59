"""Kernel tests of per (group, class) counting against a naive reference."""

import numpy as np
import pytest

from skclassgap._kernels.grouped import _group_class_counts, _group_class_weights
from tests.naive import group_class_counts_naive

pytestmark = pytest.mark.kernel


def _codes(seed=0, n=400, n_groups=3, offset=5, k=4):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, n_groups, n)
    t = rng.integers(offset, offset + k, n)
    p = rng.integers(offset, offset + k, n)
    return g, t, p


def _dense(table, n_groups, offset, k):
    out = np.zeros((n_groups, k))
    for (g, c), v in table.items():
        out[g, c - offset] = v
    return out


@pytest.mark.parametrize("g_dtype", [np.int8, np.int64])
def test_group_class_counts_kernel_matches_naive(g_dtype):
    """Check that the one-pass counts equal a Python loop over rows."""
    g, t, p = _codes()
    tp, support, predicted = _group_class_counts(g.astype(g_dtype), t, p, 5, 3, 4)
    for got, expected in zip(
        (tp, support, predicted), group_class_counts_naive(g, t, p), strict=True
    ):
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, _dense(expected, 3, 5, 4))


def test_group_class_weights_kernel_matches_naive():
    """Check that weight sums match a Python loop and row counts are unweighted."""
    g, t, p = _codes(seed=1)
    w = np.random.default_rng(2).random(len(t))
    n_true, n_pred, tp, support, predicted = _group_class_weights(g, t, p, w, 5, 3, 4)
    for got, expected in zip(
        (tp, support, predicted), group_class_counts_naive(g, t, p, w), strict=True
    ):
        np.testing.assert_allclose(got, _dense(expected, 3, 5, 4), rtol=1e-13)
    counts = group_class_counts_naive(g, t, p)
    np.testing.assert_array_equal(n_true, _dense(counts[1], 3, 5, 4))
    np.testing.assert_array_equal(n_pred, _dense(counts[2], 3, 5, 4))
