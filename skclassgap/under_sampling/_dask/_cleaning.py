"""Stage 2 of the whole-set cleaners: their rule, on lists found block by block.

A cleaner that reads each row's nearest rows of the whole set (Tomek links,
edited nearest neighbours) declares which rows it needs lists of
(``_queried_classes``: whole classes; ``_follow_up``: a few more rows once
the first lists are known) and its rule (``_removed``: the rows it removes,
from :class:`~.._lists.NeighborLists`). A rule that reads each row's own
list only runs on the workers instead (:mod:`~._per_row`); this module
serves the others (Tomek links, whose rule reads the partners' lists), and
builds the output blocks of both.

1. The rows of the queried classes are gathered into this process (within
   the gather budget of the over-samplers, ``"skclassgap.gather-budget"``;
   past it a ``MemoryError`` says which classes and how many rows), each
   block of ``X`` validated on the way.
2. Their lists come from the over-samplers' whole-set search: the gathered
   rows are searched against every block with the exact search and the
   per-block lists merged by an exact ranking of the pooled candidates
   (ties to the lower global row), so they are the in-memory lists. The
   other classes are never gathered; only each block's candidate rows
   travel, with their labels.
3. The follow-up rows (candidates found in step 2, so their values are
   already here) get their lists by one more pass of the same search.
4. The rule gives the removed rows; each block then keeps its other rows,
   in input order, or class by class (``_class_grouped``), as in memory.
"""

from functools import partial

import numpy as np

from skclassgap.over_sampling._dask._blocks import label_values
from skclassgap.over_sampling._dask._budget import check_gather_budget, row_bytes
from skclassgap.over_sampling._dask._gather import Gathered, gather_classes
from skclassgap.over_sampling._dask._whole_set import with_whole_set_neighbors
from skclassgap.under_sampling._dask._output import Selection
from skclassgap.under_sampling._lists import NeighborLists
from skclassgap.under_sampling._strategy import py_label
from skclassgap.utils._dask import import_dask


def cleaned_rows(index, y, labels, code, removed):
    """Rows of a block that the rule keeps (local indices, ascending): all but
    ``removed`` (local indices), only those of class ``code`` unless None."""
    values = label_values(y, index)
    keep = np.ones(len(values), dtype=bool)
    keep[removed] = False
    if code is not None:
        keep &= np.searchsorted(labels, values) == code
    return np.flatnonzero(keep)


def _lists(gathered, fitted, k, n_jobs):
    """The lists of the gathered rows, and every row they brought here (the
    gathered rows and their candidate neighbours, values included)."""
    if not len(gathered.rows):
        return NeighborLists.empty(k), gathered
    joined, whole = with_whole_set_neighbors(gathered, fitted, k, n_jobs)
    nbrs = whole[np.searchsorted(joined.rows, gathered.rows)]
    lists = NeighborLists(
        gathered.rows, gathered.y_codes, joined.rows[nbrs], joined.y_codes[nbrs]
    )
    return lists, joined


def _check_budget(sampler, census, queried, X):
    labels, counts = census.labels, census.counts
    wanted = [(labels[c], int(counts[c])) for c in np.flatnonzero(queried)]
    names = ", ".join(repr(py_label(label)) for label, _ in wanted)
    check_gather_budget(
        wanted,
        row_bytes(X, ()),
        f"{type(sampler).__name__} on Dask input gathers the rows of the classes "
        f"whose neighbours its rule reads (class(es) {names})",
        "clean a sample of the rows (every row of these classes is gathered)",
    )


def _rows_selector(removed, labels, code):
    return partial(cleaned_rows, labels=labels, code=code, removed=removed)


def _selector(code, *, labels, removed):
    """The function giving a block's kept rows of class ``code`` (all classes
    for None); built on the worker that uses it when ``removed`` is a Delayed
    (the removed rows stay on the workers)."""
    if isinstance(removed, np.ndarray):
        return _rows_selector(removed, labels, code)
    dask, _, _ = import_dask("X or y")
    # Positional: a persisted result passed by keyword loses its Future
    # (dask 2026.11), and the workers then drop it.
    return dask.delayed(_rows_selector, pure=True)(removed, labels, code)


def output_blocks(census, removed, removed_counts, grouped):
    """The output blocks: each input block less its removed rows, class by
    class when ``grouped``.

    Parameters
    ----------
    census : BlockCensus
    removed : list
        Per input block, its removed rows (local indices): an int64 array
        held here, or a Delayed of one (held on the workers).
    removed_counts : int64 ndarray of shape (n_blocks, n_classes)
        Rows of each class removed from each block.
    grouped : bool
        Output class by class (sorted labels), blocks in order within a
        class; else each block's kept rows in input order.

    Returns
    -------
    selection : Selection
    """
    labels, by_block = census.labels, census.by_block
    sources, selectors, sizes = [], [], []
    for b, drop in enumerate(removed):
        select = partial(_selector, labels=labels, removed=drop)
        if not grouped:
            sources.append(b)
            selectors.append(select(None))
            sizes.append(int(by_block[b].sum() - removed_counts[b].sum()))
            continue
        for code in np.flatnonzero(by_block[b]).tolist():
            sources.append((code, b))
            selectors.append(select(code))
            sizes.append(int(by_block[b, code] - removed_counts[b, code]))
    if grouped:  # class by class, blocks in order within a class
        order = sorted(range(len(sources)), key=lambda t: sources[t])
        sources = [sources[t][1] for t in order]
        selectors = [selectors[t] for t in order]
        sizes = [sizes[t] for t in order]
    return Selection(sources, selectors, np.array(sizes, dtype=np.int64))


def _by_block(census, removed, removed_codes):
    """Removed rows (global, ascending) split by block: local indices, and
    counts per class."""
    counts = np.zeros_like(census.by_block)
    local = []
    for b, (offset, length) in enumerate(
        zip(census.offsets.tolist(), census.lengths.tolist(), strict=True)
    ):
        inside = (removed >= offset) & (removed < offset + length)
        local.append(removed[inside] - offset)
        counts[b] = np.bincount(removed_codes[inside], minlength=counts.shape[1])
    return local, counts


def prepare_whole_set(sampler, census):
    """Validate the neighbour parameters and the data set's size for them.

    Returns
    -------
    k : int
        Nearest other rows each listed row needs.
    queried : bool ndarray of shape (n_classes,)
        The classes whose rows need lists.
    """
    sampler._prepare_search()
    k, _ = sampler._neighbor_search()
    sampler._check_whole_set(census.n_samples)
    return k, sampler._queried_classes(census.labels, census.counts)


def whole_set_selection(sampler, census, X):
    """The output blocks of a whole-set cleaner (see the module).

    Returns
    -------
    selection : Selection
    """
    k, queried = prepare_whole_set(sampler, census)
    _check_budget(sampler, census, queried, X)
    fitted = census.fitted()
    gathered = gather_classes(fitted, census.labels[queried], type(sampler).__name__)
    lists, joined = _lists(gathered, fitted, k, sampler.n_jobs)
    more = sampler._follow_up(lists)
    if len(more):
        at = np.searchsorted(joined.rows, more)
        follow = Gathered(more, joined.work[at], joined.y_codes[at])
        extra, _ = _lists(follow, fitted, k, sampler.n_jobs)
        lists = lists.joined(extra)
    removed = np.unique(sampler._removed(census.labels, lists))
    removed_codes = lists.codes[lists.position(removed)]
    local, counts = _by_block(census, removed, removed_codes)
    return output_blocks(census, local, counts, sampler._class_grouped)
