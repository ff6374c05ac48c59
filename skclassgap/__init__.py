"""Measure and close per-class performance gaps of scikit-learn classifiers.

Subpackages are imported on first use, so ``import skclassgap`` stays cheap:

- :mod:`skclassgap.metrics`: per-class reports, class gap, worst class, g-mean,
  macro F1, prediction bias and their scorers.
- :mod:`skclassgap.under_sampling`: random under-sampling and the cleaning
  samplers (Tomek links, edited nearest neighbours, ...).
- :mod:`skclassgap.combine`: over-sampling followed by cleaning (SMOTEENN,
  SMOTETomek).
- :mod:`skclassgap.ensemble`: balanced bagging, random forest, EasyEnsemble,
  RUSBoost and self-paced ensembles, with probabilities under the original
  prior on request.
- :mod:`skclassgap.datasets`: generators and the embedded audit data set.
- :mod:`skclassgap.subclass`: sub-populations a model fails inside a class.
- :mod:`skclassgap.cli`: the ``skclassgap`` command line.
"""

import importlib

__version__ = "0.1.0.dev0"

_SUBMODULES = [
    "cli",
    "combine",
    "compose",
    "cost_sensitive",
    "datasets",
    "ensemble",
    "metrics",
    "over_sampling",
    "plotting",
    "spectral",
    "spurious",
    "subclass",
    "threshold",
    "under_sampling",
    "utils",
]

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"skclassgap.{name}")
    raise AttributeError(f"module 'skclassgap' has no attribute {name!r}")


def __dir__():
    return __all__
