"""Borderline-SMOTE: oversample from the class rows whose neighbourhood is contested."""

import numpy as np

from skclassgap._compat import StrOptions
from skclassgap.over_sampling._base import (
    NEIGHBORS_CONSTRAINT,
    NeighborSearch,
    Synthetic,
    _BaseSyntheticSampler,
    check_class_size,
    count_other,
    draw_pairs,
    neighbors_object,
)
from skclassgap.over_sampling._neighbors import (
    class_neighbors,
    kneighbors,
    kneighbors_within,
)
from skclassgap.utils._docstring import shared_docs


@shared_docs
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

    Neighbour searches are exact on any finite input (the sets are
    imbalanced-learn's, ties aside) and class counts equal
    imbalanced-learn's. A class with an empty danger set gets no synthetic
    rows, as in imbalanced-learn.

    Parameters
    ----------
    {over_sampling_strategy}
    {sampler_random_state}
    k_neighbors : int or estimator, default=5
        Neighbours to interpolate toward, or a neighbours estimator whose
        ``n_neighbors`` counts the row itself.
    {neighbor_n_jobs}
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
    in_danger_indices : dict
        imbalanced-learn's form of the same: only the classes whose danger
        set is not empty.
    {nn_m_}
    {nn_k_}
    {synthetic_sample_indices_}
    {interpolation_provenance_}
    {features_in_fit_resample_}

    See Also
    --------
    SMOTE : Oversample from every row of the class.
    ADASYN : Allocate synthetic rows by the share of other classes nearby.

    Notes
    -----
    {sparse_input_note}

    {integer_rule_note}

    {dask_over_sampling_note}
    The ``m_neighbors`` nearest rows of the whole set of the gathered rows
    are found block by block (the other classes are never gathered), and
    neighbour parameters searched over the whole set must then be integers.

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
    _accept_sparse = True
    _class_rows_attributes = ("danger_indices_", "in_danger_indices")

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

    def _prepare(self, X, y_codes):
        self.nn_m_ = neighbors_object(self.m_neighbors, "m_neighbors", self.n_jobs)
        self.nn_k_ = neighbors_object(self.k_neighbors, "k_neighbors", self.n_jobs)
        self.danger_indices_ = {}
        self.in_danger_indices = {}

    def _check_whole_set(self, n_samples):
        m = NeighborSearch.from_param(self.m_neighbors, self.nn_m_).k
        check_class_size(None, n_samples, m + 1, "m_neighbors", m)
        if self.kind == "borderline-2":
            k = NeighborSearch.from_param(self.k_neighbors, self.nn_k_).k
            check_class_size(None, n_samples, k + 1, "k_neighbors", k)

    def _whole_set_width(self):
        m = NeighborSearch.from_param(self.m_neighbors, self.nn_m_).k
        if self.kind == "borderline-2":
            return max(m, NeighborSearch.from_param(self.k_neighbors, self.nn_k_).k)
        return m

    def _whole_set_params(self):
        # Borderline-2 interpolates toward the whole set's k nearest too.
        if self.kind == "borderline-2":
            return {"m_neighbors": self.m_neighbors, "k_neighbors": self.k_neighbors}
        return {"m_neighbors": self.m_neighbors}

    def _generate(self, job):
        X, rows = job.X, job.rows
        m, m_estimator = NeighborSearch.from_param(self.m_neighbors, self.nn_m_)
        k, k_estimator = NeighborSearch.from_param(self.k_neighbors, self.nn_k_)
        if self.kind == "borderline-1":
            check_class_size(job.label, len(rows), k + 1, "k_neighbors", k)

        # Built-in searches: one combined search gives the m nearest of the
        # whole set and the k nearest of the class (the class against itself,
        # then the other rows bounded by the class's m-th nearest distance);
        # Borderline-2's k nearest of the whole set are the first k of the
        # max(m, k) nearest.
        shared = m_estimator is None and k_estimator is None
        if job.whole_nbrs is not None:
            # Found beforehand (Dask input): the max(m, k) (kind 2) or m
            # nearest of the whole set, as class_neighbors gives them.
            all_nbrs = job.whole_nbrs
            same_nbrs = None
            if shared and self.kind == "borderline-1":
                same_nbrs = rows[kneighbors_within(X[rows], k, n_jobs=self.n_jobs)]
        elif shared:
            m_search = max(m, k) if self.kind == "borderline-2" else m
            all_nbrs, same_nbrs = class_neighbors(
                X, rows, m_search, k, n_jobs=self.n_jobs
            )
        else:
            all_nbrs = kneighbors(
                X[rows], X, m, exclude=rows, estimator=m_estimator, n_jobs=self.n_jobs
            )
        n_other = count_other(all_nbrs[:, :m], job.y_codes, job.code)
        danger = (2 * n_other >= m) & (n_other < m)
        danger_rows = rows[danger]
        self.danger_indices_[job.label] = danger_rows
        if not danger.any():
            return Synthetic.empty()
        self.in_danger_indices[job.label] = danger_rows
        if self.kind == "borderline-1":
            if shared:
                nbrs = same_nbrs[danger]
            else:
                local = kneighbors(
                    X[danger_rows],
                    X[rows],
                    k,
                    exclude=np.flatnonzero(danger),
                    estimator=k_estimator,
                    n_jobs=self.n_jobs,
                )
                nbrs = rows[local]
            return draw_pairs(danger_rows, nbrs, job.n_new, job.seed)
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
        half_gap = job.y_codes[nbrs] != job.code
        return draw_pairs(danger_rows, nbrs, job.n_new, job.seed, half_gap=half_gap)
