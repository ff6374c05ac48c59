"""Per-class report and prediction bias."""

import numpy as np
import pandas as pd

from skclassgap._compat import validate_params
from skclassgap.metrics._classification import _COMMON, ZERO_DIVISION
from skclassgap.metrics._counts import (
    class_counts,
    divide,
    per_class_metric,
)
from skclassgap.metrics._grouped import group_cells, group_class_counts
from skclassgap.utils._dask import any_dask

REPORT_COLUMNS = [
    "support",
    "predicted",
    "precision",
    "recall",
    "f1",
    "prediction_bias",
    "fp_share",
]


def _bias(predicted, support):
    """``m / n``: inf where only predicted, NaN where neither true nor predicted."""
    predicted = np.asarray(predicted, dtype=np.float64)
    support = np.asarray(support, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return predicted / support


def report_frame(tp, support, predicted, index, zero_division, fp_total=None):
    """The report's columns from per-class counts (one row per entry of ``index``).

    ``fp_total`` is the number of false positives each row's share is taken
    of; by default all of them.
    """
    precision, recall, f1 = (
        per_class_metric(name, tp, support, predicted, zero_division)
        for name in ("precision", "recall", "f1")
    )
    false_pos = predicted - tp
    if fp_total is None:
        fp_total = np.full_like(false_pos, false_pos.sum())
    fp_share = divide(false_pos, fp_total, 0.0, None)
    return pd.DataFrame(
        {
            "support": support,
            "predicted": predicted,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "prediction_bias": _bias(predicted, support),
            "fp_share": fp_share,
        },
        index=index,
    )


def grouped_report_frame(counts, labels, zero_division):
    """The per (group, class) report of :class:`GroupCounts`."""
    g, classes, tp, support, predicted = group_cells(counts, labels)
    false_pos = predicted - tp
    fp_total = np.bincount(g, weights=false_pos, minlength=len(counts.groups))[g]
    index = pd.MultiIndex.from_arrays(
        [counts.groups[g], classes], names=["group", "class"]
    )
    return report_frame(tp, support, predicted, index, zero_division, fp_total)


@validate_params(
    {**_COMMON, "zero_division": ZERO_DIVISION, "groups": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def per_class_report(
    y_true,
    y_pred,
    *,
    labels=None,
    sample_weight=None,
    zero_division="warn",
    groups=None,
):
    """Per-class support, precision, recall, F1, prediction bias, false-positive share.

    One pass over the data computes per-class counts (true positives, true
    and predicted counts: memory grows with the number of classes, not its
    square); every column is derived from them. Precision, recall and F1
    equal scikit-learn's ``precision_recall_fscore_support(average=None)`` on
    every input both accept, including ``zero_division`` and ``labels`` that
    do not occur; the inputs refused here and scored there are those of
    :func:`~skclassgap.metrics.macro_f1_score` (empty, repeated or mistyped
    ``labels``, negative weights, multilabel indicators).

    With ``groups`` (a region, a site, a demographic group, ...), the report
    has one row per (group, class): the rows of group ``g`` are those of
    ``per_class_report`` on the samples of ``g`` alone, all groups counted
    in the same single pass.

    Dask arrays and Series are accepted for every array argument (with the
    ``dask`` extra): each block is counted where it lives and only the
    per-class counts are merged, so the rows are never gathered; integer
    counts, and hence the report, equal the in-memory ones exactly (weight
    sums to rounding).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to report, in this order. By default the sorted union of the
        labels of ``y_true`` and ``y_pred``. A listed class that occurs in
        neither array gets zero counts, precision, recall and F1
        ``zero_division``, prediction bias NaN and false-positive share 0,
        also when none of the listed classes occurs.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; counts become weight sums.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        Value of precision, recall or F1 whose denominator is zero.
    groups : array-like of shape (n_samples,), default=None
        Group of each sample (any hashable, sortable values; no missing
        values). Each group lists the classes that occur in its rows (true or
        predicted), or every class of ``labels`` when given (which must then
        occur somewhere in the data).

    Returns
    -------
    report : pandas.DataFrame
        One row per class (index ``"class"``), or per (group, class) with
        ``groups`` (index levels ``"group"`` and ``"class"``, groups sorted,
        ``fp_share`` taken within the group), and the columns ``support``
        (true count ``n_i``), ``predicted`` (predicted count ``m_i``),
        ``precision``, ``recall``, ``f1``, ``prediction_bias`` (``m_i / n_i``;
        above 1 the class attracts predictions, ``inf`` if it has no true
        rows) and ``fp_share`` (the class's share of all false positives,
        ``FP_i / sum_j FP_j`` with ``FP_i = m_i - tp_i``, 0 when there is no
        false positive). scikit-learn has no counterpart of the last two.

    See Also
    --------
    prediction_bias : The ``prediction_bias`` column alone.
    sklearn.metrics.classification_report : The text report of scikit-learn.

    Examples
    --------
    >>> from skclassgap.metrics import per_class_report
    >>> report = per_class_report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    >>> print(report.round(3).to_string())
           support  predicted  precision  recall     f1  prediction_bias  fp_share
    class
    a            2          1      1.000     0.5  0.667              0.5       0.0
    b            2          3      0.667     1.0  0.800              1.5       1.0

    The same per region (in the south nothing is predicted ``a``: its precision
    is set to ``zero_division``, without a warning when that is given):

    >>> report = per_class_report(["a", "a", "b", "b"], ["a", "b", "b", "b"],
    ...                           groups=["north", "south", "north", "south"],
    ...                           zero_division=0.0)
    >>> print(report[["support", "recall", "fp_share"]].to_string())
                 support  recall  fp_share
    group class
    north a            1     1.0       0.0
          b            1     1.0       0.0
    south a            1     0.0       0.0
          b            1     1.0       1.0
    """
    if groups is not None:
        counts = count_groups(y_true, y_pred, groups, sample_weight)
        return grouped_report_frame(counts, labels, zero_division)
    counts = class_counts(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    return report_frame(
        counts.tp,
        counts.support,
        counts.predicted,
        pd.Index(counts.labels, name="class"),
        zero_division,
    )


def count_groups(y_true, y_pred, groups, sample_weight=None):
    """:class:`GroupCounts` of the rows, in memory or block by block for Dask."""
    if any_dask(y_true, y_pred, groups, sample_weight):
        from skclassgap.metrics._dask import dask_group_counts

        return dask_group_counts(y_true, y_pred, groups, sample_weight)
    return group_class_counts(y_true, y_pred, groups, sample_weight=sample_weight)


@validate_params(_COMMON, prefer_skip_nested_validation=True)
def prediction_bias(y_true, y_pred, *, labels=None, sample_weight=None):
    """Predicted count over true count, per class.

    ``prediction_bias_j = m_j / n_j``. Above 1 the class attracts predictions
    (false positives); below 1 it loses them. Cui et al. (2024) report that on
    balanced image data, classes with a larger prediction bias tend to have
    lower recall. That is not universal: on scikit-learn's digits the
    correlation over the 10 classes is near zero or positive (Spearman -0.13
    for a scaled logistic regression, 0.72 for 5-nearest neighbours; see
    ``doc/examples/spurious_and_bias.rst``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes to report, in this order. By default the sorted union of the
        labels of ``y_true`` and ``y_pred``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    bias : ndarray of shape (n_classes,)
        ``m_j / n_j`` in the order of ``labels``; ``inf`` for a class that is
        predicted but never true, NaN for a listed class that is neither
        (also when none of the listed classes occurs; scikit-learn has no
        counterpart of this metric).

    See Also
    --------
    per_class_report : Bias beside precision, recall and false-positive share.

    References
    ----------
    .. [1] J. Cui, B. Zhu, X. Wen, X. Qi, B. Yu and H. Zhang, "Classes Are Not
       Equal: An Empirical Study on Image Recognition Fairness", CVPR 2024,
       arXiv:2402.18133.

    Examples
    --------
    >>> from skclassgap.metrics import prediction_bias
    >>> prediction_bias([0, 0, 1, 1], [0, 1, 1, 1])
    array([0.5, 1.5])
    """
    counts = class_counts(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    return _bias(counts.predicted, counts.support)
