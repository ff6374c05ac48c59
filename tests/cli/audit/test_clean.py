"""Tests of the audit's cleaning of the table (``skclassgap.cli.audit._clean``)."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli._errors import UserError
from skclassgap.cli.audit._clean import (
    CATEGORICAL,
    DATETIME,
    HIGH_CARDINALITY,
    MAX_ONE_HOT,
    NUMERIC,
    clean_table,
    plural,
)


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "when": pd.date_range("2020-01-01", periods=n, freq="7D").astype(str),
        }
    )


@pytest.mark.parametrize(
    "column, reason",
    [
        (np.arange(5, 45), "identifier: an integer running index (5 to 44)"),
        (np.arange(40)[::-1], "identifier: an integer running index (0 to 39)"),
        ([f"id-{i}" for i in range(40)], "identifier: a different value in each of"),
        (
            np.r_[1:11, 14:30, 31:45],  # rownames after a row filter
            "identifier: a different integer in each row, in order down the file "
            "(1 to 44, 4 numbers skipped)",
        ),
        (
            np.arange(90_000, 10_000, -2_000),  # sorted IDs, decreasing
            "identifier: a different integer in each row, in order down the file "
            "(90000 to 12000, 77961 numbers skipped)",
        ),
    ],
)
def test_clean_table_drops_identifier_columns(column, reason):
    """Check that running indices (with gaps too, in either direction) and unique
    strings are dropped with the reason."""
    X = _table().assign(id=column)
    cleaned = clean_table(X)
    assert "id" not in cleaned.X.columns
    decision = next(d for d in cleaned.decisions if d["column"] == "id")
    assert decision["action"] == "dropped" and decision["reason"].startswith(reason)


@pytest.mark.parametrize(
    "column",
    [
        # unique integers with gaps, not in order: a measurement
        np.random.default_rng(0).permutation(np.arange(0, 80, 2)),
        np.repeat(np.arange(1950, 1970), 2),  # sorted years, two rows each
        np.r_[np.arange(20), np.arange(20)],  # increasing twice, not throughout
        np.linspace(0, 1, 40),  # unique floats
        np.r_[np.arange(39), np.nan],  # a running index with a hole
    ],
)
def test_clean_table_keeps_unique_numbers_that_are_not_a_running_index(column):
    """Check that numeric columns that are not unique and in order (nor a complete
    running index) stay features."""
    cleaned = clean_table(_table().assign(value=column))
    assert cleaned.kinds["value"] == NUMERIC
    assert [d for d in cleaned.decisions if d["column"] == "value"] == []


def test_clean_table_keep_overrides_the_identifier_rule():
    """Check that a column given to keep stays a feature and the decision says
    what it looks like."""
    years = np.r_[1950:1970, 1972:1992]  # one row per year, two years missing
    cleaned = clean_table(_table().assign(year=years), keep=["year"])
    assert cleaned.kinds["year"] == NUMERIC
    assert [d for d in cleaned.decisions if d["column"] == "year"] == [
        {
            "column": "year",
            "action": "kept",
            "reason": "--keep, although it looks like an identifier: a different "
            "integer in each row, in order down the file (1950 to 1991, 2 numbers "
            "skipped)",
        }
    ]
    dropped = clean_table(_table().assign(year=years))
    assert "year" not in dropped.X.columns


def test_clean_table_drops_constant_and_empty_columns_with_reasons():
    """Check the constant and all-missing columns' reasons."""
    X = _table().assign(site="Anvers", notes=np.nan)
    cleaned = clean_table(X)
    reasons = {d["column"]: d["reason"] for d in cleaned.decisions}
    assert reasons["site"] == "constant ('Anvers')"
    assert reasons["notes"] == "every value missing"
    assert list(cleaned.X.columns) == ["x", "colour", "when"]


def test_clean_table_kinds_and_parsed_columns():
    """Check the kinds: dates parsed, numbers stored as text parsed, categories,
    and high cardinality above MAX_ONE_HOT distinct values."""
    n = 80
    X = _table(n).assign(
        text_number=[f" {v:.2f}" for v in np.arange(n) % 7],
        city=[f"city {i % (MAX_ONE_HOT + 5)}" for i in range(n)],
        flag=np.arange(n) % 2 == 0,
    )
    cleaned = clean_table(X)
    assert cleaned.kinds == {
        "x": NUMERIC,
        "colour": CATEGORICAL,
        "when": DATETIME,
        "text_number": NUMERIC,
        "city": HIGH_CARDINALITY,
        "flag": NUMERIC,
    }
    assert cleaned.X["text_number"].dtype == np.float64
    assert isinstance(cleaned.X["colour"].dtype, pd.CategoricalDtype)
    actions = {d["column"]: (d["action"], d["reason"]) for d in cleaned.decisions}
    assert actions["when"] == ("parsed", "text read as datetimes")
    assert actions["text_number"] == ("parsed", "numbers stored as text")
    assert actions["city"][0] == "encoded"
    assert actions["city"][1].startswith(f"{MAX_ONE_HOT + 5} distinct values")


def test_clean_table_null_strings_become_missing():
    """Check that '?' and 'N/A' in a text column become missing values."""
    X = _table().assign(colour=["?", "N/A", "red", "blue"] * 10)
    cleaned = clean_table(X)
    assert cleaned.X["colour"].isna().sum() == 20
    assert sorted(cleaned.X["colour"].cat.categories) == ["blue", "red"]


def test_clean_table_refuses_a_table_of_identifiers():
    """Check that a table whose every column is an identifier is refused."""
    with pytest.raises(
        UserError, match=r"no feature column left after cleaning: id: identifier"
    ):
        clean_table(pd.DataFrame({"id": np.arange(10)}))


def test_clean_table_refuses_a_table_of_constants():
    """Check that a table whose every column is constant is refused, with reasons."""
    with pytest.raises(UserError, match=r"after cleaning: a: constant \(1\)"):
        clean_table(pd.DataFrame({"a": [1] * 10, "b": [np.nan] * 10}))


@pytest.mark.parametrize(
    "n, word, text",
    [(1, "column", "1 column"), (0, "row", "0 rows"), (3, "feature", "3 features")],
)
def test_plural(n, word, text):
    """Check singular and plural counts."""
    assert plural(n, word) == text
