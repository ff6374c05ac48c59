"""SMOTE-NC and SMOTE-N: SMOTE for mixed and for categorical tables."""

import math

import numpy as np
from scipy import sparse
from sklearn.base import clone

from skclassgap._compat import StrOptions
from skclassgap.over_sampling._base import (
    NEIGHBORS_CONSTRAINT,
    NeighborSearch,
    Synthetic,
    check_class_size,
    draw_pairs,
    neighbors_object,
)
from skclassgap.over_sampling._categorical import (
    majority_vote,
    median_std,
    smotenc_neighbors,
    vdm_distances,
    vdm_neighbors,
    vdm_tables,
    vdm_tables_from_counts,
)
from skclassgap.over_sampling._mixed import _MixedSyntheticSampler
from skclassgap.over_sampling._neighbors import kneighbors, kneighbors_within
from skclassgap.over_sampling._table import Table
from skclassgap.utils._docstring import shared_docs


def _vote_rng(seed):
    """Generator of the tie-breaking draws of a class (apart from the pair draws)."""
    return np.random.default_rng([seed, 1])


def _precomputed(nn):
    """A clone of a neighbours estimator set to take a distance matrix."""
    nn = clone(nn)
    if "metric" in nn.get_params():
        nn.set_params(metric="precomputed")
    return nn


def _vdm_prepare(table, y_codes):
    """The value difference metric's tables, from all rows (every class).

    A table that holds only some rows (Dask input: the gathered classes)
    carries the level x class counts of all rows in ``class_counts``.
    """
    if table.class_counts is not None:
        tables, offsets = vdm_tables_from_counts(table.class_counts)
        return tables, offsets, table.class_counts[0].shape[1]
    n_classes = int(y_codes.max()) + 1
    tables, offsets = vdm_tables(table.codes, y_codes, table.n_levels, n_classes)
    return tables, offsets, n_classes


def _smoten_generate(job, vdm, k, estimator, n_jobs):
    """SMOTE-N rows of one class (shared by SMOTEN and SMOTENC)."""
    tables, offsets, n_classes = vdm
    codes = job.X.codes[job.rows]
    n = len(job.rows)
    if estimator is None:
        nbrs = vdm_neighbors(codes, tables, offsets, n_classes, k, n_jobs=n_jobs)
    else:
        # The estimator gets the class's full distance matrix, as in
        # imbalanced-learn (n^2 memory: the built-in search avoids it).
        dist = vdm_distances(codes, tables, offsets, n_classes, np.arange(n))
        nbrs = kneighbors(
            dist,
            dist,
            k,
            exclude=np.arange(n, dtype=np.int64),
            estimator=_precomputed(estimator),
        )
    local = np.random.default_rng(job.seed).integers(0, n, size=job.n_new)
    voters = np.hstack([np.arange(n, dtype=np.int64)[:, None], nbrs])
    new_codes = majority_vote(codes, voters, local, _vote_rng(job.seed))
    parents = job.rows[local]
    return Synthetic(parents, parents.copy(), np.zeros(job.n_new), codes=new_codes)


def _onehot_rows(values, codes, n_levels, weight):
    """CSR rows ``[values, weight * one-hot(codes)]`` (imbalanced-learn's encoding).

    Only for a user's neighbours estimator: a differing categorical column
    adds ``2 * weight^2`` to the squared Euclidean distance. One stored entry
    per categorical column, never a dense rows x levels array.
    """
    n, q = codes.shape
    offsets = np.concatenate([[0], np.cumsum(n_levels)[:-1]]).astype(np.int64)
    onehot = sparse.csr_matrix(
        (
            np.full(n * q, weight),
            (codes + offsets).ravel(),
            np.arange(0, n * q + 1, q),
        ),
        shape=(n, int(np.sum(n_levels))),
    )
    return sparse.hstack([sparse.csr_matrix(values), onehot], format="csr")


@shared_docs
class SMOTENC(_MixedSyntheticSampler):
    """SMOTE for Nominal and Continuous features (SMOTE-NC), with provenance.

    For a table of continuous and categorical columns. Each synthetic row of a
    class grows from a row ``x`` of the class drawn uniformly and one of its
    ``k_neighbors`` nearest same-class rows ``x_nn`` (drawn uniformly):

    - nearness is the squared Euclidean distance over the continuous columns
      plus ``m^2`` for every categorical column where the two rows differ,
      ``m`` being the median over the continuous columns of their standard
      deviation within the class (Chawla et al., 2002, section 6.1; the same
      distance as imbalanced-learn's :class:`~imblearn.over_sampling.SMOTENC`,
      whose scaled one-hot encoding adds ``m^2`` per differing column);
    - continuous values are ``x + g * (x_nn - x)`` with ``g`` uniform in
      ``[0, 1)``, as in SMOTE;
    - each categorical value is the most frequent level of that column among
      the ``k_neighbors`` nearest rows of ``x`` (``x`` itself not counted, as
      in imbalanced-learn; the paper also counts ``x``). A tie is broken
      uniformly at random among the tied levels, reproducibly with
      ``random_state``.

    So every categorical value of a synthetic row is a level that its column
    holds within the class. The distance is computed from integer codes of the
    categorical columns, never from a one-hot encoding: peak extra memory is
    O(n_samples * n_features + output) whatever the number of levels (time
    is quadratic in the class size, as for SMOTE's exact search). The
    neighbour sets are those of imbalanced-learn (ties aside) and the class
    counts are the same for every ``sampling_strategy``; the random draws
    differ.

    Without any categorical column (e.g. a numeric array with
    ``categorical_features="auto"``), SMOTE-NC is SMOTE and the output equals
    that of :class:`SMOTE` with the same parameters, bit for bit and
    provenance included (imbalanced-learn raises instead). Without any
    continuous column it is SMOTE-N and the output equals that of
    :class:`SMOTEN` with the same parameters (``neighbors_`` then holds the
    parents and ``gaps_`` zeros). The provenance attributes describe the
    continuous columns.

    Parameters
    ----------
    {categorical_features}
    {over_sampling_strategy}
    random_state : int, RandomState instance or None, default=None
        Seed of the draws (parents, neighbours, gaps, then ties of the vote).
    k_neighbors : int or estimator, default=5
        Number of nearest same-class neighbours, or a neighbours estimator
        (``fit``/``kneighbors``; its ``n_neighbors`` counts the row itself)
        used instead of the built-in exact search; it then gets
        imbalanced-learn's encoding of the class's rows (continuous columns
        next to a sparse one-hot scaled by ``m / sqrt(2)``).
    {neighbor_n_jobs}

    Attributes
    ----------
    {mixed_features_}
    median_std_ : dict
        Class label -> ``m``, the median standard deviation of its continuous
        columns (classes that were oversampled, when there are continuous
        columns).
    {over_sampling_strategy_}
    {synthetic_sample_indices_}
    {interpolation_provenance_}
    {nn_k_}
    {features_in_fit_resample_}

    See Also
    --------
    SMOTEN : SMOTE for tables of categorical columns only.
    SMOTE : SMOTE for continuous columns only.
    GaussianOverSampler : Gaussian draws; categorical columns from the class.
    skclassgap.compose.ResampledClassifier : Resample, then fit a classifier.

    Notes
    -----
    {integer_rule_note}
    A categorical column keeps its dtype and levels (a category column its
    categories, strings stay strings, bools stay bools), a DataFrame comes
    back with a fresh ``RangeIndex``, and a NumPy object or string array
    keeps its dtype (in an object array, a continuous column of integers
    gets integers). Missing values are refused, naming the column: fill
    them first (a categorical column can take a level ``"missing"``).
    Continuous columns are not rescaled (as in the paper and
    imbalanced-learn): standardise columns of very different units first,
    or they dominate the distance.

    {dask_over_sampling_note}
    Categorical columns of Dask input come from a Dask DataFrame (its
    category, string, object and bool columns with ``"auto"``); their levels
    are ordered by their first appearance over all rows, as in memory. The
    input partitions keep their index; synthetic rows are numbered on from
    the number of input rows.

    :class:`~skclassgap.compose.ResampledClassifier` gives a synthetic row the
    weight at its point on the continuous segment, ``(1 - g) * w[parent] + g
    * w[neighbor]``; the categorical vote does not enter the weight.

    References
    ----------
    .. [1] {chawla2002}

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skclassgap.over_sampling import SMOTENC
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({
    ...     "size": rng.normal(size=60),
    ...     "colour": pd.Categorical(rng.choice(["red", "green", "blue"], 60)),
    ... })
    >>> y = np.r_[[0] * 50, [1] * 10]
    >>> sampler = SMOTENC(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([50, 50])
    >>> X_res.dtypes.tolist() == X.dtypes.tolist()
    True
    >>> new = X_res.iloc[60:]  # synthetic rows take levels of class 1's rows
    >>> bool(new["colour"].isin(X["colour"][y == 1]).all())
    True
    """

    _parameter_constraints: dict = {
        **_MixedSyntheticSampler._parameter_constraints,
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "k_neighbors": NEIGHBORS_CONSTRAINT,
    }
    # SMOTE-N's value difference tables: built per run, dropped after it.
    _transient_attributes = ("_vdm",)

    def __init__(
        self,
        categorical_features="auto",
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_jobs=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.categorical_features = categorical_features
        self.k_neighbors = k_neighbors

    def _prepare(self, X, y_codes):
        self.nn_k_ = neighbors_object(self.k_neighbors, "k_neighbors", self.n_jobs)
        self.median_std_ = {}
        self._vdm = None
        if isinstance(X, Table) and X.values.shape[1] == 0:
            self._vdm = _vdm_prepare(X, y_codes)

    def _generate(self, job):
        k, estimator = NeighborSearch.from_param(self.k_neighbors, self.nn_k_)
        check_class_size(job.label, len(job.rows), k + 1, "k_neighbors", k)
        if self._vdm is not None:
            return _smoten_generate(job, self._vdm, k, estimator, self.n_jobs)
        table = job.X if isinstance(job.X, Table) else None
        values = (table.values if table is not None else job.X)[job.rows]
        m = median_std(values)
        self.median_std_[job.label] = m
        codes = None if table is None else table.codes[job.rows]
        if estimator is not None and codes is not None and codes.shape[1]:
            rows = _onehot_rows(
                np.asarray(values, dtype=np.float64),
                codes,
                table.n_levels,
                m / math.sqrt(2.0),
            )
            nbrs = kneighbors(
                rows,
                rows,
                k,
                exclude=np.arange(len(job.rows), dtype=np.int64),
                estimator=estimator,
            )
        elif codes is None or codes.shape[1] == 0 or m == 0.0:
            nbrs = kneighbors_within(values, k, estimator=estimator, n_jobs=self.n_jobs)
        else:
            nbrs = smotenc_neighbors(values, codes, m, k, n_jobs=self.n_jobs)
        pairs = draw_pairs(job.rows, job.rows[nbrs], job.n_new, job.seed)
        if codes is None or codes.shape[1] == 0:
            return pairs
        local = np.searchsorted(job.rows, pairs.parents)
        new_codes = majority_vote(codes, nbrs, local, _vote_rng(job.seed))
        return pairs._replace(codes=new_codes)


@shared_docs
class SMOTEN(_MixedSyntheticSampler):
    """SMOTE for Nominal features (SMOTE-N), with provenance.

    For a table whose every column is categorical. Each synthetic row of a
    class starts from a row ``x`` of the class drawn uniformly; each of its
    values is the most frequent level of that column among ``x`` and its
    ``k_neighbors`` nearest same-class rows (Chawla et al., 2002, section
    6.2, and imbalanced-learn's :class:`~imblearn.over_sampling.SMOTEN`),
    a tie broken uniformly at random among the tied levels, reproducibly with
    ``random_state``. Nearness is the value difference metric (Stanfill and
    Waltz, 1986; Cost and Salzberg, 1993) with imbalanced-learn's default
    exponents:

    ``d(x, x') = sum_f (sum_c |P(c | x_f) - P(c | x'_f)|)^2``

    where ``P(c | v)`` is the share of class ``c`` among all rows (of every
    class) whose column ``f`` holds level ``v``. The distances are computed
    from integer codes, pair by pair: no one-hot encoding and no class x class
    distance matrix is built, so peak extra memory is O(n_samples *
    n_features + output) whatever the number of levels. The neighbour sets are
    those of imbalanced-learn (ties aside; categorical data have many) and the
    class counts are the same for every ``sampling_strategy``.

    Every column is taken as categorical, whatever its dtype. There is no
    ``categorical_encoder`` parameter (imbalanced-learn's SMOTEN has one):
    levels are read from the columns themselves (a category column's own
    categories, ``pandas.factorize`` otherwise) and the output keeps every
    column's dtype, so an encoder has nothing to add.

    Parameters
    ----------
    {over_sampling_strategy}
    random_state : int, RandomState instance or None, default=None
        Seed of the draws (parents, then ties of the vote).
    k_neighbors : int or estimator, default=5
        Number of nearest same-class neighbours, or a neighbours estimator
        (its ``n_neighbors`` counts the row itself); an estimator is set to
        ``metric="precomputed"`` and gets the class's full distance matrix,
        as in imbalanced-learn (memory quadratic in the class size; the
        built-in search needs none).
    {neighbor_n_jobs}

    Attributes
    ----------
    categorical_features_ : ndarray of shape (n_features_in_,)
        Indices of the categorical columns (all of them).
    continuous_features_ : ndarray of shape (0,)
        No continuous column.
    {over_sampling_strategy_}
    {synthetic_sample_indices_}
    parents_ : ndarray of shape (n_synthetic,)
        Row of ``X`` each synthetic row starts from.
    neighbors_ : ndarray of shape (n_synthetic,)
        The parent again: a synthetic row stands for its parent.
    gaps_ : ndarray of shape (n_synthetic,)
        All 0.
    nn_k_ : estimator object
        The validated ``k_neighbors``: a ``NearestNeighbors`` with
        ``n_neighbors = k_neighbors + 1`` and ``metric="precomputed"`` for an
        int (as imbalanced-learn stores it; the built-in search is used
        then), or a clone of the given estimator.
    {features_in_fit_resample_}

    See Also
    --------
    SMOTENC : SMOTE for tables of continuous and categorical columns.
    skclassgap.compose.ResampledClassifier : Resample, then fit a classifier.

    Notes
    -----
    Output: pandas in, pandas out with every column's dtype kept (integer,
    nullable and boolean columns included: their synthetic values are levels
    of the column) and a fresh ``RangeIndex``; a NumPy array keeps its dtype.
    Missing values are refused, naming the column. Ties among neighbours are
    broken toward the lower row index. With ``parents_ == neighbors_`` and
    ``gaps_ == 0``, :class:`~skclassgap.compose.ResampledClassifier` gives a
    synthetic row its parent's ``sample_weight``.

    {dask_over_sampling_note}
    Dask DataFrames are taken as by :class:`SMOTENC`; the value difference
    metric's level x class counts are added up block by block.

    References
    ----------
    .. [1] {chawla2002}
    .. [2] C. Stanfill, D. Waltz, "Toward memory-based reasoning",
       Communications of the ACM 29(12), 1213-1228, 1986.
    .. [3] S. Cost, S. Salzberg, "A weighted nearest neighbor algorithm for
       learning with symbolic features", Machine Learning 10, 57-78, 1993.

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.over_sampling import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 30, dtype=object)
    >>> X = X.reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40)
    >>> X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([40, 40])
    >>> sorted(set(X_res[60:, 0]))  # levels of class 0's rows only
    ['A', 'B']
    """

    _parameter_constraints: dict = {
        **_MixedSyntheticSampler._parameter_constraints,
        "k_neighbors": NEIGHBORS_CONSTRAINT,
    }
    # SMOTE-N's value difference tables: built per run, dropped after it.
    _transient_attributes = ("_vdm",)

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, k_neighbors=5, n_jobs=None
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.k_neighbors = k_neighbors

    def _categorical_spec(self):
        return "all"

    def _prepare(self, X, y_codes):
        nn = neighbors_object(self.k_neighbors, "k_neighbors", self.n_jobs)
        self.nn_k_ = _precomputed(nn)
        self._vdm = _vdm_prepare(X, y_codes)

    def _generate(self, job):
        k, estimator = NeighborSearch.from_param(self.k_neighbors, self.nn_k_)
        check_class_size(job.label, len(job.rows), k + 1, "k_neighbors", k)
        return _smoten_generate(job, self._vdm, k, estimator, self.n_jobs)
