"""Data sets: generators that reproduce each class-gap mechanism, and the audit default."""

from skclassgap.datasets._audit_default import load_audit_default
from skclassgap.datasets._spectral_mixture import make_spectral_mixture

__all__ = ["load_audit_default", "make_spectral_mixture"]
