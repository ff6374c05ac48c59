"""Per-class counts from label arrays, and the metrics derived from them.

Every metric of :mod:`skclassgap.metrics` is a function of three per-class
vectors: true positives ``tp``, support ``n`` (true count) and predicted count
``m``. :class:`ClassCounts` holds them; the ``*_from_counts`` functions are
vectorised over leading batch dimensions so that threshold searches can score
many candidate count vectors at once.

Counting takes O(K) memory for K classes (no K x K matrix; false positives
are ``m - tp``) and runs in two steps that a chunked or distributed caller can
reuse:

1. :func:`~skclassgap.utils._labels.encode_label_pair` turns the two label
   arrays into integer codes of one shared code space and its sorted
   ``values``;
2. :func:`count_codes` turns codes (and weights) into a :class:`CodeCounts`
   of per-code vectors. Counts of row blocks in the same code space add up
   (:func:`sum_code_counts`), and :func:`class_counts_from_codes` turns the
   total into the :class:`ClassCounts` every metric consumes.

Below ``KERNEL_MIN_ROWS["labels"]`` rows (100,000; the benchmark that chose
it is quoted where it is defined, in :mod:`skclassgap._kernels._config`) counting
uses ``np.bincount`` and never calls a numba kernel, so that the first call
on small data never waits for a compilation or a cache load. The results
are identical: integer counts are equal, and weighted sums run in input
order in both paths (the kernel adds each weight in turn, as
``np.bincount(codes, weights=w)`` does).
Above it the kernels of :mod:`skclassgap._kernels.confusion` take over, on
int64, int32 or uint8 codes in place; other code dtypes are cast to int64 in
chunks of ``_CAST_CHUNK`` rows.
"""

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from skclassgap._kernels._config import KERNEL_MIN_ROWS
from skclassgap._kernels.confusion import (
    _add_class_counts,
    _add_class_weights,
    _confusion_counts,
    _confusion_weights,
)
from skclassgap.utils._labels import encode_label_pair
from skclassgap.utils._validation import check_sample_weight

# Code dtypes the kernels are compiled for, used in place when both code
# arrays share one: int64 (NumPy's and pandas' default), int32 and uint8 (the
# view of booleans). Other dtypes, and pairs of different dtypes, are cast to
# int64 in chunks of _CAST_CHUNK rows (512 KiB): one specialisation per
# dtype here instead of one per pair of dtypes. Casting costs time: 10^7
# int8 labels of 10 classes count in ~60 ms cast against ~35 ms in place.
_KERNEL_CODE_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8))
_CAST_CHUNK = 1 << 16
# Code ranges up to this size get their K x K confusion counts directly;
# wider ranges are compacted to the labels present first.
_MAX_PAIR_RANGE = 1024


class CodeCounts(NamedTuple):
    """Per-code totals of a pair of code arrays; additive over row blocks.

    Every field is a vector of length ``n_codes`` indexed by code. Unweighted,
    the sums are the int64 counts themselves; weighted, they are float64
    weight sums.

    Attributes
    ----------
    tp : ndarray of shape (n_codes,)
        (Weighted) rows whose true and predicted codes are both the code.
    support : ndarray of shape (n_codes,)
        (Weighted) rows whose true code is the code.
    predicted : ndarray of shape (n_codes,)
        (Weighted) rows whose predicted code is the code.
    n_true : ndarray of int64 of shape (n_codes,)
        Rows whose true code is the code, whatever their weight.
    n_pred : ndarray of int64 of shape (n_codes,)
        Rows whose predicted code is the code, whatever their weight.
    """

    tp: np.ndarray
    support: np.ndarray
    predicted: np.ndarray
    n_true: np.ndarray
    n_pred: np.ndarray


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


def _kernel_blocks(*arrays):
    """Yield aligned blocks of the arrays, in a code dtype the kernels take.

    One block (no copy) when the integer arrays are contiguous and share one
    of ``_KERNEL_CODE_DTYPES``; otherwise blocks of ``_CAST_CHUNK`` rows,
    integer ones cast to contiguous int64 block by block, so that the extra
    memory stays O(chunk).
    """
    ints = [a for a in arrays if a.dtype.kind in "iub"]
    if (
        len({a.dtype for a in ints}) == 1
        and ints[0].dtype in _KERNEL_CODE_DTYPES
        and all(a.flags.c_contiguous for a in ints)
    ):
        yield tuple(np.ascontiguousarray(a) for a in arrays)
        return
    n = len(arrays[0])
    for start in range(0, n, _CAST_CHUNK):
        stop = min(start + _CAST_CHUNK, n)
        yield tuple(
            np.asarray(a[start:stop], dtype=np.int64)
            if a.dtype.kind in "iub"
            else np.ascontiguousarray(a[start:stop])
            for a in arrays
        )


def _count_codes_numpy(codes_true, codes_pred, n_codes, sample_weight, offset):
    """:func:`count_codes` with ``np.bincount`` (no kernel); None if out of range."""
    t = np.asarray(codes_true, dtype=np.int64) - offset
    p = np.asarray(codes_pred, dtype=np.int64) - offset
    if len(t) and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= n_codes):
        return None
    n_true = np.bincount(t, minlength=n_codes)
    n_pred = np.bincount(p, minlength=n_codes)
    same = t == p
    if sample_weight is None:
        tp = np.bincount(t[same], minlength=n_codes)
        return CodeCounts(tp, n_true, n_pred, n_true, n_pred)
    w = sample_weight
    # float64 even for no rows (np.bincount of nothing returns int64 zeros).
    tp, support, predicted = (
        np.bincount(codes, weights=weights, minlength=n_codes).astype(
            np.float64, copy=False
        )
        for codes, weights in ((t[same], w[same]), (t, w), (p, w))
    )
    return CodeCounts(tp, support, predicted, n_true, n_pred)


def _count_codes(codes_true, codes_pred, n_codes, sample_weight=None, offset=0):
    """:func:`count_codes`, returning None when a code is out of range."""
    if len(codes_true) < KERNEL_MIN_ROWS["labels"]:
        return _count_codes_numpy(
            codes_true, codes_pred, n_codes, sample_weight, offset
        )
    tp, n_true, n_pred = (np.zeros(n_codes, dtype=np.int64) for _ in range(3))
    if sample_weight is None:
        for t, p in _kernel_blocks(codes_true, codes_pred):
            if not _add_class_counts(t, p, offset, tp, n_true, n_pred):
                return None
        return CodeCounts(tp, n_true, n_pred, n_true, n_pred)
    tp, support, predicted = (np.zeros(n_codes) for _ in range(3))
    for t, p, w in _kernel_blocks(codes_true, codes_pred, sample_weight):
        if not _add_class_weights(
            t, p, w, offset, tp, support, predicted, n_true, n_pred
        ):
            return None
    return CodeCounts(tp, support, predicted, n_true, n_pred)


def count_codes(codes_true, codes_pred, n_codes, *, sample_weight=None, offset=0):
    """Per-code count vectors of a pair of code arrays, in one pass.

    Parameters
    ----------
    codes_true, codes_pred : ndarray of int of shape (n_samples,)
        Codes of a shared code space: ``codes - offset`` in ``[0, n_codes)``.
    n_codes : int
        Size of the code space (length of every returned vector).
    sample_weight : ndarray of float64 of shape (n_samples,), default=None
        Validated weights (:func:`~skclassgap.utils._validation.check_sample_weight`).
    offset : int, default=0
        Subtracted from every code.

    Returns
    -------
    counts : CodeCounts
        Additive: the counts of row blocks in one code space sum to the
        counts of the whole (exactly when unweighted).
    """
    counts = _count_codes(codes_true, codes_pred, n_codes, sample_weight, offset)
    if counts is None:
        raise ValueError(
            f"codes must lie in [offset, offset + n_codes) = [{offset}, "
            f"{offset + n_codes}); got codes from "
            f"{min(int(np.min(codes_true)), int(np.min(codes_pred)))} to "
            f"{max(int(np.max(codes_true)), int(np.max(codes_pred)))}. Encode "
            "every block in the same code space."
        )
    return counts


def sum_code_counts(parts):
    """Field-by-field sum of :class:`CodeCounts` of row blocks in one code space.

    Parameters
    ----------
    parts : iterable of CodeCounts
        At least one; all of the same length, all weighted or all unweighted.

    Returns
    -------
    counts : CodeCounts
        The counts of the concatenated blocks.
    """
    parts = iter(parts)
    total = next(parts)
    for part in parts:
        total = CodeCounts(*(a + b for a, b in zip(total, part, strict=True)))
    return total


def encode_and_count(y_true, y_pred, *, sample_weight=None, allow_zero_weight=False):
    """Validate, encode and count: the label ``values`` and their :class:`CodeCounts`.

    ``values`` may hold labels absent from both arrays (their occurrence
    counts are zero). ``allow_zero_weight`` accepts weights that are zero
    everywhere (one block of many; the caller checks the total).
    """
    enc = encode_label_pair(y_true, y_pred, guess=True)
    sample_weight = check_sample_weight(
        sample_weight, len(enc.codes_true), allow_all_zero=allow_zero_weight
    )
    counts = _count_codes(
        enc.codes_true, enc.codes_pred, len(enc.values), sample_weight, enc.offset
    )
    if counts is None:
        # The guessed label range missed some labels: find the exact range.
        enc = encode_label_pair(y_true, y_pred, guess=False)
        counts = count_codes(
            enc.codes_true,
            enc.codes_pred,
            len(enc.values),
            sample_weight=sample_weight,
            offset=enc.offset,
        )
    return enc.values, counts


def _kinds(items):
    """Kinds of label values among ``items``: "string" and/or "number"."""
    return {"string" if isinstance(v, (str, bytes)) else "number" for v in items}


def _label_positions(labels, values):
    """Positions of user ``labels`` in the present ``values`` (-1 when absent)."""
    # Kinds of the labels as given: np.asarray(["a", 1]) would make "1" a string.
    given = labels.tolist() if hasattr(labels, "tolist") else labels
    given_kinds = _kinds(given) if isinstance(given, list | tuple) else set()
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            "labels must be a non-empty 1-d list of class labels; got "
            f"{labels.tolist()!r}."
        )
    as_list = labels.tolist()
    if len(given_kinds) > 1:
        raise ValueError(
            f"labels mix strings and numbers; got {given!r}. Use the type of the "
            "labels of y_true and y_pred."
        )
    if given_kinds and values.size and given_kinds != _kinds(values.tolist()[:1]):
        (kind,) = given_kinds
        raise ValueError(
            f"labels are {kind}s but y_true and y_pred hold "
            f"{_kinds(values.tolist()[:1]).pop()}s; got labels={given!r}. Use the "
            "type of the labels of y_true and y_pred."
        )
    if len(set(as_list)) != len(as_list):
        raise ValueError(f"labels must not repeat a class; got {as_list!r}.")
    index = {v: i for i, v in enumerate(values.tolist())}
    positions = np.array([index.get(v, -1) for v in as_list], dtype=np.int64)
    return labels, positions


def class_counts_from_codes(values, counts, *, labels=None):
    """:class:`ClassCounts` from code ``values`` and their :class:`CodeCounts`.

    Codes that occur in neither array are dropped; with ``labels``, the
    vectors follow ``labels`` (zeros for a label that does not occur, as in
    scikit-learn, even when none of them occurs).
    """
    present = (counts.n_true > 0) | (counts.n_pred > 0)
    if not present.all():
        values = values[present]
        counts = CodeCounts(*(v[present] for v in counts))
    total = float(counts.support.sum())
    in_true = counts.n_true > 0
    if labels is None:
        return ClassCounts(
            values, counts.tp, counts.support, counts.predicted, in_true, total
        )
    labels, pos = _label_positions(labels, values)
    absent = pos < 0
    pos = np.where(absent, 0, pos)

    def pick(v):
        out = v[pos]
        out[absent] = 0
        return out

    return ClassCounts(
        labels,
        pick(counts.tp),
        pick(counts.support),
        pick(counts.predicted),
        pick(in_true),
        total,
    )


def class_counts(y_true, y_pred, *, labels=None, sample_weight=None):
    """Validate, encode and count in one pass; return :class:`ClassCounts`.

    In-memory input; :func:`~skclassgap.metrics._dask.dask_class_counts` is
    its Dask variant.
    """
    values, counts = encode_and_count(y_true, y_pred, sample_weight=sample_weight)
    return class_counts_from_codes(values, counts, labels=labels)


def confusion_counts(y_true, y_pred, *, sample_weight=None, allow_zero_weight=False):
    """Return the sorted labels present and the K x K (weighted) confusion counts.

    Also returns the unweighted occurrence counts (identical to the counts
    when ``sample_weight`` is None). The only counting that needs K x K
    memory; the per-class metrics never call it. ``allow_zero_weight`` as in
    :func:`encode_and_count`. In-memory input;
    :func:`~skclassgap.metrics._dask.dask_confusion_counts` is its Dask variant.
    """
    enc = encode_label_pair(y_true, y_pred)
    sample_weight = check_sample_weight(
        sample_weight, len(enc.codes_true), allow_all_zero=allow_zero_weight
    )
    t, p, offset, values = enc.codes_true, enc.codes_pred, enc.offset, enc.values
    if len(values) > _MAX_PAIR_RANGE:
        # Compact the wide code range to the labels that occur.
        counts = count_codes(t, p, len(values), offset=offset)
        present = (counts.n_true > 0) | (counts.n_pred > 0)
        compact = np.cumsum(present) - 1
        t = compact[np.asarray(t, dtype=np.int64) - offset]
        p = compact[np.asarray(p, dtype=np.int64) - offset]
        offset, values = 0, values[present]
    k = len(values)
    if len(t) < KERNEL_MIN_ROWS["labels"]:
        pairs = (np.asarray(t, dtype=np.int64) - offset) * k + (
            np.asarray(p, dtype=np.int64) - offset
        )
        occurrences = np.bincount(pairs, minlength=k * k).reshape(k, k)
        counts = occurrences
        if sample_weight is not None:
            counts = np.bincount(pairs, weights=sample_weight, minlength=k * k).reshape(
                k, k
            )
    else:
        t = np.asarray(t, dtype=np.int64)
        p = np.asarray(p, dtype=np.int64)
        if sample_weight is None:
            counts, _ = _confusion_counts(t, p, offset, k)
            occurrences = counts
        else:
            occurrences, counts, _ = _confusion_weights(t, p, sample_weight, offset, k)
    present = (occurrences.sum(axis=1) > 0) | (occurrences.sum(axis=0) > 0)
    if not present.all():
        keep = np.flatnonzero(present)
        return (
            values[keep],
            counts[np.ix_(keep, keep)],
            occurrences[np.ix_(keep, keep)],
        )
    return values, counts, occurrences


class PerClassMetric(NamedTuple):
    """A per-class metric written on counts: ``numerator / denominator``.

    ``word`` names the metric in warnings and ``empty`` the rows whose absence
    makes the denominator zero (scikit-learn's wording); ``label`` names it in
    the labels of the metrics built on it (``"class gap (F1)"``).
    """

    word: str
    empty: str
    fraction: Callable  # (tp, support, predicted) -> (numerator, denominator)
    label: str


PER_CLASS_METRICS = {
    "recall": PerClassMetric("Recall", "true", lambda tp, n, m: (tp, n), "recall"),
    "precision": PerClassMetric(
        "Precision", "predicted", lambda tp, n, m: (tp, m), "precision"
    ),
    "f1": PerClassMetric(
        "F-score",
        "true nor predicted",
        lambda tp, n, m: (
            2.0 * np.asarray(tp, dtype=np.float64),
            np.asarray(n, dtype=np.float64) + m,
        ),
        "F1",
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
    # A denominator fixed over resamples (shape (K,)) divides (n_boot, K) counts.
    mask = np.broadcast_to(mask, result.shape)
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
