"""Class gap, worst class, g-mean and macro F1 from one pass of per-class counts."""

from numbers import Integral, Real

import numpy as np

from skclassgap._compat import Interval, Options, StrOptions, validate_params
from skclassgap.metrics._bootstrap import bootstrap_counts, percentile_interval
from skclassgap.metrics._counts import (
    class_counts,
    geometric_mean_from_recalls,
    nanmean_last,
    per_class_metric,
    recall_from_counts,
)
from skclassgap.metrics._dask import dask_class_counts
from skclassgap.utils._dask import any_dask
from skclassgap.utils._docstring import shared_docs

ZERO_DIVISION = [Options(Real, {0.0, 1.0}), "nan", StrOptions({"warn"})]
_COMMON = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "labels": ["array-like", None],
    "sample_weight": ["array-like", None],
}
_METRIC = StrOptions({"recall", "precision", "f1"})
# Bootstrap interval parameters of the functions that offer one.
_CI = {
    "ci": [Interval(Real, 0, 1, closed="neither"), None],
    "n_boot": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
}


def count_labels(y_true, y_pred, *, labels=None, sample_weight=None):
    """:class:`~skclassgap.metrics._counts.ClassCounts` of the labels, counted
    in memory or, for Dask input, block by block."""
    if any_dask(y_true, y_pred, sample_weight):
        count = dask_class_counts
    else:
        count = class_counts
    return count(y_true, y_pred, labels=labels, sample_weight=sample_weight)


def evaluated_classes(counts, labels):
    """Mask of the classes that gap, worst-class and g-mean range over.

    The user's ``labels`` when given, otherwise the classes that occur in
    ``y_true``: a label only ever predicted is not a class of the evaluation
    set, and its recall is undefined.
    """
    if labels is not None:
        return np.ones(len(counts.labels), dtype=bool)
    return counts.in_true


def _per_class(counts, metric, labels, zero_division):
    keep = evaluated_classes(counts, labels)
    values = per_class_metric(
        metric,
        counts.tp[keep],
        counts.support[keep],
        counts.predicted[keep],
        zero_division,
    )
    return values


def _gap(values):
    """``max - min`` over the last axis ignoring NaN; NaN where all are NaN."""
    values = np.asarray(values, dtype=np.float64)
    valid = ~np.isnan(values)
    out = np.where(
        valid.any(axis=-1),
        np.max(np.where(valid, values, -np.inf), axis=-1)
        - np.min(np.where(valid, values, np.inf), axis=-1),
        np.nan,
    )
    return float(out) if out.ndim == 0 else out


def _worst(values):
    """Minimum over the last axis ignoring NaN; NaN where all are NaN."""
    values = np.asarray(values, dtype=np.float64)
    valid = ~np.isnan(values)
    out = np.where(
        valid.any(axis=-1), np.min(np.where(valid, values, np.inf), axis=-1), np.nan
    )
    return float(out) if out.ndim == 0 else out


def _with_interval(reduce, counts, metric, y_true, y_pred, options):
    """``reduce`` of the per-class metric, and its bootstrap interval when
    ``options["ci"]`` is set: ``value`` or ``(value, low, high)``."""
    labels, sample_weight, zero_division, ci, n_boot, random_state = options
    value = reduce(_per_class(counts, metric, labels, zero_division))
    if ci is None:
        return value
    resampled = bootstrap_counts(
        y_true,
        y_pred,
        counts.labels,
        sample_weight=sample_weight,
        n_boot=n_boot,
        random_state=random_state,
    )
    keep = evaluated_classes(counts, labels)
    quiet = 0.0 if zero_division == "warn" else zero_division
    values = per_class_metric(
        metric,
        resampled.tp[:, keep],
        resampled.support[..., keep],
        resampled.predicted[:, keep],
        quiet,
    )
    low, high = percentile_interval(reduce(values), ci)
    return value, float(low), float(high)


def _g_mean(counts, labels, correction):
    keep = evaluated_classes(counts, labels)
    recalls = recall_from_counts(counts.tp[keep], counts.support[keep], 0.0)
    return float(geometric_mean_from_recalls(recalls, correction))


def _macro_f1(counts, zero_division):
    f1 = per_class_metric(
        "f1", counts.tp, counts.support, counts.predicted, zero_division
    )
    return float(nanmean_last(f1))


def _balanced_accuracy(counts):
    keep = counts.in_true
    recalls = recall_from_counts(counts.tp[keep], counts.support[keep], np.nan)
    return float(nanmean_last(recalls))


def _accuracy(counts):
    return float(counts.tp.sum() / counts.total) if counts.total > 0 else float("nan")


@validate_params(
    {**_COMMON, "metric": [_METRIC], "zero_division": ZERO_DIVISION, **_CI},
    prefer_skip_nested_validation=True,
)
@shared_docs
def class_gap(
    y_true,
    y_pred,
    *,
    metric="recall",
    labels=None,
    sample_weight=None,
    zero_division="warn",
    ci=None,
    n_boot=1000,
    random_state=None,
):
    """Spread of a per-class metric: best class minus worst class.

    ``class_gap = max_i metric_i - min_i metric_i`` over the classes that occur
    in ``y_true`` (or over ``labels``). Lower is better; the matching scorer is
    ``"neg_class_gap"``.

    Parameters
    ----------
    {y_true_y_pred}
    metric : {"recall", "precision", "f1"}, default="recall"
        Per-class metric whose spread is measured.
    labels : array-like, default=None
        Classes to range over, in any order. By default the classes of ``y_true``.
        A listed class that occurs in neither array has its metric set by
        ``zero_division``, also when none of the listed classes occurs.
    {metric_sample_weight}
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        Value of a per-class metric whose denominator is zero (a class never
        predicted, for precision). ``"warn"`` acts as 0 and warns. NaN values
        are left out of the max and min.
    ci : float in (0, 1), default=None
        Confidence level of a bootstrap interval (e.g. 0.95). The interval is
        the percentile interval of the gap over ``n_boot`` resamples
        stratified by true class (each class's rows drawn with replacement,
        supports fixed; see :func:`per_class_report`). None: no interval.
    n_boot : int, default=1000
        Number of bootstrap resamples (with ``ci``).
    random_state : int, RandomState instance or None, default=None
        Seed of the resamples (with ``ci``); an int repeats the interval.

    Returns
    -------
    gap : float or tuple of float
        ``max - min`` of the per-class metric, in ``[0, 1]``; with ``ci``,
        the tuple ``(gap, low, high)``.

    See Also
    --------
    worst_class_score : The minimum of the same per-class metric.
    per_class_report : Every per-class metric in one table.

    Examples
    --------
    >>> from skclassgap.metrics import class_gap
    >>> class_gap([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 2, 0])
    0.5

    With a 95 % bootstrap interval:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y_true = rng.integers(0, 3, size=3000)
    >>> y_pred = np.where(rng.random(3000) < 0.8, y_true, 0)
    >>> gap, low, high = class_gap(y_true, y_pred, ci=0.95, random_state=0)
    >>> bool(low <= gap <= high)
    True
    """
    counts = count_labels(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    options = (labels, sample_weight, zero_division, ci, n_boot, random_state)
    return _with_interval(_gap, counts, metric, y_true, y_pred, options)


@validate_params(
    {**_COMMON, "metric": [_METRIC], "zero_division": ZERO_DIVISION, **_CI},
    prefer_skip_nested_validation=True,
)
@shared_docs
def worst_class_score(
    y_true,
    y_pred,
    *,
    metric="recall",
    labels=None,
    sample_weight=None,
    zero_division="warn",
    ci=None,
    n_boot=1000,
    random_state=None,
):
    """Per-class metric of the worst-served class.

    ``worst_class_score = min_i metric_i`` over the classes that occur in
    ``y_true`` (or over ``labels``). Higher is better.

    Parameters
    ----------
    {y_true_y_pred}
    metric : {"recall", "precision", "f1"}, default="recall"
        Per-class metric.
    labels : array-like, default=None
        Classes to range over. By default the classes of ``y_true``. A listed
        class that occurs in neither array has its metric set by
        ``zero_division``, also when none of the listed classes occurs.
    {metric_sample_weight}
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        Value of a per-class metric whose denominator is zero. ``"warn"`` acts
        as 0 and warns. NaN values are left out of the minimum.
    ci : float in (0, 1), default=None
        Confidence level of a bootstrap interval (e.g. 0.95). The interval is
        the percentile interval of the worst-class score over ``n_boot`` resamples
        stratified by true class (each class's rows drawn with replacement,
        supports fixed; see :func:`per_class_report`). None: no interval.
    n_boot : int, default=1000
        Number of bootstrap resamples (with ``ci``).
    random_state : int, RandomState instance or None, default=None
        Seed of the resamples (with ``ci``); an int repeats the interval.

    Returns
    -------
    score : float or tuple of float
        The smallest per-class metric; with ``ci``, the tuple
        ``(score, low, high)``.

    See Also
    --------
    class_gap : Best minus worst class.

    Examples
    --------
    >>> from skclassgap.metrics import worst_class_score
    >>> worst_class_score([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 2, 0])
    0.5
    """
    counts = count_labels(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    options = (labels, sample_weight, zero_division, ci, n_boot, random_state)
    return _with_interval(_worst, counts, metric, y_true, y_pred, options)


@validate_params(
    {**_COMMON, "correction": [Interval(Real, 0, 1, closed="both")]},
    prefer_skip_nested_validation=True,
)
@shared_docs
def geometric_mean_score(
    y_true, y_pred, *, labels=None, sample_weight=None, correction=0.0
):
    """Geometric mean of the per-class recalls.

    ``g_mean = (prod_i recall_i) ** (1 / K)`` over the ``K`` classes that occur
    in ``y_true`` (or over ``labels``). For two classes this is
    ``sqrt(sensitivity * specificity)``. One zero recall makes it 0 unless
    ``correction`` is set, in which case zero recalls are replaced by it.

    This equals :func:`imblearn.metrics.geometric_mean_score` (its default
    ``average="multiclass"``) whenever every predicted label also occurs in
    ``y_true``. They differ when ``y_pred`` holds a label absent from
    ``y_true``: imbalanced-learn counts that label as a class with recall 0
    (so its g-mean is 0, or driven by ``correction``), while this function
    leaves it out, as :func:`sklearn.metrics.balanced_accuracy_score` does,
    because a class with no true rows has no recall.

    Parameters
    ----------
    {y_true_y_pred}
    labels : array-like, default=None
        Classes to average over. A listed class with no true rows has recall 0
        (as in imbalanced-learn), also when none of the listed classes occurs.
    {metric_sample_weight}
    correction : float, default=0.0
        Value substituted for zero recalls, in ``[0, 1]``.

    Returns
    -------
    score : float
        The geometric mean of recalls, in ``[0, 1]``.

    See Also
    --------
    imblearn.metrics.geometric_mean_score : The imbalanced-learn function.

    Examples
    --------
    >>> from skclassgap.metrics import geometric_mean_score
    >>> geometric_mean_score([0, 0, 1, 1], [0, 0, 1, 0])
    0.7071...
    """
    counts = count_labels(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    return _g_mean(counts, labels, correction)


@validate_params(
    {**_COMMON, "zero_division": ZERO_DIVISION},
    prefer_skip_nested_validation=True,
)
@shared_docs
def macro_f1_score(
    y_true, y_pred, *, labels=None, sample_weight=None, zero_division="warn"
):
    """Unweighted mean of the per-class F1 scores.

    Equals ``sklearn.metrics.f1_score(y_true, y_pred, average="macro")`` to
    1e-12 on every input both accept (classes are the sorted union of both
    arrays, or ``labels``), with one pass over the data instead of several.
    Where they differ is listed in the Notes.

    Parameters
    ----------
    {y_true_y_pred}
    labels : array-like, default=None
        Classes to average over. A listed class that occurs in neither array
        has F1 ``zero_division``; when none of them occurs the score is
        ``zero_division`` (0.0 with a warning by default), as in scikit-learn.
    {metric_sample_weight}
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        F1 of a class that is neither true nor predicted. ``"warn"`` acts as 0
        and warns; NaN values are left out of the mean.

    Returns
    -------
    score : float
        Macro-averaged F1.

    See Also
    --------
    sklearn.metrics.f1_score : The scikit-learn function it agrees with.

    Notes
    -----
    Inputs scikit-learn scores and this function refuses with a
    ``ValueError``: an empty ``labels`` (scikit-learn: NaN), a label repeated
    in ``labels`` (counted twice in scikit-learn's mean), ``labels`` mixing
    strings and numbers or of another type than the labels of ``y_true`` and
    ``y_pred`` (scikit-learn compares them as text), negative
    ``sample_weight`` (scikit-learn's score then leaves [0, 1]) and
    multilabel indicator matrices. The other way round, integral float
    labels beyond the int64 range (1e300) are classes here, "continuous" in
    scikit-learn. A missing (``None``) label or labels mixing strings and
    numbers raise a ``ValueError`` here, a ``TypeError`` there.

    Examples
    --------
    >>> from skclassgap.metrics import macro_f1_score
    >>> round(macro_f1_score([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 2, 0]), 4)
    0.6667
    """
    counts = count_labels(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    return _macro_f1(counts, zero_division)


def balanced_accuracy_from_labels(y_true, y_pred, *, sample_weight=None):
    """Mean recall over the classes of ``y_true`` (scikit-learn's definition)."""
    return _balanced_accuracy(count_labels(y_true, y_pred, sample_weight=sample_weight))


def accuracy_from_labels(y_true, y_pred, *, sample_weight=None):
    """Share of rows predicted right."""
    return _accuracy(count_labels(y_true, y_pred, sample_weight=sample_weight))
