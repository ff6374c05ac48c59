"""ThresholdCurveDisplay: the objective of a tuned threshold, or per-class offsets."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skclassgap.plotting._base import axes_or_new, class_colors, require_pyplot


class ThresholdCurveDisplay:
    """What :class:`~skclassgap.threshold.ThresholdCalibrator` tuned, as a figure.

    - **binary**: the objective on the out-of-fold scores against every
      candidate threshold (a step curve), the tuned threshold and the default
      one (0.5 for probabilities, 0 for decision functions) as vertical lines;
    - **multiclass**: one bar per class with its additive offset; the title
      gives the objective before (zero offsets) and after tuning.

    Create it with :meth:`from_estimator`; the constructor takes the arrays.

    Parameters
    ----------
    thresholds : array-like of shape (n_candidates,), default=None
        Binary: candidate thresholds, increasing.
    objective_values : array-like of shape (n_candidates,), default=None
        Binary: objective at each candidate.
    threshold : float, default=None
        Binary: the tuned threshold.
    default_threshold : float, default=None
        Binary: the untuned threshold, drawn for reference.
    offsets : array-like of shape (n_classes,), default=None
        Multiclass: tuned per-class offsets.
    classes : array-like of shape (n_classes,), default=None
        Multiclass: class labels of ``offsets``.
    objective : str, default="objective"
        Name of the objective, for the labels.
    best_score : float, default=None
        Objective of the tuned rule.
    baseline_score : float, default=None
        Multiclass: objective with zero offsets.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curve or bars.
    figure_ : matplotlib Figure
        Figure holding the axes.
    curve_ : matplotlib Line2D or BarContainer
        The objective curve (binary) or the offset bars (multiclass).

    See Also
    --------
    skclassgap.threshold.ThresholdCalibrator : The estimator it shows.

    Notes
    -----
    :meth:`from_estimator` reads these fitted attributes of the calibrator:
    ``classes_``; binary: ``thresholds_``, ``objective_values_``,
    ``threshold_``, ``best_score_``; multiclass: ``offsets_``,
    ``best_score_`` and ``baseline_score_``; and ``objective``,
    ``response_method`` and ``estimator_`` to name the objective and to place
    the default threshold.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skclassgap.plotting import ThresholdCurveDisplay
    >>> display = ThresholdCurveDisplay(
    ...     thresholds=np.array([0.1, 0.3, 0.5, 0.7]),
    ...     objective_values=np.array([0.5, 0.8, 0.7, 0.6]),
    ...     threshold=0.3, default_threshold=0.5, objective="g_mean").plot()
    >>> display.ax_.get_xlabel()
    'threshold on the positive-class score'
    """

    def __init__(
        self,
        *,
        thresholds=None,
        objective_values=None,
        threshold=None,
        default_threshold=None,
        offsets=None,
        classes=None,
        objective="objective",
        best_score=None,
        baseline_score=None,
    ):
        self.thresholds = thresholds
        self.objective_values = objective_values
        self.threshold = threshold
        self.default_threshold = default_threshold
        self.offsets = offsets
        self.classes = classes
        self.objective = objective
        self.best_score = best_score
        self.baseline_score = baseline_score

    def plot(self, ax=None, *, title=None):
        """Draw the threshold curve (binary) or the offset bars (multiclass).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        title : str, default=None
            Axes title.

        Returns
        -------
        display : ThresholdCurveDisplay
            The display, with ``ax_``, ``figure_`` and ``curve_`` set.
        """
        if self.offsets is None and self.thresholds is None:
            raise ValueError(
                "ThresholdCurveDisplay needs thresholds and objective_values (binary) "
                "or offsets (multiclass); got neither."
            )
        ax = axes_or_new(ax, "ThresholdCurveDisplay.plot", (6.4, 4.0))
        if self.offsets is not None:
            self._plot_offsets(ax, title)
        else:
            self._plot_curve(ax, title)
        ax.grid(alpha=0.3)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _plot_curve(self, ax, title):
        thresholds = np.asarray(self.thresholds, dtype=float)
        values = np.asarray(self.objective_values, dtype=float)
        finite = np.isfinite(thresholds)
        (self.curve_,) = ax.plot(
            thresholds[finite],
            values[finite],
            drawstyle="steps-post",
            color="#1f77b4",
            label=self.objective,
        )
        if self.threshold is not None and np.isfinite(self.threshold):
            best = (
                ""
                if self.best_score is None
                else f", {self.objective} {self.best_score:.3f}"
            )
            ax.axvline(
                self.threshold,
                color="#c00000",
                linewidth=1.5,
                label=f"tuned threshold {self.threshold:.3g}{best}",
            )
        if self.default_threshold is not None:
            ax.axvline(
                self.default_threshold,
                color="grey",
                linestyle=":",
                linewidth=1.5,
                label=f"default threshold {self.default_threshold:g}",
            )
        ax.set_xlabel("threshold on the positive-class score")
        ax.set_ylabel(f"{self.objective} (out-of-fold)")
        ax.set_title(
            title or f"{self.objective} against the decision threshold", fontsize=10
        )
        ax.legend(fontsize=8, loc="best")

    def _plot_offsets(self, ax, title):
        offsets = np.asarray(self.offsets, dtype=float)
        classes = (
            list(range(len(offsets))) if self.classes is None else list(self.classes)
        )
        colors = class_colors(len(classes))
        self.curve_ = ax.bar(
            np.arange(len(classes)),
            offsets,
            color=colors,
            edgecolor="black",
            linewidth=0.5,
        )
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks(np.arange(len(classes)))
        ax.set_xticklabels([str(c) for c in classes])
        ax.set_xlabel("class")
        ax.set_ylabel("offset added to the class score")
        if title is None:
            title = "Tuned per-class offsets"
            if self.baseline_score is not None and self.best_score is not None:
                title += (
                    f" ({self.objective} {self.baseline_score:.3f} -> "
                    f"{self.best_score:.3f} out of fold)"
                )
        ax.set_title(title, fontsize=10)

    @classmethod
    def from_estimator(cls, calibrator, *, ax=None, title=None):
        """Plot what a fitted ``ThresholdCalibrator`` tuned.

        Parameters
        ----------
        calibrator : fitted ThresholdCalibrator
            Fitted calibrator (see Notes for the attributes read).
        ax : matplotlib Axes, default=None
            Axes to draw on.
        title : str, default=None
            Axes title.

        Returns
        -------
        display : ThresholdCurveDisplay
            The plotted display.
        """
        require_pyplot("ThresholdCurveDisplay.from_estimator")
        check_is_fitted(calibrator, "classes_")
        objective = calibrator.objective
        objective = (
            objective
            if isinstance(objective, str)
            else getattr(objective, "__name__", "objective")
        )
        if len(calibrator.classes_) == 2:
            method = getattr(calibrator, "response_method", "auto")
            if method == "auto":
                has_proba = hasattr(
                    getattr(calibrator, "estimator_", None), "predict_proba"
                )
                method = "predict_proba" if has_proba else "decision_function"
            display = cls(
                thresholds=calibrator.thresholds_,
                objective_values=calibrator.objective_values_,
                threshold=calibrator.threshold_,
                default_threshold=0.5 if method == "predict_proba" else 0.0,
                objective=objective,
                best_score=calibrator.best_score_,
            )
        else:
            display = cls(
                offsets=calibrator.offsets_,
                classes=calibrator.classes_,
                objective=objective,
                best_score=calibrator.best_score_,
                baseline_score=getattr(calibrator, "baseline_score_", None),
            )
        return display.plot(ax=ax, title=title)
