"""One integer rule for every sampler and every input kind (``_table``)."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import make_classification

from skclassgap.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    BorderlineSMOTE,
    GaussianOverSampler,
)
from skclassgap.over_sampling._table import cast_synthetic

N = 120


def _labels():
    return np.r_[[0] * 84, [1] * 36]


def _integers(seed=0):
    """Integer features with classes apart, and interpolations off the integers."""
    X, _ = make_classification(
        n_samples=N,
        n_features=3,
        n_informative=3,
        n_redundant=0,
        class_sep=0.6,
        shuffle=False,
        weights=[0.7],
        random_state=seed,
    )
    return np.rint(X * 7).astype(np.int64)


def _inputs():
    Z = _integers()
    flag = Z[:, 2] > 0
    return {
        "int64 array": Z,
        "int32 array": Z.astype(np.int32),
        "int64 column": pd.DataFrame({"a": Z[:, 0], "b": Z[:, 1] / 7.0, "c": Z[:, 2]}),
        "Int64 column": pd.DataFrame(
            {"a": pd.array(Z[:, 0], dtype="Int64"), "b": Z[:, 1] / 7.0}
        ),
        "boolean column": pd.DataFrame(
            {"a": Z[:, 0] / 7.0, "b": Z[:, 1], "f": pd.array(flag, dtype="boolean")}
        ),
        "bool column": pd.DataFrame({"a": Z[:, 0] / 7.0, "b": Z[:, 1], "f": flag}),
        "mixed frame": pd.DataFrame(
            {
                "a": Z[:, 0].astype(np.int8),
                "b": (Z[:, 1] / 7.0).astype(np.float32),
                "c": pd.array(Z[:, 2], dtype="Int16"),
                "d": Z[:, 0] / 3.0,
            }
        ),
    }


INPUTS = _inputs()
INTERPOLATING = [
    SMOTE(random_state=0),
    BorderlineSMOTE(random_state=0, m_neighbors=8),
    BorderlineSMOTE(kind="borderline-2", random_state=0, m_neighbors=8),
    ADASYN(random_state=0),
    SMOTENC(random_state=0),
]
SAMPLERS = [*INTERPOLATING, GaussianOverSampler(random_state=0)]


def _sampler_id(sampler):
    kind = sampler.get_params().get("kind")
    return type(sampler).__name__ + ("-2" if kind == "borderline-2" else "")


def _columns(X):
    """``(name, float values, dtype)`` of every column of a frame or array."""
    if isinstance(X, pd.DataFrame):
        return [(c, X[c].to_numpy(dtype=np.float64), X[c].dtype) for c in X.columns]
    return [(j, X[:, j].astype(np.float64), X.dtype) for j in range(X.shape[1])]


def _categorical(sampler, dtype):
    """Whether ``sampler`` takes a column of ``dtype`` as categorical ("auto")."""
    mixed = isinstance(sampler, SMOTENC | GaussianOverSampler)
    return mixed and pd.api.types.is_bool_dtype(dtype)


@pytest.mark.parametrize("kind", list(INPUTS))
@pytest.mark.parametrize("sampler", SAMPLERS, ids=_sampler_id)
def test_samplers_keep_dtypes_and_round_integer_columns(sampler, kind):
    """Check that every sampler keeps the input's dtypes (arrays and every
    column, nullable ones included, without crashing), copies the input rows
    unchanged, and gives integer columns the interpolated value rounded to the
    nearest integer (np.rint of the float value computed from parents_,
    neighbors_ and gaps_), boolean columns (0/1 for the SMOTE family,
    categorical for SMOTENC and the Gaussian sampler) the value rounded to 0 or
    1, and float columns the float value."""
    X, y = INPUTS[kind], _labels()
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(X_res) > N and len(X_res) == len(y_res)
    if isinstance(X, pd.DataFrame):
        assert X_res.dtypes.equals(X.dtypes)
        pd.testing.assert_frame_equal(X_res.iloc[:N], X)
    else:
        assert X_res.dtype == X.dtype
        np.testing.assert_array_equal(X_res[:N], X)
    p, q, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    interpolated = not isinstance(sampler, GaussianOverSampler)
    for (name, values, dtype), (_, got, _) in zip(
        _columns(X), _columns(X_res), strict=True
    ):
        new = got[N:]
        if _categorical(sampler, dtype):
            assert set(new) <= set(values[y == 1])
            continue
        if not interpolated:
            continue
        exact = values[p] + g * (values[q] - values[p])
        if pd.api.types.is_bool_dtype(dtype):
            np.testing.assert_array_equal(new, exact > 0.5, err_msg=str(name))
        elif pd.api.types.is_integer_dtype(dtype):
            np.testing.assert_array_equal(new, np.rint(exact), err_msg=str(name))
        else:
            np.testing.assert_allclose(new, exact, rtol=1e-6, err_msg=str(name))


@pytest.mark.parametrize("kind", list(INPUTS))
@pytest.mark.parametrize("sampler", SAMPLERS, ids=_sampler_id)
def test_samplers_integer_output_is_float_output_cast(sampler, kind):
    """Check that the output on integer columns is the output of the same
    sampler on the same values as float64 columns, cast by the rule (rounded,
    clipped; booleans above one half), with the same provenance: integers change
    the dtype of the output only, never the computation."""
    X, y = INPUTS[kind], _labels()
    if isinstance(X, pd.DataFrame):
        categorical = [c for c in X if _categorical(sampler, X[c].dtype)]
        floats = X.astype({c: np.float64 for c in X if c not in categorical})
    else:
        floats = X.astype(np.float64)
    X_res, _ = sampler.fit_resample(X, y)
    parents = sampler.parents_.copy()
    F_res, _ = type(sampler)(**sampler.get_params()).fit_resample(floats, y)
    np.testing.assert_array_equal(sampler.parents_, parents)
    for (name, got, dtype), (_, as_float, _) in zip(
        _columns(X_res), _columns(F_res), strict=True
    ):
        expected = cast_synthetic(as_float, dtype)
        np.testing.assert_array_equal(
            got, np.asarray(expected, dtype=np.float64), err_msg=str(name)
        )


@pytest.mark.parametrize("kind", ["int64 array", "Int64 column", "boolean column"])
def test_smoten_keeps_integer_and_boolean_dtypes(kind):
    """Check that SMOTEN (every column categorical) keeps integer, nullable and
    boolean dtypes and gives synthetic rows only values of their class."""
    X, y = INPUTS[kind], _labels()
    X_res, _ = SMOTEN(random_state=0).fit_resample(X, y)
    if isinstance(X, pd.DataFrame):
        assert X_res.dtypes.equals(X.dtypes)
    else:
        assert X_res.dtype == X.dtype
    for (_, values, _), (name, got, _) in zip(
        _columns(X), _columns(X_res), strict=True
    ):
        assert set(got[N:]) <= set(values[y == 1]), name


@pytest.mark.parametrize("dtype", ["Int64", "boolean", "Float64"])
@pytest.mark.parametrize("sampler", SAMPLERS, ids=_sampler_id)
def test_samplers_nullable_column_with_missing_value_error(sampler, dtype):
    """Check that a nullable column with a missing value gets the NaN error
    naming the column (categorical for a boolean column under SMOTENC and the
    Gaussian sampler), never an internal pandas error."""
    X = INPUTS["Int64 column"].copy()
    X["v"] = pd.array([1, 0] * (N // 2), dtype=dtype)
    X.loc[5, "v"] = pd.NA
    kind = "categorical" if _categorical(sampler, X["v"].dtype) else "continuous"
    with pytest.raises(
        ValueError, match=f"Input X contains NaN in {kind} column 'v' \\(first at row 5"
    ):
        sampler.fit_resample(X, _labels())


@pytest.mark.parametrize(
    "values, dtype, expected",
    [
        ([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999], np.int64, [0, 2, 2, 0, -2, 2]),
        ([126.6, 131.0, -200.0], np.int8, [127, 127, -128]),
        ([-3.0, 0.5, 7.7], np.uint16, [0, 0, 8]),
        ([0.5, 0.51, -1.0, 3.0, 0.0], np.bool_, [False, True, False, True, False]),
        ([2.5, 3.5, -1e30], "Int32", [2, 4, np.iinfo(np.int32).min]),
        ([0.2, 0.7], "boolean", [False, True]),
        ([0.25, 1.5], np.float32, [0.25, 1.5]),
        ([0.25, 1.5], "Float64", [0.25, 1.5]),
    ],
)
def test_cast_synthetic_rounds_half_to_even_and_clips(values, dtype, expected):
    """Check the rule: integers rounded half to even (np.rint) and clipped to the
    dtype's range, booleans True above one half, floats cast; NumPy dtypes give
    arrays and pandas dtypes pandas arrays of that dtype."""
    got = cast_synthetic(np.array(values), pd.api.types.pandas_dtype(dtype))
    assert got.dtype == pd.api.types.pandas_dtype(dtype)
    np.testing.assert_array_equal(np.asarray(got, dtype=object), expected)


def test_cast_synthetic_int64_extremes_do_not_wrap():
    """Check that values past int64's range clip to its ends (2**63 is not
    representable: a float at the top must not wrap to the minimum)."""
    got = cast_synthetic(np.array([1e19, -1e19, 2.0**63]), np.dtype(np.int64))
    assert got[0] > 0 and got[2] > 0 and got[1] == np.iinfo(np.int64).min


def test_gaussian_integer_column_clipped_to_dtype_range():
    """Check that Gaussian draws past an int8 column's range are clipped, not
    wrapped around (a draw of 130 becomes 127, not -126)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"v": np.clip(rng.normal(110, 30, N), -128, 127).astype(np.int8)})
    sampler = GaussianOverSampler(random_state=0)
    X_res, _ = sampler.fit_resample(X, _labels())
    F_res, _ = GaussianOverSampler(random_state=0).fit_resample(
        X.astype(np.float64), _labels()
    )
    draws = F_res["v"].to_numpy()[N:]
    assert draws.max() > 127  # the case this test is about
    np.testing.assert_array_equal(
        X_res["v"].to_numpy()[N:], np.clip(np.rint(draws), -128, 127)
    )


@pytest.mark.parametrize("sampler", INTERPOLATING[:4], ids=_sampler_id)
def test_samplers_sparse_integer_input_stays_integer(sampler):
    """Check that an integer CSR matrix (counts) comes back as CSR of its dtype,
    the input rows unchanged and the synthetic ones the rounded float rows."""
    X = np.abs(_integers()).astype(np.int32)
    X_res, _ = sampler.fit_resample(sparse.csr_matrix(X), _labels())
    assert sparse.issparse(X_res) and X_res.dtype == np.int32
    dense = X_res.toarray()
    np.testing.assert_array_equal(dense[:N], X)
    p, q, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    exact = X[p] + g[:, None] * (X[q] - X[p])
    np.testing.assert_array_equal(dense[N:], np.rint(exact))


def test_smotenc_object_array_integer_column_stays_integer():
    """Check that in an object array, a continuous column of integers gets
    rounded integers (Python ints) and a column of floats floats."""
    Z = _integers()
    X = np.empty((N, 3), dtype=object)
    X[:, 0] = Z[:, 0].tolist()
    X[:, 1] = (Z[:, 1] / 7.0).tolist()
    X[:, 2] = np.where(Z[:, 2] > 0, "up", "down")
    sampler = SMOTENC(random_state=0)
    X_res, _ = sampler.fit_resample(X, _labels())
    assert X_res.dtype == object
    assert all(type(v) is int for v in X_res[N:, 0])
    assert all(type(v) is float for v in X_res[N:, 1])
    v = Z[:, 0].astype(np.float64)
    p, q, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    np.testing.assert_array_equal(
        X_res[N:, 0].astype(np.float64), np.rint(v[p] + g * (v[q] - v[p]))
    )


def test_smote_object_frame_of_numbers_keeps_object_columns():
    """Check that SMOTE takes a DataFrame of object columns holding numbers (as
    scikit-learn's validation does), keeps them object, and gives a column of
    integers rounded Python ints and a column of floats floats."""
    Z = _integers()
    X = pd.DataFrame({"i": Z[:, 0], "f": Z[:, 1] / 7.0}).astype(object)
    sampler = SMOTE(random_state=0)
    X_res, _ = sampler.fit_resample(X, _labels())
    assert all(pd.api.types.is_object_dtype(t) for t in X_res.dtypes)
    assert all(type(v) is int for v in X_res["i"].iloc[N:])
    assert all(type(v) is float for v in X_res["f"].iloc[N:])
    v = Z[:, 0].astype(np.float64)
    p, q, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    np.testing.assert_array_equal(
        X_res["i"].iloc[N:].to_numpy(dtype=np.float64),
        np.rint(v[p] + g * (v[q] - v[p])),
    )


def test_smote_dataframe_non_numeric_column_error():
    """Check that SMOTE names a text column of a DataFrame and points to the
    samplers that take categorical columns."""
    X = pd.DataFrame({"a": np.arange(N, dtype=float), "b": ["x", "y"] * (N // 2)})
    with pytest.raises(
        TypeError,
        match=r"column 'b' holds non-numeric values \(dtype .*\); this sampler "
        "takes numbers only. Convert it to numbers, or use SMOTENC",
    ):
        SMOTE().fit_resample(X, _labels())


# Values of previous versions for the same random_state (float input): the
# integer rule must leave float inputs exactly where they were.
PINNED = [
    (
        SMOTE(random_state=0),
        120,
        [23, 23, 3],
        [53, 53, 1],
        [0.005800262295656777, 0.07014942305206584, 0.323078223799646],
        [1.0776985602617697, 0.8498513741643161, 0.3091542521968357],
    ),
    (
        ADASYN(random_state=0),
        116,
        [1, 3, 9],
        [0, 1, 10],
        [0.7735126003297944, 0.9104757786285165, 0.3962006015463341],
        [-1.0855124060143257, 0.9672438293787486, -1.4633878276964851],
    ),
    (
        BorderlineSMOTE(random_state=0),
        120,
        [23, 23, 9],
        [53, 53, 1],
        [0.005800262295656777, 0.07014942305206584, 0.323078223799646],
        [1.0776985602617697, 0.8498513741643161, 0.3091542521968357],
    ),
    (
        BorderlineSMOTE(kind="borderline-2", random_state=0),
        120,
        [23, 23, 9],
        [47, 47, 14],
        [0.0029001311478283887, 0.03507471152603292, 0.161539111899823],
        [1.0846356739673753, 0.844715241901512, 0.30770998688521717],
    ),
    (
        SMOTENC(random_state=0),
        120,
        [23, 23, 3],
        [53, 53, 1],
        [0.005800262295656777, 0.07014942305206584, 0.323078223799646],
        [1.0776985602617697, 0.8498513741643161, 0.3091542521968357],
    ),
    (
        GaussianOverSampler(random_state=0),
        120,
        [-1, -1, -1],
        [-1, -1, -1],
        [np.nan, np.nan, np.nan],
        [-0.24234009714906285, 1.6737814556683273, 0.49234823161910224],
    ),
]


@pytest.mark.parametrize(
    "sampler, n_out, parents, neighbors, gaps, first_row",
    PINNED,
    ids=[_sampler_id(p[0]) for p in PINNED],
)
def test_samplers_float_output_pinned(
    sampler, n_out, parents, neighbors, gaps, first_row
):
    """Check that float input gives the rows and provenance of previous versions
    (pinned on a small seeded data set) for every sampler."""
    X, y = make_classification(
        n_samples=80,
        n_features=3,
        n_informative=3,
        n_redundant=0,
        weights=[0.75],
        class_sep=0.5,
        random_state=0,
    )
    X = np.round(X, 3)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.shape == (n_out, 3) and X_res.dtype == np.float64
    np.testing.assert_array_equal(sampler.parents_[:3], parents)
    np.testing.assert_array_equal(sampler.neighbors_[:3], neighbors)
    np.testing.assert_allclose(sampler.gaps_[:3], gaps, rtol=1e-15)
    np.testing.assert_allclose(X_res[80], first_row, rtol=1e-12)
