"""Discover the sub-classes of each class: per-class embedding, then a mixture model.

Shared by :func:`~skclassgap.subclass.subclass_report` (on evaluation rows,
with the model's predictions) and :class:`~skclassgap.subclass.SubclassBalancer`
(on training rows, with out-of-fold predictions).

Each class is handled alone (as GEORGE does, Sohoni et al. 2020):

1. *Embedding.* The class's rows are standardised column by column (within
   the class) and projected on their first principal components. When the
   model's scores are known, the margin of the true class (its score minus
   the best other class's), standardised, is appended as one more column:
   the space then holds what the rows look like and how the model sees
   them (the spirit of Domino, Eyuboglu et al. 2022, which models
   embeddings together with labels and predictions).
2. *Clustering* (``method``):

   - ``"features"`` (default): a Gaussian mixture (diagonal covariances by
     default) on the embedding, its number of components chosen by BIC
     (GEORGE's recipe without UMAP, which is not a dependency here).
   - ``"error-aware"``: the *modes* of the class are a Gaussian mixture fitted
     on the rows the model gets right (number by BIC); every row joins its
     most likely mode, except the errors the modes do not explain (their
     log-likelihood below the ``novelty_quantile`` quantile of the correct
     rows'): those form sub-classes of their own, clustered the same way.
     This is our own reading of "clusters where the errors concentrate":
     errors that resemble correctly predicted rows are hard rows of a known
     sub-class; errors unlike anything the model gets right are a
     sub-population it fails.

3. *Minimum size.* A sub-class of fewer than ``min_size`` rows is merged
   into the sub-class whose centre is nearest (in the embedding), smallest
   first, until every sub-class has at least ``min_size`` rows (or the class
   is one sub-class).

Sub-classes are numbered within each class by decreasing size (0 is the
largest; ties by first row).
"""

import warnings
from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

# Principal components kept per class (fewer when the class has fewer rows
# or features). Enough for the few directions that tell sub-populations
# apart; a full-covariance mixture in more dimensions needs many more rows.
N_COMPONENTS = 10
# Largest number of sub-classes "auto" tries per class.
MAX_AUTO = 10
# Rows a mixture is fitted on, per class and part (correct rows, errors);
# the other rows are assigned by the fitted mixture. Bounds the cost on
# large evaluation sets.
MAX_FIT_ROWS = 20_000
# Ridge added to the covariances (the embedding is standardised).
REG_COVAR = 1e-2


class ClassSubclasses(NamedTuple):
    """Sub-classes of one class: labels of its rows, and its embedding."""

    labels: np.ndarray
    embedding: np.ndarray


def true_class_margin(scores, codes):
    """Score of the true class minus the best score of the other classes.

    ``scores`` has one column per class (codes index the columns). Positive
    where the model ranks the true class first.
    """
    n, k = scores.shape
    rows = np.arange(n)
    own = scores[rows, codes]
    others = scores.copy()
    others[rows, codes] = -np.inf
    return own - others.max(axis=1) if k > 1 else own


def embed_class(X_class, margin, random_state):
    """Standardised principal components of one class (and the margin column)."""
    n, d = X_class.shape
    mean = X_class.mean(axis=0)
    std = X_class.std(axis=0)
    Z = (X_class - mean) / np.where(std > 0, std, 1.0)
    n_comp = min(N_COMPONENTS, d, max(n - 1, 1))
    if n > 1 and n_comp < d:
        Z = PCA(n_components=n_comp, random_state=random_state).fit_transform(Z)
        # Unit variance per component: the margin column weighs as much.
        sd = Z.std(axis=0)
        Z = Z / np.where(sd > 0, sd, 1.0)
    if margin is not None:
        m = margin - margin.mean()
        sd = m.std()
        Z = np.column_stack([Z, m / sd if sd > 0 else m])
    return np.ascontiguousarray(Z)


def _fit_rows(n, rng):
    if n <= MAX_FIT_ROWS:
        return np.arange(n)
    return np.sort(rng.choice(n, size=MAX_FIT_ROWS, replace=False))


def _mixture(Z, n_components, covariance, seed):
    return GaussianMixture(
        n_components=n_components,
        covariance_type=covariance,
        reg_covar=REG_COVAR,
        random_state=seed,
    ).fit(Z)


def fit_mixture(Z, n_subclasses, min_size, covariance, rng):
    """A Gaussian mixture on ``Z``; ``"auto"``: the count of lowest BIC."""
    seed = int(rng.randint(np.iinfo(np.int32).max))
    fit = Z[_fit_rows(len(Z), rng)]
    if n_subclasses != "auto":
        return _mixture(fit, min(n_subclasses, len(fit)), covariance, seed)
    k_max = max(1, min(MAX_AUTO, len(fit) // min_size))
    best, best_bic = None, np.inf
    for k in range(1, k_max + 1):
        model = _mixture(fit, k, covariance, seed)
        bic = model.bic(fit)
        if bic < best_bic:
            best, best_bic = model, bic
    return best


def merge_small(labels, Z, min_size):
    """Merge sub-classes under ``min_size`` rows into the nearest centre."""
    labels = labels.copy()
    while True:
        values, counts = np.unique(labels, return_counts=True)
        if len(values) == 1 or counts.min() >= min_size:
            return labels
        small = values[np.argmin(counts)]
        others = values[values != small]
        centres = np.stack([Z[labels == v].mean(axis=0) for v in others])
        rows = np.flatnonzero(labels == small)
        dist = ((Z[rows, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels[rows] = others[np.argmin(dist, axis=1)]


def renumber(labels):
    """Sub-classes numbered by decreasing size, ties by first row."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank[np.searchsorted(values, labels)]


def _cluster_features(Z, n_subclasses, min_size, covariance, rng):
    return fit_mixture(Z, n_subclasses, min_size, covariance, rng).predict(Z)


def _cluster_error_aware(Z, errors, n_subclasses, min_size, quantile, covariance, rng):
    correct = ~errors
    if correct.sum() < max(2, min_size) or not errors.any():
        return _cluster_features(Z, n_subclasses, min_size, covariance, rng)
    modes = fit_mixture(Z[correct], n_subclasses, min_size, covariance, rng)
    labels = modes.predict(Z)
    loglik = modes.score_samples(Z)
    novel = np.flatnonzero(errors & (loglik < np.quantile(loglik[correct], quantile)))
    if len(novel) >= min_size:
        extra = fit_mixture(Z[novel], "auto", min_size, covariance, rng)
        labels[novel] = modes.n_components + extra.predict(Z[novel])
    return labels


def class_subclasses(
    X_class,
    *,
    errors=None,
    margin=None,
    n_subclasses="auto",
    method="features",
    min_size=5,
    novelty_quantile=0.01,
    covariance="diag",
    rng,
):
    """Discover the sub-classes of one class's rows.

    Parameters
    ----------
    X_class : ndarray of shape (n_rows, n_features)
        The class's rows (float64, finite).
    errors : bool ndarray of shape (n_rows,) or None
        Where the model is wrong; None for no model (``"features"`` is used).
    margin : ndarray of shape (n_rows,) or None
        Margin of the true class, appended to the embedding when given.
    n_subclasses : int or "auto"
        Mixture components (of the modes, for ``"error-aware"``); at most
        ``n_rows // min_size``, which the caller checks.
    method : {"error-aware", "features"}
    min_size : int
    novelty_quantile : float
    covariance : {"full", "tied", "diag", "spherical"}
        ``covariance_type`` of the Gaussian mixtures.
    rng : RandomState

    Returns
    -------
    ClassSubclasses
    """
    # Small dense algebra: one BLAS thread is faster, and does not
    # oversubscribe cores that other processes share (20x on 2 busy cores).
    with threadpool_limits(limits=1, user_api="blas"):
        Z = embed_class(X_class, margin, int(rng.randint(np.iinfo(np.int32).max)))
        n = len(Z)
        if n_subclasses == 1 or n < 2 * min_size:
            return ClassSubclasses(np.zeros(n, dtype=np.int64), Z)
        if method == "features" or errors is None:
            labels = _cluster_features(Z, n_subclasses, min_size, covariance, rng)
        else:
            labels = _cluster_error_aware(
                Z, errors, n_subclasses, min_size, novelty_quantile, covariance, rng
            )
        return ClassSubclasses(renumber(merge_small(labels, Z, min_size)), Z)


def subclasses_per_class(n_subclasses, n_rows, min_size, label, on_small_class):
    """The count asked for a class of ``n_rows`` rows, capped by its size.

    An integer count needs ``n_subclasses * min_size`` rows; a smaller class
    gets ``max(1, n_rows // min_size)`` sub-classes with a warning, or an
    error when ``on_small_class="raise"``.
    """
    if n_subclasses == "auto" or not isinstance(n_subclasses, Integral):
        return n_subclasses
    fits = max(1, n_rows // min_size)
    if n_subclasses <= fits:
        return n_subclasses
    message = (
        f"class {label!r} has {n_rows} rows, too few for n_subclasses="
        f"{n_subclasses} of at least min_size={min_size} rows each"
    )
    if on_small_class == "raise":
        raise ValueError(
            f"{message}. Lower n_subclasses or min_size, use n_subclasses='auto', "
            "or pass on_small_class='warn' to find fewer sub-classes there."
        )
    warnings.warn(f"{message}; it gets {fits}.", UserWarning, stacklevel=3)
    return fits
