"""Per (group, class) counts and the grouped per-class report, in memory."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.metrics import (
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    per_class_report,
    worst_class_score,
)
from skclassgap.metrics._classification import (
    accuracy_from_labels,
    balanced_accuracy_from_labels,
)
from skclassgap.metrics._counts import class_counts
from skclassgap.metrics._grouped import (
    group_class_counts,
    merge_group_counts,
    overall_counts,
)
from skclassgap.metrics._registry import summary_from_counts

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.UndefinedMetricWarning"
)


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 4, n)
    p = np.where(rng.random(n) < 0.6, t, rng.integers(0, 5, n))
    g = rng.choice(["b", "a", "c"], n)
    g[t == 3] = "c"  # class 3 occurs in group c only
    return t, p, g


def _by_group(t, p, g, **kwargs):
    keys = np.unique(np.asarray(g))
    return pd.concat(
        {k: per_class_report(t[g == k], p[g == k], **kwargs) for k in keys},
        names=["group"],
    )


@pytest.mark.parametrize(
    "convert_labels",
    [lambda v: v, lambda v: np.array(list("vwxyz"))[v], lambda v: v.astype(float)],
    ids=["int", "str", "float"],
)
@pytest.mark.parametrize(
    "convert_groups",
    [
        lambda g: g,
        lambda g: pd.Series(g, dtype="category"),
        lambda g: np.searchsorted(["a", "b", "c"], g) * 100 - 3,
    ],
    ids=["str", "categorical", "int"],
)
@pytest.mark.parametrize("labels", [None, [2, 0, 9]], ids=["all", "listed"])
def test_per_class_report_groups_equals_each_group_alone(
    convert_labels, convert_groups, labels
):
    """Check that each group's rows equal the report of that group's samples alone."""
    t, p, g = _data()
    t, p = convert_labels(t), convert_labels(p)
    groups = convert_groups(g)
    if labels is not None:
        labels = list(convert_labels(np.array([2, 0, 4])))
    got = per_class_report(t, p, groups=groups, labels=labels, zero_division=0.0)
    keys = np.asarray(groups)
    expected = _by_group(t, p, keys, labels=labels, zero_division=0.0)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_per_class_report_groups_weighted():
    """Check the weighted grouped report against each group's weighted report."""
    t, p, g = _data()
    w = np.random.default_rng(1).random(len(t))
    got = per_class_report(t, p, groups=g, sample_weight=w)
    expected = pd.concat(
        {
            k: per_class_report(t[g == k], p[g == k], sample_weight=w[g == k])
            for k in np.unique(g)
        },
        names=["group"],
    )
    pd.testing.assert_frame_equal(got, expected, rtol=1e-13)


def test_per_class_report_one_group_is_the_report():
    """Check that a single group gives the ungrouped report under a group level."""
    t, p, _ = _data()
    got = per_class_report(t, p, groups=np.full(len(t), "all"))
    pd.testing.assert_frame_equal(got.loc["all"], per_class_report(t, p))


def test_merge_group_counts_is_additive():
    """Check that counts of disjoint parts (groups and classes missing from some)
    merge into the counts of all rows, and sum over groups to class_counts."""
    t, p, g = _data()
    whole = group_class_counts(t, p, g)
    order = np.argsort(t, kind="stable")  # parts see different classes
    parts = [
        group_class_counts(t[i], p[i], g[i]) for i in np.array_split(order, [50, 51])
    ]
    merged = merge_group_counts([None, *parts])
    for a, b in zip(merged, whole, strict=True):
        np.testing.assert_array_equal(a, b)
    overall = overall_counts(merged)
    expected = class_counts(t, p)
    for a, b in zip(overall, expected, strict=True):
        np.testing.assert_array_equal(a, b)
    assert merge_group_counts([None]) is None


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_summary_from_counts_equals_metric_functions(weighted, seed):
    """Check that the headline numbers from counts equal the metric functions (a
    class only predicted included)."""
    t, p, _ = _data(seed=seed)
    w = np.random.default_rng(seed).random(len(t)) if weighted else None
    summary = summary_from_counts(class_counts(t, p, sample_weight=w))
    kw = {"sample_weight": w}
    expected = {
        "accuracy": accuracy_from_labels(t, p, **kw),
        "balanced_accuracy": balanced_accuracy_from_labels(t, p, **kw),
        "macro_f1": macro_f1_score(t, p, zero_division=0.0, **kw),
        "g_mean": geometric_mean_score(t, p, **kw),
        "class_gap": class_gap(t, p, zero_division=0.0, **kw),
        "worst_class_recall": worst_class_score(t, p, zero_division=0.0, **kw),
    }
    report = per_class_report(t, p, labels=np.unique(t), sample_weight=w)
    assert summary == {**expected, "worst_class": report["recall"].idxmin()}


@pytest.mark.parametrize(
    "groups, message",
    [
        (np.array(["a", None, "b"], dtype=object), r"groups contains 1 missing"),
        (np.array([1.0, np.nan, 2.0]), r"groups contains 1 missing"),
        (np.array(["a", "b"]), r"groups has 2 values but there are 3 samples"),
        (np.zeros((3, 2)), r"groups must be 1-dimensional .*shape \(3, 2\)"),
        (
            pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3]}),
            r"groups must be 1-dimensional; got a DataFrame with 2 columns",
        ),
        (
            np.array([1, "a", 2], dtype=object),
            r"groups mix label types \(int, str\)",
        ),
    ],
    ids=["none", "nan", "length", "2d", "frame", "mixed"],
)
def test_per_class_report_groups_refused(groups, message):
    """Check that missing, misshaped and mixed-type groups are refused."""
    with pytest.raises(ValueError, match=message):
        per_class_report([0, 1, 1], [0, 1, 0], groups=groups)


def test_per_class_report_groups_single_column_frame():
    """Check that a one-column DataFrame of groups is read as its column."""
    t, p, g = _data()
    got = per_class_report(t, p, groups=pd.DataFrame({"region": g}))
    pd.testing.assert_frame_equal(got, per_class_report(t, p, groups=g))


@pytest.mark.parametrize("weighted", [False, True])
def test_group_class_counts_numpy_path_equals_kernel(monkeypatch, weighted):
    """Check that small inputs (NumPy bincount path) count exactly as the kernels."""
    from skclassgap._kernels._config import KERNEL_MIN_ROWS

    t, p, g = _data(500, seed=3)
    w = np.random.default_rng(1).random(len(t)) if weighted else None
    small = group_class_counts(t, p, g, sample_weight=w)
    monkeypatch.setitem(KERNEL_MIN_ROWS, "labels", 0)
    kernel = group_class_counts(t, p, g, sample_weight=w)
    np.testing.assert_array_equal(small.groups, kernel.groups)
    np.testing.assert_array_equal(small.labels, kernel.labels)
    for a, b in zip(small[2:], kernel[2:], strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-12)
