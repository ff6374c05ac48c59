"""Tests of the single-feature leakage check (``skclassgap.cli.audit._leakage``)."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.cli.audit._clean import CATEGORICAL, NUMERIC
from skclassgap.cli.audit._leakage import single_feature_scores


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
