"""SubclassDisplay: the worst sub-classes' recall beside their class's recall."""

import numpy as np

from skclassgap.plotting._base import axes_or_new
from skclassgap.subclass import subclass_report


class SubclassDisplay:
    """Horizontal bars of the worst sub-classes' recall, their class's recall marked.

    Each bar is one (class, sub-class) of
    :meth:`SubclassReport.worst_subclasses
    <skclassgap.subclass.SubclassReport.worst_subclasses>`, worst at the
    top; a black tick on it marks the recall of the whole class, so the
    distance from the bar's end to the tick is how much the class recall
    hides. Use :meth:`from_predictions` (discovery or known groups) or
    :meth:`from_report`.

    Parameters
    ----------
    worst : pandas.DataFrame
        The frame of ``SubclassReport.worst_subclasses(n)``: index ``(class,
        subclass)``, columns ``support``, ``recall`` and ``class_recall``.
    gap : float, default=None
        The sub-class gap, shown in the title when given.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        The bars, worst first.
    ax_ : matplotlib Axes
        Axes with the figure.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    skclassgap.subclass.subclass_report : The report the bars come from.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skclassgap.plotting import SubclassDisplay
    >>> display = SubclassDisplay.from_predictions(
    ...     [[0.0], [0.1], [5.0], [5.1], [0.0], [0.2]], [0, 0, 0, 0, 1, 1],
    ...     [0, 0, 1, 1, 1, 1], groups=["u", "u", "v", "v", "u", "u"])
    >>> [float(bar.get_width()) for bar in display.bars_]
    [0.0, 1.0, 1.0]
    """

    def __init__(self, worst, *, gap=None):
        self.worst = worst
        self.gap = gap

    @classmethod
    def from_report(cls, report, *, n=10, min_support=1, ax=None):
        """Plot the ``n`` worst sub-classes of a report.

        Parameters
        ----------
        report : SubclassReport
            What :func:`~skclassgap.subclass.subclass_report` returns.
        n : int, default=10
            Number of sub-classes shown.
        min_support : int, default=1
            Leave out sub-classes of fewer rows.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : SubclassDisplay
            The display, plotted.
        """
        worst = report.worst_subclasses(n, min_support=min_support)
        return cls(worst, gap=report.gap).plot(ax=ax)

    @classmethod
    def from_predictions(cls, X, y_true, y_pred, *, n=10, ax=None, **kwargs):
        """Run :func:`~skclassgap.subclass.subclass_report` and plot its worst.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows (or their representation) the sub-classes are found on.
        y_true : array-like of shape (n_samples,)
            True labels.
        y_pred : array-like of shape (n_samples,)
            Predicted labels.
        n : int, default=10
            Number of sub-classes shown.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        **kwargs : dict
            Passed to :func:`~skclassgap.subclass.subclass_report`
            (``groups``, ``random_state``, ...).

        Returns
        -------
        display : SubclassDisplay
            The display, plotted.
        """
        report = subclass_report(X, y_true, y_pred, **kwargs)
        return cls.from_report(report, n=n, ax=ax)

    def plot(self, ax=None, *, title=None):
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        title : str, default=None
            Title; by default it names the sub-class gap.

        Returns
        -------
        self : SubclassDisplay
            The display, with ``bars_``, ``ax_`` and ``figure_``.
        """
        worst = self.worst
        height = 0.6 + 0.35 * max(len(worst), 1)
        ax = axes_or_new(ax, "SubclassDisplay.plot", (6.0, height))
        positions = np.arange(len(worst))[::-1]
        labels = [
            f"class {c} / {s} (n={int(n)})"
            for (c, s), n in zip(worst.index, worst["support"], strict=True)
        ]
        self.bars_ = ax.barh(positions, worst["recall"], color="#c00000", alpha=0.8)
        ax.scatter(
            worst["class_recall"],
            positions,
            marker="|",
            s=300,
            color="black",
            label="recall of the whole class",
            zorder=3,
        )
        ax.set_yticks(positions, labels)
        ax.set_xlim(0, 1.02)
        ax.set_xlabel("recall of the sub-class")
        ax.legend(loc="lower right", fontsize="small")
        if title is None:
            title = "Worst sub-classes"
            if self.gap is not None:
                title += f" (sub-class gap {self.gap:.3f})"
        ax.set_title(title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self
