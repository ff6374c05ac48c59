"""The metrics skclassgap declares, in one table: :data:`METRICS`.

A :class:`MetricDeclaration` states what a metric is once: its name, how it
is printed (a label for headlines, a short label for table columns), its
direction, whether it is a headline number, the function on labels behind
its scorer, and the same metric written on per-class counts. Everything
else reads the table:

- :func:`~skclassgap.metrics.get_scorer` and
  :func:`~skclassgap.metrics.get_scorer_names` (a lower-is-better metric is
  the scorer ``neg_<name>``);
- the count-based searches of :mod:`skclassgap.threshold` (through
  :func:`label_metric`);
- :func:`summary_from_counts`, the headline numbers of per-class counts;
- the command line: the audit's headline and comparison table, the report's
  headline, and their JSON and HTML.

Adding a declaration to :data:`METRICS` is therefore the one edit that makes
a new metric a scorer and, with ``headline=True``, a number of every
headline, table and file the command line writes.

The gap and worst-class metrics are declared once per per-class metric of
:data:`~skclassgap.metrics._counts.PER_CLASS_METRICS` (recall, precision,
F1), so a new per-class metric brings its gap and its worst class along.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from skclassgap.metrics._classification import (
    accuracy_from_labels,
    balanced_accuracy_from_labels,
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    worst_class_score,
)
from skclassgap.metrics._counts import (
    PER_CLASS_METRICS,
    geometric_mean_from_recalls,
    nanmean_last,
    per_class_metric,
    recall_from_counts,
)


class MetricDeclaration(NamedTuple):
    """What a metric is, declared once; scorers, searches and renderers read it.

    Attributes
    ----------
    name : str
        The metric's name: its key in headline dicts and JSON, its column in
        the audit's comparison table (``"class_gap"``, not ``"neg_class_gap"``).
    label : str
        The metric as printed in headlines: ``"balanced accuracy"``.
    greater_is_better : bool
        Direction. The scorer of a lower-is-better metric is named
        ``neg_<name>`` and returns the negated metric, as in scikit-learn.
    score_func : callable
        The metric on labels, ``score_func(y_true, y_pred, **kwargs)``.
    kwargs : dict
        Keyword arguments of ``score_func`` in the scorer.
    from_counts : callable
        The same metric (not negated) on per-class counts,
        ``from_counts(tp, support, predicted)``, vectorised over leading axes.
    short : str, default=""
        Column label of tables (``"bal. acc."``); the name when empty.
    headline : bool, default=False
        Whether the metric is a headline number: returned by
        :func:`summary_from_counts`, printed in the audit's and the report's
        headline, a column of the audit's comparison table.
    classes : {"true", "union"}, default="true"
        The classes the metric ranges over when no ``labels`` are given:
        ``"true"``, the classes of ``y_true`` (a label only predicted has no
        recall); ``"union"``, every label of either array (accuracy, and macro
        F1 as scikit-learn's ``f1_score``). :func:`summary_from_counts` hands
        ``from_counts`` those classes' counts, so that it equals
        ``score_func`` on the labels.
    monotone : bool, default=True
        The metric never drops when a group of rows of one class only moves
        from a wrong prediction to their own class (binary: only-positive
        rows move to the positive side, or only-negative rows to the negative
        side). Threshold searches then score only the candidates where such a
        move is impossible. Spreads (``neg_class_gap*``) are not monotone.
    recall_summary : bool, default=False
        The metric is a function of the per-class recalls alone, every class
        weighing the same (balanced accuracy, g-mean, worst-class recall,
        recall gap; not accuracy, which weighs classes by their size, nor
        anything with precision). Offsets tuned for such a metric move recall
        between classes; ThresholdCalibrator keeps them from paying for it
        with out-of-fold balanced accuracy below the prior correction's.
    class_key : str or None, default=None
        Key of the headline dict naming the class the value belongs to
        (``"worst_class"`` for the worst-class recall); headlines print it
        next to the value.
    """

    name: str
    label: str
    greater_is_better: bool
    score_func: Callable
    kwargs: dict
    from_counts: Callable
    short: str = ""
    headline: bool = False
    classes: str = "true"
    monotone: bool = True
    recall_summary: bool = False
    class_key: str | None = None

    @property
    def scorer_name(self):
        """The scorer's name: the name, prefixed ``neg_`` when lower is better."""
        return self.name if self.greater_is_better else f"neg_{self.name}"

    @property
    def column_label(self):
        """The label of the metric's column in tables."""
        return self.short or self.name


# -- the metrics on per-class counts --------------------------------------------


def _accuracy_counts(tp, support, predicted):
    return np.asarray(tp, dtype=np.float64).sum(axis=-1) / np.asarray(support).sum(
        axis=-1
    )


def _balanced_accuracy_counts(tp, support, predicted):
    return nanmean_last(recall_from_counts(tp, support, np.nan))


def _macro_f1_counts(tp, support, predicted):
    return nanmean_last(per_class_metric("f1", tp, support, predicted, 0.0))


def _g_mean_counts(tp, support, predicted):
    return geometric_mean_from_recalls(recall_from_counts(tp, support, 0.0))


def _gap_counts(metric):
    def gap(tp, support, predicted):
        values = per_class_metric(metric, tp, support, predicted, 0.0)
        return values.max(axis=-1) - values.min(axis=-1)

    return gap


def _worst_counts(metric):
    def worst(tp, support, predicted):
        return per_class_metric(metric, tp, support, predicted, 0.0).min(axis=-1)

    return worst


# -- the table --------------------------------------------------------------------

# Short column labels of the headline spreads; other per-class metrics' spreads
# are labelled by their name.
_SHORT_GAP = {"recall": ("class gap", "worst rec.")}


def _declarations():
    """Every declaration, in the order headlines and tables show them."""
    yield MetricDeclaration(
        "accuracy",
        "accuracy",
        True,
        accuracy_from_labels,
        {},
        _accuracy_counts,
        short="accuracy",
        headline=True,
        classes="union",
    )
    yield MetricDeclaration(
        "balanced_accuracy",
        "balanced accuracy",
        True,
        balanced_accuracy_from_labels,
        {},
        _balanced_accuracy_counts,
        short="bal. acc.",
        headline=True,
        recall_summary=True,
    )
    yield MetricDeclaration(
        "macro_f1",
        "macro F1",
        True,
        macro_f1_score,
        {"zero_division": 0.0},
        _macro_f1_counts,
        short="macro F1",
        headline=True,
        classes="union",
    )
    yield MetricDeclaration(
        "g_mean",
        "g-mean",
        True,
        geometric_mean_score,
        {},
        _g_mean_counts,
        short="g-mean",
        headline=True,
        recall_summary=True,
    )
    for metric, per_class in PER_CLASS_METRICS.items():
        suffix = "" if metric == "recall" else f"_{metric}"
        kwargs = {"metric": metric, "zero_division": 0.0}
        recalls = metric == "recall"
        gap_short, worst_short = _SHORT_GAP.get(metric, ("", ""))
        yield MetricDeclaration(
            f"class_gap{suffix}",
            f"class gap ({per_class.label})",
            False,
            class_gap,
            kwargs,
            _gap_counts(metric),
            short=gap_short,
            headline=recalls,
            monotone=False,
            recall_summary=recalls,
        )
        yield MetricDeclaration(
            f"worst_class_{metric}",
            f"worst-class {per_class.label}",
            True,
            worst_class_score,
            kwargs,
            _worst_counts(metric),
            short=worst_short,
            headline=recalls,
            recall_summary=recalls,
            class_key="worst_class" if recalls else None,
        )


# scorer name -> declaration, in display order.
METRICS = {metric.scorer_name: metric for metric in _declarations()}


def label_metric(name):
    """The :class:`MetricDeclaration` of a scorer name; unknown names are refused."""
    try:
        return METRICS[name]
    except KeyError:
        raise ValueError(
            f"{name!r} is not a skclassgap scorer; valid names are {sorted(METRICS)}."
        ) from None


def headline_metrics():
    """The headline declarations, in display order (read at call time)."""
    return [metric for metric in METRICS.values() if metric.headline]


def summary_from_counts(counts):
    """The headline metrics of :class:`ClassCounts`, as the scorers compute them.

    Returns a dict with one entry per headline declaration of :data:`METRICS`
    (``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``g_mean``,
    ``class_gap`` (recall), ``worst_class_recall``; each equal to the metric
    function on the labels with ``zero_division=0.0``) and ``worst_class``,
    the class of smallest recall.
    """
    summary = {}
    for metric in headline_metrics():
        keep = counts.in_true if metric.classes == "true" else slice(None)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = metric.from_counts(
                counts.tp[keep], counts.support[keep], counts.predicted[keep]
            )
        summary[metric.name] = float(value)
    recalls = recall_from_counts(
        counts.tp[counts.in_true], counts.support[counts.in_true], 0.0
    )
    worst = counts.labels[counts.in_true][int(np.argmin(recalls))]
    summary["worst_class"] = worst.item() if isinstance(worst, np.generic) else worst
    return summary
