"""RandomUnderSampler: counts, the partition-free draw, formats kept."""

import re

import imblearn.under_sampling as imb
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import make_classification

from skclassgap.under_sampling import RandomUnderSampler
from skclassgap.under_sampling._draw import CHUNK, chunk_counts, kept_positions


def _data(n_classes=2, weights=(0.8,), n=400, seed=0):
    return make_classification(
        n_samples=n,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=list(weights),
        random_state=seed,
    )


STRATEGIES = [
    (2, "auto"),
    (2, "majority"),
    (2, "all"),
    (2, 0.5),
    (2, {0: 100, 1: 40}),
    (3, "auto"),
    (3, "not majority"),
    (3, "not minority"),
    (3, {2: 10}),
]


@pytest.mark.parametrize("n_classes, strategy", STRATEGIES)
@pytest.mark.parametrize("replacement", [False, True])
def test_random_under_sampler_counts_equal_imblearn(n_classes, strategy, replacement):
    """Check that every sampling_strategy keeps imbalanced-learn's class counts,
    that the output rows are the input rows named by sample_indices_, in input
    order, and distinct without replacement."""
    weights = (0.7,) if n_classes == 2 else (0.2, 0.1)
    X, y = _data(n_classes, weights)
    sampler = RandomUnderSampler(
        sampling_strategy=strategy, replacement=replacement, random_state=0
    )
    X_res, y_res = sampler.fit_resample(X, y)
    _, y_peer = imb.RandomUnderSampler(
        sampling_strategy=strategy, replacement=replacement, random_state=0
    ).fit_resample(X, y)
    np.testing.assert_array_equal(np.bincount(y_res), np.bincount(y_peer))
    idx = sampler.sample_indices_
    assert np.all(np.diff(idx) >= 0)
    if not replacement:
        assert len(np.unique(idx)) == len(idx)
    np.testing.assert_array_equal(X_res, X[idx])
    np.testing.assert_array_equal(y_res, y[idx])


def test_random_under_sampler_seed_repeats_and_varies():
    """Check that an int random_state repeats the rows and another one changes
    them, and that classes left alone keep every row."""
    X, y = _data(3, (0.2, 0.1))
    a = RandomUnderSampler(sampling_strategy={2: 30}, random_state=3)
    b = RandomUnderSampler(sampling_strategy={2: 30}, random_state=3)
    c = RandomUnderSampler(sampling_strategy={2: 30}, random_state=4)
    for sampler in (a, b, c):
        sampler.fit_resample(X, y)
    np.testing.assert_array_equal(a.sample_indices_, b.sample_indices_)
    assert not np.array_equal(a.sample_indices_, c.sample_indices_)
    kept_other = a.sample_indices_[y[a.sample_indices_] != 2]
    np.testing.assert_array_equal(kept_other, np.flatnonzero(y != 2))


def _blocks(n, n_blocks, seed):
    cuts = np.sort(np.random.default_rng(seed).choice(np.arange(1, n), n_blocks - 1))
    return np.r_[0, cuts, n]


@pytest.mark.parametrize(
    "n_rows, n_keep", [(10, 4), (3 * CHUNK + 17, 1000), (CHUNK + 1, CHUNK)]
)
@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("n_blocks", [2, 5, 40])
def test_kept_positions_do_not_depend_on_partitioning(
    n_rows, n_keep, replacement, n_blocks
):
    """Check that drawing block by block (each block asking for its own range of
    class positions) gives the in-memory draw, for three partitionings; and
    that the draw has the wanted size, sorted, in range."""
    whole = kept_positions(7, n_rows, n_keep, replacement)
    assert len(whole) == n_keep
    assert np.all(np.diff(whole) >= 0) and whole[0] >= 0 and whole[-1] < n_rows
    if not replacement:
        assert len(np.unique(whole)) == n_keep
    bounds = _blocks(n_rows, min(n_blocks, n_rows), n_blocks)
    parts = [
        kept_positions(7, n_rows, n_keep, replacement, start=a, stop=b)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


@pytest.mark.parametrize("replacement", [False, True])
def test_kept_positions_uniform(replacement):
    """Check that every position is kept with probability n_keep / n_rows:
    over 4000 seeds, each of 6 positions' frequency is within 4 standard
    deviations of 1/3; and that chunk counts average n_keep * size / n_rows."""
    hits = np.zeros(6)
    for seed in range(4000):
        np.add.at(hits, kept_positions(seed, 6, 2, replacement), 1)
    freq = hits / (4000 * 2)
    sd = np.sqrt(freq * (1 - freq) / 4000)
    np.testing.assert_array_less(np.abs(freq - 1 / 6), 4 * sd + 1e-12)
    n_rows = 2 * CHUNK + 1000
    counts = np.array([chunk_counts(s, n_rows, 60, replacement) for s in range(3000)])
    expected = 60 * np.array([CHUNK, CHUNK, 1000]) / n_rows
    sd = np.sqrt(expected * (1 - expected / 60) / 3000)
    np.testing.assert_array_less(np.abs(counts.mean(axis=0) - expected), 4 * sd)
    assert np.all(counts.sum(axis=1) == 60)


def test_random_under_sampler_pandas_dtypes_and_index_kept():
    """Check that a DataFrame comes back as the kept rows with every dtype
    (float32, nullable Int64 with missing values, category, string, bool,
    datetime) and index label, and that a Series y follows with the same
    index and its name."""
    rng = np.random.default_rng(0)
    n = 60
    y = pd.Series(np.r_[[0] * 45, [1] * 15], name="target", index=np.arange(n) * 10)
    X = pd.DataFrame(
        {
            "f32": rng.normal(size=n).astype(np.float32),
            "nullable": pd.array([None if i % 7 else i for i in range(n)], "Int64"),
            "colour": pd.Categorical(rng.choice(["red", "blue"], n)),
            "name": pd.array([f"row {i}" for i in range(n)], dtype="string"),
            "flag": rng.random(n) < 0.5,
            "when": pd.date_range("2024-01-01", periods=n, freq="D"),
        },
        index=y.index,
    )
    sampler = RandomUnderSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    pd.testing.assert_frame_equal(X_res, X.iloc[sampler.sample_indices_])
    pd.testing.assert_index_equal(y_res.index, X_res.index)
    assert y_res.name == "target" and np.bincount(y_res).tolist() == [15, 15]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_random_under_sampler_sparse_format_kept(fmt):
    """Check that sparse input comes back in its format with the dense rows."""
    X, y = _data()
    X_sp = sparse.random(len(X), 6, density=0.3, format=fmt, random_state=0)
    X_res, _ = RandomUnderSampler(random_state=0).fit_resample(X_sp, y)
    assert X_res.format == fmt
    X_dense, _ = RandomUnderSampler(random_state=0).fit_resample(X_sp.toarray(), y)
    np.testing.assert_array_equal(X_res.toarray(), X_dense)


def test_random_under_sampler_takes_strings_and_nan():
    """Check that object arrays with strings and NaN pass untouched (rows are
    selected, never compared), and a list comes back as a list."""
    X = np.array([["a", np.nan], ["b", 1.0], ["c", 2.0], ["d", 3.0]], dtype=object)
    y = [0, 0, 0, 1]
    X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X.tolist(), y)
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert sorted(y_res) == [0, 1] and X_res[-1] == ["d", 3.0]


@pytest.mark.parametrize(
    "strategy, message",
    [
        (
            {0: 500},
            "sampling_strategy asks for 500 rows of class 0, which has 320; an "
            "under-sampler can only remove rows (ask for at most 320).",
        ),
        (0.1, "asks for 800 rows of class 0 (minority count 80 / 0.1)"),
    ],
)
def test_random_under_sampler_too_many_rows_asked(strategy, message):
    """Check that asking for more rows than a class has is refused, naming the
    class, its size and what was asked."""
    X, y = _data()
    with pytest.raises(ValueError, match=re.escape(message)):
        RandomUnderSampler(sampling_strategy=strategy).fit_resample(X, y)
