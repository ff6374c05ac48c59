"""Stage 1, census: the labels of every block, counted apart (one pass over ``y``).

Each block of ``y`` gives its number of rows and its label counts; they are
collected in block order (a tree reduction of small lists), the labels
unified by value, and kept per block: the rows of class ``c`` in block ``b``
are the class positions ``[starts[b, c], starts[b, c] + by_block[b, c])``,
which is what a per-class draw reproduced block by block needs. No row of
``X`` is read; ``sampling_strategy_``, ``n_features_in_`` and
``feature_names_in_`` are set from the counts and the collections' metadata.
"""

from typing import NamedTuple

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from skclassgap._compat import _check_feature_names, _check_n_features
from skclassgap.over_sampling._dask._blocks import label_values
from skclassgap.over_sampling._dask._census import Census, Fitted, check_collections
from skclassgap.under_sampling._strategy import under_sampling_strategy
from skclassgap.utils._dask import (
    aligned_blocks,
    feature_frame,
    import_dask,
    tree_reduce,
)
from skclassgap.utils._labels import union_labels


class BlockCensus(NamedTuple):
    """Label counts of every block: sorted ``labels`` and their ``counts``,
    ``by_block[b, c]`` rows of class ``c`` in block ``b``, the rows of each
    block (``lengths``) and its first global row (``offsets``), and the
    lined-up Delayed ``blocks`` of ``X`` and ``y``."""

    labels: np.ndarray
    counts: np.ndarray
    by_block: np.ndarray
    lengths: np.ndarray
    offsets: np.ndarray
    blocks: dict

    @property
    def n_samples(self):
        """Rows of the whole data set."""
        return int(self.lengths.sum())

    @property
    def starts(self):
        """``starts[b, c]``: rows of class ``c`` in the blocks before ``b``."""
        first = np.zeros((1, len(self.labels)), dtype=np.int64)
        return np.concatenate([first, np.cumsum(self.by_block, axis=0)[:-1]])

    def fitted(self):
        """The over-samplers' :class:`Fitted` of the same blocks (numeric
        ``X``), for their whole-set neighbour search and gather stages."""
        census = Census(
            list(enumerate(self.lengths.tolist())), self.labels, self.counts, [], []
        )
        return Fitted(
            None,
            np.zeros(0, dtype=np.int64),
            self.blocks,
            census,
            self.lengths,
            self.offsets,
        )


def _block_counts(index, y):
    values = label_values(y, index)
    labels, counts = np.unique(values, return_counts=True)
    return [(index, len(values), labels, counts.astype(np.int64))]


def _collect(parts):
    return [entry for part in parts for entry in part]


def _sampling_strategy(sampler, labels, counts):
    """``sampling_strategy_`` from the counts; a callable strategy receives the
    labels grouped by class (one value per row, built in this process, as the
    callable needs a target)."""
    check_classification_targets(labels)
    strategy = sampler.sampling_strategy
    if callable(strategy):
        strategy = strategy(np.repeat(labels, counts))
    return under_sampling_strategy(strategy, labels, counts, sampler._sampling_type)


def count_blocks(sampler, X, y):
    """Check the collections, count the labels of every block and set
    ``sampling_strategy_`` (and the features seen) on ``sampler``.

    Returns
    -------
    census : BlockCensus
    """
    dask, da, dd = import_dask("X or y")
    name = type(sampler).__name__
    check_collections(da, dd, X, y, what=f"{name} on Dask input")
    meta = feature_frame(X)
    sampler._check_columns(meta)
    _check_feature_names(sampler, meta, reset=True)
    _check_n_features(sampler, meta, reset=True)
    blocks = aligned_blocks({"X": X, "y": y})
    n_blocks = len(blocks["y"])
    entries = []
    if n_blocks:
        task = dask.delayed(_block_counts, pure=True)
        parts = [task(i, block) for i, block in enumerate(blocks["y"])]
        (entries,) = dask.compute(tree_reduce(parts, _collect))
    entries = sorted(entries, key=lambda entry: entry[0])
    used = [entry for entry in entries if entry[1]]
    if not used:
        raise ValueError("X and y hold no rows (every block is empty).")
    labels = union_labels([entry[2] for entry in used], "y")
    by_block = np.zeros((n_blocks, len(labels)), dtype=np.int64)
    for index, _, block_labels, counts in used:
        by_block[index, np.searchsorted(labels, block_labels)] = counts
    lengths = np.array([entry[1] for entry in entries], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    counts = by_block.sum(axis=0)
    sampler.sampling_strategy_ = _sampling_strategy(sampler, labels, counts)
    return BlockCensus(labels, counts, by_block, lengths, offsets, blocks)
