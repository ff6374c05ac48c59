"""Threshold-search kernels against their NumPy twins, by size.

Chooses ``KERNEL_MIN_ROWS["threshold"]`` (``skclassgap._kernels._config``): below it the
searches use the NumPy twins (no compilation on first use), above it the
numba kernels (timed warm here: compilation is paid once per machine, then
cached). Ours = the kernels, peer = the NumPy twins; the check column
confirms identical outputs.

Groups
------
``paths-binary``
    One binary curve: merge the two classes' sorted scores into counts at
    every distinct score, then the candidates where a monotone objective can
    peak (what ``ThresholdCalibrator.fit`` runs on out-of-fold scores).
``paths-multiclass``
    One class's offset sweep (K = 5): breakpoints, base counts and the count
    path over every region, plus the counts of one offset vector.

    python -m benchmarks --only threshold_paths
"""

import numpy as np

from benchmarks._harness import Case
from skclassgap._kernels import threshold as kernels

SIZES = (300, 1_000, 3_000, 10_000, 30_000, 100_000)


def _kernel(kernel):
    return kernel


def _twin(kernel):
    return kernels.NUMPY_TWINS[kernel]


def _binary(pick, scores, y):
    merge = pick(kernels._merge_sorted_counts)
    mixed = pick(kernels._mixed_candidates)
    neg, pos = np.sort(scores[y == 0]), np.sort(scores[y == 1])
    distinct, below, below_pos = merge(neg, pos)
    return distinct, below, mixed(below, below_pos)


def _multiclass(pick, scores, y, w):
    n_classes = scores.shape[1]
    offsets = np.zeros(n_classes)
    b, a = pick(kernels._class_breakpoints)(scores, offsets, 0)
    order = np.argsort(b, kind="stable").astype(np.int64)
    bs = b[order]
    ends = np.append(np.flatnonzero(bs[1:] != bs[:-1]) + 1, bs.shape[0])
    tp, predicted = pick(kernels._base_counts)(y, w, a, n_classes)
    bounds = np.concatenate(([0], ends)).astype(np.int64)
    tp_out = np.empty((ends.shape[0], n_classes))
    pred_out = np.empty_like(tp_out)
    pick(kernels._offset_count_path)(
        order, bounds, y, w, a, 0, tp, predicted, tp_out, pred_out
    )
    counts = pick(kernels._offset_counts)(scores, offsets, y, w)
    return b, a, tp_out, pred_out, counts


def _same(a, b):
    for x, z in zip(a, b, strict=True):
        if isinstance(x, tuple):
            _same(x, z)
        else:
            np.testing.assert_array_equal(x, z)
    return "identical"


def cases(full):
    rng = np.random.default_rng(0)
    out = []
    for n in SIZES:
        scores = np.round(rng.random(n), 4)  # ties, as probabilities have
        y = (rng.random(n) < 0.2).astype(np.int64)
        out.append(
            Case(
                "paths-binary",
                f"merge + candidates n={n}",
                lambda s=scores, t=y: _binary(_kernel, s, t),
                lambda s=scores, t=y: _binary(_twin, s, t),
                "NumPy twin",
                lambda a, b: _same(a, b),
                repeats=7,
                memory=False,
            )
        )
        y5 = rng.integers(0, 5, n).astype(np.int64)
        s5 = np.ascontiguousarray(rng.normal(size=(n, 5)))
        w = np.ones(n)
        out.append(
            Case(
                "paths-multiclass",
                f"class sweep K=5 n={n}",
                lambda s=s5, t=y5, u=w: _multiclass(_kernel, s, t, u),
                lambda s=s5, t=y5, u=w: _multiclass(_twin, s, t, u),
                "NumPy twin",
                lambda a, b: _same(a, b),
                repeats=7,
                memory=False,
            )
        )
    return out
