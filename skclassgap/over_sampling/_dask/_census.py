"""Stage 1, census: one pass over ``y`` (and the categorical columns).

Each block is counted apart: its rows, its label counts and, for the
categorical columns of a mixed table, their levels in order of first
appearance and the level x class counts (SMOTE-N's value difference
metric). The per-block counts are merged by label value in a tree
reduction, and ``sampling_strategy_`` is set from the merged counts; no
row of ``X`` is read.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from imblearn.utils import check_sampling_strategy
from sklearn.utils.multiclass import check_classification_targets

from skclassgap._compat import _check_feature_names, _check_n_features
from skclassgap.over_sampling._dask._blocks import label_values
from skclassgap.over_sampling._strategy import over_sampling_strategy
from skclassgap.over_sampling._table import resolve_categorical
from skclassgap.utils._dask import (
    aligned_blocks,
    check_block_lengths,
    feature_frame,
    import_dask,
    tree_reduce,
)
from skclassgap.utils._labels import union_labels


class Census(NamedTuple):
    """Merged per-block counts: ``lengths`` (rows per block, in block order),
    ``labels`` (sorted) and their ``counts``; per categorical column its
    ``levels`` (first-appearance order; sorted category codes for a category
    column) and ``class_counts`` (levels x labels)."""

    lengths: list
    labels: np.ndarray
    counts: np.ndarray
    levels: list
    class_counts: list


class Fitted(NamedTuple):
    """What the census pass gives the later stages: the categorical ``spec``
    (None: a numeric run) and its resolved ``categorical`` columns, the
    lined-up ``blocks`` of ``X`` and ``y``, the merged :class:`Census`, and
    the rows of each block (``lengths``) with their first global row
    (``offsets``)."""

    spec: object
    categorical: np.ndarray
    blocks: dict
    census: Census
    lengths: np.ndarray
    offsets: np.ndarray

    @property
    def n_samples(self):
        """Rows of the whole data set."""
        return int(self.lengths.sum())


def _column_levels(column):
    """Levels of one categorical column of a block: values in first-appearance
    order (used category codes for a category column) and the code of each row."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        return np.unique(codes), codes
    codes, uniques = pd.factorize(column.array)
    return uniques, codes


def _is_cat(C, j):
    return isinstance(C.dtypes.iloc[j], pd.CategoricalDtype)


def _block_census(index, y, C):
    labels_in_block = label_values(y, index)
    n = check_block_lengths(index, y=labels_in_block, X=C)
    labels, y_codes, counts = np.unique(
        labels_in_block, return_inverse=True, return_counts=True
    )
    levels, class_counts = [], []
    if C is not None and n:
        for j in range(C.shape[1]):
            uniques, codes = _column_levels(C.iloc[:, j])
            table = np.zeros((len(uniques), len(labels)), dtype=np.int64)
            where = np.searchsorted(uniques, codes) if _is_cat(C, j) else codes
            np.add.at(table, (where, y_codes), 1)
            levels.append(uniques)
            class_counts.append(table)
    return [(index, n)], labels, counts, levels, class_counts


def _merge_levels(with_levels, f, labels):
    """Levels of categorical column ``f`` over the blocks, and their class counts."""
    pieces = [p[3][f] for p in with_levels]
    if isinstance(pieces[0], np.ndarray) and pieces[0].dtype.kind == "i":
        merged = np.unique(np.concatenate(pieces))
    else:
        merged = pd.unique(pd.concat([pd.Series(u) for u in pieces]).array)
    where_levels = pd.Index(merged)
    table = np.zeros((len(merged), len(labels)), dtype=np.int64)
    for p in with_levels:
        rows = where_levels.get_indexer(p[3][f])
        cols = np.searchsorted(labels, p[1])
        table[np.ix_(rows, cols)] += p[4][f]
    return merged, table


def _merge_census(parts):
    parts = [p for p in parts if p is not None]
    lengths = [entry for p in parts for entry in p[0]]
    used = [p for p in parts if len(p[1])]
    labels = union_labels([p[1] for p in used], "y")
    counts = np.zeros(len(labels), dtype=np.int64)
    for p in used:
        counts[np.searchsorted(labels, p[1])] += p[2]
    with_levels = [p for p in used if p[3]]
    levels, class_counts = [], []
    if with_levels:
        for f in range(len(with_levels[0][3])):
            merged, table = _merge_levels(with_levels, f, labels)
            levels.append(merged)
            class_counts.append(table)
    return lengths, labels, counts, levels, class_counts


def _describe_shape(y):
    if hasattr(y, "columns"):
        return f"{len(y.columns)} columns"
    return f"shape {y.shape}"


def check_collections(da, dd, X, y, what="Over-sampling Dask input"):
    """Refuse what no Dask sampler takes: ``X`` not a 2-d Dask array or a Dask
    DataFrame, ``y`` not one label per row (``what`` names the sampler's
    task in the message)."""
    if isinstance(X, da.Array):
        if X.ndim != 2:
            raise ValueError(
                f"X must be a 2-dimensional Dask array; got one of shape {X.shape}."
            )
    elif not isinstance(X, dd.DataFrame):
        raise TypeError(
            f"{what} needs X as a Dask array or DataFrame (and y "
            f"as a Dask array or Series); got X of type {type(X).__name__}. Pass "
            "both as Dask collections with the same partitions."
        )
    if isinstance(y, dd.DataFrame) or (isinstance(y, da.Array) and y.ndim != 1):
        raise ValueError(
            "y must be a 1-dimensional Dask array or a Dask Series (one label per "
            f"row); got a Dask {type(y).__name__} of {_describe_shape(y)}. Pass one "
            'column, e.g. frame["label"].'
        )


def _mixed_spec(sampler, X, dd):
    """The categorical spec to apply (None: a plain numeric run) and the
    categorical columns it names."""
    spec = sampler._categorical_spec()
    none = np.zeros(0, dtype=np.int64)
    if spec is None:
        return None, none
    if not isinstance(X, dd.DataFrame):
        # A boolean array is categorical with "auto", as in memory.
        numeric = np.dtype(X.dtype).kind in "iuf"
        explicit = not (isinstance(spec, str) and spec == "auto")
        if explicit or not numeric:
            raise ValueError(
                f"{type(sampler).__name__} takes categorical columns of Dask input "
                "from a Dask DataFrame (their dtypes say which columns they are); got "
                f"a Dask array of dtype {X.dtype} with categorical_features={spec!r}. "
                "Convert it with dask.dataframe.from_dask_array and name the "
                "columns' dtypes (category, string, bool)."
            )
        return None, none
    return spec, resolve_categorical(feature_frame(X), spec)


def _sampling_strategy(sampler, labels, counts):
    """``sampling_strategy_`` from the merged counts, without the rows; a
    callable strategy receives the labels grouped by class (one array of
    n_samples labels on the client, as the callable needs a target)."""
    if len(labels) == 0:
        raise ValueError("X and y hold no rows (every block is empty).")
    check_classification_targets(labels)
    if callable(sampler.sampling_strategy):
        grouped = np.repeat(labels, counts)
        return check_sampling_strategy(
            sampler.sampling_strategy, grouped, "over-sampling"
        )
    return over_sampling_strategy(sampler.sampling_strategy, labels, counts)


def _count(X, y, blocks, spec, categorical):
    """Run the census tasks and merge them; None when there is no block."""
    dask, _, _ = import_dask("X or y")
    n_blocks = len(blocks["X"])
    if not n_blocks:
        return None
    cat_blocks = (
        list(X[[X.columns[j] for j in categorical]].to_delayed())
        if spec is not None and len(categorical)
        else [None] * n_blocks
    )
    task = dask.delayed(_block_census, pure=True)
    parts = [task(i, blocks["y"][i], cat_blocks[i]) for i in range(n_blocks)]
    (merged,) = dask.compute(tree_reduce(parts, _merge_census))
    return Census(*merged)


def fit_census(sampler, X, y):
    """Check the collections, count the labels per block (one pass over
    ``y``, and the categorical columns of a mixed table) and set
    ``sampling_strategy_``; nothing of ``X`` is read otherwise.

    Returns
    -------
    fitted : Fitted
    """
    _, da, dd = import_dask("X or y")
    check_collections(da, dd, X, y)
    _check_feature_names(sampler, feature_frame(X), reset=True)
    _check_n_features(sampler, feature_frame(X), reset=True)
    spec, categorical = _mixed_spec(sampler, X, dd)
    blocks = aligned_blocks({"X": X, "y": y})
    census = _count(X, y, blocks, spec, categorical)
    if census is None or int(np.sum(census.counts)) == 0:
        raise ValueError("X and y hold no rows (every block is empty).")
    lengths = np.array([n for _, n in sorted(census.lengths)], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    sampler.sampling_strategy_ = _sampling_strategy(
        sampler, census.labels, census.counts
    )
    return Fitted(spec, categorical, blocks, census, lengths, offsets)
