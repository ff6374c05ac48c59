"""Metrics on Dask input, on a real LocalCluster: equal to the in-memory results."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from skclassgap.cost_sensitive import expected_cost
from skclassgap.metrics import (
    class_gap,
    geometric_mean_score,
    get_scorer,
    get_scorer_names,
    macro_f1_score,
    per_class_report,
    prediction_bias,
    worst_class_score,
)
from skclassgap.metrics._scorer import label_metric

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [
    pytest.mark.dask,
    pytest.mark.usefixtures("dask_client"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning"),
]

N = 600
# Uneven blocks, an empty block, a single-row block.
CHUNKS = [(150, 0, 1, 249, 200), (N,), (7, 593)]


def _labels(kind, seed=0):
    """True and predicted labels of one kind; class 3 only in the last 150 rows."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, N)
    t[-150:] = rng.integers(0, 4, 150)
    p = np.where(rng.random(N) < 0.7, t, rng.integers(0, 4, N))
    p[:10] = 4  # a class that is only ever predicted
    names = np.array(["ant", "bee", "cat", "dog", "eel"])
    convert = {
        "int": lambda v: v,
        "int8": lambda v: v.astype(np.int8),
        "wide": lambda v: v * 10**9 - 7,
        "float": lambda v: v.astype(np.float64),
        "bool": lambda v: v % 2 == 0,
        "str": lambda v: names[v],
        "object": lambda v: names[v].astype(object),
    }[kind]
    return convert(t), convert(p)


def _dask(values, chunks):
    return da.from_array(values, chunks=(chunks,))


# (name, function) of every metric; each takes (y_true, y_pred, **kwargs).
METRICS = {
    "per_class_report": lambda t, p, **kw: per_class_report(t, p, **kw),
    "class_gap_recall": lambda t, p, **kw: class_gap(t, p, **kw),
    "class_gap_precision": lambda t, p, **kw: class_gap(
        t, p, metric="precision", zero_division=0.0, **kw
    ),
    "worst_class_f1": lambda t, p, **kw: worst_class_score(t, p, metric="f1", **kw),
    "geometric_mean_score": lambda t, p, **kw: geometric_mean_score(
        t, p, correction=0.01, **kw
    ),
    "macro_f1_score": lambda t, p, **kw: macro_f1_score(t, p, zero_division=0, **kw),
    "prediction_bias": lambda t, p, **kw: prediction_bias(t, p, **kw),
}
for _name in get_scorer_names():
    _m = label_metric(_name)
    METRICS[f"scorer:{_name}"] = lambda t, p, _m=_m, **kw: _m.score_func(
        t, p, **_m.kwargs, **kw
    )


def _assert_same(got, expected, exact=True):
    rtol = 0 if exact else 1e-12
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, check_exact=exact, rtol=rtol)
    elif isinstance(expected, np.ndarray):
        if exact:
            np.testing.assert_array_equal(got, expected)
        else:
            np.testing.assert_allclose(got, expected, rtol=rtol)
    else:
        assert type(got) is type(expected)
        if exact:
            assert got == expected or (np.isnan(got) and np.isnan(expected))
        else:
            np.testing.assert_allclose(got, expected, rtol=rtol)


@pytest.mark.parametrize("chunks", CHUNKS, ids=["uneven", "one", "tiny"])
@pytest.mark.parametrize("kind", ["int", "int8", "wide", "float", "bool", "str"])
@pytest.mark.parametrize("metric", list(METRICS))
def test_metric_dask_equals_in_memory(metric, kind, chunks):
    """Check that every metric of Dask arrays equals the in-memory result exactly
    (uneven blocks, an empty block, classes absent from some blocks)."""
    t, p = _labels(kind)
    func = METRICS[metric]
    _assert_same(func(_dask(t, chunks), _dask(p, chunks)), func(t, p))


@pytest.mark.parametrize("metric", ["per_class_report", "scorer:g_mean"])
def test_metric_dask_series_of_one_frame(metric):
    """Check that columns of one Dask DataFrame (strings, categoricals, an empty
    partition) give the in-memory result."""
    t, p = _labels("object")
    frame = pd.DataFrame(
        {"t": t, "p": pd.Categorical(p), "keep": np.arange(N) % 200 >= 20}
    )
    ddf = dd.from_pandas(frame, npartitions=6)
    ddf = ddf[ddf["keep"]]  # leaves partitions of unknown, uneven sizes
    kept = frame[frame["keep"]]
    func = METRICS[metric]
    _assert_same(func(ddf["t"], ddf["p"]), func(kept["t"], kept["p"]))


@pytest.mark.parametrize("metric", ["per_class_report", "class_gap_recall"])
@pytest.mark.parametrize("weights", ["dask", "memory", "zero-block"])
def test_metric_dask_sample_weight(metric, weights):
    """Check that Dask weights (a block of zero weights included) and in-memory
    weights give the in-memory result to 1e-12."""
    t, p = _labels("int")
    w = np.random.default_rng(3).random(N) * 3
    if weights == "zero-block":
        w[:150] = 0.0
    w_dask = w if weights == "memory" else _dask(w, CHUNKS[0])
    func = METRICS[metric]
    got = func(_dask(t, CHUNKS[0]), _dask(p, CHUNKS[0]), sample_weight=w_dask)
    _assert_same(got, func(t, p, sample_weight=w), exact=False)


def test_per_class_report_dask_labels_argument():
    """Check that labels= (order, a class absent everywhere) works on Dask input."""
    t, p = _labels("str")
    labels = ["dog", "ant", "fox"]
    got = per_class_report(
        _dask(t, CHUNKS[0]), _dask(p, CHUNKS[0]), labels=labels, zero_division=0.0
    )
    _assert_same(got, per_class_report(t, p, labels=labels, zero_division=0.0))


def test_expected_cost_dask_equals_in_memory():
    """Check that expected_cost of Dask arrays equals the in-memory cost."""
    t, p = _labels("str")
    cost = pd.DataFrame(
        np.arange(25.0).reshape(5, 5), index=list(np.unique(t.tolist() + p.tolist()))
    )
    cost.columns = cost.index
    for normalize in (True, False):
        got = expected_cost(
            _dask(t, CHUNKS[0]), _dask(p, CHUNKS[0]), cost, normalize=normalize
        )
        _assert_same(got, expected_cost(t, p, cost, normalize=normalize))


def test_metric_dask_many_classes():
    """Check a large number of classes with few rows each across blocks."""
    rng = np.random.default_rng(5)
    t = rng.integers(0, 1500, 4000) * 7919
    p = np.where(rng.random(4000) < 0.5, t, rng.integers(0, 1500, 4000) * 7919)
    got = per_class_report(_dask(t, (1000, 1500, 1500)), _dask(p, (4000,)))
    assert len(got) == len(np.unique(np.r_[t, p]))
    _assert_same(got, per_class_report(t, p))


@pytest.mark.parametrize("labels", [None, ["bee", "ant", "fox"]])
def test_per_class_report_groups_dask(labels):
    """Check that the per (group, class) report of Dask input equals the in-memory
    one, and that each group's rows equal the report of that group's samples."""
    t, p = _labels("str")
    g = np.random.default_rng(2).choice(["north", "south", "west"], N)
    g[-150:] = "east"  # a group only in the last blocks
    kwargs = {"labels": labels, "zero_division": 0.0}
    got = per_class_report(
        _dask(t, CHUNKS[0]), _dask(p, CHUNKS[0]), groups=_dask(g, CHUNKS[0]), **kwargs
    )
    expected = per_class_report(t, p, groups=g, **kwargs)
    _assert_same(got, expected)
    by_group = pd.concat(
        {k: per_class_report(t[g == k], p[g == k], **kwargs) for k in np.unique(g)},
        names=["group"],
    )
    _assert_same(expected, by_group)


class _DaskPredictor(ClassifierMixin, BaseEstimator):
    """Predicts the first feature's sign as a lazy Dask array (a Dask-aware model)."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict(self, X):
        return (X[:, 0] > 0).astype(np.int64)


@pytest.mark.parametrize("name", get_scorer_names())
def test_scorer_on_dask_estimator(name):
    """Check that each scorer scores a model whose predictions are Dask arrays as the
    same model's in-memory predictions."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, 2))
    y = (X[:, 0] + rng.normal(size=N) > 0).astype(np.int64)
    model = _DaskPredictor().fit(X, y)
    scorer = get_scorer(name)
    Xd = da.from_array(X, chunks=(CHUNKS[0], 2))
    assert scorer(model, Xd, _dask(y, CHUNKS[0])) == scorer(model, X, y)


def test_per_class_report_dask_reads_each_block_once():
    """Check that the report reads every block of both label arrays exactly once."""
    t, p = _labels("int")
    calls = []

    def load(block, name):
        calls.append((name, len(block)))
        return block

    td = _dask(t, (200, 400)).map_blocks(load, "t", meta=t[:0])
    pd_ = _dask(p, (300, 300)).map_blocks(load, "p", meta=p[:0])
    with dask.config.set(scheduler="sync"):
        per_class_report(td, pd_, groups=td)
    assert sorted(calls) == [("p", 300), ("p", 300), ("t", 200), ("t", 400)]


def _nan_block():
    t, p = _labels("float")
    t[400] = np.nan
    return _dask(t, CHUNKS[0]), _dask(p, CHUNKS[0])


def _mixed_blocks():
    t = np.array([1, 2] * 5 + ["a", "b"] * 5, dtype=object)
    return _dask(t, (10, 10)), _dask(t, (10, 10))


@pytest.mark.parametrize(
    "make, kwargs, message",
    [
        (_nan_block, {}, r"y_true contains NaN; labels cannot be missing"),
        (_mixed_blocks, {}, r"y_true and y_pred mix label types \(int, str\)"),
        (
            lambda: (
                _dask(np.arange(10)[::1] > 3, (10,))[_dask(np.arange(10), (10,)) > 3],
                _dask(np.arange(6), (3, 3)),
            ),
            {},
            r"y_true(, | and )y_pred.* must be split into the same rows: y_true has "
            r"1 blocks of unknown sizes, y_pred has 2 blocks",
        ),
        (
            lambda: (
                dd.from_pandas(pd.Series(np.arange(10)), npartitions=2),
                dd.from_pandas(pd.Series(np.arange(12)), npartitions=2),
            ),
            {},
            r"block \d is not the same rows in every input: y_true has 5 rows, "
            r"y_pred has 6 rows",
        ),
        (
            lambda: (
                dd.from_pandas(pd.Series(np.arange(10)), npartitions=2),
                np.arange(10),
            ),
            {},
            r"y_pred is in memory but y_true is a Dask collection with 2 partitions",
        ),
        (
            lambda: (da.zeros(0, chunks=1), da.zeros(0, chunks=1)),
            {},
            r"y_true and y_pred are empty; need at least one sample",
        ),
        (
            lambda: (_dask(np.arange(10), (5, 5)), _dask(np.arange(10), (5, 5))),
            {"sample_weight": da.zeros(10, chunks=5)},
            r"sample_weight is zero everywhere",
        ),
        (
            lambda: (_dask(np.arange(10), (5, 5)), _dask(np.arange(10), (5, 5))),
            {"sample_weight": -da.ones(10, chunks=5)},
            r"sample_weight contains negative values",
        ),
    ],
    ids=[
        "nan-block",
        "mixed-types",
        "unknown-chunks",
        "partition-lengths",
        "memory-vs-frame",
        "empty",
        "zero-weights",
        "negative-weights",
    ],
)
@pytest.mark.parametrize("groups", [False, True])
def test_per_class_report_dask_bad_input(make, kwargs, message, groups):
    """Check that bad labels in one block, blocks that do not line up and empty or
    zero-weight input are refused with the in-memory wording."""
    t, p = make()
    if groups:
        kwargs = {**kwargs, "groups": t}
    with pytest.raises(ValueError, match=message):
        per_class_report(t, p, **kwargs)


def test_per_class_report_groups_mixed_types_across_blocks():
    """Check that groups of numbers in one block and strings in another are
    refused."""
    t = _dask(np.arange(20) % 2, (10, 10))
    g = _dask(np.array([1] * 10 + ["a"] * 10, dtype=object), (10, 10))
    with pytest.raises(ValueError, match=r"groups mix label types \(int, str\)"):
        per_class_report(t, t, groups=g)
