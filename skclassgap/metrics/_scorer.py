"""Scorers for ``GridSearchCV`` / ``cross_validate``, read from the metric registry.

Every scorer is a declaration of :mod:`skclassgap.metrics._registry`: its
metric on labels, its direction and the same metric on per-class counts
(``label_metric(name).from_counts``), which threshold and offset searches use
to score many candidate decisions without re-reading the labels.
"""

from sklearn.metrics import make_scorer

from skclassgap._compat import StrOptions, validate_params
from skclassgap.metrics._classification import class_gap, worst_class_score
from skclassgap.metrics._registry import METRICS as _METRICS
from skclassgap.metrics._registry import label_metric as label_metric


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
    return sorted(_METRICS)


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
    if scoring not in _METRICS:
        raise ValueError(
            f"{scoring!r} is not a skclassgap scorer; valid names are "
            f"{get_scorer_names()}. For scikit-learn's scorers use "
            "sklearn.metrics.get_scorer."
        )
    metric = _METRICS[scoring]
    return make_scorer(
        metric.score_func, greater_is_better=metric.greater_is_better, **metric.kwargs
    )


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
