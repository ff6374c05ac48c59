import numpy as np
import pandas as pd
import pytest
from sklearn.covariance import ledoit_wolf

from skclassgap.datasets import make_spectral_mixture
from skclassgap.spectral import SpectralBalancer
from tests.naive import class_covariances_naive


def _data(n=900, d=5, k=3, seed=0):
    return make_spectral_mixture(n, d, k, random_state=seed)


def _pooled(Z, y):
    return class_covariances_naive(Z, y)[1].mean(axis=0)


def test_spectral_balancer_pooled_whitens_class_balanced_covariance():
    """Check that reference='pooled' makes the class-balanced pooled covariance the
    identity."""
    X, y = _data()
    keep = np.r_[
        np.flatnonzero(y == 0)[:50], np.flatnonzero(y != 0)
    ]  # unequal class sizes
    X, y = X[keep], y[keep]
    Z = SpectralBalancer(shrinkage=None).fit_transform(X, y)
    np.testing.assert_allclose(_pooled(Z, y), np.eye(5), atol=1e-10)
    means = np.array([Z[y == c].mean(0) for c in range(3)])
    np.testing.assert_allclose(means.mean(0), 0, atol=1e-12)


def test_spectral_balancer_worst_caps_class_variance():
    """Check that reference='worst' gives max class variance 1 along each pooled
    eigenvector."""
    X, y = _data()
    bal = SpectralBalancer(reference="worst", shrinkage=None).fit(X, y)
    Z = bal.transform(X)
    V = bal.eigenvectors_
    covs = class_covariances_naive(Z, y)[1]
    worst = np.einsum("ji,cjl,li->ci", V, covs, V).max(axis=0)
    np.testing.assert_allclose(worst, 1.0, rtol=1e-10)


def test_spectral_balancer_matches_explicit_formula():
    """Check the transform against V diag(r^(-s/2)) V^T built from numpy / sklearn
    pieces."""
    X, y = _data()
    bal = SpectralBalancer(strength=0.5).fit(X, y)
    covs = np.stack([ledoit_wolf(X[y == c])[0] for c in range(3)])
    lam, V = np.linalg.eigh(covs.mean(0))
    W = (V * lam**-0.25) @ V.T
    m = np.mean([X[y == c].mean(0) for c in range(3)], axis=0)
    np.testing.assert_allclose(bal.transform(X), (X - m) @ W, rtol=1e-8, atol=1e-10)


def test_spectral_balancer_strength_zero_is_centering():
    """Check that strength=0 only subtracts the average class mean."""
    X, y = _data()
    bal = SpectralBalancer(strength=0.0).fit(X, y)
    np.testing.assert_allclose(bal.transform(X), X - bal.mean_, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_spectral_balancer_inverse_transform_and_dtype(dtype):
    """Check that inverse_transform undoes transform and the dtype is kept."""
    X, y = _data()
    X = X.astype(dtype)
    bal = SpectralBalancer(reference="worst").fit(X, y)
    Z = bal.transform(X)
    assert Z.dtype == dtype
    np.testing.assert_allclose(
        bal.inverse_transform(Z), X, atol=1e-4 if dtype == np.float32 else 1e-10
    )


def test_spectral_balancer_n_components_projects():
    """Check that n_components keeps the leading pooled directions (a rank-k
    projection)."""
    X, y = _data()
    bal = SpectralBalancer(n_components=2, shrinkage=None).fit(X, y)
    Z = bal.transform(X)
    assert Z.shape == X.shape and bal.n_components_ == 2
    assert np.linalg.matrix_rank(Z) == 2
    np.testing.assert_allclose(
        np.diag(bal.eigenvectors_.T @ _pooled(Z, y) @ bal.eigenvectors_), 1.0
    )


def test_spectral_balancer_pandas_names():
    """Check that feature names are kept and set_output gives a DataFrame."""
    X, y = _data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    bal = SpectralBalancer().set_output(transform="pandas").fit(frame, y)
    out = bal.transform(frame)
    assert (
        isinstance(out, pd.DataFrame) and out.columns.tolist() == frame.columns.tolist()
    )
    assert bal.get_feature_names_out().tolist() == frame.columns.tolist()


def test_spectral_balancer_constant_feature_needs_shrinkage():
    """Check that a constant feature is an error without shrinkage and fine with
    Ledoit-Wolf."""
    X, y = _data()
    X[:, 2] = 3.0
    with pytest.raises(ValueError, match="pooled within-class covariance is singular"):
        SpectralBalancer(shrinkage=None).fit(X, y)
    Z = SpectralBalancer().fit_transform(X, y)
    assert np.isfinite(Z).all()


@pytest.mark.parametrize(
    "params, X, y, error, match",
    [
        (
            {"n_components": 6},
            None,
            None,
            ValueError,
            "n_components=6 is larger than the number of features",
        ),
        ({}, np.full((4, 2), np.nan), [0, 0, 1, 1], ValueError, "NaN"),
        ({}, np.ones((3, 2)), [0, 0, 1], ValueError, "class 1 has 1 sample"),
        ({}, np.ones((4, 2)), [0.5, 0.1, 0.2, 0.3], ValueError, "Unknown label type"),
    ],
)
def test_spectral_balancer_fit_errors(params, X, y, error, match):
    """Check that bad parameters and data raise clear errors."""
    if X is None:
        X, y = _data()
    with pytest.raises(error, match=match):
        SpectralBalancer(**params).fit(X, y)


def test_spectral_balancer_inverse_transform_truncated_error():
    """Check that inverse_transform refuses a truncated projection."""
    X, y = _data()
    bal = SpectralBalancer(n_components=2).fit(X, y)
    with pytest.raises(
        ValueError, match="inverse_transform is not available with n_components=2"
    ):
        bal.inverse_transform(X)
