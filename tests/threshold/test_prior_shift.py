"""estimate_target_prior and PriorShiftAdapter: exact cases, label shift, errors."""

import re

import numpy as np
import pytest
from scipy.special import log_softmax, softmax
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import LinearSVC

from skclassgap._compat import InvalidParameterError
from skclassgap.threshold import PriorShiftAdapter, estimate_target_prior
from skclassgap.threshold._temperature import fit_temperature, proba_logits
from tests.naive import (
    gaussian_bayes_naive,
    gaussian_classes_sample,
    temperature_scaled_naive,
)

# p(x | y) of a discrete feature x in {0, 1, 2} (rows x, columns y).
LIKELIHOOD = np.array([[0.6, 0.2, 0.1], [0.3, 0.6, 0.2], [0.1, 0.2, 0.7]])
TARGET = np.array([0.5, 0.3, 0.2])
MEANS = np.array([[0.0, 0.0], [2.5, 0.0], [1.2, 2.2]])


def _gaussian_sample(prior, n, seed):
    return gaussian_classes_sample(MEANS, prior, n, seed)


def _bayes(X, prior):
    return gaussian_bayes_naive(X, MEANS, prior)


def _calibrated(model, X):
    """The fitted adapter's calibrated probabilities, by the naive reference."""
    proba = model.estimator_.predict_proba(X)
    if model.calibration is None:
        return proba
    return temperature_scaled_naive(proba, model.temperature_, model.bias_)


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


@pytest.mark.parametrize("calibration", [None, "bcts"])
@pytest.mark.parametrize("method", ["em", "bbse"])
@pytest.mark.parametrize("target", [[0.7, 0.2, 0.1], [0.05, 0.15, 0.8]])
def test_prior_shift_adapter_recovers_target_and_bayes_decisions(
    method, target, calibration
):
    """Check that on Gaussian classes under label shift the adapter estimates the
    target prior within 0.03, its decisions agree with the Bayes rule of the true
    target prior on >= 97 % of rows, accuracy does not drop by adapting, and
    before adapting it predicts the argmax of its calibrated probabilities."""
    X, y = _gaussian_sample([1 / 3, 1 / 3, 1 / 3], 6000, 0)
    X_t, y_t = _gaussian_sample(target, 4000, 1)
    model = PriorShiftAdapter(
        LogisticRegression(), method=method, calibration=calibration
    ).fit(X, y)
    before = np.mean(model.estimator_.predict(X_t) == y_t)
    np.testing.assert_array_equal(
        model.predict(X_t), np.argmax(_calibrated(model, X_t), axis=1)
    )
    model.adapt(X_t)
    np.testing.assert_allclose(model.target_prior_, target, atol=0.03)
    assert np.mean(model.predict(X_t) == _bayes(X_t, np.asarray(target))) >= 0.97
    assert np.mean(model.predict(X_t) == y_t) >= before


@pytest.mark.parametrize("calibration", [None, "ts", "bcts"])
def test_prior_shift_adapter_proba_is_bayes_rule(calibration):
    """Check that predict_proba is p * target / train renormalised (p calibrated
    by the naive reference), predict its argmax, predict_log_proba its log, and
    the confusion the out-of-fold counts."""
    X, y = _gaussian_sample([0.6, 0.3, 0.1], 900, 2)
    X_t, _ = _gaussian_sample([0.1, 0.3, 0.6], 300, 3)
    model = PriorShiftAdapter(
        LogisticRegression(), method="bbse", cv=3, calibration=calibration
    ).fit(X, y)
    np.testing.assert_allclose(model.train_prior_, np.bincount(y) / len(y), atol=0.02)
    assert model.confusion_.sum() == len(y)
    np.testing.assert_array_equal(model.confusion_.sum(axis=1), np.bincount(y))
    model.adapt(X_t)
    raw = _calibrated(model, X_t) * model.target_prior_
    expected = raw / model.train_prior_
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X_t), expected, atol=1e-12)
    np.testing.assert_allclose(model.predict_log_proba(X_t), np.log(expected))
    np.testing.assert_array_equal(model.predict(X_t), np.argmax(expected, axis=1))


@pytest.mark.parametrize("method", ["em", "bbse"])
def test_prior_shift_adapter_without_calibration_is_plain(method):
    """Check that calibration=None keeps the uncalibrated adapter: training
    prior the class frequencies, temperature 1 and zero biases, EM on the raw
    probabilities, BBSE's confusion from the out-of-fold predict."""
    X, y = _gaussian_sample([0.5, 0.3, 0.2], 900, 5)
    X_t, _ = _gaussian_sample([0.2, 0.2, 0.6], 600, 6)
    model = PriorShiftAdapter(
        LogisticRegression(), method=method, calibration=None, cv=3
    ).fit(X, y)
    frequencies = np.bincount(y) / len(y)
    np.testing.assert_array_equal(model.train_prior_, frequencies)
    assert model.temperature_ == 1.0
    np.testing.assert_array_equal(model.bias_, np.zeros(3))
    raw = model.estimator_.predict_proba(X_t)
    if method == "bbse":
        pred = cross_val_predict(LogisticRegression(), X, y, cv=3)
        expected = np.zeros((3, 3), dtype=int)
        np.add.at(expected, (y, pred), 1)
        np.testing.assert_array_equal(model.confusion_, expected)
        prior = estimate_target_prior(raw, method="bbse", confusion=expected)
    else:
        prior = estimate_target_prior(raw, train_prior=frequencies)
    np.testing.assert_array_equal(model.adapt(X_t).target_prior_, prior)
    expected = raw * prior / frequencies
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X_t), expected, atol=1e-12)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("fit_bias", [False, True])
def test_fit_temperature_recovers_known_temperature(temperature, fit_bias):
    """Check that when labels are drawn from softmax(z / T0 + b0) and the
    probabilities given are softmax(z), the fit finds T0 (and b0 centred, for
    BCTS) within sampling error."""
    rng = np.random.default_rng(7)
    z = rng.normal(scale=3.0, size=(40000, 4))
    b0 = np.array([0.4, -0.3, 0.2, -0.3]) if fit_bias else np.zeros(4)
    truth = softmax(z / temperature + b0, axis=1)
    codes = (rng.random(40000)[:, None] > np.cumsum(truth, axis=1)).sum(axis=1)
    fitted_t, bias, nll = fit_temperature(
        proba_logits(softmax(z, axis=1)), codes, fit_bias=fit_bias
    )
    np.testing.assert_allclose(fitted_t, temperature, rtol=0.03)
    np.testing.assert_allclose(bias, b0 - b0.mean(), atol=0.05)
    assert bias.sum() == pytest.approx(0.0, abs=1e-12)
    true_nll = -np.mean(log_softmax(z / temperature + b0, axis=1)[range(40000), codes])
    assert nll <= true_nll + 1e-12


# Gaussian naive Bayes on the two features tiled 4 times multiplies its
# log-likelihoods by 4: probabilities much too confident. Logistic regression
# with C=1e-3 is much too unsure.
_OVER = (GaussianNB(), 4)
_UNDER = (LogisticRegression(C=1e-3), 1)


@pytest.mark.parametrize("calibration", ["ts", "bcts"])
@pytest.mark.parametrize("estimator, tiles", [_OVER, _UNDER])
def test_prior_shift_adapter_calibration_lowers_out_of_fold_nll(
    estimator, tiles, calibration
):
    """Check that the calibration's log-loss on the out-of-fold probabilities is
    below the uncalibrated one (it could keep T=1, b=0), and that BCTS, which
    contains TS, is never above TS."""
    X, y = _gaussian_sample([0.5, 0.3, 0.2], 1500, 8)
    X = np.tile(X, tiles)
    oof = cross_val_predict(estimator, X, y, cv=5, method="predict_proba")
    model = PriorShiftAdapter(estimator, calibration=calibration).fit(X, y)
    calibrated = temperature_scaled_naive(oof, model.temperature_, model.bias_)
    assert log_loss(y, calibrated) < log_loss(y, oof) - 0.01
    if calibration == "bcts":
        ts = PriorShiftAdapter(estimator, calibration="ts").fit(X, y)
        oof_ts = temperature_scaled_naive(oof, ts.temperature_, ts.bias_)
        assert log_loss(y, calibrated) <= log_loss(y, oof_ts) + 1e-12
    assert (model.temperature_ > 2) if tiles > 1 else (model.temperature_ < 0.5)


@pytest.mark.parametrize("calibration", ["ts", "bcts"])
def test_prior_shift_adapter_train_prior_is_mean_calibrated_proba(calibration):
    """Check that the training prior is the mean of the calibrated out-of-fold
    probabilities, and for BCTS also the class frequencies (the likelihood is
    stationary in the biases), which TS need not meet."""
    X, y = _gaussian_sample([0.7, 0.2, 0.1], 1500, 9)
    estimator = LogisticRegression(C=1e-3)
    oof = cross_val_predict(estimator, X, y, cv=5, method="predict_proba")
    model = PriorShiftAdapter(estimator, calibration=calibration).fit(X, y)
    calibrated = temperature_scaled_naive(oof, model.temperature_, model.bias_)
    np.testing.assert_allclose(model.train_prior_, calibrated.mean(axis=0), atol=1e-12)
    gap = np.abs(model.train_prior_ - np.bincount(y) / len(y)).max()
    assert gap < 1e-6 if calibration == "bcts" else gap > 0.01


@pytest.mark.parametrize("target", [[0.7, 0.2, 0.1], [0.05, 0.15, 0.8]])
@pytest.mark.parametrize("estimator, tiles", [_OVER, _UNDER])
def test_prior_shift_adapter_calibration_repairs_em(estimator, tiles, target):
    """Check that EM on miscalibrated probabilities misses the target prior by
    more than 0.04 (over-confident: stays near the training prior;
    under-confident: overshoots) and lowers or barely keeps accuracy, while after
    BCTS it is within 0.03 and accuracy rises by more than 0.02."""
    X, y = _gaussian_sample([1 / 3, 1 / 3, 1 / 3], 3000, 0)
    X_t, y_t = _gaussian_sample(target, 3000, 1)
    X, X_t = np.tile(X, tiles), np.tile(X_t, tiles)
    before = np.mean(clone(estimator).fit(X, y).predict(X_t) == y_t)
    plain = PriorShiftAdapter(estimator, calibration=None).fit(X, y).adapt(X_t)
    assert np.abs(plain.target_prior_ - target).max() > 0.04
    calibrated = PriorShiftAdapter(estimator).fit(X, y).adapt(X_t)
    np.testing.assert_allclose(calibrated.target_prior_, target, atol=0.03)
    after = np.mean(calibrated.predict(X_t) == y_t)
    assert after > before + 0.02
    assert after > np.mean(plain.predict(X_t) == y_t) + 0.005


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


def test_prior_shift_adapter_unknown_calibration():
    """Check that an unknown calibration name is refused with the valid ones."""
    X, y = _gaussian_sample([0.5, 0.3, 0.2], 300, 4)
    # The order of the set of valid names follows the string hash seed.
    match = (
        r"'calibration' parameter of PriorShiftAdapter must be a str among "
        r"\{(?=[^}]*'bcts')(?=[^}]*'ts')[^}]*\} or None\. Got 'platt' instead"
    )
    with pytest.raises(InvalidParameterError, match=match):
        PriorShiftAdapter(LogisticRegression(), calibration="platt").fit(X, y)


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
