"""Edited nearest neighbours and its repetitions: ENN, repeated ENN, All-k-NN.

A row of a cleaned class is removed when its nearest other rows disagree
with its class (Wilson, 1972). Repeated ENN applies the rule until nothing
changes; All-k-NN applies it with 1, 2, ..., k neighbours (Tomek, 1976).
"""

import numbers
from functools import partial

import numpy as np
from imblearn.under_sampling.base import BaseCleaningSampler

from skclassgap._compat import Interval, StrOptions
from skclassgap.over_sampling._base import NeighborSearch, neighbors_object
from skclassgap.over_sampling._neighbors import kneighbors, kneighbors_within
from skclassgap.under_sampling._base import (
    NEIGHBORS_PARAM,
    SYMMETRIC_SHARE,
    _RowSampler,
    _WholeSetCleaner,
    check_enough_rows,
    search_array,
)
from skclassgap.under_sampling._lists import targeted_mask
from skclassgap.under_sampling._strategy import CLEAN, under_sampling_strategy

# Extra entries kept in the neighbour lists of the repeated rules, so that
# rows losing a few neighbours to a round need no new search.
_SPARE = 4


def edited_keep(nbr_codes, own_codes, kind_sel):
    """Whether each row's neighbours agree with its class.

    Parameters
    ----------
    nbr_codes : int64 ndarray of shape (n_rows, k)
        Class codes of each row's ``k`` nearest other rows.
    own_codes : int64 ndarray of shape (n_rows,)
        Each row's class code.
    kind_sel : {"all", "mode"}
        ``"all"``: every neighbour has the row's class; ``"mode"``: the most
        frequent class among the neighbours (ties to the smallest class, as
        ``scipy.stats.mode``) is the row's.

    Returns
    -------
    keep : bool ndarray of shape (n_rows,)
    """
    if kind_sel == "all":
        return np.all(nbr_codes == own_codes[:, None], axis=1)
    ordered = np.sort(nbr_codes, axis=1)
    k = ordered.shape[1]
    runs = np.stack(
        [np.count_nonzero(ordered == ordered[:, [j]], axis=1) for j in range(k)],
        axis=1,
    )
    mode = ordered[np.arange(len(ordered)), np.argmax(runs, axis=1)]
    return mode == own_codes


def edited_removed(lists, *, cleaned, kind_sel):
    """The rows of ``lists`` that the edited rule removes.

    Parameters
    ----------
    lists : NeighborLists
        Each listed row's nearest other rows of the whole set and their codes.
    cleaned : bool ndarray of shape (n_classes,)
        The classes cleaned, by code.
    kind_sel : {"all", "mode"}
        As for :func:`edited_keep`.

    Returns
    -------
    removed : int64 ndarray
        The listed rows of a cleaned class whose neighbours disagree with it.
    """
    agree = edited_keep(lists.nbr_codes, lists.codes, kind_sel)
    return lists.rows[cleaned[lists.codes] & ~agree]


def class_grouped(layout, rows):
    """``rows`` in imbalanced-learn's output order: by class (sorted labels),
    ascending within each class."""
    rows = np.asarray(rows, dtype=np.int64)
    return rows[np.lexsort((rows, layout.codes[rows]))]


class SubsetNeighbors:
    """Exact nearest other rows within a shrinking subset of the rows of ``X``.

    Each row gets a list of its ``width`` nearest rows among the rows
    present when it is first asked for (ties to the lower row index). Its
    ``k`` nearest present rows later are the first ``k`` present entries of
    that list: restricting the ordered list of a set to a subset keeps the
    subset's order. A row with fewer than ``k`` present entries left is
    searched again among the present rows. With a neighbours ``estimator``,
    every request is a new search among the present rows with it.
    """

    def __init__(self, X, width, *, estimator=None, n_jobs=None):
        self.X = X
        self.width = width
        self.estimator = estimator
        self.n_jobs = n_jobs
        self.lists = np.full((X.shape[0], width), -1, dtype=np.int64)
        self.listed = np.zeros(X.shape[0], dtype=bool)

    def _search(self, rows, present, k):
        """Lists of ``k`` nearest present rows of ``rows``, searched now."""
        present_rows = np.flatnonzero(present)
        check_enough_rows(len(present_rows), k, "n_neighbors", k, "the rows left")
        return present_rows[
            kneighbors(
                self.X[rows],
                self.X[present_rows],
                k,
                exclude=np.searchsorted(present_rows, rows),
                estimator=self.estimator,
                n_jobs=self.n_jobs,
            )
        ]

    def nearest(self, rows, present, k):
        """The ``k`` nearest present other rows of each row in ``rows``.

        Parameters
        ----------
        rows : int64 ndarray
            Rows asked for (present ones).
        present : bool ndarray of shape (n_samples,)
            The rows of the current subset.
        k : int
            At most ``width``.

        Returns
        -------
        nbrs : int64 ndarray of shape (len(rows), k)
        """
        if self.estimator is not None:
            return self._search(rows, present, k)
        n = len(present)
        if (
            not self.listed.any()
            and len(rows) > SYMMETRIC_SHARE * n
            and np.count_nonzero(present) == n
        ):
            # Most rows asked for at once: one search of the whole set
            # against itself lists every row.
            width = min(self.width, n - 1)
            self.lists[:, :width] = kneighbors_within(self.X, width, n_jobs=self.n_jobs)
            self.listed[:] = True
        for _ in range(2):
            lists = self.lists[rows]
            valid = (lists >= 0) & present[np.maximum(lists, 0)]
            short = np.count_nonzero(valid, axis=1) < k
            if not short.any():
                break
            redo = rows[short]
            width = min(self.width, int(present.sum()) - 1)
            self.lists[redo] = -1
            self.lists[redo, :width] = self._search(redo, present, max(width, k))
            self.listed[redo] = True
        first = np.argsort(~valid, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(lists, first, axis=1)


class _EditingMixin:
    """The neighbour parameter (``n_neighbors``: an int or a neighbours
    estimator whose ``n_neighbors`` counts the row itself) and one round of
    the edited rule on a subset."""

    def _validated_nn(self):
        """``nn_`` as imbalanced-learn stores it, and the search it implies."""
        nn = neighbors_object(self.n_neighbors, "n_neighbors", self.n_jobs)
        if "n_jobs" in nn.get_params():
            nn.set_params(n_jobs=self.n_jobs)
        return nn, NeighborSearch.from_param(self.n_neighbors, nn)

    def _round_targets(self, layout, current):
        """Classes the rule cleans on the subset ``current`` (strategy re-read
        on the rows left, as imbalanced-learn's repeated samplers do)."""
        codes = layout.codes[current]
        counts = np.bincount(codes, minlength=len(layout.labels))
        there = np.flatnonzero(counts)
        strategy = self.sampling_strategy
        if callable(strategy):
            strategy = strategy(layout.labels[codes])
        wanted = under_sampling_strategy(
            strategy, layout.labels[there], counts[there], CLEAN
        )
        return layout.targeted(wanted)

    def _edit_round(self, layout, current, neighbors, k):
        """The rows of ``current`` one edited round keeps, class-grouped."""
        present = np.zeros(len(layout.codes), dtype=bool)
        present[current] = True
        targeted = self._round_targets(layout, current)
        asked = current[targeted[layout.codes[current]]]
        nbrs = neighbors.nearest(asked, present, k)
        agree = edited_keep(layout.codes[nbrs], layout.codes[asked], self.kind_sel)
        present[asked[~agree]] = False
        return class_grouped(layout, np.flatnonzero(present))


def _stop_reasons(layout, kept, minority):
    """(a class other than the minority fell below the minority's original
    count, a class disappeared) after a round that kept ``kept``."""
    counts = np.bincount(layout.codes[kept], minlength=len(layout.labels))
    others = np.ones(len(counts), dtype=bool)
    others[minority] = False
    others &= counts > 0
    below = bool(np.any(counts[others] < layout.counts[minority]))
    vanished = np.count_nonzero(counts) < len(layout.labels)
    return below, vanished


_KIND_SEL_DOC = """kind_sel : {"all", "mode"}, default="all"
        ``"all"``: a row is kept when all its neighbours have its class;
        ``"mode"``: when the most frequent class among them (ties to the
        smallest label) is its class. ``"all"`` removes more rows."""


class EditedNearestNeighbours(_EditingMixin, _WholeSetCleaner, BaseCleaningSampler):
    """Under-sample by removing rows whose nearest neighbours disagree with them.

    A row of a class named by ``sampling_strategy`` is removed when its
    ``n_neighbors`` nearest other rows (of any class) are not all of its
    class (``kind_sel="all"``) or mostly of another class (``"mode"``)
    (Wilson, 1972). Rows come back grouped by class (sorted labels),
    ascending within each class, as imbalanced-learn returns them.

    The neighbours come from the exact engine of
    :mod:`skclassgap.over_sampling` (Euclidean distances in exact
    arithmetic, equal distances to the lower row index, any finite input),
    the row itself excluded by its index. ``sample_indices_`` equals
    imbalanced-learn's :class:`~imblearn.under_sampling.EditedNearestNeighbours`
    wherever the neighbour sets are unambiguous; rows with exact duplicates
    of the same class give the same result, duplicates with different labels
    and equal distances at the last neighbour are ranked here by row index
    (imbalanced-learn drops the first column of scikit-learn's list, whose
    order among equal distances is scikit-learn's internal one).

    A Dask array or DataFrame is accepted with an int ``n_neighbors`` (a
    neighbours estimator is refused there), and no row is gathered into this
    process, whatever the classes cleaned (by default every class but the
    minority, so the majority): on the workers, each block's rows of the
    cleaned classes are searched against every block with the same exact
    search, and the rule decides there which rows the block drops. The output
    and ``sample_indices_`` are lazy and equal the in-memory ones.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes cleaned, with imbalanced-learn's cleaning semantics:
        ``"majority"``, ``"not minority"``, ``"not majority"``, ``"all"``,
        ``"auto"`` (= ``"not minority"``) or a list of classes.
    n_neighbors : int or estimator, default=3
        Number of nearest other rows examined, or a neighbours estimator
        (``kneighbors``; its ``n_neighbors`` counts the row itself, as in
        imbalanced-learn: pass 4 to examine 3) used instead of the exact
        engine.
    %(kind_sel)s
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned (as keys).
    nn_ : estimator object
        The validated ``n_neighbors``, as imbalanced-learn stores it: a
        :class:`~sklearn.neighbors.NearestNeighbors` with ``n_neighbors + 1``
        neighbours for an int (the exact engine is used), or a clone of the
        given estimator.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, grouped by class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    RepeatedEditedNearestNeighbours : Repeat the rule until nothing changes.
    AllKNN : Repeat the rule with 1, 2, ..., n_neighbors neighbours.
    skclassgap.combine.SMOTEENN : SMOTE, then this rule on every class.

    References
    ----------
    .. [1] D. Wilson, "Asymptotic properties of nearest neighbor rules using
       edited data", IEEE Transactions on Systems, Man, and Cybernetics 2(3),
       408-421, 1972.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import EditedNearestNeighbours
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> X_res, y_res = EditedNearestNeighbours().fit_resample(X, y)
    >>> np.bincount(y_res)
    array([745, 123])
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": NEIGHBORS_PARAM,
        "kind_sel": [StrOptions({"all", "mode"})],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self, *, sampling_strategy="auto", n_neighbors=3, kind_sel="all", n_jobs=None
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    _class_grouped = True
    _keeps_pure_rows = True

    def _prepare_search(self):
        self.nn_, self._search = self._validated_nn()

    def _neighbor_search(self):
        return self._search

    def _whole_set_params(self):
        return {"n_neighbors": self.n_neighbors}

    def _queried_classes(self, labels, counts):
        return targeted_mask(labels, self.sampling_strategy_)

    def _row_rule(self, labels):
        return partial(
            edited_removed,
            cleaned=targeted_mask(labels, self.sampling_strategy_),
            kind_sel=self.kind_sel,
        )

    def _removed(self, labels, lists):
        return self._row_rule(labels)(lists)


class RepeatedEditedNearestNeighbours(_EditingMixin, _RowSampler, BaseCleaningSampler):
    """Under-sample by repeating the edited nearest neighbours rule.

    The rule of :class:`EditedNearestNeighbours` is applied to the rows left
    by the previous round (``sampling_strategy`` re-read on them) until a
    round removes nothing, ``max_iter`` rounds have run, a class other than
    the minority has fewer rows than the minority had, or a class has
    disappeared (Tomek, 1976), as in imbalanced-learn. The minority is the
    class with the fewest rows, the first to appear in ``y`` among ties (as
    imbalanced-learn finds it).

    Each row's neighbours among the rows left are exact (see
    :class:`EditedNearestNeighbours`): every row's list of nearest rows is
    searched once and read again in the next rounds, skipping removed rows,
    and searched anew only when too few of its entries remain.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes cleaned in each round (see :class:`EditedNearestNeighbours`).
    n_neighbors : int or estimator, default=3
        Number of nearest other rows examined, or a neighbours estimator
        (its ``n_neighbors`` counts the row itself).
    max_iter : int, default=100
        Largest number of rounds.
    %(kind_sel)s
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned in the first round (as keys).
    nn_ : estimator object
        The validated ``n_neighbors`` (see :class:`EditedNearestNeighbours`).
    enn_ : EditedNearestNeighbours
        The rule applied in each round (not fitted).
    n_iter_ : int
        Number of rounds run.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, grouped by class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : One round of the rule.
    AllKNN : Rounds with 1, 2, ..., n_neighbors neighbours.

    Notes
    -----
    ``sample_indices_`` equals imbalanced-learn's, except when its first
    round removes nothing from a ``y`` that is not sorted: imbalanced-learn
    then applies that round's reordering twice to ``sample_indices_``, which
    no longer matches the rows it returns; here it always does.

    Dask input is refused with a ``TypeError``: each round searches neighbours
    among the rows the previous round left, and the block-wise search serves
    one round only (EditedNearestNeighbours runs one round on Dask input).

    References
    ----------
    .. [1] I. Tomek, "An experiment with the edited nearest-neighbor rule",
       IEEE Transactions on Systems, Man, and Cybernetics 6(6), 448-452, 1976.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import RepeatedEditedNearestNeighbours
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> sampler = RepeatedEditedNearestNeighbours()
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res), sampler.n_iter_
    (array([704, 123]), 5)
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": NEIGHBORS_PARAM,
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "kind_sel": [StrOptions({"all", "mode"})],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        n_neighbors=3,
        max_iter=100,
        kind_sel="all",
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.max_iter = max_iter
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    _dask_refusal = (
        "each round searches neighbours among the rows the previous round left, "
        "and the block-wise search serves one round only "
        "(EditedNearestNeighbours runs that round on Dask input)"
    )

    def _select(self, X, layout):
        self.nn_, (k, estimator) = self._validated_nn()
        self.enn_ = EditedNearestNeighbours(
            sampling_strategy=self.sampling_strategy,
            n_neighbors=self.nn_,
            kind_sel=self.kind_sel,
            n_jobs=self.n_jobs,
        )
        check_enough_rows(X.shape[0], k, "n_neighbors", k)
        neighbors = SubsetNeighbors(
            search_array(X), k + _SPARE, estimator=estimator, n_jobs=self.n_jobs
        )
        minority = layout.counter_minority()
        current = np.arange(X.shape[0], dtype=np.int64)
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            self.n_iter_ += 1
            kept = self._edit_round(layout, current, neighbors, k)
            converged = len(kept) == len(current)
            below, vanished = _stop_reasons(layout, kept, minority)
            current = kept
            if converged or below or vanished:
                break
        return current


class AllKNN(_EditingMixin, _RowSampler, BaseCleaningSampler):
    """Under-sample by the edited rule with 1, 2, ..., ``n_neighbors`` neighbours.

    Round ``r`` applies the rule of :class:`EditedNearestNeighbours` with
    ``r`` neighbours to the rows left by round ``r - 1`` (``sampling_strategy``
    re-read on them). It stops after round ``n_neighbors``, or after a round
    that leaves a class other than the minority with fewer rows than the
    minority had (unless ``allow_minority``) or makes a class disappear
    (Tomek, 1976), as in imbalanced-learn.

    Each row's neighbours among the rows left are exact (see
    :class:`EditedNearestNeighbours`), searched once and read again in the
    next rounds, skipping removed rows.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes cleaned in each round (see :class:`EditedNearestNeighbours`).
    n_neighbors : int or estimator, default=3
        Largest number of neighbours examined, or a neighbours estimator
        whose ``n_neighbors`` minus one sets it (as in imbalanced-learn, the
        rounds then search with the exact engine all the same).
    %(kind_sel)s
    allow_minority : bool, default=False
        Go on when a class other than the minority falls below the minority's
        count.
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned in the first round (as keys).
    nn_ : estimator object
        The validated ``n_neighbors`` (see :class:`EditedNearestNeighbours`).
    enn_ : EditedNearestNeighbours
        The rule of the last round run (not fitted).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, grouped by class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : One round of the rule.
    RepeatedEditedNearestNeighbours : Rounds with the same neighbourhood.

    Notes
    -----
    Dask input is refused with a ``TypeError``: each round, with one more
    neighbour, searches among the rows the previous round left, and the
    block-wise search serves one round only (EditedNearestNeighbours runs one
    round on Dask input).

    References
    ----------
    .. [1] I. Tomek, "An experiment with the edited nearest-neighbor rule",
       IEEE Transactions on Systems, Man, and Cybernetics 6(6), 448-452, 1976.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import AllKNN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> X_res, y_res = AllKNN().fit_resample(X, y)
    >>> np.bincount(y_res)
    array([723, 123])
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": NEIGHBORS_PARAM,
        "kind_sel": [StrOptions({"all", "mode"})],
        "allow_minority": ["boolean"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        n_neighbors=3,
        kind_sel="all",
        allow_minority=False,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.allow_minority = allow_minority
        self.n_jobs = n_jobs

    _dask_refusal = (
        "each round, with one more neighbour, searches among the rows the "
        "previous round left, and the block-wise search serves one round only "
        "(EditedNearestNeighbours runs one round on Dask input)"
    )

    def _select(self, X, layout):
        self.nn_, (k_max, _) = self._validated_nn()
        check_enough_rows(X.shape[0], k_max, "n_neighbors", k_max)
        neighbors = SubsetNeighbors(search_array(X), k_max + _SPARE, n_jobs=self.n_jobs)
        minority = layout.counter_minority()
        current = np.arange(X.shape[0], dtype=np.int64)
        for k in range(1, k_max + 1):
            self.enn_ = EditedNearestNeighbours(
                sampling_strategy=self.sampling_strategy,
                n_neighbors=k,
                kind_sel=self.kind_sel,
                n_jobs=self.n_jobs,
            )
            current = self._edit_round(layout, current, neighbors, k)
            below, vanished = _stop_reasons(layout, current, minority)
            if (below and not self.allow_minority) or vanished:
                break
        return current


for _cls in (EditedNearestNeighbours, RepeatedEditedNearestNeighbours, AllKNN):
    _cls.__doc__ = _cls.__doc__ % {"kind_sel": _KIND_SEL_DOC}
