import numpy as np
import pandas as pd
import pytest

from skclassgap.cost_sensitive._cost_matrix import check_cost_matrix, cost_class_weights

CLASSES = np.array(["a", "b", "c"])
ARRAY = np.array([[0.0, 1.0, 2.0], [3.0, 0.5, 4.0], [5.0, 6.0, 0.0]])


def test_check_cost_matrix_formats_agree():
    """Check that an array, a shuffled DataFrame and a dict of dicts give one matrix."""
    frame = pd.DataFrame(ARRAY, index=CLASSES, columns=CLASSES).loc[
        ["c", "a", "b"], ["b", "c", "a"]
    ]
    nested = {
        t: {p: ARRAY[i, j] for j, p in enumerate(CLASSES) if (i != j or ARRAY[i, j])}
        for i, t in enumerate(CLASSES)
    }
    for given in (ARRAY, ARRAY.tolist(), frame, nested):
        result = check_cost_matrix(given, CLASSES)
        assert result.dtype == np.float64 and result.flags.c_contiguous
        np.testing.assert_array_equal(result, ARRAY)


def test_check_cost_matrix_dict_missing_diagonal_is_zero():
    """Check that a dict of dicts without diagonal entries gets zero diagonal costs."""
    result = check_cost_matrix({0: {1: 5}, 1: {0: 2}}, np.array([0, 1]))
    np.testing.assert_array_equal(result, [[0, 5], [2, 0]])


@pytest.mark.parametrize(
    "cost, error, match",
    [
        (np.ones((2, 3)), ValueError, r"square 2-d array.*got shape \(2, 3\)"),
        (np.ones(3), ValueError, r"square 2-d array.*got shape \(3,\)"),
        (
            np.ones((2, 2)),
            ValueError,
            r"shape \(2, 2\) but there are 3 classes \['a', 'b', 'c'\]",
        ),
        (
            np.array([["x"] * 3] * 3),
            TypeError,
            "must hold numbers; got an array of dtype <U1",
        ),
        (np.where(np.eye(3), 0, np.nan), ValueError, "NaN or infinity"),
        (np.where(np.eye(3), 0, np.inf), ValueError, "NaN or infinity"),
        (-np.ones((3, 3)), ValueError, r"negative costs \(min -1.0\)"),
        (
            pd.DataFrame(ARRAY, index=["a", "b", "z"], columns=CLASSES),
            ValueError,
            r"row labels \['z'\] are not classes",
        ),
        (
            pd.DataFrame(ARRAY[:, :2], index=CLASSES, columns=["a", "b"]),
            ValueError,
            r"no column for classes \['c'\]",
        ),
        (
            pd.DataFrame(ARRAY, index=["a", "a", "b"], columns=CLASSES),
            ValueError,
            "repeats row labels",
        ),
        (
            {"a": {"b": 1, "c": 1}, "b": {"a": 1, "c": 1}},
            ValueError,
            r"no row for classes \['c'\]",
        ),
        (
            {"a": {"b": 1, "c": 1}, "b": {"a": 1, "c": 1}, "c": {"a": 1}},
            ValueError,
            r"no cost for the \(true, predicted\) pairs \[\('c', 'b'\)\]",
        ),
        (
            {"a": {"b": 1, "c": 1}, "b": {"a": 1, "c": 1}, "c": {"a": 1, "x": 1}},
            ValueError,
            r"column labels \['x'\] are not classes",
        ),
        (
            {"a": {"b": 1, "c": 1}, "b": {"a": 1, "c": 1}, "c": [1, 1]},
            TypeError,
            "the value for class 'c' is a list",
        ),
        (
            {"a": {"b": "1", "c": 1}, "b": {"a": 1, "c": 1}, "c": {"a": 1, "b": 1}},
            TypeError,
            r"cost_matrix\['a'\]\['b'\] must be a number; got '1'",
        ),
    ],
)
def test_check_cost_matrix_rejects_bad_input(cost, error, match):
    """Check that malformed cost matrices are rejected naming what was received."""
    with pytest.raises(error, match=match):
        check_cost_matrix(cost, CLASSES)


@pytest.mark.parametrize(
    "cost, expected",
    [
        ([[0, 1], [10, 0]], [1, 10]),  # binary, zero diagonal: Elkan's weights
        ([[1, 3], [10, 2]], [2, 8]),  # binary: regret over the diagonal
        ([[0, 1, 3], [2, 0, 2], [4, 4, 0]], [2, 2, 4]),  # mean off-diagonal regret
        ([[5, 1], [1, 0]], [0, 1]),  # negative regret clipped at 0
    ],
)
def test_cost_class_weights_rule(cost, expected):
    """Check the documented rule w_i = mean_{j != i} (C[i, j] - C[i, i]),
    clipped at 0."""
    np.testing.assert_allclose(
        cost_class_weights(np.asarray(cost, dtype=float)), expected
    )
