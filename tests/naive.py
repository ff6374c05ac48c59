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
