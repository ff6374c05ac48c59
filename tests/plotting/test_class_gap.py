"""Tests of ClassGapDisplay."""

import sys

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skclassgap.metrics import class_gap, per_class_report
from skclassgap.plotting import ClassGapDisplay, SpectrumDisplay, ThresholdCurveDisplay

Y_TRUE = np.array(["a"] * 6 + ["b"] * 4 + ["c"] * 2)
Y_PRED = np.array(["a"] * 5 + ["b"] + ["b"] * 3 + ["a"] + ["c", "a"])
Y_OTHER = np.array(["a"] * 6 + ["b"] * 3 + ["c"] + ["c"] * 2)


def test_class_gap_display_bars_equal_per_class_report():
    """Check that every bar's height is the per-class metric of per_class_report."""
    display = ClassGapDisplay.from_predictions(Y_TRUE, Y_PRED, name="m")
    report = per_class_report(Y_TRUE, Y_PRED, zero_division=0.0)
    for metric in ("recall", "precision", "f1"):
        heights = [bar.get_height() for bar in display.bars_[("m", metric)]]
        np.testing.assert_allclose(heights, report[metric])
    assert display.gap_["m"] == pytest.approx(class_gap(Y_TRUE, Y_PRED))
    assert display.worst_class_["m"] == "c"
    assert display.figure_ is display.ax_.figure
    red = [
        t.get_text()
        for t in display.ax_.get_xticklabels()
        if t.get_color() == "#c00000"
    ]
    assert red == ["c"]
    assert "recall gap 0.333" in display.ax_.get_title()


def test_class_gap_display_compares_two_models():
    """Check that a comparison draws one recall series per model with its own gap."""
    display = ClassGapDisplay.from_predictions(
        Y_TRUE, Y_PRED, y_pred_other=Y_OTHER, name="base", other_name="fixed"
    )
    assert sorted(display.bars_) == [("base", "recall"), ("fixed", "recall")]
    other = [bar.get_height() for bar in display.bars_[("fixed", "recall")]]
    np.testing.assert_allclose(other, per_class_report(Y_TRUE, Y_OTHER)["recall"])
    assert display.gap_["fixed"] == pytest.approx(class_gap(Y_TRUE, Y_OTHER))
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels[1].replace("\n", " ") == "fixed: recall (gap 0.250, worst b)"


def test_class_gap_display_from_estimator_names_the_final_step():
    """Check that from_estimator predicts and names a Pipeline by its final step."""
    X, y = load_wine(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    dummy = DummyClassifier().fit(X, y)
    display = ClassGapDisplay.from_estimator(model, X, y, other_estimator=dummy)
    assert list(display.gap_) == ["LogisticRegression", "DummyClassifier"]
    assert display.gap_["DummyClassifier"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"gap_metric": "accuracy"}, "metric 'accuracy' is not plotted"),
        ({"metrics": ["recall", "auc"]}, "metric 'auc' is not plotted"),
    ],
)
def test_class_gap_display_rejects_unknown_metrics(kwargs, match):
    """Check that unknown metric names are refused."""
    scores = per_class_report(Y_TRUE, Y_PRED, zero_division=0.0)
    with pytest.raises(ValueError, match=match):
        ClassGapDisplay(scores).plot(**kwargs)


def test_class_gap_display_rejects_mismatched_classes():
    """Check that a second model with other classes is refused."""
    scores = per_class_report(Y_TRUE, Y_PRED, zero_division=0.0)
    with pytest.raises(ValueError, match="same classes in the same order"):
        ClassGapDisplay(scores, other_scores=scores.iloc[::-1]).plot()


@pytest.mark.parametrize(
    "call",
    [
        lambda: ClassGapDisplay.from_predictions(Y_TRUE, Y_PRED),
        lambda: SpectrumDisplay.from_data(np.eye(4), [0, 0, 1, 1]),
        lambda: ThresholdCurveDisplay(offsets=[0.0, 1.0]).plot(),
    ],
)
def test_displays_without_matplotlib_say_how_to_install(monkeypatch, call):
    """Check that a missing matplotlib gives an ImportError naming the extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"needs matplotlib.*skclassgap\[plot\]"):
        call()


def test_class_gap_display_marks_no_worst_class_when_all_equal():
    """Check that equal per-class recalls give no worst class, no red tick label and
    say so in the title."""
    y = np.array(["a", "a", "b", "b", "c", "c"])
    display = ClassGapDisplay.from_predictions(y, y, name="m")
    assert display.worst_class_["m"] is None and display.gap_["m"] == 0.0
    colors = {t.get_color() for t in display.ax_.get_xticklabels()}
    assert "#c00000" not in colors
    assert display.ax_.get_title().endswith("gap 0.000, all equal")
    assert display.ax_.get_xlabel() == "class"


def test_class_gap_display_keeps_long_labels_apart():
    """Check that long class names are turned and do not overlap, and that the
    legend sits outside the axes (right of them), clear of the bars."""
    names = np.array(["Adelie Penguin (Pygoscelis adeliae)", "Gentoo penguin (P.)"])
    y = np.repeat(names, 3)
    y_pred = y.copy()
    y_pred[0] = names[1]
    display = ClassGapDisplay.from_predictions(y, y_pred, y_pred_other=y, name="m")
    ticks = display.ax_.get_xticklabels()
    assert ticks[0].get_text() == names[0] and ticks[0].get_rotation() == 30
    display.figure_.canvas.draw()
    # parallel turned labels are apart when the tick spacing, measured across
    # the text's direction, exceeds the height of a line of text
    x0, x1 = display.ax_.transData.transform([(0, 0), (1, 0)])[:, 0]
    line_height = ticks[0].get_fontsize() * display.figure_.dpi / 72
    assert (x1 - x0) * np.sin(np.radians(30)) > line_height
    legend = display.ax_.get_legend().get_window_extent()
    axes = display.ax_.get_window_extent()
    assert legend.x0 >= axes.x1
    assert legend.x1 <= display.figure_.bbox.x1
