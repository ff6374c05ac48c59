"""Tests of the fold preprocessing (``skclassgap.cli.audit._preprocess``)."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli.audit._clean import clean_table
from skclassgap.cli.audit._preprocess import (
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
