"""SMOTE: interpolate between a class row and one of its nearest same-class rows."""

from skclassgap.over_sampling._base import (
    NEIGHBORS_CONSTRAINT,
    NeighborSearch,
    _BaseSyntheticSampler,
    check_class_size,
    draw_pairs,
    neighbors_object,
)
from skclassgap.over_sampling._neighbors import kneighbors_within
from skclassgap.utils._docstring import shared_docs


@shared_docs
class SMOTE(_BaseSyntheticSampler):
    """Synthetic Minority Over-sampling Technique, with provenance.

    Each synthetic row of a class is ``x + g * (x_nn - x)``: ``x`` a row of the
    class drawn uniformly, ``x_nn`` one of its ``k_neighbors`` nearest rows of
    the same class (Euclidean, drawn uniformly) and ``g`` uniform in ``[0, 1)``
    (Chawla et al., 2002). The neighbour search is exact on any finite input
    (distances in exact arithmetic, equal distances to the lower row index),
    so the neighbour sets are those of imbalanced-learn's
    :class:`~imblearn.over_sampling.SMOTE` (ties aside), and the class counts
    are the same for every ``sampling_strategy``; the random draws differ.

    Unlike imbalanced-learn, every output row records where it came from
    (``sample_indices_``, ``parents_``, ``neighbors_``, ``gaps_``), which lets
    :class:`~skclassgap.compose.ResampledClassifier` carry ``sample_weight``
    through the resampling.

    Parameters
    ----------
    {over_sampling_strategy}
    {sampler_random_state}
    k_neighbors : int or estimator, default=5
        Number of nearest same-class neighbours to interpolate toward, or a
        neighbours estimator (``fit``/``kneighbors``; its ``n_neighbors`` counts
        the row itself, as in imbalanced-learn) used instead of the built-in
        search.
    {neighbor_n_jobs}

    Attributes
    ----------
    {over_sampling_strategy_}
    {synthetic_sample_indices_}
    {interpolation_provenance_}
    {nn_k_}
    {features_in_fit_resample_}

    See Also
    --------
    BorderlineSMOTE : Oversample only near the class border.
    ADASYN : More synthetic rows where the class is harder to learn.
    GaussianOverSampler : Draw from a Gaussian fitted to each class.
    skclassgap.compose.ResampledClassifier : Resample, then fit a classifier.

    Notes
    -----
    {sparse_input_note}

    {integer_rule_note}

    {dask_over_sampling_note}

    References
    ----------
    .. [1] {chawla2002}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.over_sampling import SMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> np.bincount(y)
    array([898, 102])
    >>> sampler = SMOTE(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([898, 898])
    >>> t = 0  # the first synthetic row lies between its parent and neighbour
    >>> p, nb, g = sampler.parents_[t], sampler.neighbors_[t], sampler.gaps_[t]
    >>> bool(np.allclose(X_res[len(X) + t], X[p] + g * (X[nb] - X[p])))
    True
    """

    _parameter_constraints: dict = {
        **_BaseSyntheticSampler._parameter_constraints,
        "k_neighbors": NEIGHBORS_CONSTRAINT,
    }
    _accept_sparse = True

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, k_neighbors=5, n_jobs=None
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.k_neighbors = k_neighbors

    def _prepare(self, X, y_codes):
        self.nn_k_ = neighbors_object(self.k_neighbors, "k_neighbors", self.n_jobs)

    def _generate(self, job):
        k, estimator = NeighborSearch.from_param(self.k_neighbors, self.nn_k_)
        check_class_size(job.label, len(job.rows), k + 1, "k_neighbors", k)
        nbrs = kneighbors_within(
            job.X[job.rows], k, estimator=estimator, n_jobs=self.n_jobs
        )
        return draw_pairs(job.rows, job.rows[nbrs], job.n_new, job.seed)
