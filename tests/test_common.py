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
from sklearn.ensemble import AdaBoostClassifier, HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from skclassgap.combine import SMOTEENN, CleanedOverSampler, SMOTETomek
from skclassgap.compose import ResampledClassifier
from skclassgap.cost_sensitive import CostSensitiveClassifier
from skclassgap.ensemble import (
    BalancedBaggingClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    RUSBoostClassifier,
    SelfPacedEnsembleClassifier,
)
from skclassgap.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    BorderlineSMOTE,
    GaussianOverSampler,
)
from skclassgap.spurious import LowSpuriosityRefit
from skclassgap.subclass import SubclassBalancer
from skclassgap.threshold import (
    LogitAdjustedClassifier,
    PriorShiftAdapter,
    ThresholdCalibrator,
)
from skclassgap.under_sampling import (
    AllKNN,
    ClusterCentroids,
    CondensedNearestNeighbour,
    EditedNearestNeighbours,
    InstanceHardnessThreshold,
    NearMiss,
    OneSidedSelection,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)
from skclassgap.under_sampling import RandomUnderSampler as OurRandomUnderSampler
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
# Probabilities moved back to y's prior; the 0-1 min-risk rule is their argmax.
_COST_ORIGINAL_PRIOR = CostSensitiveClassifier(
    LogisticRegression(),
    class_weight="balanced",
    decision="min_risk",
    proba_prior="original",
)
INSTANCES["CostSensitiveClassifier"] = [
    CostSensitiveClassifier(LogisticRegression(), class_weight="balanced"),
    _COST_ORIGINAL_PRIOR,
]

INSTANCES["ThresholdCalibrator"] = [ThresholdCalibrator(LogisticRegression(), cv=3)]
INSTANCES["LogitAdjustedClassifier"] = [LogitAdjustedClassifier(LogisticRegression())]
INSTANCES["PriorShiftAdapter"] = [
    PriorShiftAdapter(LogisticRegression()),
    PriorShiftAdapter(LogisticRegression(), method="bbse", cv=3),
]

# Samplers are seeded: imbalanced-learn's checks compare repeated calls.
# (Cleaners inside ResampledClassifier are tested in tests/compose: on the
# checks' tiny random data they may remove a whole class.)
_RUS_ORIGINAL = ResampledClassifier(
    LogisticRegression(),
    sampler=OurRandomUnderSampler(random_state=0),
    proba_prior="original",
)
INSTANCES["ResampledClassifier"] = [
    _RUS_ORIGINAL,
    ResampledClassifier(
        LogisticRegression(), sampler=SMOTE(k_neighbors=2, random_state=0)
    ),
    ResampledClassifier(
        LogisticRegression(), sampler=RandomUnderSampler(random_state=0)
    ),
    ResampledClassifier(
        LogisticRegression(),
        sampler=SMOTE(k_neighbors=2, random_state=0),
        proba_prior="original",
        predict_prior="original",
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

# SMOTENC: the check data are numeric arrays, where categorical_features="auto"
# finds no categorical column (SMOTE-NC is then SMOTE); explicit columns run the
# SMOTE-NC path (column 0 of every check's data exists), and an all-columns mask
# would be SMOTE-N, which SMOTEN covers.
INSTANCES["SMOTENC"] = [
    SMOTENC(random_state=0),
    SMOTENC(categorical_features=[0], k_neighbors=3, random_state=0),
]
INSTANCES["SMOTEN"] = [SMOTEN(random_state=0)]
# Seeded: imbalanced-learn's checks compare repeated calls. Discovery on the
# features alone, and error-aware discovery with synthetic rows inside cells.
INSTANCES["SubclassBalancer"] = [
    SubclassBalancer(random_state=0),
    SubclassBalancer(
        "balance",
        estimator=LogisticRegression(),
        cv=3,
        alpha=0.5,
        oversampler=SMOTE(k_neighbors=2),
        random_state=0,
    ),
]

# Under-samplers and cleaners: seeded where they draw (the checks compare calls).
INSTANCES["RandomUnderSampler"] = [
    OurRandomUnderSampler(random_state=0),
    OurRandomUnderSampler(replacement=True, random_state=0),
]
INSTANCES["EditedNearestNeighbours"] = [
    EditedNearestNeighbours(),
    EditedNearestNeighbours(kind_sel="mode", sampling_strategy="all"),
]
INSTANCES["RepeatedEditedNearestNeighbours"] = [
    RepeatedEditedNearestNeighbours(),
    RepeatedEditedNearestNeighbours(kind_sel="mode", max_iter=3),
]
INSTANCES["AllKNN"] = [AllKNN(), AllKNN(kind_sel="mode", allow_minority=True)]
_NEARMISS_3 = NearMiss(version=3)
INSTANCES["NearMiss"] = [NearMiss(version=1), NearMiss(version=2), _NEARMISS_3]
INSTANCES["CondensedNearestNeighbour"] = [CondensedNearestNeighbour(random_state=0)]
INSTANCES["OneSidedSelection"] = [OneSidedSelection(random_state=0)]
INSTANCES["InstanceHardnessThreshold"] = [
    InstanceHardnessThreshold(estimator=LogisticRegression(), cv=3, random_state=0)
]
INSTANCES["SMOTEENN"] = [SMOTEENN(random_state=0)]
INSTANCES["SMOTETomek"] = [SMOTETomek(random_state=0)]
INSTANCES["CleanedOverSampler"] = [
    CleanedOverSampler(
        BorderlineSMOTE(random_state=0), TomekLinks(sampling_strategy="all")
    ),
    CleanedOverSampler(
        SMOTE(k_neighbors=2, random_state=0), OurRandomUnderSampler(random_state=0)
    ),
]
# voting="auto" is hard for sparse and soft for dense input: each is fixed here
# (the checks compare sparse and dense results).
INSTANCES["ClusterCentroids"] = [
    ClusterCentroids(voting="soft", random_state=0),
    _HARD_CENTROIDS := ClusterCentroids(voting="hard", random_state=0),
]

# Ensembles: seeded (the checks compare repeated fits), small, and once with
# probabilities under the original prior (whose argmax need not be ``predict``:
# the balanced rule stays; see INSTANCE_EXPECTED_FAILED_CHECKS).
_BAGGING_ORIGINAL = BalancedBaggingClassifier(
    DecisionTreeClassifier(max_depth=4),
    max_features=0.8,
    bootstrap_features=True,
    proba_prior="original",
    random_state=0,
)
_FOREST_ORIGINAL = BalancedRandomForestClassifier(
    n_estimators=10,
    bootstrap=True,
    sampling_strategy="auto",
    replacement=False,
    proba_prior="original",
    random_state=0,
)
_BAGGING_LOGISTIC = BalancedBaggingClassifier(LogisticRegression(), random_state=0)
INSTANCES["BalancedBaggingClassifier"] = [
    BalancedBaggingClassifier(random_state=0),
    _BAGGING_LOGISTIC,
    _BAGGING_ORIGINAL,
]
INSTANCES["EasyEnsembleClassifier"] = [
    EasyEnsembleClassifier(
        n_estimators=3, estimator=AdaBoostClassifier(n_estimators=5), random_state=0
    ),
    EasyEnsembleClassifier(
        n_estimators=3,
        estimator=LogisticRegression(),
        proba_prior="original",
        random_state=0,
    ),
]
INSTANCES["BalancedRandomForestClassifier"] = [
    BalancedRandomForestClassifier(n_estimators=10, random_state=0),
    _FOREST_ORIGINAL,
]
INSTANCES["RUSBoostClassifier"] = [
    RUSBoostClassifier(n_estimators=10, random_state=0),
    RUSBoostClassifier(n_estimators=10, proba_prior="original", random_state=0),
]
INSTANCES["SelfPacedEnsembleClassifier"] = [
    SelfPacedEnsembleClassifier(n_estimators=5, random_state=0),
    SelfPacedEnsembleClassifier(
        LogisticRegression(), n_estimators=5, proba_prior="original", random_state=0
    ),
]


def _nan_tolerant_tree():
    """A seeded tree that accepts NaN; min_weight_fraction_leaf lets class
    weights change its leaves (check_class_weight_classifiers)."""
    return DecisionTreeClassifier(min_weight_fraction_leaf=0.01, random_state=0)


# The meta-estimators once more around an estimator that accepts NaN (and
# handles a column-vector y without warning): their tags must follow the inner
# estimator's, and their own checks must not lean on LogisticRegression's.
# ResampledClassifier also with a sampler that refuses NaN (SMOTE): its tags
# then refuse NaN, and so does predict.
NAN_TOLERANT_INSTANCES = [
    ResampledClassifier(
        _nan_tolerant_tree(), sampler=RandomUnderSampler(random_state=0)
    ),
    ResampledClassifier(
        HistGradientBoostingClassifier(max_iter=5, min_samples_leaf=5),
        sampler=SMOTE(k_neighbors=2, random_state=0),
    ),
    CostSensitiveClassifier(_nan_tolerant_tree(), class_weight="balanced"),
    ThresholdCalibrator(_nan_tolerant_tree(), cv=3),
    LogitAdjustedClassifier(_nan_tolerant_tree()),
    LogitAdjustedClassifier(
        HistGradientBoostingClassifier(max_iter=5, min_samples_leaf=5)
    ),
    LowSpuriosityRefit(
        _nan_tolerant_tree(),
        spurious_features={0: [0], 1: [0], 2: [0]},
        unknown_classes="ignore",
    ),
    PriorShiftAdapter(_nan_tolerant_tree(), method="bbse", cv=3),
]
for _instance in NAN_TOLERANT_INSTANCES:
    INSTANCES[type(_instance).__name__].append(_instance)

# name -> {check name: one-line reason}. Every entry says why it is expected.
EXPECTED_FAILED_CHECKS = {}

_RESAMPLING_IS_NOT_REPETITION = (
    "resampling draws depend on the rows present: repeating a row changes the "
    "neighbours and the draws, so integer weights are not equivalent to repeats"
)
EXPECTED_FAILED_CHECKS["ResampledClassifier"] = {
    "check_sample_weight_equivalence_on_dense_data": _RESAMPLING_IS_NOT_REPETITION,
    "check_sample_weight_equivalence_on_sparse_data": _RESAMPLING_IS_NOT_REPETITION,
}

_MEMBERS_DRAW_ROWS = (
    "each member draws and balances rows: an integer weight is carried to the "
    "member's estimator, while a repeated row changes the draws and the "
    "under-sampler's counts"
)
for _name in (
    "BalancedBaggingClassifier",
    "BalancedRandomForestClassifier",
    "EasyEnsembleClassifier",
    "RUSBoostClassifier",
    "SelfPacedEnsembleClassifier",
):
    EXPECTED_FAILED_CHECKS[_name] = {
        "check_sample_weight_equivalence_on_dense_data": _MEMBERS_DRAW_ROWS,
        "check_sample_weight_equivalence_on_sparse_data": _MEMBERS_DRAW_ROWS,
    }

# (meta-estimator name, inner estimator name) -> {check name: reason}: checks
# that fail because of the inner estimator, not the meta-estimator.
_TREE_ROUNDING = (
    "the tree splits nodes whose impurity, summed over fractional class-weighted "
    "rows, rounds above zero; a row of weight 3w and three rows of weight w do "
    "not round alike"
)
EXPECTED_FAILED_CHECKS[("CostSensitiveClassifier", "DecisionTreeClassifier")] = {
    "check_sample_weight_equivalence_on_dense_data": _TREE_ROUNDING,
    "check_sample_weight_equivalence_on_sparse_data": _TREE_ROUNDING,
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


# id(instance) -> {check name: reason}: checks one configuration fails by design.
_TIED_CENTROIDS = (
    "the centroid of a two-row cluster is equidistant from both rows; k-means "
    "gives sparse and dense input centroids a few ulps apart, which pick "
    "different rows (soft voting, the centroids themselves, passes)"
)
_BALANCED_PREDICT = (
    "proba_prior='original' moves the probabilities to the training prior while "
    "predict keeps the balanced rule, so argmax(predict_proba) may differ"
)
INSTANCE_EXPECTED_FAILED_CHECKS = {
    id(_RUS_ORIGINAL): {
        "check_dtype_object": (
            "the TypeError comes from the estimator only if the under-sampler "
            "keeps the row holding the dict (it does with scikit-learn 1.9's "
            "check data, not with 1.6.0's)"
        ),
    },
    id(_HARD_CENTROIDS): {
        "check_samplers_sparse": _TIED_CENTROIDS,
        "check_samplers_pandas_sparse": _TIED_CENTROIDS,
    },
    id(_NEARMISS_3): {
        "check_samplers_fit_resample": (
            "NearMiss-3 keeps only rows among some minority row's nearest "
            "neighbours, fewer than the minority's count on the check's data "
            "(it warns; imbalanced-learn marks the same check)"
        ),
    },
    id(_BAGGING_LOGISTIC): {
        "check_decision_proba_consistency": (
            "decision_function averages the members' scores and predict_proba "
            "their probabilities (as scikit-learn's BaggingClassifier): each is "
            "monotone in a member's score, their averages need not rank alike"
        ),
    },
    id(_FOREST_ORIGINAL): {
        f"check_classifiers_train{suffix}": _BALANCED_PREDICT
        for suffix in (
            "",
            "(readonly_memmap=True)",
            "(readonly_memmap=True,X_dtype=float32)",
        )
    },
    id(_COST_ORIGINAL_PRIOR): {
        "check_class_weight_classifiers": (
            "the min-risk rule divides the class weights out of the probabilities "
            "(the costs count once), so class weights alone do not move predict"
        ),
    },
}


def _expected_failed_checks(estimator):
    name = type(estimator).__name__
    inner = type(getattr(estimator, "estimator", None)).__name__
    return {
        **EXPECTED_FAILED_CHECKS.get(name, {}),
        **EXPECTED_FAILED_CHECKS.get((name, inner), {}),
        **INSTANCE_EXPECTED_FAILED_CHECKS.get(id(estimator), {}),
    }


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


@pytest.mark.parametrize(
    "estimator, allow_nan",
    list(
        zip(
            NAN_TOLERANT_INSTANCES,
            [True, False, True, True, True, True, False, True],
            strict=True,
        )
    ),
    ids=repr,
)
def test_meta_estimator_allow_nan_follows_inner_objects(estimator, allow_nan):
    """Check that a meta-estimator accepts NaN exactly when every object it hands
    X to does (ResampledClassifier: the sampler too), LowSpuriosityRefit never."""
    assert get_tags(estimator).input_tags.allow_nan is allow_nan


def test_instances_cover_estimators_with_required_arguments():
    """Check that every estimator needing arguments has test instances."""
    missing = [
        n for n, c in all_estimators() if _needs_arguments(c) and n not in INSTANCES
    ]
    assert missing == []


def _listed(mark):
    """A parametrize mark with its cases listed: imbalanced-learn's
    parametrize_with_checks (and scikit-learn's in older releases, such as
    1.6) passes a generator, which pytest deprecates."""
    names, cases = mark.args
    return pytest.mark.parametrize(names, list(cases), **mark.kwargs)


_ALL = _instances()
_SAMPLERS = _instances("sampler")

if _ALL:

    @_listed(
        parametrize_with_checks(_ALL, expected_failed_checks=_expected_failed_checks)
    )
    def test_sklearn_compatible_estimator(estimator, check):
        """Check that every public estimator passes scikit-learn's checks."""
        check(estimator)


if _SAMPLERS:

    @_listed(
        imblearn_parametrize_with_checks(
            _SAMPLERS, expected_failed_checks=_expected_failed_checks
        )
    )
    # NearMiss-3 keeps fewer rows than asked on imbalanced-learn's check data (too
    # few candidates among 3 neighbours) and says so; tests/under_sampling checks
    # that warning.
    @pytest.mark.filterwarnings("ignore:NearMiss-3 found")
    def test_imblearn_compatible_sampler(estimator, check):
        """Check that every sampler passes imbalanced-learn's checks."""
        check(estimator)
