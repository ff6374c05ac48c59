"""SMOTE followed by edited nearest neighbours or by Tomek links."""

import numbers

from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import clone

from skclassgap._compat import HasMethods
from skclassgap.combine._cleaned import CleanedOverSampler
from skclassgap.over_sampling import SMOTE
from skclassgap.under_sampling import EditedNearestNeighbours, TomekLinks

_CONSTRAINTS = {
    **BaseOverSampler._parameter_constraints,
    "random_state": ["random_state"],
    "smote": [HasMethods(["fit_resample"]), None],
    "n_jobs": [numbers.Integral, None],
}


class SMOTEENN(CleanedOverSampler):
    """Over-sample with SMOTE, then clean with edited nearest neighbours.

    :class:`CleanedOverSampler` with imbalanced-learn's parameters: by
    default ``SMOTE(sampling_strategy=sampling_strategy,
    random_state=random_state)`` followed by
    ``EditedNearestNeighbours(sampling_strategy="all")`` (Batista et al.,
    2004), both on the exact neighbour engine. Kept synthetic rows carry
    their parents, neighbours and gaps (see :class:`CleanedOverSampler`).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        SMOTE's ``sampling_strategy`` when ``smote`` is None (see
        :class:`~skclassgap.over_sampling.SMOTE`).
    random_state : int, RandomState instance or None, default=None
        SMOTE's ``random_state`` when ``smote`` is None.
    smote : sampler, default=None
        The over-sampler (any of :mod:`skclassgap.over_sampling`); None builds
        SMOTE from ``sampling_strategy`` and ``random_state``.
    enn : sampler, default=None
        The cleaner; None means ``EditedNearestNeighbours(sampling_strategy=
        "all", n_jobs=n_jobs)``.
    n_jobs : int, default=None
        Threads of the default steps' neighbour searches.

    Attributes
    ----------
    smote_ : sampler
        The fitted over-sampler.
    enn_ : sampler
        The fitted cleaner.
    over_sampler_, cleaner_ : sampler
        The same two objects, under :class:`CleanedOverSampler`'s names.
    sampling_strategy_ : dict
        The over-sampler's ``sampling_strategy_`` (rows added per class;
        imbalanced-learn stores the raw parameter here).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Input row of each output row, ``-1`` for a synthetic row.
    parents_, neighbors_ : ndarray of shape (n_synthetic_kept,)
        Input rows each kept synthetic row grows from and moves toward.
    gaps_ : ndarray of shape (n_synthetic_kept,)
        Interpolation gap of each kept synthetic row.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTETomek : SMOTE, then Tomek links.
    CleanedOverSampler : Any over-sampler, then any cleaner.

    Notes
    -----
    Dask input is refused with a ``TypeError``: the cleaning step reads the
    neighbours of the synthetic rows among all rows, which the over-sampler's
    lazy output does not hold in one place. Run the steps apart: the
    over-sampler on the Dask input, then the cleaner on its computed output.

    References
    ----------
    .. [1] G. Batista, R. C. Prati, M. C. Monard, "A study of the behavior of
       several methods for balancing machine learning training data", ACM
       SIGKDD Explorations Newsletter 6(1), 20-29, 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.combine import SMOTEENN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> sampler = SMOTEENN(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([574, 874])
    >>> int((sampler.sample_indices_ == -1).sum()) == len(sampler.parents_)
    True
    """

    _parameter_constraints: dict = {
        **_CONSTRAINTS,
        "enn": [HasMethods(["fit_resample"]), None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        smote=None,
        enn=None,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
        self.n_jobs = n_jobs

    def _validate_estimator(self):
        """Build or clone the two steps (``smote_``, ``enn_``)."""
        self.smote_ = _smote(self)
        self.enn_ = (
            clone(self.enn)
            if self.enn is not None
            else EditedNearestNeighbours(sampling_strategy="all", n_jobs=self.n_jobs)
        )
        self.over_sampler_, self.cleaner_ = self.smote_, self.enn_

    def _steps(self):
        return (
            self.smote if self.smote is not None else SMOTE(),
            self.enn if self.enn is not None else EditedNearestNeighbours(),
        )


class SMOTETomek(CleanedOverSampler):
    """Over-sample with SMOTE, then remove Tomek links.

    :class:`CleanedOverSampler` with imbalanced-learn's parameters: by
    default ``SMOTE(sampling_strategy=sampling_strategy,
    random_state=random_state)`` followed by
    ``TomekLinks(sampling_strategy="all")`` (Batista et al., 2003), both on
    the exact neighbour engine. Kept synthetic rows carry their parents,
    neighbours and gaps (see :class:`CleanedOverSampler`).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        SMOTE's ``sampling_strategy`` when ``smote`` is None (see
        :class:`~skclassgap.over_sampling.SMOTE`).
    random_state : int, RandomState instance or None, default=None
        SMOTE's ``random_state`` when ``smote`` is None.
    smote : sampler, default=None
        The over-sampler (any of :mod:`skclassgap.over_sampling`); None builds
        SMOTE from ``sampling_strategy`` and ``random_state``.
    tomek : sampler, default=None
        The cleaner; None means ``TomekLinks(sampling_strategy="all",
        n_jobs=n_jobs)``.
    n_jobs : int, default=None
        Threads of the default steps' neighbour searches.

    Attributes
    ----------
    smote_ : sampler
        The fitted over-sampler.
    tomek_ : sampler
        The fitted cleaner.
    over_sampler_, cleaner_ : sampler
        The same two objects, under :class:`CleanedOverSampler`'s names.
    sampling_strategy_ : dict
        The over-sampler's ``sampling_strategy_`` (rows added per class;
        imbalanced-learn stores the raw parameter here).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Input row of each output row, ``-1`` for a synthetic row.
    parents_, neighbors_ : ndarray of shape (n_synthetic_kept,)
        Input rows each kept synthetic row grows from and moves toward.
    gaps_ : ndarray of shape (n_synthetic_kept,)
        Interpolation gap of each kept synthetic row.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTEENN : SMOTE, then edited nearest neighbours.
    CleanedOverSampler : Any over-sampler, then any cleaner.

    Notes
    -----
    Dask input is refused with a ``TypeError``: the cleaning step reads the
    neighbours of the synthetic rows among all rows, which the over-sampler's
    lazy output does not hold in one place. Run the steps apart: the
    over-sampler on the Dask input, then the cleaner on its computed output.

    References
    ----------
    .. [1] G. Batista, A. L. C. Bazzan, M. C. Monard, "Balancing training data
       for automated annotation of keywords: a case study", Proceedings of the
       Second Brazilian Workshop on Bioinformatics, 10-18, 2003.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.combine import SMOTETomek
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> X_res, y_res = SMOTETomek(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([877, 877])
    """

    _parameter_constraints: dict = {
        **_CONSTRAINTS,
        "tomek": [HasMethods(["fit_resample"]), None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        smote=None,
        tomek=None,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek
        self.n_jobs = n_jobs

    def _validate_estimator(self):
        """Build or clone the two steps (``smote_``, ``tomek_``)."""
        self.smote_ = _smote(self)
        self.tomek_ = (
            clone(self.tomek)
            if self.tomek is not None
            else TomekLinks(sampling_strategy="all", n_jobs=self.n_jobs)
        )
        self.over_sampler_, self.cleaner_ = self.smote_, self.tomek_

    def _steps(self):
        return (
            self.smote if self.smote is not None else SMOTE(),
            self.tomek if self.tomek is not None else TomekLinks(),
        )


def _smote(sampler):
    if sampler.smote is not None:
        return clone(sampler.smote)
    return SMOTE(
        sampling_strategy=sampler.sampling_strategy,
        random_state=sampler.random_state,
        n_jobs=sampler.n_jobs,
    )
