"""Resample-then-fit classifier usable as the last step of a plain sklearn Pipeline."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from skclassgap._compat import (
    HasMethods,
    StrOptions,
    _fit_context,
    _num_samples,
    _raise_for_params,
    _routing_enabled,
    _safe_indexing,
)
from skclassgap.utils._docstring import shared_docs
from skclassgap.utils._meta import (
    OriginalPriorMixin,
    checked_input,
    fit_router,
    inner_tags,
)
from skclassgap.utils._priors import class_prior
from skclassgap.utils._validation import check_sample_weight


def resampled_weights(sampler, sample_weight, y_resampled, n_samples, y=None):
    """Weights of the rows returned by ``sampler.fit_resample``.

    Rule: an output row that copies input row ``i`` gets ``w[i]``; a synthetic
    row with parent ``p``, neighbour ``q`` and gap ``g`` gets
    ``(1 - g) * w[p] + g * w[q]`` (the weight at the synthetic point along the
    segment); a synthetic row without a parent (a Gaussian draw, a cluster
    centroid) gets the mean weight of the input rows of its class (``y``, the
    input labels; by default the first ``n_samples`` output rows, which
    over-samplers return unchanged). Samplers that only record
    ``sample_indices_`` (imbalanced-learn's random samplers) give each output
    row the weight of the row it copies.
    """
    indices = getattr(sampler, "sample_indices_", None)
    name = type(sampler).__name__
    if indices is None:
        raise ValueError(
            f"sample_weight cannot be carried through {name}: it does not record "
            "which input rows its output rows come from (no sample_indices_ after "
            "fit_resample). Use a sampler from skclassgap.over_sampling, one of "
            "imbalanced-learn's random samplers, or fit without sample_weight."
        )
    indices = np.asarray(indices)
    if len(indices) != len(y_resampled):
        raise ValueError(
            f"{name}.sample_indices_ has {len(indices)} entries but fit_resample "
            f"returned {len(y_resampled)} rows; cannot match weights to rows."
        )
    synthetic = indices < 0
    weights = np.empty(len(indices), dtype=np.float64)
    weights[~synthetic] = sample_weight[indices[~synthetic]]
    if not synthetic.any():
        return weights
    parents = getattr(sampler, "parents_", None)
    if parents is None:
        raise ValueError(
            f"{name} returns synthetic rows (sample_indices_ == -1) but records no "
            "parents_/neighbors_/gaps_; sample_weight cannot be carried through it."
        )
    parents = np.asarray(parents)
    neighbors = np.asarray(sampler.neighbors_)
    gaps = np.asarray(sampler.gaps_, dtype=np.float64)
    w_syn = np.empty(len(parents))
    paired = parents >= 0
    g = gaps[paired]
    w_syn[paired] = (1.0 - g) * sample_weight[parents[paired]] + g * sample_weight[
        neighbors[paired]
    ]
    if not paired.all():
        y_orig = np.asarray(y_resampled)[:n_samples] if y is None else np.asarray(y)
        y_syn = np.asarray(y_resampled)[synthetic]
        for label in np.unique(y_syn[~paired]):
            mask = ~paired & (y_syn == label)
            w_syn[mask] = sample_weight[y_orig == label].mean()
    weights[synthetic] = w_syn
    return weights


def resampled_source_rows(sampler, n_resampled):
    """Input row each output row of ``sampler.fit_resample`` stands for.

    A copied row stands for the row it copies; a synthetic row for its parent
    (the row it was grown from). Used to carry per-sample metadata other than
    ``sample_weight`` (a group, a row id, ...) through the resampling.
    """
    name = type(sampler).__name__
    indices = getattr(sampler, "sample_indices_", None)
    if indices is None or len(indices) != n_resampled:
        raise ValueError(
            f"per-sample metadata cannot be carried through {name}: it does not "
            "record which input row each output row comes from (sample_indices_)."
        )
    rows = np.array(indices, dtype=np.int64)
    synthetic = rows < 0
    if synthetic.any():
        parents = getattr(sampler, "parents_", None)
        parents = None if parents is None else np.asarray(parents, dtype=np.int64)
        if parents is None or len(parents) != synthetic.sum() or (parents < 0).any():
            raise ValueError(
                f"per-sample metadata cannot be carried through {name}: some "
                "synthetic rows have no parent row (e.g. Gaussian draws). Pass "
                "only sample_weight, or use an interpolating sampler."
            )
        rows[synthetic] = parents
    return rows


@shared_docs
class ResampledClassifier(
    MetaEstimatorMixin, ClassifierMixin, OriginalPriorMixin, BaseEstimator
):
    """Resample the training data, then fit a classifier; predict with it unchanged.

    ``fit`` runs ``sampler.fit_resample(X, y)`` on a clone of ``sampler`` and
    fits a clone of ``estimator`` on the result; ``predict``,
    ``predict_proba``, ``predict_log_proba`` and ``decision_function`` go to
    the fitted estimator on the data as given (resampling happens only in
    ``fit``). Because it is an ordinary classifier, it works as the last step
    of a plain :class:`sklearn.pipeline.Pipeline` and in
    :class:`~sklearn.model_selection.GridSearchCV` with grids over
    ``sampler__...`` and ``estimator__...``; no imbalanced-learn pipeline is
    needed.

    ``sample_weight`` is carried through the resampling: a copied row keeps
    its weight; a synthetic row interpolated at gap ``g`` between parent ``p``
    and neighbour ``q`` gets ``(1 - g) * w[p] + g * w[q]``; a Gaussian row
    (no parent) gets the mean weight of its class's input rows. This needs
    the provenance recorded by the samplers of
    :mod:`skclassgap.over_sampling`; imbalanced-learn samplers exposing
    ``sample_indices_`` (random over/under-samplers) also work, others raise
    an error when ``sample_weight`` is given.

    With metadata routing enabled
    (``sklearn.set_config(enable_metadata_routing=True)``), other ``fit``
    metadata go to ``estimator.fit`` and ``sampler.fit_resample`` as they
    requested them; per-sample metadata for the estimator (arrays with one
    entry per row) are resampled along with the rows: a copied row keeps its
    value, a synthetic row takes its parent's. ``sample_weight`` is always
    consumed here and carried by the rule above.

    Resampling changes the class prior the estimator learns: after
    oversampling to balance, its ``predict_proba`` estimates ``p(y|x)`` for
    balanced classes, not for the data it will meet. ``proba_prior="original"``
    moves the probabilities back to the class prior of the data passed to
    ``fit`` by Bayes' rule, ``p(y|x) * original_prior_(y) / train_prior_(y)``
    renormalised (as :class:`~skclassgap.threshold.LogitAdjustedClassifier`
    does), so that they are calibrated again when the estimator's were before
    resampling. ``predict`` keeps the rule learnt on the resampled data (which
    favours the rare classes, usually the point of resampling) unless
    ``predict_prior="original"`` makes it the argmax of the moved
    probabilities.

    Input ``X`` may hold NaN (in ``fit`` and when predicting) only when both
    the sampler and the estimator accept it (their ``allow_nan`` tags), e.g.
    :class:`~imblearn.under_sampling.RandomUnderSampler` with
    :class:`~sklearn.ensemble.HistGradientBoostingClassifier`. With a sampler
    that needs finite values (SMOTE and the other interpolating samplers),
    the estimator never sees a missing value in training, so predicting on
    rows with missing values is refused too: impute before this estimator.

    Parameters
    ----------
    estimator : classifier
        Classifier fitted on the resampled data.
    sampler : sampler, default=None
        Any object with ``fit_resample`` (imbalanced-learn's samplers
        included). ``None`` means :class:`~skclassgap.over_sampling.SMOTE()`.
    {proba_prior}
    predict_prior : {"fit", "original"}, default="fit"
        Class prior ``predict`` decides for: ``"fit"`` is the estimator's own
        ``predict``; ``"original"`` the argmax of the probabilities moved to
        the prior before resampling (needs ``predict_proba``).

    Attributes
    ----------
    {fitted_estimator_}
    sampler_ : sampler
        The fitted clone of ``sampler``.
    train_prior_ : ndarray of shape (n_classes,)
        Class frequencies of the resampled rows the estimator was fitted on
        (weighted by the carried ``sample_weight``).
    {original_prior_}
    {features_in_fit_}

    See Also
    --------
    skclassgap.over_sampling.SMOTE : The default sampler.
    imblearn.pipeline.Pipeline : Pipeline with samplers as intermediate steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skclassgap.compose import ResampledClassifier
    >>> from skclassgap.over_sampling import SMOTE
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     ResampledClassifier(LogisticRegression(), sampler=SMOTE(random_state=0)),
    ... )
    >>> weights = np.where(y == 1, 2.0, 1.0)
    >>> clf.fit(X, y, resampledclassifier__sample_weight=weights).predict(X[:3]).shape
    (3,)

    Probabilities under the prior of the data before resampling:

    >>> clf = ResampledClassifier(
    ...     LogisticRegression(), sampler=SMOTE(random_state=0), proba_prior="original"
    ... ).fit(X, y)
    >>> clf.train_prior_, clf.original_prior_
    (array([0.5, 0.5]), array([0.9, 0.1]))
    >>> bool(clf.predict_proba(X)[:, 1].mean() < 0.2)
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "sampler": [HasMethods(["fit_resample"]), None],
        "proba_prior": [StrOptions({"fit", "original"})],
        "predict_prior": [StrOptions({"fit", "original"})],
    }

    def __init__(
        self, estimator, *, sampler=None, proba_prior="fit", predict_prior="fit"
    ):
        self.estimator = estimator
        self.sampler = sampler
        self.proba_prior = proba_prior
        self.predict_prior = predict_prior

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Resample ``X, y`` with the sampler, then fit the estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to the sampler as given.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights carried through the resampling (see the class docstring)
            and passed to ``estimator.fit``.
        **fit_params : dict
            Other metadata, only with metadata routing enabled: routed to
            ``estimator.fit`` (per-sample arrays resampled with the rows) and
            ``sampler.fit_resample`` as they requested them.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        _raise_for_params(fit_params, self, "fit")
        X_checked, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=False,
        )
        check_classification_targets(y)
        # pandas goes to the sampler as given (feature names reach the estimator).
        X = X if hasattr(X, "columns") else X_checked
        self.sampler_ = clone(self._sampler())
        self.estimator_ = clone(self.estimator)
        n_samples = X_checked.shape[0]
        sw = check_sample_weight(
            None if sample_weight is None else np.asarray(sample_weight), n_samples
        )
        if sw is not None and not has_fit_parameter(self.estimator_, "sample_weight"):
            raise ValueError(
                f"{type(self.estimator_).__name__}.fit does not accept sample_weight; "
                "fit without sample_weight or use an estimator that supports it."
            )
        est_params, sampler_params = {}, {}
        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, **fit_params
            )
            est_params = dict(routed.estimator.fit)
            sampler_params = dict(routed.sampler.fit_resample)
            # Weights are consumed here and carried through the resampling.
            est_params.pop("sample_weight", None)
        X_res, y_res = self.sampler_.fit_resample(X, y, **sampler_params)[:2]
        per_sample = [
            key
            for key, value in est_params.items()
            if hasattr(value, "__len__")
            and not isinstance(value, str)
            and _num_samples(value) == n_samples
        ]
        if per_sample:
            rows = resampled_source_rows(self.sampler_, len(y_res))
            for key in per_sample:
                est_params[key] = _safe_indexing(est_params[key], rows)
        if sw is not None:
            est_params["sample_weight"] = resampled_weights(
                self.sampler_, sw, y_res, n_samples, y
            )
        self.estimator_.fit(X_res, y_res, **est_params)
        self.classes_ = self.estimator_.classes_
        if self.predict_prior == "original" and not hasattr(
            self.estimator_, "predict_proba"
        ):
            raise ValueError(
                f"predict_prior='original' moves probabilities to the prior before "
                f"resampling, but {type(self.estimator_).__name__} has no "
                "predict_proba. Use predict_prior='fit' or a probabilistic estimator."
            )
        classes = np.asarray(self.classes_)
        n_classes = classes.shape[0]
        self.original_prior_ = class_prior(np.searchsorted(classes, y), n_classes, sw)
        self.train_prior_ = class_prior(
            np.searchsorted(classes, np.asarray(y_res)),
            n_classes,
            est_params.get("sample_weight"),
        )
        return self

    def _sampler(self):
        """``sampler``, or the default SMOTE when it is None (not fitted)."""
        if self.sampler is None:
            from skclassgap.over_sampling import SMOTE

            return SMOTE()
        return self.sampler

    def _response_input(self, X):
        """Fitted check and validation (feature count/names) before forwarding.

        NaN and infinity are refused unless both the sampler and the estimator
        accept NaN (the ``allow_nan`` tag): a model fitted through a sampler
        that cannot take missing values never saw them.
        """
        check_is_fitted(self)
        return checked_input(self, X, reset=False)

    @shared_docs
    def predict(self, X):
        """Predict class labels with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Data to classify.

        Returns
        -------
        {predict_returns}
        """
        X = self._response_input(X)
        if self.predict_prior == "original":
            log_proba = self._original_log_proba(X)
            return self.classes_[np.argmax(log_proba, axis=1)]
        return self.estimator_.predict(X)

    @shared_docs
    def get_metadata_routing(self):
        """Get metadata routing of this object.

        ``sample_weight`` is consumed here (and carried through the
        resampling to the estimator); other ``fit`` metadata go to
        ``estimator.fit`` and ``sampler.fit_resample`` as they requested.

        {routing_sections}
        """
        return fit_router(
            self,
            estimator=(self.estimator, "fit"),
            sampler=(self._sampler(), "fit_resample"),
        )

    def __sklearn_tags__(self):
        # X goes through the sampler to the estimator in fit: both must accept it.
        return inner_tags(super().__sklearn_tags__(), self.estimator, self._sampler())
