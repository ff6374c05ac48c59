"""Data sets.

Generators that reproduce each class-gap mechanism, and the audit default.
"""

from skclassgap.datasets._audit_default import load_audit_default
from skclassgap.datasets._majority_minority import make_majority_minority
from skclassgap.datasets._spectral_mixture import make_spectral_mixture
from skclassgap.datasets._spurious import make_spurious_classification

__all__ = [
    "load_audit_default",
    "make_majority_minority",
    "make_spectral_mixture",
    "make_spurious_classification",
]
