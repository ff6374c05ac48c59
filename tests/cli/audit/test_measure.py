"""Tests of the audit's headline and spectra rules
(``skclassgap.cli.audit._measure``)."""

import numpy as np
import pytest

from skclassgap.cli.audit._measure import (
    SPECTRAL_TOP_K,
    headline,
    metric_column,
    records,
    spectral_summary,
)
from skclassgap.metrics import per_class_report


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


def test_headline_per_class_intervals_are_the_bootstrap_of_per_class_report():
    """Check that the baseline's per-class table carries the bootstrap intervals
    of per_class_report at the requested level, with the same seed."""
    rng = np.random.default_rng(0)
    y = rng.choice(["a", "b", "c"], 300, p=[0.6, 0.3, 0.1])
    pred = np.where(rng.random(300) < 0.8, y, "a")
    _, report = headline(y, pred, [metric_column("g_mean")], ci=0.9, random_state=3)
    expected = per_class_report(
        y, pred, zero_division=0.0, ci=0.9, n_boot=1000, random_state=3
    )
    for column in ("recall_low", "recall_high", "precision_low", "f1_high"):
        np.testing.assert_allclose(report[column], expected[column])
    assert (report["recall_low"] <= report["recall"]).all()
