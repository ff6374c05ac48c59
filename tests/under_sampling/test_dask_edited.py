"""The edited nearest neighbours rule on Dask input, on a real LocalCluster: the
in-memory output row for row whatever the partitioning, ties included, and no
row of ``X`` ever in the client process (the majority it cleans is never
gathered)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from skclassgap.under_sampling import EditedNearestNeighbours, TomekLinks

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]

N = 400
# Row blocks of N rows: uneven with an empty block, one block, one-row blocks
# first.
CHUNKS = [(77, 0, 163, 120, 40), (N,), (1, 1, N - 2)]
CHUNK_IDS = ["uneven-empty", "one", "tiny"]
# 13 blocks: each block's lists merged over two levels of the reduction tree,
# which merges 8 at a time.
MANY = (31,) * 12 + (28,)


def _two_class():
    """Two overlapping classes, 8:2, on a coarse grid (many equal distances)."""
    X, y = make_classification(
        n_samples=N,
        n_features=3,
        n_informative=3,
        n_redundant=0,
        weights=[0.8],
        class_sep=0.5,
        random_state=1,
    )
    return np.round(X * 2) / 2, y


def _three_class():
    """Three overlapping classes on a 0.1 grid, the smallest only in the last
    rows (absent from the first blocks)."""
    X, y = make_classification(
        n_samples=N,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.25],
        class_sep=0.6,
        random_state=0,
    )
    order = np.argsort(y == 2, kind="stable")
    return np.round(X[order], 1), y[order]


def _duplicates():
    """Exact duplicates, of the same class and of other classes, spread over
    the rows: each row's nearest rows are decided by the lower-index rule."""
    rng = np.random.default_rng(0)
    X, y = make_classification(
        n_samples=N // 2,
        n_features=3,
        n_informative=2,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        weights=[0.6, 0.3],
        class_sep=0.8,
        random_state=2,
    )
    copies = rng.integers(0, N // 2, size=N // 2)
    labels = np.where(rng.random(N // 2) < 0.3, rng.integers(0, 3, N // 2), y[copies])
    X, y = np.vstack([X, X[copies]]), np.concatenate([y, labels])
    order = rng.permutation(N)
    return np.round(X[order], 1), y[order]


DATA = {"two-class": _two_class, "three-class": _three_class, "dup": _duplicates}
PARAMS = [
    {},
    {"kind_sel": "mode", "n_neighbors": 4},
    {"kind_sel": "mode", "sampling_strategy": "all", "n_neighbors": 5},
    {"sampling_strategy": "all", "n_neighbors": 1},
]


def _dask_pair(X, y, chunks):
    return (
        da.from_array(X, chunks=(chunks, (X.shape[1],))),
        da.from_array(y, chunks=(chunks,)),
    )


def test_duplicates_data_has_tied_neighbours():
    """Check that the duplicated-rows set holds rows with an exact duplicate of
    another class (so the tie rule decides their neighbours)."""
    X, y = _duplicates()
    _, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    mixed = [g for g in np.unique(inverse) if len(np.unique(y[inverse == g])) > 1]
    assert len(first) < N and len(mixed) >= 10


@pytest.mark.parametrize("chunks", CHUNKS, ids=CHUNK_IDS)
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: "-".join(map(str, p.values())))
@pytest.mark.parametrize("data", list(DATA))
def test_edited_nearest_neighbours_dask_equals_in_memory(data, params, chunks):
    """Check that a Dask array gives the in-memory ``sample_indices_``,
    resampled ``X`` and ``y`` whatever the partitioning (uneven, an empty
    block, one-row blocks), for two and three classes, duplicated rows, both
    ``kind_sel`` and several ``n_neighbors``, with known output block sizes."""
    _check_equals_in_memory(*DATA[data](), params, chunks)


@pytest.mark.parametrize(
    "data, params", [("dup", PARAMS[2]), ("two-class", PARAMS[1])], ids=["dup", "two"]
)
def test_edited_nearest_neighbours_dask_many_blocks_equals_in_memory(data, params):
    """Check that more blocks than one merge of the reduction tree takes (each
    block's lists merged over two levels) give the in-memory output."""
    _check_equals_in_memory(*DATA[data](), params, MANY)


def _check_equals_in_memory(X, y, params, chunks):
    expected = EditedNearestNeighbours(**params)
    X_mem, y_mem = expected.fit_resample(X, y)
    got = EditedNearestNeighbours(**params)
    X_res, y_res = got.fit_resample(*_dask_pair(X, y, chunks))
    assert not np.isnan(X_res.chunks[0]).any()
    assert X_res.chunks[0] == y_res.chunks[0] == got.sample_indices_.chunks[0]
    X_res, y_res, indices = dask.compute(X_res, y_res, got.sample_indices_)
    np.testing.assert_array_equal(indices, expected.sample_indices_)
    np.testing.assert_array_equal(X_res, X_mem)
    np.testing.assert_array_equal(y_res, y_mem)
    assert got.sampling_strategy_ == expected.sampling_strategy_
    assert len(X_mem) < N  # the rule does remove rows here


def test_edited_nearest_neighbours_dask_dataframe_with_empty_partition():
    """Check that a Dask DataFrame in uneven partitions, one of them empty,
    gives the in-memory frame (rows, dtypes, index labels) and labels."""
    X, y = _duplicates()
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(N) * 3)
    frame = frame.astype({"a": np.float32}).assign(label=np.array(["p", "q", "r"])[y])
    cuts = [0, 90, 90, 250, N]
    pieces = [
        dask.delayed(frame.iloc[a:b], pure=True)
        for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    ddf = dd.from_delayed(pieces, meta=frame.iloc[:0], verify_meta=False)
    X_mem, y_mem = EditedNearestNeighbours(kind_sel="mode").fit_resample(
        frame.drop(columns="label"), frame["label"]
    )
    sampler = EditedNearestNeighbours(kind_sel="mode")
    X_res, y_res = sampler.fit_resample(ddf.drop(columns="label"), ddf["label"])
    X_res, y_res = dask.compute(X_res, y_res)
    pd.testing.assert_frame_equal(X_res, X_mem)
    pd.testing.assert_series_equal(y_res, y_mem)


def _arrays_in(value):
    """The NumPy arrays in a computed result (nested containers walked)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [a for item in value for a in _arrays_in(item)]
    return [value] if isinstance(value, pd.DataFrame | pd.Series) else []


def _received(monkeypatch):
    """Record every array ``dask.compute`` brings into this process."""
    received = []
    compute = dask.compute

    def spy(*args, **kwargs):
        results = compute(*args, **kwargs)
        received.extend(_arrays_in(results))
        return results

    monkeypatch.setattr(dask, "compute", spy)
    return received


def test_edited_nearest_neighbours_dask_never_gathers_the_majority(monkeypatch):
    """Check that the edited rule cleaning the majority (the default strategy)
    runs with a gather budget of zero bytes, which refuses any gathered row
    (Tomek links, which gathers the classes but the largest, is refused), and
    that ``fit_resample`` brings into this process no value of ``X``: only
    labels and counts per class and block, never a float array, and no more
    numbers than a few per class and block."""
    X, y = _three_class()
    chunks = CHUNKS[0]
    Xd, yd = _dask_pair(X, y, chunks)
    n_majority = np.count_nonzero(y == 0)
    with dask.config.set({"skclassgap.gather-budget": 0}):
        with pytest.raises(MemoryError, match="over the budget of 0 B"):
            TomekLinks().fit_resample(Xd, yd)
        received = _received(monkeypatch)
        sampler = EditedNearestNeighbours()
        X_res, y_res = sampler.fit_resample(Xd, yd)
        monkeypatch.undo()
    assert 0 in sampler.sampling_strategy_  # the majority is cleaned
    assert received  # the spy saw the census and the counts
    assert not any(a.dtype.kind == "f" for a in received)
    n_values = sum(np.size(a) for a in received)
    assert n_values <= 3 * len(chunks) * 3 < n_majority
    expected = EditedNearestNeighbours()
    X_mem, y_mem = expected.fit_resample(X, y)
    X_res, y_res, indices = dask.compute(X_res, y_res, sampler.sample_indices_)
    np.testing.assert_array_equal(indices, expected.sample_indices_)
    np.testing.assert_array_equal(X_res, X_mem)
    np.testing.assert_array_equal(y_res, y_mem)
    assert np.count_nonzero(y_mem == 0) < n_majority  # majority rows removed
