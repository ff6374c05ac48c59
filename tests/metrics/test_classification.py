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


def _sklearn_confusion(y_true, y_pred, sample_weight):
    """sklearn's confusion_matrix, without its advice to pass labels when the
    cases hold a single class (intended here: ours must give the 1 x 1 too)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "A single label was found", UserWarning)
        return confusion_matrix(y_true, y_pred, sample_weight=sample_weight)


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
            s if sw is None else _sklearn_confusion(y_true, y_pred, sw).sum(1),
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
        ref = _sklearn_confusion(y_true, y_pred, sw)
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
        lambda y: y * 1e300 - 1e300,  # beyond int64: factorised, not cast
        lambda y: y * 2.0**62 - 2.0**63,  # int64 range, past 2**53
        lambda y: y.astype(np.uint64) + np.uint64(2**64 - 2),  # past int64 max
        lambda y: y.astype(np.float32) * np.float32(1e38),
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
    (dict(y_true=[0, 1], y_pred=[0, 1], labels=[0, 0]), ValueError, "must not repeat"),
    (
        dict(y_true=[0, 1], y_pred=[0, 1], labels=[0, "1"]),
        ValueError,
        r"labels mix strings and numbers; got \[0, '1'\]",
    ),
    (
        dict(y_true=["a", "b"], y_pred=["a", "b"], labels=[0, 1]),
        ValueError,
        "labels are numbers but y_true and y_pred hold strings",
    ),
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


# --- labels none of which occur: scikit-learn scores them, it does not raise ---


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
@pytest.mark.parametrize(
    "y_true, y_pred, labels",
    [
        ([0, 1], [0, 1], [7, 8]),  # the reported case
        ([0, 1, 1], [1, 1, 0], [5]),
        (["a", "b"], ["b", "b"], ["z", "y", "x"]),
    ],
)
def test_metrics_with_none_of_labels_present_follow_sklearn(
    y_true, y_pred, labels, zero_division
):
    """Check that labels none of which occur give scikit-learn's per-class and
    macro values (set by zero_division), with its warning, instead of an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        p, r, f, s = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, zero_division=zero_division
        )
        ref_macro = f1_score(
            y_true, y_pred, labels=labels, average="macro", zero_division=zero_division
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = per_class_report(
            y_true, y_pred, labels=labels, zero_division=zero_division
        )
        macro = macro_f1_score(
            y_true, y_pred, labels=labels, zero_division=zero_division
        )
    warned = any(issubclass(w.category, UndefinedMetricWarning) for w in caught)
    assert warned == (zero_division == "warn")
    assert report.index.tolist() == labels
    np.testing.assert_array_equal(report["precision"], p)
    np.testing.assert_array_equal(report["recall"], r)
    np.testing.assert_array_equal(report["f1"], f)
    np.testing.assert_array_equal(report["support"], s)
    np.testing.assert_array_equal(report["predicted"], 0)
    np.testing.assert_array_equal(macro, ref_macro)  # NaN == NaN here


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
@pytest.mark.parametrize("metric", ["recall", "precision", "f1"])
def test_class_gap_and_worst_class_with_none_of_labels_present(metric, zero_division):
    """Check that gap and worst class range over sklearn's per-class values of the
    listed labels (all set by zero_division), NaN when they are all NaN."""
    index = {"precision": 0, "recall": 1, "f1": 2}[metric]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        values = precision_recall_fscore_support(
            [0, 1], [0, 1], labels=[7, 8], zero_division=zero_division
        )[index]
        kwargs = dict(labels=[7, 8], metric=metric, zero_division=zero_division)
        gap = class_gap([0, 1], [0, 1], **kwargs)
        worst = worst_class_score([0, 1], [0, 1], **kwargs)
    expected_worst = np.nan if np.isnan(values).all() else np.nanmin(values)
    expected_gap = expected_worst if np.isnan(expected_worst) else 0.0
    np.testing.assert_array_equal([gap, worst], [expected_gap, expected_worst])


@pytest.mark.parametrize("correction", [0.0, 0.1])
@pytest.mark.parametrize("labels", [[7, 8], [0, 8]])
def test_geometric_mean_score_with_absent_labels_equals_imblearn(labels, correction):
    """Check that listed labels with no true rows have recall 0 (or correction),
    as in imbalanced-learn, also when none of them occurs."""
    y_true, y_pred = [0, 1, 1], [0, 1, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        ref = imblearn_gmean(y_true, y_pred, labels=labels, correction=correction)
    ours = geometric_mean_score(y_true, y_pred, labels=labels, correction=correction)
    assert ours == pytest.approx(ref, abs=1e-15)


def test_prediction_bias_and_fp_share_with_none_of_labels_present():
    """Check the values that have no scikit-learn analogue: bias 0/0 is NaN and the
    false-positive share of classes without false positives is 0."""
    np.testing.assert_array_equal(
        prediction_bias([0, 1], [1, 1], labels=[7, 8]), [np.nan, np.nan]
    )
    report = per_class_report([0, 1], [1, 1], labels=[7, 8], zero_division=0.0)
    np.testing.assert_array_equal(report["prediction_bias"], [np.nan, np.nan])
    np.testing.assert_array_equal(report["fp_share"], [0.0, 0.0])


def _random_labels(seed, y_true, y_pred):
    """A labels list: a subset, with labels absent from the data, or none present."""
    rng = np.random.default_rng(seed)
    present = np.unique(np.concatenate([y_true, y_pred]))
    absent = np.array(["zz", "yy"]) if present.dtype.kind == "U" else np.array([97, 98])
    pool = np.concatenate([present.astype(object), absent.astype(object)])
    if seed % 5 == 0:
        return absent.tolist()
    size = int(rng.integers(1, len(pool) + 1))
    return rng.permutation(pool)[:size].tolist()


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
def test_metrics_with_random_labels_equal_sklearn(zero_division):
    """Check macro F1 and per-class precision/recall/F1 against sklearn with random
    labels lists (subsets, reordered, absent labels, none present)."""
    for seed in CASES:
        y_true, y_pred, sw = _random_case(seed)
        labels = _random_labels(seed, y_true, y_pred)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            p, r, f, _ = precision_recall_fscore_support(
                y_true,
                y_pred,
                labels=labels,
                sample_weight=sw,
                zero_division=zero_division,
            )
            ref = f1_score(
                y_true,
                y_pred,
                labels=labels,
                average="macro",
                sample_weight=sw,
                zero_division=zero_division,
            )
            kwargs = dict(labels=labels, sample_weight=sw, zero_division=zero_division)
            report = per_class_report(y_true, y_pred, **kwargs)
            macro = macro_f1_score(y_true, y_pred, **kwargs)
        for ours, theirs in ((report["precision"], p), (report["recall"], r)):
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
        np.testing.assert_allclose(report["f1"], f, rtol=0, atol=1e-12)
        np.testing.assert_allclose(macro, ref, rtol=0, atol=1e-12, equal_nan=True)


# --- many classes: per-class vectors, never a K x K matrix ---


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda c: c, id="int64-dense-range-guess-misses"),
        pytest.param(lambda c: (c * 10_000_019 - 7).astype(np.int64), id="factorised"),
        pytest.param(lambda c: c.astype(np.int32)[::-1].copy(), id="int32"),
    ],
)
def test_metrics_with_100000_classes_equal_sklearn(make):
    """Check the reported case: 200,000 labels of 100,000 classes (a K x K matrix
    would need 80 GB) give sklearn's macro F1 and per-class values."""
    rng = np.random.default_rng(0)
    codes_true = rng.integers(0, 100_000, 200_000)
    codes_pred = np.where(
        rng.random(200_000) < 0.5, codes_true, rng.integers(0, 100_000, 200_000)
    )
    y_true, y_pred = make(codes_true), make(codes_pred)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0.0)
    report = per_class_report(y_true, y_pred, zero_division=0.0)
    np.testing.assert_array_equal(report.index, np.unique([y_true, y_pred]))
    np.testing.assert_array_equal(report["support"], s)
    for column, ref in (("precision", p), ("recall", r), ("f1", f)):
        np.testing.assert_allclose(report[column], ref, rtol=0, atol=1e-12)
    ref_macro = f1_score(y_true, y_pred, average="macro", zero_division=0.0)
    ours = macro_f1_score(y_true, y_pred, zero_division=0.0)
    assert ours == pytest.approx(ref_macro, abs=1e-12)


# --- labels that no int64 code represents exactly ---

_HUGE_VALUES = [
    pytest.param(np.array([-3e300, 1e300, 2e300, 5e300]), id="multiples-of-1e300"),
    pytest.param(np.array([-(2.0**64), -(2.0**63), 0.0, 2.0**63]), id="int64-edges"),
    pytest.param(np.array([-1e38, 0, 1e38, 3e38], dtype=np.float32), id="float32"),
    pytest.param(
        np.array([0, 2**63 - 1, 2**63, 2**64 - 1], dtype=np.uint64), id="uint64"
    ),
]


def _huge_case(values):
    rng = np.random.default_rng(3)
    codes_true = rng.integers(0, 4, 300)
    codes_pred = np.where(rng.random(300) < 0.6, codes_true, rng.integers(0, 4, 300))
    return codes_true, codes_pred


@pytest.mark.parametrize("values", _HUGE_VALUES)
def test_metrics_on_labels_beyond_int64_equal_sklearn_on_their_ranks(values):
    """Check that labels beyond the int64 range are counted as distinct classes:
    every metric equals sklearn's on the order-preserving codes 0..3, and the
    report lists the labels themselves, sorted."""
    codes_true, codes_pred = _huge_case(values)
    y_true, y_pred = values[codes_true], values[codes_pred]
    report = per_class_report(y_true, y_pred)
    p, r, f, s = precision_recall_fscore_support(codes_true, codes_pred)
    assert report.index.tolist() == values.tolist()
    assert report.index.dtype == values.dtype
    np.testing.assert_array_equal(report["support"], s)
    for column, ref in (("precision", p), ("recall", r), ("f1", f)):
        np.testing.assert_allclose(report[column], ref, rtol=0, atol=1e-12)
    ref = f1_score(codes_true, codes_pred, average="macro")
    assert macro_f1_score(y_true, y_pred) == pytest.approx(ref, abs=1e-12)
    assert geometric_mean_score(y_true, y_pred) == pytest.approx(
        imblearn_gmean(codes_true, codes_pred), abs=1e-12
    )


# --- where skclassgap and scikit-learn differ (README and user guide list these) ---

_Y = dict(y_true=[0, 1, 1], y_pred=[0, 1, 0])
# Each row: the input, the start of skclassgap's ValueError, and what
# scikit-learn's f1_score(average="macro") returns on it (a number, or the
# exception it raises).
SKLEARN_DIFFERENCES = [
    pytest.param(
        dict(**_Y, labels=[]),
        "labels must be a non-empty 1-d list",
        np.nan,
        id="empty labels",
    ),
    pytest.param(
        dict(y_true=[0, 1, 1, 1], y_pred=[0, 0, 1, 1], labels=[0, 0, 1]),
        "labels must not repeat a class",
        (2 / 3 + 2 / 3 + 4 / 5) / 3,  # class 0 counted twice in the mean
        id="repeated labels",
    ),
    pytest.param(
        dict(**_Y, labels=["a", 1]),
        "labels mix strings and numbers",
        (0.0 + 2 / 3) / 2,  # compared as text: 1 matches "1"
        id="labels mixing strings and numbers",
    ),
    pytest.param(
        dict(**_Y, labels=["1"]),
        "labels are strings but y_true and y_pred hold numbers",
        2 / 3,  # "1" selects class 1
        id="string labels for numeric y",
    ),
    pytest.param(
        dict(**_Y, sample_weight=[1.0, -1.0, 1.0]),
        r"sample_weight contains negative values \(min -1.0\)",
        4 / 3,  # outside [0, 1]
        id="negative weights",
    ),
    pytest.param(
        dict(y_true=np.array([[0, 1], [1, 1]]), y_pred=np.array([[0, 1], [1, 0]])),
        r"y_true must be 1-dimensional .* Multilabel and multioutput",
        (1.0 + 2 / 3) / 2,  # mean over the indicator columns
        id="multilabel indicators",
    ),
    pytest.param(
        dict(y_true=["a", None, "b"], y_pred=["a", "b", "b"]),
        "y_true contains missing values",
        TypeError,
        id="missing label",
    ),
    pytest.param(
        dict(y_true=np.array(["a", 1], dtype=object), y_pred=["a", "a"]),
        "y_true and y_pred mix label types",
        TypeError,
        id="labels of y mixing strings and numbers",
    ),
]


@pytest.mark.parametrize("kwargs, match, sklearn_result", SKLEARN_DIFFERENCES)
def test_metrics_refuse_inputs_sklearn_scores_or_fails_on(
    kwargs, match, sklearn_result
):
    """Check each documented difference from scikit-learn: f1_score returns the
    stated number (or raises a TypeError), while macro_f1_score and
    per_class_report raise a ValueError that says what was wrong."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's warnings on these inputs
        if isinstance(sklearn_result, type):
            with pytest.raises(sklearn_result):
                f1_score(average="macro", **kwargs)
        else:
            got = f1_score(average="macro", **kwargs)
            assert got == pytest.approx(sklearn_result, abs=1e-12, nan_ok=True)
    for func in (macro_f1_score, per_class_report):
        with pytest.raises(ValueError, match=match):
            func(**kwargs)


def test_sklearn_refuses_float_labels_beyond_int64_as_continuous():
    """Check the documented difference: scikit-learn's type_of_target casts floats
    to int and calls 1e300 continuous; skclassgap counts it as a class."""
    y = np.array([0.0, 1e300, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # sklearn's invalid cast
        with pytest.raises(ValueError, match="continuous"):
            f1_score(y, y, average="macro")
    assert macro_f1_score(y, y) == 1.0


@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        pytest.param(
            np.array([0, 2**64 - 1, 2**63], dtype=np.uint64),
            np.array([2**64 - 1, 2**64 - 1, 2**63], dtype=np.uint64),
            id="uint64-past-int64",
        ),
        pytest.param(
            np.array([2.0**62, 2.0**60 + 2.0**10, -(2.0**62)]),
            np.array([2.0**62, -(2.0**62), -(2.0**62)]),
            id="floats-past-2**53",
        ),
    ],
)
def test_metrics_on_extreme_numbers_equal_sklearn(y_true, y_pred):
    """Check labels that sklearn accepts (uint64 past int64, integral floats past
    2**53): same classes, same order, same values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred)
        report = per_class_report(y_true, y_pred)
        ref = f1_score(y_true, y_pred, average="macro")
        ours = macro_f1_score(y_true, y_pred)
    np.testing.assert_array_equal(report.index, np.unique(np.r_[y_true, y_pred]))
    np.testing.assert_array_equal(report["support"], s)
    np.testing.assert_allclose(report[["precision", "recall", "f1"]].T, [p, r, f])
    assert ours == pytest.approx(ref, abs=1e-12)


def test_metrics_on_int64_with_uint64_past_int64_count_every_class():
    """Check that int64 labels with uint64 labels past int64 (no common integer
    type) keep every class, ordered by value."""
    y_true = np.array([-1, 0, 5], dtype=np.int64)
    y_pred = np.array([2**64 - 1, 0, 5], dtype=np.uint64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        report = per_class_report(y_true, y_pred)
    assert report.index.tolist() == [-1, 0, 5, 2**64 - 1]
    np.testing.assert_array_equal(report["support"], [1, 1, 1, 0])
    np.testing.assert_array_equal(report["predicted"], [0, 1, 1, 1])
