"""InstanceHardnessThreshold."""

import imblearn.under_sampling as imb
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

from skclassgap.under_sampling import InstanceHardnessThreshold
from tests.under_sampling.datasets import dataset


@pytest.mark.parametrize("data", ["gen2", "gen3", "iris"])
@pytest.mark.parametrize("strategy", ["auto", "all"])
def test_iht_equals_imblearn(data, strategy):
    """Check that, seeding the classifier (a randomised tree) and the folds as
    imbalanced-learn does, the kept rows equal imbalanced-learn's (labels
    0 .. K - 1, which its column lookup needs)."""
    X, y = dataset(data)
    params = dict(
        estimator=DecisionTreeClassifier(max_depth=3, max_features=2),
        sampling_strategy=strategy,
        random_state=0,
        cv=3,
    )
    ours = InstanceHardnessThreshold(**params)
    ours.fit_resample(X, y)
    peer = imb.InstanceHardnessThreshold(**params)
    peer.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, peer.sample_indices_)


def test_iht_keeps_rows_at_or_above_the_class_quantile():
    """Check the rule: a reduced class keeps its rows whose out-of-fold
    probability of their own class is at least the (1 - wanted / rows)
    percentile; with string labels, the probability column of each row's own
    class is read."""
    X, y = dataset("gen2")
    labels = np.array(["neg", "pos"])[y]
    sampler = InstanceHardnessThreshold(
        estimator=LogisticRegression(), cv=StratifiedKFold(4), random_state=0
    )
    sampler.fit_resample(X, labels)
    proba = cross_val_predict(
        LogisticRegression(), X, labels, cv=StratifiedKFold(4), method="predict_proba"
    )[np.arange(len(y)), y]
    major = np.flatnonzero(y == 0)
    wanted = sampler.sampling_strategy_["neg"]
    threshold = np.percentile(proba[major], (1 - wanted / len(major)) * 100)
    expected = np.r_[major[proba[major] >= threshold], np.flatnonzero(y == 1)]
    np.testing.assert_array_equal(sampler.sample_indices_, expected)


def test_iht_default_estimator_and_seeded_repeats():
    """Check that the default classifier is a random forest and that an int
    random_state repeats the rows."""
    X, y = dataset("gen2")
    X, y = X[::4], y[::4]
    a = InstanceHardnessThreshold(random_state=0)
    b = InstanceHardnessThreshold(random_state=0)
    a.fit_resample(X, y)
    b.fit_resample(X, y)
    assert isinstance(a.estimator_, RandomForestClassifier)
    np.testing.assert_array_equal(a.sample_indices_, b.sample_indices_)
