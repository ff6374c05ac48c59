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


def min_risk_naive(proba, cost):
    """Python loops: for each row, the first j minimising sum_i proba[r, i] * cost[i, j]."""
    decisions = np.empty(len(proba), dtype=np.int64)
    for r, p in enumerate(proba):
        risks = [sum(float(p[i]) * float(cost[i][j]) for i in range(len(cost)))
                 for j in range(len(cost[0]))]
        best = 0
        for j, risk in enumerate(risks):
            if risk < risks[best]:
                best = j
        decisions[r] = best
    return decisions


def expected_cost_naive(y_true, y_pred, cost, labels, sample_weight=None, normalize=True):
    """Python loop over rows: sum of w * cost[true, pred], divided by sum of w."""
    index = {label: k for k, label in enumerate(labels)}
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    total = sum(w * cost[index[t]][index[p]] for t, p, w in zip(y_true, y_pred, weights))
    return total / sum(weights) if normalize else total
