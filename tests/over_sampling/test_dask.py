"""Over-samplers on Dask input, on a real LocalCluster: row-for-row equality with
the in-memory output, provenance, output collections, bad input."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from skclassgap.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    BorderlineSMOTE,
    GaussianOverSampler,
)
from skclassgap.utils._dask import is_dask_collection
from tests.over_sampling.mixed_data import mixed_frame

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]

# Row blocks of 500 rows: uneven with an empty block, one block, one-row blocks.
CHUNKS = [(97, 0, 203, 150, 50), (500,), (1, 1, 498)]
NUMERIC = [
    (SMOTE, {}),
    (SMOTE, {"k_neighbors": NearestNeighbors(n_neighbors=4)}),
    (BorderlineSMOTE, {}),
    (BorderlineSMOTE, {"kind": "borderline-2", "k_neighbors": 12}),
    (BorderlineSMOTE, {"k_neighbors": NearestNeighbors(n_neighbors=6)}),
    (ADASYN, {}),
    (GaussianOverSampler, {}),
    (GaussianOverSampler, {"covariance": "diag", "shrinkage": 0.2}),
    (SMOTENC, {}),
    (SMOTE, {"sampling_strategy": lambda y: {max(y): int((y == max(y)).sum()) * 3}}),
    (SMOTE, {"sampling_strategy": "minority"}),
    (ADASYN, {"sampling_strategy": "all"}),
]


def _ids(params):
    sampler, kwargs = params
    return sampler.__name__ + "".join(
        f"-{k}={getattr(v, '__name__', type(v).__name__)}"
        if not isinstance(v, str | int | float)
        else f"-{k}={v}"
        for k, v in kwargs.items()
    )


def _data(dtype=np.float64, labels=None, n=500):
    """Overlapping classes on a 0.1 grid (many tied distances); class 2 only in
    the last rows, so absent from the first blocks."""
    X, y = make_classification(
        n_samples=n,
        n_features=5,
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


def _assert_same_provenance(got, expected):
    for name in ("sample_indices_", "parents_", "neighbors_", "gaps_"):
        np.testing.assert_array_equal(
            getattr(got, name), getattr(expected, name), err_msg=name
        )


@pytest.mark.parametrize("chunks", CHUNKS, ids=["uneven-empty", "one", "tiny"])
@pytest.mark.parametrize("params", NUMERIC, ids=_ids)
@pytest.mark.parametrize("labels", [None, ["cat", "dog", "eel"]], ids=["int", "str"])
def test_sampler_dask_array_equals_in_memory(params, chunks, labels):
    """Check that a Dask array gives the in-memory output row for row (values,
    labels, provenance), whatever the partitioning: uneven blocks, an empty block,
    one-row blocks, a class absent from some blocks, string labels, tied
    distances."""
    sampler, kwargs = params
    X, y = _data(labels=labels)
    expected = sampler(random_state=0, **kwargs)
    X_mem, y_mem = expected.fit_resample(X, y)
    got = sampler(random_state=0, **kwargs)
    X_res, y_res = got.fit_resample(*_dask_pair(X, y, chunks))
    assert isinstance(X_res, da.Array) and isinstance(y_res, da.Array)
    X_res, y_res = dask.compute(X_res, y_res)
    np.testing.assert_array_equal(X_res, X_mem)
    np.testing.assert_array_equal(y_res, y_mem)
    _assert_same_provenance(got, expected)
    assert got.sampling_strategy_ == expected.sampling_strategy_


@pytest.mark.parametrize("chunks", CHUNKS, ids=["uneven-empty", "one", "tiny"])
@pytest.mark.parametrize(
    "sampler", [BorderlineSMOTE, ADASYN], ids=["Borderline", "ADASYN"]
)
def test_whole_set_samplers_dask_attributes_equal_in_memory(sampler, chunks):
    """Check that the danger sets of Borderline-SMOTE and the density ratios of
    ADASYN, found from block-by-block neighbour lists, are the in-memory ones in
    global row indices."""
    X, y = _data()
    expected = sampler(random_state=0)
    expected.fit_resample(X, y)
    got = sampler(random_state=0)
    got.fit_resample(*_dask_pair(X, y, chunks))
    if sampler is BorderlineSMOTE:
        assert got.danger_indices_.keys() == expected.danger_indices_.keys()
        for label, rows in expected.danger_indices_.items():
            np.testing.assert_array_equal(got.danger_indices_[label], rows)
            assert len(rows)  # the data do put rows in danger
    else:
        for label, ratio in expected.density_ratios_.items():
            np.testing.assert_array_equal(got.density_ratios_[label], ratio)


def test_sampler_dask_float32_stays_float32():
    """Check that float32 blocks give a float32 Dask array equal to the in-memory
    float32 output, with the input's blocks first and untouched."""
    X, y = _data(dtype=np.float32)
    X_mem, _ = BorderlineSMOTE(random_state=1).fit_resample(X, y)
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    X_res, y_res = BorderlineSMOTE(random_state=1).fit_resample(Xd, yd)
    assert X_res.dtype == np.float32
    assert X_res.chunks[0][: len(CHUNKS[0])] == CHUNKS[0]
    assert y_res.chunks[0][: len(CHUNKS[0])] == CHUNKS[0]
    # y in other blocks comes back in X's blocks.
    _, y_res = BorderlineSMOTE(random_state=1).fit_resample(
        Xd, da.from_array(y, chunks=100)
    )
    assert y_res.chunks[0][: len(CHUNKS[0])] == CHUNKS[0]
    np.testing.assert_array_equal(X_res.compute(), X_mem)


INTEGER_ARRAYS = [
    (SMOTE, np.int64),
    (ADASYN, np.int32),
    (GaussianOverSampler, np.uint8),
    (SMOTE, np.bool_),
    (BorderlineSMOTE, np.bool_),
]


@pytest.mark.parametrize(
    "sampler, dtype",
    INTEGER_ARRAYS,
    ids=[f"{s.__name__}-{np.dtype(t).name}" for s, t in INTEGER_ARRAYS],
)
def test_sampler_dask_integer_array_keeps_dtype(sampler, dtype):
    """Check that an integer (or boolean: 0/1 for the SMOTE family) Dask array
    comes back in its dtype with the synthetic values rounded, as in memory, row
    for row."""
    X, y = _data()
    X = np.abs(X * 10).astype(dtype) if dtype is not np.bool_ else X > 0
    X_mem, _ = sampler(random_state=0).fit_resample(X, y)
    X_res, _ = sampler(random_state=0).fit_resample(*_dask_pair(X, y, CHUNKS[0]))
    assert X_res.dtype == X_mem.dtype == dtype
    np.testing.assert_array_equal(X_res.compute(), X_mem)


@pytest.mark.parametrize(
    "sampler", [SMOTE, BorderlineSMOTE, ADASYN, SMOTENC], ids=lambda s: s.__name__
)
def test_sampler_dask_integer_and_nullable_columns_equal_in_memory(sampler):
    """Check that a Dask DataFrame of int8, nullable Int64, boolean and float32
    columns gives the in-memory output row for row, every dtype kept, integers
    rounded (the float block is float64, as in memory)."""
    X, y = _data(n=300)
    frame = pd.DataFrame(
        {
            "small": np.rint(X[:, 0] * 10).astype(np.int8),
            "count": pd.array(np.rint(X[:, 1] * 100).astype(int), dtype="Int64"),
            "flag": pd.array(X[:, 2] > 0, dtype="boolean"),
            "weight": X[:, 3].astype(np.float32),
        }
    )
    ddf = dd.from_pandas(frame.assign(label=y), npartitions=3)
    expected = sampler(random_state=0)
    X_mem, _ = expected.fit_resample(frame, y)
    got = sampler(random_state=0)
    X_res, _ = got.fit_resample(ddf.drop(columns="label"), ddf["label"])
    X_res = X_res.compute().reset_index(drop=True)
    assert X_res.dtypes.equals(frame.dtypes)
    pd.testing.assert_frame_equal(X_res, X_mem)
    _assert_same_provenance(got, expected)


def _mixed_dask(frame, y, npartitions, empty=False):
    """A Dask DataFrame with a label column; ``empty`` puts an empty partition in
    the middle."""
    full = frame.assign(label=y)
    if not empty:
        return dd.from_pandas(full, npartitions=npartitions)
    parts = [full.iloc[:150], full.iloc[:0], full.iloc[150:]]
    return dd.from_delayed(
        [dask.delayed(p) for p in parts], meta=full.iloc[:0], verify_meta=False
    )


MIXED = [
    (SMOTENC, None),
    (GaussianOverSampler, None),
    (SMOTEN, ["colour", "shape", "flag", "code"]),
    (SMOTENC, ["colour", "shape", "code"]),
    (SMOTE, ["length", "weight", "count"]),
    (BorderlineSMOTE, ["length", "weight", "count"]),
]


@pytest.mark.parametrize(
    "partitioning", [(1, False), (4, False), (2, True)], ids=["one", "four", "empty"]
)
@pytest.mark.parametrize(
    "params",
    MIXED,
    ids=[f"{s.__name__}-{'all' if c is None else len(c)}" for s, c in MIXED],
)
def test_sampler_dask_dataframe_equals_in_memory(params, partitioning):
    """Check that a Dask DataFrame (category, string, bool, object and numeric
    columns; string labels in a column of the same frame) gives the in-memory
    output row for row, with every column's dtype kept and the provenance equal."""
    sampler, columns = params
    frame, y = mixed_frame(n=400, n_classes=3)
    if columns is not None:
        frame = frame[columns]
    ddf = _mixed_dask(frame, np.array(["a", "b", "c"])[y], *partitioning)
    # The reference sees the data as Dask holds them (Dask's string dtype).
    memory = ddf.compute().reset_index(drop=True)
    expected = sampler(random_state=0)
    X_mem, y_mem = expected.fit_resample(memory.drop(columns="label"), memory["label"])
    got = sampler(random_state=0)
    X_res, y_res = got.fit_resample(ddf.drop(columns="label"), ddf["label"])
    assert isinstance(X_res, dd.DataFrame) and isinstance(y_res, dd.Series)
    assert X_res.npartitions > ddf.npartitions
    X_res, y_res = dask.compute(X_res, y_res)
    pd.testing.assert_frame_equal(X_res.reset_index(drop=True), X_mem)
    pd.testing.assert_series_equal(y_res.reset_index(drop=True), y_mem)
    _assert_same_provenance(got, expected)
    if sampler is not SMOTE and sampler is not BorderlineSMOTE:
        np.testing.assert_array_equal(
            got.categorical_features_, expected.categorical_features_
        )


def test_sampler_dask_first_appearance_levels_across_blocks():
    """Check that SMOTE-N's tie-breaking follows the levels' first appearance
    over all rows, even when the class to oversample meets them in another order
    (levels first seen in majority rows of an earlier block)."""
    rng = np.random.default_rng(3)
    n = 300
    y = np.where(np.arange(n) < 200, "major", "minor")
    level = np.where(np.arange(n) < 100, "z", "a")  # "z" first, in the majority
    level[200:] = rng.choice(["a", "z", "m"], size=100)
    frame = pd.DataFrame({"f": level, "g": rng.choice(["p", "q"], size=n)})
    ddf = dd.from_pandas(frame.assign(label=y), npartitions=3)
    memory = ddf.compute()
    expected = SMOTEN(random_state=0, k_neighbors=3)
    X_mem, _ = expected.fit_resample(memory[["f", "g"]], memory["label"])
    X_res, _ = SMOTEN(random_state=0, k_neighbors=3).fit_resample(
        ddf[["f", "g"]], ddf["label"]
    )
    pd.testing.assert_frame_equal(X_res.compute().reset_index(drop=True), X_mem)


def test_sampler_dask_unknown_chunk_sizes():
    """Check that arrays of unknown block sizes (after boolean indexing) are
    resampled as the in-memory rows they hold: block sizes come from the pass
    that counts the labels, never from a separate pass."""
    X, y = _data()
    keep = np.arange(len(y)) % 3 != 0
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    mask = da.from_array(keep, chunks=CHUNKS[0])
    X_unknown, y_unknown = Xd[mask], yd[mask]
    assert np.isnan(X_unknown.chunks[0]).all()
    X_mem, y_mem = ADASYN(random_state=0).fit_resample(X[keep], y[keep])
    X_res, y_res = ADASYN(random_state=0).fit_resample(X_unknown, y_unknown)
    X_res, y_res = dask.compute(X_res, y_res)
    np.testing.assert_array_equal(X_res, X_mem)
    np.testing.assert_array_equal(y_res, y_mem)


class _Loads:
    """Blocks that count how often each is loaded (in this process)."""

    def __init__(self, X, y, chunks):
        self.X, self.y, self.chunks = X, y, chunks
        self.counts = {}

    def _load(self, what, index, start, stop):
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


@pytest.mark.parametrize(
    "sampler, x_reads, y_reads",
    [(SMOTE, 1, 2), (ADASYN, 2, 3)],
    ids=["SMOTE", "ADASYN"],
)
def test_sampler_dask_reads_each_block_as_often_as_needed(sampler, x_reads, y_reads):
    """Check that each block of y is read twice (count, then gather) and each
    block of X once (gather); ADASYN reads both once more for the whole-set
    neighbours (the labels of the candidates). Nothing is computed twice without
    need, nor while building the lazy output."""
    X, y = _data()
    loads = _Loads(X, y, (200, 300))
    with dask.config.set(scheduler="sync"):
        Xd, yd = loads.arrays()
        sampler(random_state=0).fit_resample(Xd, yd)
    expected = {("X", i): x_reads for i in range(2)}
    expected.update({("y", i): y_reads for i in range(2)})
    assert loads.counts == expected


@pytest.mark.parametrize(
    "sampler", [SMOTE, BorderlineSMOTE, ADASYN, GaussianOverSampler]
)
def test_sampler_dask_fit_counts_labels_only(sampler):
    """Check that ``fit`` on Dask input reads each block of y once and no block
    of X, and sets the same ``sampling_strategy_`` and ``n_features_in_`` as
    ``fit`` in memory."""
    X, y = _data()
    loads = _Loads(X, y, (200, 300))
    with dask.config.set(scheduler="sync"):
        Xd, yd = loads.arrays()
        fitted = sampler(random_state=0).fit(Xd, yd)
    assert loads.counts == {("y", 0): 1, ("y", 1): 1}
    reference = sampler(random_state=0).fit(X, y)
    assert dict(fitted.sampling_strategy_) == dict(reference.sampling_strategy_)
    assert fitted.n_features_in_ == reference.n_features_in_ == X.shape[1]


def test_sampler_dask_dataframe_output_index():
    """Check that the input partitions keep their index and the synthetic rows are
    numbered on from the number of input rows."""
    X, y = _data(n=300)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)]).assign(label=y)
    ddf = dd.from_pandas(frame, npartitions=3)
    X_res, y_res = SMOTE(random_state=0).fit_resample(
        ddf.drop(columns="label"), ddf["label"]
    )
    X_res, y_res = dask.compute(X_res, y_res)
    n_new = len(X_res) - 300
    np.testing.assert_array_equal(X_res.index, np.arange(300 + n_new))
    np.testing.assert_array_equal(y_res.index, X_res.index)
    assert list(X_res.columns) == list(frame.columns[:-1])


# -- bad input ------------------------------------------------------------------


def _nan_block_labels():
    X, y = _data()
    y = y.astype(float)
    y[310] = np.nan  # block 3 of CHUNKS[0] (rows 300 to 449)
    return _dask_pair(X, y, CHUNKS[0])


def _mismatched_frames():
    X, y = _data(n=300)
    frame = pd.DataFrame(X, columns=list("abcde"))
    return dd.from_pandas(frame, npartitions=3), dd.from_pandas(
        pd.Series(y), npartitions=2
    )


def _mismatched_lengths():
    X, y = _data(n=300)
    Xd = dd.from_pandas(pd.DataFrame(X, columns=list("abcde")), npartitions=3)
    yd = dd.from_pandas(pd.Series(y), npartitions=3).repartition(
        divisions=[0, 50, 200, 299]
    )
    return Xd, yd


def _nan_in_x():
    X, y = _data()
    X[120, 2] = np.nan
    return _dask_pair(X, y, CHUNKS[0])


def _bool_array():
    """A boolean array: categorical columns for the mixed samplers, as in memory."""
    X, y = _data()
    return _dask_pair(X > 0, y, CHUNKS[0])


def _different_lengths():
    X, y = _data()
    return da.from_array(X, chunks=(100, 5)), da.from_array(y[:-5], chunks=100)


def _memory_x():
    X, y = _data()
    return X, da.from_array(y, chunks=100)


def _empty():
    return da.zeros((0, 5), chunks=(0, 5)), da.zeros(0, chunks=0, dtype=int)


def _missing_category():
    frame, y = mixed_frame(n=200)
    frame.loc[150, "colour"] = np.nan
    return dd.from_pandas(frame, npartitions=2), dd.from_pandas(
        pd.Series(y), npartitions=2
    )


def _identifiers():
    """Two columns with a distinct string on every row (over all blocks; the
    gathered minority rows alone would say so too)."""
    n = 40
    frame = pd.DataFrame(
        {"id": [f"row-{i}" for i in range(n)], "name": [f"n{i * 7}" for i in range(n)]}
    )
    y = pd.Series(np.r_[[0] * 30, [1] * 10])
    return dd.from_pandas(frame, npartitions=2), dd.from_pandas(y, npartitions=2)


def _frame_labels():
    X, y = _data(n=300)
    frame = pd.DataFrame(X, columns=list("abcde")).assign(label=y, other=y)
    ddf = dd.from_pandas(frame, npartitions=3)
    return ddf[list("abcde")], ddf[["label", "other"]]


def _two_d_labels():
    X, y = _data()
    return da.from_array(X, chunks=(100, 5)), da.from_array(np.c_[y, y], chunks=100)


BAD = [
    (
        SMOTE(),
        _frame_labels,
        ValueError,
        "y must be a 1-dimensional Dask array or a Dask Series .*got a Dask "
        "DataFrame of 2 columns",
    ),
    (SMOTE(), _two_d_labels, ValueError, r"got a Dask Array of shape \(500, 2\)"),
    (SMOTE(), _nan_block_labels, ValueError, "y contains NaN in block 3"),
    (
        SMOTE(),
        _mismatched_frames,
        ValueError,
        "X and y must be split into the same rows: X has 3 partitions, y has 2",
    ),
    (
        SMOTE(),
        _mismatched_lengths,
        ValueError,
        # Whichever wrong block a worker reads first is reported.
        r"block [01] is not the same rows in every input: X has 100 rows, y has "
        r"1?50 rows",
    ),
    (SMOTE(), _nan_in_x, ValueError, "Input X contains NaN.*in block 2 of X"),
    (
        SMOTE(),
        _different_lengths,
        ValueError,
        "X and y must have the same length; got 500 and 495",
    ),
    (SMOTE(), _memory_x, TypeError, "needs X as a Dask array or DataFrame"),
    (SMOTE(), _empty, ValueError, "X and y hold no rows"),
    (
        SMOTENC(),
        _missing_category,
        ValueError,
        "NaN in categorical column 'colour'.*in block 1 of X",
    ),
    (
        SMOTENC(),
        _identifiers,
        ValueError,
        re.escape(
            "every column of X is an identifier (a distinct non-numeric value on "
            "every row): column 'id', column 'name'. SMOTENC finds neighbours"
        ),
    ),
    (
        BorderlineSMOTE(m_neighbors=NearestNeighbors(n_neighbors=11)),
        _nan_in_x,
        ValueError,
        "so m_neighbors must be an int; got NearestNeighbors. Pass m_neighbors=10",
    ),
    (
        BorderlineSMOTE(kind="borderline-2", k_neighbors=NearestNeighbors()),
        _nan_in_x,
        ValueError,
        "so k_neighbors must be an int",
    ),
    (
        ADASYN(n_neighbors=NearestNeighbors(n_neighbors=3)),
        _nan_in_x,
        ValueError,
        "so n_neighbors must be an int",
    ),
    (
        GaussianOverSampler(covariance="pooled"),
        _nan_in_x,
        ValueError,
        "pools the rows of every class, which Dask input does not gather",
    ),
    (
        SMOTENC(categorical_features=[0]),
        _nan_in_x,
        ValueError,
        "takes categorical columns of Dask input from a Dask DataFrame",
    ),
    (
        GaussianOverSampler(),
        _bool_array,
        ValueError,
        "got a Dask array of dtype bool with categorical_features='auto'",
    ),
]


@pytest.mark.parametrize(
    "sampler, make, error, message",
    BAD,
    ids=[b[1].__name__ + "-" + type(b[0]).__name__ for b in BAD],
)
def test_sampler_dask_bad_input(sampler, make, error, message):
    """Check that bad Dask input is refused with a message that says what and
    where (block) it was, and how to fix it."""
    X, y = make()
    with pytest.raises(error, match=message):
        sampler.fit_resample(X, y)


def test_sampler_dask_budget_error():
    """Check that classes to gather past the budget raise before any row is
    gathered, naming the class, its rows and bytes and the way to raise it; and
    that a larger budget lets the same call through."""
    X, y = _data(labels=["cat", "dog", "eel"])
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    n_dog = int((y == "dog").sum())
    n_total = int((y != "cat").sum())
    size = dask.utils.format_bytes
    message = re.escape(
        f"{n_total} rows, about {size(n_total * 40)}, over the budget of 1.00 kiB "
        f"(the largest, class 'dog', has {n_dog} rows, about {size(n_dog * 40)}). "
        "Raise the budget with dask.config.set({'skclassgap.gather-budget': "
        f"'{size(n_total * 80)}'}})"
    )
    with dask.config.set({"skclassgap.gather-budget": "1KiB"}):
        with pytest.raises(MemoryError, match=message):
            SMOTE(random_state=0).fit_resample(Xd, yd)
    with dask.config.set({"skclassgap.gather-budget": n_total * 40}):
        X_res, _ = SMOTE(random_state=0).fit_resample(Xd, yd)
    assert X_res.shape[0] == 3 * int((y == "cat").sum())


@pytest.mark.parametrize("value", ["lots", -1, True])
def test_sampler_dask_budget_setting_checked(value):
    """Check that a budget that is not a size is refused with the key's name."""
    Xd, yd = _dask_pair(*_data(), CHUNKS[0])
    with dask.config.set({"skclassgap.gather-budget": value}):
        with pytest.raises(
            ValueError,
            match=re.escape(
                "The Dask configuration 'skclassgap.gather-budget' must be a number "
                f"of bytes or a size such as '2GiB'; got {value!r}."
            ),
        ):
            SMOTE().fit_resample(Xd, yd)


def test_sampler_dask_output_is_lazy():
    """Check that the output is made of Dask collections (nothing computed)."""
    Xd, yd = _dask_pair(*_data(), CHUNKS[0])
    X_res, y_res = SMOTE(random_state=0).fit_resample(Xd, yd)
    assert is_dask_collection(X_res) and is_dask_collection(y_res)
