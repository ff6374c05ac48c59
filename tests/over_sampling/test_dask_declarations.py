"""What the Dask driver needs of a sampler is declared by the sampler: bare
subclasses behave as their base on Dask input, and declarations take effect."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

import skclassgap.over_sampling
from skclassgap.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    BorderlineSMOTE,
    GaussianOverSampler,
)
from tests.over_sampling.mixed_data import mixed_frame

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]


def _array():
    """Three overlapping classes on a 0.1 grid in uneven blocks."""
    X, y = make_classification(
        n_samples=300,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.25],
        class_sep=0.6,
        random_state=0,
    )
    chunks = (97, 0, 153, 50)
    return (
        da.from_array(np.round(X, 1), chunks=(chunks, (4,))),
        da.from_array(y, chunks=(chunks,)),
    )


def _frame(columns=None):
    """A mixed Dask DataFrame (category, string, bool, object and numbers)."""
    frame, y = mixed_frame(n=300, n_classes=3)
    if columns is not None:
        frame = frame[columns]
    ddf = dd.from_pandas(frame.assign(label=np.array(["a", "b", "c"])[y]), 3)
    return ddf.drop(columns="label"), ddf["label"]


def _categorical():
    return _frame(["colour", "shape", "flag", "code"])


# (sampler, parameters, data): every sampler of the package, the whole-set
# search settings, and each kind of table its Dask path takes.
CASES = [
    (SMOTE, {}, _array),
    (SMOTE, {"k_neighbors": NearestNeighbors(n_neighbors=4)}, _array),
    (BorderlineSMOTE, {}, _array),
    (BorderlineSMOTE, {"kind": "borderline-2", "k_neighbors": 7}, _array),
    (BorderlineSMOTE, {"k_neighbors": NearestNeighbors(n_neighbors=6)}, _array),
    (ADASYN, {}, _array),
    (GaussianOverSampler, {}, _array),
    (GaussianOverSampler, {"covariance": "diag"}, _frame),
    (SMOTENC, {}, _array),
    (SMOTENC, {}, _frame),
    (SMOTEN, {}, _categorical),
]
REFUSED = [
    (
        BorderlineSMOTE,
        {"m_neighbors": NearestNeighbors(n_neighbors=11)},
        "so m_neighbors must be an int; got NearestNeighbors",
    ),
    (
        BorderlineSMOTE,
        {"kind": "borderline-2", "k_neighbors": NearestNeighbors(n_neighbors=6)},
        "so k_neighbors must be an int; got NearestNeighbors",
    ),
    (
        ADASYN,
        {"n_neighbors": NearestNeighbors(n_neighbors=6)},
        "so n_neighbors must be an int; got NearestNeighbors",
    ),
    (
        GaussianOverSampler,
        {"covariance": "pooled"},
        "pools the rows of every class, which Dask input does not gather",
    ),
    (
        SMOTENC,
        {"categorical_features": [0]},
        "takes categorical columns of Dask input from a Dask DataFrame",
    ),
]


def _ids(cases):
    """Sampler name and position (the parameters hold estimators)."""
    return [f"{case[0].__name__}-{i}" for i, case in enumerate(cases)]


def _pair(sampler):
    """``sampler`` and a bare subclass of its class with the same parameters."""
    bare = type(f"Bare{type(sampler).__name__}", (type(sampler),), {})
    return sampler, bare(**clone(sampler).get_params(deep=False))


def _assert_equal(got, expected, where):
    if isinstance(expected, BaseEstimator):
        assert type(got) is type(expected), where
        _assert_equal(got.get_params(), expected.get_params(), where)
    elif isinstance(expected, dict):
        assert list(got) == list(expected), where
        for key in expected:
            _assert_equal(got[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected)
    elif isinstance(expected, list | tuple):
        assert len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            _assert_equal(a, b, f"{where}[{i}]")
    elif expected is None or isinstance(expected, str):
        assert got == expected, where
    else:
        np.testing.assert_array_equal(got, expected, err_msg=where)


def _assert_same_state(got, expected):
    """Every attribute of ``got`` (fitted, private, parameters) equals
    ``expected``'s."""
    assert sorted(vars(got)) == sorted(vars(expected))
    for name, value in vars(expected).items():
        _assert_equal(getattr(got, name), value, name)


def test_cases_cover_every_sampler():
    """Check that the cases below hold every public over-sampler, so that a new
    one is checked as soon as it is exported."""
    exported = {
        getattr(skclassgap.over_sampling, name)
        for name in skclassgap.over_sampling.__all__
    }
    assert exported == {sampler for sampler, _, _ in CASES}


@pytest.mark.parametrize("sampler, params, make", CASES, ids=_ids(CASES))
def test_bare_subclass_dask_equals_base(sampler, params, make):
    """Check that a bare subclass of a sampler gives, on Dask input, the output
    of its base (values, labels, dtypes) and the same state: provenance,
    per-class row attributes in global rows, transient state dropped."""
    base, bare = _pair(sampler(random_state=0, **params))
    X, y = make()
    expected = dask.compute(*base.fit_resample(X, y))
    got = dask.compute(*bare.fit_resample(X, y))
    _assert_equal(got, expected, "output")
    _assert_same_state(bare, base)


@pytest.mark.parametrize(
    "sampler, params, message", REFUSED, ids=[r[0].__name__ for r in REFUSED]
)
def test_bare_subclass_dask_refuses_as_base(sampler, params, message):
    """Check that a bare subclass refuses on Dask input what its base refuses,
    with the same message (its own class name aside): a neighbours estimator
    for a whole-set search, pooled covariance, categorical columns named on a
    Dask array."""
    base, bare = _pair(sampler(**params))
    X, y = _array()
    with pytest.raises(ValueError, match=message) as base_error:
        base.fit_resample(X, y)
    with pytest.raises(ValueError, match=message) as bare_error:
        bare.fit_resample(X, y)
    name, bare_name = sampler.__name__, type(bare).__name__
    assert str(bare_error.value).replace(bare_name, name) == str(base_error.value)


class _RowsSMOTE(SMOTE):
    """SMOTE that records the rows of each class it oversamples, declared as a
    per-class row attribute."""

    _class_rows_attributes = ("class_rows_",)

    def _prepare(self, X, y_codes):
        super()._prepare(X, y_codes)
        self.class_rows_ = {}

    def _generate(self, job):
        self.class_rows_[job.label] = job.rows
        return super()._generate(job)


def test_declared_class_rows_are_global_on_dask():
    """Check that a per-class row attribute a sampler declares holds, on Dask
    input, the global rows it holds in memory (the driver maps the rows of the
    gathered classes back)."""
    X, y = _array()
    dask_run = _RowsSMOTE(random_state=0)
    dask_run.fit_resample(X, y)
    memory = _RowsSMOTE(random_state=0)
    memory.fit_resample(*dask.compute(X, y))
    _assert_equal(dask_run.class_rows_, memory.class_rows_, "class_rows_")
    assert any(len(rows) and rows.max() > 200 for rows in memory.class_rows_.values())


@pytest.mark.parametrize("k_neighbors, error", [(3, None), (200, ValueError)])
def test_declared_transient_state_is_dropped(k_neighbors, error):
    """Check that SMOTE-N's value difference tables, declared transient, are
    dropped after a run on Dask input and in memory, also after a failed run."""
    X, y = _categorical()
    for data in ((X, y), dask.compute(X, y)):
        sampler = SMOTEN(random_state=0, k_neighbors=k_neighbors)
        if error is None:
            sampler.fit_resample(*data)
        else:
            with pytest.raises(error, match=re.escape("k_neighbors=200 needs")):
                sampler.fit_resample(*data)
        assert sampler._transient_attributes == ("_vdm",)
        assert sampler._vdm is None
