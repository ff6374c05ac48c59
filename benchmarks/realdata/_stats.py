"""Across-data-set statistics: mean ranks, win/tie/loss, Wilcoxon, Holm, CD.

All functions take a table with one row per data set and one column per
method (the method's mean score over the CV folds on that data set).
"""

import numpy as np
import pandas as pd
from scipy import stats

# Two per-data-set means equal to this many decimals count as a tie.
TIE_DECIMALS = 3


def mean_ranks(table, greater_is_better=True):
    """Average rank of each column over the rows (1 = best; ties share ranks).

    Rows with a missing value are dropped first, so every method is ranked on
    the same data sets (Demsar, 2006).
    """
    complete = table.dropna()
    values = complete.to_numpy()
    if greater_is_better:
        values = -values
    ranks = np.apply_along_axis(stats.rankdata, 1, values) if len(values) else values
    return pd.Series(
        ranks.mean(axis=0) if len(values) else np.nan, index=table.columns
    ), len(complete)


def win_tie_loss(a, b, greater_is_better=True, decimals=TIE_DECIMALS):
    """Counts of data sets where ``a`` beats, ties or loses to ``b``.

    Scores are compared after rounding to ``decimals``; data sets where either
    is missing are skipped.
    """
    both = pd.concat([a, b], axis=1).dropna()
    diff = both.iloc[:, 0].round(decimals) - both.iloc[:, 1].round(decimals)
    if not greater_is_better:
        diff = -diff
    return int((diff > 0).sum()), int((diff == 0).sum()), int((diff < 0).sum())


def wilcoxon(a, b):
    """Wilcoxon signed-rank test of paired per-data-set scores ``a`` vs ``b``.

    Returns a dict: ``n`` (pairs with both present), ``mean_diff`` and
    ``median_diff`` (a - b), ``statistic`` and two-sided ``p``. Zero
    differences are dropped (``zero_method="wilcox"``); when every difference
    is zero the test is undefined and ``p`` is 1.
    """
    both = pd.concat([a, b], axis=1).dropna()
    diff = (both.iloc[:, 0] - both.iloc[:, 1]).to_numpy()
    out = {
        "n": int(diff.size),
        "mean_diff": float(np.mean(diff)) if diff.size else np.nan,
        "median_diff": float(np.median(diff)) if diff.size else np.nan,
    }
    if diff.size == 0:
        return {**out, "statistic": np.nan, "p": np.nan}
    if np.all(diff == 0):
        return {**out, "statistic": 0.0, "p": 1.0}
    result = stats.wilcoxon(diff, zero_method="wilcox")
    return {**out, "statistic": float(result.statistic), "p": float(result.pvalue)}


def holm(p_values):
    """Holm-Bonferroni adjusted p-values (NaN kept as NaN), same order as given."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    m = order.size
    running = 0.0
    for i, index in enumerate(order):
        running = max(running, (m - i) * p[index])
        adjusted[index] = min(1.0, running)
    return adjusted


def critical_difference(n_methods, n_datasets, alpha=0.05):
    """Nemenyi critical difference of mean ranks (Demsar, 2006).

    ``CD = q_alpha * sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` the upper
    ``alpha`` quantile of the studentised range for ``k`` groups and infinite
    degrees of freedom, divided by sqrt(2).
    """
    k = n_methods
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(k * (k + 1) / (6.0 * n_datasets)))


def friedman(table):
    """Friedman test over complete rows; returns (statistic, p) or NaNs."""
    complete = table.dropna()
    if complete.shape[1] < 3 or complete.shape[0] < 2:
        return np.nan, np.nan
    result = stats.friedmanchisquare(*[complete[c].to_numpy() for c in complete])
    return float(result.statistic), float(result.pvalue)


def time_ratios(folds, ours, peer, column="fit_cpu"):
    """Per data set, the median over folds of fit time ours / peer."""
    pivot = folds.pivot_table(
        index=["dataset", "split"], columns="method", values=column, aggfunc="first"
    )
    if ours not in pivot or peer not in pivot:
        return pd.Series(dtype=float)
    ratio = (pivot[ours] / pivot[peer]).replace([np.inf, -np.inf], np.nan)
    return ratio.groupby(level="dataset").median().dropna()
