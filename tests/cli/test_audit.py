"""End-to-end tests of ``skclassgap audit`` run as a subprocess."""

import base64
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

import skclassgap
from skclassgap.cli._data import make_preprocessor
from skclassgap.cli._strategies import DEFAULT_STRATEGIES
from skclassgap.datasets import load_audit_default
from skclassgap.metrics import per_class_report

# Run the same skclassgap the tests import, wherever the subprocess starts.
_ENV = {**os.environ, "PYTHONPATH": str(Path(skclassgap.__file__).resolve().parents[1])}


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "skclassgap", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env=_ENV,
    )


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """One run of the true default (no PATH, 5 folds, every strategy) with both
    files."""
    out = tmp_path_factory.mktemp("default")
    result = run(
        "audit", "--json", str(out / "audit.json"), "--html", str(out / "audit.html")
    )
    return result, out


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory):
    """A CSV with a string target, a categorical column and missing values."""
    out = tmp_path_factory.mktemp("csv")
    rng = np.random.default_rng(0)
    n = 150
    label = rng.choice(["cat", "dog", "eel"], n, p=[0.5, 0.35, 0.15])
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n) + (label == "dog"),
            "x2": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "color": rng.choice(["red", "green", "blue"], n),
            "label": label,
        }
    )
    frame.to_csv(out / "data.csv", index=False)
    result = run(
        "audit",
        str(out / "data.csv"),
        "--target",
        "label",
        "--cv",
        "3",
        "--model",
        "knn",
        "--json",
        str(out / "audit.json"),
    )
    return result, out, frame


def test_audit_default_prints_per_class_report(default_run):
    """Check that the default run reports every digit class, the headline and the
    best."""
    result, _ = default_run
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "embedded default" in out and "1187 rows" in out
    assert "5-fold stratified cross-validation" in out
    for column in ("support", "precision", "recall", "prediction_bias"):
        assert column in out
    for label in ("class gap (recall)", "worst-class recall", "balanced accuracy"):
        assert label in out
    table = out[out.index("baseline per class") : out.index("accuracy:")]
    classes = [row.split()[0] for row in table.splitlines()[3:] if row.strip()]
    assert classes == [str(d) for d in range(10)]
    assert "ranked by g_mean" in out and "spectral imbalance" in out
    assert "best by g_mean: " in out or "no mitigation beat the baseline" in out


def test_audit_default_stderr_is_quiet_when_not_a_terminal(default_run):
    """Check that no progress bar is written when stderr is a pipe."""
    result, _ = default_run
    assert result.stderr == ""


def test_audit_default_baseline_matches_cross_val_predict(default_run):
    """Check the baseline against scikit-learn's cross_val_predict on the same folds."""
    result, out = default_run
    report = json.loads((out / "audit.json").read_text())
    data = load_audit_default()
    model = make_pipeline(make_preprocessor(), LogisticRegression(max_iter=2000))
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    expected = per_class_report(
        data.target,
        cross_val_predict(model, data.data, data.target, cv=cv),
        zero_division=0.0,
    )
    got = pd.DataFrame(report["baseline"]["per_class"]).set_index("class")
    np.testing.assert_array_equal(got["predicted"], expected["predicted"])
    np.testing.assert_allclose(got["recall"], expected["recall"], rtol=1e-12)
    headline = report["baseline"]["headline"]
    assert headline["worst_class"] == int(expected["recall"].idxmin())
    assert headline["class_gap"] == pytest.approx(
        expected["recall"].max() - expected["recall"].min()
    )


def test_audit_json_holds_every_strategy(default_run):
    """Check that the JSON is strict, lists every strategy, and ranks by the
    objective."""
    result, out = default_run
    report = json.loads(
        (out / "audit.json").read_text(), parse_constant=lambda c: pytest.fail(c)
    )
    strategies = report["strategies"]
    assert list(strategies) == ["baseline", *DEFAULT_STRATEGIES]
    assert {name: o["status"] for name, o in strategies.items()} == dict.fromkeys(
        strategies, "ok"
    )
    assert sorted(report["ranking"]) == sorted(strategies)
    means = [strategies[n]["metrics"]["g_mean"]["mean"] for n in report["ranking"]]
    assert means == sorted(means, reverse=True)
    assert report["best"] == report["ranking"][0]
    folds = strategies["baseline"]["metrics"]["accuracy"]["folds"]
    assert len(folds) == 5
    assert strategies["baseline"]["metrics"]["accuracy"]["mean"] == pytest.approx(
        np.mean(folds)
    )
    assert report["preprocessing"]["numeric_columns"][:2] == ["pixel_0_0", "pixel_0_1"]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"])


def test_audit_html_is_self_contained_with_figures(default_run):
    """Check that the HTML parses, holds the tables and at least four inline PNGs."""
    result, out = default_run
    text = (out / "audit.html").read_text()
    parser = _Collector()
    parser.feed(text)
    parser.close()
    assert parser.tags.count("table") >= 3
    assert len(parser.images) >= 4
    for src in parser.images:
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png[16:20], "big")
        assert width >= 500
    assert "http" not in text.replace("http-equiv", "")
    assert "Mitigations" in text and "Preprocessing (ColumnTransformer)" in text


def test_audit_csv_with_string_labels_and_categorical_column(csv_run):
    """Check a CSV with a string target, a categorical column and missing values."""
    result, out, frame = csv_run
    assert result.returncode == 0, result.stderr
    for label in ("cat", "dog", "eel"):
        assert f"\n{label} " in result.stdout
    assert "categorical (1 columns: color)" in result.stdout
    assert f"{int(frame['x2'].isna().sum())} missing values imputed" in result.stdout
    report = json.loads((out / "audit.json").read_text())
    assert report["preprocessing"]["categorical_columns"] == ["color"]
    assert report["preprocessing"]["categories"] == {"color": 3}
    assert report["preprocessing"]["n_features_out"] == 2 + 3
    support = {r["class"]: r["support"] for r in report["baseline"]["per_class"]}
    assert support == frame["label"].value_counts().to_dict()
    assert report["model"]["name"] == "knn"
    assert report["strategies"]["class_weight"]["status"] == "declined"
    assert "declined: class_weight (KNeighborsClassifier takes neither" in result.stdout
    others = {n: o["status"] for n, o in report["strategies"].items()}
    assert others == {**dict.fromkeys(others, "ok"), "class_weight": "declined"}


def test_audit_parquet_and_strategy_subset(tmp_path):
    """Check a Parquet file with --strategies, --objective and --quiet."""
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    frame["y"] = np.where(frame["a"] > 0.8, "rare", "common")
    frame.to_parquet(tmp_path / "d.parquet")
    result = run(
        "audit",
        str(tmp_path / "d.parquet"),
        "--cv",
        "3",
        "--strategies",
        "class_weight",
        "--objective",
        "worst_class_recall",
        "--quiet",
        "--json",
        str(tmp_path / "o.json"),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "o.json").read_text())
    assert list(report["strategies"]) == ["baseline", "class_weight"]
    assert report["objective"]["column"] == "worst_class_recall"


@pytest.mark.parametrize(
    "args, match",
    [
        (["audit", "missing.csv"], "no such file: 'missing.csv'"),
        (["audit", "data.txt"], "expected a .csv, .parquet or .feather file"),
        (["audit", "broken.parquet"], "cannot read"),
        (["audit", "data.csv", "--target", "nope"], "--target 'nope' is not a column"),
        (["audit", "data.csv", "--target"], "argument --target: expected one argument"),
        (["audit", "one_class.csv"], "single class"),
        (
            ["audit", "data.csv", "--cv", "50"],
            "fewer than the 50 folds of --cv; use --cv 10",
        ),
        (["audit", "tiny_class.csv"], "class 2 has 1 row, too few"),
        (
            ["audit", "data.csv", "--strategies", "smote,magic"],
            "unknown strategy 'magic'",
        ),
        (["audit", "data.csv", "--html", "no/dir/r.html"], "cannot write --html"),
        (["audit", "data.csv", "--model", "svm"], "invalid choice: 'svm'"),
    ],
)
def test_audit_bad_input_exits_2_with_one_line(tmp_path, args, match):
    """Check that bad input gives exit code 2 and one clear line, no traceback."""
    pd.DataFrame({"x": range(20), "y": [0, 1] * 10}).to_csv(
        tmp_path / "data.csv", index=False
    )
    pd.DataFrame({"x": range(5), "y": [1] * 5}).to_csv(
        tmp_path / "one_class.csv", index=False
    )
    pd.DataFrame({"x": range(9), "y": [0] * 4 + [1] * 4 + [2]}).to_csv(
        tmp_path / "tiny_class.csv", index=False
    )
    (tmp_path / "data.txt").write_text("x\n")
    (tmp_path / "broken.parquet").write_text("not parquet\n")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert match in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
