"""Spectra, moments and the balancer on Dask input, on a real LocalCluster."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from skclassgap.spectral import (
    ClassMoments,
    SpectralBalancer,
    class_spectra,
    spectral_imbalance,
)
from skclassgap.utils._dask import is_dask_collection

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]

# Row blocks: uneven, with an empty block.
CHUNKS = [(97, 0, 203, 150, 50), (500,), (1, 1, 498)]


def _data(n=500, d=5, seed=0, dtype=np.float64, labels=None):
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, d)) * np.arange(1, d + 1) + 40.0).astype(dtype)
    y = rng.integers(0, 3, n)
    # Class 2 only in the last 200 rows: absent from the first blocks.
    y[:300] = np.where(y[:300] == 2, 0, y[:300])
    if labels is not None:
        y = np.asarray(labels)[y]
    return X, y


def _dask_pair(X, y, chunks):
    return (
        da.from_array(X, chunks=(chunks, (X.shape[1],))),
        da.from_array(y, chunks=(chunks,)),
    )


def _assert_spectra_equal(got, expected, rtol):
    np.testing.assert_array_equal(got.classes, expected.classes)
    np.testing.assert_array_equal(got.counts, expected.counts)
    for name in ("means", "covariances", "eigenvalues", "pooled_covariance"):
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype, name
        scale = np.abs(b).max()
        assert_allclose(a, b, rtol=rtol, atol=rtol * scale, err_msg=name)
    assert_allclose(got.shrinkage, expected.shrinkage, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("chunks", CHUNKS)
@pytest.mark.parametrize("shrinkage", [None, "ledoit_wolf", 0.3])
@pytest.mark.parametrize("labels", [None, ["cat", "dog", "eel"]])
def test_class_spectra_dask_equals_in_memory(chunks, shrinkage, labels):
    """Check that class_spectra of a Dask array equals the in-memory result to 1e-10
    (uneven blocks, an empty block, a class absent from some blocks, strings)."""
    X, y = _data(labels=labels)
    Xd, yd = _dask_pair(X, y, chunks)
    got = class_spectra(Xd, yd, shrinkage=shrinkage)
    expected = class_spectra(X, y, shrinkage=shrinkage)
    _assert_spectra_equal(got, expected, rtol=1e-10)


def test_class_spectra_dask_float32_stays_float32():
    """Check that float32 blocks give float32 spectra equal to the in-memory ones up
    to float32 rounding (each block's products run in float32, as each in-memory
    chunk's do, over other row sets)."""
    X, y = _data(dtype=np.float32)
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    got = class_spectra(Xd, yd)
    _assert_spectra_equal(got, class_spectra(X, y), rtol=1e-5)


def test_class_spectra_dask_dataframe_columns():
    """Check that a Dask DataFrame of features with a label column of the same frame
    (categorical labels) gives the in-memory spectra."""
    X, y = _data(labels=["b", "a", "c"])
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame["label"] = pd.Categorical(y)
    ddf = dd.from_pandas(frame, npartitions=4)
    got = class_spectra(ddf.drop(columns="label"), ddf["label"])
    _assert_spectra_equal(got, class_spectra(X, y), rtol=1e-10)


def test_class_spectra_dask_mixed_partitioning():
    """Check that X and y with different known chunks are lined up (y rechunked)."""
    X, y = _data()
    Xd = da.from_array(X, chunks=((250, 250), (2, 3)))
    yd = da.from_array(y, chunks=((100, 400),))
    _assert_spectra_equal(class_spectra(Xd, yd), class_spectra(X, y), rtol=1e-10)


def test_class_spectra_in_memory_X_with_dask_y():
    """Check that an in-memory X is cut along the blocks of a Dask y."""
    X, y = _data()
    got = class_spectra(X, da.from_array(y, chunks=(CHUNKS[0],)))
    _assert_spectra_equal(got, class_spectra(X, y), rtol=1e-10)


def test_spectral_imbalance_dask_equals_in_memory():
    """Check that the per-class table and its spread on Dask equal the in-memory
    ones."""
    X, y = _data(n=900, d=8)
    Xd, yd = _dask_pair(X, y, (300, 300, 300))
    for summary in ("per_class", "spread"):
        pd.testing.assert_frame_equal(
            spectral_imbalance(Xd, yd, summary=summary),
            spectral_imbalance(X, y, summary=summary),
            rtol=1e-10,
        )


def test_class_moments_partial_fit_dask_then_numpy():
    """Check that moments from a Dask array, then in-memory rows, equal one pass."""
    X, y = _data()
    Xd, yd = _dask_pair(X[:300], y[:300], (120, 180))
    moments = ClassMoments().partial_fit(Xd, yd).partial_fit(X[300:], y[300:])
    whole = ClassMoments().partial_fit(X, y)
    np.testing.assert_array_equal(moments.counts_, whole.counts_)
    assert_allclose(moments.means(), whole.means(), rtol=1e-12)
    assert_allclose(moments.covariances()[0], whole.covariances()[0], rtol=1e-10)


def test_class_moments_partial_fit_dask_reads_each_block_once():
    """Check that moments of Dask input read every block of X and y exactly once."""
    X, y = _data()
    calls = []

    def load(block, name):
        calls.append((name, block.shape[0]))
        return block

    Xd, yd = _dask_pair(X, y, (100, 200, 200))
    Xd = Xd.map_blocks(load, "X", meta=X[:0])
    yd = yd.map_blocks(load, "y", meta=y[:0])
    with dask.config.set(scheduler="sync"):
        ClassMoments().partial_fit(Xd, yd)
    assert sorted(calls) == sorted(
        [("X", 100), ("X", 200), ("X", 200), ("y", 100), ("y", 200), ("y", 200)]
    )


@pytest.mark.parametrize("reference", ["pooled", "worst"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_spectral_balancer_dask_fit_transform(reference, dtype):
    """Check that fit on Dask input gives the in-memory map and that transform is lazy,
    block-wise and equal to the in-memory transform (float32 kept)."""
    X, y = _data(dtype=dtype)
    Xd, yd = _dask_pair(X, y, CHUNKS[0])
    params = {"reference": reference, "n_components": 4}
    fitted = SpectralBalancer(**params).fit(Xd, yd)
    expected = SpectralBalancer(**params).fit(X, y)
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    for name in ("mean_", "explained_variance_", "reference_variance_", "scale_"):
        assert_allclose(getattr(fitted, name), getattr(expected, name), rtol=rtol)
    # Eigenvectors are defined up to sign.
    signs = np.sign((fitted.eigenvectors_ * expected.eigenvectors_).sum(axis=0))
    assert_allclose(fitted.eigenvectors_ * signs, expected.eigenvectors_, atol=rtol)
    Z = fitted.transform(Xd)
    assert is_dask_collection(Z)
    assert Z.dtype == dtype
    assert Z.chunks == (CHUNKS[0], (X.shape[1],))
    assert_allclose(Z.compute(), fitted.transform(X), rtol=1e-12, atol=1e-12)


def test_spectral_balancer_dask_dataframe_keeps_names():
    """Check that a Dask DataFrame gives a Dask DataFrame with the feature names, the
    same index, and values equal to the in-memory transform; inverse maps back."""
    X, y = _data()
    columns = [f"emb_{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns, index=np.arange(1000, 1500))
    ddf = dd.from_pandas(frame, npartitions=3)
    yd = dd.from_pandas(pd.Series(y, index=frame.index), npartitions=3)
    balancer = SpectralBalancer().fit(ddf, yd)
    np.testing.assert_array_equal(balancer.feature_names_in_, columns)
    Z = balancer.transform(ddf)
    assert isinstance(Z, dd.DataFrame)
    assert list(Z.columns) == columns
    computed = Z.compute()
    expected = SpectralBalancer().fit(frame, y).transform(frame)
    pd.testing.assert_index_equal(computed.index, frame.index)
    assert_allclose(computed.to_numpy(), expected, rtol=1e-9, atol=1e-9)
    back = balancer.inverse_transform(Z).compute()
    assert_allclose(back.to_numpy(), X, rtol=1e-9)


def _unknown_chunks(X):
    Xd = da.from_array(X, chunks=(100, X.shape[1]))
    return Xd[Xd[:, 0] > -np.inf]  # every row kept, block sizes unknown


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda X, y: (_unknown_chunks(X), da.from_array(y, chunks=250)),
            r"X and y must be split into the same rows: X has 5 blocks of unknown "
            r"sizes, y has 2 blocks .*compute_chunk_sizes",
        ),
        (
            lambda X, y: (
                dd.from_pandas(pd.DataFrame(X), npartitions=2),
                dd.from_pandas(pd.Series(y[:400]), npartitions=2),
            ),
            r"block \d is not the same rows in every input: X has 250 rows, y has "
            r"200 rows",
        ),
        (
            lambda X, y: (
                da.from_array(X, chunks=(100, 5)),
                da.from_array(np.where(np.arange(500) == 450, np.nan, y), chunks=100),
            ),
            r"y contains NaN; labels cannot be missing",
        ),
        (
            lambda X, y: (
                da.from_array(np.where(np.arange(500)[:, None] == 7, np.inf, X), 100),
                da.from_array(y, chunks=100),
            ),
            r"Input X contains NaN or infinity",
        ),
        (
            lambda X, y: (
                da.from_array(X, chunks=(100, 5)),
                y[:400],
            ),
            r"X and y must have the same length; got 500 and 400",
        ),
        (
            lambda X, y: (
                dd.from_pandas(pd.DataFrame(X), npartitions=2),
                y,
            ),
            r"y is in memory but X is a Dask collection with 2 partitions",
        ),
    ],
    ids=[
        "unknown-chunks",
        "partition-lengths",
        "nan-label-block",
        "inf-block",
        "memory-length",
        "memory-vs-frame",
    ],
)
def test_class_spectra_dask_bad_input(make, message):
    """Check that mismatched blocks and bad values in one block are refused clearly."""
    X, y = _data()
    Xd, yd = make(X, y.astype(np.float64))
    with pytest.raises(ValueError, match=message):
        class_spectra(Xd, yd)


def test_class_moments_merge_refuses_mixed_label_types():
    """Check that blocks labelled with numbers and with strings are not silently
    merged (NumPy would turn the numbers into strings)."""
    X, _ = _data(n=20)
    y = np.array([1] * 10 + ["a"] * 10, dtype=object)
    Xd, yd = _dask_pair(X, y, (10, 10))
    with pytest.raises(ValueError, match=r"\['a'\]\) cannot be compared with the "):
        class_spectra(Xd, yd)


def test_class_moments_dask_feature_count_checked_before_compute():
    """Check that a Dask X with another number of features is refused at once."""
    X, y = _data()
    moments = ClassMoments().partial_fit(X[:, :3], y)
    Xd, yd = _dask_pair(X, y, (500,))
    with pytest.raises(ValueError, match=r"X has 5 features, but these moments"):
        moments.partial_fit(Xd, yd)


def test_class_spectra_dask_all_blocks_empty():
    """Check that Dask input without rows is refused."""
    Xd = da.zeros((0, 3), chunks=(1, 3))
    yd = da.zeros(0, chunks=1, dtype=np.int64)
    with pytest.raises(ValueError, match=r"X and y hold no rows"):
        class_spectra(Xd, yd)


def test_spectral_balancer_dask_refuses_pandas_output():
    """Check that set_output(transform='pandas') with Dask input says what happens
    instead."""
    X, y = _data()
    Xd, yd = _dask_pair(X, y, (500,))
    balancer = SpectralBalancer().set_output(transform="pandas").fit(Xd, yd)
    with pytest.raises(ValueError, match=r"does not apply to Dask input"):
        balancer.transform(Xd)
