"""Tests of the registry of metric declarations (``skclassgap.metrics._registry``)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from skclassgap.metrics import get_scorer, get_scorer_names
from skclassgap.metrics._classification import accuracy_from_labels
from skclassgap.metrics._counts import PER_CLASS_METRICS, class_counts
from skclassgap.metrics._registry import (
    METRICS,
    headline_metrics,
    label_metric,
    summary_from_counts,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.UndefinedMetricWarning"
)


def test_registry_holds_the_public_scorer_names():
    """Check that the scorers are exactly the registry's, with their public names."""
    assert (
        get_scorer_names()
        == sorted(METRICS)
        == [
            "accuracy",
            "balanced_accuracy",
            "g_mean",
            "macro_f1",
            "neg_class_gap",
            "neg_class_gap_f1",
            "neg_class_gap_precision",
            "worst_class_f1",
            "worst_class_precision",
            "worst_class_recall",
        ]
    )


def test_headline_metrics_in_display_order_with_their_labels():
    """Check the headline declarations: order, printed labels, column labels."""
    assert [(m.name, m.label, m.column_label) for m in headline_metrics()] == [
        ("accuracy", "accuracy", "accuracy"),
        ("balanced_accuracy", "balanced accuracy", "bal. acc."),
        ("macro_f1", "macro F1", "macro F1"),
        ("g_mean", "g-mean", "g-mean"),
        ("class_gap", "class gap (recall)", "class gap"),
        ("worst_class_recall", "worst-class recall", "worst rec."),
    ]


@pytest.mark.parametrize("scorer", sorted(METRICS))
def test_declaration_scorer_name_follows_its_direction(scorer):
    """Check that a scorer is named after its metric, with ``neg_`` exactly when
    lower is better, and that its declared fields hold allowed values."""
    metric = METRICS[scorer]
    assert metric.scorer_name == scorer
    assert scorer.startswith("neg_") == (not metric.greater_is_better)
    assert scorer.removeprefix("neg_") == metric.name
    assert metric.classes in ("true", "union")
    assert metric.class_key in (None, "worst_class")
    assert label_metric(scorer) is metric


def test_spreads_and_worst_classes_cover_every_per_class_metric():
    """Check that each per-class metric has its gap and worst-class declaration."""
    for metric in PER_CLASS_METRICS:
        suffix = "" if metric == "recall" else f"_{metric}"
        assert METRICS[f"neg_class_gap{suffix}"].kwargs["metric"] == metric
        assert METRICS[f"worst_class_{metric}"].kwargs["metric"] == metric
    labels = [m.label for m in METRICS.values()]
    assert len(set(labels)) == len(labels)


def test_summary_from_counts_ranges_over_declared_classes():
    """Check that a label only predicted counts in metrics over the union of labels
    (macro F1) and not in those over the true classes (g-mean, gap)."""
    y_true = np.array([0, 0, 1, 1])
    y_pred = np.array([0, 2, 1, 1])
    summary = summary_from_counts(class_counts(y_true, y_pred))
    assert summary["g_mean"] == pytest.approx(np.sqrt(0.5))
    assert summary["class_gap"] == pytest.approx(0.5)
    assert summary["macro_f1"] == pytest.approx((2 / 3 + 1.0 + 0.0) / 3)
    assert summary["worst_class"] == 0


def test_one_declaration_makes_a_scorer_and_a_summary_number(error_rate):
    """Check that adding one declaration to the registry makes it a scorer (its
    name listed, lower-is-better negated) and a headline number of counts."""
    assert "neg_error_rate" in get_scorer_names()
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(X[::2], y[::2])
    y_pred = model.predict(X[1::2])
    expected = 1.0 - accuracy_from_labels(y[1::2], y_pred)
    assert get_scorer("neg_error_rate")(model, X[1::2], y[1::2]) == -expected
    summary = summary_from_counts(class_counts(y[1::2], y_pred))
    assert summary["error_rate"] == pytest.approx(expected, abs=1e-15)
    assert list(summary)[-2:] == ["error_rate", "worst_class"]
