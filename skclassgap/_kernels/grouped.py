"""Per (group, class) counts in one pass over group codes and label codes.

Memory is ``O(n_groups * n_classes)``: for each group, the vectors of true
positives, true counts and predicted counts (no ``K x K`` matrix per group).
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel


@kernel(fastmath=STRICT)
def _group_class_counts(g, t, p, offset, n_groups, n_classes):
    """Count rows per (group, class): true positives, true and predicted counts.

    Row ``i`` belongs to group ``g[i]`` (in ``[0, n_groups)``) and has class
    codes ``t[i] - offset`` (true) and ``p[i] - offset`` (predicted), both in
    ``[0, n_classes)``; callers guarantee the ranges.
    """
    tp = np.zeros((n_groups, n_classes), dtype=np.int64)
    support = np.zeros((n_groups, n_classes), dtype=np.int64)
    predicted = np.zeros((n_groups, n_classes), dtype=np.int64)
    for i in range(t.shape[0]):
        k = g[i]
        a = np.int64(t[i]) - offset
        b = np.int64(p[i]) - offset
        support[k, a] += 1
        predicted[k, b] += 1
        if a == b:
            tp[k, a] += 1
    return tp, support, predicted


@kernel(fastmath=STRICT)
def _group_class_weights(g, t, p, w, offset, n_groups, n_classes):
    """Weighted :func:`_group_class_counts`, with the unweighted counts too.

    Returns the row counts of each (group, true class) and (group, predicted
    class), then the weight sums of true positives, true rows and predicted
    rows. Sums run in input order.
    """
    n_true = np.zeros((n_groups, n_classes), dtype=np.int64)
    n_pred = np.zeros((n_groups, n_classes), dtype=np.int64)
    tp = np.zeros((n_groups, n_classes), dtype=np.float64)
    support = np.zeros((n_groups, n_classes), dtype=np.float64)
    predicted = np.zeros((n_groups, n_classes), dtype=np.float64)
    for i in range(t.shape[0]):
        k = g[i]
        a = np.int64(t[i]) - offset
        b = np.int64(p[i]) - offset
        n_true[k, a] += 1
        n_pred[k, b] += 1
        support[k, a] += w[i]
        predicted[k, b] += w[i]
        if a == b:
            tp[k, a] += w[i]
    return n_true, n_pred, tp, support, predicted
