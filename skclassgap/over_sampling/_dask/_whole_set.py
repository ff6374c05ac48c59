"""Stage 4, whole-set neighbours: the nearest rows of all rows, block by block.

For samplers that look at every class around a row (Borderline-SMOTE's
danger sets, ADASYN's density ratios; their ``_whole_set_width()`` is not
0), one more pass over ``X``: the gathered rows are searched against each
block with the exact search, each row's own row excluded by its global
index, and each block keeps the ``width`` nearest rows of every gathered
row. The lists are merged by a tree reduction that ranks the pooled
candidates exactly (:func:`~skclassgap.over_sampling._neighbors.rank_candidates`,
ties to the lower global index). The exact ``width`` nearest of each block,
pooled, hold the exact ``width`` nearest overall, so the lists are those of
the in-memory search. The other classes are never gathered: only each
block's candidate rows travel.

The queries need not be held here: :func:`candidates_graph` builds the same
search for queries that are a Delayed result on the workers (the rows of one
block, for the cleaners whose rule reads each row's own list), so a class
as large as the majority can be queried without passing through this process.
"""

from typing import NamedTuple

import numpy as np

from skclassgap.over_sampling._dask._blocks import label_values, numeric_block, share
from skclassgap.over_sampling._dask._gather import Gathered
from skclassgap.over_sampling._neighbors import kneighbors, rank_candidates
from skclassgap.utils._dask import check_block_lengths, import_dask, tree_reduce


class Candidates(NamedTuple):
    """Candidate neighbours of every gathered row: ``pos[q]`` indexes the
    candidate rows (``-1``: none); the rows' global indices ``rows``, values
    and class codes, in increasing global index."""

    pos: np.ndarray
    rows: np.ndarray
    values: np.ndarray
    codes: np.ndarray


def _compact(pos, rows, values, codes):
    """Keep only the candidate rows some query still uses."""
    used = np.unique(pos[pos >= 0])
    new_pos = np.where(pos >= 0, np.searchsorted(used, pos), -1)
    return Candidates(new_pos, rows[used], values[used], codes[used])


def _block_candidates(index, X, y, offset, queries, query_rows, labels, width, n_jobs):
    labels_in_block = label_values(y, index)
    n = check_block_lengths(index, X=X, y=labels_in_block)
    if n == 0:
        return None
    X = numeric_block(X, index)
    local = query_rows - offset
    exclude = np.where((local >= 0) & (local < n), local, -1)
    if n > width:
        pos = kneighbors(queries, X, width, exclude=exclude, n_jobs=n_jobs)
    else:  # every row of the block is a candidate
        pos = np.broadcast_to(np.arange(n, dtype=np.int64), (len(queries), n)).copy()
        pos[pos == exclude[:, None]] = -1
    codes = np.searchsorted(labels, labels_in_block)
    return _compact(pos, offset + np.arange(n, dtype=np.int64), X, codes)


def _merge_candidates(parts, *, queries, width, n_jobs):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    sizes = np.cumsum([0] + [len(p.rows) for p in parts])
    pos = np.hstack(
        [
            np.where(p.pos >= 0, p.pos + s, -1)
            for p, s in zip(parts, sizes, strict=False)
        ]
    )
    rows = np.concatenate([p.rows for p in parts])
    values = np.concatenate([p.values for p in parts])
    codes = np.concatenate([p.codes for p in parts])
    n_valid = np.count_nonzero(pos >= 0, axis=1)
    out = np.full((len(pos), width), -1, dtype=np.int64)
    over = n_valid > width
    if over.any():
        out[over] = rank_candidates(
            queries[over], values, pos[over], width, n_jobs=n_jobs
        )
    few = np.flatnonzero(~over)
    if few.size:
        # Every candidate kept (at most width): valid entries first.
        order = np.argsort(pos[few] < 0, axis=1, kind="stable")[:, :width]
        kept = np.take_along_axis(pos[few], order, axis=1)
        out[few, : kept.shape[1]] = kept
    return _compact(out, rows, values, codes)


def candidates_graph(fitted, queries, query_rows, width, n_jobs):
    """The graph of the merged :class:`Candidates` of some query rows over all
    blocks, not computed.

    Parameters
    ----------
    fitted : Fitted
        The lined-up blocks of ``X`` and ``y``, their first global rows and
        the census labels.
    queries : float ndarray of shape (n_queries, n_features), or Delayed
        The query rows' values: rows held here, or a Delayed result computed
        on the workers (the query rows of one block), so that the queries
        need not pass through this process.
    query_rows : int64 ndarray of shape (n_queries,), or Delayed
        Their global row indices (each excluded from its own candidates).
    width : int
        Candidates kept per query row.
    n_jobs : int or None
        Threads of each block's search.

    Returns
    -------
    merged : Delayed
        The :class:`Candidates` of every query row: the ``width`` nearest
        rows of the whole set, unordered.
    """
    dask, _, _ = import_dask("X or y")
    task = dask.delayed(_block_candidates, pure=True)
    labels, blocks = fitted.census.labels, fitted.blocks
    leaves = [
        task(i, X, y, int(offset), queries, query_rows, labels, width, n_jobs)
        for i, (X, y, offset) in enumerate(
            zip(blocks["X"], blocks["y"], fitted.offsets, strict=True)
        )
    ]
    return tree_reduce(
        leaves, _merge_candidates, queries=queries, width=width, n_jobs=n_jobs
    )


def ranked_candidates(queries, found, width, n_jobs):
    """Positions in ``found.rows`` of the ``width`` nearest rows of the whole
    set of every query row (ties to the lower global row), nearest first."""
    return rank_candidates(queries, found.values, found.pos, width, n_jobs=n_jobs)


def _candidates(fitted, queries, query_rows, width, n_jobs):
    """The merged :class:`Candidates` of rows held here, over all blocks."""
    dask, _, _ = import_dask("X or y")
    (shared,) = share(dask, [queries])
    merged = candidates_graph(fitted, shared, query_rows, width, n_jobs)
    (found,) = dask.compute(merged)
    return found


def with_whole_set_neighbors(gathered, fitted, width, n_jobs):
    """The gathered rows and the candidates found for them, in global order,
    and the ``width`` nearest rows of the whole set of every gathered row.

    Returns
    -------
    gathered : Gathered
        The gathered rows joined by their candidate neighbours.
    whole : int64 ndarray of shape (len(gathered.rows), width)
        Row ``i`` of ``whole`` holds the positions (in the returned rows) of
        the ``width`` nearest rows of the whole set of that row, nearest
        first, when the row was gathered; ``-1`` for a candidate row.
    """
    rows, work, y_codes = gathered
    found = _candidates(fitted, work, rows, width, n_jobs)
    nearest = found.rows[ranked_candidates(work, found, width, n_jobs)]
    all_rows, first = np.unique(np.concatenate([rows, found.rows]), return_index=True)
    whole = np.full((len(all_rows), width), -1, dtype=np.int64)
    whole[np.searchsorted(all_rows, rows)] = np.searchsorted(all_rows, nearest)
    joined = Gathered(
        all_rows,
        np.concatenate([work, found.values])[first],
        np.concatenate([y_codes, found.codes])[first],
    )
    return joined, whole
