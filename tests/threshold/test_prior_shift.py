"""estimate_target_prior and PriorShiftAdapter: exact cases, label shift, errors."""

import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skclassgap.threshold import PriorShiftAdapter, estimate_target_prior
from tests.naive import gaussian_bayes_naive, gaussian_classes_sample

# p(x | y) of a discrete feature x in {0, 1, 2} (rows x, columns y).
LIKELIHOOD = np.array([[0.6, 0.2, 0.1], [0.3, 0.6, 0.2], [0.1, 0.2, 0.7]])
TARGET = np.array([0.5, 0.3, 0.2])
MEANS = np.array([[0.0, 0.0], [2.5, 0.0], [1.2, 2.2]])


def _gaussian_sample(prior, n, seed):
    return gaussian_classes_sample(MEANS, prior, n, seed)


def _bayes(X, prior):
    return gaussian_bayes_naive(X, MEANS, prior)


@pytest.mark.parametrize("train_prior", [[1 / 3, 1 / 3, 1 / 3], [0.2, 0.5, 0.3]])
def test_estimate_target_prior_em_exact_on_discrete_feature(train_prior):
    """Check that EM returns the exact target prior when the target rows'
    frequencies of a discrete feature are exactly those the prior implies: the
    likelihood is then maximal where p(x | y) @ prior equals them."""
    train_prior = np.asarray(train_prior)
    posterior = LIKELIHOOD * train_prior
    posterior /= posterior.sum(axis=1, keepdims=True)
    counts = np.rint(100 * LIKELIHOOD @ TARGET).astype(int)  # 38, 37, 25 rows
    proba = np.repeat(posterior, counts, axis=0)
    prior, n_iter = estimate_target_prior(
        proba, train_prior=train_prior, tol=1e-12, return_n_iter=True
    )
    np.testing.assert_allclose(prior, TARGET, atol=1e-8)
    assert 1 < n_iter < 1000


def test_estimate_target_prior_bbse_exact_inverse():
    """Check that BBSE solves M^T pi = mu exactly when the solution lies in the
    simplex, M the row-normalised confusion and mu the predicted frequencies."""
    rates = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    predicted = np.rint(100 * rates.T @ TARGET).astype(int)  # 48, 28, 24 rows
    proba = np.repeat(np.eye(3) * 0.6 + 0.1, predicted, axis=0)
    prior = estimate_target_prior(proba, method="bbse", confusion=rates * 50)
    np.testing.assert_allclose(prior, TARGET, atol=1e-9)


def test_estimate_target_prior_bbse_stays_in_simplex():
    """Check that when the plain inverse leaves the simplex (more predictions of
    class 0 than its recall allows), the estimate is the closest prior in it."""
    rates = np.array([[0.8, 0.2], [0.3, 0.7]])
    proba = np.repeat([[0.9, 0.1]], 10, axis=0)  # every target row predicted 0
    prior = estimate_target_prior(proba, method="bbse", confusion=rates)
    np.testing.assert_allclose(prior, [1.0, 0.0], atol=1e-6)
    assert prior.min() >= 0


@pytest.mark.parametrize("method", ["em", "bbse"])
@pytest.mark.parametrize("target", [[0.7, 0.2, 0.1], [0.05, 0.15, 0.8]])
def test_prior_shift_adapter_recovers_target_and_bayes_decisions(method, target):
    """Check that on Gaussian classes under label shift the adapter estimates the
    target prior within 0.03, its decisions agree with the Bayes rule of the true
    target prior on >= 97 % of rows, and accuracy does not drop by adapting."""
    X, y = _gaussian_sample([1 / 3, 1 / 3, 1 / 3], 6000, 0)
    X_t, y_t = _gaussian_sample(target, 4000, 1)
    model = PriorShiftAdapter(LogisticRegression(), method=method).fit(X, y)
    before = np.mean(model.predict(X_t) == y_t)
    np.testing.assert_array_equal(model.predict(X_t), model.estimator_.predict(X_t))
    model.adapt(X_t)
    np.testing.assert_allclose(model.target_prior_, target, atol=0.03)
    assert np.mean(model.predict(X_t) == _bayes(X_t, np.asarray(target))) >= 0.97
    assert np.mean(model.predict(X_t) == y_t) >= before


def test_prior_shift_adapter_proba_is_bayes_rule():
    """Check that predict_proba is p * target / train renormalised, predict its
    argmax, predict_log_proba its log, and the confusion the out-of-fold counts."""
    X, y = _gaussian_sample([0.6, 0.3, 0.1], 900, 2)
    X_t, _ = _gaussian_sample([0.1, 0.3, 0.6], 300, 3)
    model = PriorShiftAdapter(LogisticRegression(), method="bbse", cv=3).fit(X, y)
    np.testing.assert_allclose(model.train_prior_, np.bincount(y) / len(y))
    assert model.confusion_.sum() == len(y)
    np.testing.assert_array_equal(model.confusion_.sum(axis=1), np.bincount(y))
    model.adapt(X_t)
    raw = model.estimator_.predict_proba(X_t) * model.target_prior_
    expected = raw / model.train_prior_
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X_t), expected, atol=1e-12)
    np.testing.assert_allclose(model.predict_log_proba(X_t), np.log(expected))
    np.testing.assert_array_equal(model.predict(X_t), np.argmax(expected, axis=1))


@pytest.fixture(scope="module")
def fitted():
    X, y = _gaussian_sample([0.5, 0.3, 0.2], 300, 4)
    return X, PriorShiftAdapter(LogisticRegression()).fit(X, y)


def test_prior_shift_adapter_adapt_before_fit():
    """Check that adapt on an unfitted adapter says to fit first."""
    with pytest.raises(NotFittedError, match=re.escape("call fit(X, y) on labelled")):
        PriorShiftAdapter(LogisticRegression()).adapt(np.zeros((5, 2)))


@pytest.mark.parametrize(
    "X_target, match",
    [
        (np.zeros((10, 3)), "X has 3 features, but PriorShiftAdapter is expecting 2"),
        (np.zeros((2, 2)), "target sample has 2 rows, too few to estimate the priors"),
        (np.full((10, 2), np.nan), "Input X contains NaN"),
    ],
)
def test_prior_shift_adapter_bad_target(fitted, X_target, match):
    """Check the errors for target rows of the wrong width, too few rows, NaN."""
    _, model = fitted
    with pytest.raises(ValueError, match=match):
        model.adapt(X_target)


def test_prior_shift_adapter_needs_predict_proba():
    """Check that an estimator without predict_proba is refused by name."""
    with pytest.raises(InvalidParameterError, match="predict_proba.*Got LinearSVC"):
        PriorShiftAdapter(LinearSVC()).fit(np.eye(4), [0, 1, 0, 1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "em"}, "method='em' needs train_prior"),
        ({"method": "bbse"}, "method='bbse' needs confusion"),
        (
            {"method": "em", "train_prior": [0.5, 0.5]},
            "y_proba has 3 columns but the priors have 2 classes",
        ),
        (
            {"method": "em", "train_prior": [0.5, 0.5, 0.0]},
            "train_prior must hold finite, strictly positive values",
        ),
        (
            {"method": "bbse", "confusion": [[3, 1, 0], [0, 0, 0], [1, 1, 4]]},
            re.escape("confusion has no held-out row for class index(es) [1]"),
        ),
        (
            {"method": "bbse", "confusion": [[3, 1, 0], [0, 2, 0]]},
            re.escape("confusion must be a square matrix of non-negative"),
        ),
    ],
)
def test_estimate_target_prior_errors(kwargs, match):
    """Check that each missing or inconsistent input is named in the error."""
    proba = np.full((6, 3), 1 / 3)
    with pytest.raises(ValueError, match=match):
        estimate_target_prior(proba, **kwargs)


def test_estimate_target_prior_rejects_negative_proba():
    """Check that negative 'probabilities' (e.g. decision values) are refused."""
    proba = np.array([[0.5, -0.5], [0.2, 0.8], [0.1, 0.9]])
    with pytest.raises(ValueError, match="y_proba holds negative values"):
        estimate_target_prior(proba, train_prior=[0.5, 0.5])
