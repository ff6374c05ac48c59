"""RUSBoost: random under-sampling inside each round of SAMME boosting."""

import numbers
import warnings
from copy import deepcopy

import numpy as np
from imblearn.pipeline import make_pipeline
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from skclassgap._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _raise_for_params,
    _routing_enabled,
)
from skclassgap.ensemble._bagging import _SAMPLING_STRATEGY
from skclassgap.ensemble._base import (
    check_classes,
    check_weights_accepted,
    fit_member,
    member_seeds,
    predict_input,
    seed_member,
)
from skclassgap.ensemble._docs import fill_doc
from skclassgap.under_sampling import RandomUnderSampler
from skclassgap.under_sampling._base import ClassLayout
from skclassgap.utils._meta import fit_router, inner_tags
from skclassgap.utils._priors import class_prior, shift_log_proba
from skclassgap.utils._validation import check_sample_weight


@fill_doc(sampling_strategy='"auto"')
class RUSBoostClassifier(ClassifierMixin, BaseEstimator):
    """AdaBoost (SAMME, multiclass) with random under-sampling in every round.

    RUSBoost [1]_: at round ``m`` a
    :class:`~skclassgap.under_sampling.RandomUnderSampler` seeded for it
    balances the classes, the weak learner is fitted on the kept rows with
    their current boosting weights, and the boosting weights of every row
    are updated by SAMME [2]_ from the learner's errors on all the rows:
    with weighted error ``e``, the learner's weight is ``learning_rate ·
    (log((1 - e) / e) + log(K - 1))`` and misclassified rows are multiplied
    by ``exp`` of it. Boosting stops early when a learner is perfect (it gets
    weight 1) or no better than chance (it is dropped). Decision function and
    probabilities are scikit-learn's
    :class:`~sklearn.ensemble.AdaBoostClassifier`'s.

    ``sample_weight`` is the initial boosting weight of each row. The
    learners see balanced samples, so the probabilities lean toward the rare
    classes; ``proba_prior="original"`` moves them to the training data's
    prior by Bayes' rule with one training prior for the ensemble: the mean
    of the learners' training priors weighted by their boosting weights,
    each learner's being the class frequencies of its under-sampled rows
    weighted by ``sample_weight`` (the boosting re-weighting steers each
    round toward hard rows; it is not counted as a change of prior).

    Parameters
    ----------
    estimator : classifier, default=None
        The weak learner; its ``fit`` must take ``sample_weight``. ``None``
        means ``DecisionTreeClassifier(max_depth=1)``.
    n_estimators : int, default=50
        Maximum number of boosting rounds.
    learning_rate : float, default=1.0
        Shrinks each learner's weight.
    algorithm : {"SAMME", "SAMME.R"}, default="deprecated"
        Accepted for compatibility with imbalanced-learn, where it is
        deprecated; any value other than ``"deprecated"`` warns. SAMME is
        always used.
    %(sampling_strategy)s
    replacement : bool, default=False
        Whether the under-sampler draws with replacement.
    random_state : int, RandomState instance or None, default=None
        Seeds the rounds: one integer seed per round is drawn up front, and
        the round's learner and under-sampler follow from it.
    %(proba_prior)s

    Attributes
    ----------
    estimator_ : classifier
        The unfitted weak-learner template.
    base_sampler_ : RandomUnderSampler
        The unfitted sampler template.
    estimators_ : list of classifiers
        The fitted learners.
    samplers_ : list of RandomUnderSampler
        The fitted sampler of each round.
    pipelines_ : list of Pipeline
        Copies of each sampler and its learner as an imbalanced-learn
        pipeline (built at each access).
    estimators_samples_ : list of ndarray
        Rows each round's under-sampler kept.
    estimator_weights_ : ndarray of shape (n_fitted,)
        Weight of each fitted learner.
    estimator_errors_ : ndarray of shape (n_fitted,)
        Weighted training error of each fitted learner.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    train_priors_ : ndarray of shape (n_fitted, n_classes)
        Row ``m``: class frequencies of the rows round ``m`` kept, weighted
        by ``sample_weight``.
    train_prior_ : ndarray of shape (n_classes,)
        Training prior of the ensemble: ``train_priors_`` averaged with the
        weights ``estimator_weights_``.
    original_prior_ : ndarray of shape (n_classes,)
        Class frequencies of ``y`` passed to ``fit`` (weighted by
        ``sample_weight``).
    feature_importances_ : ndarray of shape (n_features,)
        Average of the learners' importances weighted by their weights.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EasyEnsembleClassifier : AdaBoost learners bagged over balanced subsets.
    sklearn.ensemble.AdaBoostClassifier : Boosting without under-sampling.

    Notes
    -----
    Parameters and attributes follow imbalanced-learn 0.14's
    :class:`~imblearn.ensemble.RUSBoostClassifier` (its test suite passes
    against this class); in addition ``proba_prior`` and routed metadata.
    Boosting is sequential: there is no ``n_jobs``; each learner is fitted
    with one BLAS/OpenMP thread. ``estimator_weights_`` and
    ``estimator_errors_`` have one entry per fitted learner (scikit-learn's
    AdaBoost pads them to ``n_estimators`` after an early stop).

    References
    ----------
    .. [1] C. Seiffert, T. M. Khoshgoftaar, J. Van Hulse and A. Napolitano,
       "RUSBoost: A Hybrid Approach to Alleviating Class Imbalance", IEEE
       Transactions on Systems, Man, and Cybernetics, Part A 40(1), 2010,
       pp. 185-197.
    .. [2] J. Zhu, H. Zou, S. Rosset and T. Hastie, "Multi-class AdaBoost",
       Statistics and Its Interface 2, 2009, pp. 349-360.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.ensemble import RUSBoostClassifier
    >>> X, y = make_classification(
    ...     n_samples=1000, n_classes=3, n_informative=4, weights=[0.1, 0.3, 0.6],
    ...     random_state=0,
    ... )
    >>> clf = RUSBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> np.bincount(y[clf.estimators_samples_[0]])
    array([101, 101, 101])
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "algorithm": [StrOptions({"SAMME", "SAMME.R", "deprecated"})],
        "sampling_strategy": _SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "random_state": ["random_state"],
        "proba_prior": [StrOptions({"fit", "original"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        algorithm="deprecated",
        sampling_strategy="auto",
        replacement=False,
        random_state=None,
        proba_prior="fit",
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.algorithm = algorithm
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.random_state = random_state
        self.proba_prior = proba_prior

    def _estimator(self):
        if self.estimator is None:
            return DecisionTreeClassifier(max_depth=1)
        return self.estimator

    def _sampler(self):
        return RandomUnderSampler(
            sampling_strategy=self.sampling_strategy, replacement=self.replacement
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Boost: under-sample, fit a learner, re-weight, for each round.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data (a DataFrame reaches the learners as one).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial boosting weights (uniform when None).
        **fit_params : dict
            Other metadata for the learner's ``fit``, only with metadata
            routing enabled; per-row arrays follow the kept rows.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        _raise_for_params(fit_params, self, "fit")
        if self.algorithm != "deprecated":
            warnings.warn(
                "`algorithm` parameter is deprecated in 0.12 and will be removed "
                "in 0.14 (imbalanced-learn); skclassgap's RUSBoostClassifier "
                f"always uses SAMME, whatever algorithm={self.algorithm!r} says. "
                "Leave it at its default.",
                FutureWarning,
                stacklevel=2,
            )
        X_checked, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=None,
            # Missing values are the inner objects' call (an imputer in a
            # pipeline takes them while the pipeline's tags say otherwise).
            ensure_all_finite=False,
        )
        check_classification_targets(y)
        X = X if hasattr(X, "columns") else X_checked
        n_samples = X_checked.shape[0]
        classes, codes = np.unique(y, return_inverse=True)
        check_classes(classes, type(self).__name__)
        codes = codes.astype(np.int64).ravel()
        n_classes = classes.shape[0]
        user_sw = check_sample_weight(
            None if sample_weight is None else np.asarray(sample_weight), n_samples
        )
        self.estimator_ = clone(self._estimator())
        self.base_sampler_ = self._sampler()
        check_weights_accepted(self.estimator_, np.ones(1), type(self).__name__)
        est_params = {}
        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, **fit_params
            )
            est_params = dict(routed.estimator.fit)
            est_params.pop("sample_weight", None)
        self.classes_, self.n_classes_ = classes, n_classes
        self.original_prior_ = class_prior(codes, n_classes, user_sw)
        weights = np.ones(n_samples) if user_sw is None else user_sw.copy()
        weights /= weights.sum()
        seeds = member_seeds(self.random_state, self.n_estimators)
        layout = ClassLayout.of(y)
        members, alphas, errors, priors = [], [], [], []
        name = type(self).__name__
        with threadpool_limits(limits=1):
            for m, seed in enumerate(seeds):
                learner, sampler = clone(self.estimator_), clone(self.base_sampler_)
                seed_member(seed, learner, sampler)
                fit_member(
                    m,
                    name,
                    sampler,
                    learner,
                    X,
                    y,
                    classes,
                    sample_weight=weights,
                    fit_params=est_params,
                    layout=layout,
                )
                kept = sampler.sample_indices_
                prior = class_prior(
                    codes[kept], n_classes, None if user_sw is None else user_sw[kept]
                )
                wrong = np.asarray(learner.predict(X)) != y
                error = float(np.dot(weights, wrong) / weights.sum())
                if error <= 0:
                    members.append((learner, sampler))
                    alphas.append(1.0)
                    errors.append(0.0)
                    priors.append(prior)
                    break
                if error >= 1.0 - 1.0 / n_classes:
                    if not members:
                        raise ValueError(
                            f"{name}: the first learner, "
                            f"{type(learner).__name__}, is no better than chance "
                            f"(weighted error {error:.3g} >= 1 - 1/{n_classes}); "
                            "the ensemble cannot be fitted. Use a stronger "
                            "estimator."
                        )
                    break
                alpha = self.learning_rate * (
                    np.log((1.0 - error) / error) + np.log(n_classes - 1.0)
                )
                members.append((learner, sampler))
                alphas.append(alpha)
                errors.append(error)
                priors.append(prior)
                if m == len(seeds) - 1:
                    break
                weights = weights * np.exp(alpha * wrong * (weights > 0))
                total = weights.sum()
                if not np.isfinite(total):
                    warnings.warn(
                        f"Sample weights reached infinite values at round {m + 1} "
                        f"of {self.n_estimators}; boosting stops early with "
                        f"{len(members)} learners. Lower learning_rate.",
                        UserWarning,
                        stacklevel=2,
                    )
                    break
                if total <= 0:
                    break
                weights /= total
        self.estimators_ = [learner for learner, _ in members]
        self.samplers_ = [sampler for _, sampler in members]
        self.estimator_weights_ = np.asarray(alphas, dtype=np.float64)
        self.estimator_errors_ = np.asarray(errors, dtype=np.float64)
        self.train_priors_ = np.asarray(priors)
        self.train_prior_ = np.average(
            self.train_priors_, axis=0, weights=self.estimator_weights_
        )
        return self

    def _check_X(self, X):
        return predict_input(self, X)

    def _votes(self, X):
        """Per learner, its weighted SAMME coding of its predictions."""
        classes = np.asarray(self.classes_)
        n_classes = classes.shape[0]
        for learner, alpha in zip(
            self.estimators_, self.estimator_weights_, strict=True
        ):
            chosen = np.asarray(learner.predict(X))[:, None] == classes[None, :]
            yield np.where(chosen, alpha, -alpha / (n_classes - 1))

    def _decision(self, total, norm):
        if self.n_classes_ == 2:
            return (total[:, 1] - total[:, 0]) / norm
        return total / norm

    def _proba(self, decision):
        if self.n_classes_ == 2:
            logits = np.column_stack([-decision, decision]) / 2
        else:
            logits = decision / (self.n_classes_ - 1)
        proba = softmax(logits, axis=1)
        if self.proba_prior == "original":
            proba = np.exp(
                shift_log_proba(proba, self.train_prior_, self.original_prior_)
            )
        return proba

    def decision_function(self, X):
        """Return the SAMME decision function (AdaBoost's; prior unchanged).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Binary: the score of the second class (positive favours it);
            otherwise one column per class.
        """
        X = self._check_X(X)
        return self._decision(sum(self._votes(X)), self.estimator_weights_.sum())

    def staged_decision_function(self, X):
        """Return the decision function after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The decision function of the first ``m`` learners.
        """
        X = self._check_X(X)
        total, norm = 0.0, 0.0
        for vote, alpha in zip(self._votes(X), self.estimator_weights_, strict=True):
            total, norm = total + vote, norm + alpha
            yield self._decision(total, norm)

    def predict(self, X):
        """Predict the class with the largest SAMME decision.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels (the balanced rule, whatever ``proba_prior``).
        """
        return self._label(self.decision_function(X))

    def staged_predict(self, X):
        """Return the predictions after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        y_pred : ndarray of shape (n_samples,)
            Predictions of the first ``m`` learners.
        """
        for decision in self.staged_decision_function(X):
            yield self._label(decision)

    def _label(self, decision):
        classes = np.asarray(self.classes_)
        if self.n_classes_ == 2:
            return classes[(decision > 0).astype(int)]
        return classes[np.argmax(decision, axis=1)]

    def predict_proba(self, X):
        """Return class probabilities (AdaBoost's) under the prior of ``proba_prior``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Softmax of the decision function (scaled as AdaBoost's), moved to
            ``original_prior_`` with ``proba_prior="original"``.
        """
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """Return the class probabilities after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities of the first ``m`` learners (prior as
            ``proba_prior`` names, with ``train_prior_`` of all of them).
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)

    def predict_log_proba(self, X):
        """Return the logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def staged_score(self, X, y, sample_weight=None):
        """Return the accuracy after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights of the accuracy.

        Yields
        ------
        score : float
            Accuracy of the first ``m`` learners.
        """
        from sklearn.metrics import accuracy_score

        for y_pred in self.staged_predict(X):
            yield accuracy_score(y, y_pred, sample_weight=sample_weight)

    @property
    def estimators_samples_(self):
        """Rows each round's under-sampler kept (int arrays)."""
        check_is_fitted(self)
        return [sampler.sample_indices_ for sampler in self.samplers_]

    @property
    def pipelines_(self):
        """Each round's sampler and learner, as a (copied) imbalanced-learn pipeline."""
        check_is_fitted(self)
        return [
            make_pipeline(deepcopy(sampler), deepcopy(learner))
            for sampler, learner in zip(self.samplers_, self.estimators_, strict=True)
        ]

    @property
    def feature_importances_(self):
        """Learners' feature importances averaged with their weights."""
        check_is_fitted(self)
        weights = self.estimator_weights_
        return (
            sum(
                w * learner.feature_importances_
                for w, learner in zip(weights, self.estimators_, strict=True)
            )
            / weights.sum()
        )

    def __len__(self):
        """Number of fitted learners."""
        return len(self.estimators_)

    def __getitem__(self, index):
        """The ``index``-th learner."""
        return self.estimators_[index]

    def __iter__(self):
        """Iterate over the learners."""
        return iter(self.estimators_)

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        ``sample_weight`` is consumed here (the initial boosting weights);
        other ``fit`` metadata go to the learner's ``fit`` as it requested.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return fit_router(self, estimator=(self._estimator(), "fit"))

    def __sklearn_tags__(self):
        return inner_tags(
            super().__sklearn_tags__(), self._estimator(), self._sampler()
        )
