"""Check that both commands read their metrics from the registry: one declaration
added to it (the ``error_rate`` fixture) appears in every output."""

import contextlib
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli import main
from skclassgap.metrics._classification import accuracy_from_labels


def _main(*argv):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(list(map(str, argv)))
    assert status == 0, stderr.getvalue()
    return stdout.getvalue()


def test_audit_shows_a_new_headline_metric_everywhere(error_rate, tmp_path):
    """Check that the audit's text headline (pooled and fold mean) and table, JSON
    and HTML hold the new metric, and that it serves as --objective (lower is
    better)."""
    rng = np.random.default_rng(0)
    n = 60
    y = np.where(rng.random(n) < 0.3, "rare", "common")
    frame = pd.DataFrame({"a": rng.normal(size=n) + (y == "rare"), "y": y})
    frame["b"] = rng.normal(size=n)
    frame = frame[["a", "b", "y"]]
    frame.to_csv(tmp_path / "d.csv", index=False)
    out = _main(
        "audit", tmp_path / "d.csv", "--cv", "2", "--strategies", "class_weight",
        "--objective", "neg_error_rate", "--quiet",
        "--json", tmp_path / "a.json", "--html", tmp_path / "a.html",
    )  # fmt: skip
    result = json.loads((tmp_path / "a.json").read_text())
    value = result["baseline"]["headline"]["error_rate"]
    accuracy = result["baseline"]["headline"]["accuracy"]
    assert value == pytest.approx(1.0 - accuracy, abs=1e-12)
    fold = result["baseline"]["fold_mean"]["error_rate"]
    assert re.search(rf"\n {{10}}error rate: +{value:.3f} +{fold:.3f}\n", out)
    header = next(line for line in out.splitlines() if line.startswith("rank"))
    assert header.split()[-3:] == ["error", "fit", "s"]
    assert result["metric_columns"][-1] == "error_rate"
    assert result["objective"] == {
        "name": "neg_error_rate",
        "column": "error_rate",
        "greater_is_better": False,
    }
    metrics = result["strategies"]["class_weight"]["metrics"]["error_rate"]
    assert metrics["mean"] == pytest.approx(np.mean(metrics["folds"]))
    html = (tmp_path / "a.html").read_text()
    cells = f"<td>{value:.3f}</td><td>{fold:.3f}</td>"
    assert f'<td class="name">error rate</td>{cells}' in html
    assert "<th>error</th>" in html


def test_report_shows_a_new_headline_metric_everywhere(error_rate, tmp_path):
    """Check that the report's text headline, JSON and HTML hold the new metric,
    in the registry's order (before the report's own numbers)."""
    rng = np.random.default_rng(1)
    y = rng.choice(["a", "b", "c"], 200)
    pred = np.where(rng.random(200) < 0.8, y, "b")
    pd.DataFrame({"y": y, "pred": pred}).to_csv(tmp_path / "p.csv", index=False)
    out = _main(
        "report", tmp_path / "p.csv", "--true", "y", "--pred", "pred",
        "--json", tmp_path / "r.json", "--html", tmp_path / "r.html",
    )  # fmt: skip
    headline = json.loads((tmp_path / "r.json").read_text())["headline"]
    expected = 1.0 - accuracy_from_labels(y, pred)
    assert headline["error_rate"] == pytest.approx(expected, abs=1e-15)
    keys = list(headline)
    assert keys.index("worst_class_recall") < keys.index("error_rate")
    assert keys.index("error_rate") < keys.index("max_prediction_bias")
    line = f"{'error rate':>20}: {expected:.3f}"
    assert line in out
    assert re.search(r"worst-class recall.*\n\s+error rate.*\n\s+max prediction", out)
    assert line in (tmp_path / "r.html").read_text()
