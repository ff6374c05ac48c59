"""The one prior correction shared by every estimator that shifts priors."""

import numpy as np
import pytest

from skclassgap.utils._priors import log_prior_ratio, shift_log_proba, shift_proba


@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0])
def test_shift_proba_matches_bayes_rule(rng, tau):
    """Check that probabilities become p * target / train**tau renormalised, in
    log space too, on rows spanning 300 orders of magnitude."""
    proba = rng.dirichlet(np.ones(4), size=50)
    proba[0] = [1e-300, 1 - 2e-300, 1e-300, 0.0]
    train, target = np.array([0.4, 0.3, 0.2, 0.1]), np.array([0.1, 0.1, 0.3, 0.5])
    raw = proba * target / train**tau
    expected = raw / raw.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(shift_proba(proba, train, target, tau), expected)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(
            shift_log_proba(proba, train, target, tau), np.log(expected)
        )


def test_shift_proba_rows_ruled_out_fall_back_to_target():
    """Check that a row whose every class is ruled out (zero probability or zero
    target prior) gets the target prior, not NaN."""
    proba = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    target = np.array([0.0, 0.25, 0.75])
    out = shift_proba(proba, np.full(3, 1 / 3), target)
    np.testing.assert_allclose(out[0], target)
    np.testing.assert_allclose(out[1], np.array([0.0, 0.075, 0.375]) / 0.45)


@pytest.mark.parametrize("tau", [0.0, 1.0])
def test_log_prior_ratio_rules_out_zero_target_even_at_zero_train_prior(tau):
    """Check that a class of zero target prior gets -inf (ruled out), also when
    its training prior is zero too, without a NaN or a RuntimeWarning; the
    other classes get log target - tau * log train."""
    train = np.array([0.0, 0.5, 0.5])
    target = np.array([0.0, 0.25, 0.75])
    with np.errstate(all="raise"):
        ratio = log_prior_ratio(train, target, tau)
    assert ratio[0] == -np.inf
    np.testing.assert_allclose(ratio[1:], np.log(target[1:]) - tau * np.log(0.5))
    out = shift_proba(np.array([[0.0, 0.4, 0.6]]), train, target, tau)
    np.testing.assert_allclose(out.sum(), 1.0)
    assert out[0, 0] == 0.0
