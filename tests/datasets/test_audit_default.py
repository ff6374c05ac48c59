"""Tests of the embedded audit data set."""

import numpy as np
from sklearn.datasets import load_digits

from skclassgap.datasets import load_audit_default
from skclassgap.datasets._audit_default import RARE_CLASS_ROWS


def test_load_audit_default_subsamples_rare_classes_deterministically():
    """Check class counts, that kept rows are the first rows of each class, and no
    NaN."""
    data = load_audit_default()
    counts = data.target.value_counts()
    digits = load_digits()
    for label in range(10):
        full = np.flatnonzero(digits.target == label)
        expected = RARE_CLASS_ROWS.get(label, len(full))
        assert counts[label] == expected
        kept = data.data.to_numpy()[data.target.to_numpy() == label]
        np.testing.assert_array_equal(kept, digits.data[full[:expected]])
    assert data.frame.shape == (len(data.target), 65)


def test_load_audit_default_as_arrays():
    """Check that as_frame=False returns NumPy arrays equal to the frame version."""
    frame, arrays = load_audit_default(), load_audit_default(as_frame=False)
    assert isinstance(arrays.data, np.ndarray) and arrays.frame is None
    np.testing.assert_array_equal(arrays.data, frame.data.to_numpy())
    np.testing.assert_array_equal(arrays.target, frame.target.to_numpy())
