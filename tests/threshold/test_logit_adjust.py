"""LogitAdjustedClassifier: identity cases, Bayes decisions under prior shift."""

import re

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.svm import LinearSVC

from skclassgap._compat import InvalidParameterError
from skclassgap.threshold import LogitAdjustedClassifier
from tests.naive import gaussian_bayes_naive, gaussian_classes_sample

MEANS = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.7]])


def _gaussian_sample(prior, n, seed):
    return gaussian_classes_sample(MEANS, prior, n, seed)


def _bayes(X, prior):
    return gaussian_bayes_naive(X, MEANS, prior)


@pytest.fixture(scope="module")
def imbalanced():
    return make_classification(
        n_samples=300,
        n_features=5,
        n_informative=3,
        n_classes=3,
        weights=[0.7, 0.2, 0.1],
        random_state=0,
    )


@pytest.mark.parametrize(
    "params", [{"tau": 0.0}, {"tau": 1.0, "target_prior": [0.7, 0.2, 0.1]}]
)
def test_logit_adjusted_identity_reproduces_estimator(imbalanced, params):
    """Check that tau=0 (uniform target) and target=train prior leave the
    estimator's predictions and probabilities unchanged."""
    X, y = imbalanced
    model = LogitAdjustedClassifier(
        LogisticRegression(), train_prior=[0.7, 0.2, 0.1], **params
    ).fit(X, y)
    plain = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(model.predict(X), plain.predict(X))
    np.testing.assert_allclose(
        model.predict_proba(X), plain.predict_proba(X), atol=1e-12
    )
    np.testing.assert_allclose(
        model.predict_log_proba(X), plain.predict_log_proba(X), atol=1e-10
    )


def test_logit_adjusted_proba_is_reweighted(imbalanced):
    """Check predict_proba = p * target / train**tau renormalised, argmax = predict."""
    X, y = imbalanced
    model = LogitAdjustedClassifier(
        LogisticRegression(), tau=0.5, target_prior=[1, 2, 3]
    ).fit(X, y)
    train = np.bincount(y) / len(y)
    np.testing.assert_allclose(model.train_prior_, train)
    np.testing.assert_allclose(model.target_prior_, [1 / 6, 2 / 6, 3 / 6])
    raw = model.estimator_.predict_proba(X) * (np.array([1, 2, 3]) / 6) / train**0.5
    expected = raw / raw.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X), expected, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), np.argmax(expected, axis=1))


@pytest.mark.parametrize("target", [[1 / 3, 1 / 3, 1 / 3], [0.2, 0.3, 0.5]])
def test_logit_adjusted_recovers_bayes_under_prior_shift(target):
    """Check that on Gaussian classes trained under a skewed prior, the adjusted
    decisions agree with the Bayes rule of the target prior (and the plain model's
    do not)."""
    train_prior = [0.75, 0.2, 0.05]
    X, y = _gaussian_sample(train_prior, 6000, 0)
    X_test, _ = _gaussian_sample(target, 4000, 1)
    inner = LogisticRegression(C=100.0)
    model = LogitAdjustedClassifier(inner, target_prior=target).fit(X, y)
    bayes = _bayes(X_test, np.asarray(target))
    adjusted = np.mean(model.predict(X_test) == bayes)
    plain = np.mean(model.estimator_.predict(X_test) == bayes)
    assert adjusted > 0.98
    assert plain < 0.9


def test_logit_adjusted_tau_is_tunable():
    """Check that GridSearchCV picks the prior correction for balanced accuracy on
    imbalanced Gaussian classes."""
    X, y = _gaussian_sample([0.75, 0.2, 0.05], 1500, 2)
    search = GridSearchCV(
        LogitAdjustedClassifier(LogisticRegression()),
        {"tau": [0.0, 1.0]},
        scoring="balanced_accuracy",
        cv=3,
    ).fit(X, y)
    assert search.best_params_ == {"tau": 1.0}


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"train_prior": [0.5, 0.5]},
            re.escape("train_prior must have one value per class (3"),
        ),
        (
            {"target_prior": [0.5, 0.5, 0.0]},
            re.escape(
                "target_prior must hold finite, strictly positive values; "
                "got [0.5, 0.5, 0.0]"
            ),
        ),
        ({"target_prior": [[0.5, 0.5, 0.1]]}, re.escape("got shape (1, 3)")),
    ],
)
def test_logit_adjusted_bad_priors(imbalanced, params, match):
    """Check that priors of the wrong length or with non-positive values are refused."""
    X, y = imbalanced
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifier(LogisticRegression(), **params).fit(X, y)


def test_logit_adjusted_needs_predict_proba(imbalanced):
    """Check that an estimator without predict_proba is refused by name."""
    X, y = imbalanced
    with pytest.raises(InvalidParameterError, match="predict_proba.*Got LinearSVC"):
        LogitAdjustedClassifier(LinearSVC()).fit(X, y)
