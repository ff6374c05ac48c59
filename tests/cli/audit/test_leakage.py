"""Tests of the single-feature leakage check (``skclassgap.cli.audit._leakage``)."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedKFold

from skclassgap.cli.audit._clean import CATEGORICAL, NUMERIC
from skclassgap.cli.audit._describe import describe_preprocessing
from skclassgap.cli.audit._leakage import leakage_warnings, single_feature_scores
from skclassgap.cli.audit._preprocess import make_preparation


def test_single_feature_scores_flags_a_copy_of_the_label():
    """Check that a numeric copy of the label scores 1, noise about 1/2, and that
    the categorical lookup equals a naive prediction of the class holding the
    largest share of each value's rows (shares of each class's rows)."""
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
        shares = pd.crosstab(frame["g"], frame["y"]) / frame["y"].value_counts()
        majority = shares.idxmax(axis=1)
        naive[test] = X["group"].astype(str).iloc[test].map(majority).to_numpy()
    recalls = [np.mean(naive[y == c] == c) for c in ("a", "b")]
    assert scores["group"] == pytest.approx(np.mean(recalls))


def _agreeing(y, share, rng):
    """A 0/1 column equal to ``y == 1`` on a ``share`` of each class's rows."""
    column = (y == 1).astype(float)
    for label in (0, 1):
        rows = np.flatnonzero(y == label)
        flip = rng.choice(rows, round((1 - share) * len(rows)), replace=False)
        column[flip] = 1 - column[flip]
    return column


def test_leakage_ranks_every_column_and_warns_on_97_percent_agreement():
    """Check that a column agreeing with the target on 97 % of every class's rows
    (out-of-fold balanced accuracy 0.97, below the old 0.98 cut) is ranked first
    and warned about with its score, that one at 92 % is called suspicious, and
    that noise is ranked last without a line. The target is imbalanced (10 %
    rare): a majority vote would hide both columns."""
    rng = np.random.default_rng(0)
    n = 2000
    y = (np.arange(n) % 10 == 0).astype(int)
    X = pd.DataFrame(
        {
            "noise": rng.normal(size=n),
            "near_copy": _agreeing(y, 0.97, rng),
            "proxy": _agreeing(y, 0.92, rng),
        }
    )
    kinds = dict.fromkeys(X.columns, NUMERIC)
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    scores = single_feature_scores(X, kinds, y, splits)
    assert scores["near_copy"] == pytest.approx(0.97, abs=1e-12)
    assert scores["proxy"] == pytest.approx(0.92, abs=1e-12)
    warned = leakage_warnings(scores)
    assert warned == [
        ("near_copy", scores["near_copy"], "warning"),
        ("proxy", scores["proxy"], "suspicious"),
    ]
    data = SimpleNamespace(
        cleaned=SimpleNamespace(kinds=kinds, decisions=[], X=X),
        missing={},
        markers=None,
    )
    preparation = make_preparation(kinds).fit(X)
    described = describe_preprocessing(data, preparation, 3, scores)
    ranking = [r["column"] for r in described["single_feature_ranking"]]
    assert ranking == ["near_copy", "proxy", "noise"]
    assert described["warnings"] == [
        "warning: 'near_copy' alone predicts the target almost perfectly out of fold "
        "(balanced accuracy 0.970, at or above 0.95); if it is derived from the "
        "target (an ID sorted by class, a copy of the label), --drop it",
        "suspicious: 'proxy' alone predicts the target out of fold with balanced "
        "accuracy 0.920 (at or above 0.90); if it is only known after the outcome, "
        "--drop it",
    ]
    assert "\n  " + described["warnings"][0] in described["text"]
