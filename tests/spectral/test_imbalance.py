import numpy as np
import pandas as pd
import pytest

from skclassgap.datasets import make_spectral_mixture
from skclassgap.spectral import (
    class_spectra,
    spectral_error_correlation,
    spectral_imbalance,
)
from skclassgap.spectral._imbalance import spectrum_summaries


def test_spectrum_summaries_hand_computed():
    """Check each summary on spectra whose values are known in closed form."""
    lam = np.array(
        [[4.0, 2.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 0.25, 1 / 9, 1 / 16]]
    )
    s = spectrum_summaries(lam, [100, 100, 100], top_k=2)
    np.testing.assert_allclose(s["trace"], [8.0, 4.0, lam[2].sum()])
    np.testing.assert_allclose(
        s["top_k_energy_share"], [0.75, 0.5, 1.25 / lam[2].sum()]
    )
    p = lam[0] / 8
    np.testing.assert_allclose(
        s["effective_rank"][:2], [np.exp(-(p * np.log(p)).sum()), 4.0]
    )
    np.testing.assert_allclose(s["decay_exponent"][1:], [0.0, 2.0], atol=1e-12)


def test_spectrum_summaries_window_and_zero_eigenvalues():
    """Check the decay window, zero eigenvalues ignored, and NaN with < 2 usable
    ranks."""
    lam = np.array([[1.0, 2.0**-3, 3.0**-3, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]])
    s = spectrum_summaries(lam, [50, 50], decay_window=(1, 5))
    np.testing.assert_allclose(s["decay_exponent"][0], 3.0)
    assert np.isnan(s["decay_exponent"][1])
    s = spectrum_summaries(lam, [3, 50])  # default window stops at rank n_c - 1 = 2
    np.testing.assert_allclose(s["decay_exponent"][0], 3.0)


def test_spectral_imbalance_per_class_matches_spectra():
    """Check that the table is built from class_spectra's eigenvalues, per class."""
    X, y = make_spectral_mixture(900, 6, 3, decays=[0.5, 1.0, 2.0], random_state=0)
    table = spectral_imbalance(X, y, top_k=2)
    lam = class_spectra(X, y).eigenvalues
    assert table.index.name == "class" and table.index.tolist() == [0, 1, 2]
    np.testing.assert_allclose(table["trace"], lam.sum(axis=1))
    np.testing.assert_allclose(
        table["top_k_energy_share"], lam[:, :2].sum(1) / lam.sum(1)
    )
    assert table["n_samples"].tolist() == [300, 300, 300]
    # slower decay: larger trace and effective rank, smaller exponent
    assert table["effective_rank"].is_monotonic_decreasing
    assert table["decay_exponent"].is_monotonic_increasing


def test_spectral_imbalance_spread_and_comparison():
    """Check the spread table and the multi-feature-set comparison."""
    X, y = make_spectral_mixture(900, 6, 3, random_state=0)
    per_class = spectral_imbalance(X, y)
    spread = spectral_imbalance(X, y, summary="spread")
    for name in ["trace", "effective_rank"]:
        v = per_class[name].to_numpy()
        assert spread.loc[name, "max_min_ratio"] == pytest.approx(v.max() / v.min())
        assert spread.loc[name, "cv"] == pytest.approx(v.std() / v.mean())
    both = spectral_imbalance({"a": X, "b": 2 * X}, y, summary="spread")
    assert both.index.names == ["feature_set", "measure"]
    # scaling all features by 2 multiplies traces by 4 but keeps their ratio
    assert both.loc[("b", "trace"), "max"] == pytest.approx(
        4 * both.loc[("a", "trace"), "max"]
    )
    assert both.loc[("b", "trace"), "cv"] == pytest.approx(
        both.loc[("a", "trace"), "cv"]
    )
    per = spectral_imbalance({"a": X, "b": X[:, :3]}, y)
    assert per.loc["b"].shape == (3, 5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"decay_window": (3, 2)}, "decay_window must be a pair"),
        ({"decay_window": (0, 2)}, "decay_window must be a pair"),
        ({"decay_window": (1, 2, 3)}, "decay_window must be a pair"),
    ],
)
def test_spectral_imbalance_bad_window(kwargs, match):
    """Check that bad decay windows are rejected with the value received."""
    X, y = make_spectral_mixture(90, 3, 3, random_state=0)
    with pytest.raises(ValueError, match=match):
        spectral_imbalance(X, y, **kwargs)


def test_spectral_imbalance_empty_dict():
    """Check that an empty dict of feature sets is rejected."""
    with pytest.raises(ValueError, match="empty dict"):
        spectral_imbalance({}, [0, 1])


def test_spectral_error_correlation_values():
    """Check rho against scipy-free hand values, Series alignment and constant
    columns."""
    measures = pd.DataFrame(
        {
            "a": [1.0, 2.0, 3.0, 4.0],
            "b": [4.0, 3.0, 2.0, 1.0],
            "n_samples": [5, 5, 5, 5],
        },
        index=["w", "x", "y", "z"],
    )
    errors = pd.Series([0.4, 0.3, 0.2, 0.1], index=["z", "y", "x", "w"])
    table = spectral_error_correlation(measures, errors)
    assert table.loc["a", "spearman_rho"] == pytest.approx(1.0)
    assert table.loc["b", "spearman_rho"] == pytest.approx(-1.0)
    assert np.isnan(table.loc["n_samples", "spearman_rho"])
    assert table["n_classes"].tolist() == [4, 4, 4]


@pytest.mark.parametrize(
    "errors, match",
    [
        ([0.1, 0.2], "errors has 2 values but measures has 3 classes"),
        (pd.Series([0.1, 0.2], index=[0, 1]), r"no value for the classes \[2\]"),
    ],
)
def test_spectral_error_correlation_bad_errors(errors, match):
    """Check that misaligned errors are rejected naming what is missing."""
    measures = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=match):
        spectral_error_correlation(measures, errors)
