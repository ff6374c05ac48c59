"""ClassGapDisplay: per-class recall, precision and F1.

The class gap and the worst class are marked.
"""

import textwrap

import numpy as np

from skclassgap.metrics import per_class_report
from skclassgap.plotting._base import axes_or_new, require_pyplot
from skclassgap.utils._docstring import shared_docs

_METRICS = ("recall", "precision", "f1")
_LABELS = {"recall": "recall", "precision": "precision", "f1": "F1"}
# Tick labels turn when a class name is longer than _TICK_WIDTH characters or
# there are more classes than fit flat; legend entries wrap at _LEGEND_WIDTH.
_TICK_WIDTH = 8
_LEGEND_WIDTH = 28
_NOTE_WIDTH = 14  # the gap's note beside the arrow
_MAX_LEVEL_TICKS = 12

# The options both constructors pass on to :meth:`ClassGapDisplay.plot`.
_docs = shared_docs.extended(
    display_options="""
    other_name : str, default=None
        Name of the second model.
    ax : matplotlib Axes, default=None
        Axes to draw on.
    metrics : list of str, default=None
        See :meth:`plot`.
    gap_metric : {"recall", "precision", "f1"}, default="recall"
        Metric whose gap and worst class are marked.

    Returns
    -------
    display : ClassGapDisplay
        The plotted display.
    """
)


def _estimator_name(estimator):
    steps = getattr(estimator, "steps", None)
    if steps:
        return type(steps[-1][1]).__name__
    return type(estimator).__name__


class ClassGapDisplay:
    """Per-class recall, precision and F1 bars, with the gap and worst class marked.

    The gap of ``gap_metric`` (``max - min`` over classes, as
    :func:`skclassgap.metrics.class_gap`) is drawn as two dashed lines at the
    best and worst class and a labelled arrow between them; the worst class's
    tick label is red. With a second model (``other_scores``), both are drawn
    side by side, each with its own gap lines, so that a mitigation's effect on
    every class shows at a glance.

    Create it with :meth:`from_predictions` or :meth:`from_estimator`; the
    constructor takes precomputed per-class scores.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per class with columns ``recall``, ``precision`` and ``f1``
        (e.g. :func:`skclassgap.metrics.per_class_report`).
    name : str, default=None
        Name of the model, shown in the legend.
    other_scores : pandas.DataFrame, default=None
        Per-class scores of a second model on the same classes.
    other_name : str, default=None
        Name of the second model.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the bars.
    figure_ : matplotlib Figure
        Figure holding the axes.
    bars_ : dict
        ``(model name, metric) -> BarContainer``.
    gap_ : dict
        ``model name -> gap`` of ``gap_metric``.
    worst_class_ : dict
        ``model name -> label`` of the class with the lowest ``gap_metric``.

    See Also
    --------
    skclassgap.metrics.per_class_report : The numbers behind the bars.
    skclassgap.metrics.class_gap : The gap that is marked.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_wine
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_predict
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skclassgap.plotting import ClassGapDisplay
    >>> X, y = load_wine(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), LogisticRegression())
    >>> y_pred = cross_val_predict(model, X, y, cv=3)
    >>> display = ClassGapDisplay.from_predictions(y, y_pred, name="logreg")
    >>> sorted(display.bars_)
    [('logreg', 'f1'), ('logreg', 'precision'), ('logreg', 'recall')]
    """

    def __init__(self, scores, *, name=None, other_scores=None, other_name=None):
        self.scores = scores
        self.name = name
        self.other_scores = other_scores
        self.other_name = other_name

    def _models(self):
        first = self.name or "model"
        models = [(first, self.scores)]
        if self.other_scores is not None:
            second = self.other_name or "other model"
            if second == first:
                second = f"{second} (2)"
            models.append((second, self.other_scores))
        return models

    def plot(self, ax=None, *, metrics=None, gap_metric="recall", title=None):
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        metrics : list of {"recall", "precision", "f1"}, default=None
            Bars per class and model. By default all three for one model and
            ``[gap_metric]`` when comparing two.
        gap_metric : {"recall", "precision", "f1"}, default="recall"
            Metric whose gap and worst class are marked.
        title : str, default=None
            Axes title; by default names the gap.

        Returns
        -------
        display : ClassGapDisplay
            The display, with ``ax_``, ``figure_``, ``bars_``, ``gap_`` and
            ``worst_class_`` set.
        """
        for metric in [gap_metric, *(metrics or [])]:
            if metric not in _METRICS:
                raise ValueError(
                    f"metric {metric!r} is not plotted by ClassGapDisplay; use one "
                    f"of {list(_METRICS)}."
                )
        models = self._models()
        if metrics is None:
            metrics = list(_METRICS) if len(models) == 1 else [gap_metric]
        classes = list(self.scores.index)
        if len(models) == 2 and list(models[1][1].index) != classes:
            raise ValueError(
                "other_scores must have the same classes in the same order as "
                f"scores; got {list(models[1][1].index)!r} and {classes!r}."
            )
        plt = require_pyplot("ClassGapDisplay.plot")
        ax = axes_or_new(
            ax,
            "ClassGapDisplay.plot",
            (max(6.0, 0.75 * len(classes) + 3) + 1.5, 4.2),
        )
        series = [(model, metric) for model, _ in models for metric in metrics]
        width = 0.8 / len(series)
        x = np.arange(len(classes))
        cmap = plt.get_cmap("tab20c")
        # one hue per model (blue, orange), one shade per metric
        palette = {
            (model, metric): cmap(4 * m + k)
            for m, (model, _) in enumerate(models)
            for k, metric in enumerate(metrics)
        }
        self.bars_ = {}
        for i, (model, metric) in enumerate(series):
            values = dict(models)[model][metric].to_numpy(dtype=float)
            label = (
                _LABELS[metric] if len(models) == 1 else f"{model}: {_LABELS[metric]}"
            )
            self.bars_[(model, metric)] = ax.bar(
                x + (i - (len(series) - 1) / 2) * width,
                values,
                width,
                label=label,
                color=palette[(model, metric)],
                edgecolor="white",
                linewidth=0.5,
            )
        self.gap_, self.worst_class_ = {}, {}
        lows = []
        line_colors = ["#1f4e79", "#b35900"]
        for m, (model, frame) in enumerate(models):
            values = frame[gap_metric].to_numpy(dtype=float)
            hi, lo = np.nanmax(values), np.nanmin(values)
            worst = int(np.nanargmin(values))
            self.gap_[model] = float(hi - lo)
            # No worst class when every class scores the same.
            self.worst_class_[model] = classes[worst] if hi > lo else None
            lows.append(lo)
            color = line_colors[m]
            for level in (hi, lo):
                ax.axhline(level, color=color, linestyle="--", linewidth=1, alpha=0.8)
            x_arrow = len(classes) - 0.35 + 0.6 * m
            ax.annotate(
                "",
                xy=(x_arrow, lo),
                xytext=(x_arrow, hi),
                arrowprops={"arrowstyle": "<->", "color": color, "linewidth": 1.5},
            )
            if len(models) == 1:
                # two models: the gaps are in the legend (texts would collide)
                text = f"{_LABELS[gap_metric]} gap\n{hi - lo:.3f}\n" + (
                    textwrap.fill(f"worst: {classes[worst]}", _NOTE_WIDTH)
                    if hi > lo
                    else "all classes\nequal"
                )
                ax.text(
                    x_arrow + 0.06,
                    (hi + lo) / 2,
                    text,
                    color=color,
                    fontsize=8,
                    va="center",
                    ha="left",
                )
        if len(models) == 2:
            for model, _ in models:
                if (model, gap_metric) in self.bars_:
                    worst = self.worst_class_[model]
                    self.bars_[(model, gap_metric)].set_label(
                        f"{model}: {_LABELS[gap_metric]} (gap {self.gap_[model]:.3f}, "
                        + (f"worst {worst})" if worst is not None else "all equal)")
                    )
        all_values = np.concatenate(
            [
                frame[metric].to_numpy(dtype=float)
                for _, frame in models
                for metric in metrics
            ]
        )
        bottom = max(0.0, np.floor((np.nanmin(all_values) - 0.05) * 10) / 10)
        ax.set_ylim(bottom, 1.02)
        ax.set_xlim(-0.6, len(classes) + 0.6 + 0.6 * (len(models) - 1))
        ax.set_xticks(x)
        names = [str(c) for c in classes]
        ax.set_xticklabels(names)
        if len(classes) > _MAX_LEVEL_TICKS or any(
            len(name) > _TICK_WIDTH for name in names
        ):
            # turned labels, anchored at their end, never overlap their neighbours
            for tick in ax.get_xticklabels():
                tick.set_rotation(30)
                tick.set_horizontalalignment("right")
                tick.set_rotation_mode("anchor")
        worst_labels = {str(c) for c in self.worst_class_.values() if c is not None}
        for tick, name in zip(ax.get_xticklabels(), names, strict=True):
            if name in worst_labels:
                tick.set_color("#c00000")
                tick.set_fontweight("bold")
        ax.set_xlabel("class (worst in red)" if worst_labels else "class")
        ax.set_ylabel(
            "score" + (f" (axis starts at {bottom:.1f})" if bottom > 0 else "")
        )
        if title is None:
            if len(models) == 1:
                model = models[0][0]
                worst = self.worst_class_[model]
                title = (
                    f"Per-class scores of {model}: {_LABELS[gap_metric]} gap "
                    f"{self.gap_[model]:.3f}, "
                    + (f"worst class {worst}" if worst is not None else "all equal")
                )
            else:
                title = (
                    f"Per-class {_LABELS[gap_metric]}: {models[0][0]} vs {models[1][0]}"
                )
        ax.set_title(title, fontsize=10)
        # Right of the axes, labels wrapped: never over the bars or the gap
        # arrows, never across the tick labels.
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(
            handles,
            [textwrap.fill(label, _LEGEND_WIDTH) for label in labels],
            fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
        )
        ax.grid(axis="y", alpha=0.3)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    @_docs
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        y_pred_other=None,
        labels=None,
        sample_weight=None,
        name=None,
        other_name=None,
        ax=None,
        metrics=None,
        gap_metric="recall",
    ):
        """Plot per-class scores of predicted labels (and optionally a second model's).

        Parameters
        ----------
        {y_true_y_pred}
        y_pred_other : array-like of shape (n_samples,), default=None
            Predictions of a second model, drawn beside the first.
        labels : array-like, default=None
            Classes to show, in this order; by default the sorted classes of
            ``y_true``.
        {metric_sample_weight}
        name : str, default=None
            Name of the first model.
        {display_options}
        """
        require_pyplot("ClassGapDisplay.from_predictions")
        labels = np.unique(np.asarray(y_true)) if labels is None else labels

        def report(pred):
            return per_class_report(
                y_true,
                pred,
                labels=labels,
                sample_weight=sample_weight,
                zero_division=0.0,
            )

        other = None if y_pred_other is None else report(y_pred_other)
        display = cls(
            report(y_pred), name=name, other_scores=other, other_name=other_name
        )
        return display.plot(ax=ax, metrics=metrics, gap_metric=gap_metric)

    @classmethod
    @_docs
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        other_estimator=None,
        labels=None,
        sample_weight=None,
        name=None,
        other_name=None,
        ax=None,
        metrics=None,
        gap_metric="recall",
    ):
        """Plot per-class scores of fitted estimators on ``X, y``.

        Parameters
        ----------
        estimator : fitted classifier
            Model whose ``predict`` is scored.
        X : array-like of shape (n_samples, n_features)
            Data, ideally held out.
        y : array-like of shape (n_samples,)
            True labels.
        other_estimator : fitted classifier, default=None
            A second model to compare.
        labels : array-like, default=None
            Classes to show, in this order.
        {metric_sample_weight}
        name : str, default=None
            Name of the first model; by default its class name (a Pipeline's
            final step).
        {display_options}
        """
        require_pyplot("ClassGapDisplay.from_estimator")
        other_pred = None
        if other_estimator is not None:
            other_pred = other_estimator.predict(X)
            other_name = other_name or _estimator_name(other_estimator)
        return cls.from_predictions(
            y,
            estimator.predict(X),
            y_pred_other=other_pred,
            labels=labels,
            sample_weight=sample_weight,
            name=name or _estimator_name(estimator),
            other_name=other_name,
            ax=ax,
            metrics=metrics,
            gap_metric=gap_metric,
        )
