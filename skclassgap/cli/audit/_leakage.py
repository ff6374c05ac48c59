"""Single-feature leakage check: does one column alone predict the target?

Each cleaned column is used on its own to predict the target out of fold, on
the audit's folds (their first repetition): a numeric or datetime column by a
small decision tree with balanced class weights (missing values handled by
the tree), a categorical column by the class each of its values holds the
largest share of (rows of the class with the value over rows of the class, in
the training fold). Both weigh classes equally, as balanced accuracy does: on
imbalanced data a majority vote would predict the large class everywhere and
hide a column that singles out a rare one.
Every column is ranked by that out-of-fold balanced accuracy. A column
reaching :data:`LEAKAGE_THRESHOLD` is named in a warning, one reaching
:data:`SUSPICIOUS_THRESHOLD` in a "suspicious" line: it is either nearly the
whole answer or derived from the target (a label copy, an ID sorted by class,
a post-outcome measurement). A column that agrees with the target on 97 % of
the rows of every class scores 0.97.
"""

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from skclassgap.cli.audit._clean import DATETIME, NUMERIC
from skclassgap.metrics._registry import label_metric

LEAKAGE_THRESHOLD = 0.95
SUSPICIOUS_THRESHOLD = 0.90


def _seconds(column):
    """Datetimes as float seconds since the epoch (NaT -> NaN)."""
    values = column.to_numpy(dtype="datetime64[ns]")
    seconds = values.astype(np.int64).astype(np.float64) / 1e9
    seconds[np.isnat(values)] = np.nan
    return seconds


def _balanced_accuracy(y_true, y_pred):
    metric = label_metric("balanced_accuracy")
    return float(metric.score_func(y_true, y_pred, **metric.kwargs))


def _lookup_predictions(codes, y_codes, train, test, n_classes):
    """The class of largest share of each value in ``train`` (its rows with the
    value over its rows: a balanced majority vote, ties to the first class);
    unseen values get the majority class of ``train``."""
    n_values = int(codes.max()) + 2  # code -1 (missing) goes to the last slot
    table = np.zeros((n_values, n_classes), dtype=np.int64)
    np.add.at(table, (codes[train], y_codes[train]), 1)
    sizes = np.bincount(y_codes[train], minlength=n_classes)
    shares = table / np.maximum(sizes, 1)
    fallback = sizes.argmax()
    majority = np.where(table.sum(axis=1) > 0, shares.argmax(axis=1), fallback)
    return majority[codes[test]]


def single_feature_scores(X, kinds, y, splits):
    """Out-of-fold balanced accuracy of each column used alone."""
    classes, y_codes = np.unique(y, return_inverse=True)
    n_classes = len(classes)
    scores = {}
    for column, kind in kinds.items():
        values = X[column]
        predictions = np.empty(len(y), dtype=np.int64)
        if kind in (NUMERIC, DATETIME):
            feature = _seconds(values) if kind == DATETIME else values.to_numpy(float)
            feature = feature.reshape(-1, 1)
            for train, test in splits:
                tree = DecisionTreeClassifier(
                    max_leaf_nodes=4 * n_classes,
                    class_weight="balanced",
                    random_state=0,
                ).fit(feature[train], y_codes[train])
                predictions[test] = tree.predict(feature[test])
        else:
            codes = values.cat.codes.to_numpy(np.int64)
            for train, test in splits:
                predictions[test] = _lookup_predictions(
                    codes, y_codes, train, test, n_classes
                )
        scores[column] = _balanced_accuracy(y_codes, predictions)
    return scores


def ranking(scores):
    """Every column as (column, score), highest score first (ties: table order)."""
    order = list(scores)
    return sorted(scores.items(), key=lambda item: (-item[1], order.index(item[0])))


def level(score):
    """``"warning"`` at :data:`LEAKAGE_THRESHOLD` or above, ``"suspicious"`` at
    :data:`SUSPICIOUS_THRESHOLD` or above, else None."""
    if score >= LEAKAGE_THRESHOLD:
        return "warning"
    if score >= SUSPICIOUS_THRESHOLD:
        return "suspicious"
    return None


def leakage_warnings(scores):
    """Columns at or above the suspicious threshold, best first, as
    (column, score, level)."""
    return [(c, s, level(s)) for c, s in ranking(scores) if level(s) is not None]
