"""Per-class moments: group a chunk of rows by class, shift, and accumulate.

The scatter matrices themselves are left to BLAS (``seg.T @ seg`` on each
class segment of the grouped chunk); these kernels do the row loops BLAS
cannot do: a counting sort of the chunk's rows by class, fused with the
shifted copy and the squared row norms, in one pass. The norms and a column
of ones go in two extra columns, so that one BLAS product per class segment
gives the first- to fourth-order sums at once.
"""

import numpy as np

from skclassgap._kernels._config import FINITE_SAFE, STRICT, kernel


@kernel(fastmath=STRICT)
def _code_counts(codes, offset, n_values):
    """Count ``codes - offset`` over ``[0, n_values)``."""
    counts = np.zeros(n_values, dtype=np.int64)
    for i in range(codes.shape[0]):
        counts[codes[i] - offset] += 1
    return counts


@kernel(fastmath=STRICT)
def _chunk_slot_counts(codes, offset, lookup, start, stop, n_slots):
    """Rows of each slot among rows ``start:stop``.

    The slot of row ``i`` is ``lookup[codes[i] - offset]``.
    """
    counts = np.zeros(n_slots, dtype=np.int64)
    for i in range(start, stop):
        counts[lookup[codes[i] - offset]] += 1
    return counts


@kernel(fastmath=FINITE_SAFE)
def _chunk_slot_sums(X, codes, offset, lookup, start, stop, wanted, sums):
    """Add each row ``start:stop`` whose slot is ``wanted`` to ``sums[slot]``.

    Accumulated in float64.
    """
    d = X.shape[1]
    for i in range(start, stop):
        k = lookup[codes[i] - offset]
        if wanted[k]:
            for j in range(d):
                sums[k, j] += X[i, j]


@kernel(fastmath=FINITE_SAFE)
def _group_shift(X, codes, offset, lookup, start, stop, slot_counts, shifts, out):
    """Copy rows ``start:stop`` of ``X`` into ``out``, grouped by slot and shifted.

    Row ``i`` has slot ``k = lookup[codes[i] - offset]`` and is written, in
    order of appearance, to the segment of slot ``k`` (``slot_counts`` holds
    the rows per slot of this chunk) as ``[y, ||y||^2, 1]`` with
    ``y = x - shifts[k]`` in ``out``'s dtype (``out`` has ``d + 2`` columns;
    the norm is accumulated in float64). One ``seg.T @ seg`` of a segment then
    yields the scatter, ``sum ||y||^2 y``, ``sum ||y||^4`` and ``sum y``
    together. Returns the segment boundaries: slot ``k`` owns
    ``out[bounds[k]:bounds[k + 1]]``.
    """
    d = X.shape[1]
    n_slots = slot_counts.shape[0]
    bounds = np.zeros(n_slots + 1, dtype=np.int64)
    for k in range(n_slots):
        bounds[k + 1] = bounds[k] + slot_counts[k]
    pos = bounds[:-1].copy()
    for i in range(start, stop):
        k = lookup[codes[i] - offset]
        r = pos[k]
        pos[k] = r + 1
        x_row = X[i]
        out_row = out[r]
        shift_row = shifts[k]
        norm2 = 0.0
        for j in range(d):
            v = x_row[j] - shift_row[j]
            out_row[j] = v
            vf = np.float64(v)
            norm2 += vf * vf
        out_row[d] = norm2
        out_row[d + 1] = 1.0
    return bounds
