"""Shared pieces of skclassgap's meta-estimators."""

import numpy as np
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from skclassgap._compat import _estimator_has
from skclassgap.utils._docstring import shared_docs
from skclassgap.utils._priors import shift_log_proba


def fit_router(owner, **children):
    """Metadata router of a meta-estimator that consumes metadata in ``fit`` too.

    ``children`` maps a name to ``(object, method)``: the owner's ``fit``
    routes to that method of the object (e.g. ``estimator=(est, "fit")``,
    ``sampler=(sampler, "fit_resample")``); the owner's own requests (from
    its ``fit`` signature) are added first.
    """
    router = MetadataRouter(owner=owner).add_self_request(owner)
    for name, (child, method) in children.items():
        router.add(
            **{name: child},
            method_mapping=MethodMapping().add(caller="fit", callee=method),
        )
    return router


def inner_tags(tags, *inner):
    """Derive a meta-estimator's tags from the objects it hands its input to.

    ``X`` may be sparse or hold NaN only when every inner object (the
    estimator, and a sampler that sees ``X`` first) accepts it; a classifier
    handles more than two classes only when every inner classifier does.
    ``tags`` (the meta-estimator's own, from ``super().__sklearn_tags__()``)
    is changed in place and returned.
    """
    inner_tags = [get_tags(obj) for obj in inner]
    tags.input_tags.sparse = all(t.input_tags.sparse for t in inner_tags)
    tags.input_tags.allow_nan = all(t.input_tags.allow_nan for t in inner_tags)
    if tags.classifier_tags is not None:
        tags.classifier_tags.multi_class = all(
            t.classifier_tags.multi_class
            for t in inner_tags
            if t.classifier_tags is not None
        )
    return tags


def checked_input(meta, X, *, reset):
    """``X`` validated by a meta-estimator that hands it on to inner objects.

    Feature count and names are checked (recorded when ``reset``), sparse
    matrices and any dtype pass, and NaN or infinity are refused unless the
    meta-estimator's ``allow_nan`` tag says every inner object accepts NaN. A
    DataFrame is returned as given, so that its column names reach the inner
    objects.
    """
    X_checked = validate_data(
        meta,
        X,
        reset=reset,
        accept_sparse=["csr", "csc"],
        dtype=None,
        ensure_all_finite=not get_tags(meta).input_tags.allow_nan,
    )
    return X if hasattr(X, "columns") else X_checked


def checked_targets(meta, y):
    """``y`` of ``meta.fit``, as a 1-d array of class labels.

    A missing ``y`` and NaN or infinity are refused first, in scikit-learn's
    words ("requires y to be passed", "Input y contains NaN"), before
    ``type_of_target`` would cast non-finite values to integers (a
    RuntimeWarning); then the targets must be classes, and a column vector is
    raveled with a ``DataConversionWarning``.
    """
    if y is None:
        raise ValueError(
            f"{type(meta).__name__} requires y to be passed, but the target y is None."
        )
    y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
    check_classification_targets(y)
    return column_or_1d(y, warn=True)


class ForwardResponsesMixin:
    """Forward ``predict_proba``, ``predict_log_proba`` and ``decision_function``.

    Each method calls the same method of the fitted ``estimator_`` unchanged,
    and exists only when the inner estimator has it, so that
    ``hasattr(meta, "predict_proba")`` tells the truth before and after ``fit``.
    A meta-estimator that changes a response (e.g. re-weighted probabilities)
    defines that method itself; one that must check its input first (feature
    count and names) overrides :meth:`_response_input`.
    """

    def _response_input(self, X):
        """``X`` as handed to ``estimator_`` (after the fitted check)."""
        check_is_fitted(self, "estimator_")
        return X

    @available_if(_estimator_has("predict_proba"))
    @shared_docs
    def predict_proba(self, X):
        """Return the class probabilities of ``estimator_``, unchanged.

        {predict_proba_sections}
        """
        X = self._response_input(X)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    @shared_docs
    def predict_log_proba(self, X):
        """Return the log class probabilities of ``estimator_``, unchanged.

        {predict_log_proba_sections}
        """
        X = self._response_input(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    @shared_docs
    def decision_function(self, X):
        """Return the decision function of ``estimator_``, unchanged.

        Parameters
        ----------
        {X_samples}

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The inner estimator's scores.
        """
        X = self._response_input(X)
        return self.estimator_.decision_function(X)


class OriginalPriorMixin(ForwardResponsesMixin):
    """Probabilities under the class prior of the data before resampling.

    For meta-estimators that fit their inner estimator on resampled or
    reweighted rows, whose probabilities therefore follow the prior of those
    rows (``train_prior_``). With ``proba_prior="original"``,
    ``predict_proba`` and ``predict_log_proba`` are moved back to the prior of
    the data passed to ``fit`` (``original_prior_``) by Bayes' rule
    (:func:`skclassgap.utils._priors.shift_log_proba`); with ``"fit"`` they
    are forwarded unchanged. ``decision_function`` is always unchanged.
    """

    def _original_log_proba(self, X):
        """Log-probabilities of ``estimator_`` moved to ``original_prior_``."""
        return shift_log_proba(
            self.estimator_.predict_proba(X), self.train_prior_, self.original_prior_
        )

    @available_if(_estimator_has("predict_proba"))
    @shared_docs
    def predict_proba(self, X):
        """Return class probabilities under the prior chosen by ``proba_prior``.

        {predict_proba_sections}
        """
        X = self._response_input(X)
        if self.proba_prior == "fit":
            return self.estimator_.predict_proba(X)
        return np.exp(self._original_log_proba(X))

    @available_if(_estimator_has("predict_proba"))
    @shared_docs
    def predict_log_proba(self, X):
        """Return log class probabilities under the prior chosen by ``proba_prior``.

        {predict_log_proba_sections}
        """
        X = self._response_input(X)
        if self.proba_prior == "original":
            return self._original_log_proba(X)
        if hasattr(self.estimator_, "predict_log_proba"):
            return self.estimator_.predict_log_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(self.estimator_.predict_proba(X))


class ShiftedPriorResponsesMixin:
    """``predict``, ``predict_proba`` and ``predict_log_proba`` under a new prior.

    For meta-estimators whose responses are the inner estimator's
    probabilities moved to another class prior: the class defines
    ``_shifted_log_proba(X)`` (normalised log-probabilities, from
    :func:`skclassgap.utils._priors.shift_log_proba`), and ``predict`` is their
    argmax.
    """

    @shared_docs
    def predict(self, X):
        """Predict the most probable class under the new prior.

        {predict_sections}
        """
        log_proba = self._shifted_log_proba(X)
        return np.asarray(self.classes_)[np.argmax(log_proba, axis=1)]

    @shared_docs
    def predict_proba(self, X):
        """Class probabilities moved to the new prior (Bayes' rule).

        The estimator's probabilities re-weighted by the prior ratio, rows
        summing to 1.

        {predict_proba_sections}
        """
        return np.exp(self._shifted_log_proba(X))

    @shared_docs
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, under the new prior.

        {predict_log_proba_sections}
        """
        return self._shifted_log_proba(X)
