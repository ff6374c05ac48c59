"""GaussianOverSampler: moments of the draws, covariance choices, shrinkage."""

import numpy as np
import pandas as pd
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


def test_gaussian_mixed_levels_follow_class_frequencies():
    """Check that on a mixed table the categorical columns of Gaussian rows follow
    the class's level frequencies (within 5 standard errors), hold only level
    combinations that occur in the class, and that the continuous columns come
    from the Gaussian of the continuous columns only."""
    from tests.over_sampling.mixed_data import CATEGORICAL, CONTINUOUS, mixed_frame

    X, y = mixed_frame(n=400)
    n_new = 20000
    sampler = GaussianOverSampler(sampling_strategy={1: 99 + n_new}, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    new = X_res.iloc[len(X) :]
    own = X[y == 1]
    for column in CATEGORICAL:
        expected = own[column].astype(object).value_counts(normalize=True)
        got = new[column].astype(object).value_counts(normalize=True)
        assert set(got.index) <= set(expected.index)
        se = np.sqrt(expected * (1 - expected) / n_new)
        assert (
            np.abs(got.reindex(expected.index, fill_value=0) - expected) < 5 * se
        ).all()
    combos = set(map(tuple, own[CATEGORICAL].astype(str).to_numpy()))
    assert set(map(tuple, new[CATEGORICAL].astype(str).to_numpy())) <= combos
    assert sampler.means_[1].shape == (len(CONTINUOUS),)
    np.testing.assert_allclose(
        sampler.means_[1], own[CONTINUOUS].to_numpy(dtype=float).mean(axis=0)
    )


def test_gaussian_categorical_only_and_dataframe_of_numbers():
    """Check that a table of categorical columns only draws whole rows' levels of
    the class (even a one-row class, which needs no covariance), and that a
    DataFrame of numbers gives the array output."""
    X = pd.DataFrame({"a": list("xxyyzz") + ["w"], "b": list("1212121")})
    y = np.r_[[0] * 6, [1]]
    X_res, _ = GaussianOverSampler(random_state=0).fit_resample(X, y)
    assert (X_res.iloc[7:] == ["w", "1"]).all().all() and len(X_res) == 12
    rng = np.random.default_rng(0)
    X_num = rng.normal(size=(100, 3))
    y = np.r_[[0] * 80, [1] * 20]
    arr, _ = GaussianOverSampler(random_state=0).fit_resample(X_num, y)
    frame, _ = GaussianOverSampler(random_state=0).fit_resample(pd.DataFrame(X_num), y)
    np.testing.assert_array_equal(frame.to_numpy(), arr)
