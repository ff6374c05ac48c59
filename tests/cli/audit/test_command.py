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
from scipy import stats
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skclassgap
from skclassgap.cli import main
from skclassgap.cli._errors import UserError
from skclassgap.cli.audit._command import parse_strategies
from skclassgap.cli.audit._schema import RESULT_SCHEMA
from skclassgap.cli.audit._strategies import ALL_STRATEGIES, DEFAULT_STRATEGIES
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


# The tests of the true default run are marked slow: the whole default audit
# (about 40 s); .ci/run runs them, and runs the README's audit besides.
@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """One run of the true default (no PATH, 5 folds repeated 5 times, every
    strategy) with both files."""
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
        "--repeats",
        "2",
        "--json",
        str(out / "audit.json"),
    )
    return result, out, frame


@pytest.mark.slow
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


@pytest.mark.slow
def test_audit_default_tells_the_rare_class_story(default_run):
    """Check the closing lines: the rare class and the baseline's recall on it
    (the JSON's), then the best mitigation named with its g-mean change and the
    corrected resampled t interval of the 25 paired per-fold differences, which
    excludes 0."""
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
    verdict = report["verdict"]
    assert best is not None and best != "baseline" and verdict["best"] == best
    folds = report["strategies"]
    diff = np.subtract(
        folds[best]["metrics"]["g_mean"]["folds"],
        folds["baseline"]["metrics"]["g_mean"]["folds"],
    )
    assert diff.size == 25 == verdict["n_folds"]
    half = stats.t.ppf(0.975, 24) * np.sqrt((1 / 25 + 1 / 4) * diff.var(ddof=1))
    change = verdict["change"]
    assert change["mean"] == pytest.approx(diff.mean())
    assert change["low"] == pytest.approx(diff.mean() - half)
    assert change["high"] == pytest.approx(diff.mean() + half)
    assert change["low"] > 0
    assert folds[best]["change"]["improves"]
    assert second.startswith(f"best by g_mean: {best}, g_mean ")
    bounds = f"[{change['low']:+.2f}, {change['high']:+.2f}]"
    assert f"change {diff.mean():+.3f} {bounds} (95 % interval over 25 folds)" in (
        second
    )
    best_recall = report["per_class_recall"][best]["19"]
    assert second.endswith(f"recall of class '19' {recall:.3f} -> {best_recall:.3f}")


@pytest.mark.slow
def test_audit_digits_announces_no_winner(digits_run):
    """Check that on digits, where every change is inside the noise, no strategy
    is named best: the closing line says none is distinguishable from the
    baseline and gives the closest one's interval, which includes 0."""
    result, out = digits_run
    report = json.loads((out / "audit.json").read_text())
    verdict = report["verdict"]
    assert report["best"] is None and verdict["best"] is None
    assert verdict["change"]["low"] < 0 < verdict["change"]["high"]
    lead = verdict["lead"]
    assert any(
        line.startswith(
            "no strategy is distinguishable from the baseline on g_mean at the 95 % "
            f"level; the closest, {lead}: "
        )
        for line in result.stdout.splitlines()
    )
    assert "best by" not in result.stdout
    # The baseline shares the first rank: nothing is distinguishably better.
    assert report["strategies"]["baseline"]["rank"] == 1


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param("default_run", marks=pytest.mark.slow),
        pytest.param("digits_run", marks=pytest.mark.slow),
    ],
)
def test_audit_json_follows_the_schema(fixture, request):
    """Check that the JSON of real runs validates against the published schema
    (intervals of every strategy, the verdict, per-class bounds), and that the
    schema refuses a result whose strategy lost its interval."""
    jsonschema = pytest.importorskip("jsonschema")
    _, out = request.getfixturevalue(fixture)
    report = json.loads((out / "audit.json").read_text())
    jsonschema.validate(report, RESULT_SCHEMA)
    name = report["verdict"]["lead"]
    del report["strategies"][name]["change"]
    with pytest.raises(jsonschema.ValidationError, match="'change' is a required"):
        jsonschema.validate(report, RESULT_SCHEMA)


@pytest.mark.slow
def test_audit_default_shows_pooled_and_fold_mean_headline(default_run):
    """Check that the headline prints the pooled and the fold-mean figure of
    every headline metric side by side, with the sentence on why they differ,
    and that the JSON's fold means are the strategy table's baseline means."""
    result, out = default_run
    report = json.loads((out / "audit.json").read_text())
    baseline = report["strategies"]["baseline"]["metrics"]
    assert report["baseline"]["fold_mean"] == {
        column: baseline[column]["mean"] for column in report["metric_columns"]
    }
    assert "pooled  fold mean" in result.stdout
    assert "They differ for metrics that are not a mean over rows" in result.stdout


@pytest.mark.slow
def test_audit_default_merges_cost_sensitive_into_logit_adjustment(default_run):
    """Check that cost_sensitive, whose minimum-risk decision under costs inverse
    to class frequency is the prior correction, is reported as merged into
    logit_adjustment (same predictions on every fold) instead of a second row,
    and that class_weight keeps its own row."""
    result, out = default_run
    report = json.loads((out / "audit.json").read_text())
    merged = report["strategies"]["cost_sensitive"]
    assert merged["status"] == "merged" and merged["same_as"] == "logit_adjustment"
    assert "cost_sensitive" not in report["ranking"]
    assert "merged: cost_sensitive (same predictions as logit_adjustment" in (
        result.stdout
    )
    folds = report["strategies"]
    assert (
        folds["class_weight"]["metrics"]["g_mean"]["folds"]
        != (folds["logit_adjustment"]["metrics"]["g_mean"]["folds"])
    )


@pytest.mark.slow
def test_audit_digits_example_prints_per_class_report(digits_run):
    """Check that --example digits reports every digit class, the headline and the
    best."""
    result, _ = digits_run
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "embedded example 'digits'" in out and "1187 rows" in out
    assert "5-fold stratified cross-validation repeated 5 times (25 folds)" in out
    for column in ("support", "precision", "recall", "prediction_bias"):
        assert column in out
    for label in ("class gap (recall)", "worst-class recall", "balanced accuracy"):
        assert label in out
    table = out[out.index("baseline per class") : out.index("prediction_bias: ")]
    classes = [row.split()[0] for row in table.splitlines()[3:] if row.strip()]
    assert classes == [str(d) for d in range(10)]
    assert "ranked by g_mean" in out and "spectral imbalance" in out
    assert "\nbaseline: worst class 5 (18 of 1187 rows), recall 0.889\n" in out


@pytest.mark.slow
def test_audit_default_stderr_gets_progress_lines_when_not_a_terminal(default_run):
    """Check that a pipe gets plain progress lines, no redrawn bar: one when the
    data are ready, one per fold (5 folds x 5 repetitions) with the elapsed
    seconds."""
    result, _ = default_run
    assert "\r" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 26
    assert re.fullmatch(
        r"audit: 4174 rows and 8 columns after cleaning; fitting 12 strategies "
        r"on 5 folds x 5 repetitions, 1 thread each \[\d+ s\]",
        lines[0],
    )
    for i, line in enumerate(lines[1:], start=1):
        assert re.fullmatch(
            rf"audit: fold {i}/25 fitted: 12 strategies, [\d.]+ s of fits "
            r"\(slowest \w+ [\d.]+ s\), shared preprocessing [\d.]+ s \[\d+ s\]",
            line,
        ), line


@pytest.mark.slow
def test_audit_digits_baseline_matches_cross_val_predict(digits_run):
    """Check the baseline against scikit-learn's cross_val_predict on the first
    repetition of the same repeated folds."""
    result, out = digits_run
    report = json.loads((out / "audit.json").read_text())
    data = load_audit_default("digits")
    X = data.data.loc[:, data.data.nunique() > 1]  # the audit drops constant pixels
    model = make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegression(max_iter=2000),
    )
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=5, random_state=0)
    first = list(cv.split(X, data.target))[:5]
    expected = per_class_report(
        data.target,
        cross_val_predict(model, X, data.target, cv=first),
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


@pytest.mark.slow
def test_audit_json_holds_every_strategy(digits_run):
    """Check that the JSON is strict, lists every strategy, and ranks by the
    objective over 25 folds."""
    result, out = digits_run
    report = json.loads(
        (out / "audit.json").read_text(), parse_constant=lambda c: pytest.fail(c)
    )
    strategies = report["strategies"]
    assert list(strategies) == ["baseline", *DEFAULT_STRATEGIES]
    statuses = {name: o["status"] for name, o in strategies.items()}
    # Digits has no Tomek links: SMOTE-Tomek predicts exactly as SMOTE does.
    merged = {"cost_sensitive", "smote_tomek"}
    assert statuses == {
        **dict.fromkeys(strategies, "ok"),
        **dict.fromkeys(merged, "merged"),
    }
    assert strategies["smote_tomek"]["same_as"] == "smote"
    assert sorted(report["ranking"]) == sorted(set(strategies) - merged)
    means = [strategies[n]["metrics"]["g_mean"]["mean"] for n in report["ranking"]]
    assert means == sorted(means, reverse=True)
    assert report["verdict"]["lead"] == report["ranking"][0]
    folds = strategies["baseline"]["metrics"]["accuracy"]["folds"]
    assert len(folds) == 25
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


@pytest.mark.slow
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
    assert others.pop("class_weight") == "declined"
    # The cleaners measure distances, which a categorical column has not.
    for name in ("smote_enn", "smote_tomek"):
        assert others.pop(name) == "declined"
    # cost_sensitive's min-risk decision is the prior correction, which
    # threshold tuning falls back to here: one row for the three.
    merged = {n for n, status in others.items() if status == "merged"}
    assert merged == {"cost_sensitive", "logit_adjustment"}
    assert {report["strategies"][n]["same_as"] for n in merged} == {"threshold"}
    assert set(others) - merged == set(report["ranking"])


def test_audit_parquet_and_strategy_subset(tmp_path):
    """Check a Parquet file with --strategies, --objective, --repeats,
    --confidence and --quiet."""
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
        "--repeats",
        "2",
        "--confidence",
        "0.8",
        "--quiet",
        "--json",
        str(tmp_path / "o.json"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no progress lines either
    report = json.loads((tmp_path / "o.json").read_text())
    assert list(report["strategies"]) == ["baseline", "class_weight"]
    assert report["objective"]["column"] == "worst_class_recall"
    assert report["cv"]["n_repeats"] == 2 and report["cv"]["n_folds"] == 6
    folds = report["strategies"]["class_weight"]["metrics"]["worst_class_recall"]
    assert len(folds["folds"]) == 6
    assert report["verdict"]["confidence"] == 0.8


# (arguments, the start of the one line on stderr): refused files, refused
# options and argparse's own errors.
BAD_INPUT = [
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
]


def _bad_input_files(folder):
    pd.DataFrame({"x": range(20), "y": [0, 1] * 10}).to_csv(
        folder / "data.csv", index=False
    )
    pd.DataFrame({"x": range(5), "y": [1] * 5}).to_csv(
        folder / "one_class.csv", index=False
    )
    pd.DataFrame({"x": range(9), "y": [0] * 4 + [1] * 4 + [2]}).to_csv(
        folder / "tiny_class.csv", index=False
    )
    (folder / "data.txt").write_text("x\n")
    (folder / "broken.parquet").write_text("not parquet\n")
    (folder / "folder").mkdir()
    (folder / "header.csv").write_text("x,z,y\n")
    header = pd.DataFrame(
        {"x": pd.Series([], dtype=float), "y": pd.Series([], dtype=int)}
    )
    header.to_parquet(folder / "header.parquet")
    pd.DataFrame({"x": range(40), "price": 1050.5 + 10.0 * np.arange(40)}).to_csv(
        folder / "price.csv", index=False
    )


@pytest.mark.parametrize("args, match", BAD_INPUT)
def test_audit_bad_input_exits_2_with_one_line(
    tmp_path, monkeypatch, capsys, args, match
):
    """Check that bad input gives exit status 2 and one clear line, no traceback
    (main in this process: an exception would fail the test; the exit code of
    a real process is checked below)."""
    _bad_input_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    try:
        status = main(args)
    except SystemExit as exc:  # argparse's errors exit
        status = exc.code
    stderr = capsys.readouterr().err
    assert status == 2
    assert match in stderr
    assert len(stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, match", [BAD_INPUT[0], BAD_INPUT[4]])
def test_audit_bad_input_exit_code_of_the_process(tmp_path, args, match):
    """Check, as a shell sees it, that a refused file and an argparse error end
    the process with exit code 2 and one line on stderr, no traceback."""
    _bad_input_files(tmp_path)
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert match in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
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
        (["all"], ALL_STRATEGIES),
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


def test_audit_sets_passive_openmp_waiting_before_scikit_learn_loads():
    """Check, in a fresh process, that the audit sets OMP_WAIT_POLICY=PASSIVE
    before anything loads scikit-learn (whose OpenMP runtime reads it once),
    and keeps a value the user set."""
    code = (
        "import os, sys\n"
        "from skclassgap.cli.audit import _command\n"
        "seen = []\n"
        "def check_args(args):\n"
        "    policy = os.environ.get('OMP_WAIT_POLICY')\n"
        "    seen.append((policy, 'sklearn' in sys.modules))\n"
        "    raise SystemExit(0)\n"
        "_command.check_args = check_args\n"
        "try:\n"
        "    _command.audit(None)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(seen)\n"
    )
    for env, expected in [({}, "PASSIVE"), ({"OMP_WAIT_POLICY": "ACTIVE"}, "ACTIVE")]:
        environ = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**environ, **env},
            check=True,
        )
        assert result.stdout.strip() == f"[('{expected}', False)]"
