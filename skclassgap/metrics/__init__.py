"""Per-class metrics and scorers: one pass of per-class counts, everything derived.

Definitions (``C[i, j]``: weighted count of true class *i* predicted as *j*;
``n_i`` row sums, ``m_j`` column sums). Only the diagonal and the sums of
``C`` are ever needed, so the counts take memory proportional to the number
of classes, not to its square:

- recall_i = C[i, i] / n_i, precision_j = C[j, j] / m_j, F1 as in scikit-learn;
- :func:`class_gap` = max_i metric_i - min_i metric_i;
- :func:`worst_class_score` = min_i metric_i;
- :func:`geometric_mean_score` = (prod_i recall_i) ** (1 / K);
- :func:`prediction_bias` = m_j / n_j.

Every function (and every scorer's metric) accepts Dask arrays and Series
(with the ``dask`` extra): blocks are counted where they live and only the
per-class counts are merged, with the in-memory results.
"""

from skclassgap.metrics._classification import (
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    worst_class_score,
)
from skclassgap.metrics._report import per_class_report, prediction_bias
from skclassgap.metrics._scorer import get_scorer, get_scorer_names, make_gap_scorer

__all__ = [
    "class_gap",
    "geometric_mean_score",
    "get_scorer",
    "get_scorer_names",
    "macro_f1_score",
    "make_gap_scorer",
    "per_class_report",
    "prediction_bias",
    "worst_class_score",
]
