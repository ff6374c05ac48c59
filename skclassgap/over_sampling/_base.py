"""Shared machinery of the synthetic over-samplers: provenance and output assembly.

Every sampler of :mod:`skclassgap.over_sampling` returns the input rows first,
unchanged and in order, followed by the synthetic rows of each class in the
order of ``sampling_strategy_``. It records where each output row comes from:

``sample_indices_`` : int64 ndarray of shape (n_samples_resampled,)
    Row of ``X`` that output row ``i`` copies, or ``-1`` for a synthetic row.
``parents_``, ``neighbors_`` : int64 ndarrays of shape (n_synthetic,)
    For synthetic row ``t`` (output row ``n_samples + t``): the row of ``X`` it
    grows from and the row it moves toward (``-1`` when there is none, as for
    :class:`~skclassgap.over_sampling.GaussianOverSampler`).
``gaps_`` : float64 ndarray of shape (n_synthetic,)
    Interpolation gap ``g``: the synthetic row is
    ``X[parent] + g * (X[neighbor] - X[parent])`` (NaN when there is no pair).
"""

import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_consistent_length, check_random_state, column_or_1d
from sklearn.utils.validation import validate_data

from skclassgap._compat import HasMethods, Interval, imblearn_check_X_y
from skclassgap.over_sampling._dask import dask_fit, dask_fit_resample
from skclassgap.over_sampling._interpolate import interpolate
from skclassgap.over_sampling._table import (
    NUMBERS_ONLY,
    Table,
    assemble,
    build_table,
    cast_sparse,
    check_frame_shape,
    is_frame,
    numeric_table,
)
from skclassgap.utils._dask import any_dask

# Constraint of k_neighbors / m_neighbors / n_neighbors parameters.
NEIGHBORS_CONSTRAINT = [
    Interval(numbers.Integral, 1, None, closed="left"),
    HasMethods(["kneighbors"]),
]

_EMPTY_ROWS = np.zeros(0, dtype=np.int64)


class ClassJob(NamedTuple):
    """What a sampler's :meth:`~_BaseSyntheticSampler._generate` gets for one class.

    ``X`` is the validated input (C-contiguous float array, CSR, or a
    :class:`~skclassgap.over_sampling._table.Table` for mixed data), ``y_codes``
    the class code of every row (int64, codes index the sorted labels),
    ``code``/``label`` the class to oversample (``label`` as a Python scalar),
    ``rows`` its rows in ``X`` (ascending), ``n_new`` the number of rows asked
    for, and ``seed`` the class's integer seed (drawn from ``random_state`` in
    the order of ``sampling_strategy_``). ``whole_nbrs``, when not None, holds
    for every row of the class its nearest other rows of the whole data set
    (rows of ``X``, nearest first, as :func:`~._neighbors.class_neighbors`
    gives them), found beforehand: Dask input, where ``X`` holds only the
    gathered classes and those neighbours.
    """

    X: object
    y_codes: np.ndarray
    code: int
    label: object
    rows: np.ndarray
    n_new: int
    seed: int
    whole_nbrs: np.ndarray | None = None


class Synthetic(NamedTuple):
    """Synthetic rows of one class, as provenance (and values when not interpolated).

    Row ``t`` is ``X[parents[t]] + gaps[t] * (X[neighbors[t]] - X[parents[t]])``,
    unless ``values`` holds the rows themselves (then ``parents`` and
    ``neighbors`` are ``-1`` and ``gaps`` NaN, as for Gaussian draws). On a
    mixed table these describe the continuous columns, and ``codes`` holds the
    synthetic rows' categorical codes (int32, one column per categorical
    feature).
    """

    parents: np.ndarray
    neighbors: np.ndarray
    gaps: np.ndarray
    values: np.ndarray | None = None
    codes: np.ndarray | None = None

    @classmethod
    def empty(cls):
        """No synthetic row (e.g. a class whose danger set is empty)."""
        return cls(_EMPTY_ROWS, _EMPTY_ROWS, np.zeros(0))


def draw_pairs(base, nbrs, n_new, seed, *, half_gap=None, repeats=None):
    """Draw ``n_new`` (parent, neighbour, gap) triples with NumPy's generator.

    Parameters
    ----------
    base : int64 ndarray of shape (m,)
        Candidate parent rows.
    nbrs : int64 ndarray of shape (m, k)
        ``nbrs[r]`` are the neighbour rows of ``base[r]``.
    n_new : int
    seed : int
        Seed of ``numpy.random.default_rng``: parents (unless ``repeats``),
        then neighbour columns, then gaps are drawn, each as one vector.
    half_gap : bool ndarray of shape (m, k), default=None
        Where True, the gap of that pair is halved (drawn in ``[0, 0.5)``;
        Borderline-SMOTE-2 toward another class).
    repeats : int64 ndarray of shape (m,), default=None
        Parent ``r`` is used ``repeats[r]`` times, in order (ADASYN);
        ``n_new`` must equal its sum. Otherwise parents are drawn uniformly.

    Returns
    -------
    synthetic : Synthetic
    """
    rng = np.random.default_rng(seed)
    m, k = nbrs.shape
    if repeats is None:
        r = rng.integers(0, m, size=n_new)
    else:
        r = np.repeat(np.arange(m), repeats)
    c = rng.integers(0, k, size=n_new)
    gaps = rng.random(n_new)
    if half_gap is not None:
        gaps[half_gap[r, c]] *= 0.5
    return Synthetic(
        np.asarray(base, dtype=np.int64)[r],
        np.asarray(nbrs, dtype=np.int64)[r, c],
        gaps,
    )


def _synthetic_values(X, parts, out):
    """Write the synthetic rows of ``parts`` (interpolated from the float block
    ``X``, or their own values) into ``out``, in order."""
    start = 0
    for part in parts:
        stop = start + len(part.parents)
        if part.values is not None:
            out[start:stop] = part.values
        elif X.shape[1]:
            interpolate(X, part.parents, part.neighbors, part.gaps, out[start:stop])
        start = stop


def count_other(nbrs, y_codes, code):
    """Number of neighbours of each row whose class code differs from ``code``."""
    return np.count_nonzero(y_codes[nbrs] != code, axis=1)


def check_class_size(label, n_rows, needed, param, value):
    """Raise when a class (or the data set) is too small for a neighbour count."""
    if n_rows < needed:
        where = f"class {label!r}" if label is not None else "the data set"
        raise ValueError(
            f"{param}={value} needs at least {needed} samples in {where}, which "
            f"has {n_rows}. Lower {param} or exclude the class via "
            "sampling_strategy."
        )


def neighbors_object(param, name, n_jobs):
    """The fitted-attribute form of a neighbour parameter, as imbalanced-learn's.

    An int ``k`` gives ``NearestNeighbors(n_neighbors=k + 1)`` (the row itself
    plus ``k``); an estimator is cloned. Its ``n_neighbors`` must count the
    row itself, so it must be an integer of at least 2.
    """
    if isinstance(param, numbers.Integral):
        return NearestNeighbors(n_neighbors=int(param) + 1, n_jobs=n_jobs)
    n = getattr(param, "n_neighbors", None)
    if not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(
            f"a neighbours estimator passed as {name} must have an integer "
            "n_neighbors >= 2 (the row itself plus at least one neighbour); got "
            f"n_neighbors={n!r}."
        )
    return clone(param)


class NeighborSearch(NamedTuple):
    """A validated neighbour parameter: ``k`` neighbours (the row itself not
    counted) and the estimator to search with, or None for the built-in exact
    search."""

    k: int
    estimator: object

    @classmethod
    def from_param(cls, param, nn):
        """From the user's parameter and its :func:`neighbors_object` ``nn``."""
        builtin = isinstance(param, numbers.Integral)
        return cls(int(nn.n_neighbors) - 1, None if builtin else nn)


class _BaseSyntheticSampler(BaseOverSampler):
    """Template of the synthetic samplers.

    Subclasses implement ``_generate(job)``, which returns the
    :class:`Synthetic` rows of one class from a :class:`ClassJob`, and may
    implement ``_prepare(X, y_codes)``, run once before the per-class loop
    (neighbour parameters validated into fitted attributes, whole-data
    statistics). This class encodes ``y``, draws one seed per class, and
    assembles the output and the provenance attributes.

    Dask input goes to the driver of :mod:`skclassgap.over_sampling._dask`,
    which runs the same per-class loop on the gathered classes. What it needs
    of a sampler, the sampler declares (nothing is found by class or
    attribute name), with these defaults:

    - ``_whole_set_width()``: whole-set neighbours each gathered row needs
      (0: none), and ``_whole_set_params()``: the neighbour parameters
      (name -> value) that search the whole set; on Dask input they must be
      integers, as the search runs block by block with the built-in exact
      engine. ``_check_whole_set(n_samples)`` refuses a data set too small.
    - ``_class_rows_attributes``: fitted attributes that map a class label
      to rows of ``X``; the driver maps them from gathered to global rows.
    - ``_transient_attributes``: state of one run (large, derived from the
      data), set to None once the per-class loop ends, in memory and on Dask.
    - ``_categorical_spec()``: the columns taken as categorical (None: a
      numeric sampler), and ``_set_feature_kinds(categorical, continuous)``
      to record the columns the driver resolved.
    - ``_check_dask_support()``: raises for settings that cannot run on the
      gathered classes.

    Other samplers run by the driver (the under-samplers' whole-set
    searches, approximate neighbours) declare the same names.
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "n_jobs": [numbers.Integral, None],
    }
    _accept_sparse = False
    _class_rows_attributes = ()
    _transient_attributes = ()

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, **params):
        """Check the input and set ``sampling_strategy_``.

        ``fit_resample`` does this and the resampling; ``fit`` alone is for
        code that only needs the number of rows to add per class.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data, or a Dask array / DataFrame (with the ``dask`` extra): then
            only the labels are counted, block by block; no row of ``X`` is
            gathered.
        y : array-like of shape (n_samples,)
            Class labels; with Dask ``X``, a Dask array or Series split into
            the same blocks.
        **params : dict
            Unused; accepted for imbalanced-learn's interface.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        if any_dask(X, y):
            self._validate_params()
            return dask_fit(self, X, y)
        return super().fit(X, y, **params)

    def fit_resample(self, X, y, **params):
        """Resample the data set: the input rows, then the synthetic rows.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample, or a Dask array / DataFrame (with the ``dask``
            extra): the rows of the classes to oversample are gathered,
            neighbours among the other classes are found block by block, and
            the output equals the in-memory output row for row.
        y : array-like of shape (n_samples,)
            Class labels; with Dask ``X``, a Dask array or Series split into
            the same blocks (e.g. a column of the same Dask DataFrame).
        **params : dict
            Unused; accepted for imbalanced-learn's interface.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix} of shape \
                (n_samples_new, n_features)
            The input rows, unchanged and in order, followed by the synthetic
            rows. Dask input gives a Dask collection of the same kind: the
            input's blocks untouched, then the synthetic rows as new blocks
            (computed lazily).
        y_resampled : array-like of shape (n_samples_new,)
            The corresponding labels (a Dask array or Series for Dask input).
        """
        if any_dask(X, y):
            self._validate_params()
            return dask_fit_resample(self, X, y)
        return super().fit_resample(X, y, **params)

    def _check_X_y(self, X, y, accept_sparse=None):
        """imbalanced-learn's input check, with our sparse and dtype policy.

        ``accept_sparse`` is passed on to imbalanced-learn's check; None (what
        ``fit_resample`` passes) accepts CSR and CSC, which are returned as
        CSR by the samplers that take sparse input and densified by the
        others (sparse pandas columns arrive as a sparse matrix). A float32 or
        float64 array (or CSR) is returned as it is; a dense DataFrame, and
        an array of another dtype, as a :class:`~._table.Table` of its float
        block, so that the output keeps the input's dtypes (see
        :mod:`._table`).
        """
        if accept_sparse is None:
            accept_sparse = ["csr", "csc"]
        if not self._accept_sparse and sparse.issparse(X):
            raise TypeError(
                f"{type(self).__name__} does not accept sparse X; got a "
                f"{type(X).__name__}. Convert it with X.toarray(), or use SMOTE, "
                "BorderlineSMOTE or ADASYN, which accept sparse input."
            )
        if is_frame(X) and not any(isinstance(t, pd.SparseDtype) for t in X.dtypes):
            check_frame_shape(X)
            table = build_table(X, fix=NUMBERS_ONLY)
            y, binarize_y = self._check_table_target(table, y)
            return table, y, binarize_y
        X, y, binarize_y = imblearn_check_X_y(self, X, y, accept_sparse)
        if sparse.issparse(X):
            # Sparse pandas columns arrive here as a sparse matrix: densify them
            # for the samplers that work on dense rows only.
            X = X.tocsr() if self._accept_sparse else X.toarray()
        if X.dtype in (np.float32, np.float64):
            return X, y, binarize_y
        values = X.astype(np.float64)
        if not sparse.issparse(X):
            values = np.ascontiguousarray(values)
        return numeric_table(X, values), y, binarize_y

    def _check_table_target(self, table, y):
        """Check ``y`` against a :class:`~._table.Table` (whose columns were
        checked when it was built) and record the input's features."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        validate_data(self, X=table.source, y=y, reset=True, skip_check_array=True)
        y = column_or_1d(y, warn=True)
        check_consistent_length(table.source, y)
        return y, binarize_y

    def _fit_resample(self, X, y):
        labels, y_codes = np.unique(y, return_inverse=True)
        y_codes = y_codes.astype(np.int64)
        if isinstance(X, np.ndarray):
            X = np.ascontiguousarray(X)
        done = self._synthesize(self._synthesis_input(X), y_codes, labels, len(y))
        parts = [part for _, part in done]
        y_parts = [
            np.full(len(part.parents), label, dtype=y.dtype) for label, part in done
        ]
        X_res = self._assemble(X, parts)
        self._set_provenance(len(y), parts)
        return X_res, np.concatenate([y, *y_parts])

    def _synthesis_input(self, X):
        """What ``_generate`` gets as ``job.X`` from the checked input ``X``.

        The float block of a :class:`~._table.Table` (these samplers compute
        on float arrays); the mixed samplers take the table itself.
        """
        return X.values if isinstance(X, Table) else X

    def _synthesize(self, X, y_codes, labels, n_samples, whole_nbrs=None):
        """Run the per-class loop; return ``(label, Synthetic)`` of every class
        that got rows, in the order of ``sampling_strategy_``.

        ``X``/``y_codes`` hold the rows to work on (``labels`` are the sorted
        labels the codes index); ``n_samples`` is the number of rows of the
        whole data set (more than ``X`` holds on Dask input, where
        ``whole_nbrs`` gives the precomputed whole-set neighbours of every
        row of ``X`` that belongs to a class to oversample).
        """
        random_state = check_random_state(self.random_state)
        try:
            self._prepare(X, y_codes)
            self._check_whole_set(n_samples)
            done = []
            for label, n_new in self.sampling_strategy_.items():
                if n_new == 0:
                    continue
                code = int(np.searchsorted(labels, label))
                # Python scalars: error messages read `class 1`, not `np.int64(1)`.
                label = label.item() if isinstance(label, np.generic) else label
                rows = np.flatnonzero(y_codes == code)
                seed = int(random_state.randint(np.iinfo(np.int32).max))
                nbrs = None if whole_nbrs is None else whole_nbrs[rows]
                part = self._generate(
                    ClassJob(X, y_codes, code, label, rows, n_new, seed, nbrs)
                )
                if len(part.parents) == 0:
                    continue
                done.append((label, part))
        finally:
            self._drop_transient_state()
        return done

    def _set_provenance(self, n_samples, parts):
        """``sample_indices_``, ``parents_``, ``neighbors_`` and ``gaps_``."""
        n_new_total = sum(len(p.parents) for p in parts)
        self.sample_indices_ = np.concatenate(
            [np.arange(n_samples, dtype=np.int64), np.full(n_new_total, -1, np.int64)]
        )
        self.parents_ = np.concatenate([p.parents for p in parts] or [_EMPTY_ROWS])
        self.neighbors_ = np.concatenate([p.neighbors for p in parts] or [_EMPTY_ROWS])
        self.gaps_ = np.concatenate([p.gaps for p in parts] or [np.zeros(0)])

    def _prepare(self, X, y_codes):
        """Run once before the per-class loop; nothing by default."""

    def _check_whole_set(self, n_samples):
        """Raise when the whole data set is too small; nothing by default."""

    def _whole_set_width(self):
        """Whole-set neighbours each class row needs (0: none, the class suffices).

        On Dask input they are found block by block before the per-class loop
        (:class:`ClassJob`'s ``whole_nbrs``).
        """
        return 0

    def _whole_set_params(self):
        """Neighbour parameters (name -> value) of the whole-set search; none."""
        return {}

    def _drop_transient_state(self):
        """Set the ``_transient_attributes`` of the run that ended to None."""
        for name in self._transient_attributes:
            setattr(self, name, None)

    def _categorical_spec(self):
        """Columns taken as categorical; None: every column is numeric."""
        return None

    def _set_feature_kinds(self, categorical, continuous):
        """Record the categorical and continuous columns; nothing by default."""

    def _check_dask_support(self):
        """Raise for settings that Dask input cannot run; nothing by default."""

    def _generate(self, job):
        """Return the :class:`Synthetic` rows of the class described by ``job``."""
        raise NotImplementedError

    def _assemble(self, X, parts):
        """Original rows followed by the synthetic rows, in X's format and dtypes.

        ``X`` is the checked input: a float array or CSR matrix, or a
        :class:`~._table.Table` (encoded for the mixed samplers).
        """
        table = X if isinstance(X, Table) else None
        values = X if table is None else table.values
        if sparse.issparse(values):
            source = values if table is None else table.source
            if not parts:
                return source.copy()
            parents = np.concatenate([p.parents for p in parts])
            neighbors = np.concatenate([p.neighbors for p in parts])
            g = sparse.diags(np.concatenate([p.gaps for p in parts]))
            X_new = values[parents] + g @ (values[neighbors] - values[parents])
            return sparse.vstack(
                [source, cast_sparse(X_new.tocsr(), source.dtype)], format="csr"
            )
        n = values.shape[0]
        n_new = sum(len(p.parents) for p in parts)
        if table is None:
            # Float array: the synthetic rows are written in place.
            X_res = np.empty((n + n_new, values.shape[1]), values.dtype)
            X_res[:n] = values
            _synthetic_values(values, parts, X_res[n:])
            return X_res
        new_values = np.empty((n_new, values.shape[1]), dtype=values.dtype)
        _synthetic_values(values, parts, new_values)
        new_codes = None
        if table.codes is not None:
            new_codes = np.empty((n_new, table.codes.shape[1]), dtype=np.int32)
            if table.codes.shape[1] and parts:
                new_codes[:] = np.concatenate([p.codes for p in parts])
        return assemble(table, new_values, new_codes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        tags.sampler_tags.sample_indices = True
        return tags
