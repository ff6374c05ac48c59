"""Tests of the per-class metrics against scikit-learn, imbalanced-learn and naive
code."""

import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.metrics import geometric_mean_score as imblearn_gmean
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from skclassgap.metrics import (
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    per_class_report,
    prediction_bias,
    worst_class_score,
)
from skclassgap.metrics._classification import balanced_accuracy_from_labels
from skclassgap.metrics._counts import confusion_counts
from tests.naive import confusion_naive

ZERO_DIVISIONS = ["warn", 0.0, 1.0, np.nan]


def _random_case(seed):
    """Labels with classes absent from y_true or y_pred, optional weights and
    strings."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    k = int(rng.integers(1, 7))
    y_true = rng.integers(0, k, n)
    y_pred = np.where(rng.random(n) < rng.random(), y_true, rng.integers(0, k + 1, n))
    sample_weight = None
    if seed % 3 == 1:
        sample_weight = rng.random(n) * (rng.random(n) < 0.9)
        sample_weight[0] = 0.5  # never all zero: that is an error
    if seed % 4 == 2:
        names = np.array(["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen"])
        y_true, y_pred = names[y_true], names[y_pred]
    return y_true, y_pred, sample_weight


CASES = range(300)


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
def test_per_class_report_agrees_with_sklearn(zero_division):
    """Check that precision, recall and F1 equal sklearn's on hundreds of random
    cases."""
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            ours = per_class_report(
                y_true, y_pred, sample_weight=sw, zero_division=zero_division
            )
            p, r, f, s = precision_recall_fscore_support(
                y_true, y_pred, sample_weight=sw, zero_division=zero_division
            )
        np.testing.assert_allclose(ours["precision"], p, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ours["recall"], r, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ours["f1"], f, rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            ours["support"],
            s
            if sw is None
            else confusion_matrix(y_true, y_pred, sample_weight=sw).sum(1),
            atol=1e-12,
        )


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
def test_macro_f1_score_equals_sklearn_f1_macro(zero_division):
    """Check that macro_f1_score equals f1_score(average='macro') to 1e-12."""
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            ours = macro_f1_score(
                y_true, y_pred, sample_weight=sw, zero_division=zero_division
            )
            ref = f1_score(
                y_true,
                y_pred,
                average="macro",
                sample_weight=sw,
                zero_division=zero_division,
            )
        np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12, equal_nan=True)


def test_macro_f1_score_with_labels_equals_sklearn():
    """Check that labels (subsets, absent labels, reordering) follow sklearn."""
    y_true = [0, 1, 2, 2, 3, 3]
    y_pred = [0, 2, 2, 1, 3, 0]
    for labels in ([2, 0], [3], [0, 1, 2, 3], [5, 2], [3, 1, 0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            ours = macro_f1_score(y_true, y_pred, labels=labels)
            ref = f1_score(y_true, y_pred, labels=labels, average="macro")
        assert ours == pytest.approx(ref, abs=1e-12), labels


def test_confusion_counts_equals_sklearn_confusion_matrix():
    """Check that the kernel's counts equal sklearn's confusion_matrix and a naive
    loop."""
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        labels, counts, _ = confusion_counts(y_true, y_pred, sample_weight=sw)
        np.testing.assert_array_equal(
            labels, np.unique(np.concatenate([y_true, y_pred]))
        )
        ref = confusion_matrix(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(counts, ref, rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            counts, confusion_naive(y_true, y_pred, labels, sw), rtol=0, atol=1e-12
        )


def test_balanced_accuracy_equals_sklearn():
    """Check that the balanced_accuracy scorer's function equals sklearn's."""
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = balanced_accuracy_score(y_true, y_pred, sample_weight=sw)
        ours = balanced_accuracy_from_labels(y_true, y_pred, sample_weight=sw)
        np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("correction", [0.0, 0.001, 0.5])
def test_geometric_mean_score_equals_imblearn_when_pred_labels_are_true_labels(
    correction,
):
    """Check agreement with imbalanced-learn where every predicted label occurs in
    y_true."""
    n_compared = 0
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        if not set(np.unique(y_pred)) <= set(np.unique(y_true)):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = imblearn_gmean(
                y_true, y_pred, sample_weight=sw, correction=correction
            )
        ours = geometric_mean_score(
            y_true, y_pred, sample_weight=sw, correction=correction
        )
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
        n_compared += 1
    assert n_compared > 50


def test_geometric_mean_score_differs_from_imblearn_on_predicted_only_labels():
    """Check the documented difference: a label only in y_pred is left out, not
    scored 0."""
    y_true = [0, 0, 1, 1]
    y_pred = [0, 2, 1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert imblearn_gmean(y_true, y_pred) == 0.0
    assert geometric_mean_score(y_true, y_pred) == pytest.approx(np.sqrt(0.5 * 1.0))


def test_geometric_mean_score_binary_is_sqrt_sensitivity_specificity():
    """Check that binary g-mean is sqrt(sensitivity * specificity)."""
    y_true = np.array([0] * 8 + [1] * 4)
    y_pred = np.array([0] * 6 + [1] * 2 + [1] * 3 + [0])
    assert geometric_mean_score(y_true, y_pred) == pytest.approx(np.sqrt(6 / 8 * 3 / 4))


def test_geometric_mean_score_correction_replaces_zero_recall():
    """Check that correction stands in for a zero recall."""
    y_true = [0, 0, 1, 1]
    y_pred = [0, 0, 0, 0]
    assert geometric_mean_score(y_true, y_pred) == 0.0
    assert geometric_mean_score(y_true, y_pred, correction=0.01) == pytest.approx(0.1)


@pytest.mark.parametrize("metric", ["recall", "precision", "f1"])
def test_class_gap_and_worst_class_match_sklearn_per_class_values(metric):
    """Check gap = max - min and worst = min of sklearn's per-class metric on y_true
    classes."""
    index = {"precision": 0, "recall": 1, "f1": 2}[metric]
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        labels = np.unique(y_true)
        values = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, sample_weight=sw, zero_division=0.0
        )[index]
        gap = class_gap(
            y_true, y_pred, metric=metric, sample_weight=sw, zero_division=0.0
        )
        worst = worst_class_score(
            y_true, y_pred, metric=metric, sample_weight=sw, zero_division=0.0
        )
        assert gap == pytest.approx(values.max() - values.min(), abs=1e-12)
        assert worst == pytest.approx(values.min(), abs=1e-12)


def test_class_gap_ignores_nan_from_zero_division():
    """Check that NaN per-class values (zero_division=nan) are left out of max and
    min."""
    y_true = [0, 0, 1, 1, 2]
    y_pred = [0, 0, 0, 0, 0]
    assert class_gap(y_true, y_pred, metric="precision", zero_division=np.nan) == 0.0
    assert (
        worst_class_score(y_true, y_pred, metric="precision", zero_division=np.nan)
        == 0.4
    )


def test_prediction_bias_is_predicted_over_true_count():
    """Check m_j / n_j with inf for predicted-only labels."""
    bias = prediction_bias([0, 0, 0, 1, 1], [0, 1, 1, 1, 2])
    np.testing.assert_array_equal(bias, [1 / 3, 3 / 2, np.inf])


def test_per_class_report_fp_share_sums_to_one():
    """Check that false-positive shares sum to 1 and follow FP_j / sum FP."""
    y_true = [0, 0, 0, 1, 1, 2, 2, 2]
    y_pred = [1, 1, 0, 1, 2, 2, 0, 2]
    report = per_class_report(y_true, y_pred)
    np.testing.assert_allclose(report["fp_share"], [1 / 4, 2 / 4, 1 / 4])
    assert list(report.columns) == [
        "support",
        "predicted",
        "precision",
        "recall",
        "f1",
        "prediction_bias",
        "fp_share",
    ]


def test_zero_division_warn_emits_undefined_metric_warning():
    """Check that zero_division='warn' warns like scikit-learn and acts as 0."""
    with pytest.warns(UndefinedMetricWarning, match="Precision is ill-defined"):
        report = per_class_report([0, 1], [0, 0])
    assert report.loc[1, "precision"] == 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda y: y.astype(str),
        lambda y: y.astype(bool) if y.max() <= 1 else y,
        lambda y: pd.Series(y),
        lambda y: pd.Series(y.astype(str), dtype="category"),
        lambda y: pd.Series(y.astype(str), dtype="string"),
        lambda y: y.astype(np.int8),
        lambda y: y.astype(float),
        lambda y: y.astype(object),
        lambda y: y * 10_000_019 - 7,  # wide range of integers: hashing path
        lambda y: y * 100 + 1000,  # outside the guessed range: exact min/max path
        lambda y: -y - 500,
    ],
)
def test_metrics_agree_across_label_types(make):
    """Check that every label type gives the same metrics as plain int labels."""
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, 1 - y_true)
    ref = f1_score(y_true, y_pred, average="macro")
    assert macro_f1_score(make(y_true), make(y_pred)) == pytest.approx(ref, abs=1e-12)


def test_categorical_labels_with_different_categories_are_merged():
    """Check that categoricals with different category sets still agree with sklearn."""
    y_true = pd.Series(["a", "b", "b", "c"], dtype="category")
    y_pred = pd.Series(
        ["b", "b", "a", "c"], dtype=pd.CategoricalDtype(["c", "b", "a", "z"])
    )
    ref = f1_score(y_true.astype(str), y_pred.astype(str), average="macro")
    assert macro_f1_score(y_true, y_pred) == pytest.approx(ref)
    assert per_class_report(y_true, y_pred).index.tolist() == ["a", "b", "c"]


BAD_INPUT = [
    (dict(y_true=[0, 1, 1], y_pred=[0, 1]), ValueError, "same length; got 3 and 2"),
    (dict(y_true=[], y_pred=[]), ValueError, "are empty"),
    (dict(y_true=[0.0, np.nan], y_pred=[0, 1]), ValueError, "y_true contains NaN"),
    (dict(y_true=[0, 1], y_pred=[0.0, np.inf]), ValueError, "y_pred contains infinity"),
    (
        dict(y_true=[0.5, 1.0], y_pred=[0, 1]),
        ValueError,
        r"continuous values \(e.g. 0.5\)",
    ),
    (
        dict(y_true=["a", None], y_pred=["a", "b"]),
        ValueError,
        "y_true contains missing",
    ),
    (dict(y_true=["a", 1], y_pred=["a", "b"]), ValueError, "mix label types"),
    (
        dict(y_true=[[0, 1], [1, 0]], y_pred=[[0, 1], [1, 0]]),
        ValueError,
        r"1-dimensional .* shape \(2, 2\)",
    ),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], labels=[7, 8]),
        ValueError,
        r"None of labels=\[7, 8\] is present",
    ),
    (dict(y_true=[0, 1], y_pred=[0, 1], labels=[0, 0]), ValueError, "must not repeat"),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], sample_weight=[1.0, -1.0]),
        ValueError,
        r"negative values \(min -1.0\)",
    ),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], sample_weight=[1.0]),
        ValueError,
        "sample_weight has 1 values but there are 2 samples",
    ),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], sample_weight=[1.0, np.nan]),
        ValueError,
        "sample_weight contains NaN",
    ),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], sample_weight=["a", "b"]),
        TypeError,
        "sample_weight must be numeric",
    ),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], sample_weight=[0.0, 0.0]),
        ValueError,
        "zero everywhere",
    ),
    (dict(y_true=[0j, 1j], y_pred=[0, 1]), TypeError, "complex"),
]


@pytest.mark.parametrize(
    "func",
    [
        per_class_report,
        class_gap,
        worst_class_score,
        geometric_mean_score,
        macro_f1_score,
        prediction_bias,
    ],
)
@pytest.mark.parametrize("kwargs, error, match", BAD_INPUT)
def test_metrics_reject_bad_input(func, kwargs, error, match):
    """Check that bad input raises an error naming the argument and what was
    received."""
    with pytest.raises(error, match=match):
        func(**kwargs)


def test_class_gap_rejects_unknown_metric():
    """Check that parameter validation names the invalid metric."""
    with pytest.raises(ValueError, match="metric"):
        class_gap([0, 1], [0, 1], metric="accuracy")
