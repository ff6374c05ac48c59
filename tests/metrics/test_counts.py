"""Tests of the counting step: per-code vectors, their additivity, the NumPy path
for small inputs and its identity with the kernels."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix

from skclassgap._kernels._config import KERNEL_MIN_ROWS
from skclassgap.metrics import _counts
from skclassgap.metrics._counts import (
    _CAST_CHUNK,
    class_counts,
    confusion_counts,
    count_codes,
    sum_code_counts,
)
from skclassgap.utils._labels import encode_label_pair


@pytest.fixture(params=["numpy", "kernel"])
def path(request, monkeypatch):
    """Force every input through the NumPy path or through the kernels."""
    threshold = 10**12 if request.param == "numpy" else 0
    monkeypatch.setitem(KERNEL_MIN_ROWS, "labels", threshold)
    return request.param


def _codes(n, n_codes, offset, seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, n_codes, n) + offset
    p = np.where(rng.random(n) < 0.6, t, rng.integers(0, n_codes, n) + offset)
    return t, p, rng.random(n) * 10.0 ** rng.integers(-6, 6, n)


def _count_both_ways(monkeypatch, *args):
    monkeypatch.setitem(KERNEL_MIN_ROWS, "labels", 10**12)
    numpy_counts = _counts._count_codes(*args)
    monkeypatch.setitem(KERNEL_MIN_ROWS, "labels", 0)
    kernel_counts = _counts._count_codes(*args)
    return numpy_counts, kernel_counts


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_codes", [1, 5, 300])  # pair table and vectors
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint64])
@pytest.mark.parametrize("n", [1, 1000, _CAST_CHUNK * 2 + 17])  # several cast chunks
def test_count_codes_numpy_path_equals_kernel_path_bit_for_bit(
    monkeypatch, n, dtype, n_codes, weighted
):
    """Check that the NumPy path gives the kernels' counts exactly, weighted sums
    included (both add weights in input order), and equals np.bincount."""
    offset = 3 if n_codes < 100 else 0
    n_codes = min(n_codes, np.iinfo(dtype).max + 1 - offset)  # int8: 125 codes
    t, p, w = _codes(n, n_codes, offset, seed=n_codes)
    t, p = t.astype(dtype), p.astype(dtype)
    w = w if weighted else None
    numpy_counts, kernel_counts = _count_both_ways(
        monkeypatch, t, p, n_codes, w, offset
    )
    for a, b in zip(numpy_counts, kernel_counts, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    t, p = t.astype(np.int64) - offset, p.astype(np.int64) - offset
    same = t == p
    np.testing.assert_array_equal(
        kernel_counts.tp,
        np.bincount(t[same], None if w is None else w[same], minlength=n_codes),
    )
    np.testing.assert_array_equal(
        kernel_counts.support, np.bincount(t, w, minlength=n_codes)
    )
    np.testing.assert_array_equal(
        kernel_counts.predicted, np.bincount(p, w, minlength=n_codes)
    )
    np.testing.assert_array_equal(kernel_counts.n_pred, np.bincount(p, None, n_codes))


_LABEL_KINDS = [
    pytest.param(lambda c: c, id="int64"),
    pytest.param(lambda c: c.astype(np.int16) - 300, id="int16"),
    pytest.param(lambda c: c * 1_000_003, id="wide-int"),
    pytest.param(lambda c: c + 5000, id="guess-misses"),
    pytest.param(lambda c: c.astype(float) * 1e300, id="huge-float"),
    pytest.param(lambda c: c.astype(np.uint64) + np.uint64(2**63), id="huge-uint64"),
    pytest.param(lambda c: c % 2 == 1, id="bool"),
    pytest.param(lambda c: np.char.add("w", c.astype(str)), id="str"),
    pytest.param(lambda c: c.astype(str).astype(object), id="object"),
    pytest.param(lambda c: pd.Categorical(c.astype(str)), id="categorical"),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("make", _LABEL_KINDS)
def test_class_counts_numpy_path_equals_kernel_path(monkeypatch, make, weighted):
    """Check that encoding and counting give identical ClassCounts on the NumPy
    path and on the kernel path, for every kind of label."""
    rng = np.random.default_rng(7)
    codes_true = rng.integers(0, 12, 3000)
    codes_pred = np.where(rng.random(3000) < 0.7, codes_true, rng.integers(0, 13, 3000))
    weights = rng.random(3000) if weighted else None
    results = []
    for threshold in (10**12, 0):
        monkeypatch.setitem(KERNEL_MIN_ROWS, "labels", threshold)
        results.append(
            class_counts(make(codes_true), make(codes_pred), sample_weight=weights)
        )
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("weighted", [False, True])
def test_count_codes_adds_up_over_row_blocks(path, weighted):
    """Check that counts of uneven row blocks (one empty, some missing classes)
    sum to the counts of all rows: exactly for counts, to 1e-12 for weights."""
    t, p, w = _codes(20_000, 40, 0, seed=1)
    w = w if weighted else None
    t[:5000] %= 10  # the first blocks miss classes 10..39
    bounds = [0, 0, 37, 5000, 12_000, 20_000]
    parts = [
        count_codes(t[a:b], p[a:b], 40, sample_weight=None if w is None else w[a:b])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    total = sum_code_counts(parts)
    whole = count_codes(t, p, 40, sample_weight=w)
    for got, expected in zip(total, whole, strict=True):
        if got.dtype.kind == "i":
            np.testing.assert_array_equal(got, expected)
        else:
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    assert sum_code_counts(parts[2:3]) is parts[2]


@pytest.mark.parametrize("bad", [-1, 40])
def test_count_codes_rejects_codes_outside_the_code_space(path, bad):
    """Check that a code outside [offset, offset + n_codes) is refused, naming the
    range and the codes received."""
    t = np.array([2, 3, bad]) + 10
    with pytest.raises(ValueError, match=r"\[10, 50\); got codes from"):
        count_codes(t, np.array([12, 12, 12]), 40, offset=10)


def test_class_counts_from_one_shared_code_space_matches_whole_arrays():
    """Check the two-step interface: blocks encoded in one code space and counted
    separately give the ClassCounts of the whole arrays."""
    y_true = np.array(["b", "a", "c", "c", "a", "b"])
    y_pred = np.array(["b", "c", "c", "a", "a", "d"])
    enc = encode_label_pair(y_true, y_pred)
    halves = [
        count_codes(enc.codes_true[s], enc.codes_pred[s], len(enc.values))
        for s in (slice(0, 2), slice(2, None))
    ]
    merged = _counts.class_counts_from_codes(enc.values, sum_code_counts(halves))
    for a, b in zip(merged, class_counts(y_true, y_pred), strict=True):
        np.testing.assert_array_equal(a, b)


def test_class_counts_drop_codes_that_occur_nowhere():
    """Check that a dense code range keeps only the labels that occur."""
    counts = class_counts(np.array([0, 7, 7]), np.array([7, 7, 3]))
    np.testing.assert_array_equal(counts.labels, [0, 3, 7])
    np.testing.assert_array_equal(counts.support, [1, 0, 2])
    np.testing.assert_array_equal(counts.predicted, [0, 1, 2])
    np.testing.assert_array_equal(counts.tp, [0, 0, 1])


def test_confusion_counts_compacts_a_wide_code_range(path):
    """Check the K x K counts of a dense code range wider than the direct limit
    (3,001 codes, some absent) against sklearn's confusion_matrix."""
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 3001, 6000)
    y_pred = np.where(rng.random(6000) < 0.5, y_true, rng.integers(0, 3001, 6000))
    w = rng.random(6000)
    labels, counts, occurrences = confusion_counts(y_true, y_pred, sample_weight=w)
    np.testing.assert_array_equal(labels, np.unique([y_true, y_pred]))
    np.testing.assert_allclose(
        counts, confusion_matrix(y_true, y_pred, sample_weight=w), rtol=1e-12
    )
    np.testing.assert_array_equal(occurrences, confusion_matrix(y_true, y_pred))


_NO_COMPILE = """
    import sys
    import warnings

    warnings.simplefilter("ignore")
    import numba
    import numpy as np
    import pandas as pd

    from skclassgap import metrics
    from skclassgap.cost_sensitive import expected_cost

    rng = np.random.default_rng(0)
    t = rng.integers(0, 2, 1000)
    p = np.where(rng.random(1000) < 0.8, t, 1 - t)
    w = rng.random(1000)
    cases = [
        (t, p),
        (t.astype(np.int32), p.astype(np.int32)),
        (t + 5000, p + 5000),
        (t * 10**9, p * 10**9),
        (t * 1.0, p * 1.0),
        (t * 1e300, p * 1e300),
        (t.astype(bool), p.astype(bool)),
        (t.astype(np.uint64) + np.uint64(2**63), p.astype(np.uint64)),
        (t.astype(str), p.astype(str)),
        (t.astype(object), p.astype(object)),
        (pd.Categorical(t), pd.Categorical(p)),
    ]
    for a, b in cases:
        for sw in (None, w):
            metrics.per_class_report(a, b, sample_weight=sw)
            metrics.prediction_bias(a, b, sample_weight=sw)
            metrics.macro_f1_score(a, b, sample_weight=sw)
            metrics.geometric_mean_score(a, b, sample_weight=sw)
            metrics.class_gap(a, b, sample_weight=sw)
            metrics.worst_class_score(a, b, sample_weight=sw)
    expected_cost(t, p, [[0, 1], [5, 0]], sample_weight=w)
    compiled = sorted(
        f"{name}.{attr}"
        for name, module in list(sys.modules.items())
        if name.startswith("skclassgap._kernels")
        for attr, value in vars(module).items()
        if isinstance(value, numba.core.dispatcher.Dispatcher) and value.signatures
    )
    print(compiled)
"""


@pytest.mark.slow
def test_metrics_on_small_inputs_compile_no_kernel(tmp_path):
    """Check that every metric on 1,000 labels of every kind, in a fresh process
    with an empty cache, compiles no numba kernel and writes nothing to the cache."""
    env = {
        **os.environ,
        "SKCLASSGAP_CACHE_DIR": str(tmp_path),
        "SKCLASSGAP_NUMBA_CACHE": "1",
    }
    env.pop("NUMBA_DISABLE_JIT", None)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_NO_COMPILE)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stdout
    assert [f for _, _, files in os.walk(tmp_path) for f in files] == []


def test_count_codes_reads_strided_codes_in_chunks(path):
    """Check that non-contiguous code arrays (every other row of a larger array)
    are counted as their contiguous copies are."""
    t, p, w = _codes(2 * _CAST_CHUNK + 10, 9, 0, seed=3)
    strided = count_codes(t[::2], p[::2], 9, sample_weight=w[::2].copy())
    copied = count_codes(t[::2].copy(), p[::2].copy(), 9, sample_weight=w[::2].copy())
    for a, b in zip(strided, copied, strict=True):
        np.testing.assert_array_equal(a, b)
