import numpy as np
import pytest

from skclassgap._kernels.decision import _min_risk_argmin
from tests.naive import min_risk_naive

pytestmark = pytest.mark.kernel


@pytest.mark.parametrize("n_classes", [2, 3, 7])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_min_risk_argmin_matches_naive(n_classes, dtype):
    """Check that the kernel picks the same class as the naive Python loop."""
    rng = np.random.default_rng(n_classes)
    proba = rng.dirichlet(np.ones(n_classes), size=200).astype(dtype)
    cost = rng.uniform(0, 5, size=(n_classes, n_classes))
    np.testing.assert_array_equal(
        _min_risk_argmin(proba, cost), min_risk_naive(proba, cost)
    )


def test_min_risk_argmin_matches_numpy_argmin():
    """Check that the kernel equals NumPy's argmin(P @ C) on generic inputs."""
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(10), size=5000)
    cost = rng.uniform(0, 10, size=(10, 10))
    np.testing.assert_array_equal(
        _min_risk_argmin(proba, cost), np.argmin(proba @ cost, axis=1)
    )


def test_min_risk_argmin_ties_go_to_lowest_index():
    """Check that exactly equal risks pick the lowest column index."""
    proba = np.array([[0.5, 0.5], [1.0, 0.0], [0.25, 0.75]])
    cost = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])  # column 2 always costs 0
    np.testing.assert_array_equal(_min_risk_argmin(proba, cost), [2, 0, 2])
    equal = np.ones((2, 3))  # every column costs the same: always column 0
    np.testing.assert_array_equal(_min_risk_argmin(proba, equal), [0, 0, 0])


def test_min_risk_argmin_rectangular_cost():
    """Check that a cost with more outcomes than classes (e.g. a reject option)
    works."""
    proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.1, 0.9]])
    cost = np.array([[0.0, 1.0, 0.3], [1.0, 0.0, 0.3]])  # outcome 2 = abstain at 0.3
    np.testing.assert_array_equal(_min_risk_argmin(proba, cost), [0, 2, 1])
