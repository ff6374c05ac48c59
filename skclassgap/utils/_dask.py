"""Dask dispatch: recognise Dask input, line up its blocks, merge per-block results.

Nothing here imports Dask at module import time. :func:`is_dask_collection`
recognises a Dask collection through the Dask collection protocol (a
``__dask_graph__`` method on its type) without importing Dask; the functions
that build task graphs import it when Dask input has arrived, and a missing
or too old Dask gives an :class:`ImportError` that names the ``dask`` extra.

Per-class statistics are additive, so every Dask code path has one shape:
the blocks of the inputs are lined up (:func:`aligned_blocks`), a function
turns each block into a small partial result, and the partial results are
merged by a tree reduction (:func:`reduce_blocks`). Only the partial results
travel between workers, never the rows.
"""

import numbers

import numpy as np

DASK_EXTRA = "pip install 'skclassgap[dask]'"
MIN_DASK_VERSION = "2025.1.0"
# Partial results merged per node of the reduction tree.
SPLIT_EVERY = 8


def is_dask_collection(obj):
    """Whether ``obj`` is a Dask collection (array, DataFrame, Series, ...).

    Reads the Dask collection protocol on the type, so neither Dask nor the
    object's ``__getattr__`` (a DataFrame column named ``__dask_graph__``) is
    involved.
    """
    return callable(getattr(type(obj), "__dask_graph__", None))


def any_dask(*objects):
    """Whether any of ``objects`` is a Dask collection."""
    return any(is_dask_collection(obj) for obj in objects)


def import_dask(what="the input"):
    """Import Dask with its array and DataFrame modules, or explain how to get them.

    Parameters
    ----------
    what : str
        What arrived as a Dask collection, for the message.

    Returns
    -------
    dask, dask_array, dask_dataframe : module
        ``dask``, ``dask.array`` and ``dask.dataframe``.
    """
    try:
        import dask
        import dask.array
        import dask.dataframe
    except ImportError as exc:
        raise ImportError(
            f"{what} is a Dask collection, and skclassgap's Dask support needs "
            f"Dask with its array and DataFrame modules ({exc}). Install the "
            f"extra: {DASK_EXTRA}"
        ) from None
    from skclassgap._compat import parse_version

    if parse_version(dask.__version__) < parse_version(MIN_DASK_VERSION):
        raise ImportError(
            f"{what} is a Dask collection, and skclassgap's Dask support needs "
            f"dask>={MIN_DASK_VERSION}; found dask {dask.__version__}. Upgrade "
            f"with: {DASK_EXTRA}"
        )
    return dask, dask.array, dask.dataframe


def feature_frame(X):
    """What scikit-learn's feature-name and feature-count checks should look at.

    A Dask DataFrame stands in as an empty pandas DataFrame with its columns
    and dtypes (nothing is computed); anything else is returned as is.
    """
    if is_dask_collection(X) and hasattr(X, "columns") and hasattr(X, "dtypes"):
        import pandas as pd

        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in X.dtypes.items()}, columns=X.columns
        )
    return X


def _kind(dd, da, value, name):
    if value is None:
        return None
    if not is_dask_collection(value):
        return "memory"
    if isinstance(value, da.Array):
        if value.ndim not in (1, 2):
            raise ValueError(
                f"{name} must be a 1- or 2-dimensional Dask array; got one of shape "
                f"{value.shape}."
            )
        return "array"
    if isinstance(value, (dd.DataFrame, dd.Series)):
        return "frame"
    raise TypeError(
        f"{name} is a Dask {type(value).__name__}; skclassgap accepts Dask arrays, "
        "DataFrames and Series. Convert it, e.g. with dask.array.from_delayed."
    )


def _known(chunks):
    return not any(np.isnan(c) for c in chunks)


def _describe(value, kind):
    if kind == "array":
        rows = value.chunks[0]
        if _known(rows):
            return f"{len(rows)} blocks of {list(map(int, rows))[:8]} rows"
        return f"{len(rows)} blocks of unknown sizes"
    return f"{value.npartitions} partitions"


def _enumerate(names):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def aligned_blocks(collections):
    """Split the inputs into lists of Delayed blocks that hold the same rows.

    Parameters
    ----------
    collections : dict of str to object
        Named inputs: Dask arrays (1-d or 2-d), Dask DataFrames or Series,
        in-memory arrays (sliced alike when a Dask array gives known block
        sizes) or None (kept as None). At least one must be a Dask
        collection.

    Returns
    -------
    blocks : dict of str to list
        For every name, one entry per block: a Delayed block, or None.

    Notes
    -----
    Arrays whose row blocks have known sizes are rechunked to the blocks of
    the first such array (a 2-d array also to one block of columns); that is
    free of extra passes. Arrays of unknown block sizes, DataFrames and
    Series must come in the same number of blocks; the rows of each block
    are counted when it is processed (:func:`check_block_lengths`), so a
    mismatch is reported then, without a separate pass.
    """
    names = [n for n, v in collections.items() if is_dask_collection(v)]
    _, da, dd = import_dask(_enumerate(names))
    kinds = {name: _kind(dd, da, v, name) for name, v in collections.items()}
    values = dict(collections)
    for name, value in values.items():
        if kinds[name] == "array" and value.ndim == 2 and value.numblocks[1] > 1:
            values[name] = value.rechunk({1: -1})
    known = [
        n for n, k in kinds.items() if k == "array" and _known(values[n].chunks[0])
    ]
    dasks = [n for n, k in kinds.items() if k in ("array", "frame")]
    ref = known[0] if known else dasks[0]
    for name, kind in kinds.items():
        if kind == "memory":
            if not known:
                raise ValueError(
                    f"{name} is in memory but {ref} is a Dask collection with "
                    f"{_describe(values[ref], kinds[ref])}, so {name} cannot be "
                    f"split alike; pass {name} as a Dask collection with the same "
                    "partitions."
                )
            array = np.asarray(values[name])
            if array.shape[0] != values[ref].shape[0]:
                raise ValueError(
                    f"{ref} and {name} must have the same length; got "
                    f"{values[ref].shape[0]} and {array.shape[0]}."
                )
            chunks = (values[ref].chunks[0], *(array.shape[1:]))
            values[name] = da.from_array(array, chunks=chunks)
            kinds[name] = "array"
        elif name in known and values[name].chunks[0] != values[ref].chunks[0]:
            if values[name].shape[0] != values[ref].shape[0]:
                raise ValueError(
                    f"{ref} and {name} must have the same length; got "
                    f"{values[ref].shape[0]} and {values[name].shape[0]}."
                )
            values[name] = values[name].rechunk({0: values[ref].chunks[0]})
    n_blocks = {
        name: values[name].numblocks[0]
        if kinds[name] == "array"
        else values[name].npartitions
        for name in kinds
        if kinds[name] is not None
    }
    if len(set(n_blocks.values())) > 1:
        described = ", ".join(
            f"{name} has {_describe(values[name], kinds[name])}" for name in n_blocks
        )
        raise ValueError(
            f"{_enumerate(list(n_blocks))} must be split into the same rows: "
            f"{described}. "
            "Pass columns of one Dask DataFrame, or arrays with the same chunks "
            "(Dask arrays of unknown chunk sizes need .compute_chunk_sizes() "
            "first)."
        )
    (count,) = set(n_blocks.values())
    out = {}
    for name, kind in kinds.items():
        if kind is None:
            out[name] = [None] * count
        elif kind == "array":
            out[name] = list(values[name].to_delayed().ravel())
        else:
            out[name] = list(values[name].to_delayed())
    return out


def check_block_lengths(index, **blocks):
    """Raise when the blocks of one position hold different numbers of rows.

    Parameters
    ----------
    index : int
        Position of the block, for the message.
    **blocks : array-like or None
        The blocks, by argument name; None is skipped.

    Returns
    -------
    n_rows : int
        The common number of rows.
    """
    lengths = {name: len(b) for name, b in blocks.items() if b is not None}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{n} has {m} rows" for n, m in lengths.items())
        raise ValueError(
            f"block {index} is not the same rows in every input: {described}. "
            "Pass columns of one Dask DataFrame, or arrays with the same chunks."
        )
    return next(iter(lengths.values()))


def tree_reduce(parts, merge, *, split_every=SPLIT_EVERY, **kwargs):
    """Merge Delayed partial results in a tree of ``split_every``-way merges.

    Parameters
    ----------
    parts : list of Delayed
        Partial results; ``merge`` must be associative over them.
    merge : callable
        ``merge(list_of_partials, **kwargs) -> partial``.
    split_every : int, default=8
        Fan-in of each merge.
    **kwargs
        Passed to every ``merge`` call (Delayed objects or futures are
        resolved by Dask, so a large argument is sent to each worker once).

    Returns
    -------
    result : Delayed
        The merged result.
    """
    import dask

    if not isinstance(split_every, numbers.Integral) or split_every < 2:
        raise ValueError(f"split_every must be an integer >= 2; got {split_every!r}.")
    merge = dask.delayed(merge, pure=True)
    parts = list(parts)
    while True:  # at least one merge, so that a single part is merged too
        parts = [
            merge(parts[i : i + split_every], **kwargs)
            for i in range(0, len(parts), split_every)
        ]
        if len(parts) == 1:
            return parts[0]


def reduce_blocks(func, merge, collections, **kwargs):
    """Apply ``func`` to every block of the inputs and merge the results.

    Parameters
    ----------
    func : callable
        ``func(index, **blocks, **kwargs) -> partial``; ``blocks`` by the
        names of ``collections``.
    merge : callable
        ``merge(list_of_partials) -> partial``, associative.
    collections : dict of str to object
        The inputs, as for :func:`aligned_blocks`.
    **kwargs
        Passed to every ``func`` call (small objects: they travel with each
        task).

    Returns
    -------
    result : object
        The merged partial result, computed on the current Dask scheduler
        (a ``distributed.Client`` when one is active).
    """
    import dask

    blocks = aligned_blocks(collections)
    names = list(blocks)
    n_blocks = len(blocks[names[0]])
    if n_blocks == 0:
        return merge([])
    task = dask.delayed(func, pure=True)
    parts = [
        task(i, **{name: blocks[name][i] for name in names}, **kwargs)
        for i in range(n_blocks)
    ]
    (result,) = dask.compute(tree_reduce(parts, merge))
    return result
