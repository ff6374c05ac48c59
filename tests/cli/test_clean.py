"""Tests of the audit's cleaning, leakage check, fold preprocessing and fold runs."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from skclassgap.cli._clean import (
    CATEGORICAL,
    DATETIME,
    HIGH_CARDINALITY,
    MAX_ONE_HOT,
    NUMERIC,
    clean_table,
    plural,
)
from skclassgap.cli._errors import UserError
from skclassgap.cli._folds import fit_fold
from skclassgap.cli._leakage import single_feature_scores
from skclassgap.cli._preprocess import ModeImputer, make_encoder, make_preparation
from skclassgap.cli._strategies import Built, Context, build
from skclassgap.compose import ResampledClassifier


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "when": pd.date_range("2020-01-01", periods=n, freq="7D").astype(str),
        }
    )


@pytest.mark.parametrize(
    "column, reason",
    [
        (np.arange(5, 45), "identifier: an integer running index (5 to 44)"),
        (np.arange(40)[::-1], "identifier: an integer running index (0 to 39)"),
        ([f"id-{i}" for i in range(40)], "identifier: a different value in each of"),
    ],
)
def test_clean_table_drops_identifier_columns(column, reason):
    """Check that running indices and unique strings are dropped with the reason."""
    X = _table().assign(id=column)
    cleaned = clean_table(X)
    assert "id" not in cleaned.X.columns
    decision = next(d for d in cleaned.decisions if d["column"] == "id")
    assert decision["action"] == "dropped" and decision["reason"].startswith(reason)


@pytest.mark.parametrize(
    "column",
    [
        np.arange(0, 80, 2),  # unique integers with gaps: a measurement
        np.linspace(0, 1, 40),  # unique floats
        np.r_[np.arange(39), np.nan],  # a running index with a hole
    ],
)
def test_clean_table_keeps_unique_numbers_that_are_not_a_running_index(column):
    """Check that unique numeric columns other than a running index stay."""
    cleaned = clean_table(_table().assign(value=column))
    assert cleaned.kinds["value"] == NUMERIC


def test_clean_table_drops_constant_and_empty_columns_with_reasons():
    """Check the constant and all-missing columns' reasons."""
    X = _table().assign(site="Anvers", notes=np.nan)
    cleaned = clean_table(X)
    reasons = {d["column"]: d["reason"] for d in cleaned.decisions}
    assert reasons["site"] == "constant ('Anvers')"
    assert reasons["notes"] == "every value missing"
    assert list(cleaned.X.columns) == ["x", "colour", "when"]


def test_clean_table_kinds_and_parsed_columns():
    """Check the kinds: dates parsed, numbers stored as text parsed, categories,
    and high cardinality above MAX_ONE_HOT distinct values."""
    n = 80
    X = _table(n).assign(
        text_number=[f" {v:.2f}" for v in np.arange(n) % 7],
        city=[f"city {i % (MAX_ONE_HOT + 5)}" for i in range(n)],
        flag=np.arange(n) % 2 == 0,
    )
    cleaned = clean_table(X)
    assert cleaned.kinds == {
        "x": NUMERIC,
        "colour": CATEGORICAL,
        "when": DATETIME,
        "text_number": NUMERIC,
        "city": HIGH_CARDINALITY,
        "flag": NUMERIC,
    }
    assert cleaned.X["text_number"].dtype == np.float64
    assert isinstance(cleaned.X["colour"].dtype, pd.CategoricalDtype)
    actions = {d["column"]: (d["action"], d["reason"]) for d in cleaned.decisions}
    assert actions["when"] == ("parsed", "text read as datetimes")
    assert actions["text_number"] == ("parsed", "numbers stored as text")
    assert actions["city"][0] == "encoded"
    assert actions["city"][1].startswith(f"{MAX_ONE_HOT + 5} distinct values")


def test_clean_table_null_strings_become_missing():
    """Check that '?' and 'N/A' in a text column become missing values."""
    X = _table().assign(colour=["?", "N/A", "red", "blue"] * 10)
    cleaned = clean_table(X)
    assert cleaned.X["colour"].isna().sum() == 20
    assert sorted(cleaned.X["colour"].cat.categories) == ["blue", "red"]


def test_clean_table_refuses_a_table_of_identifiers():
    """Check that a table whose every column is an identifier is refused."""
    with pytest.raises(
        UserError, match=r"no feature column left after cleaning: id: identifier"
    ):
        clean_table(pd.DataFrame({"id": np.arange(10)}))


def test_clean_table_refuses_a_table_of_constants():
    """Check that a table whose every column is constant is refused, with reasons."""
    with pytest.raises(UserError, match=r"after cleaning: a: constant \(1\)"):
        clean_table(pd.DataFrame({"a": [1] * 10, "b": [np.nan] * 10}))


@pytest.mark.parametrize(
    "n, word, text",
    [(1, "column", "1 column"), (0, "row", "0 rows"), (3, "feature", "3 features")],
)
def test_plural(n, word, text):
    """Check singular and plural counts."""
    assert plural(n, word) == text


def test_single_feature_scores_flags_a_copy_of_the_label():
    """Check that a numeric copy of the label scores 1, noise about 1/2, and that
    the categorical lookup equals a naive majority-per-value prediction."""
    rng = np.random.default_rng(0)
    n = 300
    y = rng.choice(["a", "b"], n)
    X = pd.DataFrame(
        {
            "copy": (y == "b").astype(float) + rng.normal(0, 0.01, n),
            "noise": rng.normal(size=n),
            "group": pd.Categorical(rng.choice(["u", "v", "w"], n)),
        }
    )
    kinds = {"copy": NUMERIC, "noise": NUMERIC, "group": CATEGORICAL}
    splits = [(np.arange(n) % 3 != k, np.arange(n) % 3 == k) for k in range(3)]
    splits = [(np.flatnonzero(tr), np.flatnonzero(te)) for tr, te in splits]
    scores = single_feature_scores(X, kinds, y, splits)
    assert scores["copy"] == 1.0
    assert 0.35 < scores["noise"] < 0.65
    naive = np.empty(n, dtype=object)
    for train, test in splits:
        frame = pd.DataFrame({"g": X["group"].astype(str), "y": y}).iloc[train]
        majority = frame.groupby("g")["y"].agg(lambda s: s.value_counts().index[0])
        naive[test] = X["group"].astype(str).iloc[test].map(majority).to_numpy()
    recalls = [np.mean(naive[y == c] == c) for c in ("a", "b")]
    assert scores["group"] == pytest.approx(np.mean(recalls))


def test_mode_imputer_keeps_categories():
    """Check that missing categorical values take the most frequent category and the
    column stays categorical with the same categories."""
    X = pd.DataFrame(
        {"c": pd.Categorical(["a", "b", "b", None], categories=["a", "b", "z"])}
    )
    out = ModeImputer().fit(X).transform(X)
    assert out["c"].tolist() == ["a", "b", "b", "b"]
    assert out["c"].dtype == X["c"].dtype


def test_preparation_keeps_a_table_and_encoder_makes_features():
    """Check that the preparation returns pandas (scaled numbers, datetime features,
    categories kept) and the encoder one-hot encodes after it."""
    cleaned = clean_table(_table(60).assign(x=lambda f: f["x"].where(f.index % 7 > 0)))
    prepared = make_preparation(cleaned.kinds).fit_transform(cleaned.X)
    assert isinstance(prepared["colour"].dtype, pd.CategoricalDtype)
    assert not prepared.isna().any().any()
    assert prepared["x"].mean() == pytest.approx(0.0, abs=1e-12)
    assert prepared["x"].std(ddof=0) == pytest.approx(1.0)
    assert "when_year" in prepared.columns and "when" not in prepared.columns
    features = make_encoder(cleaned.kinds).fit_transform(prepared)
    assert features.shape == (60, prepared.shape[1] - 1 + 3)


def _context(categorical):
    cleaned = clean_table(_table(60) if categorical else _table(60)[["x", "when"]])
    return Context(
        preparation=make_preparation(cleaned.kinds),
        encoder=make_encoder(cleaned.kinds),
        model=LogisticRegression(),
        objective="g_mean",
        random_state=0,
        min_train_class=10,
        categorical=categorical,
    ), cleaned


@pytest.mark.parametrize("name", ["smote", "gaussian_oversampling"])
def test_oversampling_resamples_the_prepared_table_before_encoding(name):
    """Check the pipeline shape on a table without categories: preparation, then a
    ResampledClassifier whose estimator encodes and fits; the synthetic rows
    stay inside the prepared table's numeric range per class (SMOTE) and the
    resampled classes are balanced."""
    context, cleaned = _context(categorical=False)
    built = build(name, context)
    steps = built.estimator.steps
    assert [s for s, _ in steps] == ["prepare", "model"]
    resampled = steps[1][1]
    assert isinstance(resampled, ResampledClassifier)
    assert [s for s, _ in resampled.estimator.steps] == ["encode", "model"]
    y = np.r_[np.zeros(45, dtype=int), np.ones(15, dtype=int)]
    model = built.estimator.fit(cleaned.X, y)
    sampler = model.named_steps["model"].sampler_
    X_prep = model.named_steps["prepare"].transform(cleaned.X)
    X_res, y_res = sampler.fit_resample(X_prep, y)
    assert np.bincount(y_res).tolist() == [45, 45]
    assert list(X_res.columns) == list(X_prep.columns)
    if name == "smote":
        minority = X_prep[y == 1]
        assert (X_res[y_res == 1].min() >= minority.min() - 1e-12).all()
        assert (X_res[y_res == 1].max() <= minority.max() + 1e-12).all()


@pytest.mark.parametrize(
    "name, sampler, note",
    [
        ("smote", "SMOTENC", "SMOTE-NC, k_neighbors=5"),
        ("gaussian_oversampling", "GaussianOverSampler", "categories drawn"),
    ],
)
def test_oversampling_with_categories_resamples_before_encoding(name, sampler, note):
    """Check that a table with categorical columns is resampled before encoding
    (SMOTE-NC, the mixed Gaussian rule): every synthetic row holds only category
    values its column has, the categories stay categorical, and the classes are
    balanced."""
    context, cleaned = _context(categorical=True)
    built = build(name, context)
    assert built.note.startswith(note)
    steps = built.estimator.steps
    assert [s for s, _ in steps] == ["prepare", "model"]
    resampled = steps[1][1]
    assert type(resampled.sampler).__name__ == sampler
    assert [s for s, _ in resampled.estimator.steps] == ["encode", "model"]
    y = np.r_[np.zeros(45, dtype=int), np.ones(15, dtype=int)]
    model = built.estimator.fit(cleaned.X, y)
    X_prep = model.named_steps["prepare"].transform(cleaned.X)
    X_res, y_res = model.named_steps["model"].sampler_.fit_resample(X_prep, y)
    assert np.bincount(y_res).tolist() == [45, 45]
    assert X_res["colour"].dtype == X_prep["colour"].dtype
    synthetic = X_res["colour"].iloc[len(y) :]
    assert len(synthetic) == 30
    assert set(synthetic) <= set(X_prep["colour"][y == 1])


class _ThreadProbe(LogisticRegression):
    """Records the OpenMP/BLAS thread counts seen during fit."""

    def fit(self, X, y):
        from threadpoolctl import threadpool_info

        type(self).seen = {(p["user_api"], p["num_threads"]) for p in threadpool_info()}
        return super().fit(X, y)


@pytest.mark.parametrize("threads", [1, 2])
def test_fit_fold_limits_threads(threads):
    """Check that every BLAS/OpenMP pool runs with the requested threads in a fit."""
    X = pd.DataFrame({"a": np.arange(20.0)})
    y = np.arange(20) % 2
    idx = np.arange(20)
    pred, seconds, error = fit_fold(Built(_ThreadProbe()), X, y, idx, idx, threads)
    assert error is None and pred.shape == (20,) and seconds >= 0
    assert {n for _, n in _ThreadProbe.seen} <= {threads}


def test_fit_fold_reports_a_refusal_of_the_data():
    """Check that a ValueError while fitting is returned as a message, not raised."""
    X = pd.DataFrame({"a": [np.inf] * 4})
    idx = np.arange(4)
    pred, seconds, error = fit_fold(
        Built(LogisticRegression()), X, np.arange(4) % 2, idx, idx, 1
    )
    assert pred is None and error.startswith("ValueError: Input X contains infinity")


def test_pipeline_is_plain_scikit_learn():
    """Check that a built strategy is an ordinary Pipeline that clones."""
    from sklearn.base import clone

    context, _ = _context(categorical=True)
    built = build("baseline", context)
    assert isinstance(clone(built.estimator), Pipeline)
