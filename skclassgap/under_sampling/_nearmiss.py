"""NearMiss: keep the rows of a class closest to (or farthest from) the minority."""

import numbers
import warnings

import numpy as np
from imblearn.under_sampling.base import BaseUnderSampler
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

from skclassgap._compat import Interval
from skclassgap.over_sampling._base import check_class_size
from skclassgap.over_sampling._neighbors import kneighbors
from skclassgap.under_sampling._base import (
    NEIGHBORS_PARAM,
    _RowSampler,
    by_class,
    search_array,
)
from skclassgap.under_sampling._strategy import py_label

# Pairs of rows whose distances are computed per NumPy pass.
_PAIRS_PER_PASS = 2**16


def _row_exponents(largest):
    """Exponent ``e`` of each row's largest magnitude (``m = f 2**e``, ``f`` in
    ``[0.5, 1)``; 0 for an all-zero row)."""
    return np.frexp(largest)[1].astype(np.int64)


def pair_distances(X, a, b):
    """Euclidean distances between rows ``a[t]`` and ``b[t]`` of ``X``.

    From coordinate differences in float64 (no norms, so no cancellation),
    each difference scaled by the power of two of its pair's largest one
    (exact, so results equal the unscaled sums wherever those neither
    overflow nor underflow, and squares of 1e300 do not overflow), summed
    feature by feature: equal rows give bit-identical distances wherever
    they are stored. ``X`` holds values below ``2**1022`` in magnitude.
    """
    out = np.empty(len(a), dtype=np.float64)
    for t0 in range(0, len(a), _PAIRS_PER_PASS):
        t1 = t0 + _PAIRS_PER_PASS
        diff = X[a[t0:t1]] - X[b[t0:t1]]
        if sparse.issparse(diff):
            diff = diff.tocsr()
            diff.sort_indices()
            counts = np.diff(diff.indptr)
            filled = counts > 0
            largest = np.zeros(diff.shape[0])
            largest[filled] = np.maximum.reduceat(
                np.abs(diff.data), diff.indptr[:-1][filled]
            )
            e = _row_exponents(largest)
            scaled = np.ldexp(diff.data, -np.repeat(e, counts))
            acc = np.zeros(diff.shape[0])
            acc[filled] = np.add.reduceat(scaled * scaled, diff.indptr[:-1][filled])
        else:
            diff = np.asarray(diff, dtype=np.float64)
            e = _row_exponents(np.max(np.abs(diff), axis=1, initial=0.0))
            acc = np.zeros(len(diff))
            for f in range(diff.shape[1]):
                scaled = np.ldexp(diff[:, f], -e)
                acc += scaled * scaled
        out[t0:t1] = np.ldexp(np.sqrt(acc), e)
    return out


def _max_abs(X):
    values = X.data if sparse.issparse(X) else X
    return float(np.max(np.abs(values), initial=0.0))


def _distances(X, queries, nbrs):
    """Distances of each query row to its listed rows (same shape as ``nbrs``)."""
    q = np.repeat(queries, nbrs.shape[1])
    return pair_distances(X, q, nbrs.ravel()).reshape(nbrs.shape)


def _farthest_sums(X, queries, reference, k):
    """Sum of each query row's ``k`` largest distances to the ``reference`` rows
    (summed in increasing order, as imbalanced-learn sums its sorted list)."""
    out = np.empty(len(queries))
    per_pass = max(1, _PAIRS_PER_PASS // max(len(reference), 1))
    for s0 in range(0, len(queries), per_pass):
        block = queries[s0 : s0 + per_pass]
        q = np.repeat(block, len(reference))
        r = np.tile(reference, len(block))
        dist = pair_distances(X, q, r).reshape(len(block), len(reference))
        top = np.sort(dist, axis=1)[:, -k:]
        out[s0 : s0 + per_pass] = np.sum(top, axis=1)
    return out


class NearMiss(_RowSampler, BaseUnderSampler):
    """Under-sample by keeping the rows nearest to (or farthest from) the minority.

    Each class named by ``sampling_strategy`` keeps the rows with the
    smallest score (Mani and Zhang, 2003, as imbalanced-learn implements it;
    the minority is the class with the fewest rows, the first to appear in
    ``y`` among ties):

    - ``version=1``: the sum of the distances to the ``n_neighbors`` nearest
      minority rows;
    - ``version=2``: the sum of the distances to the ``n_neighbors`` farthest
      minority rows;
    - ``version=3``: among the rows that are one of the ``n_neighbors_ver3``
      nearest rows of the class for some minority row, those with the
      *largest* sum of distances to their ``n_neighbors`` nearest minority
      rows (fewer rows than asked, with a warning, when there are not
      enough such rows).

    Kept rows come back grouped by class (sorted labels), in score order
    within each reduced class, as in imbalanced-learn.

    Neighbours come from the exact engine of :mod:`skclassgap.over_sampling`
    (exact Euclidean order, ties to the lower row index); each distance is
    computed from coordinate differences in float64 (relative error at most
    ``(n_features + 2) * 2**-53``), and equal scores (duplicate rows) keep
    the lower row first. ``sample_indices_`` equals imbalanced-learn's
    :class:`~imblearn.under_sampling.NearMiss` wherever the scores are not
    within rounding of each other.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling (see
        :class:`RandomUnderSampler`).
    version : {1, 2, 3}, default=1
        The NearMiss heuristic.
    n_neighbors : int or estimator, default=3
        Number of minority rows in each score, or a neighbours estimator
        (fitted on the minority rows; its ``n_neighbors`` sets the number)
        used instead of the exact engine.
    n_neighbors_ver3 : int or estimator, default=3
        ``version=3`` only: number of nearest rows of the class taken for each
        minority row, or a neighbours estimator.
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of rows kept, for the reduced classes.
    nn_ : estimator object
        The validated ``n_neighbors`` (a
        :class:`~sklearn.neighbors.NearestNeighbors` for an int, whose exact
        neighbours the engine finds; or a clone of the given estimator).
    nn_ver3_ : estimator object
        The validated ``n_neighbors_ver3`` (``version=3`` only).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    RandomUnderSampler : Keep a random subset instead.

    Notes
    -----
    Dask input is refused with a ``TypeError``: it ranks every row of a class
    by its distances to the minority rows and keeps the best of the whole
    class, in one process.

    References
    ----------
    .. [1] I. Mani, I. Zhang, "kNN approach to unbalanced data distributions: a
       case study involving information extraction", Proceedings of the ICML
       2003 Workshop on Learning from Imbalanced Datasets, 2003.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import NearMiss
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> X_res, y_res = NearMiss(version=1).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([102, 102])
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "version": [Interval(numbers.Integral, 1, 3, closed="both")],
        "n_neighbors": NEIGHBORS_PARAM,
        "n_neighbors_ver3": NEIGHBORS_PARAM,
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        version=1,
        n_neighbors=3,
        n_neighbors_ver3=3,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.version = version
        self.n_neighbors = n_neighbors
        self.n_neighbors_ver3 = n_neighbors_ver3
        self.n_jobs = n_jobs

    _dask_refusal = (
        "it ranks every row of a class by its distances to the minority rows "
        "and keeps the best of the whole class, in one process"
    )

    def _neighbors(self, param):
        """(estimator as imbalanced-learn stores it, whether the engine is used)."""
        if isinstance(param, numbers.Integral):
            return NearestNeighbors(n_neighbors=int(param), n_jobs=self.n_jobs), True
        nn = clone(param)
        if "n_jobs" in nn.get_params():
            nn.set_params(n_jobs=self.n_jobs)
        return nn, False

    def _nearest(self, X, queries, reference, k, nn, engine):
        """(rows, distances) of the ``k`` nearest ``reference`` rows of each query."""
        if engine:
            nbrs = reference[
                kneighbors(X[queries], X[reference], k, n_jobs=self.n_jobs)
            ]
            return nbrs, _distances(X, queries, nbrs)
        dist, ind = clone(nn).fit(X[reference]).kneighbors(X[queries], n_neighbors=k)
        return reference[ind], np.asarray(dist, dtype=np.float64)

    def _select(self, X, layout):
        self.nn_, engine = self._neighbors(self.n_neighbors)
        if self.version == 3:
            self.nn_ver3_, engine3 = self._neighbors(self.n_neighbors_ver3)
        k = int(self.nn_.n_neighbors)
        minority = layout.counter_minority()
        min_rows = layout.rows(minority)
        label = py_label(layout.labels[minority])
        check_class_size(label, len(min_rows), k, "n_neighbors", k)
        Xs = search_array(X)
        if _max_abs(Xs) >= 2.0**1022:
            # Differences of such values overflow: halve every value (exact
            # but for subnormals, which such a spread makes negligible).
            Xs = Xs * 0.5
        targeted = layout.targeted(self.sampling_strategy_)

        def keep(code):
            if not targeted[code]:
                return None
            n_keep = self.sampling_strategy_[layout.labels[code]]
            rows = layout.rows(code)
            if self.version == 1:
                _, dist = self._nearest(Xs, rows, min_rows, k, self.nn_, engine)
                order = np.argsort(dist.sum(axis=1), kind="stable")
            elif self.version == 2:
                if engine:
                    score = _farthest_sums(Xs, rows, min_rows, k)
                else:
                    _, dist = self._nearest(
                        Xs, rows, min_rows, len(min_rows), self.nn_, engine
                    )
                    score = dist[:, -k:].sum(axis=1)
                order = np.argsort(score, kind="stable")
            else:
                rows = self._version3_candidates(Xs, layout, code, rows, min_rows)
                _, dist = self._nearest(Xs, rows, min_rows, k, self.nn_, engine)
                order = np.argsort(-dist.sum(axis=1), kind="stable")
                if len(rows) < n_keep:
                    warnings.warn(
                        f"NearMiss-3 found {len(rows)} candidate rows of class "
                        f"{py_label(layout.labels[code])!r} (rows among the "
                        f"n_neighbors_ver3={self.n_neighbors_ver3} nearest of some "
                        f"minority row) but {n_keep} are wanted; all {len(rows)} "
                        "are kept. Raise n_neighbors_ver3 to reach the count.",
                        UserWarning,
                        stacklevel=6,
                    )
            return rows[order[:n_keep]]

        return by_class(layout, keep)

    def _version3_candidates(self, X, layout, code, rows, min_rows):
        """Rows of class ``code`` among the nearest of some minority row."""
        nn, engine = self.nn_ver3_, isinstance(self.n_neighbors_ver3, numbers.Integral)
        k3 = int(nn.n_neighbors)
        check_class_size(
            py_label(layout.labels[code]), len(rows), k3, "n_neighbors_ver3", k3
        )
        if engine:
            near = kneighbors(X[min_rows], X[rows], k3, n_jobs=self.n_jobs)
        else:
            near = clone(nn).fit(X[rows]).kneighbors(X[min_rows], return_distance=False)
        return rows[np.unique(near)]
