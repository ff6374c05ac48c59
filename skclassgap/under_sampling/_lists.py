"""Neighbour lists as the cleaning rules read them, wherever they were found.

The cleaners that decide from each row's nearest rows of the whole data set
(Tomek links, edited nearest neighbours) read their lists through
:class:`NeighborLists`: global row numbers and class codes only, so that
lists found in memory and lists found block by block (Dask input) go
through the same rule.
"""

from typing import NamedTuple

import numpy as np


class NeighborLists(NamedTuple):
    """The nearest other rows of some rows of the data set.

    ``rows`` (int64, ascending) are the rows listed and ``codes`` their class
    codes (indices of the sorted labels); ``nbrs[i]`` holds the rows of the
    whole set nearest to ``rows[i]`` (nearest first, equal distances to the
    lower row) and ``nbr_codes[i]`` their class codes.
    """

    rows: np.ndarray
    codes: np.ndarray
    nbrs: np.ndarray
    nbr_codes: np.ndarray

    @classmethod
    def empty(cls, k):
        """Lists of no row, ``k`` wide."""
        none = np.zeros(0, dtype=np.int64)
        wide = np.zeros((0, k), dtype=np.int64)
        return cls(none, none, wide, wide)

    def joined(self, other):
        """These lists and ``other``'s (rows of neither in both), by row."""
        rows = np.concatenate([self.rows, other.rows])
        order = np.argsort(rows, kind="stable")
        return NeighborLists(
            rows[order],
            np.concatenate([self.codes, other.codes])[order],
            np.concatenate([self.nbrs, other.nbrs])[order],
            np.concatenate([self.nbr_codes, other.nbr_codes])[order],
        )

    def position(self, rows):
        """Position of each of ``rows`` among the listed rows, ``-1`` if absent."""
        rows = np.asarray(rows, dtype=np.int64)
        pos = np.searchsorted(self.rows, rows)
        found = pos < len(self.rows)
        found[found] = self.rows[pos[found]] == rows[found]
        return np.where(found, pos, -1)


def targeted_mask(labels, strategy):
    """Boolean mask over the sorted ``labels``: the classes ``strategy`` (a
    ``sampling_strategy_`` dict) names."""
    mask = np.zeros(len(labels), dtype=bool)
    if strategy:
        mask[
            np.searchsorted(labels, np.asarray(list(strategy), dtype=labels.dtype))
        ] = True
    return mask
