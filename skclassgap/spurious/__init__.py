"""Spurious cues: spuriosity ranking within class, the spurious gap, mitigation.

Follows Moayeri et al., "Spuriosity Rankings: Sorting Data to Measure and
Mitigate Biases" (NeurIPS 2023, arXiv:2212.02648): rank each class's rows by
how strongly the class's spurious features are present, measure bias as the
accuracy gap between the most and the least spurious rows, and reduce it by
refitting only the final (linear) step on low-spuriosity rows.
"""

from skclassgap.spurious._importance import per_class_feature_importance
from skclassgap.spurious._refit import LowSpuriosityRefit
from skclassgap.spurious._spuriosity import spuriosity_scores, spurious_gap

__all__ = [
    "LowSpuriosityRefit",
    "per_class_feature_importance",
    "spuriosity_scores",
    "spurious_gap",
]
