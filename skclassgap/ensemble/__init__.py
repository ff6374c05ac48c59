"""Resampling ensembles, with probabilities under the original prior on request.

- :class:`BalancedBaggingClassifier`: bagging whose members resample their
  drawn rows (any sampler, any estimator).
- :class:`EasyEnsembleClassifier`: AdaBoost learners on balanced subsets.
- :class:`BalancedRandomForestClassifier`: a random forest whose trees grow
  on balanced samples.
- :class:`RUSBoostClassifier`: SAMME boosting with random under-sampling in
  every round.
- :class:`SelfPacedEnsembleClassifier`: members on under-samples harmonised
  by hardness with a self-paced factor (Liu et al., ICDE 2020).

Every ensemble carries ``sample_weight`` through its members' samplers,
routes metadata, fits members in parallel with one BLAS/OpenMP thread each,
and with ``proba_prior="original"`` moves each member's probabilities from
the prior it was fitted on back to the training data's.
"""

from skclassgap.ensemble._bagging import BalancedBaggingClassifier
from skclassgap.ensemble._easy_ensemble import EasyEnsembleClassifier
from skclassgap.ensemble._forest import BalancedRandomForestClassifier
from skclassgap.ensemble._rus_boost import RUSBoostClassifier
from skclassgap.ensemble._self_paced import SelfPacedEnsembleClassifier

__all__ = [
    "BalancedBaggingClassifier",
    "BalancedRandomForestClassifier",
    "EasyEnsembleClassifier",
    "RUSBoostClassifier",
    "SelfPacedEnsembleClassifier",
]
