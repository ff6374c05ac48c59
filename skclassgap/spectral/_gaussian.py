"""Per-class error of a linear decision rule on Gaussian classes: theory and plug-in."""

import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.special import ndtr
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from skclassgap._compat import HasMethods, Interval, StrOptions, validate_params
from skclassgap.spectral._moments import ClassMoments

_DRAW_CHUNK = 65536


class GaussianClassErrors(NamedTuple):
    """Per-class errors and their Monte Carlo standard errors (0 when exact)."""

    errors: np.ndarray
    standard_errors: np.ndarray


def _binary_error(mean, cov, w, b, sign):
    """``P(sign * (w.x + b) <= 0)`` for ``x ~ N(mean, cov)`` (sign +1: class 1)."""
    m = sign * (w @ mean + b)
    s2 = w @ cov @ w
    if s2 <= 0:
        return float(m <= 0) if sign > 0 else float(m < 0)
    return float(ndtr(-m / np.sqrt(s2)))


def _multiclass_error(mean, cov, W, b, true, n_draws, rng):
    """Monte Carlo ``P(argmax(W x + b) != true)`` drawn in the K-dim score space."""
    score_mean = W @ mean + b
    score_cov = W @ cov @ W.T
    values, vectors = np.linalg.eigh(0.5 * (score_cov + score_cov.T))
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    wrong = 0
    done = 0
    while done < n_draws:
        m = min(_DRAW_CHUNK, n_draws - done)
        scores = score_mean + rng.standard_normal((m, len(b))) @ root.T
        wrong += int((np.argmax(scores, axis=1) != true).sum())
        done += m
    err = wrong / n_draws
    return err, np.sqrt(err * (1 - err) / n_draws)


def _class_errors(means, covariances, coef, intercept, true_index, n_draws, rng):
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    errors = np.empty(len(means))
    stderr = np.zeros(len(means))
    if coef.shape[0] == 1:
        for i, t in enumerate(true_index):
            sign = 1.0 if t == 1 else -1.0
            errors[i] = _binary_error(
                means[i], covariances[i], coef[0], intercept[0], sign
            )
    else:
        for i, t in enumerate(true_index):
            errors[i], stderr[i] = _multiclass_error(
                means[i], covariances[i], coef, intercept, t, n_draws, rng
            )
    return GaussianClassErrors(errors, stderr)


@validate_params(
    {
        "means": ["array-like"],
        "covariances": ["array-like"],
        "coef": ["array-like"],
        "intercept": ["array-like", numbers.Real],
        "n_draws": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def gaussian_class_errors(
    means, covariances, coef, intercept, *, n_draws=200_000, random_state=0
):
    """Per-class error of a linear decision rule when each class is Gaussian.

    Class ``c`` is ``N(mu_c, Sigma_c)``; the rule is scikit-learn's: binary
    (``coef`` of shape ``(1, d)`` or ``(d,)``, 2 classes) predicts class 1 when
    ``w.x + b > 0``; multiclass (``coef`` of shape ``(K, d)``) predicts
    ``argmax_j (W x + b)_j``.

    - Binary, exact: ``err_c = Phi(-(w.mu_c + b) s_c / sqrt(w^T Sigma_c w))``
      with ``s_1 = +1``, ``s_0 = -1`` and ``Phi`` the standard normal CDF.
    - Multiclass, seeded Monte Carlo: the scores ``W x + b`` of class ``c`` are
      ``N(W mu_c + b, W Sigma_c W^T)`` (``K`` dimensions, whatever ``d``);
      ``n_draws`` score vectors are drawn per class and the error is the
      fraction whose argmax is not ``c``, with standard error
      ``sqrt(err (1 - err) / n_draws)``.

    Parameters
    ----------
    means : array-like of shape (n_classes, n_features)
        Class means, in the order of the rule's classes.
    covariances : array-like of shape (n_classes, n_features, n_features)
        Class covariances, or one shared covariance of shape
        (n_features, n_features).
    coef : array-like of shape (1, n_features), (n_features,) or (n_classes, n_features)
        Weights of the rule (an estimator's ``coef_``).
    intercept : float or array-like of shape (1,) or (n_classes,)
        Offsets (an estimator's ``intercept_``).
    n_draws : int, default=200_000
        Monte Carlo draws per class (multiclass only).
    random_state : int, RandomState instance or None, default=0
        Seed of the draws; the default makes results repeat exactly.

    Returns
    -------
    result : GaussianClassErrors
        ``errors`` (n_classes,) and ``standard_errors`` (n_classes,; zeros for
        the exact binary case).

    See Also
    --------
    predicted_class_errors : The same with Gaussians fitted to data.

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.spectral import gaussian_class_errors
    >>> means = np.array([[-1.0, 0.0], [1.0, 0.0]])
    >>> covs = np.array([np.eye(2), 4 * np.eye(2)])
    >>> gaussian_class_errors(means, covs, [[1.0, 0.0]], [0.0]).errors.round(4)
    array([0.1587, 0.3085])
    """
    means = np.asarray(means, dtype=np.float64)
    covariances = np.asarray(covariances, dtype=np.float64)
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    if means.ndim != 2:
        raise ValueError(
            "means must be 2-dimensional (n_classes, n_features); got shape "
            f"{means.shape}."
        )
    k, d = means.shape
    if covariances.shape == (d, d):
        covariances = np.broadcast_to(covariances, (k, d, d))
    if covariances.shape != (k, d, d):
        raise ValueError(
            f"covariances must have shape ({k}, {d}, {d}) or ({d}, {d}) to match "
            f"means; got {covariances.shape}."
        )
    binary = coef.shape[0] == 1
    if (binary and k != 2) or (not binary and coef.shape[0] != k) or coef.shape[1] != d:
        raise ValueError(
            f"coef of shape {coef.shape} does not fit {k} classes with {d} features; "
            f"expected (1, {d}) for 2 classes or ({k}, {d})."
        )
    if intercept.shape != (coef.shape[0],):
        raise ValueError(
            f"intercept must have {coef.shape[0]} value(s) to match coef; got shape "
            f"{intercept.shape}."
        )
    if not (np.isfinite(means).all() and np.isfinite(covariances).all()):
        raise ValueError("means and covariances must be finite.")
    rng = check_random_state(random_state)
    return _class_errors(
        means, covariances, coef, intercept, np.arange(k), n_draws, rng
    )


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "X": ["array-like"],
        "y": ["array-like"],
        "shrinkage": [
            None,
            StrOptions({"ledoit_wolf"}),
            Interval(numbers.Real, 0, 1, closed="both"),
        ],
        "n_draws": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def predicted_class_errors(
    estimator, X, y, *, shrinkage=None, n_draws=200_000, random_state=0
):
    """Predict each class's error of a fitted linear classifier from class Gaussians.

    Fits ``N(mean_c, cov_c)`` to the rows of each class in ``X`` (after the
    earlier steps of a :class:`~sklearn.pipeline.Pipeline`) and evaluates
    :func:`gaussian_class_errors` for the final step's ``coef_`` and
    ``intercept_``. Exact when the classes are Gaussian; otherwise a
    second-moment approximation.

    Parameters
    ----------
    estimator : estimator or Pipeline
        Fitted linear classifier with ``coef_``, ``intercept_`` and ``classes_``
        whose prediction is the sign (binary) or argmax of
        ``X @ coef_.T + intercept_`` (e.g. LogisticRegression, LinearSVC,
        RidgeClassifier, LinearDiscriminantAnalysis), or a Pipeline ending in one.
    X : array-like of shape (n_samples, n_features)
        Data whose class Gaussians are fitted (held-out data for an honest
        prediction).
    y : array-like of shape (n_samples,)
        Labels; each must be one of ``estimator.classes_``.
    shrinkage : None, "ledoit_wolf" or float in [0, 1], default=None
        Shrinkage of the class covariances, see :func:`class_spectra`.
    n_draws : int, default=200_000
        Monte Carlo draws per class (multiclass).
    random_state : int, RandomState instance or None, default=0
        Seed of the draws.

    Returns
    -------
    table : pandas.DataFrame
        One row per class present in ``y`` (index ``class``): ``predicted_error``,
        ``standard_error`` and ``n_samples``.

    See Also
    --------
    gaussian_class_errors : The theory with given Gaussians.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.datasets import make_spectral_mixture
    >>> from skclassgap.spectral import predicted_class_errors
    >>> X, y = make_spectral_mixture(4000, 10, 3, random_state=0)
    >>> clf = LogisticRegression().fit(X[:2000], y[:2000])
    >>> table = predicted_class_errors(clf, X[2000:], y[2000:], n_draws=20_000)
    >>> list(table.columns)
    ['predicted_error', 'standard_error', 'n_samples']
    """
    final = estimator
    if isinstance(estimator, Pipeline):
        final = estimator[-1]
        check_is_fitted(final)
        X = estimator[:-1].transform(X)
    check_is_fitted(final)
    if not (
        hasattr(final, "coef_")
        and hasattr(final, "intercept_")
        and hasattr(final, "classes_")
    ):
        raise TypeError(
            f"{type(final).__name__} has no coef_, intercept_ and classes_; "
            "predicted_class_errors needs a fitted linear classifier (or a Pipeline "
            "ending in one)."
        )
    coef = np.atleast_2d(np.asarray(final.coef_, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(final.intercept_, dtype=np.float64))
    if coef.shape[0] not in (1, len(final.classes_)):
        raise TypeError(
            f"{type(final).__name__}.coef_ has {coef.shape[0]} rows for "
            f"{len(final.classes_)} classes; expected 1 (binary) or one per class."
        )
    moments = ClassMoments().partial_fit(X, y)
    unknown = np.setdiff1d(moments.classes_, final.classes_)
    if len(unknown):
        raise ValueError(
            f"y has labels {unknown.tolist()!r} that {type(final).__name__} was not "
            f"fitted on (classes_={final.classes_.tolist()!r})."
        )
    cov, _ = moments.covariances(shrinkage)
    true = np.searchsorted(final.classes_, moments.classes_)
    rng = check_random_state(random_state)
    result = _class_errors(moments.means(), cov, coef, intercept, true, n_draws, rng)
    return pd.DataFrame(
        {
            "predicted_error": result.errors,
            "standard_error": result.standard_errors,
            "n_samples": moments.counts_,
        },
        index=pd.Index(moments.classes_, name="class"),
    )
