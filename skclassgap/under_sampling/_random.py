"""Random under-sampling: keep a uniform sample of rows of each reduced class."""

import numpy as np
import pandas as pd
from imblearn.under_sampling.base import BaseUnderSampler
from imblearn.utils import check_target_type
from sklearn.utils import check_array, check_consistent_length, check_random_state
from sklearn.utils.validation import validate_data

from skclassgap.under_sampling._base import _RowSampler
from skclassgap.under_sampling._dask import DRAW
from skclassgap.under_sampling._draw import kept_positions


class RandomUnderSampler(_RowSampler, BaseUnderSampler):
    """Under-sample classes by keeping a random subset of their rows.

    Each class named by ``sampling_strategy`` keeps a uniform random sample
    of its rows (without replacement by default), the other classes keep all
    of theirs. Rows come back in their input order. Any column is accepted,
    missing values included: rows are only selected, never compared.

    The rows a class keeps are a function of its seed (drawn from
    ``random_state``), its number of rows and the number wanted, and are
    counted in input order; they do not depend on how the data are stored.
    The draw (hypergeometric splits over chunks of 65,536 rows, then a
    sample inside each chunk, each from its own counter-based seed) can be
    reproduced block by block, so data split into blocks give the same rows
    as in memory.

    A Dask array or DataFrame is accepted: one pass over ``y`` counts the
    classes, then each block keeps its own rows of the draw, so no row of ``X``
    comes to this process and the majority is never gathered. The output and
    ``sample_indices_`` are lazy Dask collections holding the rows of the
    in-memory output for the same ``random_state``, whatever the partitioning.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling, with
        imbalanced-learn's under-sampling semantics: a float ``r`` in
        ``(0, 1]`` is the wanted minority/majority ratio (binary only: the
        other class keeps ``int(n_minority / r)`` rows); ``"majority"``,
        ``"not minority"``, ``"not majority"``, ``"all"``, ``"auto"`` (=
        ``"not minority"``) name the classes reduced to the minority's count;
        a dict maps class to wanted count (at most the class's count); a
        callable takes ``y`` and returns such a dict.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws. An int gives the same rows on every run.
    replacement : bool, default=False
        Draw with replacement (a row may be kept several times; copies are
        adjacent in the output).

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of rows kept, for the reduced classes.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Row of ``X`` each output row is (ascending).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    NearMiss : Keep the majority rows closest to the minority.
    skclassgap.compose.ResampledClassifier : Resample, then fit a classifier;
        ``proba_prior="original"`` moves its probabilities back to the
        original class prior.

    Notes
    -----
    The class counts equal imbalanced-learn's
    :class:`~imblearn.under_sampling.RandomUnderSampler` for every
    ``sampling_strategy``; the rows drawn differ (imbalanced-learn draws with
    ``RandomState.choice`` and returns the rows grouped by class). A
    DataFrame comes back with its dtypes and index labels, as in
    imbalanced-learn.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> np.bincount(y)
    array([898, 102])
    >>> sampler = RandomUnderSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([102, 102])
    >>> bool(np.array_equal(X_res, X[sampler.sample_indices_]))
    True
    """

    _dask_selection = DRAW
    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "random_state": ["random_state"],
        "replacement": ["boolean"],
    }

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, replacement=False
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.replacement = replacement

    def _check_X_y(self, X, y, accept_sparse=None):
        """Check ``y``; ``X`` is only indexed, so any column and NaN pass."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if not isinstance(X, pd.DataFrame):
            X = check_array(
                X,
                dtype=None,
                accept_sparse=["csr", "csc"],
                ensure_all_finite=False,
            )
        elif X.shape[0] < 1:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={X.shape}) while a minimum "
                "of 1 is required."
            )
        check_consistent_length(X, y)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return X, np.asarray(y), binarize_y

    def _check_columns(self, X):
        """Any column is accepted: rows are only selected."""

    def _class_draws(self):
        """``(label, seed, n_keep)`` of every reduced class, in the order of
        ``sampling_strategy_``: one seed per class drawn from
        ``random_state`` (the same draws in memory and on Dask input)."""
        random_state = check_random_state(self.random_state)
        return [
            (label, int(random_state.randint(np.iinfo(np.int32).max)), n_keep)
            for label, n_keep in self.sampling_strategy_.items()
        ]

    def _select(self, X, layout):
        kept = [np.flatnonzero(~layout.targeted(self.sampling_strategy_)[layout.codes])]
        for label, seed, n_keep in self._class_draws():
            rows = layout.rows(layout.code(label))
            kept.append(rows[kept_positions(seed, len(rows), n_keep, self.replacement)])
        return np.sort(np.concatenate(kept), kind="stable")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags
