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


def spuriosity_naive(X, y, spurious_features):
    """Per-row loop: mean over the class's features of (x_i - mean_ic) / pop-std_ic.

    ``spurious_features`` is a dict class -> list of column indices; rows of
    other classes get NaN; a feature constant within the class contributes 0.
    """
    import math

    X = [list(map(float, row)) for row in X]
    y = list(y)
    scores = []
    for r, label in enumerate(y):
        features = spurious_features.get(label, [])
        if not features:
            scores.append(math.nan)
            continue
        members = [s for s in range(len(y)) if y[s] == label]
        total = 0.0
        for i in features:
            values = [X[s][i] for s in members]
            mean = sum(values) / len(values)
            std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
            total += 0.0 if std == 0 else (X[r][i] - mean) / std
        scores.append(total / len(features))
    return np.array(scores)


def spurious_gap_naive(y_true, y_pred, spuriosity, k):
    """Per class: sort (score, row) pairs, top-k minus bottom-k accuracy; mean.

    ``k`` is an int already valid for every class (k <= n_c // 2). Classes whose
    scores are NaN are skipped. Returns (mean gap, dict class -> gap).
    """
    import math

    gaps = {}
    for label in sorted(set(y_true)):
        pairs = sorted(
            (spuriosity[r], r) for r in range(len(y_true)) if y_true[r] == label
        )
        if math.isnan(pairs[0][0]):
            continue
        low = [r for _, r in pairs[:k]]
        high = [r for _, r in pairs[len(pairs) - k :]]
        acc_high = sum(y_true[r] == y_pred[r] for r in high) / k
        acc_low = sum(y_true[r] == y_pred[r] for r in low) / k
        gaps[label] = acc_high - acc_low
    return sum(gaps.values()) / len(gaps), gaps
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
