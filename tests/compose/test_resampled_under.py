"""ResampledClassifier through under-samplers, cleaners and combinations."""

import numpy as np
import pytest
from sklearn import config_context
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skclassgap.combine import SMOTEENN, SMOTETomek
from skclassgap.compose import ResampledClassifier
from skclassgap.under_sampling import (
    EditedNearestNeighbours,
    NearMiss,
    RandomUnderSampler,
    TomekLinks,
)


class _Recorder(LogisticRegression):
    """Logistic regression that remembers the metadata fit received."""

    def fit(self, X, y, sample_weight=None, groups=None):
        self.seen_weight_ = sample_weight
        self.seen_groups_ = groups
        return super().fit(X, y, sample_weight=sample_weight)


def _data():
    return make_classification(
        n_samples=400, n_features=5, weights=[0.8], flip_y=0.05, random_state=0
    )


@pytest.mark.parametrize(
    "sampler",
    [
        RandomUnderSampler(random_state=0),
        EditedNearestNeighbours(),
        TomekLinks(),
        NearMiss(version=2),
    ],
    ids=repr,
)
def test_resampled_integer_weights_through_under_sampling(sampler):
    """Check that fitting with integer sample weights through an under-sampler
    equals fitting the estimator on the kept rows with their weights."""
    X, y = _data()
    w = np.arange(len(y)) % 4 + 1
    clf = ResampledClassifier(LogisticRegression(), sampler=sampler)
    clf.fit(X, y, sample_weight=w)
    kept = clf.sampler_.sample_indices_
    ref = LogisticRegression().fit(X[kept], y[kept], sample_weight=w[kept])
    np.testing.assert_allclose(clf.estimator_.coef_, ref.coef_)
    np.testing.assert_allclose(clf.estimator_.intercept_, ref.intercept_)
    wanted = np.bincount(y[kept], weights=w[kept])
    np.testing.assert_allclose(clf.train_prior_, wanted / wanted.sum())


@pytest.mark.parametrize("combo", [SMOTEENN, SMOTETomek])
def test_resampled_weights_and_metadata_through_combinations(combo):
    """Check that through SMOTE + cleaning, kept input rows keep their weight
    and group, and kept synthetic rows get the interpolated weight and their
    parent's group (metadata routing on)."""
    X, y = _data()
    w = np.linspace(1.0, 3.0, len(y))
    groups = np.arange(len(y)) * 10
    with config_context(enable_metadata_routing=True):
        inner = _Recorder().set_fit_request(sample_weight=True, groups=True)
        clf = ResampledClassifier(inner, sampler=combo(random_state=0))
        clf.fit(X, y, sample_weight=w, groups=groups)
    sampler = clf.sampler_
    idx = sampler.sample_indices_
    synthetic = idx == -1
    assert synthetic.any() and (~synthetic).any()
    seen_w = np.asarray(clf.estimator_.seen_weight_)
    seen_g = np.asarray(clf.estimator_.seen_groups_)
    np.testing.assert_array_equal(seen_w[~synthetic], w[idx[~synthetic]])
    np.testing.assert_array_equal(seen_g[~synthetic], groups[idx[~synthetic]])
    p, nb, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    np.testing.assert_allclose(seen_w[synthetic], (1 - g) * w[p] + g * w[nb])
    np.testing.assert_array_equal(seen_g[synthetic], groups[p])


def test_resampled_metadata_through_cleaning():
    """Check that routed per-sample metadata follow the rows a cleaner keeps."""
    X, y = _data()
    groups = np.arange(len(y)) + 1000
    with config_context(enable_metadata_routing=True):
        inner = _Recorder().set_fit_request(groups=True)
        clf = ResampledClassifier(inner, sampler=EditedNearestNeighbours())
        clf.fit(X, y, groups=groups)
    kept = clf.sampler_.sample_indices_
    assert len(kept) < len(y)
    np.testing.assert_array_equal(clf.estimator_.seen_groups_, groups[kept])
