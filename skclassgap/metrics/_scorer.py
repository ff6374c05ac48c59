"""Scorers for ``GridSearchCV`` / ``cross_validate`` and their count-based forms.

Each scorer name maps to a label metric and to the same metric written on
per-class counts (``tp``, ``support``, ``predicted``; vectorised over leading
axes). Threshold and offset searches use the count form to score many
candidate decisions without re-reading the labels.
"""

import copy
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from sklearn.metrics import make_scorer

from skclassgap._compat import StrOptions, validate_params
from skclassgap.metrics._classification import (
    accuracy_from_labels,
    balanced_accuracy_from_labels,
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    worst_class_score,
)
from skclassgap.metrics._counts import (
    geometric_mean_from_recalls,
    nanmean_last,
    per_class_metric,
    recall_from_counts,
)


class LabelMetric(NamedTuple):
    """A metric on labels, its direction and its form on per-class counts.

    ``monotone`` declares that the metric never drops when a group of rows of
    one class only moves from a wrong prediction to their own class (binary:
    only-positive rows move to the positive side, or only-negative rows to the
    negative side). Threshold searches then score only the candidates where
    such a move is impossible. Spreads (``neg_class_gap*``) are not monotone.

    ``recall_summary`` declares that the metric is a function of the per-class
    recalls alone, every class weighing the same (balanced accuracy, g-mean,
    worst-class recall, recall gap; not accuracy, which weighs classes by
    their size, nor anything with precision). Offsets tuned for such a metric
    move recall between classes; ThresholdCalibrator keeps them from paying
    for it with out-of-fold balanced accuracy below the prior correction's.
    """

    score_func: Callable
    kwargs: dict
    greater_is_better: bool
    from_counts: Callable
    monotone: bool = True
    recall_summary: bool = False


def _gap_counts(metric):
    def gap(tp, support, predicted):
        values = per_class_metric(metric, tp, support, predicted, 0.0)
        return values.max(axis=-1) - values.min(axis=-1)

    return gap


def _worst_counts(metric):
    def worst(tp, support, predicted):
        return per_class_metric(metric, tp, support, predicted, 0.0).min(axis=-1)

    return worst


def _g_mean_counts(tp, support, predicted):
    return geometric_mean_from_recalls(recall_from_counts(tp, support, 0.0))


def _macro_f1_counts(tp, support, predicted):
    return nanmean_last(per_class_metric("f1", tp, support, predicted, 0.0))


def _balanced_accuracy_counts(tp, support, predicted):
    return nanmean_last(recall_from_counts(tp, support, np.nan))


def _accuracy_counts(tp, support, predicted):
    return np.asarray(tp, dtype=np.float64).sum(axis=-1) / np.asarray(support).sum(
        axis=-1
    )


_METRICS = {
    "accuracy": LabelMetric(accuracy_from_labels, {}, True, _accuracy_counts),
    "balanced_accuracy": LabelMetric(
        balanced_accuracy_from_labels,
        {},
        True,
        _balanced_accuracy_counts,
        recall_summary=True,
    ),
    "g_mean": LabelMetric(
        geometric_mean_score, {}, True, _g_mean_counts, recall_summary=True
    ),
    "macro_f1": LabelMetric(
        macro_f1_score, {"zero_division": 0.0}, True, _macro_f1_counts
    ),
}
for _metric in ("recall", "precision", "f1"):
    _suffix = "" if _metric == "recall" else f"_{_metric}"
    _kw = {"metric": _metric, "zero_division": 0.0}
    _recalls = _metric == "recall"
    _METRICS[f"worst_class_{_metric}"] = LabelMetric(
        worst_class_score, _kw, True, _worst_counts(_metric), recall_summary=_recalls
    )
    _METRICS[f"neg_class_gap{_suffix}"] = LabelMetric(
        class_gap,
        _kw,
        False,
        _gap_counts(_metric),
        monotone=False,
        recall_summary=_recalls,
    )


def label_metric(name):
    """Return the :class:`LabelMetric` of a scorer name (for count-based searches)."""
    try:
        return _METRICS[name]
    except KeyError:
        raise ValueError(
            f"{name!r} is not a skclassgap scorer; valid names are {sorted(_METRICS)}."
        ) from None


_SCORERS = {
    name: make_scorer(m.score_func, greater_is_better=m.greater_is_better, **m.kwargs)
    for name, m in _METRICS.items()
}


def get_scorer_names():
    """Return the names of the scorers that :func:`get_scorer` knows.

    Returns
    -------
    names : list of str
        Sorted scorer names, each usable as ``scoring=`` in
        :class:`~sklearn.model_selection.GridSearchCV`.

    See Also
    --------
    get_scorer : The scorer of a name.

    Examples
    --------
    >>> from skclassgap.metrics import get_scorer_names
    >>> "g_mean" in get_scorer_names()
    True
    """
    return sorted(_SCORERS)


@validate_params({"scoring": [str]}, prefer_skip_nested_validation=True)
def get_scorer(scoring):
    """Return a scorer of skclassgap's metrics by name.

    Names ending in a lower-is-better metric are prefixed ``neg_`` and return
    the negated metric, as in scikit-learn. Every scorer works on predicted
    labels (``response_method="predict"``).

    Parameters
    ----------
    scoring : str
        One of :func:`get_scorer_names`: ``"g_mean"``, ``"macro_f1"``,
        ``"balanced_accuracy"``, ``"accuracy"``, ``"worst_class_recall"``,
        ``"worst_class_precision"``, ``"worst_class_f1"``, ``"neg_class_gap"``
        (recall gap), ``"neg_class_gap_precision"``, ``"neg_class_gap_f1"``.

    Returns
    -------
    scorer : callable
        A fresh scorer object ``scorer(estimator, X, y)``, usable alone or in a
        multi-metric ``scoring`` dict.

    See Also
    --------
    make_gap_scorer : Build a class-gap or worst-class scorer.
    sklearn.metrics.get_scorer : The scorers of scikit-learn, which mix freely
        with these.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from skclassgap.metrics import get_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> scores = cross_val_score(LogisticRegression(max_iter=1000), X, y,
    ...                          scoring=get_scorer("worst_class_recall"), cv=3)
    >>> bool(scores.min() > 0.8)
    True
    """
    if scoring not in _SCORERS:
        raise ValueError(
            f"{scoring!r} is not a skclassgap scorer; valid names are "
            f"{get_scorer_names()}. For scikit-learn's scorers use "
            "sklearn.metrics.get_scorer."
        )
    return copy.deepcopy(_SCORERS[scoring])


@validate_params(
    {
        "metric": [StrOptions({"recall", "precision", "f1"})],
        "kind": [StrOptions({"gap", "worst"})],
    },
    prefer_skip_nested_validation=True,
)
def make_gap_scorer(metric="recall", *, kind="gap"):
    """Make a scorer of the class gap or of the worst class of a per-class metric.

    Parameters
    ----------
    metric : {"recall", "precision", "f1"}, default="recall"
        Per-class metric.
    kind : {"gap", "worst"}, default="gap"
        ``"gap"`` scores ``-class_gap`` (higher is better, so that search
        maximises it); ``"worst"`` scores ``worst_class_score``.

    Returns
    -------
    scorer : callable
        A scorer ``scorer(estimator, X, y)``.

    See Also
    --------
    class_gap : The metric behind ``kind="gap"``.
    worst_class_score : The metric behind ``kind="worst"``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skclassgap.metrics import make_gap_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(DecisionTreeClassifier(random_state=0),
    ...                       {"max_depth": [1, 3]}, cv=3,
    ...                       scoring=make_gap_scorer("f1")).fit(X, y)
    >>> search.best_params_
    {'max_depth': 3}
    """
    func = class_gap if kind == "gap" else worst_class_score
    return make_scorer(
        func, greater_is_better=kind == "worst", metric=metric, zero_division=0.0
    )
