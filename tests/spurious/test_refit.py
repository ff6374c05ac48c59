import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skclassgap.datasets import make_spurious_classification
from skclassgap.spurious import LowSpuriosityRefit, spuriosity_scores, spurious_gap
from tests.naive import spuriosity_naive


@pytest.fixture(scope="module")
def data():
    return make_spurious_classification(n_samples=600, n_test=600, random_state=0)


def _lowest_rows(X, y, features, n):
    """Indices of the n least spurious rows of each class (ties by row order)."""
    scores = spuriosity_naive(X, y, features)
    rows = []
    for label in np.unique(y):
        members = sorted((scores[r], r) for r in np.flatnonzero(y == label))
        rows.extend(r for _, r in members[:n])
    return np.sort(rows)


def test_low_spuriosity_refit_plain_estimator_matches_manual_refit(data):
    """Check that the refit equals the estimator fitted on the n lowest rows per
    class."""
    X, y, features = data.X_train, data.y_train, data.spurious_features
    model = LowSpuriosityRefit(
        LogisticRegression(), spurious_features=features, n_per_class=30
    ).fit(X, y)
    rows = _lowest_rows(X, y, features, 30)
    np.testing.assert_array_equal(model.refit_indices_, rows)
    manual = LogisticRegression().fit(X[rows], y[rows])
    np.testing.assert_allclose(model.estimator_.coef_, manual.coef_)
    np.testing.assert_allclose(model.spuriosity_, spuriosity_naive(X, y, features))
    np.testing.assert_array_equal(model.predict(X), manual.predict(X))
    np.testing.assert_allclose(model.predict_proba(X), manual.predict_proba(X))
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])


def test_low_spuriosity_refit_pipeline_keeps_earlier_steps(data):
    """Check that a Pipeline keeps its all-row scaler and refits only its head."""
    X, y, features = data.X_train, data.y_train, data.spurious_features
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    model = LowSpuriosityRefit(pipe, spurious_features=features, n_per_class=0.2).fit(
        X, y
    )
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(model.estimator_[0].mean_, scaler.mean_)
    rows = model.refit_indices_
    manual = LogisticRegression().fit(scaler.transform(X[rows]), y[rows])
    np.testing.assert_allclose(model.estimator_[-1].coef_, manual.coef_)
    counts = np.bincount(y)
    np.testing.assert_array_equal(np.bincount(y[rows]), np.floor(0.2 * counts))


def test_low_spuriosity_refit_random_rows_for_classes_without_features(data):
    """Check that classes without spurious features get n random rows, reproducibly."""
    X, y = data.X_train, data.y_train
    features = {0: data.spurious_features[0]}
    fit = lambda seed: LowSpuriosityRefit(  # noqa: E731
        LogisticRegression(),
        spurious_features=features,
        n_per_class=25,
        random_state=seed,
    ).fit(X, y)
    a, b, c = fit(0), fit(0), fit(1)
    np.testing.assert_array_equal(a.refit_indices_, b.refit_indices_)
    assert not np.array_equal(a.refit_indices_, c.refit_indices_)
    np.testing.assert_array_equal(np.bincount(y[a.refit_indices_]), [25, 25, 25])
    low0 = _lowest_rows(X[y == 0], y[y == 0], features, 25)
    np.testing.assert_array_equal(
        np.sort(np.flatnonzero(y == 0)[low0]),
        a.refit_indices_[y[a.refit_indices_] == 0],
    )
    assert np.isnan(a.spuriosity_[y != 0]).all()


def test_low_spuriosity_refit_int_larger_than_class_takes_all_rows(data):
    """Check that an int n_per_class above a class size takes the whole class."""
    X, y = data.X_train, data.y_train
    model = LowSpuriosityRefit(
        LogisticRegression(),
        spurious_features=data.spurious_features,
        n_per_class=10_000,
    ).fit(X, y)
    np.testing.assert_array_equal(model.refit_indices_, np.arange(len(y)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_low_spuriosity_refit_warm_start_continues_from_first_fit(data):
    """Check that warm_start refits the head starting from its all-row fit."""
    X, y, features = data.X_train, data.y_train, data.spurious_features
    head = LogisticRegression(max_iter=3)
    model = LowSpuriosityRefit(
        head, spurious_features=features, n_per_class=40, warm_start=True
    ).fit(X, y)
    rows = model.refit_indices_
    manual = clone(head).fit(X, y).set_params(warm_start=True).fit(X[rows], y[rows])
    np.testing.assert_allclose(model.estimator_.coef_, manual.coef_)
    cold = clone(head).fit(X[rows], y[rows])
    assert not np.allclose(model.estimator_.coef_, cold.coef_)
    assert head.get_params()["warm_start"] is False


def test_low_spuriosity_refit_routes_sample_weight(data):
    """Check that sample_weight reaches the first fit and, subset, the refit."""
    X, y, features = data.X_train, data.y_train, data.spurious_features
    w = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    model = LowSpuriosityRefit(
        LogisticRegression(), spurious_features=features, n_per_class=30
    ).fit(X, y, sample_weight=w)
    rows = model.refit_indices_
    manual = LogisticRegression().fit(X[rows], y[rows], sample_weight=w[rows])
    np.testing.assert_allclose(model.estimator_.coef_, manual.coef_)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    model = LowSpuriosityRefit(pipe, spurious_features=features, n_per_class=30).fit(
        X, y, logisticregression__sample_weight=w
    )
    scaler = StandardScaler().fit(X)
    manual = LogisticRegression().fit(
        scaler.transform(X[rows]), y[rows], sample_weight=w[rows]
    )
    np.testing.assert_allclose(model.estimator_[-1].coef_, manual.coef_)


def test_low_spuriosity_refit_dataframe_feature_names(data):
    """Check that column names work as spurious features and names are recorded."""
    X = pd.DataFrame(data.X_train, columns=data.feature_names)
    names = {
        c: [data.feature_names[i] for i in cols]
        for c, cols in data.spurious_features.items()
    }
    a = LowSpuriosityRefit(
        LogisticRegression(), spurious_features=names, n_per_class=30
    )
    b = LowSpuriosityRefit(
        LogisticRegression(), spurious_features=data.spurious_features, n_per_class=30
    )
    a.fit(X, data.y_train)
    b.fit(data.X_train, data.y_train)
    np.testing.assert_array_equal(a.refit_indices_, b.refit_indices_)
    np.testing.assert_array_equal(a.feature_names_in_, data.feature_names)


def test_low_spuriosity_refit_forwards_only_available_methods(data):
    """Check that predict_proba/decision_function exist only when the inner has them."""
    features = data.spurious_features
    svc = LowSpuriosityRefit(LinearSVC(), spurious_features=features)
    knn = LowSpuriosityRefit(KNeighborsClassifier(), spurious_features=features)
    assert not hasattr(svc, "predict_proba") and hasattr(svc, "decision_function")
    assert hasattr(knn, "predict_proba") and not hasattr(knn, "decision_function")


_BAD = [
    (dict(spurious_features={7: [5]}), ValueError, "names class 7, which is not in y"),
    (dict(spurious_features={0: [99]}), ValueError, "names feature 99, but X has 11"),
    (
        dict(estimator=KNeighborsClassifier(), warm_start=True),
        ValueError,
        "KNeighborsClassifier has none",
    ),
    (dict(n_per_class=0), ValueError, "'n_per_class' parameter"),
    (dict(n_per_class=1.5), ValueError, "'n_per_class' parameter"),
]


@pytest.mark.parametrize("params, error, message", _BAD)
def test_low_spuriosity_refit_rejects_bad_parameters(data, params, error, message):
    """Check that unknown classes/features, impossible warm starts and bad n fail
    clearly."""
    kwargs = dict(estimator=LogisticRegression(), spurious_features={0: [5]})
    kwargs.update(params)
    with pytest.raises(error, match=message):
        LowSpuriosityRefit(**kwargs).fit(data.X_train, data.y_train)


def test_low_spuriosity_refit_reduces_spurious_gap():
    """Check that the refit shrinks the gap far more than a random-row refit."""
    d = make_spurious_classification(n_samples=3000, random_state=0)
    X_tr, X_va, y_tr, y_va = train_test_split(d.X_train, d.y_train, random_state=0)
    s_va = spuriosity_scores(X_va, y_va, d.spurious_features)

    def gap(model):
        return spurious_gap(y_va, model.fit(X_tr, y_tr).predict(X_va), s_va, k=0.1)

    base = gap(LogisticRegression())
    low = gap(
        LowSpuriosityRefit(
            LogisticRegression(), spurious_features=d.spurious_features, n_per_class=0.2
        )
    )
    rand = gap(
        LowSpuriosityRefit(
            LogisticRegression(), spurious_features={}, n_per_class=0.2, random_state=0
        )
    )
    assert base > 0.1
    assert low < base / 3
    assert rand > base / 2
