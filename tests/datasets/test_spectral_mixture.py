import numpy as np
import pytest

from skclassgap.datasets import make_spectral_mixture


def test_make_spectral_mixture_ground_truth():
    """Check balanced counts, the power-law spectra and that the covariances
    are Q diag(l) Q^T."""
    X, y, p = make_spectral_mixture(
        1001,
        6,
        3,
        decays=[0.0, 1.0, 3.0],
        separation=2.0,
        random_state=0,
        return_params=True,
    )
    assert X.shape == (1001, 6) and np.bincount(y).tolist() == [334, 334, 333]
    ranks = np.arange(1, 7.0)
    np.testing.assert_allclose(p.eigenvalues, [ranks**0, ranks**-1.0, ranks**-3.0])
    for c in range(3):
        Q = p.rotations[c]
        np.testing.assert_allclose(Q.T @ Q, np.eye(6), atol=1e-12)
        np.testing.assert_allclose(
            np.linalg.eigvalsh(p.covariances[c])[::-1], p.eigenvalues[c], atol=1e-12
        )
    dist = np.linalg.norm(p.means[:, None] - p.means[None], axis=-1)
    np.testing.assert_allclose(dist[~np.eye(3, dtype=bool)], 2.0)


def test_make_spectral_mixture_samples_follow_params():
    """Check that sample means and covariances approach the returned ground truth."""
    X, y, p = make_spectral_mixture(60_000, 4, 2, random_state=1, return_params=True)
    for c in range(2):
        np.testing.assert_allclose(X[y == c].mean(0), p.means[c], atol=0.03)
        np.testing.assert_allclose(np.cov(X[y == c].T), p.covariances[c], atol=0.03)


def test_make_spectral_mixture_seed_and_shuffle():
    """Check that a seed repeats exactly and shuffle=False groups rows by class."""
    a = make_spectral_mixture(50, 3, 2, random_state=5)
    b = make_spectral_mixture(50, 3, 2, random_state=5)
    np.testing.assert_array_equal(a[0], b[0])
    _, y = make_spectral_mixture(50, 3, 2, shuffle=False, random_state=5)
    assert y.tolist() == [0] * 25 + [1] * 25


def test_make_spectral_mixture_more_classes_than_features():
    """Check that means have norm separation/sqrt(2) when classes outnumber features."""
    _, _, p = make_spectral_mixture(40, 2, 4, random_state=0, return_params=True)
    np.testing.assert_allclose(np.linalg.norm(p.means, axis=1), 1 / np.sqrt(2))


@pytest.mark.parametrize(
    "decays, match",
    [
        ([1.0, 2.0], r"one value per class \(3\); got shape \(2,\)"),
        ([1.0, np.nan, 1.0], "finite and >= 0"),
    ],
)
def test_make_spectral_mixture_bad_decays(decays, match):
    """Check that decays of the wrong length or non-finite are rejected."""
    with pytest.raises(ValueError, match=match):
        make_spectral_mixture(30, 3, 3, decays=decays)
