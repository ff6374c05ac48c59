"""ADASYN: density ratios, proportional allocation, errors."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skclassgap.over_sampling import ADASYN
from tests.naive import count_other_naive, kneighbors_naive


def test_adasyn_counts_proportional_to_naive_density_ratios():
    """Check that density ratios equal the naive other-class shares, normalised,
    and that each row parents round(ratio * n_new) synthetic rows."""
    X, y = make_classification(
        n_samples=400, n_features=5, weights=[0.85], class_sep=0.7, random_state=2
    )
    k = 5
    sampler = ADASYN(n_neighbors=k, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    rows = np.flatnonzero(y == 1)
    other = count_other_naive(kneighbors_naive(X[rows], X, k, rows), y, 1) / k
    ratio = other / other.sum()
    np.testing.assert_allclose(sampler.density_ratios_[1], ratio, rtol=1e-12)
    n_new = sampler.sampling_strategy_[1]
    per_parent = np.bincount(sampler.parents_, minlength=len(X))[rows]
    np.testing.assert_array_equal(per_parent, np.rint(ratio * n_new))
    within = rows[kneighbors_naive(X[rows], X[rows], k, np.arange(len(rows)))]
    allowed = dict(zip(rows, map(set, within), strict=True))
    assert all(
        q in allowed[p]
        for p, q in zip(sampler.parents_, sampler.neighbors_, strict=True)
    )


@pytest.mark.parametrize("error", [ValueError, RuntimeError])
def test_adasyn_no_other_class_neighbours_error(error):
    """Check the error when no row of the class has another-class neighbour.

    It is both a ValueError and imbalanced-learn's RuntimeError, so code
    written for either catches it.
    """
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (100, 2)), rng.normal(50, 1, (20, 2))]
    y = np.r_[[0] * 100, [1] * 20]
    with pytest.raises(error, match="cannot oversample class 1: none of its rows"):
        ADASYN().fit_resample(X, y)


def test_adasyn_rounding_to_zero_error():
    """Check the error when every allocation rounds to zero."""
    X, y = make_classification(
        n_samples=300, n_features=5, weights=[0.5], class_sep=0.3, random_state=0
    )
    n1 = int((y == 1).sum())
    with pytest.raises(ValueError, match="would generate no rows for class 1"):
        ADASYN(sampling_strategy={1: n1 + 1}).fit_resample(X, y)
