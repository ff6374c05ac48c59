"""Run scikit-learn's (and, for samplers, imbalanced-learn's) estimator checks.

Estimators are discovered through the subpackages' ``__all__``: exporting a new
estimator is enough to have it checked. Estimators whose constructor needs
arguments (meta-estimators) get their test instances from ``INSTANCES``.
"""

import inspect

import pytest
from imblearn.under_sampling import RandomUnderSampler
from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skclassgap.compose import ResampledClassifier
from skclassgap.cost_sensitive import CostSensitiveClassifier
from skclassgap.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, GaussianOverSampler
from skclassgap.spurious import LowSpuriosityRefit
from skclassgap.threshold import LogitAdjustedClassifier, ThresholdCalibrator
from skclassgap.utils import all_estimators

# name -> list of instances, for estimators that cannot be built without arguments.
INSTANCES = {}

# LowSpuriosityRefit: the check data use labels 0/1/2 (and others, e.g. strings);
# unknown_classes="ignore" skips entries for labels absent from y.
INSTANCES["LowSpuriosityRefit"] = [
    LowSpuriosityRefit(
        LogisticRegression(),
        spurious_features={0: [0], 1: [0], 2: [0]},
        unknown_classes="ignore",
    ),
    LowSpuriosityRefit(
        make_pipeline(StandardScaler(), LogisticRegression()),
        spurious_features={0: [0], 1: [0]},
        n_per_class=0.8,
        warm_start=True,
        unknown_classes="ignore",
        random_state=0,
    ),
]

# CostSensitiveClassifier: the check suite uses several label sets, so a fixed
# cost matrix cannot be given; class_weight drives (reweighted) training. The
# min-risk and resample paths have their own check_estimator runs, with their
# justified expected failures, in tests/cost_sensitive/test_classifier.py.
INSTANCES["CostSensitiveClassifier"] = [
    CostSensitiveClassifier(LogisticRegression(), class_weight="balanced")
]

INSTANCES["ThresholdCalibrator"] = [ThresholdCalibrator(LogisticRegression(), cv=3)]
INSTANCES["LogitAdjustedClassifier"] = [LogitAdjustedClassifier(LogisticRegression())]

# Samplers are seeded: imbalanced-learn's checks compare repeated calls.
INSTANCES["ResampledClassifier"] = [
    ResampledClassifier(
        LogisticRegression(), sampler=SMOTE(k_neighbors=2, random_state=0)
    ),
    ResampledClassifier(
        LogisticRegression(), sampler=RandomUnderSampler(random_state=0)
    ),
]
INSTANCES["SMOTE"] = [SMOTE(random_state=0)]
INSTANCES["BorderlineSMOTE"] = [
    BorderlineSMOTE(random_state=0),
    BorderlineSMOTE(kind="borderline-2", random_state=0),
]
INSTANCES["ADASYN"] = [ADASYN(random_state=0)]
INSTANCES["GaussianOverSampler"] = [
    GaussianOverSampler(random_state=0),
    GaussianOverSampler(covariance="pooled", shrinkage=None, random_state=0),
    GaussianOverSampler(covariance="diag", shrinkage=0.1, random_state=0),
]

# name -> {check name: one-line reason}. Every entry says why it is expected.
EXPECTED_FAILED_CHECKS = {
    "ThresholdCalibrator": {
        "check_classifiers_train": (
            "predict applies the tuned threshold/offsets, so it is not the argmax of "
            "the unchanged decision_function/predict_proba "
            "(as TunedThresholdClassifierCV)"
        ),
    },
}

_RESAMPLING_IS_NOT_REPETITION = (
    "resampling draws depend on the rows present: repeating a row changes the "
    "neighbours and the draws, so integer weights are not equivalent to repeats"
)
EXPECTED_FAILED_CHECKS["ResampledClassifier"] = {
    "check_sample_weight_equivalence_on_dense_data": _RESAMPLING_IS_NOT_REPETITION,
    "check_sample_weight_equivalence_on_sparse_data": _RESAMPLING_IS_NOT_REPETITION,
}


def _needs_arguments(cls):
    params = inspect.signature(cls.__init__).parameters.values()
    return any(
        p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and p.name != "self"
        for p in params
    )


def _instances(type_filter=None):
    instances = []
    for name, cls in all_estimators(type_filter):
        if name in INSTANCES:
            instances.extend(INSTANCES[name])
        elif _needs_arguments(cls):
            raise RuntimeError(
                f"{name} needs constructor arguments: add test instances to "
                "INSTANCES in tests/test_common.py."
            )
        else:
            instances.append(cls())
    return instances


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def test_all_estimators_reexported_from_subpackage():
    """Check that every discovered estimator is reachable as skclassgap.<sub>.<Name>."""
    import importlib

    for name, cls in all_estimators():
        sub = cls.__module__.split(".")[1]
        assert getattr(importlib.import_module(f"skclassgap.{sub}"), name) is cls


def test_all_estimators_rejects_unknown_type_filter():
    """Check that an unknown type_filter is named in the error."""
    with pytest.raises(ValueError, match="got 'regressor'"):
        all_estimators("regressor")


def test_instances_cover_estimators_with_required_arguments():
    """Check that every estimator needing arguments has test instances."""
    missing = [
        n for n, c in all_estimators() if _needs_arguments(c) and n not in INSTANCES
    ]
    assert missing == []


_ALL = _instances()
_SAMPLERS = _instances("sampler")

if _ALL:

    @parametrize_with_checks(_ALL, expected_failed_checks=_expected_failed_checks)
    def test_sklearn_compatible_estimator(estimator, check):
        """Check that every public estimator passes scikit-learn's checks."""
        check(estimator)


if _SAMPLERS:

    @imblearn_parametrize_with_checks(
        _SAMPLERS, expected_failed_checks=_expected_failed_checks
    )
    def test_imblearn_compatible_sampler(estimator, check):
        """Check that every sampler passes imbalanced-learn's checks."""
        check(estimator)
