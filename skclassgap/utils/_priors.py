"""Class priors: one convention, one correction.

``train_prior`` is the class distribution the estimator was fitted on (after
resampling, the resampled one; with weights, the weighted one);
``target_prior`` the distribution its probabilities or decisions should
follow. Under label shift (``p(x|y)`` unchanged) Bayes' rule gives

    p'(y|x) ∝ p(y|x) · target_prior(y) / train_prior(y)

:func:`shift_log_proba` applies it (with an optional exponent ``tau`` on the
training prior, for logit adjustment); every estimator of the package that
corrects for priors calls it.
"""

import numpy as np


def check_prior(prior, name, classes):
    """A strictly positive prior of one value per class, normalised to sum 1."""
    values = np.asarray(prior, dtype=np.float64)
    if values.ndim != 1 or values.shape[0] != classes.shape[0]:
        raise ValueError(
            f"{name} must have one value per class ({classes.shape[0]}: "
            f"{classes.tolist()!r}); got shape {values.shape}."
        )
    if not np.isfinite(values).all() or (values <= 0).any():
        raise ValueError(
            f"{name} must hold finite, strictly positive values; got "
            f"{values.tolist()!r}."
        )
    return values / values.sum()


def class_prior(codes, n_classes, sample_weight=None):
    """(Weighted) class frequencies of integer codes in ``[0, n_classes)``."""
    counts = np.bincount(codes, weights=sample_weight, minlength=n_classes)
    return counts / counts.sum()


def log_prior_ratio(train_prior, target_prior, tau=1.0):
    """``log target_prior - tau * log train_prior``, added to log-probabilities.

    A class of zero target prior is ruled out (``-inf``) whatever its training
    prior, also when that is zero too (a class whose rows all weigh zero): the
    difference of two infinities would be NaN.
    """
    target_prior = np.asarray(target_prior, dtype=np.float64)
    train_prior = np.asarray(train_prior, dtype=np.float64)
    ruled_out = target_prior == 0
    with np.errstate(divide="ignore"):
        log_train = np.log(np.where(ruled_out, 1.0, train_prior))
        log_target = np.log(target_prior)
    return log_target - (tau * log_train if tau else 0.0)


def shift_log_proba(proba, train_prior, target_prior, tau=1.0):
    """Log-probabilities re-weighted by ``target_prior / train_prior ** tau``.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Probabilities under ``train_prior``.
    train_prior, target_prior : ndarray of shape (n_classes,)
        Priors; ``target_prior`` may hold zeros (classes ruled out).
    tau : float, default=1.0
        Exponent of the training prior (1: Bayes' rule).

    Returns
    -------
    log_proba : ndarray of shape (n_samples, n_classes)
        Normalised log-probabilities (each row's exponentials sum to 1);
        ``-inf`` where ``proba`` or ``target_prior`` is 0.
    """
    with np.errstate(divide="ignore"):
        logits = np.log(np.asarray(proba, dtype=np.float64))
    logits += log_prior_ratio(train_prior, target_prior, tau)
    top = logits.max(axis=1, keepdims=True)
    dead = np.isneginf(top[:, 0])
    if dead.any():
        # Every class of these rows is ruled out by proba or the target prior:
        # nothing is left but the target prior itself.
        with np.errstate(divide="ignore"):
            logits[dead] = np.log(target_prior)
        top[dead] = logits[dead].max(axis=1, keepdims=True)
    logits -= top
    with np.errstate(divide="ignore"):
        logits -= np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return logits


def shift_proba(proba, train_prior, target_prior, tau=1.0):
    """Probabilities re-weighted by ``target_prior / train_prior ** tau``,
    rows renormalised (see :func:`shift_log_proba`)."""
    return np.exp(shift_log_proba(proba, train_prior, target_prior, tau))
