"""Dask against the in-memory path: per_class_report and class_spectra from files.

``python -m benchmarks --only dask [--full]`` (needs the ``dask`` extra).

Both paths start from the same files on disk, generated once under
``$SKCLASSGAP_BENCH_DATA`` (default ``/tmp/skclassgap-bench``), never in git:

- labels: a directory of Parquet files with integer columns ``y_true`` and
  ``y_pred`` (10 classes). Ours: :func:`per_class_report` of the two columns
  of ``dask.dataframe.read_parquet`` on a local cluster. Peer: ``pandas``
  reads both whole columns, then the same function.
- features: a stack of ``.npy`` blocks of float32 rows and their labels. Ours:
  :func:`class_spectra` of ``dask.array.from_npy_stack`` on the cluster. Peer:
  the blocks loaded into one array, then the same function.

The cluster is a ``LocalCluster`` of 2 worker processes, 1 thread each, with a
memory limit per worker (``WORKER_MEMORY``). The harness measures the client
process (time, peak extra RSS); the check column adds the peak RSS of each
worker process during the first run (the high-water mark is reset on each
worker before the call). Throughput (rows per second) is the number of rows
over the median times of the table.
"""

import atexit
import os
import sys
from pathlib import Path

import numpy as np

from benchmarks._harness import Case

WORKER_MEMORY = "1GiB"
N_CLASSES = 10
_STATE = {}


def _root():
    return Path(os.environ.get("SKCLASSGAP_BENCH_DATA", "/tmp/skclassgap-bench"))


def _client():
    """One LocalCluster for every case of the process, closed at exit."""
    if "client" not in _STATE:
        import logging

        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=WORKER_MEMORY,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        _STATE.update(client=client, cluster=cluster)

        def close():
            client.close()
            cluster.close()

        atexit.register(close)
    return _STATE["client"]


def _status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak():
    return _status_mib("VmHWM")


def _on_workers(func):
    """Wrap ``func`` so that each call records the workers' peak RSS (MiB)."""
    client = _client()

    def run():
        client.run(_reset_peak)
        result = func()
        _STATE["peaks"] = sorted(client.run(_peak).values())
        return result

    return run


def _worker_note():
    peaks = _STATE.get("peaks", [])
    return "workers' peak RSS " + "/".join(f"{p:.0f}" for p in peaks) + " MiB"


# -- labels -------------------------------------------------------------------


def label_directory(n, n_files):
    """A directory of ``n_files`` Parquet files holding ``n`` label pairs."""
    import pandas as pd

    path = _root() / f"labels-{n}-{n_files}"
    if (path / "_done").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rows = n // n_files
    for i in range(n_files):
        rng = np.random.default_rng(i)
        y_true = rng.integers(0, N_CLASSES, rows)
        noise = rng.integers(0, N_CLASSES, rows)
        y_pred = np.where(rng.random(rows) < 0.7, y_true, noise)
        pd.DataFrame({"y_true": y_true, "y_pred": y_pred}).to_parquet(
            path / f"part-{i:04d}.parquet", row_group_size=rows
        )
    (path / "_done").touch()
    return path


def _report_dask(path):
    import dask.dataframe as dd

    from skclassgap.metrics import per_class_report

    frame = dd.read_parquet(path, columns=["y_true", "y_pred"])
    return per_class_report(frame["y_true"], frame["y_pred"])


def _report_pandas(path):
    import pandas as pd

    from skclassgap.metrics import per_class_report

    frame = pd.read_parquet(path, columns=["y_true", "y_pred"])
    return per_class_report(frame["y_true"], frame["y_pred"])


def _report_check(n):
    def check(ours, peer):
        import pandas as pd

        pd.testing.assert_frame_equal(ours, peer, check_exact=True)
        return f"same report; {_worker_note()}"

    return check


# -- features -----------------------------------------------------------------


def feature_stack(n, d, rows_per_block):
    """``.npy`` stacks of float32 rows (class-dependent scales) and labels."""
    import dask.array as da

    path = _root() / f"features-{n}-{d}-{rows_per_block}"
    if (path / "_done").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = da.random.default_rng(0)
    y = rng.integers(0, N_CLASSES, n, chunks=rows_per_block)
    scale = (1.0 + np.arange(N_CLASSES, dtype=np.float32))[:, None] * np.linspace(
        2.0, 0.1, d, dtype=np.float32
    )
    X = rng.standard_normal((n, d), chunks=(rows_per_block, d), dtype=np.float32)
    X = X * da.from_array(scale)[y] + np.float32(3.0)
    with _no_client():
        da.to_npy_stack(path / "X", X.astype(np.float32))
        da.to_npy_stack(path / "y", y)
    (path / "_done").touch()
    return path


class _no_client:
    """Generate data with local threads even when a client exists."""

    def __enter__(self):
        import dask

        self._cm = dask.config.set(scheduler="threads")
        self._cm.__enter__()

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)


def _spectra_dask(path):
    import dask.array as da

    from skclassgap.spectral import class_spectra

    X = da.from_npy_stack(path / "X", mmap_mode=None)
    y = da.from_npy_stack(path / "y", mmap_mode=None)
    return class_spectra(X, y)


def _load_stack(directory):
    files = sorted(
        (p for p in directory.iterdir() if p.suffix == ".npy"),
        key=lambda p: int(p.stem),
    )
    return np.concatenate([np.load(p) for p in files])


def _spectra_memory(path):
    from threadpoolctl import threadpool_limits

    from skclassgap.spectral import class_spectra

    # One BLAS thread, as each Dask worker has: OpenBLAS's two threads on a
    # shared 2-core machine made the same call 10-100x slower, erratically.
    with threadpool_limits(limits=1, user_api="blas"):
        return class_spectra(_load_stack(path / "X"), _load_stack(path / "y"))


def _spectra_check(n):
    def check(ours, peer):
        np.testing.assert_array_equal(ours.counts, peer.counts)
        err = (
            np.abs(ours.eigenvalues - peer.eigenvalues).max()
            / np.abs(peer.eigenvalues).max()
        )
        assert err < 1e-5, err
        return f"eigenvalues rel diff {err:.0e}; {_worker_note()}"

    return check


def cases(full=False):
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        print("bench_dask: skipped (pip install -e '.[dask]')", file=sys.stderr)
        return []
    label_sizes = [(10**8, 100)] if full else [(4 * 10**6, 8)]
    feature_sizes = [(10**7, 64, 250_000)] if full else [(400_000, 64, 50_000)]
    repeats = 3 if full else 5
    out = []
    for n, n_files in label_sizes:
        path = label_directory(n, n_files)
        out.append(
            Case(
                "dask",
                f"per_class_report {n:.0e} labels, {n_files} Parquet files",
                _on_workers(lambda path=path: _report_dask(path)),
                lambda path=path: _report_pandas(path),
                "pandas read + in memory",
                _report_check(n),
                repeats=repeats,
            )
        )
    for n, d, block in feature_sizes:
        path = feature_stack(n, d, block)
        out.append(
            Case(
                "dask",
                f"class_spectra {n:.0e}x{d} f32, .npy blocks of {block}",
                _on_workers(lambda path=path: _spectra_dask(path)),
                lambda path=path: _spectra_memory(path),
                "np.load + in memory, 1 BLAS thread",
                _spectra_check(n),
                repeats=repeats,
            )
        )
    return out
