"""Figures of per-class performance, class spectra and tuned thresholds.

matplotlib is an optional dependency (``pip install 'skclassgap[plot]'``):
this module imports without it, and the ``plot`` / ``from_*`` methods raise an
ImportError that says how to install it. The displays follow scikit-learn's
conventions: ``from_estimator`` / ``from_predictions`` / ``from_data`` compute
and plot, ``plot(ax=...)`` draws on given axes, and the fitted display keeps
``ax_`` and ``figure_``.
"""

from skclassgap.plotting._class_gap import ClassGapDisplay
from skclassgap.plotting._spectrum import SpectrumDisplay
from skclassgap.plotting._subclass import SubclassDisplay
from skclassgap.plotting._threshold import ThresholdCurveDisplay

__all__ = [
    "ClassGapDisplay",
    "SpectrumDisplay",
    "SubclassDisplay",
    "ThresholdCurveDisplay",
]
