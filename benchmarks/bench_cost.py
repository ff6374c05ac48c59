"""Min-risk decisions: the numba kernel against NumPy's ``argmin(P @ C, axis=1)``."""

import numpy as np

from benchmarks._harness import Case
from skclassgap._kernels.decision import _min_risk_argmin


def _data(n, k, dtype=np.float64):
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(k), size=n).astype(dtype)
    cost = rng.uniform(0, 10, size=(k, k))
    np.fill_diagonal(cost, 0)
    return np.ascontiguousarray(proba), cost


def _same(a, b):
    mismatches = int(np.sum(a != b))
    assert mismatches == 0, f"{mismatches} decisions differ"
    return "same decisions"


def cases(full):
    sizes = [(100_000, 10), (1_000_000, 10)]
    if full:
        sizes += [(1_000_000, 100), (10_000_000, 10)]
    out = []
    for n, k in sizes:
        proba, cost = _data(n, k)
        out.append(
            Case(
                group="cost",
                name=f"min_risk n={n:.0e} K={k}",
                ours=lambda p=proba, c=cost: _min_risk_argmin(p, c),
                peer=lambda p=proba, c=cost: np.argmin(p @ c, axis=1),
                peer_name="np.argmin(P @ C)",
                check=_same,
                repeats=5,
            )
        )
    proba, cost = _data(1_000_000, 10, np.float32)
    cost32 = cost.astype(np.float32)
    out.append(
        Case(
            group="cost",
            name="min_risk n=1e+06 K=10 float32",
            ours=lambda p=proba, c=cost: _min_risk_argmin(p, c),
            peer=lambda p=proba, c=cost32: np.argmin(p @ c, axis=1),
            peer_name="np.argmin(P @ C) float32",
            check=lambda a, b: (
                f"{int(np.sum(a != b))} of {len(a)} differ (float32 rounding)"
            ),
            repeats=5,
        )
    )
    return out
