"""Single-feature leakage check: does one column alone predict the target?

Each cleaned column is used on its own to predict the target out of fold, on
the audit's folds: a numeric or datetime column by a small decision tree
(missing values handled by the tree), a categorical column by the majority
class of each of its values in the training fold. A column whose balanced
accuracy reaches :data:`LEAKAGE_THRESHOLD` is named in a warning: it is
either the whole answer or derived from the target (a label copy, an ID
sorted by class, a post-outcome measurement).
"""

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from skclassgap.cli.audit._clean import DATETIME, NUMERIC
from skclassgap.metrics._registry import label_metric

LEAKAGE_THRESHOLD = 0.98


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
    """Majority class of each value in ``train``; unseen values get the overall
    majority class of ``train``."""
    n_values = int(codes.max()) + 2  # code -1 (missing) goes to the last slot
    table = np.zeros((n_values, n_classes), dtype=np.int64)
    np.add.at(table, (codes[train], y_codes[train]), 1)
    fallback = np.bincount(y_codes[train], minlength=n_classes).argmax()
    majority = np.where(table.sum(axis=1) > 0, table.argmax(axis=1), fallback)
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
                    max_leaf_nodes=4 * n_classes, random_state=0
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


def leakage_warnings(scores):
    """Columns at or above the threshold, best first, as (column, score)."""
    leaks = [(c, s) for c, s in scores.items() if s >= LEAKAGE_THRESHOLD]
    return sorted(leaks, key=lambda item: -item[1])
