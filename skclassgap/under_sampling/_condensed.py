"""Condensing: keep the rows a nearest-neighbour rule on a small set gets wrong.

:class:`CondensedNearestNeighbour` grows, for each reduced class, a set that
starts with the minority rows and a few random rows of the class, adding
every row of the class that the k-NN vote of the current set misclassifies
(Hart, 1968). :class:`OneSidedSelection` classifies the class's rows once
with the starting set, keeps the misclassified ones, then removes Tomek
links (Kubat and Matwin, 1997).
"""

import numbers

import numpy as np
from imblearn.under_sampling.base import BaseCleaningSampler
from sklearn.base import clone
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils import check_random_state

from skclassgap._compat import HasMethods, Interval
from skclassgap.over_sampling._neighbors import kneighbors, kneighbors_within
from skclassgap.under_sampling._base import _RowSampler, search_array
from skclassgap.under_sampling._ncr import _vote
from skclassgap.under_sampling._tomek import tomek_links

# First block of rows classified at once; the block halves after a row is
# added to the set and doubles (up to the maximum) while none is.
_BLOCK_MIN, _BLOCK_MAX = 16, 1024


class _CondensingMixin:
    """Shared parameters: the k-NN rule (``n_neighbors``) and the seeds."""

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
            None,
        ],
        "n_seeds_S": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        n_neighbors=None,
        n_seeds_S=1,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_seeds_S = n_seeds_S
        self.n_jobs = n_jobs

    def _rule(self):
        """The k-NN classifier imbalanced-learn builds, and whether the exact
        engine replaces it (an int or None ``n_neighbors``)."""
        if self.n_neighbors is None or isinstance(self.n_neighbors, numbers.Integral):
            k = 1 if self.n_neighbors is None else int(self.n_neighbors)
            return KNeighborsClassifier(n_neighbors=k, n_jobs=self.n_jobs), True
        return clone(self.n_neighbors), False

    def _predict(self, X, layout, reference, queries, rule, engine):
        """Class codes the k-NN vote of the ``reference`` rows gives ``queries``."""
        if engine:
            k = rule.n_neighbors
            if len(reference) < k:
                raise ValueError(
                    f"n_neighbors={k} needs at least {k} rows in the starting set "
                    f"(the minority rows and n_seeds_S={self.n_seeds_S} seeds), "
                    f"which has {len(reference)}. Lower n_neighbors."
                )
            nbrs = kneighbors(X[queries], X[reference], k, n_jobs=self.n_jobs)
            return _vote(layout.codes[reference[nbrs]])
        fitted = clone(rule).fit(X[reference], layout.codes[reference])
        return np.asarray(fitted.predict(X[queries]), dtype=np.int64)

    def _fitted_rule(self, X, layout, reference, rule):
        """The k-NN classifier fitted on a final set (``estimators_``)."""
        return clone(rule).fit(X[reference], layout.labels[layout.codes[reference]])

    def _seeds(self, random_state, n_rows):
        """Positions of the seeds among a class's rows (imbalanced-learn's draw:
        ``n_seeds_S`` integers with replacement, one RandomState call)."""
        return random_state.randint(low=0, high=n_rows, size=self.n_seeds_S)


class CondensedNearestNeighbour(_CondensingMixin, _RowSampler, BaseCleaningSampler):
    """Under-sample by condensing: keep the rows a growing k-NN rule gets wrong.

    For each class named by ``sampling_strategy``, a set starts with the
    minority rows and ``n_seeds_S`` rows of the class drawn at random; the
    class's rows are then visited once, in input order, and every row that
    the k-NN vote of the current set misclassifies is added to the set
    (Hart, 1968, one pass, as imbalanced-learn). The class keeps its seeds
    and the rows added; other classes keep all their rows. The minority is
    the class with the fewest rows, the first to appear in ``y`` among ties.

    With an int (or None) ``n_neighbors`` the votes use the exact neighbour
    engine (ties to the lower row index) on blocks of rows, and the set's
    vote is recomputed only from the row after each addition: far fewer
    distance computations than refitting a classifier for every addition.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes condensed, with imbalanced-learn's cleaning semantics (see
        :class:`EditedNearestNeighbours`).
    random_state : int, RandomState instance or None, default=None
        Seed of the draw of the starting rows (drawn as imbalanced-learn
        draws them).
    n_neighbors : int, estimator or None, default=None
        Votes of the rule: None means 1; an int ``k``; or a k-NN classifier
        (e.g. :class:`~sklearn.neighbors.KNeighborsClassifier`) refitted on
        the set as it grows.
    n_seeds_S : int, default=1
        Rows of the class drawn into the starting set.
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes condensed (as keys).
    estimators_ : list of estimators
        For each condensed class, the k-NN classifier fitted on its final set.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, grouped by class (a condensed class: its seeds,
        then the rows added, in order).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    OneSidedSelection : One classification pass, then Tomek links.
    EditedNearestNeighbours : Remove rows their neighbours disagree with.

    Notes
    -----
    imbalanced-learn's implementation skips a row when its position in the
    class equals the index of a row already in the set (it mixes positions
    and indices in one list); here every row but the seeds is visited. With
    the same ``random_state`` the seeds are the same, and the results agree
    whenever that skip does not fire.

    Dask input is refused with a ``TypeError``: it visits the rows one by one,
    each classified by the rows kept before it, a sequential pass over the
    whole data set.

    References
    ----------
    .. [1] P. Hart, "The condensed nearest neighbor rule", IEEE Transactions on
       Information Theory 14(3), 515-516, 1968.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import CondensedNearestNeighbour
    >>> X, y = make_classification(n_samples=500, weights=[0.9], class_sep=0.5,
    ...                            random_state=0)
    >>> X_res, y_res = CondensedNearestNeighbour(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([124,  50])
    """

    _dask_refusal = (
        "it visits the rows one by one, each classified by the rows kept before "
        "it, a sequential pass over the whole data set"
    )

    def _select(self, X, layout):
        rule, engine = self._rule()
        random_state = check_random_state(self.random_state)
        minority = layout.counter_minority()
        targeted = layout.targeted(self.sampling_strategy_)
        Xs = search_array(X)
        self.estimators_ = []
        parts = []
        for code in range(len(layout.labels)):
            rows = layout.rows(code)
            if not targeted[code]:
                parts.append(rows)
                continue
            seeds = rows[self._seeds(random_state, len(rows))]
            kept = self._condense(Xs, layout, code, rows, seeds, minority, rule, engine)
            self.estimators_.append(
                self._fitted_rule(Xs, layout, np.r_[layout.rows(minority), kept], rule)
            )
            parts.append(kept)
        return np.concatenate(parts)

    def _condense(self, X, layout, code, rows, seeds, minority, rule, engine):
        """Seeds then the rows added, for class ``code`` (one pass, in order)."""
        in_set = np.r_[layout.rows(minority), seeds]
        reference = np.sort(in_set, kind="stable")
        visit = rows[~np.isin(rows, seeds)]
        added = []
        start, block = 0, _BLOCK_MIN
        while start < len(visit):
            queries = visit[start : start + block]
            wrong = np.flatnonzero(
                self._predict(X, layout, reference, queries, rule, engine) != code
            )
            if not len(wrong):
                start += len(queries)
                block = min(2 * block, _BLOCK_MAX)
                continue
            row = queries[wrong[0]]
            added.append(row)
            reference = np.insert(reference, np.searchsorted(reference, row), row)
            start += wrong[0] + 1
            block = max(block // 2, _BLOCK_MIN)
        return np.r_[seeds, np.asarray(added, dtype=np.int64)].astype(np.int64)


class OneSidedSelection(_CondensingMixin, _RowSampler, BaseCleaningSampler):
    """Under-sample by one-sided selection: one condensing pass, then Tomek links.

    For each class named by ``sampling_strategy``, ``n_seeds_S`` rows of the
    class are drawn at random; the k-NN vote of the minority rows and the
    seeds classifies the class's other rows, and the class keeps its seeds
    and the misclassified rows. Tomek links of the condensed classes are then
    removed from what is left (Kubat and Matwin, 1997, as imbalanced-learn
    implements it). The minority is the class with the fewest rows, the
    first to appear in ``y`` among ties.

    With an int (or None) ``n_neighbors`` the vote and the Tomek links use
    the exact neighbour engine (ties to the lower row index). With the same
    ``random_state`` the seeds are those imbalanced-learn draws, and
    ``sample_indices_`` equals imbalanced-learn's
    :class:`~imblearn.under_sampling.OneSidedSelection` wherever the
    neighbours are unambiguous.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes reduced, with imbalanced-learn's cleaning semantics (see
        :class:`EditedNearestNeighbours`).
    random_state : int, RandomState instance or None, default=None
        Seed of the draw of the seeds (drawn as imbalanced-learn draws them:
        with replacement, so a seed may be drawn, and kept, twice).
    n_neighbors : int, estimator or None, default=None
        Votes of the rule: None means 1; an int ``k``; or a k-NN classifier
        (e.g. :class:`~sklearn.neighbors.KNeighborsClassifier`).
    n_seeds_S : int, default=1
        Rows of the class drawn as seeds.
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes reduced (as keys).
    estimators_ : list of estimators
        For each reduced class, the k-NN classifier fitted on the minority
        rows and the seeds.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, grouped by class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    CondensedNearestNeighbour : Grow the set row by row instead.
    TomekLinks : The second step alone.

    Notes
    -----
    Dask input is refused with a ``TypeError``: it classifies every row by a
    1-NN rule on a drawn seed set, then removes Tomek links among all the rows
    left, in one process.

    References
    ----------
    .. [1] M. Kubat, S. Matwin, "Addressing the curse of imbalanced training
       sets: one-sided selection", Proceedings of the 14th International
       Conference on Machine Learning, 179-186, 1997.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import OneSidedSelection
    >>> X, y = make_classification(n_samples=500, weights=[0.9], class_sep=0.5,
    ...                            random_state=0)
    >>> X_res, y_res = OneSidedSelection(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([427,  50])
    """

    _dask_refusal = (
        "it classifies every row by a 1-NN rule on a drawn seed set, then "
        "removes Tomek links among all the rows left, in one process"
    )

    def _select(self, X, layout):
        rule, engine = self._rule()
        random_state = check_random_state(self.random_state)
        minority = layout.counter_minority()
        targeted = layout.targeted(self.sampling_strategy_)
        Xs = search_array(X)
        self.estimators_ = []
        parts = []
        for code in range(len(layout.labels)):
            rows = layout.rows(code)
            if not targeted[code]:
                parts.append(rows)
                continue
            drawn = self._seeds(random_state, len(rows))
            seeds = rows[drawn]
            reference = np.r_[layout.rows(minority), seeds]
            others = np.delete(rows, drawn)
            wrong = (
                self._predict(Xs, layout, np.sort(reference), others, rule, engine)
                != code
            )
            self.estimators_.append(self._fitted_rule(Xs, layout, reference, rule))
            parts.append(np.r_[seeds, others[wrong]])
        kept = np.concatenate(parts).astype(np.int64)
        # Tomek links among the rows left, for the reduced classes.
        nearest = kneighbors_within(Xs[kept], 1, n_jobs=self.n_jobs)[:, 0]
        links = tomek_links(nearest, layout.codes[kept], targeted)
        return kept[~links]
