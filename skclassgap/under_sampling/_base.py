"""Shared machinery of the under-samplers and cleaners: checks, classes, output rows.

Every sampler of :mod:`skclassgap.under_sampling` returns rows of its input
(:class:`~skclassgap.under_sampling.ClusterCentroids` with soft voting returns
centroids for the classes it reduces) and records where each output row
comes from:

``sample_indices_`` : int64 ndarray of shape (n_samples_resampled,)
    Row of ``X`` that output row ``i`` is, or ``-1`` for a row that is no
    input row (a centroid).

The output is the input's rows in that order, in the input's format: a
DataFrame comes back as ``X.iloc[sample_indices_]`` (columns, dtypes and
index labels kept; a Series or DataFrame ``y`` likewise, its index set to
``X``'s), an array as the validated array's rows (dtype kept: float32 stays
float32, integers stay integers), a sparse matrix in its format, a list as
the list of the input's rows (the objects themselves).

A sampler implements ``_select(X, layout)``, which returns the kept rows
(``X`` validated, ``layout`` the :class:`ClassLayout` of ``y``), and may
override ``_check_X_y`` (what input it takes) and ``_output`` (how rows that
are no input rows are assembled). The cleaners that decide from each row's
nearest rows of the whole data set (:class:`_WholeSetCleaner`: Tomek links,
edited nearest neighbours) keep the search apart from the rule, so that
neighbour lists found elsewhere (block by block) can be fed to the rule.

Dask input goes to the driver of :mod:`skclassgap.under_sampling._dask`,
which reads from a sampler only what it declares (see :class:`_RowSampler`).
"""

import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import label_binarize
from sklearn.utils.multiclass import check_classification_targets

from skclassgap._compat import HasMethods, Interval, _fit_context, imblearn_check_X_y
from skclassgap.over_sampling._neighbors import kneighbors, kneighbors_within
from skclassgap.under_sampling._dask import WHOLE_SET, dask_fit, dask_fit_resample
from skclassgap.under_sampling._lists import NeighborLists, targeted_mask
from skclassgap.under_sampling._strategy import under_sampling_strategy
from skclassgap.utils._dask import any_dask

# A query set of more than this share of the rows gets its lists from one
# search of the whole set against itself (each pair of row blocks computed
# once, for both), which costs about what a search of this share of the rows
# against the whole set costs (measured on 2 cores at 3 * 10**4 x 20).
SYMMETRIC_SHARE = 0.6
# A symmetric search of n rows costs about this many n^2 pairs of a search
# of some rows against others (half the pairs, each tile read twice).
SYMMETRIC_COST = 0.63
# Rows of a large class are screened against the other classes and every
# PURE_SUBSET-th row of their own; UNSETTLED_SHARE is the share of them the
# cost model expects left unsettled (0.17 for the majority of a 9:1
# make_classification set at 2 * 10**4 x 20 with every fifth row).
PURE_SUBSET = 5
UNSETTLED_SHARE = 0.2

# Constraint of the n_neighbors-like parameters, as imbalanced-learn states it.
NEIGHBORS_PARAM = [
    Interval(numbers.Integral, 1, None, closed="left"),
    HasMethods(["kneighbors", "kneighbors_graph"]),
]


class ClassLayout(NamedTuple):
    """The classes of ``y``: sorted ``labels``, each row's class ``codes``
    (int64, indexing ``labels``), per class its ``counts`` and the row where
    it first appears (``first_seen``)."""

    labels: np.ndarray
    codes: np.ndarray
    counts: np.ndarray
    first_seen: np.ndarray

    @classmethod
    def of(cls, y):
        """The layout of the target ``y`` (1-d)."""
        labels, first, codes, counts = np.unique(
            y, return_index=True, return_inverse=True, return_counts=True
        )
        return cls(
            labels,
            codes.astype(np.int64).ravel(),
            counts.astype(np.int64),
            first.astype(np.int64),
        )

    def code(self, label):
        """Code of ``label`` (a label of ``y``)."""
        return int(np.searchsorted(self.labels, label))

    def rows(self, code):
        """Rows of class ``code``, ascending."""
        return np.flatnonzero(self.codes == code)

    def targeted(self, strategy):
        """Boolean mask over codes: the classes ``strategy`` (a dict) names."""
        return targeted_mask(self.labels, strategy)

    def counter_minority(self):
        """Code of the class imbalanced-learn's samplers call the minority.

        They take ``min(Counter(y), key=...)``: among the classes with the
        fewest rows, the one that appears first in ``y`` (while
        ``sampling_strategy`` strings take the first in sorted order).
        """
        fewest = np.flatnonzero(self.counts == self.counts.min())
        return int(fewest[np.argmin(self.first_seen[fewest])])


def by_class(layout, keep_of_class):
    """Rows grouped by class in sorted label order, as imbalanced-learn's
    samplers return them: ``keep_of_class(code)`` gives the kept rows of
    class ``code`` (int64, in output order), or None to keep all its rows."""
    parts = []
    for code in range(len(layout.labels)):
        kept = keep_of_class(code)
        parts.append(layout.rows(code) if kept is None else kept)
    return np.concatenate(parts).astype(np.int64, copy=False)


def search_array(X):
    """``X`` as the neighbour engine takes it: float32/float64 C-contiguous
    rows, or a CSR matrix."""
    if sparse.issparse(X):
        return sparse.csr_matrix(X)
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    return np.ascontiguousarray(X, dtype=dtype)


def whole_set_neighbors(X, rows, k, *, estimator=None, n_jobs=None):
    """The ``k`` nearest other rows of ``X`` of every row in ``rows``.

    Exact (ties to the lower row index) with the built-in engine; with
    ``estimator`` (a neighbours estimator), that estimator's neighbours with
    the query row itself removed. ``rows=None`` means every row.
    """
    n = X.shape[0]
    if rows is None or len(rows) == n:
        return kneighbors_within(X, k, estimator=estimator, n_jobs=n_jobs)
    return kneighbors(X[rows], X, k, exclude=rows, estimator=estimator, n_jobs=n_jobs)


def check_enough_rows(n_rows, k, param, value, what=None):
    """Raise when ``n_rows`` rows cannot give each row ``k`` other rows."""
    if n_rows <= k:
        where = "the data set" if what is None else what
        raise ValueError(
            f"{param}={value} needs at least {k + 1} samples in {where}, which "
            f"has {n_rows}. Lower {param} or remove fewer rows."
        )


def check_numeric_columns(sampler, X):
    """Refuse a DataFrame column that is not numeric, naming it.

    The neighbour-based samplers measure Euclidean distances, which category
    and text columns do not have.
    """
    if not isinstance(X, pd.DataFrame):
        return
    for name, dtype in X.dtypes.items():
        numeric = pd.api.types.is_numeric_dtype(dtype) and not isinstance(
            dtype, pd.CategoricalDtype
        )
        if not numeric or pd.api.types.is_complex_dtype(dtype):
            raise TypeError(
                f"{type(sampler).__name__} measures Euclidean distances between "
                f"rows and needs numeric columns; column {name!r} has dtype "
                f"{dtype}. Encode it first (e.g. with OneHotEncoder or "
                "OrdinalEncoder), drop it, or use RandomUnderSampler, which keeps "
                "any column."
            )


def take_rows(X_in, y_in, X, y, indices, binarize_y):
    """Rows ``indices`` of the input, in the input's format (see module)."""
    if isinstance(X_in, pd.DataFrame):
        X_out = X_in.iloc[indices]
    elif isinstance(X_in, list):
        X_out = [X_in[i] for i in indices.tolist()]
    else:
        X_out = X[indices]
    if isinstance(y_in, pd.Series | pd.DataFrame):
        y_out = y_in.iloc[indices]
        if isinstance(X_out, pd.DataFrame):
            y_out.index = X_out.index
    elif binarize_y:
        y_out = label_binarize(y[indices], classes=np.unique(y))
    elif isinstance(y_in, list):
        y_out = y[indices].tolist()
    else:
        y_out = y[indices]
    return X_out, y_out


class _RowSampler:
    """Mixin of the samplers of :mod:`skclassgap.under_sampling` (see module).

    Placed before imbalanced-learn's ``BaseUnderSampler`` or
    ``BaseCleaningSampler``, whose ``_sampling_type`` selects the
    ``sampling_strategy`` semantics.

    Dask input goes to the driver of :mod:`skclassgap.under_sampling._dask`.
    What it needs of a sampler, the sampler declares (nothing is found by
    class or attribute name), with these defaults:

    - ``_dask_selection``: how its rows are selected on Dask input, ``DRAW``
      (per-class draws reproduced block by block: ``_class_draws()``) or
      ``WHOLE_SET`` (a rule on whole-set neighbour lists: the hooks of
      :class:`_WholeSetCleaner`); None refuses Dask input with a
      ``TypeError`` that gives ``_dask_refusal`` as the reason.
    - ``_check_columns(X)``: refuses columns the sampler cannot read (a
      DataFrame, or the empty frame standing for a Dask DataFrame).
    - ``_whole_set_params()`` and ``_check_dask_support()``, as the
      over-samplers declare them: neighbour parameters that must be ints
      on Dask input, and other settings refused there.
    """

    # Whether sparse X is accepted (then returned in its format).
    _accept_sparse = True
    _dask_selection = None
    _dask_refusal = "its rule needs every row of the data set in one process"

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **params):
        """Check the input and set ``sampling_strategy_``.

        ``fit_resample`` does this and the resampling; ``fit`` alone is for
        code that only needs the classes to resample.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data, or a Dask array / DataFrame for the samplers that take Dask
            input (then only the labels are counted, block by block).
        y : array-like of shape (n_samples,)
            Class labels; with Dask ``X``, a Dask array or Series split into
            the same blocks.
        **params : dict
            Not used; present for imbalanced-learn's interface (an error if
            given).

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self._refuse(X, y, params)
        if any_dask(X, y):
            return dask_fit(self, X, y)
        _, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = self._strategy(y, ClassLayout.of(y))
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y, **params):
        """Resample the data set: keep the rows the sampler selects.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample, or a Dask array / DataFrame for the samplers
            that take Dask input (see the Dask section of the user guide).
        y : array-like of shape (n_samples,)
            Class labels; with Dask ``X``, a Dask array or Series split into
            the same blocks.
        **params : dict
            Not used; present for imbalanced-learn's interface (an error if
            given).

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix, list} of shape \
                (n_samples_new, n_features)
            The kept rows (``X[sample_indices_]``) in ``X``'s format: a
            DataFrame keeps its columns, dtypes and index labels. Dask input
            gives a lazy Dask collection of the same kind.
        y_resampled : array-like of shape (n_samples_new,)
            Their labels, in ``y``'s format.
        """
        self._refuse(X, y, params)
        if any_dask(X, y):
            return dask_fit_resample(self, X, y)
        check_classification_targets(y)
        X_valid, y_valid, binarize_y = self._check_X_y(X, y)
        layout = ClassLayout.of(y_valid)
        self.sampling_strategy_ = self._strategy(y_valid, layout)
        self.sample_indices_ = np.asarray(self._select(X_valid, layout), dtype=np.int64)
        return self._output(X, y, X_valid, y_valid, binarize_y)

    def _fit_resample(self, X, y):
        """imbalanced-learn's template method, on validated arrays."""
        layout = ClassLayout.of(y)
        self.sample_indices_ = np.asarray(self._select(X, layout), dtype=np.int64)
        return take_rows(X, y, X, y, self.sample_indices_, False)

    def _refuse(self, X, y, params):
        if params:
            raise TypeError(
                f"{type(self).__name__}.fit_resample takes no other argument than "
                f"X and y; got {sorted(params)!r}."
            )

    def _strategy(self, y, layout):
        """``sampling_strategy_`` from the validated target."""
        strategy = self.sampling_strategy
        if callable(strategy):
            strategy = strategy(y)
        return under_sampling_strategy(
            strategy, layout.labels, layout.counts, self._sampling_type
        )

    def _check_columns(self, X):
        """Refuse the columns of a DataFrame the sampler cannot read."""
        check_numeric_columns(self, X)

    def _check_X_y(self, X, y, accept_sparse=None):
        """imbalanced-learn's input check, with the numeric columns refused by name."""
        self._check_columns(X)
        if accept_sparse is None:
            accept_sparse = ["csr", "csc"] if self._accept_sparse else False
        return imblearn_check_X_y(self, X, y, accept_sparse)

    def _select(self, X, layout):
        """Kept rows of the validated ``X``, in output order."""
        raise NotImplementedError

    def _output(self, X_in, y_in, X, y, binarize_y):
        """The output in the input's format (rows ``sample_indices_``)."""
        return take_rows(X_in, y_in, X, y, self.sample_indices_, binarize_y)

    def _whole_set_params(self):
        """Neighbour parameters (name -> value) that must be ints on Dask input."""
        return {}

    def _check_dask_support(self):
        """Raise for settings that Dask input cannot run; nothing by default."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        tags.sampler_tags.sample_indices = True
        return tags


class _ListFinder:
    """Exact neighbour lists of rows of ``X`` among all its rows, found once.

    With the built-in engine, a request for more than
    :data:`SYMMETRIC_SHARE` of the rows searches the whole set against
    itself once, and every later request reads those lists; otherwise the
    rows asked for are searched against the whole set. With a neighbours
    ``estimator``, each request searches with it (the row itself removed).

    :meth:`impure_lists` serves the rules that keep every row whose ``k``
    nearest rows are all of its class: rows of a large class are first
    screened against the other classes and every :data:`PURE_SUBSET`-th row
    of their own; a row whose ``k`` nearest there are all of its class is
    proven pure (those ``k`` rows precede every row of another class in the
    whole set) and needs no list.
    """

    def __init__(self, X, codes, k, estimator, n_jobs):
        self.X = X
        self.codes = codes
        self.k = k
        self.estimator = estimator
        self.n_jobs = n_jobs
        self.every = None
        self.expected = 0

    def expect(self, n_rows):
        """Announce that lists of ``n_rows`` rows will be asked for in all
        (the first request then searches the whole set when that pays)."""
        self.expected = max(self.expected, int(n_rows))

    def _search_all(self, n_rows):
        """Whether a request of ``n_rows`` rows is served by one search of the
        whole set against itself (done now if so)."""
        n = self.X.shape[0]
        if self.every is None and self.estimator is None:
            if max(n_rows, self.expected) > SYMMETRIC_SHARE * n:
                self.every = kneighbors_within(self.X, self.k, n_jobs=self.n_jobs)
        return self.every is not None

    def lists(self, rows):
        """:class:`~._lists.NeighborLists` of ``rows`` (int64, ascending)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return NeighborLists.empty(self.k)
        if self._search_all(len(rows)):
            nbrs = self.every[rows]
        else:
            nbrs = whole_set_neighbors(
                self.X, rows, self.k, estimator=self.estimator, n_jobs=self.n_jobs
            )
        return NeighborLists(rows, self.codes[rows], nbrs, self.codes[nbrs])

    def _screened_classes(self, rows):
        """Classes of ``rows`` whose rows are screened first, or None when a
        search of the whole set against itself costs less.

        Costs are counted in (query, reference) pairs of a search of some rows
        against others, with :data:`UNSETTLED_SHARE` of the screened rows
        assumed left unsettled (then searched against the whole set), and a
        symmetric search of the whole set at :data:`SYMMETRIC_COST` n^2.
        """
        n = self.X.shape[0]
        sizes = np.bincount(self.codes)
        classes, queried = np.unique(self.codes[rows], return_counts=True)
        other = n - sizes[classes]
        screened = other + -(-sizes[classes] // PURE_SUBSET) + UNSETTLED_SHARE * n
        worth = screened < n
        cost = np.sum(np.where(worth, queried * screened, queried * n))
        # Rows announced but not asked for now are searched later on their own.
        cost += max(self.expected - len(rows), 0) * n
        if max(len(rows), self.expected) > SYMMETRIC_SHARE * n:
            if SYMMETRIC_COST * n * n <= cost:
                return None
        return classes[worth] if worth.any() else None

    def impure_lists(self, rows):
        """Lists of at least the rows of ``rows`` (int64, ascending) whose
        ``k`` nearest rows are not all of their class (see the class)."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.estimator is not None or self.every is not None or not len(rows):
            return self.lists(rows)
        screened = self._screened_classes(rows)
        if screened is None:
            return self.lists(rows)
        self.expected = 0  # the plan is made: later requests stand alone
        left = [rows[~np.isin(self.codes[rows], screened)]]
        for code in screened.tolist():
            asked = rows[self.codes[rows] == code]
            members = np.flatnonzero(self.codes == code)
            sample = members[::PURE_SUBSET]
            reference = np.union1d(np.flatnonzero(self.codes != code), sample)
            at = np.searchsorted(reference, asked)
            inside = at < len(reference)
            inside[inside] = reference[at[inside]] == asked[inside]
            found = reference[
                kneighbors(
                    self.X[asked],
                    self.X[reference],
                    self.k,
                    exclude=np.where(inside, at, -1),
                    n_jobs=self.n_jobs,
                )
            ]
            left.append(asked[~np.all(self.codes[found] == code, axis=1)])
        return self.lists(np.sort(np.concatenate(left)))


class _WholeSetCleaner(_RowSampler):
    """Cleaners whose rule reads each row's nearest other rows of the whole set.

    The search and the rule are separate steps, so that lists found in
    memory or block by block (Dask input) go through the same rule:

    - ``_prepare_search()`` validates the neighbour parameters into fitted
      attributes; ``_neighbor_search()`` then gives ``(k, estimator)``: how
      many nearest other rows each listed row needs, and the neighbours
      estimator to use instead of the exact engine (or None);
      ``_check_whole_set(n_samples)`` refuses a data set too small for it;
    - ``_queried_classes(labels, counts)`` (sorted labels, their counts)
      names the classes whose rows need lists (a boolean mask; on Dask
      input those rows are gathered, unless the rule is per row: see
      ``_row_rule``);
    - ``_follow_up(lists)`` names further rows whose lists are needed, once
      those of the queried rows are known (neighbours of listed rows; none
      by default);
    - ``_removed(labels, lists)`` gives the rows the rule removes (listed
      rows), from the :class:`~._lists.NeighborLists` of both sets;
    - ``_row_rule(labels)`` says that the rule decides each listed row from
      its own list alone (no follow-up rows): it returns that rule as a
      picklable function of any :class:`~._lists.NeighborLists` giving the
      rows removed among them (None by default: the rule reads lists of
      other rows). On Dask input such a rule runs block by block on the
      workers, with queries taken from each block, and no row is gathered;
    - ``_class_grouped`` says the output order: class by class (sorted
      labels, ascending within each class, as imbalanced-learn's edited
      rules) or input order;
    - ``_keeps_pure_rows`` says that the rule keeps every row whose
      neighbours are all of its class: then the lists of such rows may be
      left out (in memory they are proven pure by a cheaper search).
    """

    _dask_selection = WHOLE_SET
    _class_grouped = False
    _keeps_pure_rows = False

    def _prepare_search(self):
        """Validate the neighbour parameters into fitted attributes."""

    def _neighbor_search(self):
        raise NotImplementedError

    def _check_whole_set(self, n_samples):
        """Raise when ``n_samples`` rows cannot give each row ``k`` others."""
        k, _ = self._neighbor_search()
        check_enough_rows(n_samples, k, *self._k_param())

    def _queried_classes(self, labels, counts):
        return np.ones(len(labels), dtype=bool)

    def _follow_up(self, lists):
        return np.zeros(0, dtype=np.int64)

    def _removed(self, labels, lists):
        raise NotImplementedError

    def _row_rule(self, labels):
        """The rule as a picklable function of lists of any rows, or None."""
        return None

    def _select(self, X, layout):
        self._prepare_search()
        k, estimator = self._neighbor_search()
        finder = _ListFinder(search_array(X), layout.codes, k, estimator, self.n_jobs)
        return self._select_with(finder, layout)

    def _select_with(self, finder, layout):
        """Kept rows, in output order, from the lists of ``finder`` (a
        :class:`_ListFinder` of the validated rows, ``k`` wide; the search
        parameters prepared)."""
        self._check_whole_set(finder.X.shape[0])
        queried = np.flatnonzero(
            self._queried_classes(layout.labels, layout.counts)[layout.codes]
        )
        if self._keeps_pure_rows:
            lists = finder.impure_lists(queried)
        else:
            lists = finder.lists(queried)
        more = self._follow_up(lists)
        if len(more):
            lists = lists.joined(finder.lists(more))
        keep = np.ones(len(layout.codes), dtype=bool)
        keep[self._removed(layout.labels, lists)] = False
        kept = np.flatnonzero(keep)
        if self._class_grouped:
            return kept[np.argsort(layout.codes[kept], kind="stable")]
        return kept

    def _k_param(self):
        """(name, value) of the parameter that sets k, for error messages."""
        k, _ = self._neighbor_search()
        return "n_neighbors", k
