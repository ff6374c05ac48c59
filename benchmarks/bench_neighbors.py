"""Exact neighbour search: the compiled path against the NumPy path (small inputs).

Sets the size below which searches take the NumPy path (``_SMALL_WORK`` in
``skclassgap/over_sampling/_neighbors/_search.py``, counted in (query,
reference, feature) triples): "ours" is the compiled path (warm), "peer" the
NumPy path, on the same searches, around that size; the check says both
return the same neighbours. A last case times each path's first search in
a fresh process whose numba cache is already filled (the compiled path then
pays for loading its kernels). The samplers' first calls on small data are
timed by ``bench_first_call``. Fresh processes take a while, so this module
runs only when named: ``python -m benchmarks --only neighbors [--full]``.
"""

import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np

import skclassgap.over_sampling._neighbors._search as search_mod
from benchmarks._harness import Case
from skclassgap.over_sampling._neighbors import kneighbors, kneighbors_within

# Not in ``python -m benchmarks``'s default set (fresh processes, compilation).
IN_DEFAULT_SET = False


def _on_path(work, search):
    def run():
        saved = search_mod._SMALL_WORK
        search_mod._SMALL_WORK = work
        try:
            return search()
        finally:
            search_mod._SMALL_WORK = saved

    return run


def _same(a, b):
    assert np.array_equal(a, b)
    return "same neighbours"


def _search_case(name, search):
    return Case(
        group="neighbors",
        name=name,
        ours=_on_path(0, search),
        peer=_on_path(10**18, search),
        peer_name="NumPy path",
        check=_same,
        repeats=5,
        memory=False,
    )


_FIRST_SEARCH = """
    import time
    import numpy as np
    import skclassgap.over_sampling._neighbors._search as search_mod
    from skclassgap.over_sampling._neighbors import kneighbors
    search_mod._SMALL_WORK = {work}
    rng = np.random.default_rng(0)
    Y = rng.standard_normal((2000, 20))
    rows = np.arange(100)
    start = time.perf_counter()
    kneighbors(Y[rows], Y, 10, exclude=rows)
    print(time.perf_counter() - start)
"""
_WARM_CACHE = tempfile.mkdtemp(prefix="skclassgap-bench-cache-")


def _fresh_process(code, cache=None):
    def run():
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "SKCLASSGAP_CACHE_DIR": cache or empty}
            done = subprocess.run(
                [sys.executable, "-c", textwrap.dedent(code)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
        return {"seconds": float(done.stdout.split()[-1])}

    return run


def cases(full):
    rng = np.random.default_rng(0)
    out = []
    sizes = [(200, 5), (200, 20), (400, 20), (200, 100)]
    if full:
        sizes += [(800, 20), (400, 100), (1600, 20)]
    for n, d in sizes:
        X = rng.standard_normal((n, d))
        out.append(
            _search_case(
                f"within {n}x{d} (work {n * n * d:.0e})",
                lambda X=X: kneighbors_within(X, 5),
            )
        )
        Y = rng.standard_normal((10 * n, d))
        rows = np.arange(n)
        out.append(
            _search_case(
                f"class vs all {n}x{10 * n}x{d} (work {10 * n * n * d:.0e})",
                lambda Y=Y, rows=rows: kneighbors(Y[rows], Y, 10, exclude=rows),
            )
        )
    compiled_first = _fresh_process(_FIRST_SEARCH.format(work=0), _WARM_CACHE)
    compiled_first()  # fills the cache: every later run only loads the kernels
    out.append(
        Case(
            group="neighbors",
            name="first search, fresh process, filled cache, 100x2000x20",
            ours=compiled_first,
            peer=_fresh_process(_FIRST_SEARCH.format(work=10**18)),
            peer_name="NumPy path",
            check=lambda ours, peer: "search time after import",
            repeats=3,
            memory=False,
            self_timed=True,
        )
    )
    return out
