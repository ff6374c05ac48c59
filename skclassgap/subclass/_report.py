"""Per (class, sub-class) report: discovered sub-populations, or known groups."""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_consistent_length

from skclassgap._compat import Interval, StrOptions, validate_params
from skclassgap.metrics._grouped import encode_groups, group_class_counts
from skclassgap.subclass._discover import (
    class_subclasses,
    subclasses_per_class,
    true_class_margin,
)

TABLE_COLUMNS = ["support", "share", "recall", "precision", "representative"]


@dataclass(frozen=True)
class SubclassReport:
    """What :func:`subclass_report` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (class, sub-class), index levels ``"class"`` and
        ``"subclass"``, columns ``support``, ``share``, ``recall``,
        ``precision`` and ``representative`` (see :func:`subclass_report`).
    worst : tuple
        ``(class, subclass)`` of the lowest recall among the sub-classes of at
        least ``min_size`` rows (ties: the larger sub-class, then table
        order).
    gap : float
        The sub-class gap: the largest, over classes, of the difference
        between the best and the worst recall of the class's sub-classes of
        at least ``min_size`` rows (0 for a class with one such sub-class).
    class_gaps : pandas.Series
        That difference for every class (index ``"class"``).
    class_recall : pandas.Series
        Recall of every class over all its rows (index ``"class"``), what
        the sub-class recalls add up to.
    """

    table: pd.DataFrame
    worst: tuple
    gap: float
    class_gaps: pd.Series
    class_recall: pd.Series

    def worst_subclasses(self, n=5, *, min_support=1):
        """The ``n`` sub-classes of lowest recall, worst first (data for a figure).

        Parameters
        ----------
        n : int, default=5
            Number of sub-classes.
        min_support : int, default=1
            Leave out sub-classes of fewer rows.

        Returns
        -------
        worst : pandas.DataFrame
            Rows of :attr:`table` sorted by increasing recall (ties: larger
            support first), with a column ``class_recall`` (the recall of the
            sub-class's whole class) and ``recall_gap`` (``class_recall -
            recall``: how much the class's recall hides).
        """
        table = self.table[self.table["support"] >= min_support]
        order = np.lexsort((-table["support"].to_numpy(), table["recall"].to_numpy()))
        worst = table.iloc[order[:n]].copy()
        classes = worst.index.get_level_values("class")
        worst["class_recall"] = self.class_recall.reindex(classes).to_numpy()
        worst["recall_gap"] = worst["class_recall"] - worst["recall"]
        return worst

    def __repr__(self):
        return (
            f"SubclassReport(worst={self.worst!r}, gap={self.gap:.3f})\n"
            f"{self.table.to_string()}"
        )

    def _repr_html_(self):
        return (
            f"<p>SubclassReport: worst sub-class {self.worst!r}, sub-class gap "
            f"{self.gap:.3f}</p>{self.table.to_html()}"
        )


def check_scores(scores, n_samples, n_classes):
    """Validate ``scores`` and return them as (n_samples, n_classes) float64.

    One column per class in sorted label order; for two classes a 1-d array
    of decision values (positive: the second class) is accepted too.
    """
    scores = check_array(
        scores, ensure_2d=False, allow_nd=True, dtype=np.float64, input_name="scores"
    )
    expected = f"({n_samples}, {n_classes})"
    if n_classes == 2:
        expected += f" or ({n_samples},) for decision values of the second class"
    if scores.ndim == 1 and n_classes == 2 and scores.shape[0] == n_samples:
        return np.column_stack([-scores / 2, scores / 2])
    if scores.ndim != 2 or scores.shape != (n_samples, n_classes):
        raise ValueError(
            f"scores has shape {scores.shape}, but there are {n_samples} samples "
            f"and {n_classes} classes in y_true; expected shape {expected}: one "
            "column per class in sorted label order, as predict_proba or "
            "decision_function return them."
        )
    return scores


def _check_X(X, n_samples):
    X = check_array(X, dtype=np.float64, input_name="X")
    if X.shape[0] != n_samples:
        raise ValueError(
            f"X has {X.shape[0]} rows but y_true has {n_samples}; pass one row "
            "per label."
        )
    return X


def representatives(Z_by_row, labels, rows):
    """Row (of ``rows``) nearest to the centre of each sub-class, in its embedding.

    ``Z_by_row`` is the embedding of ``rows`` (same order), ``labels`` their
    sub-class. Returns a dict sub-class -> row index.
    """
    found = {}
    for value in np.unique(labels):
        members = np.flatnonzero(labels == value)
        Z = Z_by_row[members]
        dist = ((Z - Z.mean(axis=0)) ** 2).sum(axis=1)
        found[value] = int(rows[members[np.argmin(dist)]])
    return found


def _cells(y_true, y_pred, sub, classes, group_values):
    """(class, sub-class) cells that hold rows, and their counts.

    The counts are those of the per-(group, class) report
    (:func:`~skclassgap.metrics._grouped.group_class_counts`, one pass) with
    the sub-class code as the group: true positives and support of the rows
    of class ``c`` in sub-class ``s``, and the rows of ``s`` predicted as
    ``c`` (whatever their class: the precision of ``c`` within a known
    group).
    """
    counts = group_class_counts(y_true, y_pred, sub)
    columns = np.searchsorted(counts.labels, classes)
    cells, rows, cols = [], [], []
    for label, j in zip(classes.tolist(), columns, strict=True):
        for i in np.flatnonzero(counts.n_true[:, j] > 0):
            code = counts.groups[i]
            name = group_values[code] if group_values is not None else code
            cells.append((label, _scalar(name)))
            rows.append(i)
            cols.append(j)
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    return (
        cells,
        counts.tp[rows, cols],
        counts.support[rows, cols],
        counts.predicted[rows, cols],
    )


def _table(cells, tp, support, predicted, reps, with_precision):
    """The report table from per-cell counts, in (class, sub-class) order."""
    class_of = pd.Index([c for c, _ in cells])
    class_support = (
        pd.Series(support, dtype=np.float64).groupby(class_of).transform("sum")
    ).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = tp / support
        share = support / class_support
        precision = (
            np.where(predicted > 0, tp / np.maximum(predicted, 1), np.nan)
            if with_precision
            else np.full(len(cells), np.nan)
        )
    index = pd.MultiIndex.from_tuples(cells, names=["class", "subclass"])
    return pd.DataFrame(
        {
            "support": np.asarray(support, dtype=np.int64),
            "share": share,
            "recall": recall,
            "precision": precision,
            "representative": np.asarray(
                [reps[cell] for cell in cells], dtype=np.int64
            ),
        },
        index=index,
    )


def _summary(table, class_recall, min_size):
    eligible = table[table["support"] >= min_size]
    if eligible.empty:
        eligible = table
    by_class = eligible.groupby(level="class", sort=True)["recall"]
    class_gaps = (by_class.max() - by_class.min()).rename("gap")
    order = np.lexsort(
        (
            np.arange(len(eligible)),
            -eligible["support"].to_numpy(),
            eligible["recall"].to_numpy(),
        )
    )
    worst = tuple(_scalar(v) for v in eligible.index[order[0]])
    return worst, float(class_gaps.max()), class_gaps, class_recall


@validate_params(
    {
        "X": ["array-like"],
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "n_subclasses": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "scores": ["array-like", None],
        "groups": ["array-like", None],
        "method": [StrOptions({"error-aware", "features"})],
        "min_size": [Interval(Integral, 1, None, closed="left")],
        "novelty_quantile": [Interval(Real, 0, 1, closed="neither")],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "on_small_class": [StrOptions({"warn", "raise"})],
        "random_state": ["random_state"],
        "return_labels": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def subclass_report(
    X,
    y_true,
    y_pred,
    *,
    n_subclasses="auto",
    scores=None,
    groups=None,
    method="features",
    min_size=5,
    novelty_quantile=0.01,
    covariance_type="diag",
    on_small_class="warn",
    random_state=None,
    return_labels=False,
):
    """Find the sub-populations a model fails inside each class, and report them.

    A class is rarely one population: digits written in several ways,
    patients of several sites, defects of several kinds. A class recall of
    0.85 can hide a sub-class the model gets right 20 % of the time. This
    function splits the rows of every true class into sub-classes, without
    sub-class labels, by clustering them (on their features, or where the
    model's errors concentrate), and reports each sub-class's recall; or,
    with ``groups``, reports known groups (a domain, a site) the same way.

    Discovery, per class (see the user guide for the measurements behind
    these choices):

    1. the class's rows are standardised and projected on their first 10
       principal components; with ``scores``, the margin of the true class
       (its score minus the best other class's) is appended as a column;
    2. ``method="features"`` (default) fits one Gaussian mixture (diagonal
       covariances by default, the count by BIC) to all the class's rows, as
       GEORGE [1]_ does (with principal components instead of UMAP);
       ``method="error-aware"`` fits the mixture to the rows the model gets
       right (the class's *modes*); each row joins its most likely mode,
       except the errors that no mode explains (log-likelihood below the
       ``novelty_quantile`` quantile of the correct rows'), which form
       sub-classes of their own. The default won on both measured tasks when
       finding the worst sub-class on held-out predictions (user guide);
    3. sub-classes of fewer than ``min_size`` rows merge into the nearest one.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric features of the evaluated rows, or the model's own
        representation of them (e.g. frozen embeddings). Finite values.
    y_true : array-like of shape (n_samples,)
        True labels; they define the classes.
    y_pred : array-like of shape (n_samples,)
        Predicted labels (held-out or out-of-fold predictions: errors on the
        training rows of a fitted model say little).
    n_subclasses : int or "auto", default="auto"
        Sub-classes per class: ``"auto"`` chooses the count (at most 10) by
        BIC, at least ``min_size`` rows per component; an int fixes it (of
        the modes, for ``method="error-aware"``, which may add sub-classes of
        unexplained errors). Ignored with ``groups``.
    scores : array-like of shape (n_samples, n_classes), default=None
        The model's per-class scores (``predict_proba`` or
        ``decision_function``), one column per class in sorted label order;
        for two classes, also a 1-d array of decision values (positive: the
        second class). Their true-class margin joins the embedding (in the
        spirit of Domino [2]_; it lowered recovery on the measured tasks).
    groups : array-like of shape (n_samples,), default=None
        Known group of each row (a domain, a site, a spuriosity bin). The
        sub-classes are then the (class, group) cells, reported the same way,
        and nothing is discovered.
    method : {"features", "error-aware"}, default="features"
        Clustering of step 2.
    min_size : int, default=5
        Fewest rows of a discovered sub-class; also the fewest rows of a
        sub-class that can be named the worst one or count in the gap.
    novelty_quantile : float, default=0.01
        An error whose log-likelihood under the modes lies below this
        quantile of the correct rows' is unexplained (``"error-aware"``).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="diag"
        Covariance of the Gaussian mixtures (scikit-learn's
        :class:`~sklearn.mixture.GaussianMixture`). ``"full"`` lets each
        sub-class have its own shape but costs BIC many parameters per
        component, so "auto" finds fewer, larger sub-classes; ``"diag"``
        splits more readily and found the failed sub-population more
        reliably on the measured tasks (user guide).
    on_small_class : {"warn", "raise"}, default="warn"
        A class with fewer than ``n_subclasses * min_size`` rows (integer
        ``n_subclasses``) gets ``max(1, n_c // min_size)`` sub-classes with a
        warning, or raises a ValueError.
    random_state : int, RandomState instance or None, default=None
        Seed of the principal components and the mixtures. An int gives the
        same sub-classes on every run.
    return_labels : bool, default=False
        Also return the sub-class of every row.

    Returns
    -------
    report : SubclassReport
        ``report.table`` has one row per (class, sub-class), index levels
        ``"class"`` and ``"subclass"`` (discovered sub-classes are numbered
        ``0, 1, ...`` by decreasing size within their class; with ``groups``,
        the group values), and the columns ``support`` (rows), ``share``
        (support over the class's rows), ``recall`` (share of the rows
        predicted as their class), ``precision`` (with ``groups``: among the
        rows of the group predicted as the class, the share that belong to
        it; NaN for discovered sub-classes, which hold no rows of other
        classes, and where nothing is predicted) and ``representative`` (the
        position in ``X`` of the row nearest to the sub-class's centre in the
        embedding: a row to look at). ``report.worst``, ``report.gap``,
        ``report.class_gaps``, ``report.class_recall`` and
        ``report.worst_subclasses(n)`` summarise it (see
        :class:`SubclassReport`).
    labels : ndarray of shape (n_samples,)
        Only when ``return_labels=True``: the sub-class of every row (within
        its class; the group with ``groups``).

    See Also
    --------
    SubclassBalancer : Balance the (class, sub-class) cells before fitting.
    skclassgap.metrics.per_class_report : The per-class report.
    skclassgap.spurious.spurious_gap : The case of one known feature.

    References
    ----------
    .. [1] N. Sohoni, J. Dunnmon, G. Angus, A. Gu and C. Ré, "No Subclass Left
       Behind: Fine-Grained Robustness in Coarse-Grained Classification
       Problems", NeurIPS 2020, arXiv:2011.12945.
    .. [2] S. Eyuboglu, M. Varma, K. Saab, J.-B. Delbrouck, C. Lee-Messer,
       J. Dunnmon, J. Zou and C. Ré, "Domino: Discovering Systematic Errors
       with Cross-Modal Embeddings", ICLR 2022, arXiv:2203.14960.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.datasets import make_subclass_classification
    >>> from skclassgap.subclass import subclass_report
    >>> data = make_subclass_classification(n_samples=4000, random_state=0)
    >>> X, y = data.data, data.target
    >>> model = LogisticRegression().fit(X[:2000], y[:2000])
    >>> report = subclass_report(
    ...     X[2000:], y[2000:], model.predict(X[2000:]), random_state=0)
    >>> print(report.table.loc[1, ["support", "recall"]].round(2).to_string())
              support  recall
    subclass
    0             360    0.94
    1             324    0.99
    2             294    0.97
    3              35    0.57
    >>> report.worst, round(report.gap, 2)
    ((1, 3), 0.42)

    Sub-class 3 of class 1 is the rare sub-class the generator planted where
    class 0 lives (34 of its 35 rows). Known groups are reported the same
    way:

    >>> report = subclass_report(
    ...     X[2000:], y[2000:], model.predict(X[2000:]), groups=data.subclass[2000:])
    >>> columns = ["support", "recall", "precision"]
    >>> print(report.table.loc[1, columns].round(2).to_string())
              support  recall  precision
    subclass
    0             358    0.94       0.94
    1             324    0.99       0.99
    2             297    0.97       0.98
    3              34    0.56       0.66
    """
    check_consistent_length(X, y_true, y_pred)
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError(
            "y_true and y_pred must be 1-dimensional; got shapes "
            f"{y_true.shape} and {y_pred.shape}."
        )
    check_classification_targets(y_true)
    n_samples = y_true.shape[0]
    X = _check_X(X, n_samples)
    classes, codes = np.unique(y_true, return_inverse=True)
    codes = codes.reshape(-1)
    margin = None
    if scores is not None:
        margin = true_class_margin(check_scores(scores, n_samples, len(classes)), codes)
    rng = check_random_state(random_state)
    errors = y_pred != y_true
    if groups is not None:
        sub, group_values = encode_groups(groups, n_samples)
    else:
        sub = np.zeros(n_samples, dtype=np.int64)
    reps = {}
    for k, label in enumerate(classes.tolist()):
        rows = np.flatnonzero(codes == k)
        if groups is not None:
            found = class_subclasses(
                X[rows], n_subclasses=1, min_size=min_size, rng=rng
            )
            Z, labels = found.embedding, sub[rows]
        else:
            count = subclasses_per_class(
                n_subclasses, len(rows), min_size, label, on_small_class
            )
            found = class_subclasses(
                X[rows],
                errors=errors[rows],
                margin=None if margin is None else margin[rows],
                n_subclasses=count,
                method=method,
                min_size=min_size,
                novelty_quantile=novelty_quantile,
                covariance=covariance_type,
                rng=rng,
            )
            Z, labels = found.embedding, found.labels
            sub[rows] = labels
        for value, row in representatives(Z, labels, rows).items():
            name = group_values[value] if groups is not None else value
            reps[(label, _scalar(name))] = row
    table = _table(
        *_cells(
            y_true, y_pred, sub, classes, group_values if groups is not None else None
        ),
        reps,
        with_precision=groups is not None,
    )
    class_recall = pd.Series(
        np.bincount(codes, weights=~errors, minlength=len(classes))
        / np.bincount(codes, minlength=len(classes)),
        index=pd.Index(classes, name="class"),
        name="recall",
    )
    report = SubclassReport(table, *_summary(table, class_recall, min_size))
    if return_labels:
        labels_out = group_values[sub] if groups is not None else sub
        return report, labels_out
    return report


def _scalar(value):
    return value.item() if isinstance(value, np.generic) else value
