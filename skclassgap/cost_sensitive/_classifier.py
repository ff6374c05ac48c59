"""CostSensitiveClassifier: cost matrices to training weights and min-risk decisions."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
    indexable,
)

from skclassgap._compat import (
    HasMethods,
    StrOptions,
    _check_method_params,
    _fit_context,
    _raise_for_params,
    _routing_enabled,
    _safe_indexing,
)
from skclassgap._kernels.decision import _min_risk_argmin
from skclassgap.cost_sensitive._cost_matrix import (
    balanced_cost_matrix,
    check_cost_matrix,
    cost_class_weights,
)
from skclassgap.utils._docstring import shared_docs
from skclassgap.utils._meta import OriginalPriorMixin, fit_router, inner_tags
from skclassgap.utils._priors import class_prior
from skclassgap.utils._validation import check_sample_weight


def _final_step(estimator):
    """The estimator that ends a (possibly nested) Pipeline, and its step path."""
    path = []
    while isinstance(estimator, Pipeline):
        name, estimator = estimator.steps[-1]
        path.append(name)
    return estimator, path


def _accepts_sample_weight(estimator):
    final, _ = _final_step(estimator)
    return final not in (None, "passthrough") and has_fit_parameter(
        final, "sample_weight"
    )


@shared_docs
class CostSensitiveClassifier(
    ClassifierMixin, MetaEstimatorMixin, OriginalPriorMixin, BaseEstimator
):
    """Train and decide with a cost matrix, around any classifier.

    Two independent stages turn a cost matrix ``C`` (``C[i, j]``: cost of
    predicting class ``j`` for a row of class ``i``) into cheaper decisions:

    **Training** changes what the inner estimator learns. Each class gets a
    weight ``w_i``: from ``class_weight`` when given, otherwise the mean regret
    of misclassifying the class, ``w_i = mean_{j != i} (C[i, j] - C[i, i])``
    (clipped at 0; for two classes with a zero diagonal these are Elkan's
    weights ``(C[0, 1], C[1, 0])``). Row ``r`` of class ``y_r`` with user
    weight ``s_r`` (1 by default) then weighs ``s_r * w[y_r] * Z``, with ``Z``
    chosen so that the weights sum to ``sum_r s_r`` (the mean row weight stays
    1 without ``sample_weight``).

    - ``"reweight"`` passes these row weights as ``sample_weight`` to the
      estimator's ``fit``. For a :class:`~sklearn.pipeline.Pipeline` they go to
      its final step (recursively, for nested pipelines): without metadata
      routing as ``<step>__sample_weight``; with routing enabled, the clone's
      final step is set to request ``sample_weight`` and the weights are passed
      as ``sample_weight``, so every step that requested ``sample_weight``
      (``set_fit_request``) sees the same reweighted distribution.
    - ``"resample"`` is cost-proportionate rejection sampling (Zadrozny,
      Langford & Abe, 2003): row ``r`` is kept with probability
      ``s_r * w[y_r] / max_r (s_r * w[y_r])`` and the estimator is fitted
      unweighted on the kept rows. A class left with no row keeps its
      heaviest one. For estimators without ``sample_weight`` (e.g.
      :class:`~sklearn.neighbors.KNeighborsClassifier`).
    - ``"none"`` fits the estimator as is (class weights unused).
    - ``"auto"`` is ``"none"`` when a cost matrix is given without
      ``class_weight`` and the decision is min-risk (the costs then act once,
      at decision time, on unweighted probabilities); otherwise, when there are
      class weights, ``"reweight"`` if the estimator (a Pipeline's final step)
      accepts ``sample_weight`` and ``"resample"`` if not; ``"none"`` when
      neither ``cost_matrix`` nor ``class_weight`` is given. This default was
      chosen on cross-validated expected cost: min-risk decisions on an
      unweighted model were never worse than reweighting in our runs
      (logistic regression, Gaussian naive Bayes, k-NN on breast cancer and
      digits), and rejection sampling with weight ratios like 20:1 starves the
      cheap classes of a multiclass problem.

    **Decision** turns probabilities into labels. ``"min_risk"`` predicts
    ``argmin_j sum_i q_i(x) C[i, j]``, where ``q`` is the estimator's
    ``predict_proba`` divided by the training class weights ``w`` (which shifted
    the class priors the estimator learnt; dividing shifts them back, so the
    costs count once, not twice), ties to the lowest class index. Without a
    cost matrix the 0-1 cost is used. ``"argmax"`` keeps the estimator's own
    ``predict``. ``"auto"`` is ``"min_risk"`` when a cost matrix is given and
    the fitted estimator has ``predict_proba``, else ``"argmax"``. For two
    classes with a zero diagonal, reweighted training and min-risk decisions
    give the same labels as the reweighted estimator's ``predict`` whenever its
    ``predict`` is the argmax of its probabilities.

    Parameters
    ----------
    estimator : estimator instance
        Classifier (or Pipeline ending in one) to fit; cloned in :term:`fit`.
    cost_matrix : "balanced", array-like, DataFrame or dict of dicts, default=None
        Of shape (n_classes, n_classes): rows are true classes, columns
        predicted classes. An array is in ``classes_`` order (sorted labels); a
        DataFrame is matched by index (true) and columns (predicted); a dict of
        dicts ``{true: {predicted: cost}}`` must give every off-diagonal cost
        (missing diagonal costs are 0). Costs must be finite and non-negative,
        and every label a class. ``"balanced"`` makes missing a class cost the
        inverse of its frequency in ``fit``: ``C[i, j] = n / (n_classes *
        n_i)`` for ``j != i`` (the ``sample_weight``-weighted count ``n_i`` of
        class ``i``), 0 on the diagonal. Its min-risk decision on unweighted
        training predicts ``argmax_j p_j(x) / pi_j``, with ``pi`` the class
        frequencies: the decisions of
        :class:`~skclassgap.threshold.LogitAdjustedClassifier` with
        ``tau=1`` (up to rounding of near ties).
    class_weight : "balanced" or dict, default=None
        Class weights for training, replacing the cost-derived ones.
        ``"balanced"`` is ``n / (n_classes * n_c)``, with ``n_c`` the
        (``sample_weight``-weighted) count of class ``c``; a dict maps class
        labels to weights (missing classes weigh 1). Weights must be positive.
    training : {"auto", "reweight", "resample", "none"}, default="auto"
        How the class weights reach training (see above).
    decision : {"auto", "min_risk", "argmax"}, default="auto"
        How predictions are made (see above).
    random_state : int, RandomState instance or None, default=None
        Seeds the rejection sampling of ``training="resample"``.
    {proba_prior}
        It is the correction the min-risk decision applies; ``predict`` is not
        affected (see ``decision``).

    Attributes
    ----------
    {fitted_estimator_}
    cost_matrix_ : ndarray of shape (n_classes, n_classes) or None
        The validated cost matrix in ``classes_`` order.
    class_weight_ : ndarray of shape (n_classes,) or None
        Class weights ``w`` used in training (before the normalisation ``Z``);
        None when ``training_ == "none"``.
    training_ : {"reweight", "resample", "none"}
        The training mode used.
    decision_ : {"min_risk", "argmax"}
        The decision rule used.
    decision_cost_ : ndarray of shape (n_classes, n_classes) or None
        ``C[i, j] / w_i``, the matrix the min-risk rule multiplies the
        probabilities by; None for ``"argmax"``.
    train_prior_ : ndarray of shape (n_classes,)
        Class prior the estimator was fitted on: class frequencies weighted by
        the training row weights (``"reweight"``), of the kept rows
        (``"resample"``), or of ``y`` (``"none"``).
    {original_prior_}
    sample_indices_ : ndarray of shape (n_kept,)
        Rows the estimator was fitted on (``training_ == "resample"`` only).
    {features_in_estimator_}

    See Also
    --------
    expected_cost : The cost these decisions minimise.
    make_cost_scorer : The ``neg_expected_cost`` scorer for model selection.
    sklearn.model_selection.FixedThresholdClassifier : Binary fixed threshold.

    References
    ----------
    .. [1] C. Elkan, "The foundations of cost-sensitive learning", IJCAI 2001.
    .. [2] B. Zadrozny, J. Langford, N. Abe, "Cost-sensitive learning by
       cost-proportionate example weighting", ICDM 2003.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skclassgap.cost_sensitive import CostSensitiveClassifier, expected_cost
    >>> X, y = load_breast_cancer(return_X_y=True)  # 0 = malignant
    >>> cost = {0: {1: 20}, 1: {0: 1}}  # a missed malignant tumour costs 20
    >>> plain = make_pipeline(StandardScaler(), LogisticRegression())
    >>> model = CostSensitiveClassifier(plain, cost_matrix=cost).fit(X, y)
    >>> model.training_, model.decision_
    ('none', 'min_risk')
    >>> bool(expected_cost(y, model.predict(X), cost)
    ...      <= expected_cost(y, plain.fit(X, y).predict(X), cost))
    True
    >>> weighted = CostSensitiveClassifier(plain, cost_matrix=cost, training="reweight")
    >>> weighted.fit(X, y).class_weight_.tolist()
    [20.0, 1.0]
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "cost_matrix": [StrOptions({"balanced"}), "array-like", dict, None],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "training": [StrOptions({"auto", "reweight", "resample", "none"})],
        "decision": [StrOptions({"auto", "min_risk", "argmax"})],
        "random_state": ["random_state"],
        "proba_prior": [StrOptions({"fit", "original"})],
    }

    def __init__(
        self,
        estimator,
        *,
        cost_matrix=None,
        class_weight=None,
        training="auto",
        decision="auto",
        random_state=None,
        proba_prior="fit",
    ):
        self.estimator = estimator
        self.cost_matrix = cost_matrix
        self.class_weight = class_weight
        self.training = training
        self.decision = decision
        self.random_state = random_state
        self.proba_prior = proba_prior

    @property
    def classes_(self):
        """Class labels, from the fitted estimator."""
        return self.estimator_.classes_

    def _class_weights(self, codes, classes, cost, sw):
        """Training class weights ``w`` in ``classes`` order."""
        n_classes = len(classes)
        if isinstance(self.class_weight, str):  # "balanced", on weighted counts
            counts = np.bincount(codes, weights=sw, minlength=n_classes)
            if (counts == 0).any():
                raise ValueError(
                    "class_weight='balanced' is undefined for classes "
                    f"{classes[counts == 0].tolist()!r}, whose sample weights sum to "
                    "0; give them positive weights or pass a class_weight dict."
                )
            weights = counts.sum() / (n_classes * counts)
        elif isinstance(self.class_weight, dict):
            known = set(classes.tolist())
            unknown = [label for label in self.class_weight if label not in known]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown!r} that are not classes; the "
                    f"classes are {classes.tolist()!r}."
                )
            weights = np.asarray(
                [self.class_weight.get(c, 1.0) for c in classes.tolist()],
                dtype=np.float64,
            )
            if not np.isfinite(weights).all():
                raise ValueError(
                    f"class_weight contains NaN or infinity; got {self.class_weight!r}."
                )
        else:
            weights = cost_class_weights(cost)
        bad = [c for c, w in zip(classes.tolist(), weights, strict=True) if not w > 0]
        if bad:
            source = "cost_matrix" if self.class_weight is None else "class_weight"
            raise ValueError(
                f"{source} gives classes {bad!r} a training weight <= 0 "
                f"(weights {weights.tolist()!r}), so training would ignore them. "
                "Make misclassifying every class cost more than classifying it "
                "right, pass class_weight, or use training='none'."
            )
        return weights

    def _resolve_training(self, cost):
        if cost is None and self.class_weight is None:
            if self.training in ("reweight", "resample"):
                raise ValueError(
                    f"training={self.training!r} needs class weights; pass cost_matrix "
                    "or class_weight, or use training='none'."
                )
            return "none"
        if self.training == "auto":
            min_risk = self.decision == "min_risk" or (
                self.decision == "auto" and hasattr(self.estimator, "predict_proba")
            )
            if cost is not None and self.class_weight is None and min_risk:
                return "none"  # the costs act once, at decision time
            return "reweight" if _accepts_sample_weight(self.estimator) else "resample"
        if self.training == "reweight" and not _accepts_sample_weight(self.estimator):
            final, _ = _final_step(self.estimator)
            raise ValueError(
                f"training='reweight' needs an estimator whose fit accepts "
                f"sample_weight; {type(final).__name__}.fit does not. Use "
                "training='resample' (or 'auto')."
            )
        return self.training

    def _fit_weighted(self, estimator, X, y, weights, params):
        """Fit ``estimator`` with row ``weights`` reaching its final step."""
        if weights is None:
            return estimator.fit(X, y, **params)
        if not isinstance(estimator, Pipeline):
            return estimator.fit(X, y, **{**params, "sample_weight": weights})
        final, path = _final_step(estimator)
        if _routing_enabled():
            final.set_fit_request(sample_weight=True)
            return estimator.fit(X, y, **{**params, "sample_weight": weights})
        return estimator.fit(
            X, y, **{**params, "__".join(path) + "__sample_weight": weights}
        )

    @_fit_context(
        # CostSensitiveClassifier.estimator is not validated yet
        prefer_skip_nested_validation=False
    )
    @shared_docs
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator on cost-weighted or cost-resampled data.

        Parameters
        ----------
        {fit_X_y}
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, multiplied into the class weights (``"reweight"``) or
            into the acceptance probabilities (``"resample"``). With
            ``training="none"`` they are passed on to the estimator (its final
            step, for a Pipeline) without routing, or as routed with it.
        **fit_params : dict
            Other metadata for the estimator's ``fit``; only with metadata
            routing enabled (``sklearn.set_config(enable_metadata_routing=True)``),
            routed as the estimator requested.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        _raise_for_params(fit_params, self, "fit")
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X, y = indexable(X, y)
        y = column_or_1d(
            check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True
        )
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"CostSensitiveClassifier needs at least 2 classes; y holds 1 class "
                f"{classes.tolist()!r}."
            )
        sw = check_sample_weight(sample_weight, len(y))

        cost = None
        if isinstance(self.cost_matrix, str):  # "balanced"
            cost = balanced_cost_matrix(codes, classes, sw)
        elif self.cost_matrix is not None:
            cost = check_cost_matrix(self.cost_matrix, classes)
        training = self._resolve_training(cost)
        weights = None
        if training != "none":
            weights = self._class_weights(codes, classes, cost, sw)

        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, **fit_params
            )
            params = dict(routed.estimator.fit)
        else:
            params = {}
            if training == "none" and sw is not None:
                if not _accepts_sample_weight(self.estimator):
                    final, _ = _final_step(self.estimator)
                    raise ValueError(
                        f"sample_weight was passed but {type(final).__name__}.fit does "
                        "not accept it; use training='resample' with class weights, "
                        "or drop sample_weight."
                    )
        self.estimator_ = clone(self.estimator)

        n_classes = len(classes)
        self.original_prior_ = class_prior(codes, n_classes, sw)
        if training == "none":
            row_weights = sw if not _routing_enabled() else None
            self._fit_weighted(self.estimator_, X, y, row_weights, params)
            self.class_weight_ = None
            self.train_prior_ = self.original_prior_
        else:
            row_weights = weights[codes] if sw is None else sw * weights[codes]
            total = len(y) if sw is None else sw.sum()
            if row_weights.sum() > 0:
                row_weights = row_weights * (total / row_weights.sum())
            self.class_weight_ = weights
            if training == "reweight":
                self._fit_weighted(self.estimator_, X, y, row_weights, params)
                self.train_prior_ = class_prior(codes, n_classes, row_weights)
            else:
                keep = self._rejection_sample(row_weights, codes, len(classes))
                self.sample_indices_ = keep
                params.pop("sample_weight", None)  # folded into the acceptance
                params = _check_method_params(X, params, keep)
                self.estimator_.fit(_safe_indexing(X, keep), y[keep], **params)
                self.train_prior_ = class_prior(codes[keep], n_classes)
        self.training_ = training

        learnt = np.asarray(self.estimator_.classes_)
        if not np.array_equal(learnt, classes):
            raise ValueError(
                f"The fitted estimator has classes {learnt.tolist()!r} "
                f"but y holds {classes.tolist()!r}; the estimator must learn every "
                "class of y."
            )
        self.cost_matrix_ = cost
        self.decision_ = self._resolve_decision(cost)
        if self.decision_ == "min_risk":
            base = cost if cost is not None else 1.0 - np.eye(len(classes))
            divisor = self.class_weight_ if self.class_weight_ is not None else 1.0
            divisor = np.broadcast_to(divisor, len(classes))[:, None]
            self.decision_cost_ = np.ascontiguousarray(base / divisor)
        else:
            self.decision_cost_ = None

        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, attr):
                setattr(self, attr, getattr(self.estimator_, attr))
        return self

    def _rejection_sample(self, row_weights, codes, n_classes):
        """Row indices kept by cost-proportionate rejection sampling, sorted."""
        rng = check_random_state(self.random_state)
        accept = row_weights / row_weights.max()
        keep = rng.uniform(size=len(row_weights)) < accept
        kept_classes = np.bincount(codes[keep], minlength=n_classes)
        for c in np.flatnonzero(kept_classes == 0):
            members = np.flatnonzero(codes == c)
            keep[members[np.argmax(row_weights[members])]] = True
        return np.flatnonzero(keep)

    def _resolve_decision(self, cost):
        has_proba = hasattr(self.estimator_, "predict_proba")
        if self.decision == "auto":
            return "min_risk" if cost is not None and has_proba else "argmax"
        if self.decision == "min_risk" and not has_proba:
            raise ValueError(
                f"decision='min_risk' needs predict_proba, which the fitted "
                f"{type(self.estimator_).__name__} does not provide. Use "
                "decision='argmax', or wrap the estimator in "
                "sklearn.calibration.CalibratedClassifierCV."
            )
        return self.decision

    @shared_docs
    def predict(self, X):
        """Predict the class of least expected cost (or the estimator's class).

        {predict_sections}
        """
        check_is_fitted(self, "estimator_")
        if self.decision_ == "argmax":
            return self.estimator_.predict(X)
        proba = np.asarray(self.estimator_.predict_proba(X))
        if proba.dtype not in (np.float32, np.float64):
            proba = proba.astype(np.float64)
        codes = _min_risk_argmin(np.ascontiguousarray(proba), self.decision_cost_)
        return self.classes_[codes]

    @shared_docs
    def get_metadata_routing(self):
        """Get metadata routing of this object.

        ``sample_weight`` is consumed here (multiplied into the class weights)
        and, for ``training="none"``, routed to the estimator when it requested
        it; other ``fit`` metadata go to the estimator as it requested.

        {routing_sections}
        """
        return fit_router(self, estimator=(self.estimator, "fit"))

    def __sklearn_tags__(self):
        return inner_tags(super().__sklearn_tags__(), self.estimator)
