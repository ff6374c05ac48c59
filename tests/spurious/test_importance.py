import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skclassgap.datasets import make_spurious_classification
from skclassgap.spurious import per_class_feature_importance


@pytest.fixture(scope="module")
def data():
    return make_spurious_classification(n_samples=400, random_state=0)


def test_per_class_feature_importance_matches_loop(data):
    """Check that importance[c, i] is the class mean of x_i times coef_[c, i]."""
    X, y = data.X_train, data.y_train
    clf = LogisticRegression().fit(X, y)
    got = per_class_feature_importance(clf, X, y)
    for c in range(3):
        for i in range(X.shape[1]):
            expected = np.mean(
                [X[r, i] * clf.coef_[c, i] for r in np.flatnonzero(y == c)]
            )
            assert got.iloc[c, i] == pytest.approx(expected)
    assert list(got.index) == [0, 1, 2]
    assert list(got.columns) == [f"x{i}" for i in range(X.shape[1])]


def test_per_class_feature_importance_ranks_cues_for_their_class(data):
    """Check that cues matter for their own class only and rank in its top three.

    In training a cue is only ever shown by its own class, so its activation,
    hence its importance, is exactly 0 for the other classes.
    """
    X, y = data.X_train, data.y_train
    got = per_class_feature_importance(LogisticRegression().fit(X, y), X, y)
    for c, cols in data.spurious_features.items():
        top3 = np.argsort(-got.loc[c].to_numpy())[:3]
        assert set(cols) <= set(top3)
        assert (got.drop(index=c).iloc[:, cols].to_numpy() == 0).all()


def test_per_class_feature_importance_binary_and_pipeline():
    """Check binary heads (-coef for classes_[0]) and Pipeline feature names."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    y = np.where(X["a"] + 0.3 * rng.normal(size=50) > 0, "yes", "no")
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    got = per_class_feature_importance(pipe, X, y)
    Z = pipe[0].transform(X)
    w = pipe[-1].coef_[0]
    np.testing.assert_allclose(got.loc["no"], -Z[y == "no"].mean(axis=0) * w)
    np.testing.assert_allclose(got.loc["yes"], Z[y == "yes"].mean(axis=0) * w)
    assert list(got.columns) == ["a", "b", "c"]


_BAD = [
    (KNeighborsClassifier(), None, "KNeighborsClassifier, which lacks them"),
    (LogisticRegression(), np.array([0, 1, 9, 9]), r"labels \[9\] that the estimator"),
]


@pytest.mark.parametrize("estimator, y_eval, message", _BAD)
def test_per_class_feature_importance_rejects_bad_input(estimator, y_eval, message):
    """Check that non-linear heads and unseen labels are rejected."""
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    y = np.array([0, 1, 0, 1])
    estimator.set_params(
        **({"n_neighbors": 1} if "n_neighbors" in estimator.get_params() else {})
    )
    estimator.fit(X, y)
    with pytest.raises(ValueError, match=message):
        per_class_feature_importance(estimator, X, y if y_eval is None else y_eval)
