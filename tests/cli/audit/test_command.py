"""Tests of ``skclassgap audit`` end to end (run as a subprocess) and of its
argument checks (``skclassgap.cli.audit._command``)."""

import base64
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skclassgap
from skclassgap.cli import main
from skclassgap.cli._errors import UserError
from skclassgap.cli.audit._command import parse_strategies
from skclassgap.cli.audit._strategies import DEFAULT_STRATEGIES
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
def digits_run(tmp_path_factory):
    """One run of the digits example (every strategy) with its JSON."""
    out = tmp_path_factory.mktemp("digits")
    result = run("audit", "--example", "digits", "--json", str(out / "audit.json"))
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


def test_audit_default_runs_on_abalone19(default_run):
    """Check that the default run is abalone19: its rows, the categorical Sex
    one-hot encoded, both classes in the per-class table."""
    result, out = default_run
    assert result.returncode == 0, result.stderr
    assert "embedded example 'abalone19': 4174 rows, 8 feature columns, 2 classes" in (
        result.stdout
    )
    report = json.loads((out / "audit.json").read_text())
    assert report["preprocessing"]["categories"] == {"Sex": 3}
    support = {r["class"]: r["support"] for r in report["baseline"]["per_class"]}
    assert support == {"19": 32, "other": 4142}


def test_audit_default_tells_the_rare_class_story(default_run):
    """Check the two closing lines: the rare class, the baseline's recall on it (the
    JSON's), and the best mitigation's g-mean change with its fold spread, which
    is the mean and std of the per-fold differences against the baseline."""
    result, out = default_run
    report = json.loads((out / "audit.json").read_text())
    story = report["story"]
    recall = report["per_class_recall"]["baseline"]["19"]
    assert story["worst_class"] == "19" and story["worst_class_support"] == 32
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("baseline: "))
    first, second = lines[at : at + 2]
    assert first == f"baseline: worst class '19' (32 of 4174 rows), recall {recall:.3f}"
    best = report["best"]
    assert best != "baseline" and story["best"] == best
    folds = report["strategies"]
    diff = np.subtract(
        folds[best]["metrics"]["g_mean"]["folds"],
        folds["baseline"]["metrics"]["g_mean"]["folds"],
    )
    assert story["change_mean"] == pytest.approx(diff.mean())
    assert story["change_std"] == pytest.approx(diff.std())
    assert second.startswith(f"best by g_mean: {best}, g_mean ")
    assert f"change {diff.mean():+.3f}±{diff.std():.3f} over 5 folds" in second
    best_recall = report["per_class_recall"][best]["19"]
    assert second.endswith(f"recall of class '19' {recall:.3f} -> {best_recall:.3f}")


def test_audit_digits_example_prints_per_class_report(digits_run):
    """Check that --example digits reports every digit class, the headline and the
    best."""
    result, _ = digits_run
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "embedded example 'digits'" in out and "1187 rows" in out
    assert "5-fold stratified cross-validation" in out
    for column in ("support", "precision", "recall", "prediction_bias"):
        assert column in out
    for label in ("class gap (recall)", "worst-class recall", "balanced accuracy"):
        assert label in out
    table = out[out.index("baseline per class") : out.index("prediction_bias =")]
    classes = [row.split()[0] for row in table.splitlines()[3:] if row.strip()]
    assert classes == [str(d) for d in range(10)]
    assert "ranked by g_mean" in out and "spectral imbalance" in out
    assert "\nbaseline: worst class 5 (18 of 1187 rows), recall 0.889\n" in out


def test_audit_default_stderr_gets_progress_lines_when_not_a_terminal(default_run):
    """Check that a pipe gets plain progress lines, no redrawn bar: one when the
    data are ready, one per fold with the elapsed seconds."""
    result, _ = default_run
    assert "\r" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    assert re.fullmatch(
        r"audit: 4174 rows and 8 columns after cleaning; fitting 8 strategies "
        r"on 5 folds \[\d+ s\]",
        lines[0],
    )
    for i, line in enumerate(lines[1:], start=1):
        assert re.fullmatch(
            rf"audit: fold {i}/5 fitted: 8 strategies, [\d.]+ s of fits "
            r"\(slowest \w+ [\d.]+ s\), shared preprocessing [\d.]+ s \[\d+ s\]",
            line,
        ), line


def test_audit_digits_baseline_matches_cross_val_predict(digits_run):
    """Check the baseline against scikit-learn's cross_val_predict on the same folds."""
    result, out = digits_run
    report = json.loads((out / "audit.json").read_text())
    data = load_audit_default("digits")
    X = data.data.loc[:, data.data.nunique() > 1]  # the audit drops constant pixels
    model = make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegression(max_iter=2000),
    )
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    expected = per_class_report(
        data.target,
        cross_val_predict(model, X, data.target, cv=cv),
        zero_division=0.0,
    )
    dropped = [d["column"] for d in report["preprocessing"]["decisions"]]
    assert dropped == list(data.data.columns[data.data.nunique() == 1])
    got = pd.DataFrame(report["baseline"]["per_class"]).set_index("class")
    np.testing.assert_array_equal(got["predicted"], expected["predicted"])
    np.testing.assert_allclose(got["recall"], expected["recall"], rtol=1e-12)
    headline = report["baseline"]["headline"]
    assert headline["worst_class"] == int(expected["recall"].idxmin())
    assert headline["class_gap"] == pytest.approx(
        expected["recall"].max() - expected["recall"].min()
    )


def test_audit_json_holds_every_strategy(digits_run):
    """Check that the JSON is strict, lists every strategy, and ranks by the
    objective."""
    result, out = digits_run
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
    assert report["preprocessing"]["columns"]["numeric"][:2] == [
        "pixel_0_1",
        "pixel_0_2",
    ]


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
    assert "Mitigations" in text and "<h2>Preprocessing</h2>" in text


def test_audit_csv_with_string_labels_and_categorical_column(csv_run):
    """Check a CSV with a string target, a categorical column and missing values."""
    result, out, frame = csv_run
    assert result.returncode == 0, result.stderr
    for label in ("cat", "dog", "eel"):
        assert f"\n{label} " in result.stdout
    assert "categorical (1 column: color)" in result.stdout
    n_missing = int(frame["x2"].isna().sum())
    assert f"missing values: {n_missing} in 1 column (x2 {n_missing})" in result.stdout
    report = json.loads((out / "audit.json").read_text())
    assert report["preprocessing"]["columns"]["categorical"] == ["color"]
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
    assert result.stderr == ""  # --quiet: no progress lines either
    report = json.loads((tmp_path / "o.json").read_text())
    assert list(report["strategies"]) == ["baseline", "class_weight"]
    assert report["objective"]["column"] == "worst_class_recall"


@pytest.mark.parametrize(
    "args, match",
    [
        (["audit", "missing.csv"], "no such file: 'missing.csv'"),
        (["audit", "data.txt"], "expected a file ending in .csv, .csv.gz"),
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
        (
            ["audit", "--example", "iris"],
            "argument --example: invalid choice: 'iris' (choose from 'abalone19', "
            "'digits')",
        ),
        (["audit", "data.csv", "--example", "digits"], "give PATH or --example, not"),
        (["audit", "folder"], "'folder' is a directory; give a data file ending in"),
        (
            ["audit", "header.csv"],
            "error: 'header.csv' holds no rows (only a header); the audit needs",
        ),
        (["audit", "header.parquet"], "'header.parquet' holds no rows (only a header)"),
        (
            ["audit", "price.csv"],
            "the target 'price' looks continuous (40 distinct values in 40 rows, not "
            "all whole numbers (e.g. 1050.5)); the audit compares classifiers: bin "
            "it into classes first",
        ),
        (["audit", "data.csv", "--keep", "z"], "--keep 'z': not a column of"),
        (["audit", "data.csv", "--keep", "y"], "--keep 'y' is the target"),
        (
            ["audit", "data.csv", "--keep", "x", "--drop", "x"],
            "'x' given to both --drop and --keep",
        ),
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
    (tmp_path / "folder").mkdir()
    (tmp_path / "header.csv").write_text("x,z,y\n")
    header = pd.DataFrame(
        {"x": pd.Series([], dtype=float), "y": pd.Series([], dtype=int)}
    )
    header.to_parquet(tmp_path / "header.parquet")
    pd.DataFrame({"x": range(40), "price": 1050.5 + 10.0 * np.arange(40)}).to_csv(
        tmp_path / "price.csv", index=False
    )
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert match in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_readme_quick_start_shows_the_default_run(default_run):
    """Check that the README's Quick start output is the one the docs include and
    that its closing lines (rare class, best mitigation) are today's run's."""
    root = Path(__file__).resolve().parents[3]
    readme = (root / "README.md").read_text()
    block = readme.split("<!-- quickstart-output -->\n```\n", 1)[1]
    block = block.split("\n```\n<!-- /quickstart-output -->", 1)[0]
    assert block + "\n" == (root / "doc" / "_quickstart_output.txt").read_text()
    result, _ = default_run
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("baseline: "))
    assert "\n".join(lines[at : at + 2]) in block
    assert block.splitlines()[0] == lines[0]


@pytest.mark.parametrize(
    "values, expected",
    [
        (None, DEFAULT_STRATEGIES),
        (["all"], DEFAULT_STRATEGIES),
        (["none"], []),
        (["threshold,smote"], ["smote", "threshold"]),
        (["threshold", "class_weight"], ["class_weight", "threshold"]),
    ],
)
def test_parse_strategies_accepts_lists(values, expected):
    """Check that --strategies takes comma- or space-separated names, in registry
    order."""
    assert parse_strategies(values) == expected


@pytest.mark.parametrize(
    "values, match",
    [
        (["magic"], "unknown strategy 'magic'; choose from class_weight"),
        (["data.csv"], r"put PATH before --strategies"),
    ],
)
def test_parse_strategies_rejects_unknown_names(values, match):
    """Check that unknown strategy names are refused with the valid names."""
    with pytest.raises(UserError, match=match):
        parse_strategies(values)


def test_main_rejects_unknown_objective(tmp_path, capsys):
    """Check that an unknown --objective is one line and exit code 2."""
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,0\n2,1\n")
    assert main(["audit", str(path), "--objective", "roc_auc"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("skclassgap audit: error: unknown --objective 'roc_auc'")
