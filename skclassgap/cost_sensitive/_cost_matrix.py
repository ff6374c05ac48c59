"""Cost matrices: validation into class order, and the class weights they imply.

A cost matrix ``C`` has one row per true class and one column per predicted
class: ``C[i, j]`` is the cost of predicting class ``j`` for a row of class
``i``. Users give it as an array in class order, as a pandas DataFrame labelled
by class (index = true class, columns = predicted class), or as a dict of dicts
``{true: {predicted: cost}}``. All three become one float64 ``(K, K)`` array in
the order of the classes the caller works with.
"""

import numbers

import numpy as np
import pandas as pd


def _describe(labels):
    return repr(list(np.asarray(labels).tolist()))


def _check_values(matrix, name):
    if matrix.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers; got an array of dtype {matrix.dtype}."
        )
    matrix = np.asarray(matrix, dtype=np.float64)
    if not np.isfinite(matrix).all():
        raise ValueError(f"{name} contains NaN or infinity; costs must be finite.")
    if (matrix < 0).any():
        raise ValueError(
            f"{name} contains negative costs (min {float(matrix.min())!r}); costs "
            "must be >= 0. Shift every cost by the same amount to make them "
            "non-negative: decisions do not change."
        )
    return np.ascontiguousarray(matrix)


def _positions(found, classes, name, axis_name):
    """Position in ``found`` (labels of a DataFrame/dict axis) of every class."""
    index = {label: k for k, label in enumerate(found)}
    if len(index) != len(found):
        raise ValueError(
            f"{name} repeats {axis_name} labels ({list(found)!r}); give each class "
            "once."
        )
    known = set(classes.tolist())
    unknown = [label for label in found if label not in known]
    if unknown:
        raise ValueError(
            f"{name} {axis_name} labels {unknown!r} are not classes; the classes are "
            f"{_describe(classes)}."
        )
    missing = [c for c in classes.tolist() if c not in index]
    if missing:
        raise ValueError(
            f"{name} has no {axis_name} for classes {missing!r}; give a cost for "
            f"every class in {_describe(classes)}."
        )
    return np.asarray([index[c] for c in classes.tolist()], dtype=np.intp)


def _from_dict(cost_matrix, classes, name):
    rows = list(cost_matrix)
    _positions(rows, classes, name, "row")
    matrix = np.zeros((len(classes), len(classes)))
    known = set(classes.tolist())
    missing = []
    for i, true in enumerate(classes.tolist()):
        row = cost_matrix[true]
        if not isinstance(row, dict):
            raise TypeError(
                f"{name} must be a dict of dicts {{true: {{predicted: cost}}}}; the "
                f"value for class {true!r} is a {type(row).__name__}."
            )
        unknown = [label for label in row if label not in known]
        if unknown:
            raise ValueError(
                f"{name} column labels {unknown!r} are not classes; the classes are "
                f"{_describe(classes)}."
            )
        for j, pred in enumerate(classes.tolist()):
            if pred in row:
                value = row[pred]
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise TypeError(
                        f"{name}[{true!r}][{pred!r}] must be a number; got {value!r}."
                    )
                matrix[i, j] = value
            elif i != j:
                missing.append((true, pred))
    if missing:
        raise ValueError(
            f"{name} has no cost for the (true, predicted) pairs {missing!r}; give "
            "every off-diagonal cost (missing diagonal costs are 0)."
        )
    return matrix


def check_cost_matrix(cost_matrix, classes, *, name="cost_matrix"):
    """Return ``cost_matrix`` as a float64 ``(K, K)`` array in ``classes`` order.

    Parameters
    ----------
    cost_matrix : array-like, pandas DataFrame or dict of dicts
        Rows are true classes, columns predicted classes. An array is taken to
        be in ``classes`` order; a DataFrame is matched by its index (true) and
        columns (predicted); a dict of dicts ``{true: {predicted: cost}}`` must
        give every off-diagonal cost (missing diagonal costs are 0).
    classes : ndarray of shape (n_classes,)
        The classes, in the order of the returned rows and columns.
    name : str, default="cost_matrix"
        Argument name used in error messages.

    Returns
    -------
    cost : ndarray of shape (n_classes, n_classes)
        Finite, non-negative costs.
    """
    classes = np.asarray(classes)
    n_classes = len(classes)
    if isinstance(cost_matrix, dict):
        matrix = _from_dict(cost_matrix, classes, name)
    elif isinstance(cost_matrix, pd.DataFrame):
        rows = _positions(list(cost_matrix.index), classes, name, "row")
        cols = _positions(list(cost_matrix.columns), classes, name, "column")
        matrix = cost_matrix.to_numpy()[np.ix_(rows, cols)]
    else:
        matrix = np.asarray(cost_matrix)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(
                f"{name} must be a square 2-d array (rows: true class, columns: "
                f"predicted class); got shape {matrix.shape}."
            )
        if matrix.shape[0] != n_classes:
            raise ValueError(
                f"{name} has shape {matrix.shape} but there are {n_classes} classes "
                f"{_describe(classes)}; pass a {n_classes}x{n_classes} array in "
                "sorted class order, or a DataFrame / dict of dicts labelled by class."
            )
    return _check_values(np.asarray(matrix), name)


def balanced_cost_matrix(codes, classes, sample_weight=None):
    """Costs inverse to class frequency: ``C[i, j] = n / (K n_i)`` off the diagonal.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Class index of each row, in ``[0, K)``.
    classes : ndarray of shape (K,)
        The classes (for error messages).
    sample_weight : ndarray of shape (n_samples,) or None
        Row weights; ``n_i`` is then the weight sum of class ``i``.

    Returns
    -------
    cost : ndarray of shape (K, K)
        Zero diagonal; row ``i`` holds ``n / (K n_i)`` elsewhere, the weight
        ``class_weight="balanced"`` gives the class.
    """
    n_classes = len(classes)
    counts = np.bincount(codes, weights=sample_weight, minlength=n_classes)
    if (counts <= 0).any():
        raise ValueError(
            "cost_matrix='balanced' is undefined for classes "
            f"{_describe(classes[counts <= 0])}, whose sample weights sum to 0; "
            "give them positive weights or pass a cost matrix."
        )
    weights = counts.sum() / (n_classes * counts)
    cost = np.repeat(weights[:, None], n_classes, axis=1)
    np.fill_diagonal(cost, 0.0)
    return cost


def cost_class_weights(cost):
    """Class weights implied by a cost matrix: the mean regret of misclassifying.

    ``w_i = mean_{j != i} (C[i, j] - C[i, i])``, clipped at 0: how much more,
    on average, a row of class ``i`` costs when it is misclassified than when it
    is classified right. For two classes with ``C[i, i] = 0`` this gives the
    weights ``(C[0, 1], C[1, 0])`` under which the plain 0.5 threshold of a
    weighted model is the Bayes threshold of the costs (Elkan, 2001).

    Parameters
    ----------
    cost : ndarray of shape (n_classes, n_classes)
        Validated cost matrix.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
    """
    n_classes = cost.shape[0]
    regret = cost - np.diag(cost)[:, None]
    off_diagonal = ~np.eye(n_classes, dtype=bool)
    weights = np.where(off_diagonal, regret, 0.0).sum(axis=1) / max(n_classes - 1, 1)
    return np.maximum(weights, 0.0)
