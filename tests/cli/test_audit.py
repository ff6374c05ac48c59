"""End-to-end tests of ``skclassgap audit`` run as a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import skclassgap

# Run the same skclassgap the tests import, wherever the subprocess starts.
_ENV = {**os.environ, "PYTHONPATH": str(Path(skclassgap.__file__).resolve().parents[1])}


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "skclassgap", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300, env=_ENV,
    )


def test_audit_default_prints_per_class_report():
    """Check that the default run reports every digit class and the headline numbers."""
    result = run("audit", "--cv", "3")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "embedded default" in out and "1187 rows" in out
    for column in ("support", "precision", "recall", "prediction_bias"):
        assert column in out
    assert "class gap (recall)" in out and "worst-class recall" in out
    lines = [line.split() for line in out.splitlines()]
    classes = [row[0] for row in lines if row and row[0].isdigit() and len(row) == 8]
    assert classes == [str(d) for d in range(10)]


def test_audit_csv_with_string_labels_and_categorical_column(tmp_path):
    """Check a CSV with a string target and a categorical feature column."""
    rng = np.random.default_rng(0)
    n = 120
    frame = pd.DataFrame({
        "x1": rng.normal(size=n),
        "color": rng.choice(["red", "green"], n),
        "label": rng.choice(["cat", "dog", "eel"], n),
    })
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    result = run("audit", str(path), "--target", "label", "--cv", "3")
    assert result.returncode == 0, result.stderr
    for label in ("cat", "dog", "eel"):
        assert f"\n{label} " in result.stdout


@pytest.mark.parametrize(
    "args, match",
    [
        (["audit", "missing.csv"], "no such file: 'missing.csv'"),
        (["audit", "data.txt"], "expected a .csv, .parquet or .feather file"),
        (["audit", "data.csv", "--target", "nope"], "--target 'nope' is not a column"),
        (["audit", "one_class.csv"], "single class"),
        (["audit", "data.csv", "--cv", "50"], "fewer than the 50 folds of --cv; use --cv"),
    ],
)
def test_audit_bad_input_exits_2_with_one_line(tmp_path, args, match):
    """Check that bad input gives exit code 2 and one clear line, no traceback."""
    pd.DataFrame({"x": range(20), "y": [0, 1] * 10}).to_csv(tmp_path / "data.csv", index=False)
    pd.DataFrame({"x": range(5), "y": [1] * 5}).to_csv(tmp_path / "one_class.csv", index=False)
    (tmp_path / "data.txt").write_text("x\n")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert match in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
