"""Spuriosity of each row within its class, and the spurious gap.

Definitions (Moayeri et al., NeurIPS 2023, arXiv 2212.02648):

- the *spuriosity* of a row x of class c is the mean, over the spurious
  features i of class c, of the within-class z-score
  ``(x_i - mu_ic) / sigma_ic`` (``sigma_ic``: population standard deviation of
  feature i over the rows of class c);
- the *spurious gap* of class c is the accuracy on its k highest-spuriosity
  rows minus the accuracy on its k lowest; :func:`spurious_gap` averages it
  over the classes that have spurious features.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_consistent_length

from skclassgap._compat import (
    Interval,
    RealNotInt,
    StrOptions,
    _num_features,
    _safe_indexing,
    validate_params,
)
from skclassgap.metrics._grouped import group_class_counts
from skclassgap.utils._docstring import shared_docs

# Group codes of spurious_gap's rows: neither end, the k lowest, the k highest.
_MIDDLE, _LOW, _HIGH = 0, 1, 2


def _feature_position(feature, n_features, feature_names, label):
    """Column position of one entry of ``spurious_features[label]``."""
    if isinstance(feature, (Integral, np.integer)) and not isinstance(
        feature, (bool, np.bool_)
    ):
        if not 0 <= feature < n_features:
            raise ValueError(
                f"spurious_features[{label!r}] names feature {feature!r}, but X has "
                f"{n_features} features; indices must be in [0, {n_features - 1}]."
            )
        return int(feature)
    if isinstance(feature, str):
        if feature_names is None:
            raise ValueError(
                f"spurious_features[{label!r}] names feature {feature!r} by name, but "
                "X has no column names; pass a pandas DataFrame or use indices."
            )
        matches = np.flatnonzero(feature_names == feature)
        if matches.size == 0:
            raise ValueError(
                f"spurious_features[{label!r}] names feature {feature!r}, which is "
                f"not a column of X; columns are {list(feature_names)[:10]!r}"
                f"{' ...' if len(feature_names) > 10 else ''}."
            )
        return int(matches[0])
    raise TypeError(
        f"spurious_features[{label!r}] must hold feature indices (int) or column "
        f"names (str); got {feature!r} of type {type(feature).__name__}."
    )


def _resolve_spurious_features(
    spurious_features, classes, n_features, feature_names=None, unknown_classes="raise"
):
    """Return the (n_classes, n_features) boolean mask of spurious features.

    ``spurious_features`` is a dict class -> feature(s) (indices or names) or a
    (n_classes, n_features) boolean mask whose rows follow ``classes``.
    """
    n_classes = len(classes)
    if feature_names is not None:
        feature_names = np.asarray(feature_names, dtype=object)
    if isinstance(spurious_features, dict):
        position = {label: k for k, label in enumerate(classes.tolist())}
        mask = np.zeros((n_classes, n_features), dtype=bool)
        for label, features in spurious_features.items():
            key = label.item() if isinstance(label, np.generic) else label
            if key not in position:
                if unknown_classes == "ignore":
                    continue
                raise ValueError(
                    f"spurious_features names class {label!r}, which is not in y; "
                    f"classes are {classes.tolist()!r}. Remove the entry, or pass "
                    "unknown_classes='ignore' to skip classes absent from y."
                )
            if isinstance(features, (str, Integral, np.integer)):
                features = [features]
            for feature in features:
                mask[
                    position[key],
                    _feature_position(feature, n_features, feature_names, label),
                ] = True
        return mask
    mask = np.asarray(spurious_features)
    if mask.dtype != bool:
        raise TypeError(
            "spurious_features must be a dict class -> features or a boolean mask "
            f"of shape (n_classes, n_features); got an array of dtype {mask.dtype}."
        )
    if mask.shape != (n_classes, n_features):
        raise ValueError(
            f"spurious_features mask has shape {mask.shape}, but y has {n_classes} "
            f"classes and X has {n_features} features; expected shape "
            f"({n_classes}, {n_features}), rows in sorted class order."
        )
    return mask


def _scores_from_mask(X_cols, codes, mask):
    """Spuriosity of each row; ``X_cols`` holds the columns of ``mask`` (float64).

    ``mask`` has shape (n_classes, X_cols.shape[1]). A feature constant within a
    class contributes z-score 0. Rows of classes without features get NaN.
    """
    scores = np.full(X_cols.shape[0], np.nan)
    for k in range(mask.shape[0]):
        features = np.flatnonzero(mask[k])
        if features.size == 0:
            continue
        rows = np.flatnonzero(codes == k)
        if rows.size == 0:
            continue
        block = X_cols[np.ix_(rows, features)]
        mean = block.mean(axis=0)
        std = block.std(axis=0)
        centred = block - mean
        z = np.divide(centred, std, out=np.zeros_like(centred), where=std > 0)
        scores[rows] = z.mean(axis=1)
    return scores


def _within_class_order(scores, codes, n_classes):
    """Per class, row indices sorted by (spuriosity, row index), ascending."""
    orders = []
    for k in range(n_classes):
        rows = np.flatnonzero(codes == k)
        orders.append(rows[np.argsort(scores[rows], kind="stable")])
    return orders


def _spuriosity(X, codes, mask):
    """Spuriosity from a raw X (array, sparse matrix or DataFrame) and a mask."""
    used = np.flatnonzero(mask.any(axis=0))
    if not hasattr(X, "shape"):  # lists: column indexing needs an array
        X = np.asarray(X)
    X_cols = check_array(
        _safe_indexing(X, used, axis=1),
        accept_sparse="csr",
        dtype=np.float64,
        ensure_min_features=0,
        ensure_min_samples=0,
        input_name="X",
    )
    if hasattr(X_cols, "toarray"):
        X_cols = X_cols.toarray()
    return _scores_from_mask(X_cols, codes, mask[:, used])


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "spurious_features": [dict, "array-like"],
        "unknown_classes": [StrOptions({"raise", "ignore"})],
        "return_ranks": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@shared_docs
def spuriosity_scores(
    X, y, spurious_features, *, unknown_classes="raise", return_ranks=False
):
    """Spuriosity of each row within its class.

    For a row x of class c with spurious features S_c, the spuriosity is
    ``mean_{i in S_c} (x_i - mu_ic) / sigma_ic``, where ``mu_ic`` and
    ``sigma_ic`` are the mean and the population standard deviation (``ddof=0``)
    of feature i over the rows of class c in ``X``, as in Moayeri et al. [1]_.
    High spuriosity means the class's spurious cues are strongly present.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Features (e.g. embeddings). Only the spurious columns are read.
    y : array-like of shape (n_samples,)
        Class labels.
    spurious_features : dict or array-like of bool
        A dict class -> feature indices (or column names when ``X`` is a pandas
        DataFrame), one index or a list; or a boolean mask of shape
        (n_classes, n_features) whose rows follow the sorted classes of ``y``.
        Classes absent from the dict, or with an empty list, have no spurious
        features.
    unknown_classes : {"raise", "ignore"}, default="raise"
        What to do with a dict entry for a class that does not occur in ``y``.
    return_ranks : bool, default=False
        Also return the within-class ranks.

    Returns
    -------
    spuriosity : ndarray of shape (n_samples,)
        Float64 scores. Rows of classes without spurious features get NaN. A
        feature constant within a class contributes 0.
    ranks : ndarray of shape (n_samples,), dtype int64
        Only when ``return_ranks=True``: the 0-based rank of each row within its
        class, by increasing spuriosity (0 = least spurious). Ties are broken by
        row order (the earlier row gets the lower rank). Rows of classes without
        spurious features get -1.

    See Also
    --------
    spurious_gap : Accuracy on the most minus the least spurious rows.
    LowSpuriosityRefit : Refit the head on the least spurious rows.

    References
    ----------
    .. [1] {moayeri2023}

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.spurious import spuriosity_scores
    >>> X = np.array([[0.0, 1.0], [2.0, 1.0], [5.0, 0.0], [5.0, 4.0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> scores, ranks = spuriosity_scores(X, y, {0: [0]}, return_ranks=True)
    >>> scores
    array([-1.,  1., nan, nan])
    >>> ranks
    array([ 0,  1, -1, -1])
    """
    check_consistent_length(X, y)
    y = np.asarray(y)
    check_classification_targets(y)
    classes, codes = np.unique(y, return_inverse=True)
    codes = codes.reshape(-1)
    n_features = _num_features(X)
    mask = _resolve_spurious_features(
        spurious_features,
        classes,
        n_features,
        feature_names=getattr(X, "columns", None),
        unknown_classes=unknown_classes,
    )
    scores = _spuriosity(X, codes, mask)
    if not return_ranks:
        return scores
    ranks = np.full(scores.shape[0], -1, dtype=np.int64)
    for k, order in enumerate(_within_class_order(scores, codes, len(classes))):
        if mask[k].any():
            ranks[order] = np.arange(order.size)
    return scores, ranks


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "spuriosity": ["array-like"],
        "k": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 0.5, closed="right"),
        ],
        "return_per_class": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@shared_docs
def spurious_gap(y_true, y_pred, spuriosity, *, k=10, return_per_class=False):
    """Accuracy on each class's most spurious rows minus on its least spurious.

    For class c, rows are sorted by increasing spuriosity (ties by row order,
    the earlier row first). The *low* set is the first ``k_c`` rows, the *high*
    set the last ``k_c`` rows, and the class gap is
    ``accuracy(high) - accuracy(low)``. The result is the mean of the class
    gaps over the classes that have spurious features (those whose spuriosity
    is not NaN). This is the definition of Moayeri et al. [1]_: the high set
    holds the *k highest* spuriosity rows. (The authors' released code takes a
    different end of its sorted list for that set; we follow the paper.)

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; define the classes.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    spuriosity : array-like of shape (n_samples,)
        Spuriosity of each row, e.g. from :func:`spuriosity_scores`. A class
        whose rows are all NaN has no spurious features and is skipped.
    k : int or float, default=10
        Rows per end and class. A float in (0, 0.5] is a fraction of each
        class: ``k_c = max(1, floor(k * n_c))``. ``k_c`` is capped at
        ``n_c // 2`` (so the two sets never overlap), with a warning.
    return_per_class : bool, default=False
        Also return the gap of each included class.

    Returns
    -------
    gap : float
        Mean over included classes of accuracy(high) - accuracy(low). Positive
        when the classifier relies on the spurious cues.
    per_class : dict
        Only when ``return_per_class=True``: class label -> its gap.

    See Also
    --------
    spuriosity_scores : The spuriosity of each row within its class.

    References
    ----------
    .. [1] {moayeri2023}

    Examples
    --------
    >>> from skclassgap.spurious import spurious_gap
    >>> y_true = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> y_pred = [1, 0, 0, 0, 1, 1, 1, 1]
    >>> spuriosity = [-2.0, -1.0, 1.0, 2.0, -1.0, 0.0, 0.5, 1.0]
    >>> spurious_gap(y_true, y_pred, spuriosity, k=1, return_per_class=True)
    (0.5, {0: 1.0, 1: 0.0})
    """
    check_consistent_length(y_true, y_pred, spuriosity)
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    check_classification_targets(y_true)
    spuriosity = check_array(
        spuriosity,
        ensure_2d=False,
        dtype=np.float64,
        ensure_all_finite="allow-nan",
        input_name="spuriosity",
    )
    if spuriosity.ndim != 1:
        raise ValueError(
            f"spuriosity must be 1-dimensional; got an array of shape "
            f"{spuriosity.shape}."
        )
    classes, codes = np.unique(y_true, return_inverse=True)
    codes = codes.reshape(-1)
    orders = _within_class_order(spuriosity, codes, len(classes))
    # Each class's k_c lowest rows form group LOW, its k_c highest group HIGH:
    # the accuracy on either is the recall of the (class, group) cell, from
    # the same per-(group, class) counts as skclassgap.subclass's reports.
    ends = np.full(len(y_true), _MIDDLE, dtype=np.int64)
    included, capped = [], []
    for c, (label, order) in enumerate(zip(classes.tolist(), orders, strict=True)):
        missing = np.isnan(spuriosity[order])
        if missing.all():
            continue
        if missing.any():
            raise ValueError(
                f"spuriosity is NaN for {missing.sum()} of the {order.size} rows of "
                f"class {label!r}; a class's rows must be all finite (class with "
                "spurious features) or all NaN (class without)."
            )
        n_c = order.size
        if n_c < 2:
            raise ValueError(
                f"class {label!r} has {n_c} row; spurious_gap needs at least 2 rows "
                "in every class with spurious features. Drop the class's rows or "
                "set its spuriosity to NaN."
            )
        k_c = k if isinstance(k, Integral) else max(1, int(np.floor(k * n_c)))
        if k_c > n_c // 2:
            capped.append((label, n_c))
            k_c = n_c // 2
        ends[order[:k_c]] = _LOW
        ends[order[n_c - k_c :]] = _HIGH
        included.append(c)
    per_class = {}
    if included:
        counts = group_class_counts(y_true, y_pred, ends)
        row = {g: i for i, g in enumerate(counts.groups.tolist())}
        columns = np.searchsorted(counts.labels, classes[included])
        for label, j in zip(classes[included].tolist(), columns, strict=True):
            low, high = (
                counts.tp[row[g], j] / counts.support[row[g], j] for g in (_LOW, _HIGH)
            )
            per_class[label] = float(high - low)
    if not per_class:
        raise ValueError(
            "spuriosity is NaN for every row, so no class has spurious features; "
            "pass scores from spuriosity_scores with at least one class's features."
        )
    if capped:
        warnings.warn(
            f"k={k!r} exceeds half the rows of classes "
            f"{[label for label, _ in capped]!r} (sizes {[n for _, n in capped]!r}); "
            "k was capped at n_c // 2 for them.",
            UserWarning,
            stacklevel=2,
        )
    gap = float(np.mean(list(per_class.values())))
    if return_per_class:
        return gap, per_class
    return gap
