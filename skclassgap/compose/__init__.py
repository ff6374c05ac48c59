"""Meta-estimators that compose samplers with classifiers.

- :class:`ResampledClassifier`: resample in ``fit`` only, carry
  ``sample_weight`` through the resampling, predict with the fitted classifier.
"""

from skclassgap.compose._resampled import ResampledClassifier

__all__ = ["ResampledClassifier"]
