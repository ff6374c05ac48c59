import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skclassgap.datasets import make_spectral_mixture
from skclassgap.spectral import gaussian_class_errors, predicted_class_errors
from tests.naive import linear_rule_errors_mc_naive


def _problem(k, d=4, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.normal(size=(k, d))
    A = rng.normal(size=(k, d, d)) / np.sqrt(d)
    covs = A @ A.transpose(0, 2, 1) + 0.1 * np.eye(d)
    coef = rng.normal(size=(1 if k == 2 else k, d))
    intercept = rng.normal(size=coef.shape[0]) * 0.3
    return means, covs, coef, intercept


@pytest.mark.parametrize("k", [2, 3, 5])
def test_gaussian_class_errors_match_feature_space_monte_carlo(k):
    """Check that theory matches a naive Monte Carlo in feature space to 0.005."""
    means, covs, coef, intercept = _problem(k)
    result = gaussian_class_errors(
        means, covs, coef, intercept, n_draws=100_000, random_state=1
    )
    naive = linear_rule_errors_mc_naive(means, covs, coef, intercept, 100_000, seed=2)
    np.testing.assert_allclose(result.errors, naive, atol=0.005)
    if k == 2:
        np.testing.assert_array_equal(result.standard_errors, 0.0)
    else:
        expected_se = np.sqrt(result.errors * (1 - result.errors) / 100_000)
        np.testing.assert_allclose(result.standard_errors, expected_se)


def test_gaussian_class_errors_binary_closed_form():
    """Check the binary closed form on a hand-computed case, with a shared
    covariance."""
    means = np.array([[-1.0, 0.0], [2.0, 0.0]])
    result = gaussian_class_errors(means, np.eye(2), [1.0, 0.0], 0.0)
    # class 0: P(x1 > 0) with x1 ~ N(-1, 1) = Phi(-1);
    # class 1: P(x1 <= 0) with x1 ~ N(2, 1) = Phi(-2)
    np.testing.assert_allclose(
        result.errors, [0.158655253931457, 0.022750131948179], rtol=1e-12
    )


def test_gaussian_class_errors_repeat_with_seed():
    """Check that the Monte Carlo result repeats exactly for a fixed seed."""
    means, covs, coef, intercept = _problem(3)
    a = gaussian_class_errors(
        means, covs, coef, intercept, n_draws=1000, random_state=3
    )
    b = gaussian_class_errors(
        means, covs, coef, intercept, n_draws=1000, random_state=3
    )
    np.testing.assert_array_equal(a.errors, b.errors)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros(3), np.eye(3), np.ones(3), 0.0), "means must be 2-dimensional"),
        (
            (np.zeros((2, 3)), np.eye(2), np.ones(3), 0.0),
            r"covariances must have shape \(2, 3, 3\)",
        ),
        (
            (np.zeros((3, 3)), np.eye(3), np.ones(3), 0.0),
            r"coef of shape \(1, 3\) does not fit 3 classes",
        ),
        (
            (np.zeros((3, 3)), np.eye(3), np.ones((3, 2)), np.zeros(3)),
            r"coef of shape \(3, 2\)",
        ),
        (
            (np.zeros((3, 3)), np.eye(3), np.ones((3, 3)), np.zeros(2)),
            "intercept must have 3 value",
        ),
        ((np.full((2, 2), np.nan), np.eye(2), np.ones(2), 0.0), "must be finite"),
    ],
)
def test_gaussian_class_errors_bad_input(args, match):
    """Check that inconsistent shapes and NaN raise errors naming the shapes."""
    with pytest.raises(ValueError, match=match):
        gaussian_class_errors(*args)


@pytest.mark.parametrize("k", [2, 4])
def test_predicted_class_errors_match_held_out(k):
    """Check that plug-in predictions of a logistic regression match held-out errors."""
    X, y = make_spectral_mixture(24_000, 8, k, random_state=0)
    clf = LogisticRegression().fit(X[:4000], y[:4000])
    table = predicted_class_errors(clf, X[4000:], y[4000:], n_draws=50_000)
    held_out = [np.mean(clf.predict(X[4000:][y[4000:] == c]) != c) for c in range(k)]
    np.testing.assert_allclose(table["predicted_error"], held_out, atol=0.02)
    assert table["n_samples"].sum() == 20_000


def test_predicted_class_errors_pipeline_and_labels():
    """Check that a Pipeline's earlier steps are applied and string labels index the
    table."""
    X, y = make_spectral_mixture(6000, 5, 3, random_state=1)
    labels = np.array(["x", "y", "z"])[y]
    X = X * [1, 10, 100, 1000, 0.1] + 5
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        X[:3000], labels[:3000]
    )
    table = predicted_class_errors(pipe, X[3000:], labels[3000:], n_draws=50_000)
    held_out = [np.mean(pipe.predict(X[3000:][labels[3000:] == c]) != c) for c in "xyz"]
    assert table.index.tolist() == ["x", "y", "z"]
    np.testing.assert_allclose(table["predicted_error"], held_out, atol=0.03)


def test_predicted_class_errors_subset_of_classes():
    """Check that y holding only some classes gives rows for those classes only."""
    X, y = make_spectral_mixture(3000, 5, 3, random_state=2)
    clf = RidgeClassifier().fit(X, y)
    table = predicted_class_errors(clf, X[y == 2], y[y == 2], n_draws=10_000)
    assert table.index.tolist() == [2]


@pytest.mark.parametrize(
    "make, y, error, match",
    [
        (
            lambda X, y: DecisionTreeClassifier().fit(X, y),
            None,
            TypeError,
            "DecisionTreeClassifier has no coef_",
        ),
        (
            lambda X, y: LogisticRegression().fit(X, y),
            np.full(300, 7),
            ValueError,
            r"labels \[7\] that LogisticRegression",
        ),
    ],
)
def test_predicted_class_errors_bad_input(make, y, error, match):
    """Check that non-linear estimators and unknown labels are rejected clearly."""
    X, y0 = make_spectral_mixture(300, 3, 3, random_state=0)
    with pytest.raises(error, match=match):
        predicted_class_errors(make(X, y0), X, y0 if y is None else y)
