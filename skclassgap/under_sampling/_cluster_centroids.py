"""Cluster centroids: replace a class by the centroids of k-means clusters."""

import numpy as np
import pandas as pd
from imblearn.under_sampling.base import BaseUnderSampler
from scipy import sparse
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.preprocessing import label_binarize

from skclassgap._compat import HasMethods, StrOptions
from skclassgap.over_sampling._neighbors import kneighbors
from skclassgap.under_sampling._base import _RowSampler, search_array


def _column(values, dtype):
    """Centroid values in a column's dtype (integers and booleans rounded)."""
    kind = dtype.subtype if isinstance(dtype, pd.SparseDtype) else dtype
    if pd.api.types.is_integer_dtype(kind) or pd.api.types.is_bool_dtype(kind):
        values = np.rint(values)
    if isinstance(dtype, np.dtype):
        return values.astype(dtype)
    return pd.array(values.astype(np.float64)).astype(dtype)


class ClusterCentroids(_RowSampler, BaseUnderSampler):
    """Under-sample by replacing a class with the centroids of its clusters.

    Each class named by ``sampling_strategy`` is clustered into as many
    clusters as rows wanted (k-means by default; any clusterer with an
    ``n_clusters`` parameter and ``cluster_centers_``, e.g.
    :class:`~sklearn.cluster.MiniBatchKMeans`); the class is replaced by the
    centroids (``voting="soft"``) or by the row of the class nearest to each
    centroid (``"hard"``, exact search, ties to the lower row). Rows come
    back grouped by class (sorted labels), as in imbalanced-learn.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling (see
        :class:`RandomUnderSampler`).
    random_state : int, RandomState instance or None, default=None
        Seed of the default k-means.
    estimator : clusterer, default=None
        Clusterer with an ``n_clusters`` parameter; None means
        ``KMeans(random_state=random_state)``.
    voting : {"auto", "hard", "soft"}, default="auto"
        ``"soft"``: centroids; ``"hard"``: nearest rows of the class;
        ``"auto"``: hard for sparse input, soft otherwise.

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of rows kept, for the reduced classes.
    estimator_ : clusterer
        The clusterer, fitted on the last reduced class.
    voting_ : str
        The voting used.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Row of ``X`` each output row is; ``-1`` for a centroid (soft voting).
        imbalanced-learn's sampler has no such attribute.
    parents_, neighbors_ : ndarray of shape (n_centroids,)
        ``-1`` for every centroid (no row to interpolate from), so that
        :class:`~skclassgap.compose.ResampledClassifier` gives a centroid the
        mean ``sample_weight`` of its class's rows.
    gaps_ : ndarray of shape (n_centroids,)
        NaN for every centroid.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    RandomUnderSampler : Keep a random subset instead.

    Notes
    -----
    A DataFrame comes back as a DataFrame with its dtypes (centroids of
    integer and boolean columns rounded) and, when centroids are present, a
    fresh RangeIndex.

    Dask input is refused with a ``TypeError``: it fits its clusterer on each
    class's rows in one process.

    References
    ----------
    .. [1] S.-J. Yen, Y.-S. Lee, "Cluster-based under-sampling approaches for
       imbalanced data distributions", Expert Systems with Applications 36(3),
       5718-5727, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import MiniBatchKMeans
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import ClusterCentroids
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> sampler = ClusterCentroids(
    ...     estimator=MiniBatchKMeans(n_init=1, random_state=0), random_state=0
    ... )
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res), int((sampler.sample_indices_ == -1).sum())
    (array([50, 50]), 50)
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict"]), None],
        "voting": [StrOptions({"auto", "hard", "soft"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        estimator=None,
        voting="auto",
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.estimator = estimator
        self.voting = voting

    _dask_refusal = "it fits its clusterer on each class's rows in one process"

    def _validate_estimator(self):
        if self.estimator is None:
            self.estimator_ = KMeans(random_state=self.random_state)
        else:
            self.estimator_ = clone(self.estimator)
            if "n_clusters" not in self.estimator_.get_params():
                raise ValueError(
                    "`estimator` should be a clustering estimator exposing a "
                    "parameter `n_clusters` and a fitted parameter "
                    "`cluster_centers_`. Got "
                    f"{type(self.estimator_).__name__}, without n_clusters."
                )

    def _select(self, X, layout):
        self._validate_estimator()
        if self.voting == "auto":
            self.voting_ = "hard" if sparse.issparse(X) else "soft"
        else:
            self.voting_ = self.voting
        targeted = layout.targeted(self.sampling_strategy_)
        Xs = search_array(X)
        indices, centers, labels = [], [], []
        for code in range(len(layout.labels)):
            rows = layout.rows(code)
            if not targeted[code]:
                indices.append(rows)
                continue
            n_keep = self.sampling_strategy_[layout.labels[code]]
            self.estimator_.set_params(n_clusters=n_keep)
            self.estimator_.fit(X[rows])
            found = getattr(self.estimator_, "cluster_centers_", None)
            if found is None:
                raise RuntimeError(
                    "`estimator` should be a clustering estimator exposing a fitted "
                    f"parameter `cluster_centers_`. {type(self.estimator_).__name__} "
                    "has none after fit."
                )
            found = np.asarray(found)
            if self.voting_ == "hard":
                centers_X = sparse.csr_matrix(found) if sparse.issparse(Xs) else found
                nearest = kneighbors(search_array(centers_X), Xs[rows], 1)[:, 0]
                indices.append(rows[nearest])
            else:
                indices.append(np.full(len(found), -1, dtype=np.int64))
                centers.append(found)
                labels.append(np.repeat(layout.labels[code], len(found)))
        self._centers = (
            np.vstack(centers) if centers else np.zeros((0, X.shape[1]), dtype=X.dtype)
        )
        self._center_labels = np.concatenate(labels) if labels else None
        n_centers = len(self._centers)
        self.parents_ = np.full(n_centers, -1, dtype=np.int64)
        self.neighbors_ = np.full(n_centers, -1, dtype=np.int64)
        self.gaps_ = np.full(n_centers, np.nan)
        return np.concatenate(indices)

    def _output(self, X_in, y_in, X, y, binarize_y):
        centers = self._centers
        del self._centers
        if not len(centers):
            return super()._output(X_in, y_in, X, y, binarize_y)
        indices = self.sample_indices_
        is_center = indices < 0
        # Labels of the output rows: centroids follow their class's order.
        y_out = np.empty(len(indices), dtype=y.dtype)
        y_out[~is_center] = y[indices[~is_center]]
        y_out[is_center] = self._center_labels
        del self._center_labels
        X_out = self._rows_and_centers(X_in, X, indices, is_center, centers)
        index = X_out.index if isinstance(X_out, pd.DataFrame) else None
        if binarize_y:
            y_res = label_binarize(y_out, classes=np.unique(y))
        elif isinstance(y_in, pd.Series):
            y_res = pd.Series(y_out, index=index, name=y_in.name).astype(y_in.dtype)
        elif isinstance(y_in, pd.DataFrame):
            y_res = pd.DataFrame({y_in.columns[0]: y_out}, index=index)
        elif isinstance(y_in, list):
            y_res = y_out.tolist()
        else:
            y_res = y_out
        return X_out, y_res

    @staticmethod
    def _rows_and_centers(X_in, X, indices, is_center, centers):
        """Output rows: input rows where ``indices >= 0``, centroids elsewhere,
        in the input's format."""
        if isinstance(X_in, pd.DataFrame):
            at_rows, at_centers = np.flatnonzero(~is_center), np.flatnonzero(is_center)
            columns = {}
            for j, dtype in enumerate(X_in.dtypes):
                rows = X_in.iloc[indices[at_rows], j].set_axis(at_rows)
                new = pd.Series(_column(centers[:, j], dtype), index=at_centers)
                columns[j] = pd.concat([rows, new.astype(dtype)]).sort_index()
            out = pd.DataFrame(columns)
            out.columns = X_in.columns
            out.index = pd.RangeIndex(len(indices))
            return out
        if sparse.issparse(X):
            rows = sparse.csr_matrix(X)[np.maximum(indices, 0)].tolil()
            rows[np.flatnonzero(is_center)] = centers
            return rows.asformat(X.format)
        out = np.empty((len(indices), X.shape[1]), dtype=X.dtype)
        out[~is_center] = X[indices[~is_center]]
        out[is_center] = centers
        return out.tolist() if isinstance(X_in, list) else out
