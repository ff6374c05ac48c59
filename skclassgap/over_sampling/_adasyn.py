"""ADASYN: more synthetic rows where other classes crowd a class row."""

import numpy as np

from skclassgap.over_sampling._base import (
    NEIGHBORS_CONSTRAINT,
    NeighborSearch,
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


class NoOtherClassNeighborsError(ValueError, RuntimeError):
    """No row of a class has a neighbour of another class (ADASYN cannot weigh).

    Derives from both :class:`ValueError` and :class:`RuntimeError`:
    imbalanced-learn raises ``RuntimeError`` here, so code written for it keeps
    catching the error.
    """


@shared_docs
class ADASYN(_BaseSyntheticSampler):
    """Adaptive Synthetic sampling (ADASYN), with provenance.

    For every row ``i`` of the class, the density ratio ``r_i`` is the share of
    its ``n_neighbors`` nearest rows in the whole data set that belong to other
    classes, normalised to sum to one over the class (He et al., 2008; one
    class against the rest in the multiclass case). Row ``i`` then parents
    ``round(r_i * n_new)`` synthetic rows (NumPy's round-half-to-even, as
    imbalanced-learn does, so the class count may differ from the requested
    one by the rounding and equals imbalanced-learn's), each interpolated
    toward one of its ``n_neighbors`` nearest same-class rows with a gap
    uniform in ``[0, 1)``; the rows of a parent are consecutive (``parents_``
    is grouped by parent).

    Parameters
    ----------
    {over_sampling_strategy}
    {sampler_random_state}
    n_neighbors : int or estimator, default=5
        Neighbours used both for the density ratios and for interpolation, or
        a neighbours estimator whose ``n_neighbors`` counts the row itself.
    {neighbor_n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of synthetic rows asked for.
    {nn_}
    density_ratios_ : dict
        Class label -> normalised density ratio of each row of the class (in
        the order of the class's rows in ``X``).
    {synthetic_sample_indices_}
    {interpolation_provenance_}
    {features_in_fit_resample_}

    See Also
    --------
    SMOTE : Uniform allocation over the class rows.
    BorderlineSMOTE : Oversample from the danger set only.

    Notes
    -----
    Neighbour searches are exact on any finite input, so the density ratios
    and class counts equal imbalanced-learn's (ties aside).

    {sparse_input_note}

    {integer_rule_note}

    {dask_over_sampling_note}
    The nearest rows of the whole set of the gathered rows are found block
    by block (the other classes are never gathered); ``n_neighbors`` must
    then be an int.

    References
    ----------
    .. [1] H. He, Y. Bai, E. A. Garcia, S. Li, "ADASYN: Adaptive synthetic
       sampling approach for imbalanced learning", IJCNN 2008, 1322-1328.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.over_sampling import ADASYN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> sampler = ADASYN(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([898, 895])
    """

    _parameter_constraints: dict = {
        **_BaseSyntheticSampler._parameter_constraints,
        "n_neighbors": NEIGHBORS_CONSTRAINT,
    }
    _accept_sparse = True

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, n_neighbors=5, n_jobs=None
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.n_neighbors = n_neighbors

    def _prepare(self, X, y_codes):
        self.nn_ = neighbors_object(self.n_neighbors, "n_neighbors", self.n_jobs)
        self.density_ratios_ = {}

    def _check_whole_set(self, n_samples):
        k = NeighborSearch.from_param(self.n_neighbors, self.nn_).k
        check_class_size(None, n_samples, k + 1, "n_neighbors", k)

    def _whole_set_width(self):
        return NeighborSearch.from_param(self.n_neighbors, self.nn_).k

    def _whole_set_params(self):
        return {"n_neighbors": self.n_neighbors}

    def _generate(self, job):
        X, rows, label = job.X, job.rows, job.label
        k, estimator = NeighborSearch.from_param(self.n_neighbors, self.nn_)
        check_class_size(label, len(rows), k + 1, "n_neighbors", k)
        if job.whole_nbrs is not None:
            # Found beforehand (Dask input), as class_neighbors gives them.
            nbrs = job.whole_nbrs
            same = rows[kneighbors_within(X[rows], k, n_jobs=self.n_jobs)]
        elif estimator is None:
            # One combined search: the class against itself, then the other
            # rows bounded by the class's own k-th nearest distance.
            nbrs, same = class_neighbors(X, rows, k, k, n_jobs=self.n_jobs)
        else:
            nbrs = kneighbors(
                X[rows], X, k, exclude=rows, estimator=estimator, n_jobs=self.n_jobs
            )
        ratio = count_other(nbrs, job.y_codes, job.code) / k
        total = ratio.sum()
        if total == 0:
            raise NoOtherClassNeighborsError(
                f"ADASYN cannot oversample class {label!r}: none of its rows has a "
                f"neighbour of another class among its {k} nearest, so every "
                "density ratio is 0. Use SMOTE for this class, or a larger "
                "n_neighbors."
            )
        ratio = ratio / total
        self.density_ratios_[label] = ratio
        counts = np.rint(ratio * job.n_new).astype(np.int64)
        if counts.sum() == 0:
            raise ValueError(
                f"ADASYN would generate no rows for class {label!r}: {job.n_new} "
                "requested rows all round to 0 over its density ratios. Ask for "
                "more rows through sampling_strategy."
            )
        used = np.flatnonzero(counts)
        if estimator is None:
            within = same[used]
        else:
            local = kneighbors(
                X[rows[used]],
                X[rows],
                k,
                exclude=used,
                estimator=estimator,
                n_jobs=self.n_jobs,
            )
            within = rows[local]
        return draw_pairs(
            rows[used], within, int(counts.sum()), job.seed, repeats=counts[used]
        )
