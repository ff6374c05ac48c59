"""Shared validation of the meta-estimators."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skclassgap.spurious import LowSpuriosityRefit
from skclassgap.threshold import (
    LogitAdjustedClassifier,
    PriorShiftAdapter,
    ThresholdCalibrator,
)

# The meta-estimators that validate y through utils._meta.checked_targets.
META = [
    LogitAdjustedClassifier(LogisticRegression()),
    ThresholdCalibrator(LogisticRegression(), cv=2),
    PriorShiftAdapter(LogisticRegression()),
    LowSpuriosityRefit(LogisticRegression(), spurious_features={0: [0]}),
]


@pytest.mark.parametrize("meta", META, ids=lambda meta: type(meta).__name__)
@pytest.mark.parametrize(
    "bad, match", [(np.nan, "Input y contains NaN"), (np.inf, "Input y contains inf")]
)
def test_meta_estimators_refuse_non_finite_y_without_warning(meta, bad, match):
    """Check that NaN or infinity in y is refused with scikit-learn's message
    before any cast to integers (which would warn "invalid value encountered
    in cast")."""
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0.0, 1.0, 0.0, 1.0, 0.0, bad])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=match):
            meta.fit(X, y)


@pytest.mark.parametrize("meta", META, ids=lambda meta: type(meta).__name__)
def test_meta_estimators_require_y(meta):
    """Check that fit without y names the estimator and the missing target."""
    match = f"{type(meta).__name__} requires y to be passed, but the target y is None"
    with pytest.raises(ValueError, match=match):
        meta.fit(np.zeros((4, 2)), None)
