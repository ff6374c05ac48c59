"""Stage 2 of the whole-set cleaners: their rule, on lists found block by block.

A cleaner that reads each row's nearest rows of the whole set (Tomek links,
edited nearest neighbours) declares which rows it needs lists of
(``_queried_classes``: whole classes; ``_follow_up``: a few more rows once
the first lists are known) and its rule (``_removed``: the rows it removes,
from :class:`~.._lists.NeighborLists`).

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
        "name fewer classes in sampling_strategy (the rows of the classes cleaned "
        "are gathered)",
    )


def _blocks(census, removed, removed_codes, grouped):
    """The output blocks: each input block less its removed rows, class by
    class when ``grouped``."""
    labels, by_block = census.labels, census.by_block
    sources, selectors, sizes = [], [], []
    for b, (offset, length) in enumerate(
        zip(census.offsets.tolist(), census.lengths.tolist(), strict=True)
    ):
        inside = (removed >= offset) & (removed < offset + length)
        local, local_codes = removed[inside] - offset, removed_codes[inside]
        if not grouped:
            sources.append(b)
            selectors.append(
                partial(cleaned_rows, labels=labels, code=None, removed=local)
            )
            sizes.append(length - len(local))
            continue
        for code in np.flatnonzero(by_block[b]).tolist():
            drop = local[local_codes == code]
            sources.append((code, b))
            selectors.append(
                partial(cleaned_rows, labels=labels, code=code, removed=drop)
            )
            sizes.append(int(by_block[b, code]) - len(drop))
    if grouped:  # class by class, blocks in order within a class
        order = sorted(range(len(sources)), key=lambda t: sources[t])
        sources = [sources[t][1] for t in order]
        selectors = [selectors[t] for t in order]
        sizes = [sizes[t] for t in order]
    return Selection(sources, selectors, np.array(sizes, dtype=np.int64))


def whole_set_selection(sampler, census, X):
    """The output blocks of a whole-set cleaner (see the module).

    Returns
    -------
    selection : Selection
    """
    sampler._prepare_search()
    k, _ = sampler._neighbor_search()
    sampler._check_whole_set(census.n_samples)
    queried = sampler._queried_classes(census.labels, census.counts)
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
    return _blocks(census, removed, removed_codes, sampler._class_grouped)
