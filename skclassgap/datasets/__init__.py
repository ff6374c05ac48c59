"""Data sets.

Generators that reproduce each class-gap mechanism, and the embedded data sets
of the audit.
"""

from skclassgap.datasets._abalone import load_abalone19
from skclassgap.datasets._audit_default import load_audit_default
from skclassgap.datasets._majority_minority import make_majority_minority
from skclassgap.datasets._spectral_mixture import make_spectral_mixture
from skclassgap.datasets._spurious import make_spurious_classification
from skclassgap.datasets._subclass import make_subclass_classification

__all__ = [
    "load_abalone19",
    "load_audit_default",
    "make_majority_minority",
    "make_spectral_mixture",
    "make_spurious_classification",
    "make_subclass_classification",
]
