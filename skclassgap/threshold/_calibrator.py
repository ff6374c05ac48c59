"""ThresholdCalibrator: exact binary thresholds and multiclass per-class offsets."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted, indexable

from skclassgap._compat import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _check_method_params,
    _fit_context,
    _raise_for_params,
    _safe_indexing,
)
from skclassgap.metrics import get_scorer_names
from skclassgap.metrics._scorer import label_metric
from skclassgap.threshold._search import (
    CountObjective,
    LabelObjective,
    balanced_guard_choice,
    binary_search,
    evaluate_offsets,
    key_improves,
    noise_rule_choice,
    offset_search,
)
from skclassgap.utils._docstring import shared_docs
from skclassgap.utils._meta import ForwardResponsesMixin, checked_targets, inner_tags
from skclassgap.utils._priors import class_prior

# Probabilities are floored here before the log, so that zero probabilities
# give large negative, finite log-scores.
_TINY = np.finfo(np.float64).tiny
# Points of the path from the prior-correction offsets (0) to the tuned ones (1).
_SHRINK = (0.0, 0.25, 0.5, 0.75, 1.0)


def resolve_response_method(estimator, response_method):
    """The response method to use: ``"predict_proba"`` or ``"decision_function"``."""
    if response_method != "auto":
        if not hasattr(estimator, response_method):
            raise ValueError(
                f"response_method={response_method!r} but {type(estimator).__name__} "
                f"has no {response_method} method. Use response_method='auto' or an "
                "estimator that implements it."
            )
        return response_method
    for method in ("predict_proba", "decision_function"):
        if hasattr(estimator, method):
            return method
    raise ValueError(
        f"{type(estimator).__name__} has neither predict_proba nor decision_function "
        "(after fitting); a threshold needs continuous scores. Use an estimator "
        "that implements one of them."
    )


def response_scores(estimator, X, method, n_classes):
    """Scores to search on: (n,) binary; (n, K) log-probabilities or decisions."""
    raw = np.asarray(getattr(estimator, method)(X), dtype=np.float64)
    if n_classes == 2:
        scores = raw[:, 1] if raw.ndim == 2 else raw
    elif method == "predict_proba":
        scores = np.log(np.maximum(raw, _TINY))
    else:
        scores = raw
    if not np.isfinite(scores).all():
        raise ValueError(
            f"{type(estimator).__name__}.{method} returned NaN or infinite scores; "
            "thresholds and offsets need finite scores."
        )
    return np.ascontiguousarray(scores)


def _fit_and_score(estimator, X, y, train, test, fit_params, method, classes, fold):
    """Fit on ``train``, return the fitted estimator and its scores on ``test``."""
    fit_params = _check_method_params(X, fit_params, indices=train)
    estimator.fit(_safe_indexing(X, train), _safe_indexing(y, train), **fit_params)
    fold_classes = np.asarray(estimator.classes_)
    if fold_classes.shape != classes.shape or not np.array_equal(fold_classes, classes):
        missing = [c for c in classes.tolist() if c not in fold_classes.tolist()]
        raise ValueError(
            f"The training part of fold {fold} lacks class(es) {missing!r} of y "
            f"(y has classes {classes.tolist()!r}), so out-of-fold scores cannot be "
            "computed for every class. Use fewer folds (cv) or a stratified splitter, "
            "or gather more samples of the rare class."
        )
    scores = response_scores(estimator, _safe_indexing(X, test), method, len(classes))
    return estimator, scores


@shared_docs
class ThresholdCalibrator(
    ClassifierMixin, MetaEstimatorMixin, ForwardResponsesMixin, BaseEstimator
):
    """Tune a binary threshold or multiclass per-class offsets on out-of-fold scores.

    Scores of the inner estimator are collected out of fold (cross-validation),
    then the decision rule that maximises ``objective`` on them is found:

    - **binary**: predict the second class of ``classes_`` when its score is
      ``>= threshold_``. The threshold is the exact optimum over every distinct
      out-of-fold score, found by one sort and one pass of cumulative
      confusion counts, the objective being scored from counts on all
      candidates at once (not by re-scoring a grid of candidates). For
      objectives that never drop when a group of only-positive rows moves to
      the positive side (or only-negative rows to the negative side: every
      named objective except the ``neg_class_gap*`` ones) only the candidates
      where such a move is impossible are scored, which keeps the optimum
      exact. The threshold sits mid-way between neighbouring distinct scores
      (``-inf``/``+inf`` when every/no row is positive).
    - **multiclass**: predict ``argmax_k(score_k + offsets_[k])``, scores being
      log-probabilities (``predict_proba``) or decision-function values.
      Offsets are found by coordinate ascent; each step is the exact optimum
      over one class's offset, swept over the breakpoints where a row's argmax
      flips to or from that class, with incremental count updates. Steps are
      ranked by the objective, then by the per-class recalls sorted ascending
      (the worst first): on a plateau of a max-min objective
      (``worst_class_recall``, ``neg_class_gap*``), where two classes share
      the worst recall and raising either alone cannot raise the minimum, the
      search still raises one of them and then the other, instead of
      stalling. The ascent runs from two starts, zero offsets (the plain
      argmax) and the prior correction ``-log`` of the class frequencies of
      ``y`` (the Bayes rule for balanced classes, as
      :class:`LogitAdjustedClassifier`), and keeps the better end point.
      **Regularisation**: on the straight path from the prior correction to
      that end point (0, 1/4, 1/2, 3/4, 1), the offsets kept are the first
      whose objective is within two bootstrap standard errors (100 Poisson
      replicates of the out-of-fold rows, the gain measured paired) of the
      end point's. Tiny classes make the out-of-fold objective noisy, so
      their offsets stay at (or near) the prior correction, which needs no
      tuning; with large classes the tuned offsets are kept. Only points
      whose objective is not below either start are considered, so
      ``best_score_`` is never below ``start_scores_``.
      **Balanced-accuracy guard** (objectives that summarise the per-class
      recalls alone: ``worst_class_recall``, ``neg_class_gap``, ``g_mean``,
      ``balanced_accuracy``): the prior correction is the Bayes rule for
      balanced accuracy (the mean of the per-class recalls), so offsets that
      depart from it trade mean recall for the objective, and the
      out-of-fold estimate of that trade flatters the tuned offsets (they
      were chosen on those rows, and the final model is refitted on all of
      them). So the kept offsets must not lower the out-of-fold balanced
      accuracy below the prior correction's, with no allowance for noise;
      when the noise rule's point would, the calibrator walks back along
      the path to the first point that does not (``guarded_``). Raising
      the weak classes stays allowed; closing a gap by lowering the strong
      classes below the prior correction's mean recall does not. The guard
      only chooses among the points above, so the objective guarantee holds
      for the final offsets; the balanced-accuracy guarantee holds whenever
      the prior correction scores at least the plain argmax on the
      objective (otherwise it is not among those points, and the point with
      the highest balanced accuracy is kept).

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``fit`` and ``predict_proba`` or ``decision_function``.
    objective : str or callable, default="g_mean"
        What to maximise. A name of :func:`skclassgap.metrics.get_scorer_names`
        (``"g_mean"``, ``"macro_f1"``, ``"balanced_accuracy"``,
        ``"worst_class_recall"``, ``"neg_class_gap"``, ...), scored from counts
        on every candidate at once; or a callable ``(y_true, y_pred) -> float``
        (larger is better), evaluated at up to 512 evenly spread candidates per
        one-dimensional search; multiclass offsets tuned for a callable are
        kept as the ascent ends (neither the noise rule nor the
        balanced-accuracy guard applies, as nothing is known of it).
    cv : int, float, cross-validation generator, iterable or "prefit", default=5
        How out-of-fold scores are obtained. An int gives stratified k-fold; a
        float in (0, 1) one stratified shuffle split holding out that fraction;
        ``"prefit"`` uses the already fitted ``estimator`` as is and scores the
        data passed to ``fit`` (``refit`` is then ignored). A
        :class:`~sklearn.frozen.FrozenEstimator` works with any ``cv``.
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        Scores to calibrate; ``"auto"`` tries ``predict_proba`` first.
    refit : bool, default=True
        Refit ``estimator`` on all data once the rule is tuned. ``False`` keeps
        the model of the single training split (only allowed when ``cv`` has
        one split).
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle split when ``cv`` is a float.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib).

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier used to predict.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    threshold_ : float
        Binary only. Decision threshold on the second class's score.
    thresholds_ : ndarray of shape (n_candidates,)
        Binary only. Every candidate threshold, increasing (with a callable
        objective, the candidates evaluated). Built on first access.
    objective_values_ : ndarray of shape (n_candidates,)
        Binary only. Objective at each of ``thresholds_``, for plotting.
        Scored on first access.
    offsets_ : ndarray of shape (n_classes,)
        Multiclass only. Additive per-class offsets.
    baseline_score_ : float
        Multiclass only. Objective of the plain argmax (zero offsets) on the
        out-of-fold scores.
    start_scores_ : dict
        Multiclass only. Objective of each start on the out-of-fold scores:
        ``"zero"`` (zero offsets, equal to ``baseline_score_``) and
        ``"prior"`` (the prior correction, ``-log`` of the class frequencies).
    start_ : {"zero", "prior"}
        Multiclass only. The start whose ascent ended higher.
    shrinkage_ : float
        Multiclass only. Position of ``offsets_`` on the path from the prior
        correction (0) to the tuned offsets (1), set by the noise rule and
        the balanced-accuracy guard.
    guarded_ : bool
        Multiclass only. Whether the balanced-accuracy guard moved the
        offsets back toward the prior correction (always ``False`` for
        objectives that are not recall summaries, and for callables).
    n_rounds_ : int
        Multiclass only. Rounds of coordinate ascent run.
    best_score_ : float
        Objective of the tuned rule on the out-of-fold scores (scorer sign:
        ``neg_*`` objectives are negated, so larger is always better).
    {features_in_estimator_}

    See Also
    --------
    LogitAdjustedClassifier : Shift decisions by known class priors instead.
    sklearn.model_selection.TunedThresholdClassifierCV : Binary threshold tuned
        on a grid of candidates, per fold.

    Notes
    -----
    ``predict_proba`` and ``decision_function`` return the inner estimator's
    values unchanged; only ``predict`` applies the threshold or offsets.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.threshold import ThresholdCalibrator
    >>> X, y = make_classification(n_samples=600, weights=[0.9], random_state=0)
    >>> model = ThresholdCalibrator(LogisticRegression(), objective="g_mean").fit(X, y)
    >>> bool(0.0 < model.threshold_ < 0.5)
    True
    >>> model.predict(X[:5]).shape
    (5,)
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "objective": [StrOptions(set(get_scorer_names())), callable],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "refit": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        objective="g_mean",
        cv=5,
        response_method="auto",
        refit=True,
        random_state=None,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.objective = objective
        self.cv = cv
        self.response_method = response_method
        self.refit = refit
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _objective(self, classes):
        if callable(self.objective):
            return LabelObjective(self.objective, classes)
        metric = label_metric(self.objective)
        return CountObjective(
            metric.from_counts,
            1.0 if metric.greater_is_better else -1.0,
            monotone=metric.monotone,
            recall_summary=metric.recall_summary,
        )

    def _splits(self, X, y, routed):
        if isinstance(self.cv, float):
            cv = StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        else:
            cv = check_cv(self.cv, y, classifier=True)
        splits = list(cv.split(X, y, **routed.splitter.split))
        if not self.refit and len(splits) > 1:
            raise ValueError(
                f"refit=False keeps the model of the single training split, but cv "
                f"gives {len(splits)} splits. Use refit=True, a single split (e.g. "
                "cv=0.2) or cv='prefit'."
            )
        return splits

    @_fit_context(
        # ThresholdCalibrator.estimator is not validated yet.
        prefer_skip_nested_validation=False
    )
    @shared_docs
    def fit(self, X, y, **params):
        """Collect out-of-fold scores, tune the rule, fit the final estimator.

        Parameters
        ----------
        {fit_X_y}
        **params : dict
            Routed to ``estimator.fit`` and the splitter's ``split`` (requires
            metadata routing to be enabled).

        Returns
        -------
        self : object
            Fitted calibrator.
        """
        _raise_for_params(params, self, "fit")
        X, y = indexable(X, y)
        y = checked_targets(self, y)
        classes, codes = np.unique(y, return_inverse=True)
        if classes.shape[0] < 2:
            raise ValueError(
                f"ThresholdCalibrator needs at least 2 classes in y; got 1 class: "
                f"{classes.tolist()!r}."
            )
        objective = self._objective(classes)
        routed = process_routing(self, "fit", **params)
        n_classes = classes.shape[0]
        if self.cv == "prefit":
            try:
                check_is_fitted(self.estimator, "classes_")
            except NotFittedError as exc:
                raise NotFittedError(
                    "cv='prefit' needs a fitted estimator; fit it first or use a "
                    "cross-validation cv."
                ) from exc
            self.estimator_ = self.estimator
            self._method = resolve_response_method(
                self.estimator_, self.response_method
            )
            if not np.array_equal(np.asarray(self.estimator_.classes_), classes):
                raise ValueError(
                    f"The prefit estimator knows classes "
                    f"{np.asarray(self.estimator_.classes_).tolist()!r} but y has "
                    f"{classes.tolist()!r}; calibrate on data with the same classes."
                )
            scores = response_scores(self.estimator_, X, self._method, n_classes)
            y_oof = codes
        else:
            self._method = resolve_response_method(self.estimator, self.response_method)
            splits = self._splits(X, y, routed)
            fitted = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_and_score)(
                    clone(self.estimator),
                    X,
                    y,
                    train,
                    test,
                    routed.estimator.fit,
                    self._method,
                    classes,
                    fold,
                )
                for fold, (train, test) in enumerate(splits)
            )
            scores = np.concatenate([s for _, s in fitted])
            y_oof = np.concatenate([codes[test] for _, test in splits])
            if self.refit:
                self.estimator_ = clone(self.estimator)
                self.estimator_.fit(X, y, **routed.estimator.fit)
            else:
                self.estimator_ = fitted[0][0]
        y_oof = np.ascontiguousarray(y_oof, dtype=np.int64)
        weights = np.ones(y_oof.shape[0])
        if n_classes == 2:
            counts, index, values, best = binary_search(
                scores, y_oof, weights, objective
            )
            self.threshold_ = float(counts.thresholds([best])[0])
            self.best_score_ = float(values[index == best][0])
            if isinstance(objective, CountObjective):
                # The full curve is built on first access to thresholds_ or
                # objective_values_; the objective is kept by name (closures
                # do not pickle).
                self._curve = {"counts": counts, "objective": self.objective}
            else:
                self._curve = {"thresholds": counts.thresholds(index), "values": values}
        else:
            self._search_offsets(scores, y_oof, weights, objective)
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    def _search_offsets(self, scores, y, weights, objective):
        """Offsets from the better of two starts: zeros and the prior correction."""
        n_classes = scores.shape[1]
        prior = class_prior(y, n_classes, weights)
        starts = {"zero": np.zeros(n_classes), "prior": -np.log(prior)}
        runs = {
            name: offset_search(scores, y, weights, objective, start)
            for name, start in starts.items()
        }
        self.start_scores_ = {
            name: evaluate_offsets(scores, start, y, weights, objective)
            for name, start in starts.items()
        }
        self.baseline_score_ = self.start_scores_["zero"]
        best = "prior" if key_improves(runs["prior"][1], runs["zero"][1]) else "zero"
        tuned, _, self.n_rounds_ = runs[best]
        # Noise rule on the path from the prior correction to the tuned
        # offsets: the offsets closest to the prior correction whose objective
        # is within NOISE_SE bootstrap standard errors of the tuned one (and not
        # below either start). Tiny classes make the objective noisy, so their
        # offsets stay near the prior correction.
        floor = max(self.start_scores_.values())
        kept = []  # (t, offsets, value), t = 1 (the tuned offsets) always kept
        for t in _SHRINK:
            offsets = starts["prior"] + t * (tuned - starts["prior"])
            value = evaluate_offsets(scores, offsets, y, weights, objective)
            if value >= floor - 1e-12:
                kept.append((t, offsets, value))
        ts, path, values = zip(*kept, strict=True)
        chosen = noise_rule_choice(scores, y, weights, objective, path, values)
        # Balanced-accuracy guard (objectives declared recall summaries): back
        # toward the prior correction until the out-of-fold balanced accuracy
        # is not below the prior correction's. Only kept points are
        # candidates, so the objective stays at least both starts'.
        self.guarded_ = False
        if isinstance(objective, CountObjective) and objective.recall_summary:
            ba = label_metric("balanced_accuracy")
            guard = CountObjective(ba.from_counts, 1.0)
            guarded = balanced_guard_choice(
                scores, y, weights, guard, starts["prior"], path, chosen
            )
            self.guarded_ = guarded != chosen
            chosen = guarded
        self.offsets_ = path[chosen]
        self.best_score_ = float(values[chosen])
        self.shrinkage_ = float(ts[chosen])
        self.start_ = best

    @property
    def classes_(self):
        """Class labels, from the fitted estimator."""
        return self.estimator_.classes_

    @property
    def thresholds_(self):
        """Binary only: every candidate threshold, increasing.

        With a named objective, ``-inf``, the mid-points between neighbouring
        distinct out-of-fold scores, and ``+inf``; with a callable, the
        candidates it was evaluated at. Built on first access.
        """
        check_is_fitted(self, "threshold_")
        curve = self._curve
        if "thresholds" not in curve:
            curve["thresholds"] = curve["counts"].thresholds()
        return curve["thresholds"]

    @property
    def objective_values_(self):
        """Binary only: objective at each of ``thresholds_``, for plotting.

        The search scores only the candidates where the optimum can lie; the
        whole curve is scored on first access (one vectorised pass).
        """
        check_is_fitted(self, "threshold_")
        curve = self._curve
        if "values" not in curve:
            metric = label_metric(curve["objective"])
            sign = 1.0 if metric.greater_is_better else -1.0
            objective = CountObjective(metric.from_counts, sign)
            curve["values"] = curve["counts"].values(objective)
        return curve["values"]

    @shared_docs
    def predict(self, X):
        """Predict classes with the tuned threshold or offsets.

        {predict_sections}
        """
        check_is_fitted(self, "estimator_")
        classes = np.asarray(self.classes_)
        scores = response_scores(self.estimator_, X, self._method, classes.shape[0])
        if classes.shape[0] == 2:
            return classes[(scores >= self.threshold_).astype(np.int64)]
        return classes[np.argmax(scores + self.offsets_, axis=1)]

    @shared_docs
    def get_metadata_routing(self):
        """Metadata routing: ``fit`` params go to ``estimator.fit`` and ``cv.split``.

        {routing_sections}
        """
        return (
            MetadataRouter(owner=self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(callee="fit", caller="fit"),
            )
            .add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(callee="split", caller="fit"),
            )
        )

    def __sklearn_tags__(self):
        return inner_tags(super().__sklearn_tags__(), self.estimator)
