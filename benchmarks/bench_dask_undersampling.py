"""RandomUnderSampler on Dask: memory of the client and of the workers.

``python -m benchmarks --only dask_undersampling [--full]`` (needs the
``dask`` extra; not in the default set: it starts its own cluster and
generates 10**7 rows, 10**8 with ``--full``).

The target (there is no Dask random under-sampler in imbalanced-learn, so
there is no peer to time): at 10**8 rows with a 1 % minority on a
``LocalCluster`` of 2 worker processes, the client process grows by less
than 200 MiB and each worker stays under 1 GiB.

Data: generated lazily on the workers, never stored. Blocks of
``ROWS_PER_BLOCK`` rows (10**6: 10 blocks by default, 100 with ``--full``);
block ``b`` draws its labels (int64, class 1 with probability 1 %) and its
20 float32 features (standard normal, the minority shifted by 1.5) from
generators seeded by ``SeedSequence(SEED, spawn_key=(b, 0))`` and
``(b, 1)``, so every block's content is reproducible on its own. The blocks
of ``X`` and ``y`` are independent tasks (a block of ``X`` draws its labels
again), as when ``X`` and ``y`` are read from separate files.

What a user would do with a balanced set drawn from data of this size:
``RandomUnderSampler(random_state=0).fit_resample(X, y)``, then write the
resampled ``X`` and ``y`` to disk block by block (here a ``.npy`` stack per
array, the layout ``dask.array.from_npy_stack`` reads back) to train on
later. One ``dask.compute`` writes both stacks and also counts the classes
of the output and takes the smallest step of ``sample_indices_``; the
client receives those few numbers, never a row.

Measured:

- the client's RSS, sampled every 50 ms by a thread (psutil) and read from
  the kernel's high-water mark, minus its RSS once the cluster is up and a
  warm-up resample of 10**4 rows has run (imports and first calls are
  fixed costs; the graph, the census and the per-block draws of the
  measured run count);
- each worker's peak RSS (its high-water mark, reset before the run); the
  workers' memory limit is 2 GiB with spilling to disk turned off, so
  nothing is hidden on disk and a miss shows as a number, not as a killed
  worker;
- the wall time of the whole run (graph, label census, output, writing).

Checked in the same run: the output has exactly ``sampling_strategy_[0]``
rows of the majority and every minority row (the input's classes counted
after the measured run, in a pass of their own), the kept rows are in
increasing input order, and the files read back hold those counts; then, on
10**6 rows in blocks of 10**5 and again rechunked to blocks of 3 * 10**5,
the Dask output (``X``, ``y``, ``sample_indices_``) equals the in-memory
``fit_resample`` of the computed arrays row for row, with and without
``replacement``.

For context only, the check column also gives what an in-memory sampler
(imbalanced-learn's, or ours) needs to hold the input: rows x (20 x 4 +
8) bytes.
"""

import gc
import os
import pickle
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks._harness import _LIBC, Case

N_FEATURES = 20
MINORITY = 0.01
ROWS_PER_BLOCK = 10**6
SEED = 0
WORKER_MEMORY = "2GiB"
CLIENT_TARGET_MIB = 200
WORKER_TARGET_MIB = 1024
IN_DEFAULT_SET = False
_MIB = 2**20


# -- data -----------------------------------------------------------------------


def _labels_block(block, rows):
    rng = np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(block, 0)))
    return (rng.random(rows) < MINORITY).astype(np.int64)


def _features_block(block, rows):
    # The block's labels are drawn again (a few ms) rather than passed in, so
    # that X and y are independent tasks, as when read from separate files.
    y = _labels_block(block, rows)
    rng = np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(block, 1)))
    X = rng.standard_normal((rows, N_FEATURES), dtype=np.float32)
    X[y == 1] += np.float32(1.5)
    return X


def generated(n, rows_per_block=ROWS_PER_BLOCK):
    """Lazy ``X`` (float32, ``N_FEATURES`` columns) and ``y`` (int64) of ``n``
    rows, each block generated where it is computed."""
    import dask
    import dask.array as da

    sizes = [rows_per_block] * (n // rows_per_block)
    if n % rows_per_block:
        sizes.append(n % rows_per_block)
    x_parts, y_parts = [], []
    for block, rows in enumerate(sizes):
        y_block = dask.delayed(_labels_block, pure=True)(block, rows)
        x_block = dask.delayed(_features_block, pure=True)(block, rows)
        y_parts.append(da.from_delayed(y_block, shape=(rows,), dtype=np.int64))
        x_parts.append(
            da.from_delayed(x_block, shape=(rows, N_FEATURES), dtype=np.float32)
        )
    return da.concatenate(x_parts), da.concatenate(y_parts)


# -- writing the output ---------------------------------------------------------


def _save_block(block, directory, block_id=None):
    np.save(os.path.join(directory, f"{block_id[0]}.npy"), block)
    return np.array([len(block)], dtype=np.int64)


def npy_stack_writer(array, directory):
    """A lazy write of ``array`` as a ``.npy`` stack (one file per row block,
    as ``dask.array.to_npy_stack`` lays it out), to compute together with
    other results; it gives the rows written per block."""
    os.makedirs(directory, exist_ok=True)
    chunks = (array.chunks[0],) + tuple((n,) for n in array.shape[1:])
    with open(os.path.join(directory, "info"), "wb") as f:
        pickle.dump({"chunks": chunks, "dtype": array.dtype, "axis": 0}, f)
    if array.ndim > 1:
        array = array.rechunk({i: -1 for i in range(1, array.ndim)})
    return array.map_blocks(
        _save_block,
        str(directory),
        drop_axis=list(range(1, array.ndim)),
        chunks=((1,) * array.numblocks[0],),
        dtype=np.int64,
    )


# -- memory ---------------------------------------------------------------------


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mib():
    return _status_mib("VmHWM")


class RssSampler:
    """The peak RSS of this process, sampled every ``interval`` seconds by a
    thread, and its kernel high-water mark (reset at start)."""

    def __init__(self, interval=0.05):
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()

    def __enter__(self):
        gc.collect()
        if _LIBC is not None:
            _LIBC.malloc_trim(0)
        _reset_peak()
        self.baseline = self._process.memory_info().rss / _MIB
        self.peak = self.baseline
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self._interval):
            self.peak = max(self.peak, self._process.memory_info().rss / _MIB)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss / _MIB)
        self.high_water = _peak_mib()

    @property
    def growth(self):
        return self.peak - self.baseline

    @property
    def high_water_growth(self):
        return self.high_water - self.baseline


# -- the run --------------------------------------------------------------------


def _cluster():
    import logging

    import dask
    from distributed import Client, LocalCluster

    # No spilling: a worker's memory stays in its RSS, where it is measured.
    with dask.config.set(
        {
            "distributed.worker.memory.target": False,
            "distributed.worker.memory.spill": False,
        }
    ):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=WORKER_MEMORY,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    return cluster, Client(cluster)


def _resample_to_files(n, directory):
    """The measured work: resample ``n`` generated rows, write the output
    to ``directory``."""
    import dask
    import dask.array as da

    from skclassgap.under_sampling import RandomUnderSampler

    X, y = generated(n)
    sampler = RandomUnderSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    graph_tasks = len(X_res.__dask_graph__())
    written_x, written_y, out_counts, min_step = dask.compute(
        npy_stack_writer(X_res, directory / "X").sum(),
        npy_stack_writer(y_res, directory / "y").sum(),
        da.bincount(y_res, minlength=2),
        da.diff(sampler.sample_indices_).min(),
    )
    return {
        "sampler": sampler,
        "y": y,
        "n_blocks": X.numblocks[0],
        "graph_tasks": graph_tasks,
        "written": (int(written_x), int(written_y)),
        "out_counts": out_counts,
        "min_step": int(min_step),
    }


def _check_counts(run):
    """The output's class counts against ``sampling_strategy_`` and the
    input's (counted here, in a pass of their own after the measured run:
    counted in the same ``compute``, the input labels are read ahead of the
    rest and each worker held dozens of label blocks, +300 MiB at 10**8
    rows)."""
    import dask.array as da

    strategy = run["sampler"].sampling_strategy_
    out_counts = run["out_counts"]
    in_counts = da.bincount(run["y"], minlength=2).compute()
    assert list(strategy) == [0], strategy
    assert out_counts[0] == strategy[0], (out_counts, strategy)
    assert out_counts[1] == in_counts[1], (out_counts, in_counts)
    assert strategy[0] == in_counts[1], (strategy, in_counts)
    assert run["min_step"] > 0, run["min_step"]
    assert run["written"] == (out_counts.sum(),) * 2, run["written"]


def _check_files(directory, out_counts):
    import dask.array as da

    y_back = da.from_npy_stack(directory / "y", mmap_mode=None)
    X_back = da.from_npy_stack(directory / "X", mmap_mode=None)
    assert X_back.shape == (out_counts.sum(), N_FEATURES), X_back.shape
    np.testing.assert_array_equal(
        da.bincount(y_back, minlength=2).compute(), out_counts
    )


def check_equal_in_memory(n=10**6, block=10**5):
    """The Dask output equals the in-memory one row for row, on two
    partitionings, with and without replacement; returns a short note."""
    import dask

    from skclassgap.under_sampling import RandomUnderSampler

    X, y = generated(n, block)
    X_mem, y_mem = dask.compute(X, y)
    for replacement in (False, True):
        reference = RandomUnderSampler(random_state=0, replacement=replacement)
        X_ref, y_ref = reference.fit_resample(X_mem, y_mem)
        for rows in (block, 3 * block):
            sampler = RandomUnderSampler(random_state=0, replacement=replacement)
            X_res, y_res = sampler.fit_resample(X.rechunk((rows, -1)), y.rechunk(rows))
            X_out, y_out, indices = dask.compute(X_res, y_res, sampler.sample_indices_)
            np.testing.assert_array_equal(indices, reference.sample_indices_)
            np.testing.assert_array_equal(X_out, X_ref)
            np.testing.assert_array_equal(y_out, y_ref)
    return f"equal to in memory at {n:.0e} rows (2 partitionings, +-replacement)"


def measure(n):
    """Start a cluster, resample ``n`` rows to files, check; a dict of results."""
    cluster, client = _cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="skclassgap-rus-") as tmp:
            directory = Path(tmp)
            # Warm-up: imports and first calls (fixed costs, not growth).
            _resample_to_files(10**4, directory / "warm-up")
            client.run(_reset_peak)
            start = time.perf_counter()
            with RssSampler() as client_rss:
                run = _resample_to_files(n, directory)
            seconds = time.perf_counter() - start
            workers = sorted(client.run(_peak_mib).values())
            _check_counts(run)
            _check_files(directory, run["out_counts"])
        equal = check_equal_in_memory()
    finally:
        client.close()
        cluster.close()
    return {
        "seconds": seconds,
        "n": n,
        "client_mib": client_rss.growth,
        "client_hwm_mib": client_rss.high_water_growth,
        "client_baseline_mib": client_rss.baseline,
        "workers_mib": workers,
        "equal": equal,
        **run,
    }


def _check(ours, peer):
    (result,) = ours
    n = result["n"]
    in_memory = n * (N_FEATURES * 4 + 8) / _MIB
    client_ok = result["client_mib"] < CLIENT_TARGET_MIB
    workers_ok = max(result["workers_mib"]) < WORKER_TARGET_MIB
    note = (
        f"client +{result['client_mib']:.0f} MiB sampled, "
        f"+{result['client_hwm_mib']:.0f} MiB high-water "
        f"({'met' if client_ok else 'MISSED'} < {CLIENT_TARGET_MIB}); workers' peak "
        + "/".join(f"{p:.0f}" for p in result["workers_mib"])
        + f" MiB ({'met' if workers_ok else 'MISSED'} < {WORKER_TARGET_MIB}); "
        f"{result['n_blocks']} blocks, {result['graph_tasks']} tasks; output "
        f"{result['out_counts'].tolist()} = sampling_strategy_ + all minority; "
        f"{result['equal']}; in memory the input alone is {in_memory:,.0f} MiB"
    )
    print(f"bench_dask_undersampling: {note}", file=sys.stderr)
    return note


def cases(full=False):
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import psutil  # noqa: F401
    except ImportError:
        print(
            "bench_dask_undersampling: skipped (pip install -e '.[dask]')",
            file=sys.stderr,
        )
        return []
    n = 10**8 if full else 10**7
    return [
        Case(
            "dask",
            f"RandomUnderSampler {n:.0e}x{N_FEATURES} f32 generated, 1% minority, "
            f"blocks of {ROWS_PER_BLOCK:.0e}, to .npy",
            lambda: measure(n),
            lambda: {"seconds": float("nan")},
            "none (target: client < 200 MiB, workers < 1 GiB)",
            _check,
            repeats=1,
            memory=False,
            self_timed=True,
        )
    ]
