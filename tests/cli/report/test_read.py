"""Tests of the report's column selection and engine choice
(``skclassgap.cli.report._read``)."""

from types import SimpleNamespace

import pytest

from skclassgap.cli._errors import UserError
from skclassgap.cli.report._read import choose_engine, select_columns


def _args(**kwargs):
    return SimpleNamespace(
        **{"true": "y", "pred": "pred", "group": None, "proba_cols": None, **kwargs}
    )


def test_select_columns_keeps_label_columns_out_of_the_probabilities():
    """Check that a label column named with the probability prefix is a label, not a
    probability column, and that the classes come from the column names."""
    columns = ["p_true", "p_pred", "p_cat", "p_dog", "other"]
    selected = select_columns(
        columns, _args(true="p_true", pred="p_pred", proba_cols="p_")
    )
    assert selected.proba == ["p_cat", "p_dog"]
    assert selected.proba_classes == ["cat", "dog"]
    assert selected.read == ["p_true", "p_pred", "p_cat", "p_dog"]


def test_select_columns_reads_each_column_once():
    """Check that a group column that is also the true column is read once."""
    selected = select_columns(["y", "pred"], _args(group="y"))
    assert selected.labels == ["y", "pred"]


def test_select_columns_names_a_missing_column():
    """Check that an option naming no column is refused with the columns."""
    with pytest.raises(UserError, match=r"--pred 'pred' is not a column of the data"):
        select_columns(["y", "p"], _args())


@pytest.mark.parametrize(
    "n_rows, scheduler, use_dask, text",
    [
        (100, None, False, "about 1.6 KiB of columns, within the 2.0 KiB budget"),
        (200, None, True, "about 3.1 KiB of columns, over the 2.0 KiB budget"),
        (100, "local", True, "about 1.6 KiB of columns, within the 2.0 KiB budget"),
        (None, None, True, "about 2.0 KiB of columns, over the 2.0 KiB budget"),
    ],
)
def test_choose_engine_by_estimated_size(n_rows, scheduler, use_dask, text):
    """Check that Dask is chosen past the budget or with a scheduler, from the
    columns read (Parquet: rows x widths) or the whole file (CSV)."""
    columns = select_columns(["y", "pred", "unread"], _args())
    widths = {"y": 8.0, "pred": 8.0, "unread": 2**11}
    engine = choose_engine(widths, n_rows, columns, 2 * 2**10, scheduler)
    assert engine.use_dask is use_dask
    assert engine.describe() == text
