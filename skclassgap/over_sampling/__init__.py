"""Synthetic over-samplers with the imbalanced-learn sampler contract and provenance.

- :class:`SMOTE`: interpolate toward same-class nearest neighbours.
- :class:`BorderlineSMOTE`: SMOTE from the rows near the class border only.
- :class:`ADASYN`: more synthetic rows where other classes crowd the class.
- :class:`GaussianOverSampler`: draw from a Gaussian fitted to each class.
- :class:`SMOTENC`: SMOTE for tables of continuous and categorical columns.
- :class:`SMOTEN`: SMOTE for tables of categorical columns only.

Every sampler records, for every output row, which input rows it came from
(``sample_indices_``, ``parents_``, ``neighbors_``, ``gaps_``), so that
:class:`skclassgap.compose.ResampledClassifier` can carry ``sample_weight``
through the resampling.
"""

from skclassgap.over_sampling._adasyn import ADASYN
from skclassgap.over_sampling._borderline import BorderlineSMOTE
from skclassgap.over_sampling._gaussian import GaussianOverSampler
from skclassgap.over_sampling._smote import SMOTE
from skclassgap.over_sampling._smotenc import SMOTEN, SMOTENC

__all__ = [
    "ADASYN",
    "BorderlineSMOTE",
    "GaussianOverSampler",
    "SMOTE",
    "SMOTEN",
    "SMOTENC",
]
