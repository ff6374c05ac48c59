"""Balanced Gaussian classes whose covariances have different power-law spectra."""

import numbers

import numpy as np
from sklearn.utils import Bunch, check_random_state

from skclassgap._compat import Interval, validate_params


def _random_rotation(rng, d):
    """A Haar-distributed orthogonal matrix (QR of a Gaussian, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_features": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_classes": [Interval(numbers.Integral, 1, None, closed="left")],
        "decays": [None, Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "separation": [Interval(numbers.Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "return_params": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_spectral_mixture(
    n_samples=1000,
    n_features=20,
    n_classes=3,
    *,
    decays=None,
    separation=1.0,
    shuffle=True,
    random_state=None,
    return_params=False,
):
    """Generate balanced Gaussian classes with different covariance spectra.

    Class ``c`` is ``N(mu_c, Sigma_c)`` with ``Sigma_c = Q_c diag(lambda_c) Q_c^T``:
    a power-law spectrum ``lambda_ci = i ** (-decays[c])`` (``i = 1 .. d``, so
    every class has top eigenvalue 1) in its own random rotation ``Q_c``. A
    class with a slower decay spreads variance over more directions and is
    served worse by a linear rule: the mechanism of spectral imbalance on
    balanced data (Kaushik et al., ICML 2024, arXiv:2402.11742; this generator
    is our own construction in that spirit, not the paper's exact setup).

    The means are ``separation / sqrt(2)`` times orthonormal random directions
    (when ``n_classes <= n_features``), so every pair of means is exactly
    ``separation`` apart; with more classes than features the directions are
    random unit vectors.

    Parameters
    ----------
    n_samples : int, default=1000
        Total rows, split evenly (the first ``n_samples % n_classes`` classes
        get one more row).
    n_features : int, default=20
        Dimension ``d``.
    n_classes : int, default=3
        Number of classes.
    decays : float or array-like of shape (n_classes,), default=None
        Power-law exponents of the class spectra; a float is used for every
        class. By default ``numpy.linspace(0.5, 2.0, n_classes)`` (class 0
        decays slowest and is the hardest).
    separation : float, default=1.0
        Distance between any two class means (for ``n_classes <= n_features``).
    shuffle : bool, default=True
        Shuffle the rows; otherwise they are grouped by class.
    random_state : int, RandomState instance or None, default=None
        Seed for the rotations, the means and the rows.
    return_params : bool, default=False
        Also return the ground truth.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features (float64).
    y : ndarray of shape (n_samples,)
        Integer labels ``0 .. n_classes - 1``.
    params : :class:`~sklearn.utils.Bunch`
        Only if ``return_params``: ``means`` (n_classes, n_features),
        ``covariances`` (n_classes, n_features, n_features), ``eigenvalues``
        (n_classes, n_features, descending), ``rotations`` (``Q_c``, columns
        are the eigenvectors) and ``decays`` (n_classes,).

    See Also
    --------
    skclassgap.spectral.class_spectra : Measure the class spectra of data.

    Examples
    --------
    >>> from skclassgap.datasets import make_spectral_mixture
    >>> X, y, params = make_spectral_mixture(
    ...     300, 5, 3, decays=[0.5, 1.0, 2.0], random_state=0, return_params=True
    ... )
    >>> X.shape, [int((y == c).sum()) for c in range(3)]
    ((300, 5), [100, 100, 100])
    >>> params.eigenvalues[2].round(3).tolist()
    [1.0, 0.25, 0.111, 0.062, 0.04]
    """
    k, d = n_classes, n_features
    if decays is None:
        decays = np.linspace(0.5, 2.0, k) if k > 1 else np.array([1.0])
    decays = np.asarray(decays, dtype=np.float64)
    if decays.ndim == 0:
        decays = np.full(k, float(decays))
    if decays.shape != (k,):
        raise ValueError(
            f"decays must be a float or have one value per class ({k}); got shape "
            f"{decays.shape}."
        )
    if not np.isfinite(decays).all() or (decays < 0).any():
        raise ValueError(f"decays must be finite and >= 0; got {decays.tolist()!r}.")
    rng = check_random_state(random_state)
    ranks = np.arange(1, d + 1, dtype=np.float64)
    eigenvalues = ranks[None, :] ** -decays[:, None]
    rotations = np.stack([_random_rotation(rng, d) for _ in range(k)])
    directions = rng.standard_normal((k, d))
    if k <= d:
        q, r = np.linalg.qr(directions.T)
        directions = (q * np.sign(np.diag(r))).T
    else:
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    means = separation / np.sqrt(2.0) * directions
    sizes = np.full(k, n_samples // k)
    sizes[: n_samples % k] += 1
    X = np.empty((n_samples, d))
    y = np.repeat(np.arange(k), sizes)
    start = 0
    for c in range(k):
        z = rng.standard_normal((sizes[c], d))
        X[start : start + sizes[c]] = (
            means[c] + (z * np.sqrt(eigenvalues[c])) @ rotations[c].T
        )
        start += sizes[c]
    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
    if not return_params:
        return X, y
    covariances = np.einsum("kij,kj,klj->kil", rotations, eigenvalues, rotations)
    params = Bunch(
        means=means,
        covariances=covariances,
        eigenvalues=eigenvalues,
        rotations=rotations,
        decays=decays,
    )
    return X, y, params
