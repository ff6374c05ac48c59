"""What the Dask driver needs of an under-sampler is declared by the sampler:
bare subclasses behave as their base on Dask input, refusals follow the
declaration, and a new cleaner runs on Dask by declaring its hooks."""

import numpy as np
import pytest
from imblearn.under_sampling.base import BaseCleaningSampler
from sklearn.base import clone
from sklearn.datasets import make_classification

import skclassgap.under_sampling
from skclassgap.under_sampling import (
    EditedNearestNeighbours,
    NearMiss,
    RandomUnderSampler,
    TomekLinks,
)
from skclassgap.under_sampling._base import _WholeSetCleaner

da = pytest.importorskip("dask.array")
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


# (sampler, parameters): every sampler of the package that takes Dask input.
CASES = [
    (RandomUnderSampler, {"random_state": 0}),
    (RandomUnderSampler, {"random_state": 0, "replacement": True}),
    (TomekLinks, {}),
    (TomekLinks, {"sampling_strategy": "all"}),
    (EditedNearestNeighbours, {}),
    (EditedNearestNeighbours, {"kind_sel": "mode", "sampling_strategy": "all"}),
]


def _ids(cases):
    return [f"{case[0].__name__}-{i}" for i, case in enumerate(cases)]


def _pair(sampler):
    """``sampler`` and a bare subclass of its class with the same parameters."""
    bare = type(f"Bare{type(sampler).__name__}", (type(sampler),), {})
    return sampler, bare(**clone(sampler).get_params(deep=False))


def _computed(value):
    return value.compute() if hasattr(value, "dask") else value


def _assert_same_state(got, expected):
    """Every attribute of ``got`` equals ``expected``'s (lazy ones computed)."""
    assert sorted(vars(got)) == sorted(vars(expected))
    for name, value in vars(expected).items():
        mine = getattr(got, name)
        if hasattr(value, "get_params"):
            assert type(mine) is type(value), name
            assert mine.get_params() == value.get_params(), name
        elif isinstance(value, dict | str | tuple) or value is None:
            assert mine == value, name
        else:
            np.testing.assert_array_equal(_computed(mine), _computed(value), name)


def test_cases_cover_every_dask_sampler():
    """Check that the cases hold every exported under-sampler that declares a
    Dask selection, so that a new one is checked as soon as it is exported."""
    declared = {
        getattr(skclassgap.under_sampling, name)
        for name in skclassgap.under_sampling.__all__
        if getattr(skclassgap.under_sampling, name)._dask_selection is not None
    }
    assert declared == {sampler for sampler, _ in CASES}


@pytest.mark.parametrize("sampler, params", CASES, ids=_ids(CASES))
def test_bare_subclass_dask_equals_base(sampler, params):
    """Check that a bare subclass of a Dask-capable under-sampler gives, on Dask
    input, the output of its base (values, labels, dtypes, blocks) and the same
    state (``sample_indices_``, ``sampling_strategy_``, fitted estimators)."""
    base, bare = _pair(sampler(**params))
    X, y = _array()
    X_base, y_base = base.fit_resample(X, y)
    X_bare, y_bare = bare.fit_resample(X, y)
    assert X_bare.chunks == X_base.chunks
    expected = dask.compute(X_base, y_base)
    got = dask.compute(X_bare, y_bare)
    for a, b in zip(got, expected, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    _assert_same_state(bare, base)


def test_bare_subclass_dask_refused_as_base():
    """Check that a bare subclass of a sampler that declares no Dask selection is
    refused with its base's message (its own name aside)."""
    base, bare = _pair(NearMiss())
    X, y = _array()
    with pytest.raises(TypeError, match="does not run on Dask") as base_error:
        base.fit_resample(X, y)
    with pytest.raises(TypeError, match="does not run on Dask") as bare_error:
        bare.fit_resample(X, y)
    assert str(bare_error.value).replace("BareNearMiss", "NearMiss") == str(
        base_error.value
    )


class _LocalTomek(TomekLinks):
    """Tomek links refused on Dask input by declaration alone."""

    _dask_selection = None
    _dask_refusal = "this variant is for tests"


def test_declared_refusal_takes_effect():
    """Check that a subclass declaring no Dask selection is refused with the
    reason it declares, and still runs in memory."""
    X, y = _array()
    with pytest.raises(TypeError, match="does not run on Dask collections: this "):
        _LocalTomek().fit_resample(X, y)
    X_mem, _ = _LocalTomek().fit_resample(*dask.compute(X, y))
    assert len(X_mem) > 0


class _NearestOfOtherClass(_WholeSetCleaner, BaseCleaningSampler):
    """A cleaner written for the test from the declared hooks alone: it removes
    the rows of the cleaned classes whose nearest row is of another class and
    is listed, asking for the lists of the smallest class first and of those
    rows' nearest rows then."""

    _class_grouped = True

    def __init__(self, *, sampling_strategy="auto", n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_jobs = n_jobs

    def _neighbor_search(self):
        return 1, None

    def _queried_classes(self, labels, counts):
        return counts == counts.min()

    def _follow_up(self, lists):
        partners = np.unique(lists.nbrs[:, 0])
        return partners[lists.position(partners) < 0]

    def _removed(self, labels, lists):
        cleaned = np.isin(labels, list(self.sampling_strategy_))[lists.codes]
        other = lists.nbr_codes[:, 0] != lists.codes
        return lists.rows[cleaned & other]


@pytest.mark.parametrize("chunks", [(97, 0, 153, 50), (300,), (1, 1, 298)])
def test_declared_cleaner_hooks_run_on_dask(chunks):
    """Check that a cleaner that only declares its queried classes, follow-up
    rows, rule and output order gives on Dask input the output it gives in
    memory, whatever the partitioning."""
    X, y = _array()
    X_mem, y_mem = _NearestOfOtherClass(sampling_strategy="all").fit_resample(
        *dask.compute(X, y)
    )
    sampler = _NearestOfOtherClass(sampling_strategy="all")
    X_res, y_res = sampler.fit_resample(X.rechunk({0: chunks}), y.rechunk({0: chunks}))
    X_res, y_res = dask.compute(X_res, y_res)
    np.testing.assert_array_equal(X_res, X_mem)
    np.testing.assert_array_equal(y_res, y_mem)
    assert len(X_mem) < 300
