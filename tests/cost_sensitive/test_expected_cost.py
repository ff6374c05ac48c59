import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier

from skclassgap.cost_sensitive import expected_cost, make_cost_scorer
from tests.naive import expected_cost_naive

COST = np.array([[0.0, 1.0, 4.0], [2.0, 0.5, 3.0], [5.0, 1.5, 0.0]])


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_expected_cost_matches_naive(normalize, weighted):
    """Check that expected_cost equals the row-by-row sum of weighted costs."""
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 300)
    y_pred = rng.integers(0, 3, 300)
    sw = rng.uniform(0, 2, 300) if weighted else None
    result = expected_cost(y_true, y_pred, COST, sample_weight=sw, normalize=normalize)
    expected = expected_cost_naive(y_true, y_pred, COST, [0, 1, 2], sw, normalize)
    assert result == pytest.approx(expected, rel=1e-12)


def test_expected_cost_labelled_formats_and_labels():
    """Check that a DataFrame, a dict and an array with labels give the same cost."""
    labels = ["cat", "dog", "owl"]
    y_true = ["cat", "dog", "owl", "owl", "cat"]
    y_pred = ["dog", "dog", "cat", "owl", "owl"]
    expected = expected_cost_naive(y_true, y_pred, COST, labels)
    frame = pd.DataFrame(COST, index=labels, columns=labels).iloc[::-1, ::-1]
    nested = {
        t: {p: COST[i, j] for j, p in enumerate(labels)} for i, t in enumerate(labels)
    }
    for cost, kw in ((frame, {}), (nested, {}), (COST, {"labels": labels}), (COST, {})):
        assert expected_cost(y_true, y_pred, cost, **kw) == pytest.approx(expected)


def test_expected_cost_labels_cover_missing_class():
    """Check that labels= lets an array cover a class absent from both label arrays."""
    y_true, y_pred = [0, 2, 2], [0, 0, 2]
    result = expected_cost(y_true, y_pred, COST, labels=[0, 1, 2])
    assert result == pytest.approx(COST[2, 0] / 3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(y_true=[0, 2], y_pred=[0, 2], cost_matrix=COST),
            r"array with 3 rows but y_true and y_pred hold 2 classes \[0, 2\]; "
            r"pass labels=",
        ),
        (
            dict(y_true=[0, 3], y_pred=[0, 1], cost_matrix=COST, labels=[0, 1, 2]),
            r"hold labels \[3\] that the cost matrix does not cover",
        ),
        (
            dict(y_true=[0, 1], y_pred=[0, 1], cost_matrix=COST, labels=[0, 0, 1]),
            r"labels must be a 1-d list of distinct classes; got \[0, 0, 1\]",
        ),
        (
            dict(
                y_true=[0, 1],
                y_pred=[0, 1],
                cost_matrix=COST[:2, :2],
                sample_weight=[0, 0],
            ),
            "sample_weight is zero everywhere",
        ),
        (
            dict(y_true=[0, 1], y_pred=[0, 1], cost_matrix=-COST[:2, :2]),
            "negative costs",
        ),
    ],
)
def test_expected_cost_rejects_bad_input(kwargs, match):
    """Check that expected_cost errors name what was received."""
    with pytest.raises(ValueError, match=match):
        expected_cost(**kwargs)


def test_make_cost_scorer_is_negative_expected_cost():
    """Check that the scorer returns minus expected_cost of the estimator's
    predictions."""
    X, y = load_iris(return_X_y=True)
    model = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)
    scorer = make_cost_scorer(COST)
    assert scorer(model, X, y) == pytest.approx(
        -expected_cost(y, model.predict(X), COST)
    )
    assert scorer._sign == -1


def test_make_cost_scorer_selects_cheapest_in_grid_search():
    """Check that GridSearchCV with the scorer picks the candidate of least CV cost."""
    X, y = load_iris(return_X_y=True)
    scorer = make_cost_scorer(COST, labels=[0, 1, 2])
    search = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3]},
        cv=3,
        scoring=scorer,
    ).fit(X, y)
    means = search.cv_results_["mean_test_score"]
    assert (means <= 0).all()
    assert search.best_index_ == int(np.argmax(means))
    assert search.best_params_ == {"max_depth": [1, 2, 3][int(np.argmax(means))]}
