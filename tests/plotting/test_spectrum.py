"""Tests of SpectrumDisplay."""

import numpy as np
import pytest
from sklearn.covariance import ledoit_wolf
from sklearn.datasets import load_digits

from skclassgap.plotting import SpectrumDisplay
from skclassgap.plotting._spectrum import _numpy_spectra


def _reference(X, y, shrinkage=None):
    out = []
    for label in np.unique(y):
        rows = X[y == label]
        if shrinkage == "ledoit_wolf":
            cov = ledoit_wolf(rows)[0]
        else:
            cov = np.cov(rows, rowvar=False, bias=True)
            if shrinkage:
                d = cov.shape[0]
                cov = (1 - shrinkage) * cov + shrinkage * np.trace(cov) / d * np.eye(d)
        out.append(np.sort(np.linalg.eigvalsh(cov))[::-1])
    return np.array(out)


@pytest.mark.parametrize("shrinkage", [None, 0.3, "ledoit_wolf"])
def test_spectrum_numpy_fallback_matches_eigvalsh(shrinkage):
    """Check the NumPy spectra against eigvalsh of np.cov (and Ledoit-Wolf) per
    class."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)) * [3, 2, 1, 0.5, 0.1]
    y = np.repeat([0, 1, 2], 20)
    classes, counts, eigenvalues = _numpy_spectra(X, y, shrinkage)
    np.testing.assert_array_equal(classes, [0, 1, 2])
    np.testing.assert_array_equal(counts, [20, 20, 20])
    np.testing.assert_allclose(
        eigenvalues, _reference(X, y, shrinkage), rtol=1e-10, atol=1e-12
    )


def test_spectrum_display_draws_positive_eigenvalues_by_rank():
    """Check that each line is its class's spectrum over ranks 1.., zeros left out."""
    X, y = load_digits(return_X_y=True)
    display = SpectrumDisplay.from_data(X, y)
    reference = _reference(X.astype(float), y)
    np.testing.assert_allclose(display.eigenvalues, reference, rtol=1e-8, atol=1e-8)
    line = display.lines_[3]
    kept = reference[3] > reference[3, 0] * 1e-10
    np.testing.assert_allclose(line.get_ydata(), reference[3][kept], rtol=1e-8)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 65)[kept])
    assert display.ax_.get_xscale() == "log" and display.ax_.get_yscale() == "log"
    assert line.get_label() == f"class 3 (n={int((y == 3).sum())})"


def test_spectrum_display_normalize_and_highlight():
    """Check that normalised lines sum to one and highlighted classes are thicker."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = np.repeat(["x", "y"], 20)
    display = SpectrumDisplay.from_data(X, y, normalize=True, highlight=["y"])
    assert display.lines_["x"].get_ydata().sum() == pytest.approx(1.0)
    assert display.lines_["y"].get_linewidth() > display.lines_["x"].get_linewidth()
    assert display.ax_.get_ylabel() == "share of class variance"


def test_spectrum_display_rejects_single_row_class():
    """Check that a class with one row is refused (no covariance)."""
    with pytest.raises(ValueError, match="at least 2 rows.*smallest class has 1"):
        SpectrumDisplay.from_data(np.ones((3, 2)), [0, 0, 1])
