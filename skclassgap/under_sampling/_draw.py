"""Which rows of a class random under-sampling keeps: a draw blocks can reproduce.

The kept rows of a class are a function of ``(seed, n_rows, n_keep,
replacement)`` alone. They are given as *positions*: position ``p`` is the
``p``-th row of the class in input order. Nothing depends on how the rows are
stored, so data split into blocks (Dask partitions) reproduce the in-memory
draw exactly, whatever the partitioning: a block that holds the class
positions ``[start, stop)`` keeps ``kept_positions(seed, n_rows, n_keep,
replacement, start=start, stop=stop)`` and never needs the other blocks' rows.

The draw
    Positions are cut into chunks of ``CHUNK = 2**16`` consecutive
    positions (the last one shorter).

    1. How many positions each chunk keeps: a binary tree over the chunks
       splits ``n_keep`` between the two halves of each node, with a
       hypergeometric draw (without replacement: the number of kept
       positions that fall in the left half of a uniform sample) or a
       binomial draw (with replacement), from a generator seeded by
       ``SeedSequence(seed, spawn_key=(0, node))`` (``node`` in heap
       numbering, the root being 1). Nodes whose split is forced (nothing
       to keep, or everything without replacement) draw nothing. For a
       node of ``10**9`` positions or more (beyond NumPy's hypergeometric
       sampler), the split is binomial, clipped to the feasible range.
    2. Which positions inside chunk ``j``: its count of distinct positions
       (without replacement) or of uniform positions (with replacement),
       from a generator seeded by ``SeedSequence(seed, spawn_key=(1, j))``,
       sorted.

    Without replacement this is a uniform sample of ``n_keep`` distinct
    positions (for classes below ``10**9`` rows); with replacement,
    ``n_keep`` independent uniform positions. The positions come back
    sorted: kept rows stay in input order, and a row drawn several times
    (with replacement) repeats in place. Step 1 costs ``O(n_rows / CHUNK)``
    draws wherever it runs; step 2 runs only for the chunks a block holds.
"""

import numpy as np

CHUNK = 2**16
# NumPy's hypergeometric sampler takes populations below this size.
_HYPERGEOMETRIC_LIMIT = 10**9


def _rng(seed, *key):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _n_chunks(n_rows):
    return -(-n_rows // CHUNK)


def _chunk_size(n_rows, chunk):
    return min(CHUNK, n_rows - chunk * CHUNK)


def chunk_counts(seed, n_rows, n_keep, replacement):
    """Number of kept positions in each chunk (step 1 of the module's draw).

    Parameters
    ----------
    seed : int
        The class's seed.
    n_rows : int
        Rows of the class.
    n_keep : int
        Positions to keep (at most ``n_rows`` without replacement).
    replacement : bool
        Draw with replacement.

    Returns
    -------
    counts : int64 ndarray of shape (ceil(n_rows / CHUNK),)
    """
    counts = np.zeros(_n_chunks(n_rows), dtype=np.int64)
    # Nodes to split: (first chunk, end chunk, positions to keep, heap number).
    stack = [(0, len(counts), int(n_keep), 1)]
    while stack:
        lo, hi, m, node = stack.pop()
        if hi - lo == 1:
            counts[lo] = m
            continue
        mid = (lo + hi) // 2
        left = (mid - lo) * CHUNK
        right = min(hi * CHUNK, n_rows) - mid * CHUNK
        if m == 0:
            m_left = 0
        elif not replacement and m == left + right:
            m_left = left
        else:
            rng = _rng(seed, 0, node)
            if replacement:
                m_left = int(rng.binomial(m, left / (left + right)))
            elif left + right < _HYPERGEOMETRIC_LIMIT:
                m_left = int(rng.hypergeometric(left, right, m))
            else:
                m_left = int(rng.binomial(m, left / (left + right)))
                m_left = min(max(m_left, m - right), left)
        stack.append((mid, hi, m - m_left, 2 * node + 1))
        stack.append((lo, mid, m_left, 2 * node))
    return counts


def chunk_positions(seed, n_rows, chunk, count, replacement):
    """Sorted kept positions inside chunk ``chunk`` (step 2), as class positions."""
    size = _chunk_size(n_rows, chunk)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if not replacement and count == size:
        local = np.arange(size, dtype=np.int64)
    else:
        rng = _rng(seed, 1, chunk)
        if replacement:
            local = np.sort(rng.integers(0, size, size=count))
        else:
            local = np.sort(rng.choice(size, size=count, replace=False, shuffle=False))
    return chunk * CHUNK + local.astype(np.int64)


def kept_positions(
    seed, n_rows, n_keep, replacement, *, start=0, stop=None, counts=None
):
    """Sorted kept class positions that lie in ``[start, stop)``.

    Parameters
    ----------
    seed : int
        The class's seed.
    n_rows : int
        Rows of the class.
    n_keep : int
        Positions to keep in the whole class.
    replacement : bool
        Draw with replacement.
    start, stop : int, default=0, None
        The range of class positions wanted (``stop=None``: ``n_rows``); a
        block passes the positions of the class rows it holds.
    counts : int64 ndarray, default=None
        :func:`chunk_counts` of the class, when already computed (a driver
        computes them once for all its blocks); None computes them.

    Returns
    -------
    positions : int64 ndarray
        Sorted, with repeats when drawn with replacement.
    """
    stop = n_rows if stop is None else stop
    if stop <= start:
        return np.zeros(0, dtype=np.int64)
    if not replacement and n_keep == n_rows:
        return np.arange(start, stop, dtype=np.int64)
    if counts is None:
        counts = chunk_counts(seed, n_rows, n_keep, replacement)
    first, last = start // CHUNK, _n_chunks(stop)
    parts = [
        chunk_positions(seed, n_rows, j, counts[j], replacement)
        for j in range(first, last)
    ]
    positions = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return positions[(positions >= start) & (positions < stop)]


def count_kept(seed, n_rows, n_keep, replacement, bounds, counts=None):
    """Number of kept class positions in each range of ``bounds``.

    Parameters
    ----------
    seed, n_rows, n_keep, replacement
        As for :func:`kept_positions`.
    bounds : int64 ndarray of shape (n_ranges + 1,)
        Increasing class positions: range ``b`` is ``[bounds[b],
        bounds[b + 1])`` (the class rows of block ``b``).
    counts : int64 ndarray, default=None
        :func:`chunk_counts` of the class, when already computed.

    Returns
    -------
    kept : int64 ndarray of shape (n_ranges,)
        Only the chunks cut by a range boundary are drawn (two per range at
        most); whole chunks count from ``counts``.
    """
    bounds = np.asarray(bounds, dtype=np.int64)
    if not replacement and n_keep == n_rows:
        return np.diff(bounds)
    if counts is None:
        counts = chunk_counts(seed, n_rows, n_keep, replacement)
    # Kept positions before class position p, for each boundary p.
    before = np.concatenate([[0], np.cumsum(counts)])
    below = np.empty(len(bounds), dtype=np.int64)
    for b, p in enumerate(bounds.tolist()):
        chunk, inside = divmod(p, CHUNK)
        below[b] = before[min(chunk, len(counts))]
        if inside and chunk < len(counts):
            positions = chunk_positions(seed, n_rows, chunk, counts[chunk], replacement)
            below[b] += int(np.searchsorted(positions, p))
    return np.diff(below)
