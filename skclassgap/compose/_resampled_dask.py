"""ResampledClassifier on Dask input: resample lazily, fit block by block.

``fit`` hands the Dask collections to the sampler, which returns Dask
collections (the input's blocks, then blocks of synthetic rows), counts the
labels of the input and of the resampled rows in one pass over the label
blocks (the classes and both priors), then fits the estimator:

- ``dask_fit="partial_fit"``: ``estimator.partial_fit(X_block, y_block,
  classes=classes)`` on one block at a time, each block computed just before
  it is used, so that the client holds one block at a time. The blocks are
  the resampled rows shuffled across blocks on the workers
  (``dask_shuffle="rows"``: the synthetic blocks hold one class each, which
  would pull an incremental model towards it), or the resampled blocks in a
  seeded random order (``"blocks"``);
- ``dask_fit="fit"``: ``estimator.fit(X_resampled, y_resampled)`` on the
  Dask collections, for estimators that take them (dask-ml's).

Responses (``predict``, ``predict_proba``, ...) of Dask input are lazy Dask
arrays computed block by block by the fitted estimator.

:class:`~skclassgap.compose.ResampledClassifier` dispatches here on Dask
input; this module imports nothing of it. Dask itself is imported when Dask
input has arrived.
"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils import check_array, check_random_state
from sklearn.utils.multiclass import check_classification_targets

from skclassgap._compat import _check_feature_names, _check_n_features
from skclassgap.utils._dask import (
    aligned_blocks,
    check_block_lengths,
    feature_frame,
    import_dask,
    is_dask_collection,
    tree_reduce,
)
from skclassgap.utils._labels import union_labels
from skclassgap.utils._priors import shift_log_proba


def _block_labels(y):
    """Label values of one block and their counts (empty blocks give None)."""
    values = np.ravel(y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y))
    if values.shape[0] == 0:
        return None
    return np.unique(values, return_counts=True)


def _merge_labels(parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    labels = union_labels([p[0] for p in parts], "y")
    counts = np.zeros(len(labels), dtype=np.int64)
    for values, part_counts in parts:
        counts[np.searchsorted(labels, values)] += part_counts
    return labels, counts


def _label_counts(dask, y, y_resampled):
    """Sorted labels and counts of ``y`` and ``y_resampled``, in one compute
    (the resampled collection starts with the input's blocks, which are read
    once)."""
    results = []
    for labels in (y, y_resampled):
        blocks = aligned_blocks({"y": labels})["y"]
        task = dask.delayed(_block_labels, pure=True)
        results.append(tree_reduce([task(b) for b in blocks], _merge_labels))
    return dask.compute(*results)


def _refuse_metadata(name, sample_weight, fit_params):
    if sample_weight is not None:
        raise ValueError(
            f"{name} does not take sample_weight with Dask input: the weights "
            "cannot be carried through the resampling block by block yet. Fit "
            "without sample_weight, or compute X, y and the weights into memory "
            "(.compute()) if they fit."
        )
    if fit_params:
        raise ValueError(
            f"{name} does not route fit metadata with Dask input; got "
            f"{sorted(fit_params)!r}. Fit without them, or compute the data into "
            "memory (.compute()) if it fits."
        )


def _check_partial_fit(name, estimator):
    if not hasattr(estimator, "partial_fit"):
        raise TypeError(
            f"{name}(dask_fit='partial_fit') fits the estimator block by block on "
            f"Dask input, but {type(estimator).__name__} has no partial_fit; use "
            "an estimator with partial_fit (e.g. SGDClassifier), dask_fit='fit' "
            "for one that takes Dask collections (e.g. dask-ml's), or .compute() "
            "X and y if they fit in memory."
        )


def _take(block, rows):
    return block.iloc[rows] if hasattr(block, "iloc") else block[rows]


def _concat(blocks):
    if hasattr(blocks[0], "iloc"):
        return pd.concat(blocks)
    return np.concatenate(blocks)


def _split_block(index, X, y, seed, n_targets):
    """The rows of one block sent to ``n_targets`` new blocks, each row to a
    block drawn uniformly (rows keep their order within a piece)."""
    n = check_block_lengths(index, X=X, y=y)
    target = np.random.default_rng(seed).integers(n_targets, size=n)
    order = np.argsort(target, kind="stable")
    bounds = np.searchsorted(target[order], np.arange(n_targets + 1))
    return [
        (_take(X, order[start:stop]), _take(y, order[start:stop]))
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def _gather_pieces(pieces, seed):
    """One new block: the pieces it received, in block order, then its rows
    in a random order."""
    X, y = _concat([p[0] for p in pieces]), _concat([p[1] for p in pieces])
    rows = np.random.default_rng(seed).permutation(len(y))
    return _take(X, rows), _take(y, rows)


def shuffle_seeds(random_state, n_blocks):
    """Seeds of the row shuffle: ``n_blocks`` for the splits, then
    ``n_blocks`` for the new blocks."""
    entropy = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.SeedSequence(entropy).generate_state(2 * n_blocks).tolist()


def _shuffled_blocks(dask, blocks, random_state):
    """Delayed (X, y) blocks holding the rows of ``blocks`` shuffled across
    blocks, persisted (on the workers with a distributed client)."""
    n_blocks = len(blocks["X"])
    seeds = shuffle_seeds(random_state, n_blocks)
    split = dask.delayed(_split_block, nout=n_blocks, pure=True)
    pieces = [
        split(i, blocks["X"][i], blocks["y"][i], seeds[i], n_blocks)
        for i in range(n_blocks)
    ]
    gather = dask.delayed(_gather_pieces, pure=True)
    new = [
        gather([pieces[s][t] for s in range(n_blocks)], seeds[n_blocks + t])
        for t in range(n_blocks)
    ]
    return list(dask.persist(*new))


def _fit_blocks(dask, estimator, X, y, classes, shuffle, random_state):
    """``estimator.partial_fit`` on the blocks of ``X`` and ``y``, each block
    computed just before it is used: with ``shuffle="rows"`` on blocks of the
    rows shuffled across blocks, with ``"blocks"`` on the blocks as they are,
    in a seeded random order."""
    blocks = aligned_blocks({"X": X, "y": y})
    if shuffle == "rows":
        pairs = _shuffled_blocks(dask, blocks, random_state)
    else:
        order = check_random_state(random_state).permutation(len(blocks["X"]))
        pairs = [(blocks["X"][i], blocks["y"][i]) for i in order]
    for index in range(len(pairs)):
        ((X_block, y_block),) = dask.compute(pairs[index])
        pairs[index] = None  # release the persisted block on the workers
        if check_block_lengths(index, X=X_block, y=y_block):
            estimator.partial_fit(X_block, y_block, classes=classes)
        del X_block, y_block  # hold one block, not two, while the next computes


def dask_fit(clf, X, y, sample_weight=None, fit_params=None):
    """Resample Dask ``X, y`` with a clone of the sampler and fit a clone of
    the estimator on the resampled collections.

    Parameters
    ----------
    clf : ResampledClassifier
        The classifier being fitted; its feature count and names are
        recorded here.
    X, y : Dask collections (one of them may be in memory)
        Training data, as for the sampler's ``fit_resample``.
    sample_weight, fit_params : None
        Refused when given.

    Returns
    -------
    sampler, estimator : object
        The fitted clones.
    labels, original_counts, train_counts : ndarray
        The sorted labels and their counts in ``y`` and in the resampled
        labels.
    """
    name = type(clf).__name__
    _refuse_metadata(name, sample_weight, fit_params)
    dask, _, _ = import_dask("X or y")
    estimator = clone(clf.estimator)
    if clf.dask_fit == "partial_fit":
        _check_partial_fit(name, estimator)
    _check_feature_names(clf, feature_frame(X), reset=True)
    _check_n_features(clf, feature_frame(X), reset=True)
    sampler = clone(clf._sampler())
    X_res, y_res = sampler.fit_resample(X, y)[:2]
    if not (is_dask_collection(X_res) and is_dask_collection(y_res)):
        raise TypeError(
            f"{type(sampler).__name__}.fit_resample returned {type(X_res).__name__} "
            f"and {type(y_res).__name__} for Dask input; {name} needs a sampler "
            "that takes Dask collections and returns Dask collections (the "
            "over-samplers of skclassgap.over_sampling do). Use one, or compute "
            "X and y into memory (.compute()) if they fit."
        )
    original, train = _label_counts(dask, y, y_res)
    if original is None:
        raise ValueError("X and y hold no rows (every block is empty).")
    labels, original_counts = original
    check_classification_targets(labels)
    train_counts = np.zeros(len(labels), dtype=np.int64)
    train_counts[np.searchsorted(labels, train[0])] = train[1]
    if clf.dask_fit == "partial_fit":
        _fit_blocks(
            dask, estimator, X_res, y_res, labels, clf.dask_shuffle, clf.random_state
        )
    else:
        estimator.fit(X_res, y_res)
    return sampler, estimator, labels, original_counts, train_counts


def _respond(X, estimator, method, shift, classes, finite, tail):
    """One block's response: the estimator's ``method``, or with ``shift``
    (train prior, target prior) the probabilities moved to the target prior
    (``method`` then says which form: predict, predict_proba,
    predict_log_proba)."""
    if finite:
        check_array(
            X, accept_sparse=True, dtype=None, ensure_min_samples=0, input_name="X"
        )
    if X.shape[0] == 0:
        dtype = classes.dtype if method == "predict" else np.float64
        return np.empty((0, *tail), dtype=dtype)
    if shift is None and method == "predict_log_proba":
        if hasattr(estimator, "predict_log_proba"):
            out = estimator.predict_log_proba(X)
        else:
            with np.errstate(divide="ignore"):
                out = np.log(estimator.predict_proba(X))
    elif shift is None:
        out = getattr(estimator, method)(X)
    else:
        log_proba = shift_log_proba(estimator.predict_proba(X), *shift)
        if method == "predict":
            out = classes[np.argmax(log_proba, axis=1)]
        elif method == "predict_proba":
            out = np.exp(log_proba)
        else:
            out = log_proba
    out = np.asarray(out)
    if out.shape[1:] != tail:
        raise ValueError(
            f"{type(estimator).__name__}.{method} returned blocks of shape "
            f"{out.shape}; expected (n_rows, {', '.join(map(str, tail))}) "
            f"for {len(classes)} classes, so the lazy result cannot be assembled."
        )
    return out


def dask_response(clf, X, method, *, shift=None, finite=True):
    """Lazy ``method`` of the fitted estimator on Dask ``X``, block by block.

    Parameters
    ----------
    clf : ResampledClassifier
        Fitted classifier; ``X`` is checked against its feature count and
        names here, its blocks for NaN and infinity where they are computed
        (when ``finite``).
    X : Dask array of shape (n_samples, n_features) or Dask DataFrame
        Data.
    method : {"predict", "predict_proba", "predict_log_proba", "decision_function"}
        Response.
    shift : tuple of ndarray, default=None
        ``(train_prior, target_prior)``: the estimator's probabilities moved
        to ``target_prior`` (see :func:`~skclassgap.utils._priors.shift_log_proba`).
    finite : bool, default=True
        Refuse NaN and infinity in the blocks.

    Returns
    -------
    response : Dask array
        Same row blocks as ``X`` (for a DataFrame, one block per partition,
        of unknown size): shape ``(n_samples,)`` for ``predict`` and for
        ``decision_function`` with two classes, ``(n_samples, n_classes)``
        otherwise.
    """
    _, da, dd = import_dask("X")
    _check_feature_names(clf, feature_frame(X), reset=False)
    _check_n_features(clf, feature_frame(X), reset=False)
    classes = np.asarray(clf.classes_)
    n_classes = len(classes)
    one_column = method == "predict" or (
        method == "decision_function" and n_classes == 2
    )
    tail = () if one_column else (n_classes,)
    dtype = classes.dtype if method == "predict" else np.dtype(np.float64)
    args = (clf.estimator_, method, shift, classes, finite, tail)
    if isinstance(X, dd.DataFrame):
        meta = np.empty((0, *tail), dtype=dtype)
        return X.map_partitions(_respond, *args, meta=meta, align_dataframes=False)
    if not isinstance(X, da.Array) or X.ndim != 2:
        raise ValueError(
            "X must be a 2-dimensional Dask array or a Dask DataFrame; got "
            f"{type(X).__name__} of shape {getattr(X, 'shape', None)}."
        )
    X = X.rechunk({1: -1})
    if one_column:
        return X.map_blocks(_respond, *args, dtype=dtype, drop_axis=1)
    return X.map_blocks(_respond, *args, dtype=dtype, chunks=(X.chunks[0], tail))
