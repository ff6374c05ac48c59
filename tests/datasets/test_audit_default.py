"""Tests of the embedded audit data sets."""

import gzip
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits

from skclassgap.datasets import load_abalone19, load_audit_default
from skclassgap.datasets._audit_default import AUDIT_DATASETS, RARE_CLASS_ROWS

MEASUREMENTS = [
    "Length",
    "Diameter",
    "Height",
    "Whole_weight",
    "Shucked_weight",
    "Viscera_weight",
    "Shell_weight",
]


def test_load_audit_default_digits_subsamples_rare_classes_deterministically():
    """Check class counts, that kept rows are the first rows of each class, and no
    NaN."""
    data = load_audit_default("digits")
    counts = data.target.value_counts()
    digits = load_digits()
    for label in range(10):
        full = np.flatnonzero(digits.target == label)
        expected = RARE_CLASS_ROWS.get(label, len(full))
        assert counts[label] == expected
        kept = data.data.to_numpy()[data.target.to_numpy() == label]
        np.testing.assert_array_equal(kept, digits.data[full[:expected]])
    assert data.frame.shape == (len(data.target), 65)


@pytest.mark.parametrize("name", list(AUDIT_DATASETS))
def test_load_audit_default_as_arrays(name):
    """Check that as_frame=False returns NumPy arrays equal to the frame version
    (categorical columns as their codes)."""
    frame, arrays = load_audit_default(name), load_audit_default(name, as_frame=False)
    assert isinstance(arrays.data, np.ndarray) and arrays.frame is None
    expected = frame.data.apply(
        lambda c: c.cat.codes if isinstance(c.dtype, pd.CategoricalDtype) else c
    )
    np.testing.assert_array_equal(arrays.data, expected.to_numpy(np.float64))
    np.testing.assert_array_equal(arrays.target, frame.target.to_numpy())


def test_load_audit_default_is_abalone19():
    """Check that the default data set is abalone19 and return_X_y gives its pair."""
    X, y = load_audit_default(return_X_y=True)
    expected_X, expected_y = load_abalone19(return_X_y=True)
    pd.testing.assert_frame_equal(X, expected_X)
    pd.testing.assert_series_equal(y, expected_y)
    assert list(AUDIT_DATASETS)[0] == "abalone19"


def test_load_audit_default_refuses_unknown_name():
    """Check that an unknown name is refused with the valid names."""
    with pytest.raises(ValueError, match=r"'name' parameter .* must be a str among"):
        load_audit_default("iris")


def test_load_abalone19_shape_dtypes_and_class_counts():
    """Check the shipped table: 4,174 rows, Sex categorical with F/I/M, seven float
    measurements, 32 rows of class '19', no missing value."""
    data = load_abalone19()
    X, y = data.data, data.target
    assert X.shape == (4174, 8)
    assert list(X.columns) == ["Sex", *MEASUREMENTS] == data.feature_names
    assert isinstance(X["Sex"].dtype, pd.CategoricalDtype)
    assert X["Sex"].cat.categories.tolist() == ["F", "I", "M"]
    assert X["Sex"].value_counts().to_dict() == {"M": 1526, "I": 1341, "F": 1307}
    assert (X[MEASUREMENTS].dtypes == np.float64).all()
    assert y.name == "rings"
    assert y.value_counts().to_dict() == {"other": 4142, "19": 32}
    assert not X.isna().any().any() and not y.isna().any()
    assert data.rare_classes == ["19"] and data.categorical_features == ["Sex"]
    assert data.frame.shape == (4174, 9)


def test_load_abalone19_values_match_the_file():
    """Check that every value is the one written in the compressed CSV (first row
    of the KEEL/UCI file: M, 0.455, 0.365, 0.095, 0.514, 0.2245, 0.101, 0.15)."""
    path = resources.files("skclassgap.datasets") / "data" / "abalone19.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert lines[0] == "Sex," + ",".join(MEASUREMENTS) + ",rings"
    assert lines[1] == "M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,other"
    X, y = load_abalone19(return_X_y=True)
    assert X.iloc[0, 1:].tolist() == [0.455, 0.365, 0.095, 0.514, 0.2245, 0.101, 0.15]
    assert y.iloc[9] == "19"  # the first rare row of the KEEL file
    assert len(lines) == 4175
