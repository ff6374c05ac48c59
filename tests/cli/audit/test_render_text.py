"""Tests of the audit's text rendering (``skclassgap.cli.audit._render_text``)."""

import numpy as np

from skclassgap.cli.audit._measure import headline, metric_column
from skclassgap.cli.audit._render_text import headline_rows


def test_headline_names_no_worst_class_when_all_equal():
    """Check that equal per-class recalls flag all_classes_equal and the text drops
    the worst class; a real gap names it."""
    columns = [metric_column("worst_class_recall")]
    y = np.array([0, 0, 1, 1, 2, 2])
    numbers, _ = headline(y, y, columns)
    assert numbers["all_classes_equal"]
    result = {"baseline": {"headline": {**dict.fromkeys(_LABELS, 1.0), **numbers}}}
    rows = {label: pooled for label, pooled, _ in headline_rows(result)}
    assert rows["worst-class recall"] == "1.000"
    numbers, _ = headline(y, np.array([0, 0, 1, 0, 2, 2]), columns)
    result = {"baseline": {"headline": {**dict.fromkeys(_LABELS, 1.0), **numbers}}}
    rows = {label: pooled for label, pooled, _ in headline_rows(result)}
    assert rows["worst-class recall"] == "0.500 (class 1)"


_LABELS = [
    "accuracy",
    "balanced_accuracy",
    "macro_f1",
    "g_mean",
    "class_gap",
    "worst_class_recall",
]


def test_headline_rows_show_pooled_and_fold_mean_side_by_side():
    """Check that each headline row holds the pooled value and the fold mean, so
    that a g-mean pooled at 0.290 and averaging 0.077 over the folds (one fold
    with a zero recall) are both shown."""
    numbers = {**dict.fromkeys(_LABELS, 0.5), "g_mean": 0.290}
    numbers.update(worst_class="drizzle", all_classes_equal=False)
    fold_mean = {**dict.fromkeys(_LABELS, 0.5), "g_mean": 0.077}
    result = {"baseline": {"headline": numbers, "fold_mean": fold_mean}}
    rows = {label: (pooled, mean) for label, pooled, mean in headline_rows(result)}
    assert rows["g-mean"] == ("0.290", "0.077")
    assert rows["worst-class recall"] == ("0.500 (class drizzle)", "0.500")
