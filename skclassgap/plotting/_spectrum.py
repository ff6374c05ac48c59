"""SpectrumDisplay: per-class covariance eigenvalue spectra on log-log axes."""

import numpy as np
from sklearn.covariance import ledoit_wolf
from sklearn.utils.validation import check_array, check_X_y

from skclassgap.plotting._base import axes_or_new, class_colors, require_pyplot

# Eigenvalues below this fraction of a class's largest one are not drawn (a
# log axis cannot show the zeros of a rank-deficient covariance).
_RELATIVE_FLOOR = 1e-10


def _numpy_spectra(X, y, shrinkage):
    """Classes, counts and descending eigenvalues of each class covariance (NumPy).

    The covariance of class ``c`` is the maximum-likelihood one (divided by
    ``n_c``), optionally shrunk toward ``(tr S / d) I`` by a fixed coefficient
    or by Ledoit-Wolf, as ``skclassgap.spectral.class_spectra`` defines it.
    """
    classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    eigenvalues = np.empty((len(classes), X.shape[1]))
    for k in range(len(classes)):
        rows = X[codes == k]
        if shrinkage == "ledoit_wolf":
            cov = ledoit_wolf(rows)[0]
        else:
            centred = rows - rows.mean(axis=0)
            cov = centred.T @ centred / len(rows)
            if shrinkage:
                mu = np.trace(cov) / cov.shape[0]
                cov = (1 - shrinkage) * cov + shrinkage * mu * np.eye(cov.shape[0])
        eigenvalues[k] = np.linalg.eigvalsh(cov)[::-1]
    return classes, counts, eigenvalues


def _spectra(X, y, shrinkage):
    """Use ``skclassgap.spectral.class_spectra`` when installed, else NumPy."""
    try:
        from skclassgap.spectral import class_spectra
    except ImportError:
        return _numpy_spectra(X, y, shrinkage)
    spectra = class_spectra(X, y, shrinkage=shrinkage)
    return spectra.classes, spectra.counts, np.asarray(spectra.eigenvalues, dtype=float)


class SpectrumDisplay:
    """Eigenvalue spectra of each class's feature covariance, on log-log axes.

    Classes with equal counts can still get very different accuracy when their
    covariance spectra differ (spectral imbalance, Kaushik et al., 2024): a
    class whose variance is spread over many directions (a flat spectrum) is
    harder for a linear head than one concentrated in a few. Each line is one
    class: eigenvalue against its rank, both on log scales, where a power-law
    decay is a straight line.

    Create it with :meth:`from_data`; the constructor takes precomputed spectra.

    Parameters
    ----------
    eigenvalues : array-like of shape (n_classes, n_features)
        Eigenvalues of each class covariance, in descending order.
    classes : array-like of shape (n_classes,)
        Class labels of the rows of ``eigenvalues``.
    counts : array-like of shape (n_classes,), default=None
        Rows per class, shown in the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the spectra.
    figure_ : matplotlib Figure
        Figure holding the axes.
    lines_ : dict
        ``class label -> Line2D``.

    See Also
    --------
    skclassgap.spectral.class_spectra : The spectra, with means and covariances.
    ClassGapDisplay : Which classes the model serves worst.

    References
    ----------
    .. [1] Kaushik et al., "Balanced Data, Imbalanced Spectra: Unveiling Class
       Disparities with Spectral Imbalance", ICML 2024, arXiv:2402.11742.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skclassgap.plotting import SpectrumDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> display = SpectrumDisplay.from_data(X, y, highlight=[8])
    >>> display.eigenvalues.shape
    (10, 64)
    >>> bool((display.eigenvalues[:, :-1] >= display.eigenvalues[:, 1:]).all())
    True
    """

    def __init__(self, eigenvalues, *, classes, counts=None):
        self.eigenvalues = eigenvalues
        self.classes = classes
        self.counts = counts

    def plot(self, ax=None, *, highlight=None, normalize=False, title=None):
        """Draw one line per class.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        highlight : list of labels, default=None
            Classes drawn thick; the others thin and lighter.
        normalize : bool, default=False
            Divide each spectrum by its sum (the class's total variance), so
            that lines compare shapes (how spread the variance is), not scales.
        title : str, default=None
            Axes title.

        Returns
        -------
        display : SpectrumDisplay
            The display, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        ax = axes_or_new(ax, "SpectrumDisplay.plot", (6.4, 4.4))
        eigenvalues = np.asarray(self.eigenvalues, dtype=float)
        classes = list(self.classes)
        highlight = set() if highlight is None else {str(c) for c in highlight}
        colors = class_colors(len(classes))
        self.lines_ = {}
        for k, label in enumerate(classes):
            values = eigenvalues[k]
            if normalize:
                values = values / values.sum()
            keep = values > values[0] * _RELATIVE_FLOOR
            ranks = np.arange(1, len(values) + 1)[keep]
            strong = not highlight or str(label) in highlight
            legend = f"class {label}"
            if self.counts is not None:
                legend += f" (n={int(self.counts[k])})"
            (self.lines_[label],) = ax.plot(
                ranks,
                values[keep],
                color=colors[k],
                label=legend,
                linewidth=2.4 if strong and highlight else 1.4,
                alpha=1.0 if strong else 0.35,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("eigenvalue rank")
        ax.set_ylabel(
            "share of class variance" if normalize else "eigenvalue (variance)"
        )
        ax.set_title(title or "Per-class covariance spectra", fontsize=10)
        ax.grid(which="major", alpha=0.3)
        ax.legend(fontsize=7, ncol=2 if len(classes) > 5 else 1, loc="lower left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_data(
        cls,
        X,
        y,
        *,
        shrinkage=None,
        ax=None,
        highlight=None,
        normalize=False,
        title=None,
    ):
        """Compute each class's covariance spectrum and plot it.

        Uses :func:`skclassgap.spectral.class_spectra` when
        :mod:`skclassgap.spectral` is installed, else the same definition
        computed with NumPy (``numpy.linalg.eigvalsh`` of each class's
        maximum-likelihood covariance).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features (e.g. frozen embeddings or preprocessed columns).
        y : array-like of shape (n_samples,)
            Class labels; every class needs at least 2 rows.
        shrinkage : None, "ledoit_wolf" or float in [0, 1], default=None
            Covariance shrinkage toward ``(tr S / d) I``.
        ax : matplotlib Axes, default=None
            Axes to draw on.
        highlight : list of labels, default=None
            Classes drawn thick.
        normalize : bool, default=False
            Divide each spectrum by its sum.
        title : str, default=None
            Axes title.

        Returns
        -------
        display : SpectrumDisplay
            The plotted display.
        """
        require_pyplot("SpectrumDisplay.from_data")
        X, y = check_X_y(X, y, dtype=np.float64)
        X = check_array(X, dtype=np.float64)
        _, counts = np.unique(y, return_counts=True)
        if counts.min() < 2:
            raise ValueError(
                f"every class needs at least 2 rows for a covariance; the smallest "
                f"class has {counts.min()}."
            )
        classes, counts, eigenvalues = _spectra(X, y, shrinkage)
        display = cls(eigenvalues, classes=classes, counts=counts)
        return display.plot(
            ax=ax, highlight=highlight, normalize=normalize, title=title
        )
