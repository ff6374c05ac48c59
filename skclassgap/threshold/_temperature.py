"""Temperature scaling of class probabilities, with or without class biases.

The calibrated log-probabilities of a row are ``log softmax(log(p) / T + b)``:
temperature scaling (TS) fits the temperature ``T`` alone (``b = 0``),
bias-corrected temperature scaling (BCTS) also one bias per class. Both are
fitted by minimising the negative log-likelihood of labelled held-out rows,
which is convex in ``(1 / T, b)`` (a multinomial logistic regression on the
fixed features ``log(p)``), so the minimum found is the global one and never
above the likelihood of ``T = 1, b = 0`` (the probabilities unchanged).

At the minimum of BCTS the gradient in ``b`` vanishes: the mean calibrated
probability of each class on the fitting rows equals its frequency there.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax

# Probabilities are clipped below at the float64 machine epsilon before the
# logarithm, as sklearn.metrics.log_loss does: a probability of 0 would make
# the likelihood of any temperature infinite.
_EPS = np.finfo(np.float64).eps
# The inverse temperature is kept at or above this (a temperature of 1e6 at
# most): 0 would make every row uniform, below 0 would reverse the ranking.
_MIN_INVERSE_TEMPERATURE = 1e-6


def proba_logits(proba):
    """``log(max(proba, eps))`` as float64: the features temperature scaling scales."""
    return np.log(np.maximum(np.asarray(proba, dtype=np.float64), _EPS))


def calibrated_log_proba(logits, temperature, bias):
    """``log softmax(logits / temperature + bias)`` row by row."""
    return log_softmax(logits / temperature + bias, axis=1)


def _nll_and_grad(params, logits, onehot, fit_bias):
    """Mean negative log-likelihood of ``(1 / T, b)`` and its gradient."""
    inverse_t = params[0]
    bias = params[1:] if fit_bias else 0.0
    log_q = log_softmax(inverse_t * logits + bias, axis=1)
    n = logits.shape[0]
    nll = -np.sum(log_q * onehot) / n
    residual = (np.exp(log_q) - onehot) / n  # d nll / d (scaled logits)
    grad_t = np.sum(residual * logits)
    if not fit_bias:
        return nll, np.array([grad_t])
    return nll, np.concatenate(([grad_t], residual.sum(axis=0)))


def fit_temperature(logits, codes, *, fit_bias):
    """Temperature (and biases) minimising the NLL of ``codes`` under ``logits``.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_classes)
        ``proba_logits`` of held-out probabilities.
    codes : ndarray of shape (n_samples,)
        True classes as integer codes in ``[0, n_classes)``.
    fit_bias : bool
        Also fit one bias per class (BCTS); otherwise the biases are 0 (TS).

    Returns
    -------
    temperature : float
        Fitted temperature ``T`` (> 1: the probabilities were over-confident).
    bias : ndarray of shape (n_classes,)
        Fitted biases, summing to 0 (softmax ignores a common shift).
    nll : float
        Mean negative log-likelihood at the fitted parameters.
    """
    n_classes = logits.shape[1]
    onehot = np.zeros_like(logits)
    onehot[np.arange(codes.shape[0]), codes] = 1.0
    start = np.zeros(1 + n_classes if fit_bias else 1)
    start[0] = 1.0
    result = minimize(
        _nll_and_grad,
        start,
        args=(logits, onehot, fit_bias),
        jac=True,
        method="L-BFGS-B",
        bounds=[(_MIN_INVERSE_TEMPERATURE, None)] + [(None, None)] * (start.size - 1),
        options={"maxiter": 1000, "ftol": 1e-15, "gtol": 1e-10},
    )
    params = result.x
    bias = np.zeros(n_classes)
    if fit_bias:
        bias = params[1:] - params[1:].mean()
    return 1.0 / params[0], bias, float(result.fun)
