"""``skclassgap audit`` on real, messy files (tests/cli/audit/data, see its README)."""

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skclassgap.cli import main

DATA = Path(__file__).parent / "data"
HYPOTHYROID_NUMERIC = ["age", "TSH", "T3", "TT4", "T4U", "FTI", "TBG"]


def audit(*args, out, html=True):
    """Run the audit in this process with --json (and --html unless ``html`` is
    False) into ``out``; return (exit status, stdout, stderr, JSON or None, HTML
    text or None).

    One repeat of the cross-validation unless a test asks for more: these tests
    are about reading files; repeats are tested in test_command.py.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    json_path, html_path = out / "audit.json", out / "audit.html"
    repeats = [] if "--repeats" in args else ["--repeats", "1"]
    pages = ["--html", str(html_path)] if html else []
    argv = ["audit", *args, *repeats, "--json", str(json_path), *pages]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(argv)
    report = json.loads(json_path.read_text()) if json_path.exists() else None
    page = html_path.read_text() if html_path.exists() else None
    return status, stdout.getvalue(), stderr.getvalue(), report, page


def _penguins_sorted_with(column, values):
    """penguins.csv sorted by species with an identifier column in front."""
    frame = pd.read_csv(DATA / "penguins.csv")
    frame = frame.sort_values("species", kind="stable").reset_index(drop=True)
    frame.insert(0, column, values)
    return frame


@pytest.fixture(scope="module")
def penguins_plain(tmp_path_factory):
    """The JSON of penguins.csv as it is, to compare other encodings of it with."""
    out = tmp_path_factory.mktemp("penguins_plain")
    frame = pd.read_csv(DATA / "penguins.csv")
    frame.to_csv(out / "plain.csv", index=False)
    args = ["--target", "species", "--cv", "3", "--strategies", "none"]
    status, _, stderr, report, _ = audit(
        str(out / "plain.csv"), *args, out=out, html=False
    )
    assert status == 0, stderr
    return report


@pytest.fixture(scope="module")
def penguins_id(tmp_path_factory):
    """Penguins sorted by species with a running row ID, which leaks the class."""
    out = tmp_path_factory.mktemp("penguins_id")
    _penguins_sorted_with("row_id", np.arange(1, 345)).to_csv(
        out / "penguins.csv", index=False
    )
    return audit(
        str(out / "penguins.csv"),
        "--target",
        "species",
        "--strategies",
        "class_weight",
        out=out,
    )


@pytest.fixture(scope="module")
def hypothyroid(tmp_path_factory):
    """The UCI hypothyroid table (gzip CSV, '?' for missing values)."""
    out = tmp_path_factory.mktemp("hypothyroid")
    return audit(
        str(DATA / "hypothyroid.csv.gz"),
        "--target",
        "class",
        "--cv",
        "3",
        "--strategies",
        "threshold",
        out=out,
    )


@pytest.fixture(scope="module")
def penguins_raw(tmp_path_factory):
    """The raw penguins table: an egg date, constant columns, free text."""
    out = tmp_path_factory.mktemp("penguins_raw")
    return audit(
        str(DATA / "penguins_raw.csv.gz"),
        "--target",
        "Species",
        "--cv",
        "3",
        "--strategies",
        "none",
        out=out,
    )


def test_audit_drops_a_running_row_id_and_names_it(penguins_id):
    """Check that the row ID is dropped, named with its reason in text, JSON and
    HTML, and is not among the features."""
    status, stdout, stderr, report, html = penguins_id
    assert status == 0, stderr
    reason = "identifier: an integer running index (1 to 344)"
    assert f"dropped 'row_id': {reason}" in stdout
    assert report["preprocessing"]["decisions"] == [
        {"column": "row_id", "action": "dropped", "reason": reason}
    ]
    assert "row_id" in html and reason in html
    columns = report["preprocessing"]["columns"]
    assert "row_id" not in columns["numeric"] + columns["categorical"]
    assert report["preprocessing"]["n_features_out"] == 5 + 3 + 2  # island, sex


def test_audit_drops_rownames_with_gaps_from_a_file_sorted_by_class(tmp_path):
    """Check that R-style rownames left with gaps by a row filter, on a file sorted
    by class (hypothyroid), are dropped and named: the baseline equals the one
    without the column, while keeping it (--keep) leaks the class into the
    rare class's recall."""
    frame = pd.read_csv(DATA / "hypothyroid.csv.gz", na_values="?")
    assert frame["class"].is_monotonic_increasing  # hypothyroid rows first
    frame.insert(0, "rownames", np.arange(1, len(frame) + 1))
    frame = frame[frame["sex"].notna()]  # a row filter leaves gaps
    frame.to_csv(tmp_path / "with_id.csv", index=False)
    frame.drop(columns="rownames").to_csv(tmp_path / "without.csv", index=False)
    args = ["--target", "class", "--cv", "3", "--strategies", "none"]
    runs = {}
    for name, extra in [("with_id", []), ("without", []), ("kept", ["--keep"])]:
        out = tmp_path / name
        out.mkdir()
        source = tmp_path / ("without.csv" if name == "without" else "with_id.csv")
        keep = [*extra, "rownames"] if extra else []
        status, stdout, stderr, report, _ = audit(
            str(source), *args, *keep, out=out, html=False
        )
        assert status == 0, stderr
        runs[name] = stdout, report
    stdout, report = runs["with_id"]
    skipped = len(frame.index.union(range(frame.index[-1] + 1))) - len(frame)
    reason = (
        "identifier: a different integer in each row, in order down the file "
        f"(1 to {frame['rownames'].iloc[-1]}, {skipped} numbers skipped)"
    )
    assert {"column": "rownames", "action": "dropped", "reason": reason} in report[
        "preprocessing"
    ]["decisions"]
    assert f"dropped 'rownames': {reason}" in stdout
    assert report["baseline"] == runs["without"][1]["baseline"]

    def recall(run):
        rows = run[1]["baseline"]["per_class"]
        return next(r["recall"] for r in rows if r["class"] == "hypothyroid")

    assert recall(runs["kept"]) > recall(runs["with_id"]) + 0.1
    assert (
        "kept 'rownames': --keep, although it looks like an identifier"
        in (runs["kept"][0])
    )


def test_audit_names_a_leaking_column_it_keeps(tmp_path):
    """Check that a code increasing with ties, sorted with the class (not unique, so
    not an identifier, kept), is named by the leakage warning in text, JSON and
    HTML."""
    codes = np.cumsum(np.random.default_rng(0).integers(0, 3, 344)) + 1000
    assert len(np.unique(codes)) < len(codes)  # ties: no identifier
    _penguins_sorted_with("code", codes).to_csv(tmp_path / "p.csv", index=False)
    status, stdout, stderr, report, html = audit(
        str(tmp_path / "p.csv"),
        "--target",
        "species",
        "--cv",
        "3",
        "--strategies",
        "none",
        out=tmp_path,
    )
    assert status == 0, stderr
    leak = report["preprocessing"]["leakage"]
    assert [item["column"] for item in leak] == ["code"]
    assert leak[0]["balanced_accuracy"] > 0.98
    warning = "warning: 'code' alone predicts the target almost perfectly out of fold"
    assert warning in stdout and warning in html.replace("&#x27;", "'")
    # The HTML puts it first, in full, in its own box (not in a code block).
    page = html.replace("&#x27;", "'")
    box = page[page.index("<div class='warning'>") :]
    box = box[: box.index("</div>")]
    assert page.index("<div class='warning'>") < page.index("<b>Data</b>")
    assert f"<p>{report['preprocessing']['warnings'][0]}</p>" in box
    assert box.count("--drop it") == len(report["preprocessing"]["warnings"])
    scores = report["preprocessing"]["single_feature_balanced_accuracy"]
    assert max(v for c, v in scores.items() if c != "code") < 0.98


def test_audit_reads_question_marks_as_missing(hypothyroid):
    """Check that '?' is missing, numeric columns stay numeric (no one-hot of ages),
    and the missing counts are pandas' with na_values='?'."""
    status, stdout, stderr, report, html = hypothyroid
    assert status == 0, stderr
    expected = pd.read_csv(DATA / "hypothyroid.csv.gz", na_values="?")
    prep = report["preprocessing"]
    assert prep["columns"]["numeric"] == HYPOTHYROID_NUMERIC
    assert prep["categories"]["sex"] == 2  # M, F; '?' is not a category
    counts = expected.drop(columns="class").isna().sum()
    assert prep["missing_values"] == {c: int(n) for c, n in counts.items() if n}
    assert prep["n_features_out"] < 60  # age alone became 93 one-hot columns
    assert "?" in prep["missing_markers"]
    assert f"missing values: {int(counts.sum())} in 8 columns (TBG 2903" in stdout
    support = {r["class"]: r["support"] for r in report["baseline"]["per_class"]}
    assert support == {"hypothyroid": 151, "negative": 3012}
    assert all(isinstance(v, int) for v in support.values())


def test_audit_turns_dates_into_datetime_features(penguins_raw):
    """Check that the egg date becomes calendar features, never one-hot, and that
    constant columns are dropped and named."""
    status, stdout, stderr, report, html = penguins_raw
    assert status == 0, stderr
    prep = report["preprocessing"]
    assert prep["columns"]["datetime"] == ["Date Egg"]
    assert "Date Egg" not in prep["columns"]["categorical"]
    features = prep["datetime_features"]["Date Egg"]
    assert features == [
        "Date Egg_year",
        "Date Egg_month",
        "Date Egg_day",
        "Date Egg_total_seconds",
        "Date Egg_weekday",
    ]
    assert "parsed 'Date Egg': text read as datetimes -> Date Egg_year" in stdout
    dropped = {d["column"]: d["reason"] for d in prep["decisions"]}
    assert dropped["Region"] == "constant ('Anvers')"
    assert dropped["Stage"] == "constant ('Adult, 1 Egg Stage')"
    assert prep["columns"]["high_cardinality"] == ["Individual ID"]
    one_hot = sum(prep["categories"][c] for c in prep["columns"]["categorical"])
    n_numeric = len(prep["columns"]["numeric"])
    assert prep["n_features_out"] == n_numeric + len(features) + one_hot + 30
    assert "Date Egg" in html and "calendar features" in html


@pytest.mark.parametrize("sep", [";", "\t"])
def test_audit_reads_another_separator(tmp_path, sep, penguins_plain):
    """Check that a CSV with another separator gives the comma file's results with
    --sep, and a one-line hint naming the separator without it."""
    frame = pd.read_csv(DATA / "penguins.csv")
    frame.to_csv(tmp_path / "other.csv", index=False, sep=sep)
    args = ["--target", "species", "--cv", "3", "--strategies", "none"]
    shown = "'\\t'" if sep == "\t" else "';'"
    status, _, stderr, report, _ = audit(
        str(tmp_path / "other.csv"), *args, out=tmp_path, html=False
    )
    assert status == 2 and report is None
    assert stderr.strip().endswith(f"the header holds {shown}: try --sep {shown}")
    assert len(stderr.strip().splitlines()) == 1
    status, _, stderr, other, _ = audit(
        str(tmp_path / "other.csv"), *args, "--sep", sep, out=tmp_path, html=False
    )
    assert status == 0, stderr
    assert other["baseline"] == penguins_plain["baseline"]


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2", ".zip"])
def test_audit_reads_compressed_csv(tmp_path, suffix, penguins_plain):
    """Check that compressed CSV files give the plain file's results."""
    frame = pd.read_csv(DATA / "penguins.csv")
    compression = (
        {"method": "zip", "archive_name": "p.csv"} if suffix == ".zip" else "infer"
    )
    frame.to_csv(tmp_path / f"packed{suffix}", index=False, compression=compression)
    args = ["--target", "species", "--cv", "3", "--strategies", "none"]
    status, _, stderr, packed, _ = audit(
        str(tmp_path / f"packed{suffix}"), *args, out=tmp_path, html=False
    )
    assert status == 0, stderr
    plain = penguins_plain
    assert packed["baseline"] == plain["baseline"]
    assert (
        packed["preprocessing"]["missing_values"]
        == plain["preprocessing"]["missing_values"]
    )


def test_audit_na_values_and_drop(tmp_path):
    """Check that --na-values adds a marker (a numeric column stays numeric) and
    --drop leaves columns out, each named in the report."""
    frame = pd.read_csv(DATA / "penguins.csv").astype({"body_mass_g": object})
    frame.loc[::10, "body_mass_g"] = "unknown"
    frame.to_csv(tmp_path / "p.csv", index=False)
    status, stdout, stderr, report, _ = audit(
        str(tmp_path / "p.csv"),
        "--target",
        "species",
        "--na-values",
        "unknown",
        "--drop",
        "island",
        "year",
        "--cv",
        "3",
        "--strategies",
        "none",
        out=tmp_path,
    )
    assert status == 0, stderr
    prep = report["preprocessing"]
    assert "body_mass_g" in prep["columns"]["numeric"]
    marked = frame["body_mass_g"].isna() | frame["body_mass_g"].eq("unknown")
    assert prep["missing_values"]["body_mass_g"] == int(marked.sum()) == 37
    assert prep["missing_markers"] == ["?", "unknown"]
    assert prep["decisions"][:2] == [
        {"column": "island", "action": "dropped", "reason": "--drop"},
        {"column": "year", "action": "dropped", "reason": "--drop"},
    ]
    assert "dropped 'island': --drop" in stdout


def test_audit_unknown_drop_column_is_one_line_and_writes_nothing(tmp_path):
    """Check that --drop of a column the file lacks exits 2 with one line naming it,
    and writes no report."""
    status, stdout, stderr, report, html = audit(
        str(DATA / "penguins.csv"),
        "--target",
        "species",
        "--drop",
        "wing",
        out=tmp_path,
    )
    assert status == 2
    assert stderr.startswith("skclassgap audit: error: --drop 'wing': not a column of")
    assert len(stderr.strip().splitlines()) == 1
    assert report is None and html is None and stdout == ""


@pytest.mark.slow
def test_audit_hgb_on_penguins(tmp_path):
    """Check that --model hgb runs every strategy on penguins with one thread per
    fit (--threads auto on 344 rows), as the JSON records; cost_sensitive, whose
    minimum-risk decision is the prior correction, is merged into
    logit_adjustment; the cleaning strategies, which measure distances, decline
    the categorical columns."""
    status, stdout, stderr, report, _ = audit(
        str(DATA / "penguins.csv"),
        "--target",
        "species",
        "--model",
        "hgb",
        # Five repeats: with one, several strategies tie the baseline's
        # predictions on every fold of this easy table and are merged.
        "--repeats",
        "5",
        out=tmp_path,
    )
    assert status == 0, stderr
    assert report["model"]["name"] == "hgb"
    assert report["execution"] == {
        "n_jobs": 1,
        "threads_option": "auto",
        "threads_per_fit": 1,
        "blas_threads_per_fit": 1,
    }
    statuses = {n: o["status"] for n, o in report["strategies"].items()}
    assert statuses == {
        **dict.fromkeys(statuses, "ok"),
        "cost_sensitive": "merged",
        "smote_enn": "declined",
        "smote_tomek": "declined",
    }
    assert report["strategies"]["cost_sensitive"]["same_as"] == "logit_adjustment"


def test_audit_threads_auto_on_a_large_table_records_the_cores(tmp_path, monkeypatch):
    """Check that --threads auto on a table of THREADS_ROWS rows or more runs the
    fits with every available core (OpenMP) and one BLAS thread, shared among
    the --n-jobs workers, and that the JSON and the progress line say so."""
    from skclassgap.cli.audit import _defaults

    monkeypatch.setattr(_defaults, "THREADS_ROWS", 300)
    monkeypatch.setattr(_defaults, "available_cores", lambda: 4)
    args = [str(DATA / "penguins.csv"), "--target", "species", "--cv", "3"]
    args += ["--repeats", "1", "--strategies", "none"]
    status, _, stderr, report, _ = audit(*args, out=tmp_path)
    assert status == 0, stderr
    assert report["execution"] == {
        "n_jobs": 1,
        "threads_option": "auto",
        "threads_per_fit": 4,
        "blas_threads_per_fit": 1,
    }
    assert "on 3 folds, 4 threads each" in stderr
    status, _, stderr, report, _ = audit(*args, "--threads", "2", out=tmp_path)
    assert status == 0, stderr
    assert report["execution"] == {
        "n_jobs": 1,
        "threads_option": 2,
        "threads_per_fit": 2,
        "blas_threads_per_fit": 2,
    }


@pytest.mark.slow
def test_audit_n_jobs_gives_the_same_results(tmp_path):
    """Check that worker processes (--n-jobs 2) give exactly the in-process results
    for every strategy and fold."""
    args = ["--target", "species", "--cv", "3", "--strategies", "smote", "threshold"]
    runs = []
    for n_jobs in ("1", "2"):
        out = tmp_path / n_jobs
        out.mkdir()
        status, _, stderr, report, _ = audit(
            str(DATA / "penguins.csv"), *args, "--n-jobs", n_jobs, out=out
        )
        assert status == 0, stderr
        runs.append(report)
    for name in ("baseline", "smote", "threshold"):
        assert (
            runs[0]["strategies"][name]["metrics"]
            == (runs[1]["strategies"][name]["metrics"])
        )
    assert runs[1]["execution"]["n_jobs"] == 2


def test_audit_smote_nc_on_penguins_keeps_categories(tmp_path):
    """Check that the audit's smote on penguins (island, sex categorical) is SMOTE-NC
    on the prepared table: the sampler fitted in a fold makes rows whose island
    and sex are values of those columns, never fractions of one-hot columns."""
    from skclassgap.cli.audit._clean import clean_table
    from skclassgap.cli.audit._preprocess import make_encoder, make_preparation
    from skclassgap.cli.audit._strategies import Context, build

    frame = pd.read_csv(DATA / "penguins.csv", na_values="?")
    y = frame.pop("species").to_numpy()
    cleaned = clean_table(frame)
    context = Context(
        preparation=make_preparation(cleaned.kinds),
        encoder=make_encoder(cleaned.kinds),
        model=LogisticRegression(max_iter=2000),
        objective="g_mean",
        random_state=0,
        min_train_class=40,
        categorical=True,
    )
    model = build("smote", context).estimator.fit(cleaned.X, y)
    X_prep = model.named_steps["prepare"].transform(cleaned.X)
    X_res, y_res = model.named_steps["model"].sampler_.fit_resample(X_prep, y)
    synthetic = X_res.iloc[len(y) :]
    assert len(synthetic) == 3 * 152 - 344
    for column in ("island", "sex"):
        assert set(synthetic[column]) <= set(X_prep[column])
    status, stdout, stderr, report, _ = audit(
        str(DATA / "penguins.csv"),
        "--target",
        "species",
        "--cv",
        "3",
        "--strategies",
        "smote",
        out=tmp_path,
    )
    assert status == 0, stderr
    assert report["strategies"]["smote"]["note"] == "SMOTE-NC, k_neighbors=5"
