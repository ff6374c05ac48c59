"""EasyEnsemble: AdaBoost learners, each on its own balanced subset."""

import numbers

from sklearn.ensemble import AdaBoostClassifier
from sklearn.utils.validation import check_is_fitted

from skclassgap._compat import HasMethods, Interval, StrOptions
from skclassgap.ensemble._bagging import _SAMPLING_STRATEGY, BaseBalancedBagging, Draws
from skclassgap.ensemble._docs import fill_doc
from skclassgap.under_sampling import RandomUnderSampler


@fill_doc(sampling_strategy='"auto"')
class EasyEnsembleClassifier(BaseBalancedBagging):
    """Bag of AdaBoost learners, each trained on a random balanced subset.

    EasyEnsemble [1]_: member ``m`` keeps every row of the minority class
    and a random subset of each other class
    (:class:`~skclassgap.under_sampling.RandomUnderSampler`), and fits a
    clone of ``estimator`` (AdaBoost by default) on it; the ensemble averages
    the members' probabilities. The members together see much of the
    majority class, each one a balanced problem.

    ``sample_weight`` reaches each member's estimator for the rows its
    under-sampler kept; ``proba_prior="original"`` moves each member's
    probabilities from its balanced prior to the training data's before
    averaging (see ``proba_prior``).

    Parameters
    ----------
    n_estimators : int, default=10
        Number of members (balanced subsets).
    estimator : classifier, default=None
        Fitted by each member on its subset; ``None`` means
        :class:`~sklearn.ensemble.AdaBoostClassifier()` (SAMME, 50 stumps).
    warm_start : bool, default=False
        Keep the fitted members and add ``n_estimators - len(estimators_)``
        new ones at the next ``fit`` (the members a fresh fit would have, for
        an int ``random_state``).
    %(sampling_strategy)s
    replacement : bool, default=False
        Whether the under-sampler draws with replacement.
    %(n_jobs)s
    %(random_state)s
    verbose : int, default=0
        Verbosity of the fit.
    %(proba_prior)s

    Attributes
    ----------
    estimator_ : Pipeline
        The unfitted member template: ``("sampler", RandomUnderSampler)`` then
        ``("classifier", estimator)`` in an imbalanced-learn
        :class:`~imblearn.pipeline.Pipeline`.
    estimators_ : list of Pipeline
        The fitted members.
    estimators_samples_ : list of ndarray
        Rows each member's under-sampler kept (the rows its estimator saw).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    %(prior_attributes)s
    feature_importances_ : ndarray of shape (n_features,)
        Average of the members' importances, when their estimator has them.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    BalancedBaggingClassifier : Bagging with any sampler and estimator.
    RUSBoostClassifier : Under-sampling inside the boosting rounds.

    Notes
    -----
    Parameters, attributes and member layout follow imbalanced-learn's
    :class:`~imblearn.ensemble.EasyEnsembleClassifier` (its test suite passes
    against this class); in addition ``sample_weight``, routed metadata and
    ``proba_prior``. ``estimators_samples_`` lists the rows each member's
    estimator saw (imbalanced-learn lists every row for every member). The
    under-sampler keeps the same class counts as imbalanced-learn's, other
    rows.

    References
    ----------
    .. [1] X.-Y. Liu, J. Wu and Z.-H. Zhou, "Exploratory Undersampling for
       Class-Imbalance Learning", IEEE Transactions on Systems, Man, and
       Cybernetics, Part B 39(2), 2009, pp. 539-550.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.ensemble import EasyEnsembleClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> clf = EasyEnsembleClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> [np.bincount(y[rows]).tolist() for rows in clf.estimators_samples_[:2]]
    [[102, 102], [102, 102]]
    >>> clf.train_priors_[0], clf.original_prior_
    (array([0.5, 0.5]), array([0.898, 0.102]))
    """

    _reuse_class_layout = True

    _parameter_constraints: dict = {
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "warm_start": ["boolean"],
        "sampling_strategy": _SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "n_jobs": [None, numbers.Integral],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "proba_prior": [StrOptions({"fit", "original"})],
    }

    def __init__(
        self,
        n_estimators=10,
        estimator=None,
        *,
        warm_start=False,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        proba_prior="fit",
    ):
        self.n_estimators = n_estimators
        self.estimator = estimator
        self.warm_start = warm_start
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.proba_prior = proba_prior

    def _draws(self):
        # Every row, every column: the under-sampler is the only draw.
        return Draws(1.0, 1.0, False, False, False)

    def _estimator(self):
        return AdaBoostClassifier() if self.estimator is None else self.estimator

    def _sampler(self):
        return RandomUnderSampler(
            sampling_strategy=self.sampling_strategy, replacement=self.replacement
        )

    @property
    def estimators_samples_(self):
        """Rows each member's under-sampler kept (int arrays, ascending)."""
        check_is_fitted(self)
        return [member[0].sample_indices_ for member in self.estimators_]
