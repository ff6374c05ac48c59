"""Approximate neighbour libraries against the exact engine: time and recall.

Not a timing benchmark of the harness kind: it prints Markdown tables and
writes every measurement as one JSON line (``--out``, keep it out of git;
``benchmarks/results/`` is ignored).

    python -m benchmarks.study_ann libs --n 100000 --data blobs20 blobs100
    python -m benchmarks.study_ann backend --n 300000 --data blobs100
    python -m benchmarks.study_ann summary benchmarks/results/ann.jsonl

``libs`` -- the self-join every sampler needs (each row's ``k`` nearest
other rows) by our exact engine (``kneighbors_within``) and by each
candidate library over a ladder of its accuracy parameters, in one process,
one after the other on the same data (the machine is shared: compare the
ratios of one run, not seconds across runs):

- ``pynndescent``: ``NNDescent(X, n_neighbors=L).neighbor_graph``, the
  all-kNN graph built directly (NN-descent from random-projection trees);
- ``hnswlib``: an HNSW index (``M``, ``ef_construction``) built on every
  row, then every row queried for its ``k + 1`` nearest at several ``ef``;
- ``faiss``: an inverted-file index ``IndexIVFFlat`` (``nlist`` k-means
  cells, trained on the rows), every row queried with several ``nprobe``.

Each library runs with ``--threads`` threads (2 by default). A ladder
stops once recall@10 reaches ``--stop`` (0.995): costlier settings are not
needed. Times are build + query of the library calls, in seconds.

Recall: the exact 10 nearest other rows of ``--queries`` sampled rows
(2,000) from :func:`~skclassgap.over_sampling._neighbors.kneighbors`; a
found neighbour counts when its squared distance is at most the exact k-th
nearest one's (within float64 rounding), so that tied and duplicate rows
count whichever of the equally near rows a list holds.

The exact self-join is timed in full when ``n^2 d <= --exact-max``;
otherwise it is extrapolated from the self-join of the first ``n'`` rows
(``n' ^2 d`` at that limit) as ``(n / n')^2`` times its time, marked
"est." (the exact search costs ``n^2 d`` BLAS work plus O(n) ranking).

Data (float32, seed 0): ``blobs<d>`` is ``make_blobs(n, d, centers=10)``
(unit-variance isotropic clusters: the hard case for approximate search,
intrinsic dimension ``d``); ``emb<d>`` is embedding-like: 32-d blobs (10
centres) mapped into ``d`` dimensions by a random Gaussian matrix, plus
noise of standard deviation 0.1 (intrinsic dimension about 32).

``backend`` -- :func:`approximate_kneighbors_within` with its default
parameters against :func:`kneighbors_within`, interleaved ``--repeats``
times, with the recall estimated by :func:`estimate_recall` and the peak
extra memory of the approximate search.
"""

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import make_blobs

from benchmarks._harness import peak_extra_memory
from skclassgap.over_sampling._neighbors import kneighbors, kneighbors_within
from skclassgap.over_sampling._neighbors._approximate import (
    approximate_kneighbors_within,
    estimate_recall,
    recall_against,
)

KS = (5, 10)


def make_data(kind, n, seed=0):
    """Float32 rows of the named kind (see module)."""
    if kind.startswith("blobs"):
        d = int(kind[len("blobs") :])
        X, _ = make_blobs(n, d, centers=10, random_state=seed)
        return X.astype(np.float32)
    if kind.startswith("emb"):
        d = int(kind[len("emb") :])
        B, _ = make_blobs(n, 32, centers=10, random_state=seed)
        rng = np.random.default_rng(seed)
        W = rng.standard_normal((32, d)) / np.sqrt(32)
        X = (B @ W).astype(np.float32)
        X += (0.1 * rng.standard_normal((n, d))).astype(np.float32)
        return X
    raise ValueError(f"unknown data kind {kind!r}")


def _timed(func):
    """``(func(), wall seconds, CPU seconds of the process's threads)``."""
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start, time.process_time() - cpu


# --- candidate libraries ----------------------------------------------------


def run_pynndescent(X, params, threads, seed=0):
    import pynndescent

    def build():
        return pynndescent.NNDescent(
            X, random_state=seed, n_jobs=threads, **params
        ).neighbor_graph[0]

    ind, seconds, cpu = _timed(build)
    yield {"params": params, "seconds": seconds, "cpu": cpu}, ind


def run_hnswlib(X, M, ef_construction, efs, threads, seed=0):
    import hnswlib

    n, d = X.shape

    def build():
        index = hnswlib.Index(space="l2", dim=d)
        index.init_index(
            max_elements=n, ef_construction=ef_construction, M=M, random_seed=seed
        )
        index.add_items(X, num_threads=threads)
        return index

    index, build_s, build_cpu = _timed(build)
    for ef in efs:
        index.set_ef(max(ef, KS[-1] + 1))
        (ind, _), query_s, query_cpu = _timed(
            lambda: index.knn_query(X, k=KS[-1] + 1, num_threads=threads)
        )
        record = {
            "params": {"M": M, "ef_construction": ef_construction, "ef": ef},
            "seconds": build_s + query_s,
            "cpu": build_cpu + query_cpu,
            "build_s": build_s,
        }
        yield record, ind.astype(np.int64)


def run_faiss_ivf(X, nlist, nprobes, threads, seed=0):
    import faiss

    faiss.omp_set_num_threads(threads)
    d = X.shape[1]

    def build():
        quantizer = faiss.IndexFlatL2(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist)
        index.cp.seed = seed
        index.train(X)
        index.add(X)
        return index, quantizer

    (index, _quantizer), build_s, build_cpu = _timed(build)
    for nprobe in nprobes:
        index.nprobe = nprobe
        (_, ind), query_s, query_cpu = _timed(lambda: index.search(X, KS[-1] + 1))
        record = {
            "params": {"nlist": nlist, "nprobe": nprobe},
            "seconds": build_s + query_s,
            "cpu": build_cpu + query_cpu,
            "build_s": build_s,
        }
        yield record, ind


def ladders(n, threads, grid=None):
    """(library, generator factory) pairs, cheapest settings first.

    ``grid``: pynndescent parameter sets replacing its ladder of widths.
    """
    nlist = int(2 ** round(np.log2(4 * np.sqrt(n))))
    grid = grid or [{"n_neighbors": L} for L in (10, 15, 20, 30, 45, 60)]
    return [
        (
            "pynndescent",
            [lambda X, p=p: run_pynndescent(X, p, threads) for p in grid],
        ),
        (
            "hnswlib",
            [
                lambda X, M=M, efc=efc: run_hnswlib(
                    X, M, efc, (20, 50, 100, 200), threads
                )
                for M, efc in ((12, 100), (24, 200))
            ],
        ),
        (
            "faiss-ivf",
            [lambda X: run_faiss_ivf(X, nlist, (4, 8, 16, 32, 64, 128), threads)],
        ),
    ]


# --- the studies --------------------------------------------------------------


def _emit(record, out):
    line = json.dumps(record)
    print(line, file=sys.stderr, flush=True)
    if out:
        with open(out, "a") as f:
            f.write(line + "\n")


def _ground_truth(X, n_queries, seed=0):
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(X), size=min(n_queries, len(X)), replace=False))
    exact = kneighbors(X[sample], X, KS[-1], exclude=sample)
    return sample, exact


def _exact_time(X, k, threads, exact_max):
    """Wall and CPU seconds of the exact self-join, and whether extrapolated."""
    n, d = X.shape
    if n * n * d <= exact_max:
        _, seconds, cpu = _timed(lambda: kneighbors_within(X, k, n_jobs=threads))
        return seconds, cpu, False
    n_sub = int(np.sqrt(exact_max / d))
    _, seconds, cpu = _timed(lambda: kneighbors_within(X[:n_sub], k, n_jobs=threads))
    scale = (n / n_sub) ** 2
    return seconds * scale, cpu * scale, True


def _warm_up(args):
    """First calls (numba compilation of pynndescent and of our kernels)."""
    X = make_data("blobs8", 3000)
    _, seconds, cpu = _timed(lambda: kneighbors_within(X, KS[0], n_jobs=args.threads))
    _emit({"study": "warmup", "lib": "exact", "seconds": seconds, "cpu": cpu}, args.out)
    for lib, factories in ladders(len(X), args.threads, args.grid):
        if args.libs and lib not in args.libs:
            continue
        _, seconds, cpu = _timed(lambda f=factories[0]: list(f(X)))
        _emit({"study": "warmup", "lib": lib, "seconds": seconds, "cpu": cpu}, args.out)


def study_libs(args):
    _warm_up(args)
    for n in args.n:
        for kind in args.data:
            X = make_data(kind, n)
            sample, exact = _ground_truth(X, args.queries)
            base = {"study": "libs", "n": n, "data": kind, "threads": args.threads}
            exact_s, exact_cpu, est = _exact_time(
                X, KS[0], args.threads, args.exact_max
            )
            record = {"lib": "exact", "seconds": exact_s, "cpu": exact_cpu, "est": est}
            _emit({**base, **record}, args.out)
            for lib, factories in ladders(n, args.threads, args.grid):
                if args.libs and lib not in args.libs:
                    continue
                done = False
                for factory in factories:
                    for record, ind in factory(X):
                        found = ind[sample]
                        for k in KS:
                            kept = _drop_self_rows(found, sample, k)
                            record[f"recall@{k}"] = recall_against(
                                X, sample, kept, exact[:, :k]
                            )
                        _emit({**base, "lib": lib, **record}, args.out)
                        if record[f"recall@{KS[-1]}"] >= args.stop:
                            done = True
                            break
                    if done:
                        break
            del X
            gc.collect()


def _drop_self_rows(found, rows, k):
    """First ``k`` entries of each list other than its own row (``rows``) and -1."""
    keep = (found != rows[:, None]) & (found >= 0)
    order = np.argsort(~keep, axis=1, kind="stable")
    out = np.take_along_axis(found, order, axis=1)[:, :k]
    out[~np.take_along_axis(keep, order, axis=1)[:, :k]] = -1
    return out


def study_backend(args):
    # First calls compile pynndescent (about 40 CPU seconds, not cached) and
    # load our kernels: outside the timings, as in ``libs``.
    warm = make_data("blobs8", 3000)
    for lib, search in (
        ("exact", kneighbors_within),
        ("approximate", approximate_kneighbors_within),
    ):
        _, seconds, cpu = _timed(lambda f=search: f(warm, KS[0], n_jobs=args.threads))
        _emit({"study": "warmup", "lib": lib, "seconds": seconds, "cpu": cpu}, args.out)
    for n in args.n:
        for kind in args.data:
            X = make_data(kind, n)
            base = {"study": "backend", "n": n, "data": kind, "threads": args.threads}
            for k in args.k:
                _backend_case(X, k, base, args)
            del X
            gc.collect()


def _backend_case(X, k, base, args):
    exact_runs, approx_runs, est, out = [], [], False, {}

    def approximate():
        out["found"], *times = _timed(
            lambda: approximate_kneighbors_within(
                X, k, random_state=0, n_jobs=args.threads
            )
        )
        approx_runs.append(times)

    peak = float("nan")
    for repeat in range(args.repeats):
        if not args.no_exact:
            *times, est = _exact_time(X, k, args.threads, args.exact_max)
            exact_runs.append(times)
        if args.memory and repeat == args.repeats - 1:
            peak = peak_extra_memory(approximate)
        else:
            approximate()
    record = {
        **base,
        "k": k,
        "approximate_s": statistics.median(t[0] for t in approx_runs),
        "approximate_cpu": statistics.median(t[1] for t in approx_runs),
        "approximate_peak_mib": peak,
        "recall": estimate_recall(
            X, out["found"], k, n_queries=args.queries, random_state=1
        ),
    }
    if exact_runs:
        record["exact_s"] = statistics.median(t[0] for t in exact_runs)
        record["exact_cpu"] = statistics.median(t[1] for t in exact_runs)
        record["exact_est"] = est
    _emit(record, args.out)


def _setting(record):
    return ", ".join(f"{k}={v}" for k, v in record["params"].items())


def summary(path, stop=0.99):
    """Markdown: per data set, each library's cheapest setting at the recall."""
    records = [json.loads(line) for line in Path(path).read_text().splitlines()]
    lines = []
    libs = [r for r in records if r["study"] == "libs"]
    keys = sorted({(r["n"], r["data"]) for r in libs})
    lines.append(
        f"| rows x data | exact s (CPU s) | library | cheapest setting with "
        f"recall@10 >= {stop} | recall@5 | recall@10 | s (CPU s) | exact / "
        "library, wall (CPU) |"
    )
    lines.append("|---|---:|---|---|---:|---:|---:|---:|")
    for n, kind in keys:
        group = [r for r in libs if r["n"] == n and r["data"] == kind]
        exact = [r for r in group if r["lib"] == "exact"]
        if not exact:
            continue
        ex = exact[-1]
        est = " est." if ex["est"] else ""
        for lib in ("pynndescent", "hnswlib", "faiss-ivf"):
            runs = [r for r in group if r["lib"] == lib]
            if not runs:
                continue
            good = [r for r in runs if r["recall@10"] >= stop]
            head = f"| {n:.0e} x {kind} | {ex['seconds']:.0f} ({ex['cpu']:.0f}){est} "
            if not good:
                top = max(runs, key=lambda r: r["recall@10"])
                lines.append(
                    f"{head}| {lib} | not reached (best {top['recall@10']:.4f}, "
                    f"{_setting(top)}) | | | | |"
                )
                continue
            best = min(good, key=lambda r: r["cpu"])
            lines.append(
                f"{head}| {lib} | {_setting(best)} | {best['recall@5']:.4f} | "
                f"{best['recall@10']:.4f} | {best['seconds']:.0f} ({best['cpu']:.0f}) "
                f"| {ex['seconds'] / best['seconds']:.1f} "
                f"({ex['cpu'] / best['cpu']:.1f}) |"
            )
    lines += [
        "",
        "| rows x data | library | setting | recall@5 | recall@10 | s | CPU s |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in libs:
        if r["lib"] != "exact":
            lines.append(
                f"| {r['n']:.0e} x {r['data']} | {r['lib']} | {_setting(r)} | "
                f"{r['recall@5']:.4f} | {r['recall@10']:.4f} | {r['seconds']:.1f} "
                f"| {r['cpu']:.1f} |"
            )
    back = [r for r in records if r["study"] == "backend"]
    if back:
        lines += [
            "",
            "| rows x data | k | exact s (CPU s) | approximate s (CPU s) | exact / "
            "approximate, wall (CPU) | recall | approximate peak MiB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        nan = float("nan")
        for r in back:
            ex_s, ex_c = r.get("exact_s", nan), r.get("exact_cpu", nan)
            est = " est." if r.get("exact_est") else ""
            lines.append(
                f"| {r['n']:.0e} x {r['data']} | {r['k']} | {ex_s:.0f} ({ex_c:.0f})"
                f"{est} | {r['approximate_s']:.0f} ({r['approximate_cpu']:.0f}) | "
                f"{ex_s / r['approximate_s']:.1f} ({ex_c / r['approximate_cpu']:.1f})"
                f" | {r['recall']:.4f} | {r['approximate_peak_mib']:.0f} |"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.study_ann")
    parser.add_argument("study", choices=["libs", "backend", "summary"])
    parser.add_argument("path", nargs="?", help="JSON lines to summarise")
    parser.add_argument("--n", type=lambda s: int(float(s)), nargs="+", default=[10**5])
    parser.add_argument("--data", nargs="+", default=["blobs20"])
    parser.add_argument("--libs", nargs="*", default=[])
    parser.add_argument(
        "--grid",
        type=json.loads,
        default=None,
        help="JSON list of pynndescent parameter dicts (replaces its ladder)",
    )
    parser.add_argument("--k", type=int, nargs="+", default=[5])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--stop", type=float, default=0.995)
    parser.add_argument("--exact-max", type=float, default=9e12)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--no-exact", action="store_true")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--out", default="benchmarks/results/ann.jsonl")
    args = parser.parse_args(argv)
    if args.study == "summary":
        print(summary(args.path or args.out))
        return 0
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    {"libs": study_libs, "backend": study_backend}[args.study](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
