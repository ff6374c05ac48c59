"""Paired comparisons of cross-validated scores."""

import numpy as np
import pytest
from scipy import stats

from skclassgap.metrics._paired import corrected_paired_interval, shared_ranks


def test_corrected_interval_against_formula():
    """Check the interval against a direct computation of the corrected
    resampled t-test on fixed fold differences (5 folds x 2 repeats)."""
    d = np.array([0.02, 0.05, -0.01, 0.03, 0.04, 0.00, 0.06, 0.01, 0.02, 0.03])
    got = corrected_paired_interval(d, 1 / 4, confidence=0.9)
    mean = d.mean()
    s2 = np.sum((d - mean) ** 2) / 9
    half = stats.t.ppf(0.95, 9) * np.sqrt((1 / 10 + 1 / 4) * s2)
    np.testing.assert_allclose(got, (mean, mean - half, mean + half), rtol=1e-12)
    assert got.excludes_zero


def test_corrected_interval_wider_than_plain_t():
    """Check that the correction widens the plain paired t interval."""
    d = np.random.default_rng(0).normal(0.01, 0.02, 10)
    got = corrected_paired_interval(d, 1 / 4)
    plain = stats.t.interval(0.95, 9, loc=d.mean(), scale=d.std(ddof=1) / np.sqrt(10))
    assert got.low < plain[0] and got.high > plain[1]


@pytest.mark.parametrize(
    "d, expected",
    [
        ([], (np.nan, np.nan, np.nan)),
        ([0.3], (0.3, np.nan, np.nan)),
        ([0.1, np.nan, 0.1], (0.1, 0.1, 0.1)),
    ],
)
def test_corrected_interval_degenerate(d, expected):
    """Check the interval with no, one, or identical differences (NaN skipped)."""
    np.testing.assert_allclose(corrected_paired_interval(d, 0.25), expected)


def test_corrected_interval_coverage_of_null():
    """Check that with independent test sets (ratio 0) the interval is the
    plain t interval: it covers a true mean of 0 about 95 % of the time."""
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(2000):
        got = corrected_paired_interval(rng.normal(0, 1, 10), 0.0)
        covered += got.low <= 0 <= got.high
    assert 0.935 <= covered / 2000 <= 0.965


def test_shared_ranks_ties_follow_leader():
    """Check competition ranks where indistinguishable strategies share the
    leader's rank, and a distinguishable one takes its position."""
    distinct = {("a", "c"), ("a", "d"), ("c", "d")}
    ranks = shared_ranks(["a", "b", "c", "d"], lambda x, y: (x, y) in distinct)
    assert ranks == {"a": 1, "b": 1, "c": 3, "d": 4}
    assert shared_ranks(["a", "b"], lambda x, y: False) == {"a": 1, "b": 1}
