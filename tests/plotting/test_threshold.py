"""Tests of ThresholdCurveDisplay."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LogisticRegression

from skclassgap.plotting import ThresholdCurveDisplay
from skclassgap.threshold import ThresholdCalibrator


class _FittedBinary(BaseEstimator):
    """Stand-in with the fitted attributes ThresholdCalibrator documents."""

    objective = "g_mean"
    response_method = "auto"
    classes_ = np.array([0, 1])
    thresholds_ = np.array([-np.inf, 0.2, 0.4, 0.6, np.inf])
    objective_values_ = np.array([0.0, 0.7, 0.9, 0.8, 0.0])
    threshold_ = 0.4
    best_score_ = 0.9
    estimator_ = LogisticRegression()

    def fit(self, X, y):
        return self


def test_threshold_display_binary_curve_from_fitted_attributes():
    """Check that the curve is the finite candidates and the lines the two
    thresholds."""
    display = ThresholdCurveDisplay.from_estimator(_FittedBinary())
    np.testing.assert_array_equal(display.curve_.get_xdata(), [0.2, 0.4, 0.6])
    np.testing.assert_array_equal(display.curve_.get_ydata(), [0.7, 0.9, 0.8])
    vertical = [line.get_xdata()[0] for line in display.ax_.get_lines()[1:]]
    assert vertical == [0.4, 0.5]
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels[1] == "tuned threshold 0.4, g_mean 0.900"


def test_threshold_display_multiclass_offsets():
    """Check that multiclass offsets become one bar per class, scores in the title."""
    display = ThresholdCurveDisplay(
        offsets=[0.0, -0.5, 1.25],
        classes=["a", "b", "c"],
        objective="macro_f1",
        baseline_score=0.8,
        best_score=0.85,
    ).plot()
    np.testing.assert_array_equal(
        [b.get_height() for b in display.curve_], [0.0, -0.5, 1.25]
    )
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == ["a", "b", "c"]
    assert "macro_f1 0.800 -> 0.850" in display.ax_.get_title()


def test_threshold_display_needs_arrays():
    """Check that a display with neither curve nor offsets is refused."""
    with pytest.raises(ValueError, match="needs thresholds and objective_values"):
        ThresholdCurveDisplay().plot()


@pytest.mark.parametrize("multiclass", [False, True])
def test_threshold_display_from_threshold_calibrator(multiclass):
    """Check that the display draws a real ThresholdCalibrator's fitted values."""
    if multiclass:
        X, y = load_iris(return_X_y=True)
    else:
        X, y = make_classification(n_samples=300, weights=[0.85], random_state=0)
    model = ThresholdCalibrator(LogisticRegression(max_iter=500), cv=3).fit(X, y)
    display = ThresholdCurveDisplay.from_estimator(model)
    if multiclass:
        np.testing.assert_array_equal(
            [b.get_height() for b in display.curve_], model.offsets_
        )
    else:
        finite = np.isfinite(model.thresholds_)
        np.testing.assert_array_equal(
            display.curve_.get_ydata(), model.objective_values_[finite]
        )
        assert display.default_threshold == 0.5
