"""Expected misclassification cost of predictions, and its scorer."""

import numpy as np
import pandas as pd
from sklearn.metrics import make_scorer

from skclassgap._compat import validate_params
from skclassgap.cost_sensitive._cost_matrix import check_cost_matrix
from skclassgap.metrics._counts import confusion_counts
from skclassgap.metrics._dask import dask_confusion_counts
from skclassgap.utils._dask import any_dask
from skclassgap.utils._docstring import shared_docs


def _cost_labels(cost_matrix, labels, present):
    """Classes the rows and columns of ``cost_matrix`` refer to."""
    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim != 1 or len(set(labels.tolist())) != len(labels):
            raise ValueError(
                "labels must be a 1-d list of distinct classes; got "
                f"{labels.tolist()!r}."
            )
        return labels
    if isinstance(cost_matrix, pd.DataFrame):
        return np.asarray(cost_matrix.index)
    if isinstance(cost_matrix, dict):
        return np.asarray(list(cost_matrix))
    n_rows = np.shape(cost_matrix)[0] if np.ndim(cost_matrix) == 2 else None
    if n_rows != len(present):
        raise ValueError(
            f"cost_matrix is an array with {n_rows} rows but y_true and y_pred hold "
            f"{len(present)} classes {present.tolist()!r}; pass labels= (the classes "
            "of the rows, in order), or a DataFrame / dict of dicts labelled by class."
        )
    return present


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "cost_matrix": ["array-like", dict],
        "labels": ["array-like", None],
        "sample_weight": ["array-like", None],
        "normalize": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@shared_docs
def expected_cost(
    y_true, y_pred, cost_matrix, *, labels=None, sample_weight=None, normalize=True
):
    """Average (or total) cost of predictions under a cost matrix.

    ``expected_cost = sum_r w_r * C[y_true_r, y_pred_r] / sum_r w_r``, or the
    numerator alone when ``normalize=False``. Lower is better; the matching
    scorer is :func:`make_cost_scorer` (``neg_expected_cost``). Labels are
    counted in one pass (the confusion-count kernel of :mod:`skclassgap.metrics`),
    then weighted by the costs.

    Parameters
    ----------
    {y_true_y_pred}
    cost_matrix : array-like of shape (n_classes, n_classes), DataFrame or dict of dicts
        ``C[i, j]``: cost of predicting class ``j`` for a row of class ``i``
        (rows: true class, columns: predicted class). Finite and non-negative.
        A DataFrame is read by its index (true) and column (predicted) labels; a
        dict of dicts ``{true: {predicted: cost}}`` must give every
        off-diagonal cost (a missing diagonal cost is 0). An array follows
        ``labels``, or, by default, the sorted classes of ``y_true`` and
        ``y_pred``.
    labels : array-like of shape (n_classes,), default=None
        The classes of the rows and columns of ``cost_matrix``, in order.
        Needed for an array cost matrix when some class occurs in neither
        ``y_true`` nor ``y_pred`` (small cross-validation folds); every label of
        ``y_true`` and ``y_pred`` must be among them.
    {metric_sample_weight}
    normalize : bool, default=True
        Return the (weighted) mean cost per row; otherwise the total cost.

    Returns
    -------
    cost : float
        Mean or total cost.

    See Also
    --------
    make_cost_scorer : Scorer of this metric for model selection.
    CostSensitiveClassifier : Classifier that minimises it.

    Examples
    --------
    >>> from skclassgap.cost_sensitive import expected_cost
    >>> cost = [[0, 1], [10, 0]]  # missing a positive costs 10, a false alarm 1
    >>> expected_cost([0, 0, 1, 1], [0, 1, 1, 0], cost)
    2.75
    >>> expected_cost([0, 0, 1, 1], [0, 1, 1, 0], cost, normalize=False)
    11.0
    """
    count = (
        dask_confusion_counts
        if any_dask(y_true, y_pred, sample_weight)
        else confusion_counts
    )
    values, counts, _ = count(y_true, y_pred, sample_weight=sample_weight)
    classes = _cost_labels(cost_matrix, labels, values)
    cost = check_cost_matrix(cost_matrix, classes)
    lookup = {label: k for k, label in enumerate(classes.tolist())}
    unknown = [v for v in values.tolist() if v not in lookup]
    if unknown:
        raise ValueError(
            f"y_true or y_pred hold labels {unknown!r} that the cost matrix does not "
            f"cover; its classes are {classes.tolist()!r}."
        )
    pos = np.asarray([lookup[v] for v in values.tolist()], dtype=np.intp)
    total = float((counts * cost[np.ix_(pos, pos)]).sum())
    if not normalize:
        return total
    return total / float(counts.sum())  # > 0: all-zero weights are rejected above


@validate_params(
    {"cost_matrix": ["array-like", dict], "labels": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def make_cost_scorer(cost_matrix, *, labels=None):
    """Make a ``neg_expected_cost`` scorer for model selection.

    The scorer returns ``-expected_cost(y, estimator.predict(X), cost_matrix)``,
    so that :class:`~sklearn.model_selection.GridSearchCV` and
    :func:`~sklearn.model_selection.cross_val_score`, which maximise, pick the
    cheapest model.

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes), DataFrame or dict of dicts
        The costs, as in :func:`expected_cost`. Prefer a DataFrame, a dict of
        dicts, or an array with ``labels``: a cross-validation fold may lack a
        class, and an array without labels then cannot be matched to classes.
    labels : array-like of shape (n_classes,), default=None
        Classes of the rows and columns of an array ``cost_matrix``.

    Returns
    -------
    scorer : callable
        A scorer ``scorer(estimator, X, y)`` (``greater_is_better=False``) that
        accepts ``sample_weight`` through metadata routing like scikit-learn's
        scorers.

    See Also
    --------
    expected_cost : The metric.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skclassgap.cost_sensitive import make_cost_scorer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> scorer = make_cost_scorer({0: {1: 10}, 1: {0: 1}})
    >>> model = make_pipeline(StandardScaler(), LogisticRegression())
    >>> scores = cross_val_score(model, X, y, cv=3, scoring=scorer)
    >>> bool((scores <= 0).all())
    True
    """
    return make_scorer(
        expected_cost, greater_is_better=False, cost_matrix=cost_matrix, labels=labels
    )
