"""Per-class counts from label arrays, and the metrics derived from them.

Every metric of :mod:`skclassgap.metrics` is a function of three per-class
vectors: true positives ``tp``, support ``n`` (true count) and predicted count
``m``. :class:`ClassCounts` holds them; the ``*_from_counts`` functions are
vectorised over leading batch dimensions so that threshold searches can score
many candidate count vectors at once.
"""

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from skclassgap._kernels.confusion import _confusion_counts, _confusion_weights
from skclassgap.utils._labels import encode_label_pair
from skclassgap.utils._validation import check_sample_weight


class ClassCounts(NamedTuple):
    """Per-class totals of a pair of label arrays.

    Attributes
    ----------
    labels : ndarray of shape (n_classes,)
        The classes the vectors refer to (sorted union of ``y_true`` and
        ``y_pred``, or the user's ``labels`` in their order).
    tp : ndarray of shape (n_classes,)
        (Weighted) count of rows of the class predicted as the class.
    support : ndarray of shape (n_classes,)
        (Weighted) count of rows whose true class is the class, ``n_i``.
    predicted : ndarray of shape (n_classes,)
        (Weighted) count of rows predicted as the class, ``m_j``.
    in_true : ndarray of bool of shape (n_classes,)
        Whether the class occurs in ``y_true`` (whatever its weights).
    total : float
        (Weighted) number of rows.
    """

    labels: np.ndarray
    tp: np.ndarray
    support: np.ndarray
    predicted: np.ndarray
    in_true: np.ndarray
    total: float


def confusion_counts(y_true, y_pred, *, sample_weight=None):
    """Return the sorted labels present and the K×K (weighted) confusion counts.

    Also returns the unweighted occurrence counts (identical to the counts
    when ``sample_weight`` is None), which tell which labels occur at all.
    """
    enc = encode_label_pair(y_true, y_pred, guess=True)
    sample_weight = check_sample_weight(sample_weight, len(enc.codes_true))
    while True:
        n_codes = len(enc.values)
        if sample_weight is None:
            counts, in_range = _confusion_counts(
                enc.codes_true, enc.codes_pred, enc.offset, n_codes
            )
            occurrences = counts
        else:
            occurrences, counts, in_range = _confusion_weights(
                enc.codes_true, enc.codes_pred, sample_weight, enc.offset, n_codes
            )
        if in_range:
            break
        # The guessed label range missed some labels: find the exact range.
        enc = encode_label_pair(y_true, y_pred, guess=False)
    present = (occurrences.sum(axis=1) > 0) | (occurrences.sum(axis=0) > 0)
    if not present.all():
        keep = np.flatnonzero(present)
        return (
            enc.values[keep],
            counts[np.ix_(keep, keep)],
            occurrences[np.ix_(keep, keep)],
        )
    return enc.values, counts, occurrences


def _label_positions(labels, values):
    """Positions of user ``labels`` in the present ``values`` (-1 when absent)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            "labels must be a non-empty 1-d list of class labels; got "
            f"{labels.tolist()!r}."
        )
    as_list = labels.tolist()
    if len(set(as_list)) != len(as_list):
        raise ValueError(f"labels must not repeat a class; got {as_list!r}.")
    index = {v: i for i, v in enumerate(values.tolist())}
    positions = np.array([index.get(v, -1) for v in as_list], dtype=np.int64)
    if (positions < 0).all():
        raise ValueError(
            f"None of labels={as_list!r} is present in y_true or y_pred, whose "
            f"labels are {values.tolist()!r}."
        )
    return labels, positions


def class_counts(y_true, y_pred, *, labels=None, sample_weight=None):
    """Validate, encode and count in one pass; return :class:`ClassCounts`."""
    values, counts, occurrences = confusion_counts(
        y_true, y_pred, sample_weight=sample_weight
    )
    tp = np.diagonal(counts).copy()
    support = counts.sum(axis=1)
    predicted = counts.sum(axis=0)
    in_true = occurrences.sum(axis=1) > 0
    total = float(support.sum())
    if labels is None:
        return ClassCounts(values, tp, support, predicted, in_true, total)
    labels, pos = _label_positions(labels, values)
    absent = pos < 0
    pos = np.where(absent, 0, pos)

    def pick(v):
        out = v[pos]
        out[absent] = 0
        return out

    return ClassCounts(
        labels, pick(tp), pick(support), pick(predicted), pick(in_true), total
    )


class PerClassMetric(NamedTuple):
    """A per-class metric written on counts: ``numerator / denominator``.

    ``word`` names the metric in warnings and ``empty`` the rows whose absence
    makes the denominator zero (scikit-learn's wording).
    """

    word: str
    empty: str
    fraction: Callable  # (tp, support, predicted) -> (numerator, denominator)


PER_CLASS_METRICS = {
    "recall": PerClassMetric("Recall", "true", lambda tp, n, m: (tp, n)),
    "precision": PerClassMetric("Precision", "predicted", lambda tp, n, m: (tp, m)),
    "f1": PerClassMetric(
        "F-score",
        "true nor predicted",
        lambda tp, n, m: (
            2.0 * np.asarray(tp, dtype=np.float64),
            np.asarray(n, dtype=np.float64) + m,
        ),
    ),
}


def divide(numerator, denominator, zero_division, metric):
    """``numerator / denominator`` with sklearn's ``zero_division`` semantics.

    ``"warn"`` acts as 0 and warns with
    :class:`~sklearn.exceptions.UndefinedMetricWarning`, in the words of the
    :class:`PerClassMetric` ``metric``.
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    mask = denominator == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        result = numerator / np.where(mask, 1.0, denominator)
    if mask.any():
        if zero_division == "warn":
            result[mask] = 0.0
            warnings.warn(
                f"{metric.word} is ill-defined and set to 0.0 for classes with no "
                f"{metric.empty} samples. Use the zero_division parameter to "
                "control this behaviour.",
                UndefinedMetricWarning,
                stacklevel=3,
            )
        else:
            result[mask] = float(zero_division)
    return result


def per_class_metric(name, tp, support, predicted, zero_division="warn"):
    """Per-class ``"recall"``, ``"precision"`` or ``"f1"`` from counts.

    Vectorised over leading dimensions; an unknown name is refused.
    """
    try:
        metric = PER_CLASS_METRICS[name]
    except KeyError:
        raise ValueError(
            f"metric={name!r} is not a per-class metric; valid names are "
            f"{sorted(PER_CLASS_METRICS)}."
        ) from None
    numerator, denominator = metric.fraction(tp, support, predicted)
    return divide(numerator, denominator, zero_division, metric)


def recall_from_counts(tp, support, zero_division="warn"):
    """Per-class recall ``tp / n`` (vectorised over leading dimensions)."""
    return per_class_metric("recall", tp, support, None, zero_division)


def nanmean_last(values):
    """Mean over the last axis ignoring NaN; NaN where every value is NaN."""
    values = np.asarray(values, dtype=np.float64)
    valid = ~np.isnan(values)
    count = valid.sum(axis=-1)
    total = np.where(valid, values, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def geometric_mean_from_recalls(recalls, correction=0.0):
    """``exp(mean(log r))`` over the last axis.

    Zero recalls are replaced by ``correction``.
    """
    recalls = np.where(recalls == 0, correction, np.asarray(recalls, dtype=np.float64))
    with np.errstate(divide="ignore"):
        logs = np.log(recalls)
    return np.exp(logs.mean(axis=-1))
