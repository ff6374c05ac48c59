"""Tests of the fold preprocessing (``skclassgap.cli.audit._preprocess``)."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli.audit._clean import clean_table
from skclassgap.cli.audit._preprocess import (
    DistinctStringEncoder,
    ModeImputer,
    make_encoder,
    make_preparation,
)


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "when": pd.date_range("2020-01-01", periods=n, freq="7D").astype(str),
        }
    )


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


def _plates(n, seed=0):
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHJK"))
    values = [
        f"N{rng.integers(10, 999)}{''.join(rng.choice(letters, 2))}" for _ in range(n)
    ]
    return np.array(values, dtype=object)


def test_distinct_string_encoder_encodes_distinct_values_once():
    """Check the encoding against a direct computation: skrub's StringEncoder
    fitted on the sorted distinct values, standardised over them, looked up
    per row; an unseen value goes through the fitted StringEncoder."""
    from skrub import StringEncoder

    levels = _plates(60)
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"plate": pd.Categorical(rng.choice(levels[:50], 400))})
    encoder = DistinctStringEncoder(n_components=5).fit(X)
    distinct = pd.Series(np.sort(X["plate"].unique().astype(str)), name="plate")
    reference = StringEncoder(n_components=5, random_state=0)
    table = np.asarray(reference.fit_transform(distinct), dtype=np.float64)
    mean, std = table.mean(axis=0), table.std(axis=0)
    expected = (table - mean) / std
    rows = pd.Index(distinct).get_indexer(X["plate"].astype(str))
    np.testing.assert_allclose(encoder.transform(X), expected[rows], atol=1e-12)
    unseen = pd.DataFrame({"plate": levels[50:]})
    direct = (
        np.asarray(reference.transform(pd.Series(levels[50:])), float) - mean
    ) / std
    np.testing.assert_allclose(encoder.transform(unseen), direct, atol=1e-12)
    assert list(encoder.get_feature_names_out()) == [f"plate_{i}" for i in range(5)]


def test_distinct_string_encoder_ignores_how_often_values_occur():
    """Check that rows holding the same set of values, in other proportions (an
    oversampler's output), give the same fitted encoder."""
    levels = _plates(80)
    rng = np.random.default_rng(2)
    X = pd.DataFrame({"plate": pd.Categorical(rng.choice(levels, 300))})
    repeated = pd.concat([X, X[X["plate"].isin(levels[:5])]] * 3, ignore_index=True)
    a = DistinctStringEncoder(n_components=8).fit(X)
    b = DistinctStringEncoder(n_components=8).fit(
        repeated.sample(frac=1, random_state=0)
    )
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
