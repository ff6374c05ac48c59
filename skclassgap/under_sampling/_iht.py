"""Instance hardness threshold: keep the rows a classifier finds easiest."""

import numbers

import numpy as np
from imblearn.under_sampling.base import BaseUnderSampler
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_predict
from sklearn.utils import check_random_state

from skclassgap._compat import HasMethods
from skclassgap.under_sampling._base import _RowSampler, by_class


def seed_estimator(estimator, random_state):
    """Set every ``random_state`` parameter of ``estimator`` (nested ones
    included, in sorted order) to an int drawn from ``random_state``."""
    params = estimator.get_params(deep=True)
    keys = sorted(
        k for k in params if k == "random_state" or k.endswith("__random_state")
    )
    estimator.set_params(
        **{k: int(random_state.randint(np.iinfo(np.int32).max)) for k in keys}
    )
    return estimator


class InstanceHardnessThreshold(_RowSampler, BaseUnderSampler):
    """Under-sample by keeping the rows a classifier predicts most confidently.

    A classifier's cross-validated probability of each row's own class
    measures how easy the row is (Smith et al., 2014). Each class named by
    ``sampling_strategy`` keeps its rows whose probability is at least the
    ``1 - n_wanted / n_rows`` quantile of the class's probabilities
    (NumPy's linear percentile, as imbalanced-learn): about the number
    wanted, more when probabilities tie at the threshold. Kept rows come
    back grouped by class, ascending within each class.

    Parameters
    ----------
    estimator : classifier, default=None
        Classifier with ``predict_proba`` (a pipeline ending in one works).
        None means ``RandomForestClassifier(n_estimators=100)``. Its
        ``random_state`` parameters (nested ones too) are set from
        ``random_state``.
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling (see
        :class:`RandomUnderSampler`).
    random_state : int, RandomState instance or None, default=None
        Seed of the folds and of the classifier.
    cv : int, cross-validation generator or iterable, default=5
        Folds of the cross-validated probabilities: an int gives
        :class:`~sklearn.model_selection.StratifiedKFold` with shuffling.
    n_jobs : int, default=None
        Parallel fits of the folds (and of the default forest's trees).

    Attributes
    ----------
    sampling_strategy_ : dict
        Class label -> number of rows wanted, for the reduced classes.
    estimator_ : classifier
        The classifier cross-validated (not refitted on the whole data).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, grouped by class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    NearMiss : Keep rows by their distance to the minority.

    Notes
    -----
    The probability of a row's class is read in the column of its class
    (classes sorted), for any labels; imbalanced-learn reads the column
    numbered by the label itself, which needs labels ``0 .. n_classes - 1``.

    Dask input is refused with a ``TypeError``: it fits its classifier by
    cross-validation on every row, in one process.

    References
    ----------
    .. [1] M. R. Smith, T. Martinez, C. Giraud-Carrier, "An instance level
       analysis of data complexity", Machine Learning 95(2), 225-256, 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.under_sampling import InstanceHardnessThreshold
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> sampler = InstanceHardnessThreshold(
    ...     estimator=LogisticRegression(), random_state=0
    ... )
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res)
    array([102, 102])
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "cv": ["cv_object"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        estimator=None,
        sampling_strategy="auto",
        random_state=None,
        cv=5,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.estimator = estimator
        self.random_state = random_state
        self.cv = cv
        self.n_jobs = n_jobs

    _dask_refusal = (
        "it fits its classifier by cross-validation on every row, in one process"
    )

    def _select(self, X, layout):
        random_state = check_random_state(self.random_state)
        if self.estimator is None:
            self.estimator_ = RandomForestClassifier(
                n_estimators=100, random_state=self.random_state, n_jobs=self.n_jobs
            )
        else:
            self.estimator_ = seed_estimator(clone(self.estimator), random_state)
        y = layout.labels[layout.codes]
        if isinstance(self.cv, numbers.Integral):
            cv = StratifiedKFold(
                n_splits=self.cv, shuffle=True, random_state=random_state
            )
        else:
            cv = check_cv(self.cv, y, classifier=True)
        proba = cross_val_predict(
            self.estimator_, X, y, cv=cv, n_jobs=self.n_jobs, method="predict_proba"
        )
        own = proba[np.arange(len(y)), layout.codes]
        targeted = layout.targeted(self.sampling_strategy_)

        def keep(code):
            if not targeted[code]:
                return None
            rows = layout.rows(code)
            n_keep = self.sampling_strategy_[layout.labels[code]]
            threshold = np.percentile(own[rows], (1.0 - n_keep / len(rows)) * 100.0)
            return rows[own[rows] >= threshold]

        return by_class(layout, keep)
