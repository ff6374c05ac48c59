"""Synthetic-sample generation kernels: draw (parent, neighbour, gap), interpolate.

All indices are global row indices of the input ``X``. Randomness comes from
an integer seed: each kernel seeds numba's generator and draws in a fixed order,
so a seed gives the same rows on every run and platform.
"""

import numpy as np

from skclassgap._kernels._config import STRICT, kernel


@kernel(fastmath=STRICT)
def _draw_pairs(base, nbrs, half_gap, repeats, n_new, seed):
    """Draw ``n_new`` (parent, neighbour, gap) triples in one pass.

    Parameters
    ----------
    base : int64 array of shape (m,)
        Candidate parent rows.
    nbrs : int64 array of shape (m, k)
        ``nbrs[r]`` are the neighbour rows of ``base[r]``.
    half_gap : bool array of shape (m, k) or (0, 0)
        Where True, the gap of that pair is drawn in ``[0, 0.5)`` instead of
        ``[0, 1)`` (Borderline-SMOTE-2 toward another class). Empty: never.
    repeats : int64 array of shape (m,) or (0,)
        When non-empty, parent ``r`` is used ``repeats[r]`` times, in order
        (ADASYN); ``n_new`` must equal its sum. When empty, every parent is
        drawn uniformly from ``base``.
    n_new : int
    seed : int

    Returns
    -------
    parents, neighbors : int64 arrays of shape (n_new,)
    gaps : float64 array of shape (n_new,)
    """
    # numba supports only the legacy global-state API, not np.random.Generator
    np.random.seed(seed)  # noqa: NPY002
    m, k = nbrs.shape
    parents = np.empty(n_new, dtype=np.int64)
    neighbors = np.empty(n_new, dtype=np.int64)
    gaps = np.empty(n_new, dtype=np.float64)
    use_half = half_gap.shape[0] > 0
    r = 0
    left = repeats[0] if repeats.shape[0] > 0 else 0
    for t in range(n_new):
        if repeats.shape[0] > 0:
            while left == 0:
                r += 1
                left = repeats[r]
            left -= 1
        else:
            r = np.random.randint(0, m)  # noqa: NPY002 (numba kernel)
        c = np.random.randint(0, k)  # noqa: NPY002 (numba kernel)
        g = np.random.random()  # noqa: NPY002 (numba kernel)
        if use_half and half_gap[r, c]:
            g *= 0.5
        parents[t] = base[r]
        neighbors[t] = nbrs[r, c]
        gaps[t] = g
    return parents, neighbors, gaps


@kernel(fastmath=STRICT)
def _interpolate(X, parents, neighbors, gaps, out):
    """``out[t] = X[p] + gap * (X[nb] - X[p])`` for every synthetic row, in place.

    Arithmetic in float64, stored in ``out``'s dtype.
    """
    d = X.shape[1]
    for t in range(parents.shape[0]):
        p = parents[t]
        nb = neighbors[t]
        g = gaps[t]
        for j in range(d):
            a = np.float64(X[p, j])
            out[t, j] = a + g * (np.float64(X[nb, j]) - a)


@kernel(fastmath=STRICT)
def _count_other(nbrs, y_codes, code):
    """Number of neighbours of each row whose class code differs from ``code``."""
    m, k = nbrs.shape
    counts = np.zeros(m, dtype=np.int64)
    for r in range(m):
        c = 0
        for p in range(k):
            if y_codes[nbrs[r, p]] != code:
                c += 1
        counts[r] = c
    return counts
