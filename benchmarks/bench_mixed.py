"""SMOTENC / SMOTEN on mixed and categorical tables against imbalanced-learn.

Quick set: SMOTENC at 2 x 10^4 rows (10 continuous + 5 categorical columns of
3 to 1,000 levels, 10 % minority) and SMOTEN at 2 x 10^4 rows of 6 categorical
columns. ``full`` adds SMOTENC at 10^5 rows (the size of imbalanced-learn's
memory complaints: 5.7 GiB peak there).

``python -m benchmarks.bench_mixed --wall`` runs the high-cardinality case on
its own: 40,000 rows with one 50,000-level column. Ours runs in this process
(time and peak extra memory); imbalanced-learn runs in a child process whose
address space is capped (``resource.setrlimit(RLIMIT_AS)``, 8 GiB by
default), and the error it raises is reported instead of running it to
exhaustion.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn import over_sampling as imb

from benchmarks._harness import Case, peak_extra_memory
from skclassgap import over_sampling as ours

LEVELS = (3, 10, 50, 200, 1000)
_CATEGORICAL = list(range(10, 15))  # columns of mixed_table's category columns


def mixed_table(n, levels=LEVELS, n_continuous=10, minority=0.1, seed=0):
    """``n`` rows: continuous columns of different scales, then category columns
    of the given numbers of levels (codes uniform), binary labels."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < minority).astype(np.int64)
    columns = {
        f"x{i}": rng.normal(size=n) * (i + 1) + y * 0.5 for i in range(n_continuous)
    }
    for i, n_levels in enumerate(levels):
        columns[f"c{i}"] = pd.Categorical.from_codes(
            rng.integers(0, n_levels, n), categories=[f"l{j}" for j in range(n_levels)]
        )
    return pd.DataFrame(columns), y


def categorical_table(n, seed=0):
    """``n`` rows of 6 string columns of 3-8 levels whose frequencies depend on the
    class (10 % minority)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(np.int64)
    columns = {}
    for i, n_levels in enumerate((4, 4, 8, 3, 3, 6)):
        shift = rng.integers(0, n_levels, n) * (rng.random(n) < 0.3 * y)
        codes = (rng.integers(0, n_levels, n) + shift) % n_levels
        columns[f"a{i}"] = pd.array(
            np.array([f"v{j}" for j in range(n_levels)])[codes], dtype="str"
        )
    return pd.DataFrame(columns), y


def _check(X, y):
    def check(a, b):
        (Xa, ya), (_, yb) = a, b
        assert np.array_equal(np.bincount(ya), np.bincount(yb))
        new = Xa.iloc[len(X) :]
        for column in X.columns:
            if not pd.api.types.is_numeric_dtype(X[column]):
                assert new[column].isin(X[column][y == 1]).all(), column
        assert Xa.dtypes.equals(X.dtypes)
        return f"same counts ({len(ya)} rows); levels within class; dtypes kept"

    return check


def cases(full=False):
    """Timed comparisons (see the module docstring)."""
    out = []
    sizes = [(20_000, 3)] + ([(100_000, 3)] if full else [])
    for n, repeats in sizes:
        X, y = mixed_table(n)
        out.append(
            Case(
                group="mixed",
                name=f"SMOTENC {n} x (10 cont + 5 cat, 3-1000 levels)",
                ours=lambda X=X, y=y: ours.SMOTENC(random_state=0).fit_resample(X, y),
                peer=lambda X=X, y=y: imb.SMOTENC(
                    _CATEGORICAL, random_state=0
                ).fit_resample(X, y),
                peer_name="imblearn.SMOTENC",
                check=_check(X, y),
                repeats=repeats,
            )
        )
    X, y = categorical_table(20_000)
    out.append(
        Case(
            group="mixed",
            name="SMOTEN 20000 x 6 cat (3-8 levels)",
            ours=lambda: ours.SMOTEN(random_state=0).fit_resample(X, y),
            peer=lambda: imb.SMOTEN(random_state=0).fit_resample(X, y),
            peer_name="imblearn.SMOTEN",
            check=_check(X, y),
        )
    )
    return out


def wall_table(n=40_000, n_levels=50_000):
    """The high-cardinality case: 10 continuous columns and one category column
    of ``n_levels`` levels (codes uniform), 10 % minority."""
    return mixed_table(n, levels=(n_levels,))


_PEER = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from imblearn.over_sampling import SMOTENC
from benchmarks.bench_mixed import wall_table
X, y = wall_table({n}, {n_levels})
start = time.perf_counter()
try:
    SMOTENC([10], random_state=0).fit_resample(X, y)
    print("ok", time.perf_counter() - start)
except BaseException as exc:
    print(type(exc).__name__, time.perf_counter() - start, str(exc)[:300])
"""


def wall(n=40_000, n_levels=50_000, limit_gib=8.0):
    """Run the high-cardinality case; return a Markdown table."""
    X, y = wall_table(n, n_levels)
    used = X["c0"].nunique()
    ours.SMOTENC(random_state=0).fit_resample(X.iloc[:2000], y[:2000])  # warm-up
    start = time.perf_counter()
    X_res, y_res = ours.SMOTENC(random_state=0).fit_resample(X, y)
    ours_s = time.perf_counter() - start
    assert X_res["c0"].iloc[n:].isin(X["c0"][y == 1]).all()
    ours_mib = peak_extra_memory(
        lambda: ours.SMOTENC(random_state=0).fit_resample(X, y)
    )
    limit = int(limit_gib * 2**30)
    code = _PEER.format(limit=limit, n=n, n_levels=n_levels)
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True
    )
    line = (result.stdout.strip() or result.stderr.strip()).splitlines()[-1]
    outcome, seconds, *message = line.split(" ", 2)
    return (
        f"{n} rows x (10 continuous + 1 category column of {n_levels} levels, "
        f"{used} used), 10 % minority, {int(np.bincount(y_res)[1] - y.sum())} "
        "synthetic rows\n\n"
        "| | time (s) | peak extra memory | outcome |\n|---|---:|---:|---|\n"
        f"| skclassgap SMOTENC | {ours_s:.2f} | {ours_mib:.0f} MiB | ok, levels "
        "within class |\n"
        f"| imblearn SMOTENC (address space capped at {limit_gib:g} GiB) | "
        f"{float(seconds):.2f} | - | {outcome}: {' '.join(message)} |\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_mixed")
    parser.add_argument("--wall", action="store_true", help="high-cardinality case")
    parser.add_argument("--limit-gib", type=float, default=8.0)
    args = parser.parse_args(argv)
    if args.wall:
        print(wall(limit_gib=args.limit_gib))
        return 0
    from benchmarks._harness import markdown_table, time_case

    print(markdown_table([time_case(case) for case in cases()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
