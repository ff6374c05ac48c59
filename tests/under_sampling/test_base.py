"""Behaviour every under-sampler shares: formats, dtypes, errors."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skclassgap.under_sampling import (
    AllKNN,
    ClusterCentroids,
    CondensedNearestNeighbour,
    EditedNearestNeighbours,
    InstanceHardnessThreshold,
    NearMiss,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    RandomUnderSampler,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)
from skclassgap.under_sampling._base import _ListFinder, search_array
from tests.naive import kneighbors_exact_naive
from tests.under_sampling.datasets import HOSTILE, dataset, hostile

# Samplers that return input rows only (ClusterCentroids with soft voting
# returns centroids: see its own tests).
SELECTORS = [
    RandomUnderSampler(random_state=0),
    TomekLinks(),
    EditedNearestNeighbours(),
    RepeatedEditedNearestNeighbours(),
    AllKNN(),
    NeighbourhoodCleaningRule(),
    NearMiss(version=1),
    NearMiss(version=2),
    CondensedNearestNeighbour(random_state=0),
    OneSidedSelection(random_state=0),
    # Scaled: the pandas test's integer columns (x100) leave lbfgs unconverged.
    InstanceHardnessThreshold(
        estimator=make_pipeline(StandardScaler(with_mean=False), LogisticRegression()),
        cv=3,
        random_state=0,
    ),
    ClusterCentroids(voting="hard", random_state=0),
]
NUMERIC = SELECTORS[1:]  # every sampler but RandomUnderSampler compares rows
IDS = [repr(s) for s in SELECTORS]


def _small():
    X, y = dataset("gen3")
    return X[::3], y[::3]


@pytest.mark.parametrize("sampler", SELECTORS, ids=IDS)
def test_under_samplers_pandas_rows_dtypes_and_index_kept(sampler):
    """Check that a DataFrame comes back as X.iloc[sample_indices_]: numeric
    dtypes (float32, int64, nullable Int64, bool) and index labels kept, and
    that a Series y follows with X's index and its name; the rows equal the
    array path's."""
    X, y = _small()
    frame = pd.DataFrame(
        {
            "f32": X[:, 0].astype(np.float32),
            "i64": np.round(X[:, 1] * 100).astype(np.int64),
            "nullable": pd.array(np.round(X[:, 2] * 100).astype(int), dtype="Int64"),
            "flag": X[:, 3] > 0,
            "f64": X[:, 4],
        },
        index=pd.Index(np.arange(len(y)) * 7 + 3, name="id"),
    )
    target = pd.Series(y, index=frame.index, name="label")
    X_res, y_res = sampler.fit_resample(frame, target)
    pd.testing.assert_frame_equal(X_res, frame.iloc[sampler.sample_indices_])
    pd.testing.assert_index_equal(y_res.index, X_res.index)
    assert y_res.name == "label"
    array = frame.to_numpy(dtype=np.float64)
    expected = pickle.loads(pickle.dumps(sampler)).fit_resample(array, y)[0]
    np.testing.assert_array_equal(X_res.to_numpy(dtype=np.float64), expected)


@pytest.mark.parametrize("sampler", NUMERIC[:-1], ids=IDS[1:-1])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_under_samplers_sparse_equals_dense(sampler, fmt):
    """Check that sparse input keeps the same rows as dense input and comes back
    in its format (ClusterCentroids aside: k-means' centroids differ by ulps
    between formats, enough to flip the nearest of two equidistant rows)."""
    X, y = _small()
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    dense = pickle.loads(pickle.dumps(sampler))
    dense.fit_resample(X, y)
    X_res, _ = sampler.fit_resample(sparse.csr_matrix(X).asformat(fmt), y)
    assert X_res.format == fmt
    np.testing.assert_array_equal(sampler.sample_indices_, dense.sample_indices_)
    np.testing.assert_array_equal(X_res.toarray(), X[dense.sample_indices_])


@pytest.mark.parametrize("sampler", SELECTORS, ids=IDS)
def test_under_samplers_keep_float32(sampler):
    """Check that float32 input comes back float32."""
    X, y = _small()
    X_res, _ = sampler.fit_resample(X.astype(np.float32), y)
    assert X_res.dtype == np.float32


@pytest.mark.parametrize("sampler", NUMERIC, ids=IDS[1:])
def test_under_samplers_refuse_nan_as_the_over_samplers(sampler):
    """Check that NaN in X gets the message of the over-samplers (scikit-learn's
    'Input X contains NaN')."""
    X, y = _small()
    X = X.copy()
    X[4, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        sampler.fit_resample(X, y)


@pytest.mark.parametrize("sampler", NUMERIC, ids=IDS[1:])
@pytest.mark.parametrize("column", ["category", "object"])
def test_under_samplers_refuse_categorical_columns_by_name(sampler, column):
    """Check that a non-numeric DataFrame column is refused with its name and
    dtype (distances need numbers), rather than encoded silently."""
    X, y = _small()
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    values = np.where(y == 0, "red", "blue")
    frame["colour"] = pd.Categorical(values) if column == "category" else values
    message = f"column 'colour' has dtype {frame['colour'].dtype}"
    with pytest.raises(TypeError, match=re.escape(message)):
        sampler.fit_resample(frame, y)


@pytest.mark.parametrize(
    "sampler, message",
    [
        (
            EditedNearestNeighbours(n_neighbors=12),
            "n_neighbors=12 needs at least 13 samples in the data set, which has 12",
        ),
        (
            TomekLinks(sampling_strategy=lambda y: {0: 3}),
            "sampling_strategy as a dict is not supported by cleaning samplers",
        ),
        (
            RandomUnderSampler(sampling_strategy={1: 9}),
            "asks for 9 rows of class 1, which has 4",
        ),
        (
            NearMiss(sampling_strategy="minority"),
            "The 'sampling_strategy' parameter of NearMiss must be",
        ),
    ],
)
def test_under_samplers_bad_input_errors(sampler, message):
    """Check that a data set too small for the neighbours asked, and strategies
    that cannot apply, are refused with what was asked and what the data
    have."""
    X = np.arange(24.0).reshape(12, 2)
    y = np.r_[[0] * 8, [1] * 4]
    with pytest.raises(ValueError, match=re.escape(message)):
        sampler.fit_resample(X, y)


def test_under_samplers_refuse_extra_arguments():
    """Check that fit_resample refuses keyword arguments it does not use
    instead of swallowing typos."""
    X, y = _small()
    with pytest.raises(TypeError, match=r"got \['sample_weight'\]"):
        TomekLinks().fit_resample(X, y, sample_weight=np.ones(len(y)))


@pytest.mark.parametrize(
    "sampler, message",
    [
        (
            NearMiss(version=3, n_neighbors_ver3=60),
            "n_neighbors_ver3=60 needs at least 60 samples in class 1, which has 56",
        ),
        (
            EditedNearestNeighbours(n_neighbors=NearestNeighbors(n_neighbors=1)),
            "must have an integer n_neighbors >= 2",
        ),
    ],
)
def test_under_samplers_neighbour_parameter_errors(sampler, message):
    """Check that a class too small for NearMiss-3's search names the class and
    its size, and that an estimator leaving no neighbour once the row itself
    is dropped is refused."""
    X, y = _small()
    with pytest.raises(ValueError, match=re.escape(message)):
        sampler.fit_resample(X, y)


def test_under_samplers_fit_sets_strategy_only():
    """Check that fit checks the input and sets sampling_strategy_ without
    resampling."""
    X, y = _small()
    sampler = EditedNearestNeighbours().fit(X, y)
    assert list(sampler.sampling_strategy_) == [1, 2]
    assert np.argmin(np.bincount(y)) == 0
    assert not hasattr(sampler, "sample_indices_")


def _ties(n=180):
    """Rows on a small integer grid: many exact distance ties across classes,
    and duplicated rows."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 3, size=(n, 3)).astype(np.float64)
    y = (rng.random(n) < 0.2).astype(np.int64)
    return X, y


@pytest.mark.parametrize("data", HOSTILE + ["ties"])
@pytest.mark.parametrize("k", [1, 3, pytest.param(5, marks=pytest.mark.slow)])
def test_list_finder_impure_lists_hold_every_impure_row(data, k):
    """Check that the rows left out by the purity screen are exactly pure:
    every row whose exact k nearest other rows are not all of its class is
    listed and each list equals the exact whole-set list; with one neighbour
    (most rows pure) the screen leaves rows out, so it ran."""
    X, y = _ties() if data == "ties" else hostile(data)
    X = search_array(X)
    codes = np.unique(y, return_inverse=True)[1].astype(np.int64)
    asked = np.flatnonzero(codes == 0)
    every = kneighbors_exact_naive(X, X, k, np.arange(len(X)))
    impure = asked[~np.all(codes[every[asked]] == 0, axis=1)]
    lists = _ListFinder(X, codes, k, None, None).impure_lists(asked)
    assert np.all(np.isin(impure, lists.rows))
    assert np.all(np.isin(lists.rows, asked))
    np.testing.assert_array_equal(lists.nbrs, every[lists.rows])
    if k == 1:
        assert len(lists.rows) < len(asked)
