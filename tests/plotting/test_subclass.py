"""Tests of SubclassDisplay."""

import numpy as np

from skclassgap.plotting import SubclassDisplay
from skclassgap.subclass import subclass_report

X = np.arange(24, dtype=float).reshape(12, 2)
Y_TRUE = np.array([0] * 6 + [1] * 6)
Y_PRED = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1])
GROUPS = np.array(["u"] * 4 + ["v"] * 2 + ["u"] * 3 + ["v"] * 3)


def test_subclass_display_bars_equal_worst_subclasses():
    """Check that the bars are the report's worst sub-classes, worst at the top,
    with the class recall marked and the gap in the title."""
    report = subclass_report(X, Y_TRUE, Y_PRED, groups=GROUPS)
    display = SubclassDisplay.from_report(report, n=3)
    worst = report.worst_subclasses(3)
    widths = [bar.get_width() for bar in display.bars_]
    np.testing.assert_allclose(widths, worst["recall"])
    tops = [bar.get_y() for bar in display.bars_]
    assert tops == sorted(tops, reverse=True)  # first (worst) bar on top
    ticks = display.ax_.collections[0].get_offsets()[:, 0]
    np.testing.assert_allclose(ticks, worst["class_recall"])
    assert f"{report.gap:.3f}" in display.ax_.get_title()
    assert display.figure_ is display.ax_.figure


def test_subclass_display_from_predictions_passes_arguments():
    """Check that from_predictions runs the report with the given arguments."""
    display = SubclassDisplay.from_predictions(X, Y_TRUE, Y_PRED, groups=GROUPS, n=2)
    assert len(display.bars_) == 2
    assert display.worst.index[0] == (0, "v")
