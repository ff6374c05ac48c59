"""Stage 2 of random under-sampling: which rows each block keeps, drawn per block.

The sampler declares its draws (``_class_draws()``: a seed and a number of
rows to keep per reduced class, drawn from ``random_state`` exactly as in
memory). For each reduced class this process computes, once, how many kept
positions fall in each chunk of the class (:func:`~.._draw.chunk_counts`,
``O(n_rows / 65536)`` draws) and from them the number each block keeps
(only the chunks a block boundary cuts are drawn here); the blocks then draw
the positions of their own chunks, on the workers, with
:func:`~.._draw.kept_positions`. A block keeps every row of the classes not
reduced and the drawn rows of the others, in input order, so the output is
the in-memory one whatever the partitioning, and no row of the majority
ever leaves its block.
"""

from functools import partial

import numpy as np

from skclassgap.over_sampling._dask._blocks import label_values
from skclassgap.under_sampling._dask._output import Selection
from skclassgap.under_sampling._draw import chunk_counts, count_kept, kept_positions


def drawn_rows(index, y, labels, draws, replacement):
    """Rows of a block of ``y`` that the draw keeps, in input order.

    ``draws`` holds, per reduced class, ``(code, seed, n_rows, n_keep,
    start, counts)``: the class's code among ``labels``, its seed, rows and
    rows kept overall, its first position in this block and its chunk
    counts.
    """
    codes = np.searchsorted(labels, label_values(y, index))
    reduced = np.zeros(len(labels), dtype=bool)
    reduced[[draw[0] for draw in draws]] = True
    parts = [np.flatnonzero(~reduced[codes])]
    for code, seed, n_rows, n_keep, start, counts in draws:
        rows = np.flatnonzero(codes == code)
        positions = kept_positions(
            seed,
            n_rows,
            n_keep,
            replacement,
            start=start,
            stop=start + len(rows),
            counts=counts,
        )
        parts.append(rows[positions - start])
    return np.sort(np.concatenate(parts), kind="stable").astype(np.int64, copy=False)


def draw_selection(sampler, census, X):
    """The output blocks of random under-sampling: one per input block (``X``
    is not read).

    Returns
    -------
    selection : Selection
    """
    labels, by_block = census.labels, census.by_block
    starts = census.starts
    sizes = by_block.sum(axis=1)
    per_class = []
    for label, seed, n_keep in sampler._class_draws():
        code = int(np.searchsorted(labels, label))
        n_rows = int(census.counts[code])
        counts = chunk_counts(seed, n_rows, n_keep, sampler.replacement)
        bounds = np.append(starts[:, code], n_rows)
        kept = count_kept(seed, n_rows, n_keep, sampler.replacement, bounds, counts)
        sizes = sizes - by_block[:, code] + kept
        per_class.append((code, seed, n_rows, n_keep, counts))
    selectors = [
        partial(
            drawn_rows,
            labels=labels,
            draws=[
                (code, seed, n_rows, n_keep, int(starts[b, code]), counts)
                for code, seed, n_rows, n_keep, counts in per_class
            ],
            replacement=sampler.replacement,
        )
        for b in range(len(by_block))
    ]
    return Selection(list(range(len(by_block))), selectors, sizes)
