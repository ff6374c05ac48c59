"""Per-class feature importance of a linear head: mean activation times weight."""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
)

from skclassgap._compat import HasMethods, validate_params
from skclassgap.utils._docstring import shared_docs


def _head_and_activations(estimator, X):
    """The final step of ``estimator`` and the features it receives from ``X``."""
    if isinstance(estimator, Pipeline):
        head = estimator.steps[-1][1]
        if len(estimator.steps) == 1:
            return head, X, getattr(X, "columns", None)
        body = estimator[:-1]
        activations = body.transform(X)
        try:
            names = body.get_feature_names_out()
        except (AttributeError, ValueError, TypeError):
            names = None
        return head, activations, names
    return estimator, X, getattr(X, "columns", None)


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
    },
    prefer_skip_nested_validation=True,
)
@shared_docs
def per_class_feature_importance(estimator, X, y):
    """Importance of each feature for each class in a fitted linear head.

    For class c and feature i, the importance is the mean over the rows of
    class c of ``a_i * w_ci``, where ``a`` is what the head receives (``X``
    itself, or ``X`` transformed by the earlier steps of a Pipeline) and
    ``w_ci`` the head's weight of feature i for class c (``coef_``). This is
    the importance Moayeri et al. [1]_ use to shortlist the neurons a class
    relies on; large positive values mark candidate spurious features, to be
    confirmed by a person before they go into ``spurious_features``. For a
    binary head with a single row of ``coef_``, the weights are ``-coef_[0]``
    for ``classes_[0]`` and ``+coef_[0]`` for ``classes_[1]``.

    Parameters
    ----------
    estimator : estimator instance
        A fitted classifier with ``coef_`` and ``classes_`` (e.g.
        :class:`~sklearn.linear_model.LogisticRegression`), or a fitted
        Pipeline ending in one.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Rows on which to average the activations.
    y : array-like of shape (n_samples,)
        Their labels; every label must be one of the head's ``classes_``.

    Returns
    -------
    importance : pandas.DataFrame of shape (n_classes, n_head_features)
        Indexed by class, one column per head input feature (named after the
        columns of ``X`` or the Pipeline's ``get_feature_names_out`` when
        available, else ``x0``, ``x1``, ...). Classes without rows in ``y``
        get NaN.

    References
    ----------
    .. [1] {moayeri2023}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.spurious import per_class_feature_importance
    >>> X = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 2.0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> clf = LogisticRegression().fit(X, y)
    >>> imp = per_class_feature_importance(clf, X, y)
    >>> imp.shape
    (2, 2)
    >>> bool(imp.loc[0, "x0"] > 0 and imp.loc[1, "x1"] > 0)
    True
    """
    check_consistent_length(X, y)
    check_is_fitted(estimator)
    head, activations, names = _head_and_activations(estimator, X)
    if not hasattr(head, "coef_") or not hasattr(head, "classes_"):
        raise ValueError(
            "per_class_feature_importance needs a linear head with coef_ and "
            f"classes_; the final step is {type(head).__name__}, which lacks them."
        )
    activations = check_array(activations, accept_sparse="csr", dtype=np.float64)
    coef = np.asarray(head.coef_, dtype=np.float64)
    classes = np.asarray(head.classes_)
    if coef.ndim == 1:
        coef = coef[np.newaxis, :]
    if coef.shape[0] == 1 and classes.size == 2:
        coef = np.vstack([-coef[0], coef[0]])
    if coef.shape != (classes.size, activations.shape[1]):
        raise ValueError(
            f"the head's coef_ has shape {coef.shape}, which does not match "
            f"{classes.size} classes and {activations.shape[1]} input features."
        )
    y = np.asarray(y)
    check_classification_targets(y)
    unknown = np.setdiff1d(np.unique(y), classes)
    if unknown.size:
        raise ValueError(
            f"y holds labels {unknown.tolist()!r} that the estimator was not fitted "
            f"on; its classes are {classes.tolist()!r}."
        )
    importance = np.full(coef.shape, np.nan)
    for k, label in enumerate(classes):
        rows = np.flatnonzero(y == label)
        if rows.size:
            mean = np.asarray(activations[rows].mean(axis=0)).reshape(-1)
            importance[k] = mean * coef[k]
    if names is None:
        names = [f"x{i}" for i in range(coef.shape[1])]
    return pd.DataFrame(
        importance, index=pd.Index(classes, name="class"), columns=list(map(str, names))
    )
