"""Tests of the scorer registry in model selection."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.tree import DecisionTreeClassifier

from skclassgap.metrics import (
    class_gap,
    geometric_mean_score,
    get_scorer,
    get_scorer_names,
    make_gap_scorer,
    worst_class_score,
)
from skclassgap.metrics._counts import class_counts
from skclassgap.metrics._scorer import label_metric


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(
        n_samples=300,
        n_classes=3,
        n_informative=4,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )
    model = LogisticRegression(max_iter=500).fit(X[:200], y[:200])
    return model, X[200:], y[200:]


@pytest.mark.parametrize(
    "name, reference",
    [
        ("g_mean", geometric_mean_score),
        ("macro_f1", lambda t, p: f1_score(t, p, average="macro")),
        ("balanced_accuracy", balanced_accuracy_score),
        ("accuracy", lambda t, p: np.mean(t == p)),
        ("worst_class_recall", worst_class_score),
        ("worst_class_f1", lambda t, p: worst_class_score(t, p, metric="f1")),
        ("neg_class_gap", lambda t, p: -class_gap(t, p)),
        ("neg_class_gap_precision", lambda t, p: -class_gap(t, p, metric="precision")),
    ],
)
def test_get_scorer_scores_predictions(fitted, name, reference):
    """Check that each scorer returns the metric (negated for neg_*) of predict."""
    model, X, y = fitted
    assert get_scorer(name)(model, X, y) == pytest.approx(
        reference(y, model.predict(X))
    )


@pytest.mark.parametrize("name", get_scorer_names())
def test_label_metric_from_counts_matches_scorer(fitted, name):
    """Check that each count-based form equals the label metric (sign included)."""
    model, X, y = fitted
    y_pred = model.predict(X)
    metric = label_metric(name)
    counts = class_counts(y, y_pred)
    value = metric.from_counts(counts.tp, counts.support, counts.predicted)
    sign = 1 if metric.greater_is_better else -1
    assert sign * float(value) == pytest.approx(get_scorer(name)(model, X, y))


def test_label_metric_from_counts_is_vectorised():
    """Check that from_counts scores a batch of count vectors like one at a time."""
    rng = np.random.default_rng(0)
    support = rng.integers(1, 20, size=(5, 4))
    tp = rng.integers(0, 1, size=(5, 4)) + (support // 2)
    predicted = tp + rng.integers(0, 5, size=(5, 4))
    for name in get_scorer_names():
        f = label_metric(name).from_counts
        batch = f(tp, support, predicted)
        single = [f(tp[i], support[i], predicted[i]) for i in range(5)]
        np.testing.assert_allclose(batch, single)


def test_scorers_in_multimetric_grid_search_with_refit():
    """Check several of our scorers together in GridSearchCV with refit by name."""
    X, y = load_iris(return_X_y=True)
    scoring = {
        name: get_scorer(name) for name in ("g_mean", "neg_class_gap", "macro_f1")
    }
    search = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 4]},
        scoring=scoring,
        refit="g_mean",
        cv=3,
    ).fit(X, y)
    results = search.cv_results_
    assert search.best_index_ == int(np.argmax(results["mean_test_g_mean"]))
    # depth 1 cannot separate 3 classes: one class gets recall 0, so g-mean 0.
    assert results["mean_test_g_mean"][0] == 0.0
    assert results["mean_test_neg_class_gap"][0] <= -0.99


def test_scorers_in_cross_validate_match_manual_folds():
    """Check that cross_validate with our scorer equals the metric on each fold."""
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500)
    out = cross_validate(
        model,
        X,
        y,
        cv=3,
        scoring=get_scorer("worst_class_recall"),
        return_estimator=True,
        return_indices=True,
    )
    for est, test in zip(out["estimator"], out["indices"]["test"], strict=True):
        expected = worst_class_score(y[test], est.predict(X[test]))
        assert expected in out["test_score"]


def test_make_gap_scorer_signs():
    """Check that kind='gap' is negated and kind='worst' is not."""
    X, y = load_iris(return_X_y=True)
    model = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)
    pred = model.predict(X)
    assert make_gap_scorer("f1")(model, X, y) == pytest.approx(
        -class_gap(y, pred, metric="f1")
    )
    assert make_gap_scorer("f1", kind="worst")(model, X, y) == pytest.approx(
        worst_class_score(y, pred, metric="f1", zero_division=0.0)
    )


def test_get_scorer_returns_independent_copies():
    """Check that get_scorer hands out a fresh object each call."""
    assert get_scorer("g_mean") is not get_scorer("g_mean")


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: get_scorer("f1_macro"),
            ValueError,
            "'f1_macro' is not a skclassgap scorer",
        ),
        (lambda: get_scorer(3), ValueError, "scoring"),
        (lambda: label_metric("nope"), ValueError, "'nope' is not a skclassgap scorer"),
        (lambda: make_gap_scorer("auc"), ValueError, "metric"),
        (lambda: make_gap_scorer(kind="best"), ValueError, "kind"),
    ],
)
def test_scorer_errors(call, error, match):
    """Check that unknown names and options raise clear errors."""
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("name", get_scorer_names())
def test_label_metric_monotone_declaration_holds(name):
    """Check that every scorer declared monotone never drops when rows only gain.

    Binary counts: moving ``a`` false negatives to true positives (only-positive
    rows cross to the positive side) or ``b`` false positives to true negatives
    never lowers a monotone metric; a metric declared non-monotone must have a
    counter-example among the same random cases (else the declaration throws
    away a valid shortcut).
    """
    metric = label_metric(name)
    rng = np.random.default_rng(0)
    dropped = False
    for _ in range(2000):
        tp, fn, fp, tn = rng.integers(0, 6, size=4)
        a, b = rng.integers(0, 4, size=2)
        a, b = min(a, fn), min(b, fp)

        def score(tp, fn, fp, tn):
            counts = np.array([tn, tp], dtype=float)
            support = np.array([tn + fp, tp + fn], dtype=float)
            predicted = np.array([tn + fn, tp + fp], dtype=float)
            if support.min() == 0:
                return None
            return float(metric.from_counts(counts, support, predicted))

        before = score(tp, fn, fp, tn)
        after_pos = score(tp + a, fn - a, fp, tn)
        after_neg = score(tp, fn, fp - b, tn + b)
        if before is None:
            continue
        for after in (after_pos, after_neg):
            if after is not None and after < before - 1e-12:
                dropped = True
                assert not metric.monotone, (name, tp, fn, fp, tn, a, b)
    assert dropped == (not metric.monotone)


def test_per_class_metric_refuses_unknown_name():
    """Check that an unknown per-class metric name is refused with the valid names."""
    from skclassgap.metrics._counts import per_class_metric

    with pytest.raises(ValueError, match=r"metric='auc' is not a per-class metric"):
        per_class_metric("auc", np.ones(2), np.ones(2), np.ones(2))


def _counts_of(confusion):
    """(tp, support, predicted) of a confusion matrix C[true, predicted]."""
    return np.diag(confusion).copy(), confusion.sum(axis=1), confusion.sum(axis=0)


@pytest.mark.parametrize("name", get_scorer_names())
def test_label_metric_recall_summary_declaration_holds(name):
    """Check that every scorer declared a recall summary is a symmetric function
    of the per-class recalls alone.

    On random 4-class confusion matrices, such a metric keeps its value when
    (a) each class's errors move to other wrong classes (recalls fixed,
    predicted counts changed), (b) one class's row is scaled (its recall fixed,
    its size changed) and (c) the classes are relabelled. A metric declared
    otherwise must break one of these on the same cases (else the declaration
    withholds the balanced-accuracy guard from a recall summary).
    """
    metric = label_metric(name)
    rng = np.random.default_rng(0)
    broken = False
    for _ in range(200):
        confusion = rng.integers(1, 8, size=(4, 4)).astype(float)
        value = float(metric.from_counts(*_counts_of(confusion)))
        moved = confusion.copy()
        for i in range(4):
            errors = np.delete(moved[i], i)
            moved[i, np.arange(4) != i] = rng.permutation(errors)
        scaled = confusion.copy()
        scaled[rng.integers(4)] *= 3.0
        perm = rng.permutation(4)
        relabelled = confusion[perm][:, perm]
        for other in (moved, scaled, relabelled):
            kept = float(metric.from_counts(*_counts_of(other)))
            if abs(kept - value) > 1e-12:
                broken = True
                assert not metric.recall_summary, (name, confusion, other)
    assert broken == (not metric.recall_summary)
