"""Over-sampling of Dask input: gather the small classes, search block by block.

:func:`dask_fit_resample` runs a sampler on a Dask array or DataFrame and
returns Dask collections equal, row for row, to the in-memory output for the
same ``random_state``, whatever the partitioning:

1. *Census* (one pass over ``y``, and over the categorical columns of a
   mixed table): rows per block, label counts, and for categorical columns
   their levels in order of first appearance and the level x class counts
   (SMOTE-N's value difference metric). Blocks are counted apart and merged
   by label value; a NaN label is reported with its block. The sampling
   strategy is evaluated on the merged counts.
2. *Gather* (one pass over ``X`` and ``y``): the rows of the classes to
   oversample, in their global order, with their global row indices; each
   block of ``X`` is validated where it is read (NaN, infinity, lengths).
   Their estimated size must fit the gather budget (see :func:`gather_budget`).
3. *Whole-set neighbours* (Borderline-SMOTE and ADASYN only; one pass over
   ``X``): the gathered rows are searched against each block with the exact
   search, each row's own row excluded by its global index; each block keeps
   the ``width`` nearest rows of every gathered row, and the lists are merged
   by a tree reduction that ranks the pooled candidates exactly
   (:func:`~._neighbors.rank_candidates`, ties to the lower global index).
   The exact ``width`` nearest of each block, pooled, hold the exact ``width``
   nearest overall, so the lists are those of the in-memory search. The
   majority classes are never gathered: only each block's candidate rows
   travel.
4. The sampler's own per-class loop runs on a small in-memory table: the
   gathered rows and the neighbours of step 3, in global order (so ties to the
   lower index fall as in memory), with the class counts and seeds of the
   whole data. The provenance is mapped back to global row indices.
5. Output: the input collections, untouched, followed by the synthetic rows
   as new blocks, computed lazily from the small table and the provenance.

Dask is imported here only, when Dask input has arrived.
"""

import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
from imblearn.utils import check_sampling_strategy
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets

from skclassgap._compat import _check_feature_names, _check_n_features
from skclassgap.over_sampling._base import interpolate
from skclassgap.over_sampling._neighbors import kneighbors, rank_candidates
from skclassgap.over_sampling._strategy import over_sampling_strategy
from skclassgap.over_sampling._table import (
    Table,
    _Categories,
    _continuous_block,
    _is_number_levels,
    _MixedSyntheticSampler,
    check_table,
    column_name,
    resolve_categorical,
    synthetic_frame,
)
from skclassgap.utils._dask import (
    aligned_blocks,
    check_block_lengths,
    feature_frame,
    import_dask,
    tree_reduce,
)
from skclassgap.utils._labels import union_labels

BUDGET_KEY = "skclassgap.gather-budget"
DEFAULT_BUDGET = "2GiB"
# Synthetic rows per new block when the input's blocks give no size.
_NEW_BLOCK_ROWS = 100_000


def gather_budget():
    """Bytes the gathered classes may take in the client process.

    Read from Dask's configuration key ``"skclassgap.gather-budget"`` (a
    number of bytes or a string such as ``"2GiB"``; default ``"2GiB"``), so
    it can be changed for a block of code with
    ``dask.config.set({"skclassgap.gather-budget": "8GiB"})`` or for a
    process with the environment variable
    ``DASK_SKCLASSGAP__GATHER_BUDGET=8GiB``.
    """
    import dask
    from dask.utils import parse_bytes

    value = dask.config.get(BUDGET_KEY, DEFAULT_BUDGET)
    try:
        budget = parse_bytes(value) if isinstance(value, str) else value
    except ValueError:
        budget = None
    if (
        not isinstance(budget, numbers.Real)
        or isinstance(budget, bool)
        or not budget >= 0
    ):
        raise ValueError(
            f"The Dask configuration {BUDGET_KEY!r} must be a number of bytes or a "
            f"size such as '2GiB'; got {value!r}. Set it with "
            f"dask.config.set({{{BUDGET_KEY!r}: '2GiB'}})."
        )
    return int(budget)


def _format_bytes(n):
    from dask.utils import format_bytes

    return format_bytes(int(n))


def _active_client(dask):
    """The ``distributed.Client`` that computes Dask's graphs now, or None."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        client = default_client()
    except ValueError:
        return None
    return client if dask.base.get_scheduler() == client.get else None


def _share(dask, objects):
    """Objects for many tasks: scattered to the cluster's workers when a
    distributed client computes (large graphs are slow to send and warned
    about), else wrapped once in the graph."""
    client = _active_client(dask)
    if client is not None:
        return client.scatter(list(objects), hash=True)
    return [dask.delayed(obj, pure=True) for obj in objects]


# -- 1. census ----------------------------------------------------------------


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


def _label_values(y, index):
    """A block of labels as a 1-d array, NaN refused with the block's position."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"y must be 1-dimensional; got a DataFrame with {y.shape[1]} columns."
            )
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        missing = y.isna().to_numpy()
        values = y.to_numpy(dtype=object) if missing.any() else y.to_numpy()
    else:
        values = np.asarray(y)
        if values.ndim != 1:
            raise ValueError(
                f"y must be 1-dimensional (one label per sample); got a block of "
                f"shape {values.shape}."
            )
        missing = pd.isna(values) if values.dtype.kind in "fO" else None
    if missing is not None and np.any(missing):
        raise ValueError(
            f"y contains NaN in block {index} (at row {int(np.argmax(missing))} of "
            "the block); labels cannot be missing. Drop or label those rows first."
        )
    if values.dtype.kind == "O":
        try:
            values = np.asarray(values.tolist())
        except (TypeError, ValueError):
            pass
    return values


def _column_levels(column):
    """Levels of one categorical column of a block: values in first-appearance
    order (used category codes for a category column) and the code of each row."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        return np.unique(codes), codes
    codes, uniques = pd.factorize(column.array)
    return uniques, codes


def _block_census(index, y, C):
    labels_in_block = _label_values(y, index)
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


def _is_cat(C, j):
    return isinstance(C.dtypes.iloc[j], pd.CategoricalDtype)


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
            levels.append(merged)
            class_counts.append(table)
    return lengths, labels, counts, levels, class_counts


# -- 2. gather ----------------------------------------------------------------


def _numeric_block(X, index):
    """A block of ``X`` as the in-memory samplers validate it (float, finite)."""
    try:
        X = check_array(
            X,
            accept_sparse=False,
            dtype="numeric",
            ensure_min_samples=0,
            ensure_2d=True,
            input_name="X",
        )
    except ValueError as exc:
        raise ValueError(f"{exc} (in block {index} of X)") from None
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    return X


def _table_block(X, index, spec, sampler):
    """Validate a DataFrame block as a mixed table, the error naming the block."""
    if len(X) == 0:
        return
    try:
        check_table(X, spec, sampler)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{exc} (in block {index} of X)") from None


def _block_gather(index, X, y, offset, keep, spec, sampler):
    labels_in_block = _label_values(y, index)
    check_block_lengths(index, X=X, y=labels_in_block)
    if spec is None:
        X = _numeric_block(X, index)
    else:
        _table_block(X, index, spec, sampler)
    mask = np.isin(labels_in_block, keep)
    rows = np.flatnonzero(mask)
    taken = X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]
    return offset + rows.astype(np.int64), taken, labels_in_block[rows]


# -- 3. whole-set neighbours ----------------------------------------------------


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
    labels_in_block = _label_values(y, index)
    n = check_block_lengths(index, X=X, y=labels_in_block)
    if n == 0:
        return None
    X = _numeric_block(X, index)
    local = query_rows - offset
    exclude = np.where((local >= 0) & (local < n), local, -1)
    if n > width:
        pos = kneighbors(queries, X, width, exclude=exclude, n_jobs=n_jobs)
    else:  # every row of the block is a candidate
        pos = np.broadcast_to(np.arange(n, dtype=np.int64), (len(queries), n)).copy()
        pos[pos == exclude[:, None]] = -1
    codes = np.searchsorted(labels, labels_in_block)
    return _compact(pos, offset + np.arange(n, dtype=np.int64), X, codes)


def _merge_candidates(parts, queries, width, n_jobs):
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


def _whole_set_neighbors(blocks, offsets, queries, query_rows, labels, width, n_jobs):
    """Global indices, values and codes of the ``width`` nearest rows of the
    whole set of every query row (its own row excluded)."""
    import dask

    (shared_queries,) = _share(dask, [queries])
    leaves = [
        dask.delayed(_block_candidates, pure=True)(
            i, X, y, int(offsets[i]), shared_queries, query_rows, labels, width, n_jobs
        )
        for i, (X, y) in enumerate(zip(blocks["X"], blocks["y"], strict=True))
    ]

    def merge(parts, queries=shared_queries):
        return dask.delayed(_merge_candidates, pure=True)(parts, queries, width, n_jobs)

    parts = leaves
    while len(parts) > 1:
        parts = [merge(parts[i : i + 8]) for i in range(0, len(parts), 8)]
    (found,) = dask.compute(parts[0])
    pos = rank_candidates(queries, found.values, found.pos, width, n_jobs=n_jobs)
    return found.rows[pos], found.rows, found.values, found.codes


# -- driver -------------------------------------------------------------------


def _check_collections(da, dd, X, y):
    if isinstance(X, da.Array):
        if X.ndim != 2:
            raise ValueError(
                f"X must be a 2-dimensional Dask array; got one of shape {X.shape}."
            )
    elif not isinstance(X, dd.DataFrame):
        raise TypeError(
            "Over-sampling Dask input needs X as a Dask array or DataFrame (and y "
            f"as a Dask array or Series); got X of type {type(X).__name__}. Pass "
            "both as Dask collections with the same partitions."
        )
    if isinstance(y, dd.DataFrame) or (isinstance(y, da.Array) and y.ndim != 1):
        raise ValueError(
            "y must be a 1-dimensional Dask array or a Dask Series (one label per "
            f"row); got a Dask {type(y).__name__} of {_describe_shape(y)}. Pass one "
            'column, e.g. frame["label"].'
        )


def _describe_shape(y):
    if hasattr(y, "columns"):
        return f"{len(y.columns)} columns"
    return f"shape {y.shape}"


def _refuse_estimators(sampler):
    """Whole-set searches of Dask input run the built-in exact search only."""
    params = {
        "BorderlineSMOTE": ["m_neighbors"]
        + (["k_neighbors"] if getattr(sampler, "kind", "") == "borderline-2" else []),
        "ADASYN": ["n_neighbors"],
    }.get(type(sampler).__name__, [])
    for name in params:
        value = getattr(sampler, name)
        if not isinstance(value, numbers.Integral):
            raise ValueError(
                f"{type(sampler).__name__} on Dask input searches the whole data set "
                f"block by block with its exact built-in search, so {name} must be "
                f"an int; got {type(value).__name__}. Pass "
                f"{name}={getattr(value, 'n_neighbors', 6) - 1} (an estimator's "
                "n_neighbors counts the row itself)."
            )
    if getattr(sampler, "covariance", None) == "pooled":
        raise ValueError(
            "GaussianOverSampler(covariance='pooled') pools the rows of every class, "
            "which Dask input does not gather. Use covariance='class' or 'diag' with "
            "Dask input, or compute the data into memory."
        )


def _mixed_spec(sampler, X, dd):
    """The categorical spec to apply (None: a plain numeric sampler run)."""
    if not isinstance(sampler, _MixedSyntheticSampler):
        return None, np.zeros(0, dtype=np.int64)
    spec = sampler._categorical_spec()
    if not isinstance(X, dd.DataFrame):
        numeric = np.dtype(X.dtype).kind in "biuf"
        explicit = not (isinstance(spec, str) and spec == "auto")
        if explicit or not numeric:
            raise ValueError(
                f"{type(sampler).__name__} takes categorical columns of Dask input "
                "from a Dask DataFrame (their dtypes say which columns they are); got "
                f"a Dask array of dtype {X.dtype} with categorical_features={spec!r}. "
                "Convert it with dask.dataframe.from_dask_array and name the "
                "columns' dtypes (category, string, bool)."
            )
        return None, np.zeros(0, dtype=np.int64)
    return spec, resolve_categorical(feature_frame(X), spec)


def _row_bytes(X, dd, categorical):
    """Estimated bytes of one gathered row (8 per value, 4 for float32 data)."""
    if isinstance(X, dd.DataFrame):
        dtypes = list(X.dtypes)
        continuous = [t for j, t in enumerate(dtypes) if j not in set(categorical)]
        size = 4 if continuous and all(t == np.float32 for t in continuous) else 8
        return size * len(continuous) + 8 * len(categorical)
    return X.shape[1] * (4 if X.dtype == np.float32 else 8)


def _check_budget(strategy, labels, counts, row_bytes):
    budget = gather_budget()
    wanted = [
        (label, int(counts[np.searchsorted(labels, label)]))
        for label, n_new in strategy.items()
        if n_new > 0
    ]
    total_rows = sum(n for _, n in wanted)
    total = total_rows * row_bytes
    if total <= budget:
        return
    label, n = max(wanted, key=lambda item: item[1])
    label = label.item() if isinstance(label, np.generic) else label
    raise MemoryError(
        f"Over-sampling Dask input gathers the rows of the classes to oversample "
        f"into this process: {total_rows} rows, about {_format_bytes(total)}, over "
        f"the budget of {_format_bytes(budget)} (the largest, class {label!r}, has "
        f"{n} rows, about {_format_bytes(n * row_bytes)}). Raise the budget with "
        f"dask.config.set({{{BUDGET_KEY!r}: '{_format_bytes(2 * total)}'}}) (or the "
        "environment variable DASK_SKCLASSGAP__GATHER_BUDGET), or oversample fewer "
        "classes via sampling_strategy."
    )


def _strategy(sampler, labels, counts):
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


def _gathered_table(frame, categorical, census, sampler):
    """The gathered rows of a mixed DataFrame as a :class:`Table` whose codes
    follow the levels of all rows (first-appearance order, used categories)."""
    continuous = np.setdiff1d(np.arange(frame.shape[1]), categorical).astype(np.int64)
    table = Table(frame, categorical, continuous, _continuous_block(frame, continuous))
    codes = np.empty((len(frame), len(categorical)), dtype=np.int32)
    levels = []
    for pos, j in enumerate(categorical):
        column = frame.iloc[:, j]
        merged = census.levels[pos]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes[:, pos] = np.searchsorted(merged, column.cat.codes.to_numpy())
            levels.append(_Categories(column.dtype, merged))
        else:
            codes[:, pos] = pd.Index(merged).get_indexer(column.array)
            levels.append(merged)
    n_levels = np.array([len(t) for t in levels], dtype=np.int64)
    n_total = int(np.sum(census.counts))
    identifiers = [
        j
        for pos, j in enumerate(categorical)
        if n_levels[pos] == n_total
        and n_total > 1
        and not _is_number_levels(
            levels[pos].dtype.categories
            if isinstance(levels[pos], _Categories)
            else levels[pos]
        )
    ]
    if len(identifiers) == frame.shape[1]:
        names = [column_name(frame, j) for j in identifiers]
        raise ValueError(
            f"every column of X is an identifier (a distinct non-numeric value on "
            f"every row): {', '.join(names)}. {sampler} finds neighbours and "
            "majority values through values that rows share, which identifiers do "
            "not have. Drop identifier columns before resampling."
        )
    return table._replace(
        codes=codes, levels=levels, n_levels=n_levels, class_counts=census.class_counts
    )


class Fitted(NamedTuple):
    """What the census pass gives :func:`dask_fit_resample`."""

    spec: object
    categorical: object
    blocks: dict
    census: Census
    lengths: np.ndarray
    offsets: np.ndarray


def _fit_census(dask, da, dd, sampler, X, y):
    """Check the collections, count the labels per block (one pass over
    ``y``, and the categorical columns of a mixed table) and set
    ``sampling_strategy_``; nothing of ``X`` is read otherwise."""
    _check_collections(da, dd, X, y)
    _check_feature_names(sampler, feature_frame(X), reset=True)
    _check_n_features(sampler, feature_frame(X), reset=True)
    spec, categorical = _mixed_spec(sampler, X, dd)
    blocks = aligned_blocks({"X": X, "y": y})
    n_blocks = len(blocks["X"])

    # 1. census
    cat_blocks = (
        list(X[[X.columns[j] for j in categorical]].to_delayed())
        if spec is not None and len(categorical)
        else [None] * n_blocks
    )
    census_task = dask.delayed(_block_census, pure=True)
    parts = [census_task(i, blocks["y"][i], cat_blocks[i]) for i in range(n_blocks)]
    (merged,) = dask.compute(tree_reduce(parts, _merge_census)) if parts else ([],)
    census = Census(*merged) if parts else None
    if census is None or int(np.sum(census.counts)) == 0:
        raise ValueError("X and y hold no rows (every block is empty).")
    lengths = np.array([n for _, n in sorted(census.lengths)], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    sampler.sampling_strategy_ = _strategy(sampler, census.labels, census.counts)
    return Fitted(spec, categorical, blocks, census, lengths, offsets)


def dask_fit(sampler, X, y):
    """``sampler.fit(X, y)`` of Dask input: ``sampling_strategy_`` from the
    per-block label counts, without gathering any row of ``X``.

    Parameters are validated by the caller. Returns ``sampler``.
    """
    dask, da, dd = import_dask("X or y")
    _fit_census(dask, da, dd, sampler, X, y)
    return sampler


def dask_fit_resample(sampler, X, y):
    """``sampler.fit_resample(X, y)`` of Dask input (see the module docstring).

    Parameters are validated by the caller. Returns the resampled ``X`` and
    ``y`` as Dask collections of the input's kinds.
    """
    dask, da, dd = import_dask("X or y")
    _refuse_estimators(sampler)
    spec, categorical, blocks, census, lengths, offsets = _fit_census(
        dask, da, dd, sampler, X, y
    )
    name = type(sampler).__name__
    n_blocks = len(blocks["X"])
    n_samples = int(lengths.sum())
    labels = census.labels
    _check_budget(
        sampler.sampling_strategy_,
        labels,
        census.counts,
        _row_bytes(X, dd, categorical),
    )

    # 2. gather
    keep = np.array(
        [label for label, n_new in sampler.sampling_strategy_.items() if n_new > 0],
        dtype=labels.dtype,
    )
    gather_task = dask.delayed(_block_gather, pure=True)
    gathered = dask.compute(
        [
            gather_task(
                i, blocks["X"][i], blocks["y"][i], int(offsets[i]), keep, spec, name
            )
            for i in range(n_blocks)
        ]
    )[0]
    rows = np.concatenate([p[0] for p in gathered])
    y_rows = np.concatenate([np.asarray(p[2]) for p in gathered])
    y_codes = np.searchsorted(labels, y_rows).astype(np.int64)
    mixed = spec is not None
    if mixed:
        frame = pd.concat([p[1] for p in gathered]).reset_index(drop=True)
        work = _gathered_table(frame, categorical, census, name)
        sampler.categorical_features_ = work.categorical
        sampler.continuous_features_ = work.continuous
    else:
        work = np.ascontiguousarray(np.concatenate([p[1] for p in gathered]))
        if isinstance(sampler, _MixedSyntheticSampler):
            sampler.categorical_features_ = np.zeros(0, dtype=np.int64)
            sampler.continuous_features_ = np.arange(work.shape[1], dtype=np.int64)

    # 3. whole-set neighbours, 4. the per-class loop on the small table
    whole = None
    sampler._prepare(work, y_codes)
    width = sampler._whole_set_width()
    if width and len(rows):
        sampler._check_whole_set(n_samples)
        found, cand_rows, cand_values, cand_codes = _whole_set_neighbors(
            blocks, offsets, work, rows, labels, width, sampler.n_jobs
        )
        all_rows, first = np.unique(
            np.concatenate([rows, cand_rows]), return_index=True
        )
        work = np.concatenate([work, cand_values])[first]
        y_codes = np.concatenate([y_codes, cand_codes])[first]
        whole = np.full((len(all_rows), width), -1, dtype=np.int64)
        whole[np.searchsorted(all_rows, rows)] = np.searchsorted(all_rows, found)
        rows = all_rows
    done = sampler._synthesize(work, y_codes, labels, n_samples, whole_nbrs=whole)
    _to_global(sampler, rows)
    return _output(dask, da, dd, sampler, X, y, work, done, rows, lengths, n_samples)


def _to_global(sampler, rows):
    """Per-class row attributes (danger sets) in global row indices."""
    for attr in ("danger_indices_", "in_danger_indices"):
        if hasattr(sampler, attr):
            mapped = {k: rows[v] for k, v in getattr(sampler, attr).items()}
            setattr(sampler, attr, mapped)
    if getattr(sampler, "_vdm", None) is not None:
        sampler._vdm = None


def _output(dask, da, dd, sampler, X, y, work, done, rows, lengths, n_samples):
    """The resampled collections and the provenance attributes."""
    parts = [part for _, part in done]
    global_parts = [
        part._replace(
            parents=np.where(part.parents >= 0, rows[part.parents.clip(0)], -1),
            neighbors=np.where(part.neighbors >= 0, rows[part.neighbors.clip(0)], -1),
        )
        for part in parts
    ]
    sampler._set_provenance(n_samples, global_parts)
    n_new = sum(len(p.parents) for p in parts)
    segments = [(label, len(part.parents)) for label, part in done]
    local = [
        np.concatenate([getattr(p, f) for p in parts] or [np.zeros(0)])
        for f in ("parents", "neighbors", "gaps")
    ]
    values = (
        np.concatenate([p.values for p in parts])
        if parts and parts[0].values is not None
        else None
    )
    codes = (
        np.concatenate([p.codes for p in parts])
        if parts and parts[0].codes is not None
        else None
    )
    step = int(lengths.max()) if len(lengths) and lengths.max() > 0 else _NEW_BLOCK_ROWS
    bounds = [(t, min(t + step, n_new)) for t in range(0, n_new, step)]
    (shared,) = _share(dask, [work])
    slices = _share(
        dask,
        [
            (
                local[0][t0:t1].astype(np.int64),
                local[1][t0:t1].astype(np.int64),
                local[2][t0:t1],
                None if values is None else values[t0:t1],
                None if codes is None else codes[t0:t1],
            )
            for t0, t1 in bounds
        ],
    )
    frame = isinstance(X, dd.DataFrame)
    columns = list(X.columns) if frame else None
    x_dtypes = X.dtypes if frame else None
    if not frame:
        out_dtype = np.float32 if X.dtype == np.float32 else np.float64
    new_x = []
    for (t0, t1), rows_slice in zip(bounds, slices, strict=True):
        args = (shared, rows_slice, n_samples + t0)
        if frame:
            new_x.append(dask.delayed(_new_frame, pure=True)(*args, columns, x_dtypes))
        else:
            new_x.append(
                da.from_delayed(
                    dask.delayed(_new_array, pure=True)(*args, out_dtype),
                    shape=(t1 - t0, X.shape[1]),
                    dtype=out_dtype,
                )
            )
    new_y = [
        _new_labels(dask, da, dd, y, segments, t0, t1, n_samples) for t0, t1 in bounds
    ]
    if frame:
        X_out = dd.concat([X, dd.from_delayed(new_x, meta=X._meta)]) if new_x else X
    else:
        base = X if X.dtype == out_dtype else X.astype(out_dtype)
        if new_x:
            new = da.concatenate(new_x).rechunk({1: base.chunks[1]})
            X_out = da.concatenate([base, new])
        else:
            X_out = base
    if isinstance(y, dd.Series):
        y_out = dd.concat([y, dd.from_delayed(new_y, meta=y._meta)]) if new_y else y
    else:
        if isinstance(y, da.Array):
            same = frame or np.isnan(X.chunks[0]).any() or y.chunks[0] == X.chunks[0]
            y_base = y if same else y.rechunk({0: X.chunks[0]})
        else:  # in memory: cut along X's blocks (known sizes, see aligned_blocks)
            y_base = da.from_array(np.asarray(y), chunks=(tuple(lengths),))
        y_out = da.concatenate([y_base, *new_y]) if new_y else y_base
    return X_out, y_out


def _new_rows(work, parents, neighbors, gaps, values, codes):
    """Continuous values (or the rows) and codes of some synthetic rows."""
    base = work.values if isinstance(work, Table) else work
    if values is not None:
        new_values = values
    else:
        new_values = np.empty((len(parents), base.shape[1]), dtype=base.dtype)
        if base.shape[1]:
            interpolate(base, parents, neighbors, gaps, new_values)
    return new_values, codes


def _new_array(work, rows_slice, start, dtype):
    new_values, _ = _new_rows(work, *rows_slice)
    return new_values.astype(dtype, copy=False)


def _new_frame(work, rows_slice, start, columns, dtypes):
    new_values, new_codes = _new_rows(work, *rows_slice)
    index = pd.RangeIndex(start, start + len(new_values))
    if isinstance(work, Table):
        if new_codes is None:
            new_codes = np.empty((len(new_values), 0), dtype=np.int32)
        return synthetic_frame(work, new_values, new_codes, index)
    out = pd.DataFrame(new_values, columns=columns, index=index)
    return out.astype(dtypes)


def _label_block(segments, t0, t1, dtype):
    values = []
    start = 0
    for label, n in segments:
        lo, hi = max(start, t0), min(start + n, t1)
        if hi > lo:
            values.append(np.full(hi - lo, label, dtype=object))
        start += n
    out = np.concatenate(values) if values else np.empty(0, dtype=object)
    if isinstance(dtype, np.dtype):
        return out.astype(dtype)
    return pd.array(out).astype(dtype)


def _new_label_series(segments, t0, t1, dtype, name, start):
    return pd.Series(
        _label_block(segments, t0, t1, dtype),
        index=pd.RangeIndex(start + t0, start + t1),
        name=name,
        dtype=dtype,
    )


def _new_labels(dask, da, dd, y, segments, t0, t1, n_samples):
    if isinstance(y, dd.Series):
        return dask.delayed(_new_label_series, pure=True)(
            segments, t0, t1, y.dtype, y.name, n_samples
        )
    dtype = y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype
    return da.from_delayed(
        dask.delayed(_label_block, pure=True)(segments, t0, t1, np.dtype(dtype)),
        shape=(t1 - t0,),
        dtype=dtype,
    )
