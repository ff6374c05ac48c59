"""Stage 2 of the cleaners with a per-row rule: lists and rule on the workers.

A cleaner whose rule decides each row from that row's own neighbour list
(``_row_rule``: edited nearest neighbours) needs no row in this process,
however large the classes it cleans (by default every class but the
minority, so the majority). Each block holding rows of the queried classes
is a query block, and on the workers:

1. its rows of the queried classes are taken, with their global rows and
   class codes (the block of ``X`` validated as in memory);
2. they are searched against every block of the whole set with the
   over-samplers' exact whole-set search
   (:func:`~skclassgap.over_sampling._dask._whole_set.candidates_graph`):
   each block keeps the exact ``k`` nearest rows of every query row, the
   query row itself excluded by its global index, and the per-block lists
   are merged by a tree reduction that ranks the pooled candidates exactly,
   ties to the lower global row, so they are the in-memory lists;
3. the rule reads those lists and gives the block's removed rows.

The removed rows are persisted on the workers (a distributed cluster keeps
them there; a local scheduler holds them in this process); only their number
per class and block comes back here, which fixes the sizes of the output
blocks. Each output block keeps the rows of its input block that are not
removed, class by class when the sampler's output is (``_class_grouped``),
as in memory. No row of ``X`` passes through this process: not the query
rows, not their candidates.
"""

import numpy as np

from skclassgap.over_sampling._dask._blocks import label_values, numeric_block
from skclassgap.over_sampling._dask._whole_set import (
    candidates_graph,
    ranked_candidates,
)
from skclassgap.under_sampling._dask._cleaning import output_blocks, prepare_whole_set
from skclassgap.under_sampling._lists import NeighborLists
from skclassgap.utils._dask import check_block_lengths, import_dask


def _block_queries(index, X, y, offset, labels, queried):
    """The rows of a block of the queried classes: global rows, values
    (validated as in memory) and class codes."""
    values = label_values(y, index)
    check_block_lengths(index, X=X, y=values)
    X = numeric_block(X, index)
    codes = np.searchsorted(labels, values).astype(np.int64)
    rows = np.flatnonzero(queried[codes])
    return offset + rows, np.ascontiguousarray(X[rows]), codes[rows]


def _checked_block(index, X, y):
    """Validate a block of ``X`` that holds no query row (nothing returned)."""
    values = label_values(y, index)
    check_block_lengths(index, X=X, y=values)
    numeric_block(X, index)


def _block_removed(rows, values, codes, found, *, rule, offset, k, n_labels, n_jobs):
    """The rows of a query block the rule removes (local indices, ascending)
    and their number per class."""
    nearest = ranked_candidates(values, found, k, n_jobs)
    lists = NeighborLists(rows, codes, found.rows[nearest], found.codes[nearest])
    removed = np.unique(np.asarray(rule(lists), dtype=np.int64))
    removed_codes = codes[np.searchsorted(rows, removed)]
    return removed - offset, np.bincount(removed_codes, minlength=n_labels)


def per_row_selection(sampler, census, X):
    """The output blocks of a cleaner with a per-row rule (see the module).

    Returns
    -------
    selection : Selection
    """
    dask, _, _ = import_dask("X or y")
    k, queried = prepare_whole_set(sampler, census)
    rule = sampler._row_rule(census.labels)
    fitted = census.fitted()
    labels, blocks, n_labels = census.labels, census.blocks, len(census.labels)
    has_queries = census.by_block[:, queried].sum(axis=1) > 0
    take = dask.delayed(_block_queries, nout=3, pure=True)
    decide = dask.delayed(_block_removed, pure=True)
    parts = {}
    for b in np.flatnonzero(has_queries).tolist():
        offset = int(census.offsets[b])
        rows, values, codes = take(
            b, blocks["X"][b], blocks["y"][b], offset, labels, queried
        )
        found = candidates_graph(fitted, values, rows, k, sampler.n_jobs)
        parts[b] = decide(
            rows,
            values,
            codes,
            found,
            rule=rule,
            offset=offset,
            k=k,
            n_labels=n_labels,
            n_jobs=sampler.n_jobs,
        )
    if not parts:  # nothing to clean: X is still validated, as in memory
        check = dask.delayed(_checked_block, pure=True)
        dask.compute(
            [
                check(b, X_b, y_b)
                for b, (X_b, y_b) in enumerate(
                    zip(blocks["X"], blocks["y"], strict=True)
                )
            ]
        )
    held = dict(zip(parts, dask.persist(*parts.values()), strict=True))
    (counts,) = dask.compute({b: part[1] for b, part in held.items()})
    removed_counts = np.zeros_like(census.by_block)
    removed = [np.zeros(0, dtype=np.int64)] * len(census.lengths)
    for b, part in held.items():
        removed_counts[b] = counts[b]
        removed[b] = part[0]
    return output_blocks(census, removed, removed_counts, sampler._class_grouped)
