"""Decision rules tuned after training: thresholds, per-class offsets, prior shifts.

- :class:`ThresholdCalibrator` tunes a binary threshold (exact optimum over
  every out-of-fold score) or multiclass per-class offsets (coordinate ascent
  of exact one-dimensional sweeps) for a label objective such as the g-mean.
- :class:`LogitAdjustedClassifier` corrects ``predict_proba`` decisions for a
  change of class priors (post-hoc logit adjustment).
- :class:`PriorShiftAdapter` and :func:`estimate_target_prior` estimate the
  class prior of unlabelled target data (EM or black-box shift estimation,
  on probabilities calibrated by bias-corrected temperature scaling) and
  decide under it.
"""

from skclassgap.threshold._calibrator import ThresholdCalibrator
from skclassgap.threshold._logit_adjust import LogitAdjustedClassifier
from skclassgap.threshold._prior_shift import PriorShiftAdapter, estimate_target_prior

__all__ = [
    "LogitAdjustedClassifier",
    "PriorShiftAdapter",
    "ThresholdCalibrator",
    "estimate_target_prior",
]
