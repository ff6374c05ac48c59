"""Tests of joint label encoding."""

import numpy as np
import pandas as pd
import pytest

from skclassgap.utils._labels import _MAX_DENSE_RANGE, encode_label_pair


def _decode(enc):
    return enc.values[enc.codes_true - enc.offset], enc.values[
        enc.codes_pred - enc.offset
    ]


@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        (np.array([3, 1, 2]), np.array([1, 1, 5])),
        (np.array([True, False]), np.array([False, False])),
        (np.array(["b", "a"]), np.array(["c", "a"])),
        (np.array([2.0, 1.0]), np.array([1.0, 7.0])),
        (np.array([0, 10**9]), np.array([10**9, -5])),
        (pd.Series(["x", "y"], dtype="string"), pd.Series(["y", "z"], dtype="string")),
        (
            pd.Categorical(["p", "q"], categories=["q", "p"]),
            pd.Categorical(["q", "q"], categories=["q", "p"]),
        ),
    ],
)
def test_encode_label_pair_round_trips(y_true, y_pred):
    """Check that decoding the codes gives back the labels, with sorted values."""
    enc = encode_label_pair(y_true, y_pred)
    t, p = _decode(enc)
    np.testing.assert_array_equal(t, np.asarray(y_true))
    np.testing.assert_array_equal(p, np.asarray(y_pred))
    present = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    assert set(present.tolist()) <= set(enc.values.tolist())
    assert list(enc.values) == sorted(enc.values)


def test_encode_label_pair_integer_path_copies_nothing():
    """Check that small-range integer labels are used in place, with an offset."""
    y_true = np.array([7, 8, 9], dtype=np.int64)
    y_pred = np.array([9, 9, 7], dtype=np.int64)
    enc = encode_label_pair(y_true, y_pred)
    assert enc.codes_true is y_true and enc.offset == 7
    np.testing.assert_array_equal(enc.values, [7, 8, 9])


def test_encode_label_pair_wide_range_falls_back_to_hashing():
    """Check that a range wider than the dense limit yields only present values."""
    y = np.array([0, _MAX_DENSE_RANGE * 10])
    enc = encode_label_pair(y, y)
    np.testing.assert_array_equal(enc.values, y)
    assert enc.offset == 0


def test_encode_label_pair_keeps_float_label_dtype():
    """Check that float labels come back as floats (as sklearn reports them)."""
    enc = encode_label_pair(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    assert enc.values.dtype.kind == "f"
