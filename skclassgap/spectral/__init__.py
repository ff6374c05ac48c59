"""Spectral imbalance: per-class covariance spectra, Gaussian-mixture theory, balancing.

Classes with equal counts can still get very different accuracy when their
class-conditional feature covariances have different eigenvalue spectra
(Kaushik et al., "Balanced Data, Imbalanced Spectra", ICML 2024,
arXiv:2402.11742). This subpackage measures those spectra in one pass over the
data, predicts per-class errors of a linear rule from class Gaussians, and
offers a whitening transformer that evens the spectra out. The summaries and
the transformer are our own reading of the idea; the paper's exact formulas
were not verified against its text.
"""

from skclassgap.spectral._balancer import SpectralBalancer
from skclassgap.spectral._class_spectra import ClassSpectra, class_spectra
from skclassgap.spectral._gaussian import (
    GaussianClassErrors,
    gaussian_class_errors,
    predicted_class_errors,
)
from skclassgap.spectral._imbalance import (
    spectral_error_correlation,
    spectral_imbalance,
)
from skclassgap.spectral._moments import ClassMoments

__all__ = [
    "ClassMoments",
    "ClassSpectra",
    "GaussianClassErrors",
    "SpectralBalancer",
    "class_spectra",
    "gaussian_class_errors",
    "predicted_class_errors",
    "spectral_error_correlation",
    "spectral_imbalance",
]
