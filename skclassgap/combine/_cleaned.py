"""Over-sampling followed by cleaning, with the provenance of every output row."""

import numpy as np
from imblearn.base import BaseSampler
from sklearn.base import clone
from sklearn.utils import get_tags
from sklearn.utils.validation import validate_data

from skclassgap._compat import HasMethods, _fit_context
from skclassgap.utils._dask import any_dask

_EMPTY_ROWS = np.zeros(0, dtype=np.int64)


def records_indices(sampler):
    """Whether ``sampler`` declares (imbalanced-learn's sampler tag) that it
    records ``sample_indices_``."""
    sampler_tags = getattr(get_tags(sampler), "sampler_tags", None)
    return bool(sampler_tags is not None and sampler_tags.sample_indices)


def compose_provenance(first, second):
    """Provenance of ``second.fit_resample`` applied to ``first``'s output.

    ``first`` records ``sample_indices_`` (``-1`` for its synthetic rows) and,
    when it made synthetic rows, ``parents_``, ``neighbors_`` and ``gaps_``
    (one entry per synthetic row, in output order); ``second`` keeps rows of
    its input (``sample_indices_`` into ``first``'s output, no ``-1``).

    Returns
    -------
    sample_indices, parents, neighbors, gaps : ndarrays
        Input row of each output row (``-1`` for a synthetic row), and for the
        synthetic rows kept, in output order, the parent, neighbour and gap
        ``first`` recorded.
    """
    s1 = np.asarray(first.sample_indices_, dtype=np.int64)
    s2 = np.asarray(second.sample_indices_, dtype=np.int64)
    if (s2 < 0).any():
        raise ValueError(
            f"{type(second).__name__} returned rows that are none of its input "
            "rows (sample_indices_ == -1); the second step must keep rows only. "
            "Use a cleaner or a row-selecting under-sampler."
        )
    indices = s1[s2]
    synthetic = indices < 0
    if not synthetic.any():
        return indices, _EMPTY_ROWS, _EMPTY_ROWS, np.zeros(0)
    ordinal = np.cumsum(s1 < 0) - 1
    t = ordinal[s2[synthetic]]
    return (
        indices,
        np.asarray(first.parents_, dtype=np.int64)[t],
        np.asarray(first.neighbors_, dtype=np.int64)[t],
        np.asarray(first.gaps_, dtype=np.float64)[t],
    )


class CleanedOverSampler(BaseSampler):
    """Over-sample, then clean the result: any of our over-samplers with any cleaner.

    ``fit_resample`` runs ``over_sampler.fit_resample(X, y)`` on a clone, then
    ``cleaner.fit_resample`` on a clone, on the over-sampled rows: the
    combination the SMOTE paper recommends (oversample the minority, then
    remove noisy and borderline rows). :class:`SMOTEENN` and
    :class:`SMOTETomek` are this class with imbalanced-learn's parameters.

    Provenance follows the rows through both steps: ``sample_indices_`` gives
    the input row of every output row that is one, ``-1`` for a synthetic row
    the cleaner kept; ``parents_``, ``neighbors_`` and ``gaps_`` describe the
    kept synthetic rows, entry ``t`` being the ``t``-th output row whose
    ``sample_indices_`` is ``-1`` (in output order). So
    :class:`~skclassgap.compose.ResampledClassifier` carries ``sample_weight``
    and per-row metadata through the combination.

    Parameters
    ----------
    over_sampler : sampler
        The first step: a sampler that records ``sample_indices_`` (and
        ``parents_``, ``neighbors_``, ``gaps_`` for its synthetic rows), such
        as the samplers of :mod:`skclassgap.over_sampling`.
    cleaner : sampler
        The second step: a sampler that keeps rows of its input and records
        ``sample_indices_``, such as :class:`~skclassgap.under_sampling.TomekLinks`,
        :class:`~skclassgap.under_sampling.EditedNearestNeighbours` or
        :class:`~skclassgap.under_sampling.RandomUnderSampler`.

    Attributes
    ----------
    over_sampler_ : sampler
        The fitted clone of ``over_sampler``.
    cleaner_ : sampler
        The fitted clone of ``cleaner``.
    sampling_strategy_ : dict
        The over-sampler's ``sampling_strategy_`` (rows added per class).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Input row of each output row, ``-1`` for a synthetic row.
    parents_, neighbors_ : ndarray of shape (n_synthetic_kept,)
        Input rows each kept synthetic row grows from and moves toward (``-1``
        when there is none, e.g. Gaussian draws).
    gaps_ : ndarray of shape (n_synthetic_kept,)
        Interpolation gap of each kept synthetic row.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTEENN : SMOTE, then edited nearest neighbours.
    SMOTETomek : SMOTE, then Tomek links.

    Notes
    -----
    A DataFrame comes back as a DataFrame with the input's columns and dtypes
    and a fresh RangeIndex (synthetic rows have no index label of their own).

    Dask input is refused with a ``TypeError``: the cleaning step reads the
    neighbours of the synthetic rows among all rows, which the over-sampler's
    lazy output does not hold in one place. Run the steps apart: the
    over-sampler on the Dask input, then the cleaner on its computed output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.combine import CleanedOverSampler
    >>> from skclassgap.over_sampling import BorderlineSMOTE
    >>> from skclassgap.under_sampling import TomekLinks
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> sampler = CleanedOverSampler(
    ...     BorderlineSMOTE(random_state=0), TomekLinks(sampling_strategy="all")
    ... )
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> synthetic = sampler.sample_indices_ == -1
    >>> p, nb, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    >>> bool(np.allclose(X_res[synthetic], X[p] + g[:, None] * (X[nb] - X[p])))
    True
    """

    _sampling_type = "over-sampling"
    _parameter_constraints: dict = {
        "over_sampler": [HasMethods(["fit_resample"])],
        "cleaner": [HasMethods(["fit_resample"])],
    }

    def __init__(self, over_sampler, cleaner):
        self.over_sampler = over_sampler
        self.cleaner = cleaner

    def _validate_estimator(self):
        """Clone the two steps into ``over_sampler_`` and ``cleaner_``."""
        self.over_sampler_ = clone(self.over_sampler)
        self.cleaner_ = clone(self.cleaner)

    def _check_steps(self):
        for role, step in (("first", self.over_sampler_), ("second", self.cleaner_)):
            if not records_indices(step):
                raise ValueError(
                    f"{type(self).__name__} needs steps that record which input "
                    f"rows their output rows come from (sample_indices_); the "
                    f"{role} step, {type(step).__module__}.{type(step).__name__}, "
                    "does not. Use the samplers of skclassgap.over_sampling and "
                    "skclassgap.under_sampling."
                )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **params):
        """Fit the over-sampler only and set ``sampling_strategy_``.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Not used; present for imbalanced-learn's interface (an error if
            given).

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self._refuse(X, y, params)
        self._validate_estimator()
        self.over_sampler_.fit(X, y)
        self.sampling_strategy_ = self.over_sampler_.sampling_strategy_
        validate_data(self, X=X, reset=True, skip_check_array=True)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y, **params):
        """Over-sample, then clean.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Not used; present for imbalanced-learn's interface (an error if
            given).

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix} of shape \
                (n_samples_new, n_features)
            The rows the cleaner kept of the over-sampled data.
        y_resampled : array-like of shape (n_samples_new,)
            Their labels.
        """
        self._refuse(X, y, params)
        self._validate_estimator()
        self._check_steps()
        X_over, y_over = self.over_sampler_.fit_resample(X, y)[:2]
        X_res, y_res = self.cleaner_.fit_resample(X_over, y_over)[:2]
        self.sampling_strategy_ = self.over_sampler_.sampling_strategy_
        validate_data(self, X=X, reset=True, skip_check_array=True)
        (
            self.sample_indices_,
            self.parents_,
            self.neighbors_,
            self.gaps_,
        ) = compose_provenance(self.over_sampler_, self.cleaner_)
        if hasattr(X_res, "reset_index"):
            X_res = X_res.reset_index(drop=True)
            if hasattr(y_res, "index"):
                y_res.index = X_res.index
        return X_res, y_res

    def _fit_resample(self, X, y):
        """imbalanced-learn's template method (``fit_resample`` does it all)."""
        return self.fit_resample(X, y)

    def _refuse(self, X, y, params):
        if params:
            raise TypeError(
                f"{type(self).__name__}.fit_resample takes no other argument than "
                f"X and y; got {sorted(params)!r}."
            )
        if any_dask(X, y):
            raise TypeError(
                f"{type(self).__name__} does not run on Dask collections: its "
                "cleaning step reads the neighbours of the synthetic rows among all "
                "rows, which the over-sampler's lazy output does not hold in one "
                "place. Run the steps apart (the over-sampler takes Dask input; "
                "compute its output, then clean it in memory), or compute the data "
                "into memory first (X.compute(), y.compute())."
            )

    def _steps(self):
        """The two steps as given (for tags, before fitting)."""
        return self.over_sampler, self.cleaner

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        steps = [get_tags(step) for step in self._steps()]
        tags.input_tags.sparse = all(t.input_tags.sparse for t in steps)
        tags.input_tags.string = all(t.input_tags.string for t in steps)
        tags.input_tags.allow_nan = all(t.input_tags.allow_nan for t in steps)
        tags.sampler_tags.sample_indices = True
        return tags
