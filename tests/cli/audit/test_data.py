"""Tests of the audit's input checks (``skclassgap.cli.audit._data``)."""

import re

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli._errors import UserError
from skclassgap.cli.audit._data import check_target


def _target(values):
    return pd.Series(values, name="y")


@pytest.mark.parametrize(
    "values, match",
    [
        (  # fractions, many values, plenty of rows each
            np.repeat(np.arange(25) + 0.5, 20),
            "the target 'y' looks continuous (25 distinct values in 500 rows, not "
            "all whole numbers (e.g. 0.5)); the audit compares classifiers: bin it "
            "into classes first (e.g. pandas.cut), or choose another --target",
        ),
        (  # whole numbers, about one row each
            np.r_[np.arange(1000, 1300), np.arange(1000, 1100)],
            "the target 'y' looks continuous (300 distinct values in 400 rows); ",
        ),
        (  # 26 integer classes with enough rows per value: a class is too small
            np.r_[np.repeat(np.arange(25), 12), 99],
            "class 99 has 1 row, too few to cross-validate",
        ),
        (  # many text labels are classes, never continuous
            [f"l{i}" for i in range(300)] + ["l0"] * 100,
            "has 1 row, too few to cross-validate",
        ),
    ],
)
def test_check_target_refuses_with_the_reason(values, match):
    """Check that a continuous-looking numeric target is named as such (fractions,
    or about one row per value) and other small classes keep their message."""
    with pytest.raises(UserError, match=re.escape(match)):
        check_target(_target(values), 5)


@pytest.mark.parametrize(
    "values",
    [
        np.repeat(np.arange(30), 20),  # 30 integer classes, 20 rows each
        np.repeat([0.5, 1.5, 2.5], 10),  # three fractional labels
        np.repeat(np.arange(21) * 1.0, 5),  # whole floats, five rows each
        np.repeat([True, False], 5),
    ],
)
def test_check_target_accepts_discrete_targets(values):
    """Check that discrete targets with enough rows per class pass, whatever their
    number of classes or dtype."""
    check_target(_target(values), 5)
