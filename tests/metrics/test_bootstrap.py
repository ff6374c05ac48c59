"""Bootstrap intervals of per-class metrics: draws, coverage, public options."""

import numpy as np
import pytest

from skclassgap._compat import InvalidParameterError
from skclassgap.metrics import class_gap, per_class_report, worst_class_score
from skclassgap.metrics._bootstrap import (
    bootstrap_counts,
    percentile_interval,
    resample_cells,
)
from tests.naive import stratified_row_bootstrap_naive


def _noisy_labels(n, k, accuracy, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, n)
    wrong = rng.integers(0, k, n)
    return y_true, np.where(rng.random(n) < accuracy, y_true, wrong)


def test_resample_cells_binomial_moments():
    """Check that a class's resampled true positives follow Binomial(n, recall):
    mean and variance over many resamples match it."""
    # One class of 200 rows: 150 right, 30 and 20 predicted as two others.
    t = np.array([0, 0, 0])
    p = np.array([0, 1, 2])
    counts = np.array([150, 30, 20])
    got = resample_cells(t, p, counts, 3, 20000, np.random.default_rng(0))
    tp = got.tp[:, 0]
    assert got.support.tolist() == [200, 0, 0]
    assert abs(tp.mean() - 150) < 4 * np.sqrt(200 * 0.75 * 0.25 / 20000)
    assert tp.var() == pytest.approx(200 * 0.75 * 0.25, rel=0.05)
    # Every resample places the class's 200 rows somewhere.
    np.testing.assert_array_equal(got.predicted.sum(axis=1), 200)


def test_bootstrap_counts_matches_row_bootstrap():
    """Check that drawing from the cell counts gives the distribution of a
    stratified bootstrap of the rows (means and spreads of tp and predicted)."""
    y_true, y_pred = _noisy_labels(300, 3, 0.7, seed=1)
    labels = np.arange(3)
    fast = bootstrap_counts(y_true, y_pred, labels, n_boot=4000, random_state=0)
    tp, predicted = stratified_row_bootstrap_naive(y_true, y_pred, labels, 1500, 1)
    np.testing.assert_allclose(fast.tp.mean(0), tp.mean(0), rtol=0.02)
    np.testing.assert_allclose(fast.predicted.mean(0), predicted.mean(0), rtol=0.02)
    np.testing.assert_allclose(fast.tp.std(0), tp.std(0), rtol=0.1)
    np.testing.assert_allclose(fast.predicted.std(0), predicted.std(0), rtol=0.1)
    np.testing.assert_array_equal(fast.support, np.bincount(y_true))


def test_bootstrap_counts_rows_outside_labels():
    """Check that rows whose true label is not reported still add false
    positives to the classes they are predicted as, in every resample."""
    y_true = np.array([0] * 50 + [1] * 50 + [9] * 40)
    y_pred = np.array([0] * 50 + [1] * 50 + [0] * 40)
    got = bootstrap_counts(y_true, y_pred, np.array([0, 1]), n_boot=50)
    np.testing.assert_array_equal(got.predicted[:, 0], 90)
    np.testing.assert_array_equal(got.support, [50, 50])


def test_bootstrap_counts_unit_weights_like_unweighted():
    """Check that unit weights give the unweighted bootstrap's distribution
    (the weighted path draws rows, the other draws from counts)."""
    y_true, y_pred = _noisy_labels(400, 3, 0.8, seed=2)
    labels = np.arange(3)
    plain = bootstrap_counts(y_true, y_pred, labels, n_boot=3000, random_state=0)
    weighted = bootstrap_counts(
        y_true, y_pred, labels, sample_weight=np.ones(400), n_boot=3000, random_state=1
    )
    np.testing.assert_allclose(weighted.support, plain.support)
    np.testing.assert_allclose(weighted.tp.mean(0), plain.tp.mean(0), rtol=0.01)
    np.testing.assert_allclose(weighted.tp.std(0), plain.tp.std(0), rtol=0.1)
    np.testing.assert_allclose(
        weighted.predicted.std(0), plain.predicted.std(0), rtol=0.1
    )


def test_bootstrap_counts_weights_scale_counts():
    """Check that weighted resamples are weight sums: doubling every weight
    doubles every resampled count (same draws)."""
    y_true, y_pred = _noisy_labels(200, 2, 0.8, seed=3)
    w = np.random.default_rng(0).random(200)
    a = bootstrap_counts(y_true, y_pred, [0, 1], sample_weight=w, random_state=5)
    b = bootstrap_counts(y_true, y_pred, [0, 1], sample_weight=2 * w, random_state=5)
    np.testing.assert_allclose(b.tp, 2 * a.tp)
    np.testing.assert_allclose(b.predicted, 2 * a.predicted)


def test_recall_interval_coverage():
    """Check that 95 % intervals of simulated binomial recalls cover the true
    recall 93-97 % of the time (2,000 simulated evaluation sets)."""
    rng = np.random.default_rng(0)
    n, recall, n_sim = 300, 0.7, 2000
    covered = 0
    for _ in range(n_sim):
        hits = rng.binomial(n, recall)
        got = resample_cells(
            np.array([0, 0]), np.array([0, 1]), np.array([hits, n - hits]), 2, 1000, rng
        )
        low, high = percentile_interval(got.tp[:, 0] / n, 0.95)
        covered += low <= recall <= high
    assert 0.93 <= covered / n_sim <= 0.97


def test_percentile_interval_values():
    """Check the percentile interval on known values, NaN resamples ignored."""
    values = np.r_[np.arange(101.0), np.nan]
    low, high = percentile_interval(values, 0.9)
    np.testing.assert_allclose([low, high], [5.0, 95.0])
    low, high = percentile_interval(np.full((3, 2), np.nan), 0.9)
    assert np.isnan(low).all() and np.isnan(high).all()


def test_percentile_interval_of_constant_infinite_slices(recwarn):
    """Check that a slice that is inf in every resample (the prediction bias of a
    class only predicted) has the interval [inf, inf], silently, beside a
    finite slice."""
    values = np.column_stack([np.full(50, np.inf), np.arange(50.0)])
    low, high = percentile_interval(values, 0.9)
    assert low[0] == high[0] == np.inf
    np.testing.assert_allclose(
        [low[1], high[1]], np.quantile(np.arange(50.0), [0.05, 0.95])
    )
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_per_class_report_ci_columns():
    """Check that ``ci`` adds low/high columns beside each metric, that the
    point values are unchanged, and that intervals bracket them."""
    y_true, y_pred = _noisy_labels(500, 3, 0.8, seed=4)
    plain = per_class_report(y_true, y_pred)
    report = per_class_report(y_true, y_pred, ci=0.9, n_boot=300, random_state=0)
    assert list(report.columns) == [
        "support",
        "predicted",
        "precision",
        "precision_low",
        "precision_high",
        "recall",
        "recall_low",
        "recall_high",
        "f1",
        "f1_low",
        "f1_high",
        "prediction_bias",
        "prediction_bias_low",
        "prediction_bias_high",
        "fp_share",
    ]
    np.testing.assert_array_equal(report[plain.columns], plain)
    for name in ("precision", "recall", "f1", "prediction_bias"):
        assert (report[f"{name}_low"] <= report[name]).all()
        assert (report[name] <= report[f"{name}_high"]).all()
    again = per_class_report(y_true, y_pred, ci=0.9, n_boot=300, random_state=0)
    np.testing.assert_array_equal(report, again)


def test_per_class_report_ci_with_a_label_only_predicted():
    """Check that a class that is predicted but never true (support 0 in every
    resample) gets its zero_division recall as both bounds, and the other
    classes their intervals."""
    y_true = np.array(["a"] * 60 + ["b"] * 40)
    y_pred = y_true.copy()
    y_pred[::7] = "c"  # c is only predicted
    report = per_class_report(
        y_true, y_pred, zero_division=0.0, ci=0.95, n_boot=200, random_state=0
    )
    assert report.loc["c", "recall_low"] == report.loc["c", "recall_high"] == 0.0
    assert report.loc["c", "support"] == 0
    assert (
        report.loc[["a", "b"], "recall_low"] < report.loc[["a", "b"], "recall"]
    ).all()


@pytest.mark.parametrize("func", [class_gap, worst_class_score])
def test_gap_and_worst_ci_tuple(func):
    """Check that ``ci`` turns the result into (value, low, high), the value
    equal to the plain call and the interval reproducible."""
    y_true, y_pred = _noisy_labels(800, 4, 0.75, seed=5)
    value = func(y_true, y_pred)
    got = func(y_true, y_pred, ci=0.95, n_boot=400, random_state=3)
    assert got[0] == value
    assert got[1] <= value <= got[2]
    assert got == func(y_true, y_pred, ci=0.95, n_boot=400, random_state=3)


def test_worst_class_ci_against_direct_resamples():
    """Check the worst-class interval against the percentile interval of the
    minimum recall computed from the same resampled counts."""
    y_true, y_pred = _noisy_labels(600, 3, 0.7, seed=6)
    resampled = bootstrap_counts(y_true, y_pred, np.arange(3), random_state=7)
    worst = (resampled.tp / resampled.support).min(axis=1)
    expected = np.quantile(worst, [0.025, 0.975])
    _, low, high = worst_class_score(y_true, y_pred, ci=0.95, random_state=7)
    np.testing.assert_allclose([low, high], expected)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"ci": 1.5}, InvalidParameterError, "'ci' parameter"),
        ({"ci": 0.0}, InvalidParameterError, "'ci' parameter"),
        ({"ci": 0.9, "n_boot": 0}, InvalidParameterError, "'n_boot' parameter"),
        ({"ci": 0.9, "groups": [0, 1, 0, 1]}, ValueError, "not\\s+per \\(group"),
    ],
)
def test_per_class_report_ci_bad_input(params, error, match):
    """Check the errors of bad interval parameters."""
    with pytest.raises(error, match=match):
        per_class_report([0, 0, 1, 1], [0, 1, 1, 1], **params)
