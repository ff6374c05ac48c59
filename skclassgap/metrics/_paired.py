"""Paired comparisons of cross-validated scores: intervals and shared ranks.

Every strategy is scored on the same folds, so two strategies are compared
by their per-fold differences. Folds of cross-validation share training
rows, which makes the differences positively correlated and the plain
t-interval too narrow; the corrected resampled t-test of Nadeau and Bengio
(2003) widens the variance of the mean difference from ``s^2 / J`` to
``(1 / J + n_test / n_train) s^2`` for ``J`` paired differences of sample
variance ``s^2`` (``n_test / n_train = 1 / (k - 1)`` for k-fold
cross-validation, repeated or not; Bouckaert and Frank, 2004, recommend it
for repeated cross-validation). The interval is
``mean -+ t_{J-1} sqrt((1 / J + n_test / n_train) s^2)``.

References
----------
.. [1] C. Nadeau and Y. Bengio, "Inference for the Generalization Error",
   Machine Learning 52, 239-281, 2003.
.. [2] R. R. Bouckaert and E. Frank, "Evaluating the Replicability of
   Significance Tests for Comparing Learning Algorithms", PAKDD 2004.
"""

from typing import NamedTuple

import numpy as np
from scipy import stats


class PairedInterval(NamedTuple):
    """Mean of paired differences and its interval at ``confidence``."""

    mean: float
    low: float
    high: float

    @property
    def excludes_zero(self):
        """Whether the interval lies entirely on one side of 0."""
        return bool(self.low > 0 or self.high < 0)


def corrected_paired_interval(differences, test_train_ratio, confidence=0.95):
    """Corrected resampled t interval of the mean of paired differences.

    Parameters
    ----------
    differences : array-like of shape (n_folds,)
        Per-fold differences of two strategies' scores on the same folds.
        NaN entries (a fold where a score is undefined) are left out.
    test_train_ratio : float
        ``n_test / n_train`` of one fold (``1 / (k - 1)`` for k folds).
    confidence : float, default=0.95

    Returns
    -------
    interval : PairedInterval
        NaN bounds with fewer than two differences; the interval is the
        point ``mean`` when every difference is equal.
    """
    d = np.asarray(differences, dtype=np.float64)
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return PairedInterval(np.nan, np.nan, np.nan)
    mean = float(d.mean())
    if len(d) < 2:
        return PairedInterval(mean, np.nan, np.nan)
    var = float(d.var(ddof=1)) * (1.0 / len(d) + test_train_ratio)
    half = float(stats.t.ppf((1.0 + confidence) / 2.0, len(d) - 1)) * np.sqrt(var)
    return PairedInterval(mean, mean - half, mean + half)


def shared_ranks(order, distinguishable):
    """Ranks in ``order`` (best first) where indistinguishable ones share one.

    The first strategy has rank 1. Each next strategy shares the rank of the
    current group's leader (the first strategy of that rank) unless
    ``distinguishable(leader, strategy)``; then it starts a group with its
    own position as rank (competition ranking: 1, 1, 3, ...).

    Parameters
    ----------
    order : list
        Strategies, best first.
    distinguishable : callable
        ``distinguishable(a, b) -> bool``: whether the paired interval of
        ``a`` against ``b`` excludes 0.

    Returns
    -------
    ranks : dict
        Strategy -> rank.
    """
    ranks = {}
    leader = None
    for position, name in enumerate(order, start=1):
        if leader is None or distinguishable(leader, name):
            leader = name
            ranks[name] = position
        else:
            ranks[name] = ranks[leader]
    return ranks
