"""Under-samplers and cleaners with the imbalanced-learn sampler contract.

- :class:`RandomUnderSampler`: keep a random subset of the reduced classes.

Every sampler records which input row each output row is
(``sample_indices_``), so that :class:`skclassgap.compose.ResampledClassifier`
carries ``sample_weight`` and other per-row metadata through the resampling.
"""

from skclassgap.under_sampling._random import RandomUnderSampler

__all__ = [
    "RandomUnderSampler",
]
