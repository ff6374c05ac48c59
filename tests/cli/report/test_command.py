"""``skclassgap report``: per-class gaps of stored predictions, pandas and Dask."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss

import skclassgap
from skclassgap.cli import main
from skclassgap.metrics import per_class_report
from skclassgap.metrics._counts import class_counts
from skclassgap.metrics._registry import summary_from_counts

CLASSES = ["cat", "dog", "eel"]


def _frame(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(CLASSES, n, p=[0.6, 0.3, 0.1])
    pred = np.where(rng.random(n) < 0.7, y, rng.choice([*CLASSES, "fox"], n))
    P = rng.dirichlet([2.0, 1.0, 1.0], n)
    return pd.DataFrame(
        {
            "y": y,
            "pred": pred,
            "region": rng.choice(["north", "south", "west"], n),
            "score": rng.random(n),  # an unrelated column, not read
            **{f"p_{c}": P[:, i] for i, c in enumerate(CLASSES)},
        }
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The same predictions as a CSV, a Parquet file and a directory of Parquet
    files of uneven sizes (one of them empty)."""
    root = tmp_path_factory.mktemp("report")
    frame = _frame()
    frame.to_csv(root / "pred.csv", index=False)
    frame.to_parquet(root / "pred.parquet")
    directory = root / "parts"
    directory.mkdir()
    bounds = [0, 300, 300, 1100, 1999, 2000]
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        frame.iloc[a:b].to_parquet(directory / f"part-{i}.parquet")
    return {
        "frame": frame,
        "csv": root / "pred.csv",
        "parquet": root / "pred.parquet",
        "dir": directory,
        "root": root,
    }


def _run(capsys, *args):
    status = main(["report", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys, tmp_path, *args):
    path = tmp_path / "report.json"
    status, out, err = _run(capsys, *args, "--json", path)
    assert status == 0, err
    return json.loads(path.read_text()), out


def _expected_records(report):
    flat = report.reset_index()
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in flat.to_dict(orient="records")
    ]


@pytest.mark.parametrize("source", ["csv", "parquet", "dir"])
def test_report_equals_metric_functions(files, capsys, tmp_path, source):
    """Check that the per-class table, the headline numbers and the probability
    columns equal the library's functions (and scikit-learn's log loss)."""
    frame = files["frame"]
    result, out = _json(
        capsys, tmp_path, files[source], "--true", "y", "--pred", "pred",
        "--proba-cols", "p_",
    )  # fmt: skip
    expected = per_class_report(frame["y"], frame["pred"], zero_division=0.0)
    for got, want in zip(result["per_class"], _expected_records(expected), strict=True):
        for key, value in want.items():
            if isinstance(value, float) and not np.isfinite(value):
                value = None if np.isnan(value) else str(value)
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert got[key] == value, key
    summary = summary_from_counts(class_counts(frame["y"], frame["pred"]))
    _assert_close(
        {key: result["headline"][key] for key in summary}, summary, "headline"
    )
    P = frame[[f"p_{c}" for c in CLASSES]].to_numpy()
    for record in result["per_class"]:
        label = record["class"]
        rows = (frame["y"] == label).to_numpy()
        if label == "fox":  # only predicted: no true rows, no probability column
            assert record["mean_proba"] is None and record["log_loss"] is None
            continue
        c = CLASSES.index(label)
        assert record["mean_proba"] == pytest.approx(P[rows, c].mean(), rel=1e-12)
        assert record["log_loss"] == pytest.approx(
            log_loss(frame["y"][rows], P[rows], labels=CLASSES), rel=1e-12
        )
        assert record["proba_bias"] == pytest.approx(
            P[:, c].sum() / rows.sum(), rel=1e-12
        )
    assert result["headline"]["log_loss"] == pytest.approx(
        log_loss(frame["y"], P, labels=CLASSES), rel=1e-12
    )
    assert result["data"]["n_rows"] == len(frame)
    assert "worst-class recall" in out and "per class:" in out


def test_report_groups_and_worst_cell(files, capsys, tmp_path):
    """Check the per (group, class) table against per_class_report(groups=) and the
    worst cell against its smallest recall."""
    frame = files["frame"]
    result, out = _json(
        capsys, tmp_path, files["parquet"], "--true", "y", "--pred", "pred",
        "--group", "region",
    )  # fmt: skip
    expected = per_class_report(
        frame["y"], frame["pred"], groups=frame["region"], zero_division=0.0
    )
    got = pd.DataFrame(result["per_group_class"]).set_index(["group", "class"])
    assert got.index.tolist() == expected.index.tolist()
    np.testing.assert_array_equal(got["support"], expected["support"])
    np.testing.assert_allclose(got["recall"], expected["recall"], rtol=1e-12)
    observed = expected[expected["support"] > 0]
    group, label = observed["recall"].idxmin()
    cell = result["headline"]["worst_cell"]
    assert (cell["group"], cell["class"]) == (group, label)
    assert cell["recall"] == pytest.approx(observed["recall"].min(), rel=1e-12)
    assert f"worst cell: group {group!r}, class {label!r}" in out


@pytest.mark.parametrize("source", ["csv", "dir"])
def test_report_ci_equals_per_class_report_intervals(files, capsys, tmp_path, source):
    """Check that --ci adds to the per-class table, and to each group's rows, the
    intervals of per_class_report(ci=..., n_boot=1000, random_state=0) on the
    same rows: drawn from the (true, predicted) counts of the one pass, which
    add up over the Parquet files."""
    frame = files["frame"]
    result, out = _json(
        capsys, tmp_path, files[source], "--true", "y", "--pred", "pred",
        "--group", "region", "--ci", "0.9",
    )  # fmt: skip
    columns = [
        f"{m}_{end}" for m in ("precision", "recall", "f1") for end in ("low", "high")
    ]
    expected = per_class_report(
        frame["y"], frame["pred"], zero_division=0.0, ci=0.9, n_boot=1000,
        random_state=0,
    )  # fmt: skip
    got = pd.DataFrame(result["per_class"]).set_index("class")
    np.testing.assert_allclose(got[columns], expected[columns], rtol=1e-12)
    assert result["intervals"]["level"] == 0.9
    cells = pd.DataFrame(result["per_group_class"]).set_index(["group", "class"])
    for group, rows in frame.groupby("region"):
        want = per_class_report(
            rows["y"], rows["pred"], zero_division=0.0, ci=0.9, n_boot=1000,
            random_state=0,
        )  # fmt: skip
        np.testing.assert_allclose(cells.loc[group][columns], want[columns], rtol=1e-12)
    low, high = got.loc["eel", "recall_low"], got.loc["eel", "recall_high"]
    assert f"{got.loc['eel', 'recall']:.3f} [{low:.3f}, {high:.3f}]" in out
    assert "[low, high]: 90 % bootstrap interval" in out


def test_report_ci_refuses_a_level_outside_0_1(capsys):
    """Check that --ci 95 is refused in one line naming the expected level."""
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "x.csv", "--true", "y", "--pred", "p", "--ci", "95"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --ci: expected a confidence level between 0 and 1" in err


def _assert_close(got, expected, where):
    """Equal structures; floats (sums in another order) to 1e-12 relative."""
    if isinstance(expected, dict):
        assert got.keys() == expected.keys(), where
        for key in expected:
            _assert_close(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            _assert_close(a, b, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-12), where
    else:
        assert got == expected, where


def _strip_engine(result):
    for key in ("engine", "n_blocks", "memory"):
        result["data"].pop(key)
    return result


@pytest.mark.dask
def test_report_dask_beyond_budget_equals_pandas(files, capsys, tmp_path):
    """Check that data over the memory budget are read by Dask, block by block, and
    give the pandas report exactly, bootstrap intervals included."""
    pytest.importorskip("dask.dataframe")
    args = ["--true", "y", "--pred", "pred", "--group", "region", "--proba-cols", "p_"]
    args += ["--ci", "0.95"]
    small, _ = _json(capsys, tmp_path, files["dir"], *args)
    large, out = _json(capsys, tmp_path, files["dir"], *args, "--memory-budget", "1KB")
    assert small["data"]["engine"] == "pandas"
    assert large["data"]["engine"] == "Dask, local threads"
    assert "over the 1000 B budget" in out
    _assert_close(_strip_engine(large), _strip_engine(small), "result")


@pytest.mark.dask
def test_report_on_a_running_scheduler(files, capsys, tmp_path, dask_client):
    """Check that --scheduler ADDRESS computes on that cluster's workers, gives the
    pandas report, and leaves the session's default client alone."""
    distributed = pytest.importorskip("distributed")
    args = ["--true", "y", "--pred", "pred", "--group", "region", "--proba-cols", "p_"]
    address = dask_client.scheduler.address
    on_cluster, _ = _json(capsys, tmp_path, files["dir"], *args, "--scheduler", address)
    in_memory, _ = _json(capsys, tmp_path, files["parquet"], *args)
    assert on_cluster["data"]["engine"] == f"Dask, {address} with 2 workers"
    assert on_cluster["data"]["n_blocks"] >= 4
    on_cluster, in_memory = _strip_engine(on_cluster), _strip_engine(in_memory)
    for result in (on_cluster, in_memory):
        result["data"].pop("source")
        result["data"].pop("format")
    _assert_close(on_cluster, in_memory, "result")
    assert distributed.get_client() is dask_client


def test_report_html(files, capsys, tmp_path):
    """Check that --html writes a page with the class table, its column legend,
    the per-class figure and the worst cell."""
    path = tmp_path / "report.html"
    status, out, _ = _run(
        capsys, files["csv"], "--true", "y", "--pred", "pred", "--group", "region",
        "--html", path,
    )  # fmt: skip
    assert status == 0
    text = path.read_text()
    assert text.startswith("<!DOCTYPE html>") and text.count("<table>") == 2
    assert "worst cell: group" in text and '<td class="name">eel</td>' in text
    assert "prediction_bias: predicted / support" in text
    assert text.count('<img alt="figure" src="data:image/png;base64,') == 1
    assert f"wrote {path}" in out


def _write_bad(root, name, frame):
    path = root / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return path


def _write_junk(path):
    path.write_text("not parquet")
    return path


@pytest.mark.parametrize(
    "make, extra, message",
    [
        (lambda root, f: root / "missing.csv", [], r"no such file or directory"),
        (lambda root, f: root, [], r"holds no \.parquet files"),
        (
            lambda root, f: _write_bad(root, "x.txt", f),
            [],
            r"cannot read 'x\.txt': expected a \.csv or \.parquet file",
        ),
        (
            lambda root, f: _write_bad(root, "a.csv", f),
            ["--group", "zone"],
            r"--group 'zone' is not a column of the data; columns are \['y', ",
        ),
        (
            lambda root, f: _write_bad(root, "a.csv", f),
            ["--proba-cols", "prob_"],
            r"--proba-cols 'prob_' matches no column",
        ),
        (
            lambda root, f: _write_bad(
                root, "a.parquet", f.assign(y=f["y"].where(f.index != 5))
            ),
            [],
            r"the true-label column 'y' has 1 missing values; drop those rows",
        ),
        (
            lambda root, f: _write_bad(root, "a.csv", f.assign(p_dog=f["p_dog"] * 3)),
            ["--proba-cols", "p_"],
            r"probability column 'p_dog' holds .*; expected probabilities in \[0, 1\]",
        ),
        (
            lambda root, f: _write_bad(root, "a.csv", f.drop(columns="p_eel")),
            ["--proba-cols", "p_"],
            r"class 'eel' of 'y' has no probability column; expected a column named "
            r"like 'p_cat' with 'eel' in place of 'cat'",
        ),
        (
            lambda root, f: _write_bad(root, "a.csv", f),
            ["--memory-budget", "lots"],
            r"--memory-budget 'lots' is not a size; use e\.g\. 500MB",
        ),
        (
            lambda root, f: _write_bad(root, "a.csv", f),
            ["--json", "/no/such/dir/r.json"],
            r"cannot write --json '/no/such/dir/r\.json': no such directory",
        ),
        (
            lambda root, f: _write_junk(root / "junk.parquet"),
            [],
            r"cannot read '.*junk\.parquet' as Parquet",
        ),
    ],
    ids=[
        "missing",
        "empty-dir",
        "suffix",
        "group-column",
        "proba-prefix",
        "nan-label",
        "proba-range",
        "proba-missing-class",
        "budget",
        "json-dir",
        "corrupt",
    ],
)
def test_report_user_errors(tmp_path, capsys, make, extra, message):
    """Check that each user error is one line on stderr with exit code 2."""
    path = make(tmp_path, _frame(n=50))
    status, out, err = _run(capsys, path, "--true", "y", "--pred", "pred", *extra)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("skclassgap report: error: ")
    assert re.search(message, err), err


@pytest.mark.dask
def test_report_dask_block_with_missing_labels(tmp_path, capsys):
    """Check that a missing label in one Parquet file, read by Dask, names the
    block."""
    pytest.importorskip("dask.dataframe")
    frame = _frame(n=60)
    frame.loc[45, "pred"] = None
    (tmp_path / "d").mkdir()
    for i in range(3):
        frame.iloc[20 * i : 20 * (i + 1)].to_parquet(tmp_path / "d" / f"{i}.parquet")
    status, _, err = _run(
        capsys, tmp_path / "d", "--true", "y", "--pred", "pred", "--memory-budget", "1"
    )
    assert status == 2
    assert "the predicted-label column 'pred' has 1 missing values (in block 2" in err


def test_report_without_dask_names_the_extra(files, capsys, monkeypatch):
    """Check that data over the budget without Dask installed name the extra."""
    monkeypatch.setitem(sys.modules, "dask", None)
    status, _, err = _run(
        capsys, files["csv"], "--true", "y", "--pred", "pred", "--memory-budget", "1"
    )
    assert status == 2
    assert err == (
        "skclassgap report: error: data larger than --memory-budget needs Dask; "
        "install the extra with pip install 'skclassgap[dask]'\n"
    )


def test_report_subprocess_end_to_end(files):
    """Check the console entry point: output on stdout, exit 0; a missing required
    option is a one-line usage error with exit 2."""
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(skclassgap.__file__).resolve().parents[1]),
    }
    command = [sys.executable, "-m", "skclassgap", "report", str(files["csv"])]
    done = subprocess.run(
        [*command, "--true", "y", "--pred", "pred"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "class gap (recall)" in done.stdout
    missing = subprocess.run(
        [*command, "--true", "y"], capture_output=True, text=True, env=env, timeout=600
    )
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
    assert "the following arguments are required: --pred" in missing.stderr
