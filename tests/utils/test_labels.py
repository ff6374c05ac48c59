"""Tests of joint label encoding."""

import numpy as np
import pandas as pd
import pytest

from skclassgap._kernels._config import KERNEL_MIN_ROWS
from skclassgap.utils._labels import (
    _GUESS_RANGE,
    _MIN_DENSE_RANGE,
    encode_label_pair,
)

MIN_ROWS = KERNEL_MIN_ROWS["labels"]


def _decode(enc):
    return tuple(
        enc.values[np.asarray(codes, dtype=np.int64) - enc.offset]
        for codes in (enc.codes_true, enc.codes_pred)
    )


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
        (np.array([1e300, -1e300]), np.array([0.0, 1e300])),
        (np.array([-(2.0**63), 2.0**63]), np.array([0.0, -(2.0**63)])),
        (np.array([2**64 - 1, 5], dtype=np.uint64), np.array([0, 5], dtype=np.uint64)),
        (np.array([1, 2], dtype=np.int8), np.array([200, 2], dtype=np.uint8)),
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
    y = np.array([0, _MIN_DENSE_RANGE * 10])
    enc = encode_label_pair(y, y)
    np.testing.assert_array_equal(enc.values, y)
    assert enc.offset == 0


def test_encode_label_pair_keeps_float_label_dtype():
    """Check that float labels come back as floats (as sklearn reports them)."""
    enc = encode_label_pair(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    assert enc.values.dtype.kind == "f"


@pytest.mark.parametrize(
    "y",
    [
        np.array([1e300, 0.0, -3e300]),
        np.array([2.0**63, 0.0]),
        np.array([2**63, 0], dtype=np.uint64),
        np.array([3.0e38, 0.0], dtype=np.float32),
    ],
)
def test_encode_label_pair_factorises_labels_without_an_int64_code(y):
    """Check that labels no int64 code represents exactly are factorised (never
    cast to int64), keeping their dtype and one code per distinct label."""
    enc = encode_label_pair(y, y[::-1])
    assert enc.offset == 0 and enc.values.dtype == y.dtype
    np.testing.assert_array_equal(enc.values, np.sort(y))
    np.testing.assert_array_equal(_decode(enc)[0], y)


def test_encode_label_pair_reads_int64_edge_as_offset():
    """Check that -2**63 as a float has an exact int64 code (the offset path)."""
    y = np.array([-(2.0**63), -(2.0**63)])
    enc = encode_label_pair(y, y)
    assert enc.offset == -(2**63) and enc.values.dtype == np.float64
    np.testing.assert_array_equal(_decode(enc)[1], y)


@pytest.mark.parametrize("n, guessed", [(MIN_ROWS - 1, False), (MIN_ROWS, True)])
def test_encode_label_pair_guesses_only_for_kernel_sized_inputs(n, guessed):
    """Check that small inputs get their exact range (no kernel will check a guess)
    and large ones a guessed range around the first label."""
    y = np.full(n, 1000)
    enc = encode_label_pair(y, y, guess=True)
    assert enc.guessed is guessed
    assert len(enc.values) == (_GUESS_RANGE if guessed else 1)
