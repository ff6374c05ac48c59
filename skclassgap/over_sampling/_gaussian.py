"""Gaussian over-sampling: draw new rows of a class from a Gaussian fitted to it."""

import numbers

import numpy as np
from sklearn.covariance import ledoit_wolf_shrinkage

from skclassgap._compat import Interval, StrOptions
from skclassgap.over_sampling._base import Synthetic
from skclassgap.over_sampling._mixed import _MixedSyntheticSampler
from skclassgap.over_sampling._table import Table
from skclassgap.utils._docstring import shared_docs


def _shrink(cov, coef):
    """``(1 - coef) * cov + coef * mean(diag(cov)) * I``."""
    d = cov.shape[0]
    mu = np.trace(cov) / d
    out = (1.0 - coef) * cov
    out.flat[:: d + 1] += coef * mu
    return out


@shared_docs
class GaussianOverSampler(_MixedSyntheticSampler):
    """Draw synthetic rows of a class from a Gaussian fitted to that class.

    For each class to oversample, the mean ``mu_c`` and a covariance ``S_c`` are
    estimated and new rows are drawn from ``N(mu_c, S_c)``. This is our reading
    of distribution-calibration methods for tail classes (e.g. Yang et al.,
    2021; RCAL), which describe a rare class by a Gaussian in a feature space
    and sample from it: it suits frozen embeddings from a pretrained encoder,
    where classes are roughly Gaussian blobs and interpolation between a few
    rows (SMOTE) explores little of the class's spread. ``covariance="pooled"``
    borrows the shape of the well-populated classes for a rare one, in the
    spirit of calibrating tail statistics with head statistics.

    Parameters
    ----------
    {over_sampling_strategy}
    {sampler_random_state}
    n_jobs : int, default=None
        Accepted for a uniform interface; unused.
    covariance : {"class", "pooled", "diag"}, default="class"
        ``"class"``: covariance of the class's rows; ``"pooled"``: pooled
        within-class covariance of all classes (each centred on its own mean);
        ``"diag"``: the class's per-feature variances only.
    shrinkage : "ledoit_wolf", float in [0, 1] or None, default="ledoit_wolf"
        Shrinkage of the covariance toward ``mean(variances) * I``: the
        Ledoit-Wolf coefficient (estimated on the rows the covariance comes
        from), a fixed coefficient, or none.
    {categorical_features}
        The Gaussian is fitted to the continuous columns only; see Notes.

    Attributes
    ----------
    {over_sampling_strategy_}
    means_ : dict
        Class label -> fitted mean of the continuous columns, ndarray of shape
        (n_continuous,).
    covariances_ : dict
        Class label -> covariance used, ndarray of shape (n_continuous,
        n_continuous).
    {mixed_features_}
    {synthetic_sample_indices_}
    parents_, neighbors_ : ndarray of shape (n_synthetic,)
        All ``-1``: Gaussian rows have no parent row.
    gaps_ : ndarray of shape (n_synthetic,)
        All NaN.
    {features_in_fit_resample_}

    See Also
    --------
    SMOTE : Interpolate between rows of the class.

    Notes
    -----
    With ``covariance="class"`` a class needs at least 2 rows.
    :class:`~skclassgap.compose.ResampledClassifier` gives a Gaussian row the
    mean ``sample_weight`` of the original rows of its class.

    Mixed tables: the continuous columns of a synthetic row are drawn from the
    Gaussian fitted to the class's continuous columns; its categorical
    columns are copied, together, from one row of the class drawn uniformly
    (independently of the Gaussian draw). Each categorical column thus follows
    the class's empirical frequencies, only levels the class holds appear,
    and combinations of levels that never occur together in the class are
    never produced. Missing categorical values are refused, naming the
    column.

    {integer_rule_note}

    {dask_over_sampling_note}
    Dask input takes ``covariance="class"`` or ``"diag"``; the Gaussian draws
    of a class are made on the client, in one go (as in memory, so that the
    random stream is the same). ``covariance="pooled"`` would need every
    class's rows and is refused on Dask input.

    References
    ----------
    .. [1] S. Yang, L. Liu, M. Xu, "Free lunch for few-shot learning:
       distribution calibration", ICLR 2021.
    .. [2] O. Ledoit, M. Wolf, "A well-conditioned estimator for
       large-dimensional covariance matrices", Journal of Multivariate
       Analysis 88(2), 365-411, 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.over_sampling import GaussianOverSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> sampler = GaussianOverSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([898, 898])
    >>> sampler.covariances_[1].shape
    (20, 20)

    On a mixed table, categorical columns come from rows of the class:

    >>> import pandas as pd
    >>> X_mixed = pd.DataFrame({"x": X[:, 0], "kind": np.where(X[:, 1] > 0, "a", "b")})
    >>> X_res, y_res = sampler.fit_resample(X_mixed, y)
    >>> X_res.dtypes.equals(X_mixed.dtypes)
    True
    >>> bool(X_res["kind"].iloc[len(X):].isin(X_mixed["kind"][y == 1]).all())
    True
    """

    _parameter_constraints: dict = {
        **_MixedSyntheticSampler._parameter_constraints,
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "covariance": [StrOptions({"class", "pooled", "diag"})],
        "shrinkage": [
            StrOptions({"ledoit_wolf"}),
            Interval(numbers.Real, 0, 1, closed="both"),
            None,
        ],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        n_jobs=None,
        covariance="class",
        shrinkage="ledoit_wolf",
        categorical_features="auto",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.covariance = covariance
        self.shrinkage = shrinkage
        self.categorical_features = categorical_features

    def _check_dask_support(self):
        if self.covariance == "pooled":
            raise ValueError(
                f"{type(self).__name__}(covariance='pooled') pools the rows of every "
                "class, which Dask input does not gather. Use covariance='class' or "
                "'diag' with Dask input, or compute the data into memory."
            )

    def _prepare(self, X, y_codes):
        self.means_, self.covariances_ = {}, {}
        self._pooled = None
        if isinstance(X, Table):
            X = X.values
        if self.covariance == "pooled" and X.shape[1]:
            X64 = np.asarray(X, dtype=np.float64)
            n_classes = int(y_codes.max()) + 1
            counts = np.bincount(y_codes, minlength=n_classes)
            means = np.zeros((n_classes, X.shape[1]))
            np.add.at(means, y_codes, X64)
            means /= counts[:, None]
            centred = X64 - means[y_codes]
            dof = X.shape[0] - n_classes
            if dof < 1:
                raise ValueError(
                    "covariance='pooled' needs more rows than classes; got "
                    f"{X.shape[0]} rows in {n_classes} classes."
                )
            self._pooled = self._shrunk(centred, dof)

    def _shrunk(self, centred, dof):
        cov = centred.T @ centred / dof
        if self.covariance == "diag":
            cov = np.diag(np.diag(cov))
        if self.shrinkage == "ledoit_wolf":
            coef = (
                ledoit_wolf_shrinkage(centred, assume_centered=True)
                if len(centred) > 1
                else 1.0
            )
        else:
            coef = 0.0 if self.shrinkage is None else float(self.shrinkage)
        return _shrink(cov, coef) if coef > 0 else cov

    def _generate(self, job):
        X, rows, label, n_new = job.X, job.rows, job.label, job.n_new
        table = X if isinstance(X, Table) else None
        if table is not None:
            X = table.values
        X_class = np.asarray(X[rows], dtype=np.float64)
        mean = X_class.mean(axis=0)
        if X.shape[1] == 0:
            cov = np.zeros((0, 0))  # categorical columns only: no Gaussian
        elif self._pooled is not None:
            cov = self._pooled
        else:
            if len(rows) < 2:
                raise ValueError(
                    f"covariance={self.covariance!r} needs at least 2 samples in "
                    f"class {label!r}, which has {len(rows)}. Use "
                    "covariance='pooled' or exclude the class via sampling_strategy."
                )
            cov = self._shrunk(X_class - mean, len(rows) - 1)
        self.means_[label], self.covariances_[label] = mean, cov
        eigval, eigvec = np.linalg.eigh(cov)
        root = eigvec * np.sqrt(np.clip(eigval, 0.0, None))
        rng = np.random.default_rng(job.seed)
        z = rng.standard_normal((n_new, X.shape[1]))
        X_new = (mean + z @ root.T).astype(X.dtype)
        codes = None
        if table is not None and table.codes.shape[1]:
            # Categorical levels: copied together from a row of the class.
            codes = table.codes[rows[rng.integers(0, len(rows), size=n_new)]]
        none = np.full(n_new, -1, dtype=np.int64)
        return Synthetic(none, none.copy(), np.full(n_new, np.nan), X_new, codes)
