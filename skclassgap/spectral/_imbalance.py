"""Covariance spectra per class: summaries, spread, rank correlation with errors."""

import numbers
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from skclassgap._compat import Interval, StrOptions, validate_params
from skclassgap.spectral._class_spectra import class_spectra

MEASURES = ("trace", "top_k_energy_share", "effective_rank", "decay_exponent")


def spectrum_summaries(eigenvalues, counts, *, top_k=10, decay_window=None):
    """Per-class summaries of descending eigenvalues (rows of ``eigenvalues``).

    Returns a dict of float64 arrays keyed by :data:`MEASURES`; see
    :func:`spectral_imbalance` for the definitions.
    """
    lam = np.clip(np.asarray(eigenvalues, dtype=np.float64), 0.0, None)
    n_classes, d = lam.shape
    total = lam.sum(axis=1)
    k = min(top_k, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = lam[:, :k].sum(axis=1) / total
        p = lam / total[:, None]
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    effective_rank = np.exp(-plogp.sum(axis=1))
    effective_rank[total == 0] = np.nan
    decay = np.full(n_classes, np.nan)
    for c in range(n_classes):
        if decay_window is None:
            lo, hi = 1, min(d, int(counts[c]) - 1)
        else:
            lo, hi = decay_window[0], min(decay_window[1], d)
        ranks = np.arange(lo, hi + 1)
        values = lam[c, lo - 1 : hi]
        keep = values > values.max(initial=0.0) * 1e-12
        if keep.sum() >= 2:
            slope = np.polyfit(np.log(ranks[keep]), np.log(values[keep]), 1)[0]
            decay[c] = -slope
    return {
        "trace": total,
        "top_k_energy_share": share,
        "effective_rank": effective_rank,
        "decay_exponent": decay,
    }


def _one_table(X, y, shrinkage, top_k, decay_window):
    spectra = class_spectra(X, y, shrinkage=shrinkage)
    summaries = spectrum_summaries(
        spectra.eigenvalues, spectra.counts, top_k=top_k, decay_window=decay_window
    )
    table = pd.DataFrame(
        {"n_samples": spectra.counts, **summaries},
        index=pd.Index(spectra.classes, name="class"),
    )
    return table


def _spread(table):
    rows = {}
    for name in MEASURES:
        v = table[name].to_numpy(dtype=np.float64)
        lo, hi, mean = np.nanmin(v), np.nanmax(v), np.nanmean(v)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = hi / lo if lo != 0 else np.inf
            cv = np.nanstd(v) / abs(mean) if mean != 0 else np.nan
        rows[name] = {"min": lo, "max": hi, "max_min_ratio": ratio, "cv": cv}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "measure"
    return frame


@validate_params(
    {
        "X": ["array-like", Mapping],
        "y": ["array-like"],
        "shrinkage": [
            None,
            StrOptions({"ledoit_wolf"}),
            Interval(numbers.Real, 0, 1, closed="both"),
        ],
        "top_k": [Interval(numbers.Integral, 1, None, closed="left")],
        "decay_window": [None, tuple],
        "summary": [StrOptions({"per_class", "spread"})],
    },
    prefer_skip_nested_validation=True,
)
def spectral_imbalance(
    X, y, *, shrinkage=None, top_k=10, decay_window=None, summary="per_class"
):
    """Per-class summaries of covariance spectra and their spread across classes.

    For class ``c`` with covariance eigenvalues ``l_1 >= ... >= l_d`` (from
    :func:`class_spectra`, negative rounding noise clipped to 0):

    - ``trace``: ``sum_i l_i``, the class's total variance;
    - ``top_k_energy_share``: ``sum_{i <= k} l_i / sum_i l_i`` with
      ``k = min(top_k, d)``;
    - ``effective_rank``: ``exp(H(p))``, ``p_i = l_i / sum_j l_j``,
      ``H(p) = -sum_i p_i log p_i`` (between 1 and ``d``);
    - ``decay_exponent``: ``-slope`` of the least-squares line of
      ``log l_i`` against ``log i`` over the ranks of ``decay_window``
      (by default ``1 .. min(d, n_c - 1)``, the ranks a sample covariance can
      fill), ignoring eigenvalues below ``1e-12 * l_1``; ``l_i ~ i^(-a)`` gives
      ``a``. NaN with fewer than 2 usable ranks.

    The spread of a measure across classes is its ``max / min`` ratio and its
    coefficient of variation ``std / |mean|`` (population std).

    These are the quantities named; they follow the idea of Kaushik et al.
    (ICML 2024, arXiv:2402.11742) that classes with "larger" spectra are
    served worse, but the paper's exact formulas were not verified.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or dict of str to array-like
        Features; a dict maps names (e.g. encoders) to feature sets of the same
        rows, which are then compared. Dask arrays and DataFrames are reduced
        block by block, as in :func:`class_spectra`.
    y : array-like of shape (n_samples,)
        Class labels (the same for every feature set).
    shrinkage : None, "ledoit_wolf" or float in [0, 1], default=None
        Covariance shrinkage, see :func:`class_spectra`.
    top_k : int, default=10
        Number of leading eigenvalues of ``top_k_energy_share``.
    decay_window : tuple of (int, int), default=None
        First and last rank (1-based, inclusive) of the decay fit.
    summary : {"per_class", "spread"}, default="per_class"
        ``"per_class"``: one row per class with ``n_samples`` and the four
        measures. ``"spread"``: one row per measure with ``min``, ``max``,
        ``max_min_ratio`` and ``cv`` across classes.

    Returns
    -------
    table : pandas.DataFrame
        Indexed by ``class`` (``"per_class"``) or ``measure`` (``"spread"``);
        for a dict ``X`` the index gains a first level ``feature_set``.

    See Also
    --------
    class_spectra : The spectra summarised here.
    spectral_error_correlation : Rank correlation of these measures with errors.

    Examples
    --------
    >>> from skclassgap.datasets import make_spectral_mixture
    >>> from skclassgap.spectral import spectral_imbalance
    >>> X, y = make_spectral_mixture(600, 8, 3, decays=[0.5, 1.0, 2.0], random_state=0)
    >>> table = spectral_imbalance(X, y)
    >>> table["decay_exponent"].round(1).tolist()
    [0.5, 1.1, 2.0]
    >>> spectral_imbalance({"a": X, "b": X[:, :4]}, y, summary="spread").shape
    (8, 4)
    """
    if decay_window is not None:
        ok = (
            len(decay_window) == 2
            and all(isinstance(v, numbers.Integral) for v in decay_window)
            and 1 <= decay_window[0] < decay_window[1]
        )
        if not ok:
            raise ValueError(
                "decay_window must be a pair of integer ranks (first, last) with "
                f"1 <= first < last; got {decay_window!r}."
            )
    sets = X if isinstance(X, Mapping) else {None: X}
    if not sets:
        raise ValueError("X is an empty dict; pass at least one feature set.")
    tables = {}
    for name, features in sets.items():
        table = _one_table(features, y, shrinkage, top_k, decay_window)
        tables[name] = table if summary == "per_class" else _spread(table)
    if not isinstance(X, Mapping):
        return tables[None]
    return pd.concat(tables, names=["feature_set"])


@validate_params(
    {"measures": [pd.DataFrame], "errors": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def spectral_error_correlation(measures, errors):
    """Spearman rank correlation of each per-class measure with per-class errors.

    Parameters
    ----------
    measures : pandas.DataFrame
        One row per class, e.g. ``spectral_imbalance(X, y)``. Every numeric
        column is correlated.
    errors : array-like of shape (n_classes,) or pandas.Series
        Per-class errors (e.g. ``1 - recall``). A Series is aligned on the
        index of ``measures``; an array must follow its row order.

    Returns
    -------
    table : pandas.DataFrame
        One row per measure: ``spearman_rho``, its two-sided ``p_value``
        (:func:`scipy.stats.spearmanr`) and ``n_classes``. ``rho`` is NaN when
        either side is constant.

    Examples
    --------
    >>> import pandas as pd
    >>> from skclassgap.spectral import spectral_error_correlation
    >>> measures = pd.DataFrame({"trace": [3.0, 2.0, 1.0]}, index=[0, 1, 2])
    >>> spectral_error_correlation(measures, [0.3, 0.2, 0.1])["spearman_rho"].tolist()
    [1.0]
    """
    if isinstance(errors, pd.Series):
        missing = measures.index.difference(errors.index)
        if len(missing):
            raise ValueError(
                f"errors has no value for the classes {missing.tolist()!r} of "
                "measures; pass one error per class."
            )
        err = errors.loc[measures.index].to_numpy(dtype=np.float64)
    else:
        err = np.asarray(errors, dtype=np.float64).reshape(-1)
        if len(err) != len(measures):
            raise ValueError(
                f"errors has {len(err)} values but measures has {len(measures)} "
                "classes; pass one error per class in the same order."
            )
    rows = {}
    for name in measures.columns:
        col = measures[name]
        if not pd.api.types.is_numeric_dtype(col):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", stats.ConstantInputWarning)
            rho, p = stats.spearmanr(col.to_numpy(dtype=np.float64), err)
        rows[name] = {
            "spearman_rho": float(rho),
            "p_value": float(p),
            "n_classes": len(err),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "measure"
    return frame
