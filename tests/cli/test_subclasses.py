"""``--subclasses`` of the audit and the report: the section, its rendering,
and the report's reading of feature columns."""

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skclassgap.cli import main
from skclassgap.cli._subclasses import N_WORST, section_lines, subclass_section
from skclassgap.cli.audit._schema import RESULT_SCHEMA
from skclassgap.datasets import make_subclass_classification
from skclassgap.subclass import subclass_report


@pytest.fixture(scope="module")
def planted():
    """Held-out predictions of a logistic regression on planted sub-classes,
    as arrays and as a CSV frame (features f0.., labels, a text column)."""
    data = make_subclass_classification(n_samples=4000, random_state=0)
    X, y = data.data, data.target
    model = LogisticRegression().fit(X[:2000], y[:2000])
    X_te, y_te, rare = X[2000:], y[2000:], data.rare[2000:]
    pred = model.predict(X_te)
    frame = pd.DataFrame(X_te, columns=[f"f{i}" for i in range(X.shape[1])])
    frame["y"], frame["pred"], frame["site"] = y_te, pred, "a"
    return X_te, y_te, pred, rare, frame


def _main(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_subclass_section_agrees_with_subclass_report(planted):
    """Check that the section lists subclass_report's worst sub-classes with
    its numbers, each other prediction's recall on the same rows, and that
    the worst one's representative row is a planted rare row."""
    X, y, pred, rare, _ = planted
    section, report = subclass_section(
        X, y, {"model": pred, "truth": y, "none": np.full_like(y, -1)}, random_state=0
    )
    expected = subclass_report(X, y, pred, random_state=0)
    assert section["gap"] == pytest.approx(expected.gap)
    assert tuple(section["worst"]) == expected.worst
    worst = expected.worst_subclasses(N_WORST, min_support=5)
    listed = [(r["class"], r["subclass"]) for r in section["worst_subclasses"]]
    assert listed == list(worst.index)
    for row, (_, ref) in zip(
        section["worst_subclasses"], worst.iterrows(), strict=True
    ):
        assert row["recall"] == pytest.approx(ref["recall"])
        assert row["recall_by"]["model"] == pytest.approx(ref["recall"])
        assert row["recall_by"]["truth"] == 1.0
        assert row["recall_by"]["none"] == 0.0
    first = section["worst_subclasses"][0]
    assert rare[first["representative"]]
    assert first["recall"] < 0.7 < first["class_recall"]
    json.dumps(section)  # JSON-able: numpy scalars became Python numbers


def test_subclass_section_lines_name_the_worst(planted):
    """Check that the text names the worst sub-class, with one table row per
    listed sub-class and a recall column per prediction."""
    X, y, pred, _, _ = planted
    section, _ = subclass_section(X, y, {"model": pred}, random_state=0)
    lines = section_lines(section)
    w = section["worst_subclasses"][0]
    assert (
        f"worst: class {w['class']} sub-class {w['subclass']} ({w['support']} rows), "
        f"recall {w['recall']:.3f}"
    ) in lines[1]
    header = next(i for i, line in enumerate(lines) if "recall (model)" in line)
    assert len(lines) == header + 1 + len(section["worst_subclasses"]) + 1


def test_report_subclasses_on_every_other_numeric_column(planted, tmp_path):
    """Check that report --subclasses clusters on the numeric columns that are
    not labels (the text column left out), writes the section to the JSON and
    a figure to the HTML, and equals the section computed directly."""
    X, y, pred, _, frame = planted
    frame.to_csv(tmp_path / "p.csv", index=False)
    status, out, err = _main(
        "report", str(tmp_path / "p.csv"), "--true", "y", "--pred", "pred",
        "--subclasses", "--json", str(tmp_path / "r.json"),
        "--html", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert status == 0, err
    section = json.loads((tmp_path / "r.json").read_text())["subclasses"]
    assert section["features"] == [f"f{i}" for i in range(X.shape[1])]
    direct, _ = subclass_section(X, y, {"pred": pred}, random_state=0)
    assert section["worst_subclasses"] == direct["worst_subclasses"]
    assert "sub-class gap of pred's recall" in out
    html = (tmp_path / "r.html").read_text()
    assert "<h2>Sub-classes</h2>" in html
    assert html.count("<img") == 2  # the per-class figure and the sub-classes'


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--subclasses", "site"], "--subclasses column 'site' holds"),
        (["--subclasses", "y"], "--subclasses 'y' is a label, group or probability"),
        (["--subclasses", "nope"], "--subclasses 'nope' is not a column of the data"),
        (["--subclasses", "--scheduler", "local"], "does not run on a Dask scheduler"),
        (["--subclasses", "--memory-budget", "1KB"], "over the 1000 B budget"),
    ],
)
def test_report_subclasses_refusals(planted, tmp_path, argv, message):
    """Check that bad --subclasses input gives one line and exit status 2."""
    frame = planted[4]
    frame.to_csv(tmp_path / "p.csv", index=False)
    status, _, err = _main(
        "report", str(tmp_path / "p.csv"), "--true", "y", "--pred", "pred", *argv
    )
    assert status == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_report_subclasses_missing_feature_values(planted, tmp_path):
    """Check that a missing value in a feature column is refused with its count."""
    frame = planted[4].copy()
    frame.loc[[3, 7], "f2"] = np.nan
    frame.to_csv(tmp_path / "p.csv", index=False)
    status, _, err = _main(
        "report", str(tmp_path / "p.csv"), "--true", "y", "--pred", "pred",
        "--subclasses", "f1", "f2",
    )  # fmt: skip
    assert status == 2
    assert "--subclasses column 'f2' has 2 missing or infinite values" in err


def test_report_subclasses_without_numeric_columns(planted, tmp_path):
    """Check that a file with labels only says where the features should be."""
    planted[4][["y", "pred", "site"]].to_csv(tmp_path / "p.csv", index=False)
    status, _, err = _main(
        "report", str(tmp_path / "p.csv"), "--true", "y", "--pred", "pred",
        "--subclasses",
    )  # fmt: skip
    assert status == 2 and "found no numeric column" in err


def test_audit_subclasses_section(planted, tmp_path):
    """Check that audit --subclasses adds the section to the text, the JSON
    (valid under the schema, with the baseline's and the lead strategy's
    recall) and the HTML, and that without it the JSON has no section."""
    jsonschema = pytest.importorskip("jsonschema")
    frame = planted[4].drop(columns=["pred", "site"])
    frame.to_csv(tmp_path / "d.csv", index=False)
    common = ["audit", str(tmp_path / "d.csv"), "--target", "y", "--cv", "3"]
    common += ["--repeats", "1", "--strategies", "random_undersampling", "--quiet"]
    status, out, err = _main(
        *common, "--subclasses", "--json", str(tmp_path / "a.json"),
        "--html", str(tmp_path / "a.html"),
    )  # fmt: skip
    assert status == 0, err
    result = json.loads((tmp_path / "a.json").read_text())
    jsonschema.validate(result, RESULT_SCHEMA)
    section = result["subclasses"]
    lead = result["verdict"]["lead"]
    assert section["predictions"] == ["baseline", lead]
    rows = section["worst_subclasses"]
    assert all(set(r["recall_by"]) == {"baseline", lead} for r in rows)
    assert all(r["recall_by"]["baseline"] == r["recall"] for r in rows)
    assert rows[0]["recall"] <= min(r["recall"] for r in rows)
    assert "sub-classes (sub-classes found without labels" in out
    assert "<h2>Sub-classes</h2>" in (tmp_path / "a.html").read_text()
    status, _, err = _main(*common, "--json", str(tmp_path / "b.json"))
    assert status == 0, err
    assert "subclasses" not in json.loads((tmp_path / "b.json").read_text())
