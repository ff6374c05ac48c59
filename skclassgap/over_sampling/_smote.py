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
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling, with
        imbalanced-learn's semantics: a float is the wanted minority/majority
        ratio (binary only); ``"minority"``, ``"not minority"``,
        ``"not majority"``, ``"all"``, ``"auto"`` (= ``"not majority"``) name the
        classes to equalise with the majority; a dict maps class to wanted
        count; a callable takes ``y`` and returns such a dict.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws. An int gives the same rows on every run.
    k_neighbors : int or estimator, default=5
        Number of nearest same-class neighbours to interpolate toward, or a
        neighbours estimator (``fit``/``kneighbors``; its ``n_neighbors`` counts
        the row itself, as in imbalanced-learn) used instead of the built-in
        search.
    n_jobs : int, default=None
        Threads of the exact neighbour search (``None``: as many as OpenMP
        would use, i.e. ``OMP_NUM_THREADS`` or every core; ``-1``: every
        core; passed to ``NearestNeighbors`` where that is used). Results do
        not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of synthetic rows generated.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Row of ``X`` copied by each output row; ``-1`` for synthetic rows (the
        input rows come first, in order, then the synthetic ones).
    parents_ : ndarray of shape (n_synthetic,)
        Row of ``X`` each synthetic row grows from.
    neighbors_ : ndarray of shape (n_synthetic,)
        Row of ``X`` (a same-class nearest neighbour of the parent) it moves
        toward.
    gaps_ : ndarray of shape (n_synthetic,)
        Interpolation gap ``g`` in ``[0, 1)``.
    nn_k_ : estimator object
        The validated ``k_neighbors``, as imbalanced-learn stores it: a
        :class:`~sklearn.neighbors.NearestNeighbors` with ``n_neighbors =
        k_neighbors + 1`` (the row itself counted) for an int, or a clone of
        the given estimator. The built-in exact search is used for an int.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    BorderlineSMOTE : Oversample only near the class border.
    ADASYN : More synthetic rows where the class is harder to learn.
    GaussianOverSampler : Draw from a Gaussian fitted to each class.
    skclassgap.compose.ResampledClassifier : Resample, then fit a classifier.

    Notes
    -----
    Sparse CSR (and CSC) input is accepted and returned as CSR. ``float32``
    input stays ``float32`` (interpolation runs in ``float64``).

    Dask arrays and DataFrames are accepted (with the ``dask`` extra): the
    rows of the classes to oversample are gathered (within a memory budget,
    the Dask setting ``"skclassgap.gather-budget"``, default 2 GiB), the
    output is a Dask collection of the input's blocks followed by the
    synthetic rows as new blocks, and it equals the in-memory output row for
    row for the same ``random_state``, whatever the partitioning.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
       synthetic minority over-sampling technique", Journal of Artificial
       Intelligence Research 16, 321-357, 2002.

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
