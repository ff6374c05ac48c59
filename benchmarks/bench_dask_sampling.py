"""SMOTE on Dask against SMOTE in memory, from the same ``.npy`` blocks.

``python -m benchmarks --only dask_sampling [--full]`` (needs the ``dask``
extra).

Data: a stack of ``.npy`` blocks of float64 rows (20 features) and their
labels, 1 % of them in the minority class, generated once under
``$SKCLASSGAP_BENCH_DATA`` (default ``/tmp/skclassgap-bench``), never in git.

- Ours: ``SMOTE(random_state=0).fit_resample`` of ``dask.array.from_npy_stack``
  on the ``LocalCluster`` of :mod:`benchmarks.bench_dask` (2 worker processes,
  1 thread and ``WORKER_MEMORY`` each), then the column sums of the resampled
  array, computed on the cluster: every output block (the input's and the
  synthetic ones) is computed once, none is brought to the client.
- Peer: the blocks loaded into one array, the in-memory ``fit_resample``, and
  the same column sums.

The check: the provenance (``parents_``, ``neighbors_``, ``gaps_``) is equal
and the column sums agree to rounding. The harness measures time and the
client's peak extra RSS; the check column adds the workers' peak RSS.
"""

import sys

import numpy as np

from benchmarks._harness import Case
from benchmarks.bench_dask import _no_client, _on_workers, _root, _worker_note

N_FEATURES = 20
MINORITY = 0.01


def smote_stack(n, rows_per_block):
    """``.npy`` stacks of float64 rows and int64 labels (1 % minority)."""
    import dask.array as da

    path = _root() / f"smote-{n}-{N_FEATURES}-{rows_per_block}"
    if (path / "_done").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = da.random.default_rng(1)
    y = (rng.random(n, chunks=rows_per_block) < MINORITY).astype(np.int64)
    X = rng.standard_normal((n, N_FEATURES), chunks=(rows_per_block, N_FEATURES))
    X = X + 1.5 * y[:, None]
    with _no_client():
        da.to_npy_stack(path / "X", X)
        da.to_npy_stack(path / "y", y)
    (path / "_done").touch()
    return path


def _smote_dask(path):
    import dask
    import dask.array as da

    from skclassgap.over_sampling import SMOTE

    X = da.from_npy_stack(path / "X", mmap_mode=None)
    y = da.from_npy_stack(path / "y", mmap_mode=None)
    sampler = SMOTE(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    sums, counts = dask.compute(X_res.sum(axis=0), da.bincount(y_res))
    return sampler, sums, counts


def _load_stack(directory):
    files = sorted(
        (p for p in directory.iterdir() if p.suffix == ".npy"),
        key=lambda p: int(p.stem),
    )
    return np.concatenate([np.load(p) for p in files])


def _smote_memory(path):
    from skclassgap.over_sampling import SMOTE

    sampler = SMOTE(random_state=0)
    X_res, y_res = sampler.fit_resample(
        _load_stack(path / "X"), _load_stack(path / "y")
    )
    return sampler, X_res.sum(axis=0), np.bincount(y_res)


def _smote_check(ours, peer):
    for name in ("parents_", "neighbors_", "gaps_"):
        np.testing.assert_array_equal(getattr(ours[0], name), getattr(peer[0], name))
    np.testing.assert_array_equal(ours[2], peer[2])
    err = np.abs(ours[1] - peer[1]).max() / np.abs(peer[1]).max()
    assert err < 1e-9, err
    return f"same provenance; sums rel diff {err:.0e}; {_worker_note()}"


def cases(full=False):
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        print(
            "bench_dask_sampling: skipped (pip install -e '.[dask]')", file=sys.stderr
        )
        return []
    n, block = (10**7, 250_000) if full else (10**6, 125_000)
    path = smote_stack(n, block)
    return [
        Case(
            "dask",
            f"SMOTE {n:.0e}x{N_FEATURES} f64, 1% minority, .npy blocks of {block}",
            _on_workers(lambda: _smote_dask(path)),
            lambda: _smote_memory(path),
            "np.load + in memory",
            _smote_check,
            repeats=3,
        )
    ]
