"""Under-sampling and cleaning ``sampling_strategy_`` from class counts."""

import re

import numpy as np
import pytest
from imblearn.utils import check_sampling_strategy

from skclassgap.under_sampling._strategy import CLEAN, UNDER, under_sampling_strategy

COUNTS = [
    [90, 10],
    [10, 90],
    [50, 50],  # tie: the first class is the majority and the minority
    [5, 40, 40, 5, 17],  # ties at both ends
    [1, 1000, 3],
    [7, 7, 7],
]
STRINGS = ["auto", "all", "majority", "not minority", "not majority"]


def _imblearn(strategy, labels, counts, kind):
    return check_sampling_strategy(strategy, np.repeat(labels, counts), kind)


@pytest.mark.parametrize("counts", COUNTS)
@pytest.mark.parametrize("strategy", STRINGS)
@pytest.mark.parametrize("label_kind", ["int", "str"])
@pytest.mark.parametrize("kind", [UNDER, CLEAN])
def test_under_sampling_strategy_strings_equal_imblearn(
    counts, strategy, label_kind, kind
):
    """Check that every string strategy gives imbalanced-learn's dictionary
    (same classes, same order, same numbers), ties included, for under-samplers
    and cleaners."""
    labels = np.arange(len(counts)) * 3 - 2
    if label_kind == "str":
        labels = np.array([f"class {v}" for v in labels])
    ours = under_sampling_strategy(strategy, labels, np.array(counts), kind)
    theirs = _imblearn(strategy, labels, counts, kind)
    assert list(ours.items()) == list(theirs.items())


@pytest.mark.parametrize("ratio", [0.2, 0.5, 0.75, 1.0])
@pytest.mark.parametrize("counts", [[999, 170], [170, 999]])
def test_under_sampling_strategy_float_equals_imblearn(ratio, counts):
    """Check that a float ratio keeps int(n_minority / ratio) majority rows, as
    imbalanced-learn."""
    labels = np.array([0, 1])
    ours = under_sampling_strategy(ratio, labels, np.array(counts))
    assert list(ours.items()) == list(_imblearn(ratio, labels, counts, UNDER).items())


@pytest.mark.parametrize(
    "strategy, kind",
    [({"c": 3, "a": 5}, UNDER), ({"b": 0}, UNDER), (["c", "a"], CLEAN)],
)
def test_under_sampling_strategy_dict_and_list_equal_imblearn(strategy, kind):
    """Check that a dict of wanted counts (under-sampling) and a list of classes
    (cleaning) give imbalanced-learn's dictionary, in sorted class order."""
    labels, counts = np.array(["a", "b", "c"]), np.array([5, 50, 20])
    ours = under_sampling_strategy(strategy, labels, counts, kind)
    assert list(ours.items()) == list(_imblearn(strategy, labels, counts, kind).items())


LABELS, COUNTS_3 = np.array([0, 1, 2]), np.array([30, 5, 60])
ERRORS = [
    (
        {2: 61},
        UNDER,
        ValueError,
        "sampling_strategy asks for 61 rows of class 2, which has 60; an "
        "under-sampler can only remove rows (ask for at most 60).",
    ),
    ({2: -1}, UNDER, ValueError, "asks for -1 rows of class 2"),
    ({7: 3}, UNDER, ValueError, "names class(es) [7] that are not in the data"),
    ([0, 9], CLEAN, ValueError, "names class(es) [9] that are not in the data"),
    ("minority", UNDER, ValueError, "sampling_strategy='minority' cannot be used"),
    ("minority", CLEAN, ValueError, "with a cleaning sampler"),
    ("most", UNDER, ValueError, "sampling_strategy='most' is not a strategy"),
    ([0], UNDER, ValueError, "cannot be a list for an under-sampler"),
    ({0: 3}, CLEAN, ValueError, "as a dict is not supported by cleaning samplers"),
    (0.5, CLEAN, ValueError, "which cleaning samplers do not take"),
    (0.5, UNDER, ValueError, "A float sampling_strategy needs a binary target"),
    (object(), UNDER, TypeError, "sampling_strategy must be a str, float"),
]


@pytest.mark.parametrize("strategy, kind, error, message", ERRORS)
def test_under_sampling_strategy_errors(strategy, kind, error, message):
    """Check that a strategy that cannot apply is refused with what was asked
    and what the data have."""
    with pytest.raises(error, match=re.escape(message)):
        under_sampling_strategy(strategy, LABELS, COUNTS_3, kind)


@pytest.mark.parametrize(
    "ratio, message",
    [
        (
            0.05,
            "sampling_strategy=0.05 asks for 100 rows of class 0 (minority count 5 "
            "/ 0.05), which has 60",
        ),
        (1.5, "A float sampling_strategy must be in (0, 1]; got 1.5"),
    ],
)
def test_under_sampling_strategy_ratio_errors(ratio, message):
    """Check that a ratio asking for more majority rows than there are, or out of
    range, is refused with the numbers."""
    with pytest.raises(ValueError, match=re.escape(message)):
        under_sampling_strategy(ratio, np.array([0, 1]), np.array([60, 5]))


def test_under_sampling_strategy_one_class():
    """Check that a single class is refused, the message naming 'class' (as
    imbalanced-learn's sampler checks require)."""
    with pytest.raises(ValueError, match="needs to have more than 1 class; got 1"):
        under_sampling_strategy("auto", np.array([0]), np.array([10]))
