"""Slow, obviously-correct references that kernels and fast paths are tested against."""

import numpy as np


def confusion_naive(y_true, y_pred, labels, sample_weight=None):
    """Python double loop over rows: C[i, j] = sum of weights of (labels[i], labels[j])."""
    index = {label: k for k, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)))
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    for t, p, w in zip(y_true, y_pred, weights):
        counts[index[t], index[p]] += w
    return counts


def class_covariances_naive(X, y):
    """Per class, boolean-mask the rows and take numpy's biased covariance."""
    classes = np.unique(y)
    return classes, np.stack([np.atleast_2d(np.cov(X[y == c].T, bias=True)) for c in classes])


def linear_rule_errors_mc_naive(means, covariances, coef, intercept, n_draws, seed):
    """Monte Carlo in feature space: draw x ~ N(mu_c, Sigma_c), apply the rule, count misses."""
    rng = np.random.default_rng(seed)
    coef = np.atleast_2d(coef)
    intercept = np.atleast_1d(intercept)
    errors = []
    for c, (mean, cov) in enumerate(zip(means, covariances)):
        x = rng.multivariate_normal(mean, cov, size=n_draws, method="eigh")
        scores = x @ coef.T + intercept
        if coef.shape[0] == 1:
            pred = (scores[:, 0] > 0).astype(int)
        else:
            pred = np.argmax(scores, axis=1)
        errors.append(np.mean(pred != c))
    return np.array(errors)
