"""sampling_strategy_ from class counts equals imbalanced-learn's from the target."""

import numpy as np
import pytest
from imblearn.utils import check_sampling_strategy

from skclassgap.over_sampling._strategy import over_sampling_strategy

COUNTS = [
    [90, 10],
    [10, 90],
    [50, 50],  # tie: the first class is the majority and the minority
    [5, 40, 40, 5, 17],  # ties at both ends
    [1, 1000, 3],
    [7, 7, 7],
]
STRINGS = ["auto", "all", "minority", "not minority", "not majority"]


def _imblearn(strategy, labels, counts):
    return check_sampling_strategy(strategy, np.repeat(labels, counts), "over-sampling")


@pytest.mark.parametrize("counts", COUNTS)
@pytest.mark.parametrize("strategy", STRINGS)
@pytest.mark.parametrize("kind", ["int", "str"])
def test_over_sampling_strategy_strings_equal_imblearn(counts, strategy, kind):
    """Check that every string strategy gives imbalanced-learn's dictionary
    (same classes, same order, same numbers), ties included."""
    labels = np.arange(len(counts)) * 3 - 2
    if kind == "str":
        labels = np.array([f"class {v}" for v in labels])
    ours = over_sampling_strategy(strategy, labels, np.array(counts))
    theirs = _imblearn(strategy, labels, counts)
    assert list(ours.items()) == list(theirs.items())


@pytest.mark.parametrize("ratio", [0.2, 0.5, 1.0])
def test_over_sampling_strategy_float_equals_imblearn(ratio):
    """Check that a float ratio gives imbalanced-learn's numbers (rounding
    down)."""
    labels, counts = np.array([0, 1]), np.array([999, 7])
    ours = over_sampling_strategy(ratio, labels, counts)
    assert list(ours.items()) == list(_imblearn(ratio, labels, counts).items())


def test_over_sampling_strategy_dict_equals_imblearn():
    """Check that a dict of target counts gives the rows to add, in sorted
    class order, as imbalanced-learn."""
    labels, counts = np.array(["a", "b", "c"]), np.array([5, 50, 20])
    wanted = {"c": 60, "a": 5}
    ours = over_sampling_strategy(wanted, labels, counts)
    assert list(ours.items()) == list(_imblearn(wanted, labels, counts).items())
    assert list(ours.items()) == [("a", 0), ("c", 40)]


def test_over_sampling_strategy_huge_counts():
    """Check that counts beyond int32 are exact (no repeat of the labels)."""
    counts = np.array([3 * 10**9, 12])
    ours = over_sampling_strategy("auto", np.array([0, 1]), counts)
    assert dict(ours) == {1: 3 * 10**9 - 12}


@pytest.mark.parametrize(
    "strategy, counts, message",
    [
        ("majority", [90, 10], "not a strategy of an over-sampler"),
        ({"z": 100}, [90, 10], r"class\(es\) \['z'\] that are not in the data"),
        ({"a": 5}, [90, 10], "asks for 5 rows of class 'a', which has 90"),
        ({"b": -1}, [90, 10], "asks for -1 rows"),
        (0.05, [90, 10], "fewer minority rows than the data have"),
        (1.5, [90, 10], r"must be in \(0, 1\]"),
        (0.5, [90, 10, 5], "needs a binary target"),
        ("auto", [90], "more than 1 class"),
    ],
)
def test_over_sampling_strategy_refuses_what_imblearn_refuses(
    strategy, counts, message
):
    """Check that each strategy imbalanced-learn refuses is refused with the
    same exception type and a message naming the problem."""
    labels = np.array(["a", "b", "c"][: len(counts)])
    with pytest.raises(ValueError):
        _imblearn(strategy, labels, counts)
    with pytest.raises(ValueError, match=message):
        over_sampling_strategy(strategy, labels, np.array(counts))
