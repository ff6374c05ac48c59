"""Under-samplers on Dask input, on a real LocalCluster: row-for-row equality with
the in-memory output whatever the partitioning, lazy output, what is read and
gathered, refusals and bad input."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

import skclassgap.under_sampling
from skclassgap.combine import SMOTEENN, CleanedOverSampler, SMOTETomek
from skclassgap.over_sampling import SMOTE
from skclassgap.under_sampling import (
    EditedNearestNeighbours,
    RandomUnderSampler,
    TomekLinks,
)

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]

# Row blocks of 500 rows: uneven with an empty block, one block, one-row blocks.
CHUNKS = [(97, 0, 203, 150, 50), (500,), (1, 1, 498)]
CHUNK_IDS = ["uneven-empty", "one", "tiny"]
SAMPLERS = [
    (RandomUnderSampler, {"random_state": 0}),
    (RandomUnderSampler, {"random_state": 1, "replacement": True}),
    (RandomUnderSampler, {"random_state": 2, "sampling_strategy": "all"}),
    (
        RandomUnderSampler,
        {"random_state": 3, "sampling_strategy": lambda y: {min(y): 40}},
    ),
    (TomekLinks, {}),
    (TomekLinks, {"sampling_strategy": "all"}),
    (EditedNearestNeighbours, {}),
    (EditedNearestNeighbours, {"sampling_strategy": "all", "kind_sel": "mode"}),
    (EditedNearestNeighbours, {"sampling_strategy": "not majority", "n_neighbors": 5}),
]


def _ids(params):
    sampler, kwargs = params
    return sampler.__name__ + "".join(
        f"-{k}={v}" if isinstance(v, str | int | float) else f"-{k}"
        for k, v in kwargs.items()
    )


def _data(labels=None, n=500, n_features=5, dtype=np.float64):
    """Overlapping classes on a 0.1 grid (tied distances, Tomek links, rows the
    edited rule removes); class 2 only in the last rows, so absent from the
    first blocks."""
    X, y = make_classification(
        n_samples=n,
        n_features=n_features,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.25],
        class_sep=0.6,
        random_state=0,
    )
    order = np.argsort(y == 2, kind="stable")
    X, y = np.round(X[order], 1).astype(dtype), y[order]
    if labels is not None:
        y = np.asarray(labels)[y]
    return X, y


def _dask_pair(X, y, chunks):
    return (
        da.from_array(X, chunks=(chunks, (X.shape[1],))),
        da.from_array(y, chunks=(chunks,)),
    )


@pytest.mark.parametrize("chunks", CHUNKS, ids=CHUNK_IDS)
@pytest.mark.parametrize("params", SAMPLERS, ids=_ids)
@pytest.mark.parametrize("labels", [None, ["cat", "dog", "eel"]], ids=["int", "str"])
def test_under_sampler_dask_array_equals_in_memory(params, chunks, labels):
    """Check that a Dask array gives the in-memory output row for row (values,
    labels, ``sample_indices_``, ``sampling_strategy_``) whatever the
    partitioning: uneven blocks, an empty block, one-row blocks, a class absent
    from some blocks, string labels, tied distances."""
    sampler, kwargs = params
    X, y = _data(labels=labels)
    expected = sampler(**kwargs)
    X_mem, y_mem = expected.fit_resample(X, y)
    got = sampler(**kwargs)
    X_res, y_res = got.fit_resample(*_dask_pair(X, y, chunks))
    assert isinstance(X_res, da.Array) and isinstance(y_res, da.Array)
    assert isinstance(got.sample_indices_, da.Array)
    # Known block sizes: the number kept per block is computed in advance.
    assert X_res.chunks[0] == y_res.chunks[0] == got.sample_indices_.chunks[0]
    assert not np.isnan(X_res.chunks[0]).any()
    X_res, y_res, indices = dask.compute(X_res, y_res, got.sample_indices_)
    assert X_res.dtype == X_mem.dtype and y_res.dtype == y_mem.dtype
    np.testing.assert_array_equal(X_res, X_mem)
    np.testing.assert_array_equal(y_res, y_mem)
    np.testing.assert_array_equal(indices, expected.sample_indices_)
    assert got.sampling_strategy_ == expected.sampling_strategy_
    assert len(X_mem) < len(X)  # the data do make each sampler remove rows


@pytest.mark.parametrize(
    "n, sizes",
    [(300_000, (131_072, 0, 65_537, 103_391)), (200_000, (50_000,) * 4)],
    ids=["chunk-cuts", "even"],
)
@pytest.mark.parametrize("replacement", [False, True])
def test_random_under_sampler_dask_large_classes_equal_in_memory(n, sizes, replacement):
    """Check that classes of more than one draw chunk (65,536 rows) keep the
    in-memory rows when block boundaries cut chunks anywhere, with and without
    replacement, and that the number kept per class is the strategy's."""
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.02).astype(np.int64) + (rng.random(n) < 0.3)
    X = np.arange(n, dtype=np.int32)[:, None]
    strategy = {0: 60_000, 1: 20_000}
    expected = RandomUnderSampler(
        random_state=0, sampling_strategy=strategy, replacement=replacement
    )
    X_mem, _ = expected.fit_resample(X, y)
    got = RandomUnderSampler(
        random_state=0, sampling_strategy=strategy, replacement=replacement
    )
    X_res, y_res = got.fit_resample(*_dask_pair(X, y, sizes))
    X_res, y_res, indices = dask.compute(X_res, y_res, got.sample_indices_)
    np.testing.assert_array_equal(indices, expected.sample_indices_)
    np.testing.assert_array_equal(X_res, X_mem)
    counts = np.bincount(y_res)
    assert counts[0] == 60_000 and counts[1] == 20_000
    assert counts[2] == np.count_nonzero(y == 2)


@pytest.mark.parametrize(
    "sampler",
    [RandomUnderSampler(random_state=0), TomekLinks(), EditedNearestNeighbours()],
    ids=lambda s: type(s).__name__,
)
@pytest.mark.parametrize("npartitions", [1, 4])
def test_under_sampler_dask_dataframe_equals_in_memory(sampler, npartitions):
    """Check that a Dask DataFrame (float32, int8, nullable Int64 columns; string
    labels in a column of the same frame) gives the in-memory output: the same
    rows, dtypes and index labels, the labels' Series on the same index."""
    X, y = _data(n=300)
    frame = pd.DataFrame(
        {
            "a": X[:, 0].astype(np.float32),
            "b": np.rint(X[:, 1] * 10).astype(np.int8),
            "c": pd.array(np.rint(X[:, 2] * 10).astype(int), dtype="Int64"),
            "d": X[:, 3],
        },
        index=pd.RangeIndex(1000, 1300),
    ).assign(label=np.array(["x", "y", "z"])[y])
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    memory = ddf.compute()  # the reference sees the data as Dask holds them
    X_mem, y_mem = sampler.fit_resample(memory.drop(columns="label"), memory["label"])
    expected = sampler.sample_indices_
    X_res, y_res = sampler.fit_resample(ddf.drop(columns="label"), ddf["label"])
    assert isinstance(X_res, dd.DataFrame) and isinstance(y_res, dd.Series)
    X_res, y_res = dask.compute(X_res, y_res)
    pd.testing.assert_frame_equal(X_res, X_mem)
    pd.testing.assert_series_equal(y_res, y_mem)
    np.testing.assert_array_equal(sampler.sample_indices_.compute(), expected)


def test_random_under_sampler_dask_keeps_any_column():
    """Check that random under-sampling takes what it never compares, as in
    memory: text columns and missing values in a Dask DataFrame, an object
    Dask array."""
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.2).astype(int)
    frame = pd.DataFrame(
        {"text": rng.choice(["p", "q", None], 400), "value": rng.normal(size=400)}
    )
    frame.loc[::7, "value"] = np.nan
    ddf = dd.from_pandas(frame.assign(label=y), npartitions=3)
    memory = ddf.compute()
    X_mem, _ = RandomUnderSampler(random_state=0).fit_resample(
        memory[["text", "value"]], memory["label"]
    )
    X_res, _ = RandomUnderSampler(random_state=0).fit_resample(
        ddf[["text", "value"]], ddf["label"]
    )
    pd.testing.assert_frame_equal(X_res.compute(), X_mem)
    objects = frame.to_numpy()
    X_mem, _ = RandomUnderSampler(random_state=0).fit_resample(objects, y)
    X_res, _ = RandomUnderSampler(random_state=0).fit_resample(
        *_dask_pair(objects, y, (100, 0, 300))
    )
    assert X_res.dtype == object
    pd.testing.assert_frame_equal(pd.DataFrame(X_res.compute()), pd.DataFrame(X_mem))


def test_under_sampler_dask_in_memory_labels_and_unknown_chunks():
    """Check that labels in memory are cut along the blocks of a Dask ``X``, and
    that arrays of unknown block sizes (after boolean indexing) give the
    in-memory output of the rows they hold."""
    X, y = _data()
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    for sampler in (RandomUnderSampler(random_state=0), TomekLinks()):
        X_mem, _ = sampler.fit_resample(X, y)
        X_res, _ = sampler.fit_resample(Xd, y)
        np.testing.assert_array_equal(X_res.compute(), X_mem)
    keep = np.arange(len(y)) % 3 != 0
    mask = da.from_array(keep, chunks=CHUNKS[0])
    X_unknown, y_unknown = Xd[mask], yd[mask]
    assert np.isnan(X_unknown.chunks[0]).all()
    for sampler in (RandomUnderSampler(random_state=0), EditedNearestNeighbours()):
        X_mem, y_mem = sampler.fit_resample(X[keep], y[keep])
        X_res, y_res = sampler.fit_resample(X_unknown, y_unknown)
        X_res, y_res = dask.compute(X_res, y_res)
        np.testing.assert_array_equal(X_res, X_mem)
        np.testing.assert_array_equal(y_res, y_mem)


class _Loads:
    """Blocks that count how often each is loaded (in this process); blocks of
    ``X`` raise when ``forbid_x`` is set."""

    def __init__(self, X, y, chunks, forbid_x=False):
        self.X, self.y, self.chunks = X, y, chunks
        self.forbid_x = forbid_x
        self.counts = {}

    def _load(self, what, index, start, stop):
        if what == "X" and self.forbid_x:
            raise RuntimeError(f"block {index} of X was read")
        self.counts[what, index] = self.counts.get((what, index), 0) + 1
        return getattr(self, what)[start:stop]

    def arrays(self):
        starts = np.cumsum((0, *self.chunks))
        out = {}
        for what in ("X", "y"):
            blocks = []
            for i in range(len(self.chunks)):
                part = getattr(self, what)[starts[i] : starts[i + 1]]
                load = dask.delayed(self._load, pure=False)
                block = load(what, i, starts[i], starts[i + 1])
                blocks.append(
                    da.from_delayed(block, shape=part.shape, dtype=part.dtype)
                )
            out[what] = da.concatenate(blocks)
        return out["X"], out["y"]


def test_random_under_sampler_dask_reads_no_row_of_x():
    """Check that ``fit`` and ``fit_resample`` of random under-sampling read each
    block of y once and no block of X (nothing is gathered: the output is lazy),
    and that computing the output reads each block of X and y once."""
    X, y = _data()
    loads = _Loads(X, y, (200, 300), forbid_x=True)
    with dask.config.set(scheduler="sync"):
        Xd, yd = loads.arrays()
        fitted = RandomUnderSampler(random_state=0).fit(Xd, yd)
        assert loads.counts == {("y", 0): 1, ("y", 1): 1}
        sampler = RandomUnderSampler(random_state=0)
        X_res, y_res = sampler.fit_resample(Xd, yd)
        assert loads.counts == {("y", 0): 2, ("y", 1): 2}
        with pytest.raises(RuntimeError, match="block [01] of X was read"):
            X_res.compute()
        loads.forbid_x = False
        loads.counts.clear()
        X_res, y_res = dask.compute(X_res, y_res)
    assert loads.counts == {("X", 0): 1, ("X", 1): 1, ("y", 0): 1, ("y", 1): 1}
    reference = RandomUnderSampler(random_state=0)
    X_mem, _ = reference.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_mem)
    assert fitted.sampling_strategy_ == reference.sampling_strategy_


def _ancestors(graph):
    """Every key's transitive dependencies in a low-level graph."""
    found = {}

    def visit(key):
        if key not in found:
            direct = dask.core.get_dependencies(graph, key)
            found[key] = set(direct).union(*(visit(d) for d in direct))
        return found[key]

    for key in graph:
        visit(key)
    return found


@pytest.mark.parametrize(
    "sampler", [RandomUnderSampler(random_state=0), TomekLinks()], ids=["RUS", "Tomek"]
)
def test_under_sampler_dask_label_blocks_wait_for_no_block_of_x(sampler):
    """Check that in the output's graph no task that reads a block of y depends
    on a block of X, so that a block of labels is freed once its own small
    tasks ran. Before, the rows of X were taken by a task that also read the
    block of y: a scheduler that ran the label tasks ahead of X (the
    distributed one did, with ``sample_indices_`` computed in the same call)
    kept every label block in a worker until X reached it, +300 MiB per worker
    at 10**8 rows."""
    X, y = _data()
    Xd, yd = _dask_pair(X, y, (100, 150, 250))
    X_res, y_res = sampler.fit_resample(Xd, yd)
    graph = {}
    for collection in (X_res, y_res, sampler.sample_indices_):
        graph.update(dict(collection.__dask_graph__()))
    ancestors = _ancestors(graph)
    x_keys = set(dask.core.flatten(Xd.__dask_keys__()))
    y_keys = set(yd.__dask_keys__())
    assert x_keys <= set(graph) and y_keys <= set(graph)
    readers = [key for key in graph if dask.core.get_dependencies(graph, key) & y_keys]
    assert len(readers) >= 2 * len(y_keys)  # the rows kept and the labels taken
    for key in readers:
        assert not ancestors[key] & x_keys, key


def test_random_under_sampler_dask_blocks_of_other_lengths():
    """Check that blocks of X and y that hold different rows (which only
    computing X can tell, after the labels were counted) are refused when X
    is computed, with both lengths."""
    X, y = _data(n=300)
    Xd = dd.from_pandas(pd.DataFrame(X, columns=list("abcde")), npartitions=3)
    yd = dd.from_pandas(pd.Series(y), npartitions=3).repartition(
        divisions=[0, 50, 200, 299]
    )
    X_res, _ = RandomUnderSampler(random_state=0).fit_resample(Xd, yd)
    with pytest.raises(
        ValueError,
        match=r"block [01] is not the same rows in every input: X has 100 rows, "
        r"y has 1?50 rows",
    ):
        X_res.compute()


@pytest.mark.parametrize(
    "sampler, x_reads, y_reads",
    [(TomekLinks(), 3, 4), (EditedNearestNeighbours(), 1, 2)],
    ids=["Tomek", "ENN"],
)
def test_cleaner_dask_reads_each_block_as_often_as_needed(sampler, x_reads, y_reads):
    """Check that a cleaner reads y once to count, and X and y: Tomek links
    once to gather the queried classes, once to search their neighbours over
    all blocks and once more for the partners of possible links; the edited
    rule once, for the search and rule of every block on the workers; and
    nothing while building the lazy output."""
    X, y = _data()
    loads = _Loads(X, y, (200, 300))
    with dask.config.set(scheduler="sync"):
        Xd, yd = loads.arrays()
        sampler.fit_resample(Xd, yd)
    expected = {("X", i): x_reads for i in range(2)}
    expected.update({("y", i): y_reads for i in range(2)})
    assert loads.counts == expected


def _row_bytes(X):
    return X.shape[1] * X.dtype.itemsize


def test_tomek_links_dask_gathers_only_the_queried_classes():
    """Check that Tomek links gather every class but the largest, never the
    majority: a budget that holds exactly those rows is enough, one row less
    is refused with a MemoryError naming the classes."""
    sampler = TomekLinks()
    X, y = _data()
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    n_rows = np.count_nonzero(y != 0)
    with dask.config.set({"skclassgap.gather-budget": n_rows * _row_bytes(X)}):
        X_res, _ = sampler.fit_resample(Xd, yd)
    np.testing.assert_array_equal(X_res.compute(), sampler.fit_resample(X, y)[0])
    budget = (n_rows - 1) * _row_bytes(X)
    with dask.config.set({"skclassgap.gather-budget": budget}):
        with pytest.raises(MemoryError, match=re.escape("class(es) 1, 2")) as error:
            sampler.fit_resample(Xd, yd)
    assert f"{n_rows} rows" in str(error.value)
    assert "or clean a sample of the rows" in str(error.value)


def test_under_sampler_dask_fit_counts_labels_only():
    """Check that ``fit`` of a cleaner on Dask input sets the in-memory
    ``sampling_strategy_`` and ``n_features_in_`` from the labels alone."""
    X, y = _data()
    loads = _Loads(X, y, (200, 300), forbid_x=True)
    with dask.config.set(scheduler="sync"):
        Xd, yd = loads.arrays()
        fitted = TomekLinks(sampling_strategy="all").fit(Xd, yd)
    reference = TomekLinks(sampling_strategy="all").fit(X, y)
    assert fitted.sampling_strategy_ == reference.sampling_strategy_
    assert fitted.n_features_in_ == 5


# -- refusals and bad input -----------------------------------------------------

CAPABLE = {RandomUnderSampler, TomekLinks, EditedNearestNeighbours}
REFUSED = sorted(
    (
        getattr(skclassgap.under_sampling, name)
        for name in skclassgap.under_sampling.__all__
        if getattr(skclassgap.under_sampling, name) not in CAPABLE
    ),
    key=lambda cls: cls.__name__,
)


# Why each refused sampler cannot run on Dask input (as the user guide says).
REASONS = {
    "AllKNN": "searches among the rows the previous round left",
    "ClusterCentroids": "fits its clusterer on each class's rows",
    "CondensedNearestNeighbour": "visits the rows one by one",
    "InstanceHardnessThreshold": "by cross-validation on every row",
    "NearMiss": "keeps the best of the whole class",
    "NeighbourhoodCleaningRule": "minority rows a k-NN vote misclassifies",
    "OneSidedSelection": "removes Tomek links among all the rows left",
    "RepeatedEditedNearestNeighbours": "among the rows the previous round left",
}


def test_under_sampler_dask_reasons_cover_every_refused_sampler():
    """Check that the table of refusal reasons names exactly the refused
    samplers."""
    assert sorted(REASONS) == [cls.__name__ for cls in REFUSED]


@pytest.mark.parametrize("sampler", REFUSED, ids=lambda s: s.__name__)
def test_under_sampler_dask_refused_with_reason(sampler):
    """Check that every under-sampler that cannot run on Dask input refuses it
    in ``fit`` and ``fit_resample`` with a TypeError that names the sampler, its
    own reason, and what to do instead, before reading anything."""
    X, y = _data()
    loads = _Loads(X, y, (200, 300), forbid_x=True)
    Xd, yd = loads.arrays()
    reason = re.escape(REASONS[sampler.__name__])
    message = (
        rf"^{sampler.__name__} does not run on Dask collections: .*{reason}.*\. "
        r"Compute the "
        r"data into memory first .* on Dask input use RandomUnderSampler, "
        r"TomekLinks and EditedNearestNeighbours\.$"
    )
    for method in ("fit", "fit_resample"):
        with pytest.raises(TypeError, match=message):
            getattr(sampler(), method)(Xd, yd)
    assert loads.counts == {}


@pytest.mark.parametrize(
    "sampler",
    [
        SMOTEENN(),
        SMOTETomek(),
        CleanedOverSampler(SMOTE(), TomekLinks()),
    ],
    ids=lambda s: type(s).__name__,
)
def test_combined_samplers_dask_refused_with_reason(sampler):
    """Check that the combinations refuse Dask input with the way to run their
    steps on it."""
    Xd, yd = _dask_pair(*_data(), CHUNKS[0])
    with pytest.raises(TypeError, match="does not run on Dask collections: .* step"):
        sampler.fit_resample(Xd, yd)


def _nan_block_labels():
    X, y = _data()
    y = y.astype(float)
    y[310] = np.nan  # block 3 of CHUNKS[0] (rows 300 to 449)
    return _dask_pair(X, y, CHUNKS[0])


def _nan_in_x():
    X, y = _data()
    X[120, 2] = np.nan  # block 2 of CHUNKS[0]
    return _dask_pair(X, y, CHUNKS[0])


def _text_column():
    X, y = _data(n=100)
    frame = pd.DataFrame(X, columns=list("abcde")).assign(colour="red", label=y)
    ddf = dd.from_pandas(frame, npartitions=2)
    return ddf.drop(columns="label"), ddf["label"]


def _empty():
    return _dask_pair(np.zeros((0, 3)), np.zeros(0, dtype=int), ((0,)))


def _one_dimensional():
    X, y = _data()
    return da.from_array(X[:, 0], chunks=100), da.from_array(y, chunks=100)


BAD_INPUT = [
    (RandomUnderSampler(), _nan_block_labels, ValueError, "y contains NaN in block 3"),
    (TomekLinks(), _nan_in_x, ValueError, "(in block 2 of X)"),
    (EditedNearestNeighbours(), _nan_in_x, ValueError, "(in block 2 of X)"),
    (
        EditedNearestNeighbours(sampling_strategy=[]),
        _nan_in_x,
        ValueError,
        "(in block 2 of X)",
    ),
    (
        EditedNearestNeighbours(),
        _text_column,
        TypeError,
        "column 'colour' has dtype",
    ),
    (RandomUnderSampler(), _empty, ValueError, "X and y hold no rows"),
    (TomekLinks(), _one_dimensional, ValueError, "X must be a 2-dimensional"),
    (
        EditedNearestNeighbours(n_neighbors=NearestNeighbors(n_neighbors=4)),
        lambda: _dask_pair(*_data(), CHUNKS[0]),
        ValueError,
        "so n_neighbors must be an int; got NearestNeighbors. Pass n_neighbors=3",
    ),
    (
        EditedNearestNeighbours(n_neighbors=600),
        lambda: _dask_pair(*_data(), CHUNKS[0]),
        ValueError,
        "n_neighbors=600 needs at least 601 samples in the data set, which has 500",
    ),
    (
        RandomUnderSampler(sampling_strategy={0: 400}),
        lambda: _dask_pair(*_data(), CHUNKS[0]),
        ValueError,
        "sampling_strategy asks",
    ),
]


@pytest.mark.parametrize(
    "sampler, make, error, message",
    BAD_INPUT,
    ids=[f"{type(c[0]).__name__}-{i}" for i, c in enumerate(BAD_INPUT)],
)
def test_under_sampler_dask_bad_input(sampler, make, error, message):
    """Check that bad Dask input is refused with a message naming what is wrong
    (and the block where it is): NaN labels, NaN in X for a cleaner (also when
    the edited rule cleans no class, as in memory), a text
    column for a cleaner, no rows, a 1-d X, a neighbours estimator for the
    whole-set search, too few rows for the neighbours, a class asked for more
    rows than it has."""
    X, y = make()
    with pytest.raises(error, match=re.escape(message)):
        sampler.fit_resample(X, y)
