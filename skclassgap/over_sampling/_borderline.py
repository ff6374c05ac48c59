"""Borderline-SMOTE: oversample from the class rows whose neighbourhood is contested."""

import numpy as np
from sklearn.utils._param_validation import StrOptions

from skclassgap._kernels.sampling import _count_other
from skclassgap.over_sampling._base import (
    NEIGHBORS_CONSTRAINT,
    _BaseSyntheticSampler,
    _check_class_size,
    _n_neighbors,
)
from skclassgap.over_sampling._neighbors import class_neighbors, kneighbors


class BorderlineSMOTE(_BaseSyntheticSampler):
    """Borderline-SMOTE (kinds 1 and 2), with provenance.

    A row of the class is *in danger* when at least half, but not all, of its
    ``m_neighbors`` nearest rows in the whole data set belong to other classes
    (rows whose neighbours all belong to other classes are taken as noise).
    Synthetic rows are generated only from the danger set (Han et al., 2005):

    - ``kind="borderline-1"``: toward one of the ``k_neighbors`` nearest rows of
      the same class, gap uniform in ``[0, 1)``;
    - ``kind="borderline-2"``: toward one of the ``k_neighbors`` nearest rows of
      the whole data set; when that neighbour belongs to another class the gap
      is uniform in ``[0, 0.5)``, so the new row stays closer to the class.

    Neighbour searches are exact (as imbalanced-learn's, ties aside) and class
    counts equal imbalanced-learn's. A class with an empty danger set gets no
    synthetic rows, as in imbalanced-learn.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling, with
        imbalanced-learn's semantics (see :class:`SMOTE`).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.
    k_neighbors : int or estimator, default=5
        Neighbours to interpolate toward, or a neighbours estimator whose
        ``n_neighbors`` counts the row itself.
    n_jobs : int, default=None
        Threads of the exact neighbour search (``None``: as many as OpenMP
        would use, i.e. ``OMP_NUM_THREADS`` or every core; ``-1``: every
        core; passed to ``NearestNeighbors`` where that is used). Results do
        not depend on it.
    m_neighbors : int or estimator, default=10
        Neighbours, in the whole data set, that decide whether a row is in
        danger; or a neighbours estimator whose ``n_neighbors`` counts the row
        itself.
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
        Which variant to use.

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of synthetic rows asked for.
    danger_indices_ : dict
        Class label -> rows of ``X`` in the class's danger set.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Row of ``X`` copied by each output row; ``-1`` for synthetic rows.
    parents_ : ndarray of shape (n_synthetic,)
        Row of ``X`` (always in the danger set) each synthetic row grows from.
    neighbors_ : ndarray of shape (n_synthetic,)
        Row of ``X`` it moves toward.
    gaps_ : ndarray of shape (n_synthetic,)
        Interpolation gap (below 0.5 toward another class with kind 2).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTE : Oversample from every row of the class.
    ADASYN : Allocate synthetic rows by the share of other classes nearby.

    References
    ----------
    .. [1] H. Han, W.-Y. Wang, B.-H. Mao, "Borderline-SMOTE: a new
       over-sampling method in imbalanced data sets learning", ICIC 2005,
       LNCS 3644, 878-887.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.over_sampling import BorderlineSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> sampler = BorderlineSMOTE(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([898, 898])
    >>> bool(np.isin(sampler.parents_, sampler.danger_indices_[1]).all())
    True
    """

    _parameter_constraints: dict = {
        **_BaseSyntheticSampler._parameter_constraints,
        "k_neighbors": NEIGHBORS_CONSTRAINT,
        "m_neighbors": NEIGHBORS_CONSTRAINT,
        "kind": [StrOptions({"borderline-1", "borderline-2"})],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
        m_neighbors=10,
        kind="borderline-1",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.k_neighbors = k_neighbors
        self.m_neighbors = m_neighbors
        self.kind = kind

    def _before_classes(self, X, y_codes):
        self.danger_indices_ = {}

    def _pairs(self, X, y_codes, code, label, rows, n_new, seed):
        n = X.shape[0]
        m, m_estimator = _n_neighbors(self.m_neighbors)
        _check_class_size(None, n, m + 1, "m_neighbors", m)
        k, k_estimator = _n_neighbors(self.k_neighbors)
        n_ref = len(rows) if self.kind == "borderline-1" else n
        _check_class_size(
            label if self.kind == "borderline-1" else None,
            n_ref,
            k + 1,
            "k_neighbors",
            k,
        )

        # Built-in searches: one combined search gives the m nearest of the
        # whole set and the k nearest of the class (the class against itself,
        # then the other rows bounded by the class's m-th nearest distance);
        # Borderline-2's k nearest of the whole set are the first k of the
        # max(m, k) nearest.
        shared = m_estimator is None and k_estimator is None
        if shared:
            m_search = max(m, k) if self.kind == "borderline-2" else m
            all_nbrs, same_nbrs = class_neighbors(
                X, rows, m_search, k, n_jobs=self.n_jobs
            )
        else:
            all_nbrs = kneighbors(
                X[rows], X, m, exclude=rows, estimator=m_estimator, n_jobs=self.n_jobs
            )
        m_nbrs = np.ascontiguousarray(all_nbrs[:, :m])
        n_other = _count_other(m_nbrs, y_codes, code)
        danger = (2 * n_other >= m) & (n_other < m)
        self.danger_indices_[label] = rows[danger]
        if not danger.any():
            return None
        danger_rows = rows[danger]
        if self.kind == "borderline-1":
            if shared:
                return self._draw(danger_rows, same_nbrs[danger], n_new, seed)
            nbrs = kneighbors(
                X[danger_rows],
                X[rows],
                k,
                exclude=np.flatnonzero(danger),
                estimator=k_estimator,
                n_jobs=self.n_jobs,
            )
            return self._draw(danger_rows, rows[nbrs], n_new, seed)
        if shared:
            nbrs = all_nbrs[danger, :k]
        else:
            nbrs = kneighbors(
                X[danger_rows],
                X,
                k,
                exclude=danger_rows,
                estimator=k_estimator,
                n_jobs=self.n_jobs,
            )
        return self._draw(
            danger_rows, nbrs, n_new, seed, half_gap=y_codes[nbrs] != code
        )
