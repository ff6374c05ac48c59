"""GaussianOverSampler: moments of the draws, covariance choices, shrinkage."""

import numpy as np
import pytest
from sklearn.covariance import ledoit_wolf

from skclassgap.over_sampling import GaussianOverSampler


def _data(rng):
    cov = np.array([[2.0, 0.8, 0.0], [0.8, 1.0, 0.3], [0.0, 0.3, 0.5]])
    X1 = rng.multivariate_normal([3.0, -1.0, 0.5], cov, size=60)
    X0 = rng.normal(0.0, 1.0, (400, 3))
    return np.r_[X0, X1], np.r_[[0] * 400, [1] * 60]


def test_gaussian_samples_match_fitted_moments(rng):
    """Check that the draws' mean and covariance match the fitted ones within
    sampling error, and that the Ledoit-Wolf covariance is sklearn's."""
    X, y = _data(rng)
    n_new = 40000
    sampler = GaussianOverSampler(sampling_strategy={1: 60 + n_new}, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    lw, _ = ledoit_wolf(X[y == 1])
    # sklearn's ledoit_wolf divides by n; we divide by n - 1 before shrinking.
    np.testing.assert_allclose(
        sampler.covariances_[1] * 59 / 60, lw, rtol=1e-10, atol=1e-12
    )
    new = X_res[len(X) :]
    se = np.sqrt(np.diag(sampler.covariances_[1]) / n_new)
    assert (np.abs(new.mean(axis=0) - sampler.means_[1]) < 5 * se).all()
    np.testing.assert_allclose(np.cov(new.T), sampler.covariances_[1], atol=0.06)
    assert (sampler.parents_ == -1).all() and np.isnan(sampler.gaps_).all()


@pytest.mark.parametrize("covariance", ["pooled", "diag"])
def test_gaussian_covariance_choices(rng, covariance):
    """Check that 'diag' keeps only the class variances and 'pooled' uses the
    within-class scatter of all classes."""
    X, y = _data(rng)
    sampler = GaussianOverSampler(covariance=covariance, shrinkage=None, random_state=0)
    sampler.fit_resample(X, y)
    if covariance == "diag":
        np.testing.assert_allclose(
            sampler.covariances_[1], np.diag(X[y == 1].var(axis=0, ddof=1))
        )
    else:
        centred = np.r_[X[y == 0] - X[y == 0].mean(0), X[y == 1] - X[y == 1].mean(0)]
        np.testing.assert_allclose(
            sampler.covariances_[1], centred.T @ centred / (len(X) - 2)
        )


def test_gaussian_fixed_shrinkage_and_float32(rng):
    """Check the fixed shrinkage formula and that float32 stays float32."""
    X, y = _data(rng)
    sampler = GaussianOverSampler(shrinkage=0.5, random_state=0)
    X_res, _ = sampler.fit_resample(X.astype(np.float32), y)
    emp = np.cov(X[y == 1].astype(np.float32).astype(np.float64).T)
    expected = 0.5 * emp + 0.5 * np.trace(emp) / 3 * np.eye(3)
    np.testing.assert_allclose(sampler.covariances_[1], expected, rtol=1e-6)
    assert X_res.dtype == np.float32
