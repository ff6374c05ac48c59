"""Tests of the sentinel-value check (``skclassgap.cli.audit._sentinels``)."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli.audit._clean import clean_table
from skclassgap.cli.audit._sentinels import (
    column_sentinels,
    find_sentinels,
    sentinel_lines,
)


def _values(rng, n=1000):
    return rng.gamma(4.0, 2.0, n)  # positive, skewed: 0 to about 30


def test_column_sentinels_names_minus_999():
    """Check that -999 in 3 % of a positive column is named with its count, and
    that the same column without it has none."""
    rng = np.random.default_rng(0)
    values = _values(rng)
    assert column_sentinels(values) == []
    values[rng.choice(1000, 30, replace=False)] = -999
    assert column_sentinels(values) == [(-999.0, 30)]


@pytest.mark.parametrize(
    "marker, count, expected",
    [
        (-999, 10, []),  # 1 % of the rows: not more than 1 %
        (-999, 11, [(-999.0, 11)]),
        (9999, 50, [(9999.0, 50)]),
        (-1, 50, [(-1.0, 50)]),  # a common marker below non-negative values
        (-2.5, 50, []),  # not a common marker, not 3 IQRs away
        (500.0, 50, [(500.0, 50)]),  # far above: more than 3 IQRs
    ],
)
def test_column_sentinels_share_and_distance(marker, count, expected):
    """Check the rules: more than 1 % of the values, and far outside the others
    (more than 3 IQRs beyond their range, or any distance for a common marker)."""
    rng = np.random.default_rng(1)
    values = _values(rng)
    values[:count] = marker
    assert column_sentinels(values) == expected


def test_column_sentinels_finds_two_markers_on_one_side_and_ignores_nan():
    """Check that -999 and -99 are both named (the second once the first is set
    aside), and that missing values are not counted."""
    rng = np.random.default_rng(2)
    values = _values(rng)
    values[:40], values[40:80], values[80:300] = -999, -99, np.nan
    assert column_sentinels(values) == [(-999.0, 40), (-99.0, 40)]


@pytest.mark.parametrize(
    "values",
    [
        np.r_[np.zeros(800), np.ones(200)],  # binary: the others are constant
        np.r_[np.arange(1000) % 10],  # a 0-9 scale: its ends are values
    ],
)
def test_column_sentinels_leave_ordinary_columns_alone(values):
    """Check that a binary column and a 0-9 scale have no sentinel."""
    assert column_sentinels(values.astype(float)) == []


def test_find_sentinels_reports_numeric_columns_with_a_hint():
    """Check the report of a cleaned table: only the numeric column's -999,
    with its share and the others' range, and the --na-values hint for CSV."""
    rng = np.random.default_rng(3)
    x = np.round(_values(rng, 500), 1)
    x[:25] = -999
    table = pd.DataFrame(
        {"x": x, "colour": rng.choice(["red", "blue"], 500), "z": rng.normal(size=500)}
    )
    cleaned = clean_table(table)
    found = find_sentinels(cleaned)
    assert found == [
        {
            "column": "x",
            "value": -999,
            "count": 25,
            "share": 0.05,
            "others_low": float(x[25:].min()),
            "others_high": float(x[25:].max()),
        }
    ]
    (line,) = sentinel_lines(found, csv=True)
    assert line.startswith("  sentinel? 'x': -999 in 25 rows (5.0 %), far below")
    assert line.endswith("if it marks a missing value, rerun with --na-values -999")
    (line,) = sentinel_lines(found, csv=False)
    assert "replace it by a missing value in the file" in line
