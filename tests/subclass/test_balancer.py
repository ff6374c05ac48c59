"""SubclassBalancer: exact cell counts, provenance, weights, pipelines, errors."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skclassgap.compose import ResampledClassifier
from skclassgap.datasets import make_subclass_classification
from skclassgap.over_sampling import SMOTE
from skclassgap.subclass import SubclassBalancer
from skclassgap.subclass._balancer import cell_targets


def _known():
    """Two classes of known sub-classes: class 0 = 12 + 3 rows, class 1 = 8 + 8 + 4."""
    rng = np.random.default_rng(0)
    y = np.array([0] * 15 + [1] * 20)
    sub = np.array([0] * 12 + [1] * 3 + [0] * 8 + [1] * 8 + [2] * 4)
    X = rng.standard_normal((35, 3)) + 4.0 * sub[:, None] + 10.0 * y[:, None]
    return X, y, sub


@pytest.mark.parametrize(
    "strategy, alpha, expected",
    [
        # keep: B_0 = 12 + 12 = 24 (x1.6), B_1 = 8 + 8 + 8 = 24 (x1.2); R = 1.6,
        # class 1 factor 1.6 * 20 / 24.
        ("keep", 1.0, [12, 12, 11, 11, 11]),
        # alpha 0: nothing changes.
        ("keep", 0.0, [12, 3, 8, 8, 4]),
        # balance: both classes to 24 rows.
        ("balance", 1.0, [12, 12, 8, 8, 8]),
        # alpha 0.5: sqrt(n * m): class 0: 12, 6 (B=18, x1.2); class 1: 8, 8,
        # 5.657 (B=21.657, x1.083); R = 1.2 -> class 1 x 24 / 21.657.
        ("keep", 0.5, [12, 6, 9, 9, 6]),
    ],
)
def test_subclass_balancer_cell_counts_exact(strategy, alpha, expected):
    """Check the rows of every (class, sub-class) cell after resampling against
    the formula worked out by hand."""
    X, y, sub = _known()
    balancer = SubclassBalancer(strategy, alpha=alpha, random_state=0)
    X_res, y_res = balancer.fit_resample(X, y, subclasses=sub)
    source = balancer.sample_indices_
    cells = pd.Series(1, index=pd.MultiIndex.from_arrays([y_res, sub[source]]))
    counts = cells.groupby(level=[0, 1]).size()
    np.testing.assert_array_equal(counts.to_numpy(), expected)
    np.testing.assert_array_equal(balancer.cells_["n_after"].to_numpy(), expected)
    np.testing.assert_array_equal(
        balancer.cells_["n_before"].to_numpy(), [12, 3, 8, 8, 4]
    )
    np.testing.assert_array_equal(X_res[: len(X)], X)  # input rows first, in order
    np.testing.assert_array_equal(X_res, X[source])
    assert balancer.sampling_strategy_ == {
        0: sum(expected[:2]) - 15,
        1: sum(expected[2:]) - 20,
    }


def test_cell_targets_keep_preserves_class_proportions():
    """Check that "keep" grows every class by the same factor (before rounding)."""
    cell_class = np.array([0, 0, 1, 1, 1, 2])
    size = np.array([100, 10, 50, 50, 5, 30])
    t = cell_targets(cell_class, size, 3, 1.0, "keep")
    growth = np.bincount(cell_class, weights=t) / np.bincount(cell_class, weights=size)
    # B_c / n_c: 200 / 110 (largest), 150 / 105, 30 / 30: all grow by 200 / 110.
    np.testing.assert_allclose(growth, 200 / 110, atol=0.02)  # cells round to rows
    assert (t >= size).all()


def test_subclass_balancer_copies_equal_integer_weights():
    """Check that copying rows is integer weighting: a model fitted on the copies
    equals one fitted on the input rows with sample_weight_, and
    ResampledClassifier fits that same model."""
    X, _, _ = _known()
    X = X[:30]
    y = np.array([0] * 15 + [1] * 15)
    sub = np.array([0] * 10 + [1] * 5 + [0] * 10 + [1] * 5)  # cells of 5 -> 10 rows
    balancer = SubclassBalancer(random_state=0)
    X_res, y_res = balancer.fit_resample(X, y, subclasses=sub)
    np.testing.assert_array_equal(np.unique(balancer.sample_weight_), [1.0, 2.0])
    on_copies = LogisticRegression(tol=1e-10).fit(X_res, y_res)
    weighted = LogisticRegression(tol=1e-10).fit(
        X, y, sample_weight=balancer.sample_weight_
    )
    np.testing.assert_allclose(on_copies.coef_, weighted.coef_, rtol=1e-5)


def test_subclass_balancer_smote_stays_inside_cells():
    """Check that with an over-sampler, every synthetic row's parent and
    neighbour come from the same cell, and the cells reach their targets."""
    X, y, sub = _known()
    balancer = SubclassBalancer(oversampler=SMOTE(k_neighbors=2), random_state=0)
    X_res, y_res = balancer.fit_resample(X, y, subclasses=sub)
    cell = y * 10 + sub
    np.testing.assert_array_equal(cell[balancer.parents_], cell[balancer.neighbors_])
    n_syn = len(balancer.parents_)
    assert n_syn == len(y_res) - len(y)
    np.testing.assert_array_equal(y_res[len(y) :], y[balancer.parents_])
    added = pd.Series(cell[balancer.parents_]).value_counts().sort_index()
    expected = balancer.cells_["n_after"] - balancer.cells_["n_before"]
    np.testing.assert_array_equal(added.to_numpy(), expected[expected > 0].to_numpy())


def test_subclass_balancer_reproducible_with_random_state():
    """Check that discovery and copies repeat exactly for the same random_state."""
    data = make_subclass_classification(600, n_features=6, random_state=0)
    kw = dict(estimator=LogisticRegression(), cv=3, random_state=4)
    a = SubclassBalancer(**kw)
    b = SubclassBalancer(**kw)
    Xa, ya = a.fit_resample(data.data, data.target)
    Xb, yb = b.fit_resample(data.data, data.target)
    np.testing.assert_array_equal(a.subclasses_, b.subclasses_)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)


def test_subclass_balancer_discovered_cells_consistent():
    """Check that with discovered sub-classes the output holds exactly n_after
    rows of every cell, cells_ counts the input rows of subclasses_, and
    sample_weight_ is n_after / n_before of each row's cell."""
    data = make_subclass_classification(1000, random_state=0)
    X, y = data.data, data.target
    balancer = SubclassBalancer(estimator=LogisticRegression(), cv=3, random_state=0)
    X_res, y_res = balancer.fit_resample(X, y)
    cells = balancer.cells_
    found = pd.Series(1, index=pd.MultiIndex.from_arrays([y, balancer.subclasses_]))
    np.testing.assert_array_equal(
        found.groupby(level=[0, 1]).size().to_numpy(), cells["n_before"].to_numpy()
    )
    source = balancer.sample_indices_
    out = pd.Series(
        1, index=pd.MultiIndex.from_arrays([y_res, balancer.subclasses_[source]])
    )
    np.testing.assert_array_equal(
        out.groupby(level=[0, 1]).size().to_numpy(), cells["n_after"].to_numpy()
    )
    weight = (
        cells["weight"].loc[list(zip(y, balancer.subclasses_, strict=True))].to_numpy()
    )
    np.testing.assert_allclose(balancer.sample_weight_, weight)


def test_subclass_balancer_in_resampled_classifier_and_grid_search():
    """Check that the balancer works inside ResampledClassifier tuned by
    GridSearchCV: the refitted model saw the balancer's rows."""
    data = make_subclass_classification(400, n_features=5, random_state=0)
    clf = ResampledClassifier(
        LogisticRegression(), sampler=SubclassBalancer(random_state=0)
    )
    search = GridSearchCV(clf, {"sampler__alpha": [0.0, 1.0]}, cv=3).fit(
        data.data, data.target
    )
    best = search.best_estimator_
    n_fit = best.sampler_.sample_indices_.shape[0]
    expected = best.sampler_.cells_["n_after"].sum()
    assert n_fit == expected
    assert search.best_params_["sampler__alpha"] in (0.0, 1.0)


def test_subclass_balancer_errors():
    """Check the errors: one class, sparse X, wrong subclasses length, an
    over-sampler that cannot work inside a small cell."""
    from scipy import sparse

    X, y, sub = _known()
    with pytest.raises(ValueError, match="more than 1 class"):
        SubclassBalancer().fit_resample(X, np.zeros(35, dtype=int))
    with pytest.raises(TypeError, match="does not accept sparse X"):
        SubclassBalancer().fit_resample(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError, match="groups has 3 values but there are 35"):
        SubclassBalancer().fit_resample(X, y, subclasses=[0, 1, 2])
    with pytest.raises(
        ValueError, match=r"SMOTE failed inside the .*sizes are \[12, 3"
    ):
        SubclassBalancer(oversampler=SMOTE(k_neighbors=5)).fit_resample(
            X, y, subclasses=sub
        )
