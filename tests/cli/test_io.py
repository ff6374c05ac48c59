"""Tests of the helpers both commands share (``skclassgap.cli._io``)."""

import math

import numpy as np
import pytest

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import (
    check_output,
    finite,
    format_size,
    parse_size,
    read_frame,
    to_python,
    write_json,
    write_text,
)

SIZES = ["1", "1e9", "500MB", "500mb", "2GiB", "1.5 kB", " 3 KiB ", "7b", "2TB", "1TiB"]


@pytest.mark.parametrize("text", SIZES)
def test_parse_size_agrees_with_dask_parse_bytes(text):
    """Check that every size the CLI accepts means what Dask's parser says."""
    dask_utils = pytest.importorskip("dask.utils")
    assert parse_size(text, "--memory-budget") == dask_utils.parse_bytes(text)


@pytest.mark.parametrize("text", ["lots", "5 foos", "", "-1MB", "1e9e9", "1.2.3"])
def test_parse_size_refuses_non_sizes(text):
    """Check that a non-size names the option, the value and examples."""
    with pytest.raises(
        UserError, match=rf"--memory-budget {text!r} is not a size; use e\.g\. 500MB"
    ):
        parse_size(text, "--memory-budget")


@pytest.mark.parametrize(
    "n_bytes, text",
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (3 * 2**29, "1.5 GiB")],
)
def test_format_size(n_bytes, text):
    """Check the binary units of printed sizes."""
    assert format_size(n_bytes) == text


def test_check_output_refuses_a_missing_directory(tmp_path):
    """Check that an output in a missing directory is refused before any work, and
    that None (no output asked) and an existing directory pass."""
    check_output("--json", None)
    check_output("--json", str(tmp_path / "r.json"))
    with pytest.raises(UserError, match=r"cannot write --html '.*r\.html': no such"):
        check_output("--html", str(tmp_path / "missing" / "r.html"))


def test_write_json_is_strict_and_write_errors_are_user_errors(tmp_path):
    """Check that NaN and infinities are written as null, NumPy scalars as Python
    numbers, and that an unwritable path is a one-line user error."""
    path = tmp_path / "r.json"
    write_json("--json", path, {"a": [math.nan, 1.5], "b": {"c": math.inf}})
    assert path.read_text() == (
        '{\n  "a": [\n    null,\n    1.5\n  ],\n  "b": {\n    "c": null\n  }\n}\n'
    )
    with pytest.raises(UserError, match=r"cannot write --html '.*': Is a directory"):
        write_text("--html", tmp_path, "<html>")


def test_finite_and_to_python():
    """Check the JSON conversions: nested NaN to None, NumPy scalars to Python."""
    assert finite({"x": (1.0, math.nan), "y": [{"z": -math.inf}]}) == {
        "x": [1.0, None],
        "y": [{"z": None}],
    }
    value = to_python(np.int64(3))
    assert value == 3 and type(value) is int
    assert to_python("a") == "a"


def test_read_frame_names_the_file_and_the_format(tmp_path):
    """Check that a reader failure is one line naming the file and the format."""
    path = tmp_path / "bad.parquet"
    path.write_text("not parquet")
    with pytest.raises(UserError, match=r"cannot read '.*bad\.parquet' as \.parquet: "):
        read_frame(path, "parquet", what=".parquet")
    frame = read_frame(tmp_path / "bad.parquet", "csv", what="csv")
    assert list(frame.columns) == ["not parquet"]
