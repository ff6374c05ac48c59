"""SMOTENC and SMOTEN: counts, neighbours, geometry, votes, equivalences."""

import numpy as np
import pandas as pd
import pytest
from imblearn import over_sampling as imb
from imblearn.metrics.pairwise import ValueDifferenceMetric
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder

import skclassgap.over_sampling._categorical as cat
from skclassgap.compose._resampled import resampled_weights
from skclassgap.over_sampling import SMOTE, SMOTEN, SMOTENC, GaussianOverSampler
from tests.naive import smotenc_kneighbors_naive
from tests.over_sampling.mixed_data import (
    CATEGORICAL,
    CONTINUOUS,
    abalone19,
    car_like,
    hypothyroid,
    mixed_frame,
    penguins,
)

STRATEGIES = [
    ("binary auto", 2, "auto"),
    ("binary float", 2, 0.6),
    ("binary dict", 2, {1: 200}),
    ("multiclass auto", 3, "auto"),
    ("multiclass all", 3, "all"),
    ("multiclass minority", 3, "minority"),
    ("multiclass not minority", 3, "not minority"),
    ("multiclass dict", 3, {1: 120, 2: 100}),
    ("multiclass callable", 3, lambda y: {2: int((y == 2).sum()) * 2}),
]


def _codes(X, columns):
    """Integer codes of the given columns (pandas.factorize, column by column)."""
    return np.column_stack([pd.factorize(X[c].astype(object))[0] for c in columns])


@pytest.mark.parametrize("case", STRATEGIES, ids=[s[0] for s in STRATEGIES])
@pytest.mark.parametrize("which", ["SMOTENC", "SMOTEN"])
def test_smotenc_smoten_counts_equal_imblearn(case, which):
    """Check that class counts equal imbalanced-learn's for every sampling_strategy."""
    _, n_classes, strategy = case
    X, y = mixed_frame(n=500, minority=0.3, n_classes=n_classes)
    X["code"] = X["code"].astype(str)  # imbalanced-learn cannot encode int and str
    if which == "SMOTENC":
        ours = SMOTENC(sampling_strategy=strategy, random_state=0)
        peer = imb.SMOTENC([3, 4, 5, 6], sampling_strategy=strategy, random_state=0)
    else:
        X = X[CATEGORICAL].astype(str)
        ours = SMOTEN(sampling_strategy=strategy, random_state=0)
        peer = imb.SMOTEN(sampling_strategy=strategy, random_state=0)
    _, y_ours = ours.fit_resample(X, y)
    _, y_peer = peer.fit_resample(X, y)
    np.testing.assert_array_equal(np.bincount(y_ours), np.bincount(y_peer))


def _levels_within_class(X, y, X_res, y_res, columns):
    n = len(X)
    for label in np.unique(y):
        new = X_res.iloc[n:][y_res[n:] == label]
        for c in columns:
            assert new[c].isin(X[c][y == label]).all(), (label, c)


DATASETS = {
    "penguins": penguins,
    "hypothyroid": hypothyroid,
    "abalone19": abalone19,
    "synthetic": lambda: mixed_frame(n=600, minority=0.3, n_classes=3),
    "car-like": car_like,
}


@pytest.mark.parametrize("data", list(DATASETS), ids=list(DATASETS))
@pytest.mark.parametrize(
    "sampler",
    [
        SMOTENC(random_state=0),
        SMOTEN(random_state=0),
        GaussianOverSampler(random_state=0),
    ],
    ids=lambda s: type(s).__name__,
)
def test_synthetic_levels_are_levels_of_the_class(data, sampler):
    """Check that every categorical value of every synthetic row is a value that
    its column holds within the row's class."""
    X, y = DATASETS[data]()
    if isinstance(sampler, SMOTEN):
        X = X.select_dtypes(exclude="number")
    elif isinstance(sampler, GaussianOverSampler) and data == "penguins":
        sampler = GaussianOverSampler(covariance="diag", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    columns = X.columns[sampler.categorical_features_]
    assert len(columns) > 0
    _levels_within_class(X, y, X_res, y_res, columns)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_smotenc_rows_on_segment_to_naive_neighbours_with_majority_levels(k):
    """Check every synthetic row: continuous values at gap g on the segment from
    the parent to one of its k nearest same-class rows (naive SMOTE-NC distance;
    integer columns rounded to the nearest integer), categorical values most
    frequent among the parent's k neighbours (a tie: one of the tied levels)."""
    X, y = mixed_frame(n=300, minority=0.3, n_classes=3)
    sampler = SMOTENC(k_neighbors=k, random_state=1)
    X_res, y_res = sampler.fit_resample(X, y)
    n = len(X)
    values = X[CONTINUOUS].to_numpy(dtype=np.float64)
    codes = _codes(X, CATEGORICAL)
    new_codes = _codes(pd.concat([X, X_res.iloc[n:]]), CATEGORICAL)[n:]
    for label in (1, 2):
        rows = np.flatnonzero(y == label)
        m = np.median(values[rows].std(axis=0))
        assert sampler.median_std_[label] == pytest.approx(m, rel=1e-12)
        nn, _ = smotenc_kneighbors_naive(values[rows], codes[rows], m, k)
        nbrs = {r: rows[nb] for r, nb in zip(rows, nn, strict=True)}
        for t in np.flatnonzero(y_res[n:] == label):
            p, q, g = sampler.parents_[t], sampler.neighbors_[t], sampler.gaps_[t]
            assert y[p] == label and q in nbrs[p] and 0 <= g < 1
            exact = values[p] + g * (values[q] - values[p])
            got = X_res[CONTINUOUS].iloc[n + t].to_numpy(dtype=np.float64)
            np.testing.assert_allclose(got[:2], exact[:2], rtol=1e-6)
            assert got[2] == np.rint(exact[2])
            for f in range(len(CATEGORICAL)):
                levels, counts = np.unique(codes[nbrs[p], f], return_counts=True)
                assert new_codes[t, f] in levels[counts == counts.max()]


@pytest.mark.parametrize("data", ["penguins", "hypothyroid", "synthetic"])
def test_smotenc_neighbour_distances_equal_imblearn_encoding(data):
    """Check that our SMOTE-NC neighbours are as near as those found by
    imbalanced-learn's encoding (continuous columns next to a one-hot scaled by
    median_std / sqrt(2)) with scikit-learn's exact search, and that median_std_
    equals imbalanced-learn's."""
    X, y = DATASETS[data]()
    if "code" in X:
        X["code"] = X["code"].astype(str)  # imbalanced-learn: no int and str mix
    sampler = SMOTENC(random_state=0)
    sampler.fit_resample(X, y)
    cat_cols = X.columns[sampler.categorical_features_]
    cont_cols = X.columns[sampler.continuous_features_]
    peer = imb.SMOTENC(sampler.categorical_features_.tolist(), random_state=0)
    peer.fit_resample(X, y)
    for label, m in sampler.median_std_.items():
        assert m == pytest.approx(peer.median_std_[label], rel=1e-9)
        rows = np.flatnonzero(y == label)
        values = X[cont_cols].to_numpy(dtype=np.float64)[rows]
        codes = _codes(X, cat_cols)[rows]
        onehot = OneHotEncoder().fit_transform(X[cat_cols].iloc[rows]).toarray()
        encoded = np.hstack([values, onehot * m / np.sqrt(2)])
        dist_peer, _ = NearestNeighbors(n_neighbors=6).fit(encoded).kneighbors()
        ours = cat.smotenc_neighbors(values, codes, m, 5)
        dist_ours = np.sqrt(((encoded[ours] - encoded[:, None]) ** 2).sum(axis=2))
        # atol: scikit-learn's distances (|x|^2 - 2 x.y + |y|^2) put exact
        # duplicates a few 1e-6 apart on hypothyroid's scales (values ~ 500).
        np.testing.assert_allclose(dist_ours, dist_peer[:, :5], rtol=1e-9, atol=1e-5)


def test_smoten_neighbour_distances_and_votes_equal_imblearn_rule():
    """Check that SMOTE-N neighbours are as near as imbalanced-learn's (its
    ValueDifferenceMetric and a precomputed exact search) and that each synthetic
    value is most frequent among the parent and its k neighbours."""
    X, y = car_like()
    sampler = SMOTEN(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    n = len(X)
    codes = _codes(X, X.columns)
    new_codes = _codes(pd.concat([X, X_res.iloc[n:]]), X.columns)[n:]
    vdm = ValueDifferenceMetric().fit(codes, y)
    rows = np.flatnonzero(y == 1)
    dist = vdm.pairwise(codes[rows])
    dist_peer, _ = (
        NearestNeighbors(n_neighbors=6, metric="precomputed").fit(dist).kneighbors()
    )
    tables, offsets = cat.vdm_tables(codes, y, codes.max(axis=0) + 1, 2)
    ours = cat.vdm_neighbors(codes[rows], tables, offsets, 2, 5)
    np.testing.assert_array_equal(
        np.take_along_axis(dist, ours, axis=1), dist_peer[:, :5]
    )
    local = {r: i for i, r in enumerate(rows)}
    np.testing.assert_array_equal(sampler.neighbors_, sampler.parents_)
    assert (sampler.gaps_ == 0).all()
    for t, p in enumerate(sampler.parents_):
        voters = np.r_[p, rows[ours[local[p]]]]
        for f in range(X.shape[1]):
            levels, counts = np.unique(codes[voters, f], return_counts=True)
            assert new_codes[t, f] in levels[counts == counts.max()]


def _numeric_inputs():
    X, y = mixed_frame(n=300, minority=0.3, n_classes=3)
    values = X[["length", "weight"]].to_numpy(dtype=np.float64)
    counts = X["count"].to_numpy()
    frame = X[["length", "weight", "count"]]
    inputs = {
        "float64 array": values,
        "float32 array": values.astype(np.float32),
        "int64 array": np.rint(values * 10).astype(np.int64),
        "int32 array": np.rint(values * 10).astype(np.int32),
        "object array of numbers": values.astype(object),
        "float frame": frame[["length", "weight"]],
        "int frame": frame.assign(weight=np.rint(values[:, 1] * 10).astype(int)),
        "nullable frame": frame.astype({"count": "Int64", "weight": "Float64"}),
        "mixed frame": frame.assign(
            count=counts.astype(np.int16), small=(counts % 7).astype(np.int8)
        ),
        "float32 and int8 frame": frame[["weight"]].assign(
            small=(counts % 7).astype(np.int8)
        ),
        "bool frame, no categorical": frame.assign(flag=X["flag"]),
    }
    return inputs, y


NUMERIC_INPUTS, NUMERIC_Y = _numeric_inputs()


@pytest.mark.parametrize("kind", list(NUMERIC_INPUTS))
def test_smotenc_without_categorical_equals_smote(kind):
    """Check that SMOTENC without categorical column (none found by "auto", or
    categorical_features=[]) returns exactly SMOTE's output, bit for bit, with
    the same provenance: float, integer and object arrays, and DataFrames of
    float, integer, nullable and boolean columns."""
    X, y = NUMERIC_INPUTS[kind], NUMERIC_Y
    spec = [] if kind.startswith("bool") else "auto"
    smote = SMOTE(random_state=0)
    smotenc = SMOTENC(categorical_features=spec, random_state=0)
    expected, y_expected = smote.fit_resample(X, y)
    got, y_got = smotenc.fit_resample(X, y)
    assert len(smotenc.categorical_features_) == 0
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got.dtypes.equals(X.dtypes)
    else:
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(y_got, y_expected)
    for attr in ("sample_indices_", "parents_", "neighbors_", "gaps_"):
        np.testing.assert_array_equal(getattr(smotenc, attr), getattr(smote, attr))


def test_smotenc_without_continuous_equals_smoten():
    """Check that SMOTENC on categorical columns only is SMOTE-N: the same output
    and provenance as SMOTEN."""
    X, y = car_like()
    a = SMOTENC(random_state=3, k_neighbors=4)
    b = SMOTEN(random_state=3, k_neighbors=4)
    pd.testing.assert_frame_equal(a.fit_resample(X, y)[0], b.fit_resample(X, y)[0])
    np.testing.assert_array_equal(a.parents_, b.parents_)


@pytest.mark.parametrize("sampler_cls", [SMOTENC, SMOTEN])
def test_kernel_path_threads_and_seed(sampler_cls, monkeypatch):
    """Check that the numba path (any number of threads) gives the NumPy path's
    output exactly, and that a seed repeats it."""
    X, y = mixed_frame(n=700, minority=0.45)
    if sampler_cls is SMOTEN:
        X = X[CATEGORICAL]
    expected, _ = sampler_cls(random_state=0).fit_resample(X, y)
    again, _ = sampler_cls(random_state=0).fit_resample(X, y)
    pd.testing.assert_frame_equal(again, expected)
    monkeypatch.setattr(cat, "_NUMPY_PAIRS", 0)
    for n_jobs in (1, 2):
        got, _ = sampler_cls(random_state=0, n_jobs=n_jobs).fit_resample(X, y)
        pd.testing.assert_frame_equal(got, expected)


def test_smotenc_neighbours_estimator_equals_builtin():
    """Check that a neighbours estimator (fed imbalanced-learn's encoding) gives
    the built-in search's output on data without distance ties."""
    X, y = mixed_frame(n=300)
    a, _ = SMOTENC(k_neighbors=3, random_state=0).fit_resample(X, y)
    b, _ = SMOTENC(
        k_neighbors=NearestNeighbors(n_neighbors=4), random_state=0
    ).fit_resample(X, y)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-6)


def test_smoten_neighbours_estimator_gets_precomputed_vdm():
    """Check that SMOTEN sets a neighbours estimator to metric="precomputed" and
    that it gives the built-in search's output where distances do not tie."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.integers(0, 9, (200, 5)).astype(str))
    y = (rng.random(200) < 0.3).astype(int)
    a, _ = SMOTEN(k_neighbors=3, random_state=0).fit_resample(X, y)
    sampler = SMOTEN(k_neighbors=NearestNeighbors(n_neighbors=4), random_state=0)
    b, _ = sampler.fit_resample(X, y)
    assert sampler.nn_k_.metric == "precomputed"
    pd.testing.assert_frame_equal(a, b)


def test_smotenc_many_levels_memory_bounded():
    """Check that a column of a million declared levels (5,000 used) and one of
    5,000 string levels cost no more memory than the data: peak traced memory
    stays below 10x the size of input plus output."""
    import tracemalloc

    rng = np.random.default_rng(0)
    n = 5000
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "z": rng.normal(size=n),
            "big": pd.Categorical.from_codes(
                rng.choice(10**6, n, replace=False), categories=np.arange(10**6)
            ),
            "text": pd.array([f"v{i}" for i in rng.integers(0, 5000, n)], dtype="str"),
        }
    )
    y = np.r_[[0] * (n - 500), [1] * 500]
    SMOTENC(random_state=0).fit_resample(X.iloc[:600], y[-600:])  # warm up
    tracemalloc.start()
    X_res, _ = SMOTENC(random_state=0).fit_resample(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = X.memory_usage(deep=True).sum() + X_res.memory_usage(deep=True).sum()
    assert X_res["big"].dtype == X["big"].dtype
    assert peak < 10 * size + 2**20


def test_smoten_many_classes_one_row_short():
    """Check SMOTEN with 150 classes of 6 rows and one of 60: every class reaches
    60 rows with levels of its own class."""
    rng = np.random.default_rng(0)
    y = np.r_[np.repeat(np.arange(150), 6), np.full(60, 150)]
    X = pd.DataFrame(
        {
            "a": pd.array((y % 7).astype(str), dtype="str"),
            "b": pd.Categorical(rng.integers(0, 4, len(y))),
        }
    )
    X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    assert (np.bincount(y_res) == 60).all()
    _levels_within_class(X, y, X_res, y_res, ["a", "b"])


def test_smotenc_duplicated_class_rows():
    """Check a class whose rows are all identical (median std 0): every synthetic
    row equals them."""
    X, y = mixed_frame(n=200)
    X.loc[y == 1] = X.loc[y == 1].iloc[[0] * int((y == 1).sum())].to_numpy()
    X = X.astype(mixed_frame(n=200)[0].dtypes)
    sampler = SMOTENC(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.median_std_[1] == 0.0
    new = X_res.iloc[len(X) :].reset_index(drop=True)
    expected = X.loc[y == 1].iloc[[0] * len(new)].reset_index(drop=True)
    pd.testing.assert_frame_equal(new, expected)


@pytest.mark.parametrize("sampler_cls", [SMOTENC, SMOTEN])
def test_sample_weight_follows_provenance(sampler_cls):
    """Check ResampledClassifier's weight rule through the samplers: a SMOTE-NC row
    gets (1 - g) w[parent] + g w[neighbour], a SMOTE-N row its parent's weight."""
    X, y = mixed_frame(n=200)
    if sampler_cls is SMOTEN:
        X = X[CATEGORICAL]
    w = np.random.default_rng(1).random(len(X)) + 0.5
    sampler = sampler_cls(random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    got = resampled_weights(sampler, w, y_res, len(X))[len(X) :]
    g = sampler.gaps_
    np.testing.assert_allclose(
        got, (1 - g) * w[sampler.parents_] + g * w[sampler.neighbors_]
    )
    if sampler_cls is SMOTEN:
        np.testing.assert_allclose(got, w[sampler.parents_])
