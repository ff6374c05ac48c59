"""Per-class report and prediction bias."""

import numpy as np
import pandas as pd

from skclassgap._compat import validate_params
from skclassgap.metrics._bootstrap import bootstrap_counts, percentile_interval
from skclassgap.metrics._classification import (
    _CI,
    _COMMON,
    ZERO_DIVISION,
    count_labels,
)
from skclassgap.metrics._counts import divide, per_class_metric
from skclassgap.metrics._dask import dask_group_counts
from skclassgap.metrics._grouped import group_cells, group_class_counts
from skclassgap.utils._dask import any_dask
from skclassgap.utils._docstring import shared_docs

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


# Columns that get a bootstrap interval with ``ci``.
INTERVAL_COLUMNS = ["precision", "recall", "f1", "prediction_bias"]


def interval_columns(report, resampled, ci, zero_division):
    """``report`` with ``<metric>_low`` / ``<metric>_high`` beside each of
    :data:`INTERVAL_COLUMNS`, from the :class:`Resampled` counts."""
    quiet = 0.0 if zero_division == "warn" else zero_division
    tp, support, predicted = resampled
    values = {
        name: per_class_metric(name, tp, support, predicted, quiet)
        for name in ("precision", "recall", "f1")
    }
    values["prediction_bias"] = _bias(predicted, support)
    columns = {}
    for name in report.columns:
        columns[name] = report[name]
        if name in values:
            low, high = percentile_interval(values[name], ci)
            columns[f"{name}_low"], columns[f"{name}_high"] = low, high
    return pd.DataFrame(columns, index=report.index)


@validate_params(
    {
        **_COMMON,
        "zero_division": ZERO_DIVISION,
        "groups": ["array-like", None],
        **_CI,
    },
    prefer_skip_nested_validation=True,
)
@shared_docs
def per_class_report(
    y_true,
    y_pred,
    *,
    labels=None,
    sample_weight=None,
    zero_division="warn",
    groups=None,
    ci=None,
    n_boot=1000,
    random_state=None,
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
    {y_true_y_pred}
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
    ci : float in (0, 1), default=None
        Confidence level of bootstrap intervals (e.g. 0.95): the columns
        ``precision_low``, ``precision_high``, ``recall_low``,
        ``recall_high``, ``f1_low``, ``f1_high``, ``prediction_bias_low`` and
        ``prediction_bias_high`` are added, each beside its metric. They are
        percentile intervals over ``n_boot`` resamples stratified by true
        class: every resample draws each class's rows with replacement, so
        supports are fixed. Unweighted, a resample's counts are drawn from the
        confusion counts directly (multinomial per class), in time that does
        not grow with the number of rows; weighted, the rows are drawn (time
        grows with rows x ``n_boot``). Dask input gives the in-memory
        resamples when unweighted and a Poisson bootstrap per block when
        weighted. Not available with ``groups``.
    n_boot : int, default=1000
        Number of bootstrap resamples (with ``ci``).
    random_state : int, RandomState instance or None, default=None
        Seed of the resamples (with ``ci``); an int repeats the intervals.

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

    With 95 % bootstrap intervals:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y_true = rng.choice(["a", "b"], size=1000, p=[0.9, 0.1])
    >>> y_pred = np.where(rng.random(1000) < 0.8, y_true, "a")
    >>> report = per_class_report(y_true, y_pred, ci=0.95, random_state=0)
    >>> columns = ["support", "recall", "recall_low", "recall_high"]
    >>> print(report[columns].round(2).to_string())
           support  recall  recall_low  recall_high
    class
    a          904    1.00        1.00          1.0
    b           96    0.81        0.73          0.9
    """
    if groups is not None:
        if ci is not None:
            raise ValueError(
                "per_class_report computes bootstrap intervals (ci) per class, not "
                f"per (group, class); got ci={ci!r} with groups. Call it on each "
                "group's rows for intervals within a group."
            )
        counts = count_groups(y_true, y_pred, groups, sample_weight)
        return grouped_report_frame(counts, labels, zero_division)
    counts = count_labels(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    report = report_frame(
        counts.tp,
        counts.support,
        counts.predicted,
        pd.Index(counts.labels, name="class"),
        zero_division,
    )
    if ci is None:
        return report
    resampled = bootstrap_counts(
        y_true,
        y_pred,
        counts.labels,
        sample_weight=sample_weight,
        n_boot=n_boot,
        random_state=random_state,
    )
    return interval_columns(report, resampled, ci, zero_division)


def count_groups(y_true, y_pred, groups, sample_weight=None):
    """:class:`GroupCounts` of the rows, in memory or block by block for Dask."""
    if any_dask(y_true, y_pred, groups, sample_weight):
        return dask_group_counts(y_true, y_pred, groups, sample_weight)
    return group_class_counts(y_true, y_pred, groups, sample_weight=sample_weight)


@validate_params(_COMMON, prefer_skip_nested_validation=True)
@shared_docs
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
    {y_true_y_pred}
    labels : array-like, default=None
        Classes to report, in this order. By default the sorted union of the
        labels of ``y_true`` and ``y_pred``.
    {metric_sample_weight}

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
    counts = count_labels(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    return _bias(counts.predicted, counts.support)
