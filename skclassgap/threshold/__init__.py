"""Decision rules tuned after training: thresholds, per-class offsets, prior shifts.

- :class:`ThresholdCalibrator` tunes a binary threshold (exact optimum over
  every out-of-fold score) or multiclass per-class offsets (coordinate ascent
  of exact one-dimensional sweeps) for a label objective such as the g-mean.
- :class:`LogitAdjustedClassifier` corrects ``predict_proba`` decisions for a
  change of class priors (post-hoc logit adjustment).
"""

from skclassgap.threshold._calibrator import ThresholdCalibrator
from skclassgap.threshold._logit_adjust import LogitAdjustedClassifier

__all__ = ["LogitAdjustedClassifier", "ThresholdCalibrator"]
