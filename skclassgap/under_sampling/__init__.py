"""Under-samplers and cleaners with the imbalanced-learn sampler contract.

- :class:`RandomUnderSampler`: keep a random subset of the reduced classes.
- :class:`TomekLinks`: remove the rows of Tomek links.
- :class:`EditedNearestNeighbours`, :class:`RepeatedEditedNearestNeighbours`,
  :class:`AllKNN`: remove rows whose nearest neighbours disagree with them.
- :class:`NeighbourhoodCleaningRule`: edited nearest neighbours, then the
  neighbours of misclassified minority rows.
- :class:`NearMiss`: keep the rows nearest to (or farthest from) the minority.
- :class:`CondensedNearestNeighbour`, :class:`OneSidedSelection`: keep the rows
  a nearest-neighbour rule on a small set gets wrong (then, for one-sided
  selection, remove Tomek links).
- :class:`InstanceHardnessThreshold`: keep the rows a classifier finds easiest.
- :class:`ClusterCentroids`: replace a class by k-means centroids.

The neighbour-based samplers find neighbours with the exact engine of
:mod:`skclassgap.over_sampling` (exact Euclidean order, ties to the lower
row index). Every sampler records which input row each output row is
(``sample_indices_``), so that :class:`skclassgap.compose.ResampledClassifier`
carries ``sample_weight`` and other per-row metadata through the resampling.
"""

from skclassgap.under_sampling._cluster_centroids import ClusterCentroids
from skclassgap.under_sampling._condensed import (
    CondensedNearestNeighbour,
    OneSidedSelection,
)
from skclassgap.under_sampling._edited import (
    AllKNN,
    EditedNearestNeighbours,
    RepeatedEditedNearestNeighbours,
)
from skclassgap.under_sampling._iht import InstanceHardnessThreshold
from skclassgap.under_sampling._ncr import NeighbourhoodCleaningRule
from skclassgap.under_sampling._nearmiss import NearMiss
from skclassgap.under_sampling._random import RandomUnderSampler
from skclassgap.under_sampling._tomek import TomekLinks

__all__ = [
    "AllKNN",
    "ClusterCentroids",
    "CondensedNearestNeighbour",
    "EditedNearestNeighbours",
    "InstanceHardnessThreshold",
    "NearMiss",
    "NeighbourhoodCleaningRule",
    "OneSidedSelection",
    "RandomUnderSampler",
    "RepeatedEditedNearestNeighbours",
    "TomekLinks",
]
