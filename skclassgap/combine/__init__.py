"""Over-sampling followed by cleaning.

- :class:`CleanedOverSampler`: any over-sampler, then any cleaner.
- :class:`SMOTEENN`: SMOTE, then edited nearest neighbours.
- :class:`SMOTETomek`: SMOTE, then Tomek links.

The kept rows record where they come from (``sample_indices_``, and
``parents_``, ``neighbors_``, ``gaps_`` for the synthetic rows kept), so that
:class:`skclassgap.compose.ResampledClassifier` carries ``sample_weight``
through the combination.
"""

from skclassgap.combine._cleaned import CleanedOverSampler
from skclassgap.combine._smote_clean import SMOTEENN, SMOTETomek

__all__ = ["CleanedOverSampler", "SMOTEENN", "SMOTETomek"]
