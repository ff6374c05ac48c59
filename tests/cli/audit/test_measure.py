"""Tests of the audit's ranking, headline and spectra rules
(``skclassgap.cli.audit._measure``)."""

import numpy as np
import pytest

from skclassgap.cli.audit._measure import (
    SPECTRAL_TOP_K,
    rank,
    records,
    spectral_summary,
)
from skclassgap.metrics import per_class_report


def _outcomes(means):
    return {
        name: {"status": "ok", "metrics": {"g_mean": {"mean": mean}}}
        for name, mean in means.items()
    }


@pytest.mark.parametrize(
    "means, greater, ranks",
    [
        ({"a": 0.9, "b": 0.7, "c": 0.7, "d": 0.5}, True, [1, 2, 2, 4]),
        ({"a": 0.1, "b": 0.1, "c": 0.3}, False, [1, 1, 3]),
        ({"a": 0.5, "b": 0.5 + 1e-15, "c": 0.2}, True, [1, 1, 3]),
    ],
)
def test_rank_gives_ties_the_same_rank(means, greater, ranks):
    """Check competition ranking: equal fold means share the better rank."""
    outcomes = _outcomes(means)
    ranked = rank(outcomes, "g_mean", greater)
    assert [outcomes[n]["rank"] for n in ranked] == ranks


@pytest.mark.parametrize("n_features", [SPECTRAL_TOP_K - 2, SPECTRAL_TOP_K, 20])
def test_spectral_summary_drops_top_k_share_when_it_is_trivial(rng, n_features):
    """Check that the top-k energy share column is absent when k reaches the number
    of features (it is 1 for every class then), present otherwise."""
    X = rng.normal(size=(200, n_features))
    y = np.arange(200) % 2
    status, table = spectral_summary(X, y)
    assert status["status"] == "ok"
    assert ("top_k_energy_share" in table.columns) == (SPECTRAL_TOP_K < n_features)


def test_records_write_counts_as_integers():
    """Check that support and predicted counts are JSON integers."""
    y = np.array(["a", "a", "b"])
    rows = records(per_class_report(y, np.array(["a", "b", "b"])))
    assert rows[0]["support"] == 2 and type(rows[0]["support"]) is int
    assert type(rows[1]["predicted"]) is int
