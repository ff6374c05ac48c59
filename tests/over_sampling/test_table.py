"""Mixed tables in the samplers: column kinds, dtypes kept, bad input refused."""

import re

import numpy as np
import pandas as pd
import pytest

from skclassgap.over_sampling import SMOTEN, SMOTENC, GaussianOverSampler
from tests.over_sampling.mixed_data import (
    CATEGORICAL,
    CONTINUOUS,
    hypothyroid,
    mixed_frame,
)

MIXED_SAMPLERS = [
    SMOTENC(random_state=0),
    GaussianOverSampler(random_state=0),
]


@pytest.mark.parametrize("sampler", MIXED_SAMPLERS, ids=lambda s: type(s).__name__)
def test_mixed_samplers_keep_every_dtype(sampler):
    """Check that pandas in gives pandas out with every column's dtype kept (the
    category column with the same categories, unused and order included), the
    input rows first and unchanged, a RangeIndex, and the Series name kept."""
    X, y = mixed_frame()
    X.index = np.arange(1000, 1000 + len(X))  # a non-default index
    X_res, y_res = sampler.fit_resample(X, pd.Series(y, name="label"))
    assert X_res.dtypes.equals(X.dtypes)
    assert X_res["colour"].cat.categories.tolist() == ["purple", "red", "green", "blue"]
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X.reset_index(drop=True))
    assert isinstance(X_res.index, pd.RangeIndex) and y_res.name == "label"
    np.testing.assert_array_equal(sampler.categorical_features_, [3, 4, 5, 6])
    np.testing.assert_array_equal(sampler.continuous_features_, [0, 1, 2])


@pytest.mark.parametrize(
    "dtype, values",
    [
        ("Int64", [1, 5, 9, 14, 20, 3]),
        ("float32", [0.5, 1.5, -2.0, 4.0, 8.0, 1.0]),
        ("int8", [1, 5, -9, 14, 20, 3]),
        ("Float64", [0.5, 1.5, -2.0, 4.0, 8.0, 1.0]),
    ],
)
def test_smotenc_numeric_extension_dtypes_kept(dtype, values):
    """Check that nullable and narrow numeric continuous columns keep their dtype
    and that integer ones hold the interpolated value rounded to the nearest
    integer."""
    n = 60
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "v": pd.array(np.resize(values, n), dtype=dtype),
            "c": pd.Categorical(rng.choice(["a", "b"], n)),
        }
    )
    y = np.r_[[0] * 45, [1] * 15]
    sampler = SMOTENC(random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.dtypes.equals(X.dtypes)
    v = X["v"].to_numpy(dtype=np.float64)
    exact = v[sampler.parents_] + sampler.gaps_ * (
        v[sampler.neighbors_] - v[sampler.parents_]
    )
    got = X_res["v"].iloc[n:].to_numpy(dtype=np.float64)
    if pd.api.types.is_integer_dtype(X["v"].dtype):
        np.testing.assert_array_equal(got, np.rint(exact))
    else:
        np.testing.assert_allclose(got, exact, rtol=1e-6)


def test_smotenc_numpy_arrays_keep_dtype():
    """Check that object arrays stay object arrays (numbers as numbers), string
    arrays keep their dtype, and a float32 array with categorical columns stays
    float32."""
    X, y = mixed_frame(n=200)
    obj = X[["length", "colour", "code"]].astype(object).to_numpy()
    X_res, _ = SMOTENC(random_state=0).fit_resample(obj, y)
    assert X_res.dtype == object and isinstance(X_res[-1, 0], float)
    assert set(X_res[:, 1]) <= {"red", "green", "blue"}
    text = X[["colour", "shape"]].astype(str).to_numpy().astype("U6")
    X_res, _ = SMOTEN(random_state=0).fit_resample(text, y)
    assert X_res.dtype == np.dtype("U6")
    f32 = np.c_[X["length"], X["colour"].cat.codes].astype(np.float32)
    X_res, _ = SMOTENC([1], random_state=0).fit_resample(f32, y)
    assert X_res.dtype == np.float32 and set(X_res[:, 1]) <= {1.0, 2.0, 3.0}


@pytest.mark.parametrize(
    "spec",
    [
        [3, 4, 5, 6],
        [-4, -3, -2, -1],
        ["colour", "shape", "flag", "code"],
        [False, False, False, True, True, True, True],
    ],
    ids=["indices", "negative", "names", "mask"],
)
def test_smotenc_categorical_features_forms_equal_auto(spec):
    """Check that indices, negative indices, names and a mask naming the same
    columns as "auto" give the same output."""
    X, y = mixed_frame(n=200)
    expected, _ = SMOTENC(random_state=0).fit_resample(X, y)
    got, _ = SMOTENC(spec, random_state=0).fit_resample(X, y)
    pd.testing.assert_frame_equal(got, expected)


def test_auto_on_object_array_finds_non_number_columns():
    """Check that "auto" on an object array takes the columns that do not hold
    only numbers, and none of a numeric array."""
    X, y = mixed_frame(n=100)
    obj = X[["length", "colour", "count", "code"]].astype(object).to_numpy()
    sampler = SMOTENC(random_state=0)
    sampler.fit_resample(obj, y)
    np.testing.assert_array_equal(sampler.categorical_features_, [1, 3])
    sampler.fit_resample(X[CONTINUOUS].to_numpy(), y)
    assert sampler.categorical_features_.size == 0


def _frame():
    return mixed_frame(n=120)


def _with_nan(column, as_array=False):
    def make():
        X, y = mixed_frame(n=120)
        if column == "flag":
            X[column] = X[column].astype(object)
        X.loc[7, column] = None if column == "code" else np.nan
        if as_array:
            return X[["length", column]].to_numpy(), y
        return X, y

    return make


def _identifiers():
    n = 40
    X = pd.DataFrame(
        {
            "id": [f"row-{i}" for i in range(n)],
            "name": [f"name {i * 7}" for i in range(n)],
        }
    )
    return X, np.r_[[0] * 30, [1] * 10]


ERRORS = [
    (
        SMOTENC(["colour", "size"]),
        _frame,
        ValueError,
        "categorical_features names columns that X does not have: ['size']; X has "
        "columns ['length', 'weight', 'count', 'colour', 'shape', 'flag', 'code'].",
    ),
    (
        SMOTENC([1, 9]),
        _frame,
        ValueError,
        "categorical_features holds column indices [9] outside X, which has 7 "
        "columns (valid indices -7 to 6).",
    ),
    (
        SMOTENC([True, False]),
        _frame,
        ValueError,
        "categorical_features is a boolean mask of length 2, but X has 7 columns",
    ),
    (
        SMOTENC(["a"]),
        lambda: (np.ones((20, 2)), np.r_[[0] * 10, [1] * 10]),
        ValueError,
        "categorical_features holds column names ['a'], but X is a ndarray without "
        "column names",
    ),
    (
        SMOTENC([1.5]),
        _frame,
        ValueError,
        "categorical_features must hold column indices, column names or a boolean "
        "mask; got [1.5].",
    ),
    (
        SMOTENC(),
        _with_nan("colour"),
        ValueError,
        "Input X contains NaN in categorical column 'colour' (first at row 7); "
        "SMOTENC only gives synthetic rows levels",
    ),
    (
        SMOTEN(),
        _with_nan("code"),
        ValueError,
        "Input X contains NaN in categorical column 'code' (first at row 7)",
    ),
    (
        GaussianOverSampler(),
        _with_nan("shape"),
        ValueError,
        "Input X contains NaN in categorical column 'shape' (first at row 7); "
        "GaussianOverSampler",
    ),
    (
        SMOTENC([1]),
        _with_nan("flag", as_array=True),
        ValueError,
        "Input X contains NaN in categorical column 1 (first at row 7)",
    ),
    (
        SMOTENC(),
        lambda: hypothyroid(raw=True),
        ValueError,
        "Input X contains NaN in categorical column 'sex' (first at row 59)",
    ),
    (
        SMOTENC(),
        _with_nan("length"),
        ValueError,
        "Input X contains NaN in continuous column 'length' (first at row 7). "
        "Impute missing values",
    ),
    (
        SMOTENC([0]),
        lambda: (np.where(np.eye(20, 2) > 0, np.inf, 1.0), np.r_[[0] * 10, [1] * 10]),
        ValueError,
        "Input X contains infinity in categorical column 0 (first at row 0)",
    ),
    (
        SMOTENC(["colour"]),
        _frame,
        TypeError,
        "column 'shape' holds non-numeric values (dtype str) but is not among the "
        "categorical features. List it in categorical_features",
    ),
    (
        SMOTENC(),
        _identifiers,
        ValueError,
        "every column of X is an identifier (a distinct non-numeric value on every "
        "row): column 'id', column 'name'. SMOTENC finds neighbours",
    ),
    (
        SMOTEN(),
        _identifiers,
        ValueError,
        "every column of X is an identifier",
    ),
    (
        SMOTENC(),
        lambda: (
            np.array([[{"a": 1}], [{"b": 2}]] * 10, dtype=object),
            np.r_[[0] * 12, [1] * 8],
        ),
        TypeError,
        "categorical column 0 holds a value that cannot be a category",
    ),
    (
        SMOTEN(),
        lambda: (
            pd.DataFrame({"c": list("ab") * 10}).astype("category"),
            np.r_[[0] * 16, [1] * 4],
        ),
        ValueError,
        "k_neighbors=5 needs at least 6 samples in class 1, which has 4",
    ),
]


@pytest.mark.parametrize("sampler, data, error, message", ERRORS)
def test_mixed_samplers_bad_input_errors(sampler, data, error, message):
    """Check that bad input gets one clear error naming the column, and that the
    input is not modified."""
    X, y = data()
    before = X.copy()
    with pytest.raises(error, match=re.escape(message)):
        sampler.fit_resample(X, y)
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(X, before)
    else:  # NaN equal to NaN, also in object arrays
        assert pd.DataFrame(X).equals(pd.DataFrame(before))


def test_mixed_samplers_refuse_sparse():
    """Check that sparse input is refused with a TypeError naming the sampler."""
    from scipy import sparse

    with pytest.raises(TypeError, match="SMOTEN does not accept sparse X"):
        SMOTEN().fit_resample(sparse.csr_matrix(np.eye(10)), np.r_[[0] * 6, [1] * 4])


def test_identifier_column_among_others_is_kept():
    """Check that an identifier column next to other columns is resampled like
    any categorical column (its values copied from rows of the class)."""
    X, y = mixed_frame(n=100)
    X["id"] = [f"row-{i}" for i in range(len(X))]
    X_res, y_res = SMOTENC(random_state=0).fit_resample(X, y)
    new = X_res.iloc[len(X) :]
    assert new["id"].isin(X["id"][y == 1]).all()


def test_fit_validates_without_resampling():
    """Check that fit runs the same checks (named column errors) and sets
    n_features_in_ / feature_names_in_ and the column kinds."""
    X, y = mixed_frame(n=80)
    sampler = SMOTENC().fit(X, y)
    assert sampler.n_features_in_ == 7
    assert sampler.feature_names_in_.tolist() == CONTINUOUS[:3] + CATEGORICAL
    X.loc[3, "length"] = np.nan
    with pytest.raises(ValueError, match="NaN in continuous column 'length'"):
        SMOTENC().fit(X, y)
