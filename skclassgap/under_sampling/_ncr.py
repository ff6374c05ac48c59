"""Neighbourhood cleaning rule: edited nearest neighbours, then the neighbours of
the minority rows a k-NN vote misclassifies."""

import numbers

import numpy as np
from imblearn.under_sampling.base import BaseCleaningSampler
from sklearn.base import clone
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from skclassgap._compat import HasMethods, Interval
from skclassgap.under_sampling._base import (
    NEIGHBORS_PARAM,
    _ListFinder,
    _RowSampler,
    check_enough_rows,
    search_array,
    whole_set_neighbors,
)
from skclassgap.under_sampling._edited import EditedNearestNeighbours


def _vote(codes):
    """Most frequent code of each row (ties to the smallest), as a k-NN
    classifier with uniform weights predicts."""
    ordered = np.sort(codes, axis=1)
    runs = np.stack(
        [
            np.count_nonzero(ordered == ordered[:, [j]], axis=1)
            for j in range(ordered.shape[1])
        ],
        axis=1,
    )
    return ordered[np.arange(len(ordered)), np.argmax(runs, axis=1)]


class NeighbourhoodCleaningRule(_RowSampler, BaseCleaningSampler):
    """Under-sample with the neighbourhood cleaning rule.

    Two sets of rows are removed (Laurikkala, 2001, as imbalanced-learn
    implements it): the rows the edited nearest neighbours rule removes
    (``edited_nearest_neighbours``, by default
    :class:`EditedNearestNeighbours` with ``kind_sel="mode"`` and
    ``n_neighbors``), and the ``n_neighbors`` nearest other rows of every
    minority row that a ``n_neighbors``-NN vote (the row itself among the
    voters) misclassifies, when they belong to a cleaned class with more
    than ``threshold_cleaning`` times the minority's rows. The minority is
    the class with the fewest rows, the first to appear in ``y`` among ties.
    Kept rows come back in input order.

    With an int ``n_neighbors`` every neighbour is exact (see
    :class:`EditedNearestNeighbours`) and ``sample_indices_`` equals
    imbalanced-learn's :class:`~imblearn.under_sampling.NeighbourhoodCleaningRule`
    wherever the neighbour sets are unambiguous.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes cleaned, with imbalanced-learn's cleaning semantics (see
        :class:`EditedNearestNeighbours`).
    edited_nearest_neighbours : sampler, default=None
        The sampler of the first step (any sampler recording
        ``sample_indices_``); None builds
        ``EditedNearestNeighbours(sampling_strategy=sampling_strategy,
        n_neighbors=n_neighbors, kind_sel="mode", n_jobs=n_jobs)``.
    n_neighbors : int or estimator, default=3
        Size of the neighbourhoods, or a neighbours estimator used as
        imbalanced-learn uses it: a :class:`~sklearn.neighbors.NearestNeighbors`
        counts the row itself (the vote uses ``n_neighbors - 1``), another
        estimator (e.g. a :class:`~sklearn.neighbors.KNeighborsClassifier`)
        votes with its own ``predict``.
    threshold_cleaning : float, default=0.5
        A cleaned class loses neighbours of misclassified minority rows only
        when it has more than ``threshold_cleaning`` times the minority's rows.
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned (as keys).
    edited_nearest_neighbours_ : sampler
        The fitted sampler of the first step.
    nn_ : estimator object
        The k-NN classifier of the vote, as imbalanced-learn builds it (the
        exact engine votes for an int ``n_neighbors``).
    classes_to_clean_ : list
        Classes losing the neighbours of misclassified minority rows, in
        order of appearance in ``y``.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, ascending.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : The first step alone.
    OneSidedSelection : Condensing, then Tomek links.

    Notes
    -----
    Dask input is refused with a ``TypeError``: its second rule removes
    neighbours of the minority rows a k-NN vote misclassifies, a search this
    package runs in one process only.

    References
    ----------
    .. [1] J. Laurikkala, "Improving identification of difficult small classes
       by balancing class distribution", Artificial Intelligence in Medicine,
       AIME 2001, LNCS 2101, 63-66, 2001.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import NeighbourhoodCleaningRule
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> X_res, y_res = NeighbourhoodCleaningRule().fit_resample(X, y)
    >>> np.bincount(y_res)
    array([751, 123])
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "edited_nearest_neighbours": [HasMethods(["fit_resample"]), None],
        "n_neighbors": NEIGHBORS_PARAM,
        "threshold_cleaning": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        edited_nearest_neighbours=None,
        n_neighbors=3,
        threshold_cleaning=0.5,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.edited_nearest_neighbours = edited_nearest_neighbours
        self.n_neighbors = n_neighbors
        self.threshold_cleaning = threshold_cleaning
        self.n_jobs = n_jobs

    _dask_refusal = (
        "its second rule removes neighbours of the minority rows a k-NN vote "
        "misclassifies, a search this package runs in one process only"
    )

    def _validate_estimators(self):
        if isinstance(self.n_neighbors, numbers.Integral):
            self.nn_ = KNeighborsClassifier(
                n_neighbors=self.n_neighbors, n_jobs=self.n_jobs
            )
        elif isinstance(self.n_neighbors, NearestNeighbors):
            self.nn_ = KNeighborsClassifier(
                n_neighbors=self.n_neighbors.n_neighbors - 1, n_jobs=self.n_jobs
            )
        else:
            self.nn_ = clone(self.n_neighbors)
        if self.edited_nearest_neighbours is None:
            self.edited_nearest_neighbours_ = EditedNearestNeighbours(
                sampling_strategy=self.sampling_strategy,
                n_neighbors=self.n_neighbors,
                kind_sel="mode",
                n_jobs=self.n_jobs,
            )
        else:
            self.edited_nearest_neighbours_ = clone(self.edited_nearest_neighbours)

    def _select(self, X, layout):
        self._validate_estimators()
        k = self.nn_.n_neighbors
        check_enough_rows(X.shape[0], k, "n_neighbors", k)
        minority = layout.counter_minority()
        rows = layout.rows(minority)
        y = layout.labels[layout.codes]
        builtin = isinstance(self.n_neighbors, numbers.Integral)
        if builtin and self.edited_nearest_neighbours is None:
            # One search serves both steps: the edited rule's rows and the
            # minority's votes read lists of the same finder.
            enn = self.edited_nearest_neighbours_
            enn.fit(X, y)
            enn._prepare_search()
            finder = _ListFinder(search_array(X), layout.codes, k, None, self.n_jobs)
            queried = enn._queried_classes(layout.labels, layout.counts)
            queried[minority] = True
            finder.expect(layout.counts[queried].sum())
            enn.sample_indices_ = enn._select_with(finder, layout)
        else:
            self.edited_nearest_neighbours_.fit_resample(X, y)
        removed = np.ones(len(layout.codes), dtype=bool)
        removed[self.edited_nearest_neighbours_.sample_indices_] = False

        targeted = layout.targeted(self.sampling_strategy_)
        cleaned = targeted & (
            layout.counts > layout.counts[minority] * self.threshold_cleaning
        )
        in_order = np.argsort(layout.first_seen, kind="stable")
        self.classes_to_clean_ = [layout.labels[c] for c in in_order if cleaned[c]]

        if builtin:
            if self.edited_nearest_neighbours is None:
                nbrs = finder.lists(rows).nbrs
            else:
                nbrs = whole_set_neighbors(search_array(X), rows, k, n_jobs=self.n_jobs)
            # The vote of a k-NN classifier fitted on X: the row itself and its
            # k - 1 nearest other rows.
            voters = np.c_[rows, nbrs[:, : k - 1]]
            predicted = _vote(layout.codes[voters])
        else:
            nbrs = whole_set_neighbors(
                X, rows, k, estimator=self.nn_, n_jobs=self.n_jobs
            )
            predicted = layout.codes[
                np.searchsorted(
                    layout.labels,
                    clone(self.nn_).fit(X, y).predict(X[rows]),
                )
            ]
        wrong = predicted != minority
        near = np.unique(nbrs[wrong])
        removed[near[cleaned[layout.codes[near]]]] = True
        return np.flatnonzero(~removed)
