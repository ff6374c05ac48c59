"""Tests of the Dask dispatch helpers."""

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from skclassgap.utils._dask import (
    aligned_blocks,
    check_block_lengths,
    feature_frame,
    import_dask,
    is_dask_collection,
    tree_reduce,
)


def test_core_imports_do_not_import_dask():
    """Check that importing every subpackage (and the command line) leaves Dask
    unimported."""
    code = (
        "import sys, skclassgap.metrics, skclassgap.spectral, "
        "skclassgap.over_sampling, skclassgap.cost_sensitive, skclassgap.threshold, "
        "skclassgap.compose, skclassgap.cli, skclassgap.cli._main; "
        "from skclassgap.metrics import per_class_report; "
        "per_class_report([0, 1], [0, 1]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('dask', 'distributed')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "obj",
    [
        np.arange(3),
        pd.Series([1, 2]),
        pd.DataFrame({"__dask_graph__": [1, 2]}),
        [1, 2],
        None,
    ],
    ids=["ndarray", "series", "frame-with-protocol-name", "list", "none"],
)
def test_is_dask_collection_in_memory(obj):
    """Check that in-memory objects, even a column named like the protocol, are not
    taken for Dask collections."""
    assert not is_dask_collection(obj)


def test_check_block_lengths_names_every_input():
    """Check that blocks of different lengths are reported with each input's count."""
    assert check_block_lengths(3, X=np.zeros((4, 2)), y=np.zeros(4), w=None) == 4
    with pytest.raises(
        ValueError,
        match=r"block 3 is not the same rows in every input: X has 4 rows, y has 5 "
        r"rows\. Pass columns of one Dask DataFrame",
    ):
        check_block_lengths(3, X=np.zeros((4, 2)), y=np.zeros(5))


@pytest.fixture
def dk():
    """Dask's modules (the test is skipped without the dask extra)."""
    return SimpleNamespace(
        dask=pytest.importorskip("dask"),
        da=pytest.importorskip("dask.array"),
        dd=pytest.importorskip("dask.dataframe"),
        bag=pytest.importorskip("dask.bag"),
    )


@pytest.mark.dask
@pytest.mark.parametrize(
    "make",
    [
        lambda dk: dk.da.zeros(3, chunks=2),
        lambda dk: dk.dd.from_pandas(pd.DataFrame({"a": [1, 2]}), npartitions=1),
        lambda dk: dk.dd.from_pandas(pd.Series([1, 2]), npartitions=1),
    ],
    ids=["array", "frame", "series"],
)
def test_is_dask_collection_dask(dk, make):
    """Check that Dask arrays, DataFrames and Series are recognised."""
    assert is_dask_collection(make(dk))


@pytest.mark.dask
def test_import_dask_names_the_extra_when_a_module_is_missing(dk, monkeypatch):
    """Check that a missing Dask module gives an ImportError naming the extra."""
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(
        ImportError,
        match=r"y_true is a Dask collection.*Install the extra: pip install "
        r"'skclassgap\[dask\]'",
    ):
        import_dask("y_true")


@pytest.mark.dask
def test_import_dask_refuses_old_dask(dk, monkeypatch):
    """Check that a Dask older than the floor is refused with the upgrade command."""
    monkeypatch.setattr(dk.dask, "__version__", "2023.5.0")
    with pytest.raises(
        ImportError, match=r"needs dask>=2025\.1\.0; found dask 2023\.5\.0\. Upgrade"
    ):
        import_dask("X")


@pytest.mark.dask
def test_feature_frame_of_dask_dataframe_is_empty_and_typed(dk):
    """Check that a Dask DataFrame stands in as an empty frame with its columns and
    dtypes, and that other objects pass through."""
    frame = pd.DataFrame({"a": [1.0], "b": np.array([1], dtype=np.int32)})
    view = feature_frame(dk.dd.from_pandas(frame, npartitions=1))
    pd.testing.assert_frame_equal(view, frame.iloc[:0], check_index_type=False)
    X = np.zeros((2, 2))
    assert feature_frame(X) is X


@pytest.mark.dask
@pytest.mark.parametrize("n_parts, split_every", [(1, 8), (8, 8), (20, 8), (7, 2)])
def test_tree_reduce_keeps_order(dk, dask_client, n_parts, split_every):
    """Check that the tree merges every part once, in order, even a single part."""

    def merge(parts):
        return [x for p in parts for x in p]

    parts = [dk.dask.delayed([i]) for i in range(n_parts)]
    (result,) = dk.dask.compute(tree_reduce(parts, merge, split_every=split_every))
    assert result == list(range(n_parts))


@pytest.mark.dask
def test_tree_reduce_passes_keyword_arguments(dk, dask_client):
    """Check that keyword arguments reach every merge of the tree (3 merges of 3
    parts 2 by 2), a Delayed one computed first."""

    def merge(parts, *, offset):
        return sum(parts) + offset

    parts = [dk.dask.delayed(v) for v in (1, 2, 4)]
    offset = dk.dask.delayed(10)
    (result,) = dk.dask.compute(tree_reduce(parts, merge, split_every=2, offset=offset))
    assert result == 1 + 2 + 4 + 3 * 10


@pytest.mark.dask
def test_tree_reduce_refuses_small_split_every(dk):
    """Check that a fan-in below 2 is refused."""
    with pytest.raises(ValueError, match=r"split_every must be an integer >= 2; got 1"):
        tree_reduce([dk.dask.delayed(1)], sum, split_every=1)


@pytest.mark.dask
@pytest.mark.parametrize(
    "collections, error, message",
    [
        (
            lambda dk: {"y": dk.bag.from_sequence([1, 2])},
            TypeError,
            r"y is a Dask Bag; skclassgap accepts Dask arrays, DataFrames and Series",
        ),
        (
            lambda dk: {"X": dk.da.zeros((2, 2, 2))},
            ValueError,
            r"X must be a 1- or 2-dimensional Dask array; got one of shape "
            r"\(2, 2, 2\)",
        ),
        (
            lambda dk: {
                "y_true": dk.da.zeros(4, chunks=2),
                "y_pred": dk.da.zeros(5, chunks=2),
            },
            ValueError,
            r"y_true and y_pred must have the same length; got 4 and 5",
        ),
        (
            lambda dk: {
                "y_true": dk.dd.from_pandas(pd.Series(range(9)), npartitions=3),
                "y_pred": dk.da.zeros(9, chunks=2),
            },
            ValueError,
            r"y_true and y_pred must be split into the same rows: y_true has 3 "
            r"partitions, y_pred has 5 blocks of \[2, 2, 2, 2, 1\] rows",
        ),
    ],
    ids=["bag", "3d", "lengths", "partitions"],
)
def test_aligned_blocks_refuses(dk, collections, error, message):
    """Check that unsupported collections and blocks that cannot be lined up are
    refused before anything is computed."""
    with pytest.raises(error, match=message):
        aligned_blocks(collections(dk))


@pytest.mark.dask
def test_aligned_blocks_rechunks_and_slices(dk, dask_client):
    """Check that known-size arrays follow the first one's row blocks, 2-d arrays get
    one column block, in-memory arrays are sliced alike and None stays None."""
    X = np.arange(20.0).reshape(10, 2)
    blocks = aligned_blocks(
        {
            "X": dk.da.from_array(X, chunks=(3, 1)),
            "y": dk.da.arange(10, chunks=5),
            "w": np.arange(10) * 2,
            "g": None,
        }
    )
    assert [len(v) for v in blocks.values()] == [4, 4, 4, 4]
    assert blocks["g"] == [None] * 4
    (computed,) = dk.dask.compute(blocks)
    np.testing.assert_array_equal(computed["X"][3], X[9:])
    np.testing.assert_array_equal(np.concatenate(computed["y"]), np.arange(10))
    np.testing.assert_array_equal(computed["w"][1], [6, 8, 10])
