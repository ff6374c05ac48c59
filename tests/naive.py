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


def kneighbors_naive(query, reference, k, exclude=None):
    """Double loop: exact squared distances, stable sort, drop the excluded row."""
    query = np.asarray(query, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    out = np.empty((len(query), k), dtype=np.int64)
    for i, q in enumerate(query):
        dist = np.array([((q - r) ** 2).sum() for r in reference])
        if exclude is not None and exclude[i] >= 0:
            dist[exclude[i]] = np.inf
        out[i] = np.argsort(dist, kind="stable")[:k]
    return out


def smote_row_naive(x_parent, x_neighbor, gap):
    """One synthetic SMOTE row: the point at ``gap`` on the segment parent -> neighbour."""
    return np.asarray(x_parent, dtype=np.float64) + gap * (
        np.asarray(x_neighbor, dtype=np.float64) - np.asarray(x_parent, dtype=np.float64)
    )


def count_other_naive(nbrs, y_codes, code):
    """Per row, how many of its neighbours have another class code."""
    return np.array([sum(y_codes[j] != code for j in row) for row in nbrs], dtype=np.int64)
