"""Bootstrap intervals of Dask input, on a real LocalCluster."""

import numpy as np
import pytest

from skclassgap.metrics import class_gap, per_class_report
from skclassgap.metrics._bootstrap import bootstrap_counts

da = pytest.importorskip("dask.array")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]

N = 600
CHUNKS = [(150, 0, 1, 249, 200), (N,), (7, 593)]


def _labels(seed=0):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 3, N)
    y_pred = np.where(rng.random(N) < 0.8, y_true, rng.integers(0, 3, N))
    return y_true, y_pred


@pytest.mark.parametrize("chunks", CHUNKS)
def test_per_class_report_ci_dask_equals_memory(chunks):
    """Check that unweighted Dask input gives the in-memory intervals exactly,
    whatever the partitioning (same resamples, drawn from the merged counts)."""
    y_true, y_pred = _labels()
    expected = per_class_report(y_true, y_pred, ci=0.9, n_boot=200, random_state=0)
    got = per_class_report(
        da.from_array(y_true, chunks=(chunks,)),
        da.from_array(y_pred, chunks=(chunks,)),
        ci=0.9,
        n_boot=200,
        random_state=0,
    )
    np.testing.assert_array_equal(got, expected)
    gap = class_gap(
        da.from_array(y_true, chunks=(chunks,)),
        da.from_array(y_pred, chunks=(chunks,)),
        ci=0.9,
        n_boot=200,
        random_state=0,
    )
    assert gap == class_gap(y_true, y_pred, ci=0.9, n_boot=200, random_state=0)


def test_bootstrap_counts_dask_weighted_poisson():
    """Check the Poisson bootstrap per block of weighted Dask input: resampled
    counts average to the weighted counts, with the Poisson spread, and a seed
    repeats them."""
    y_true, y_pred = _labels(1)
    w = np.random.default_rng(2).random(N)
    args = [da.from_array(a, chunks=((300, 300),)) for a in (y_true, y_pred, w)]
    got = bootstrap_counts(
        args[0],
        args[1],
        np.arange(3),
        sample_weight=args[2],
        n_boot=2000,
        random_state=0,
    )
    support = np.bincount(y_true, weights=w, minlength=3)
    tp = np.bincount(y_true[y_true == y_pred], weights=w[y_true == y_pred])
    np.testing.assert_allclose(got.support.mean(0), support, rtol=0.02)
    np.testing.assert_allclose(got.tp.mean(0), tp, rtol=0.02)
    # Var of sum of Poisson(1) * w over the class's rows = sum of w^2.
    var = np.bincount(y_true, weights=w**2, minlength=3)
    np.testing.assert_allclose(got.support.var(0), var, rtol=0.15)
    again = bootstrap_counts(
        args[0],
        args[1],
        np.arange(3),
        sample_weight=args[2],
        n_boot=2000,
        random_state=0,
    )
    np.testing.assert_array_equal(got.tp, again.tp)
