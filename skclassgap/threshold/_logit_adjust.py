"""LogitAdjustedClassifier: post-hoc logit adjustment by class priors."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted, indexable

from skclassgap._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _raise_for_params,
)
from skclassgap.utils._docstring import shared_docs
from skclassgap.utils._meta import (
    ShiftedPriorResponsesMixin,
    checked_targets,
    inner_tags,
)
from skclassgap.utils._priors import (
    check_prior,
    class_prior,
    log_prior_ratio,
    shift_log_proba,
)


@shared_docs
class LogitAdjustedClassifier(
    ClassifierMixin, MetaEstimatorMixin, ShiftedPriorResponsesMixin, BaseEstimator
):
    """Correct a probabilistic classifier's decisions for a change of class priors.

    Post-hoc logit adjustment (Menon et al., 2021): predict

    ``argmax_y [log p(y|x) - tau * log pi_train(y) + log pi_target(y)]``

    where ``p(y|x)`` is the inner estimator's ``predict_proba``. With
    ``tau=1`` this is the Bayes correction for a shift of the class priors
    from ``pi_train`` to ``pi_target`` (labels shift, ``p(x|y)`` unchanged);
    with a uniform target it favours rare classes, which is the paper's
    balanced-error remedy. ``predict_proba`` returns the probabilities
    re-weighted by ``pi_target / pi_train ** tau`` and renormalised, so that
    ``predict`` is their argmax. This is our reading of the paper's post-hoc
    rule applied to any fitted scikit-learn classifier.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``fit`` and ``predict_proba``.
    tau : float, default=1.0
        Strength of the training-prior correction (``tau=0``: none). Tunable
        with :class:`~sklearn.model_selection.GridSearchCV`.
    train_prior : "fit" or array-like of shape (n_classes,), default="fit"
        Class priors the estimator was trained under, in the order of
        ``classes_``. ``"fit"`` uses the class frequencies of ``y`` in ``fit``.
    target_prior : "uniform" or array-like of shape (n_classes,), default="uniform"
        Class priors to decide for, in the order of ``classes_``.

    Attributes
    ----------
    {fitted_estimator_}
    train_prior_ : ndarray of shape (n_classes,)
        Training priors used (normalised).
    target_prior_ : ndarray of shape (n_classes,)
        Target priors used (normalised).
    log_adjustment_ : ndarray of shape (n_classes,)
        ``log(target_prior_) - tau * log(train_prior_)``, added to the
        log-probabilities.
    {features_in_estimator_}

    See Also
    --------
    ThresholdCalibrator : Tune thresholds or offsets for an objective instead.

    References
    ----------
    .. [1] A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and
       S. Kumar, "Long-tail learning via logit adjustment", ICLR 2021,
       arXiv:2007.07314.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.threshold import LogitAdjustedClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> model = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    >>> model.train_prior_.round(2)
    array([0.9, 0.1])
    >>> bool((model.predict(X) == 1).mean() > (model.estimator_.predict(X) == 1).mean())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "tau": [Interval(Real, 0, None, closed="left")],
        "train_prior": [StrOptions({"fit"}), "array-like"],
        "target_prior": [StrOptions({"uniform"}), "array-like"],
    }

    def __init__(
        self, estimator, *, tau=1.0, train_prior="fit", target_prior="uniform"
    ):
        self.estimator = estimator
        self.tau = tau
        self.train_prior = train_prior
        self.target_prior = target_prior

    @_fit_context(
        # LogitAdjustedClassifier.estimator is not validated yet.
        prefer_skip_nested_validation=False
    )
    @shared_docs
    def fit(self, X, y, **params):
        """Fit the estimator and set the log-prior adjustment.

        Parameters
        ----------
        {fit_X_y}
        {params_routed}

        Returns
        -------
        self : object
            Fitted classifier.
        """
        _raise_for_params(params, self, "fit")
        X, y = indexable(X, y)
        y = checked_targets(self, y)
        routed = process_routing(self, "fit", **params)
        self.estimator_ = clone(self.estimator).fit(X, y, **routed.estimator.fit)
        classes = np.asarray(self.estimator_.classes_)
        if isinstance(self.train_prior, str):
            codes = np.unique(y, return_inverse=True)[1]
            self.train_prior_ = class_prior(codes, classes.shape[0])
        else:
            self.train_prior_ = check_prior(self.train_prior, "train_prior", classes)
        if isinstance(self.target_prior, str):
            self.target_prior_ = np.full(classes.shape[0], 1.0 / classes.shape[0])
        else:
            self.target_prior_ = check_prior(self.target_prior, "target_prior", classes)
        self.log_adjustment_ = log_prior_ratio(
            self.train_prior_, self.target_prior_, self.tau
        )
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    @property
    def classes_(self):
        """Class labels, from the fitted estimator."""
        return self.estimator_.classes_

    def _shifted_log_proba(self, X):
        """Log-probabilities re-weighted by ``target_prior_ / train_prior_ ** tau``."""
        check_is_fitted(self, "estimator_")
        return shift_log_proba(
            self.estimator_.predict_proba(X),
            self.train_prior_,
            self.target_prior_,
            self.tau,
        )

    @shared_docs
    def get_metadata_routing(self):
        """Metadata routing: ``fit`` params go to ``estimator.fit``.

        {routing_sections}
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(callee="fit", caller="fit"),
        )

    def __sklearn_tags__(self):
        return inner_tags(super().__sklearn_tags__(), self.estimator)
