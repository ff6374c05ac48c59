"""Bagging of resampled members: BalancedBaggingClassifier and its engine."""

import numbers
from typing import NamedTuple

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from skclassgap._compat import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
    _num_samples,
    _raise_for_params,
    _routing_enabled,
    _safe_indexing,
)
from skclassgap.ensemble._base import (
    UNDER_SAMPLING_STRINGS,
    BalancedEnsembleMixin,
    check_classes,
    check_proba_prior,
    check_weights_accepted,
    chunks,
    draw_rows,
    fit_member,
    member_proba,
    member_seeds,
    n_draws,
    oob_summary,
    per_sample_keys,
    run_batches,
    seed_member,
    take_columns,
    warm_start_count,
)
from skclassgap.ensemble._docs import fill_doc
from skclassgap.under_sampling import RandomUnderSampler
from skclassgap.under_sampling._base import ClassLayout
from skclassgap.under_sampling._strategy import py_label
from skclassgap.utils._meta import fit_router, inner_tags
from skclassgap.utils._priors import class_prior
from skclassgap.utils._validation import check_sample_weight

# Draws of a member's rows after the first when they hold a single class.
MAX_REDRAWS = 10


class Draws(NamedTuple):
    """How a bagging ensemble draws each member's rows and columns."""

    max_samples: object
    max_features: object
    bootstrap: bool
    bootstrap_features: bool
    oob_score: bool


def _estimator_has(attr):
    def check(self):
        return hasattr(self._estimator(), attr)

    return check


class BaseBalancedBagging(BalancedEnsembleMixin):
    """Engine of the bagging ensembles (see :class:`BalancedBaggingClassifier`).

    A subclass states its draws (``_draws()``), its sampler (``_sampler()``)
    and default estimator (``_estimator()``). Member ``m``: from its seed,
    draw the features then the rows (scikit-learn's bagging draws, so that
    the rows equal :class:`sklearn.ensemble.BaggingClassifier`'s for the same
    seed), resample the drawn rows with the sampler, fit the estimator.
    """

    # Whether the sampler is always skclassgap's RandomUnderSampler, so that
    # members drawing every row share one class layout (see ``under_sample``).
    _reuse_class_layout = False

    def _draws(self):
        raise NotImplementedError

    def _sampler(self):
        raise NotImplementedError

    def _estimator(self):
        raise NotImplementedError

    def _check_sampler_params(self):
        """Raise when parameters that only the default sampler reads are set."""

    def _draw(self, seed, y=None, redraws=0):
        """``(features, rows, redraws)`` of the member seeded ``seed``.

        The features, then the rows, from ``RandomState(seed)``. With ``y``,
        rows holding a single class are drawn again from the same stream,
        at most :data:`MAX_REDRAWS` times (``redraws`` counts them; ``rows``
        is then the last draw, single-class if all were); without ``y``,
        ``redraws`` redraws are replayed.
        """
        draws = self._draws()
        rs = np.random.RandomState(seed)
        features = draw_rows(
            rs, draws.bootstrap_features, self.n_features_in_, self._max_features
        )
        if not draws.bootstrap and self._max_samples == self._n_samples:
            return features, np.arange(self._n_samples), 0
        count = MAX_REDRAWS if y is not None else redraws
        for redraw in range(count + 1):
            rows = draw_rows(rs, draws.bootstrap, self._n_samples, self._max_samples)
            if y is not None and (y[rows] != y[rows[0]]).any():
                return features, rows, redraw
        return features, rows, count

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the ensemble: draw, resample and fit each member.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data. A DataFrame reaches the members as a DataFrame
            (its rows and columns drawn), so that column names reach them.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights carried to each member's estimator: a drawn row keeps its
            weight (a row drawn twice is there twice), then the sampler's
            output rows get their source rows' weights (see the class
            docstring).
        **fit_params : dict
            Other metadata, only with metadata routing enabled: routed to the
            estimator's ``fit`` and the sampler's ``fit_resample`` as they
            requested them; per-row arrays follow the drawn and resampled
            rows.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        _raise_for_params(fit_params, self, "fit")
        self._check_sampler_params()
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
        classes = np.unique(y)
        name = type(self).__name__
        check_classes(classes, type(self).__name__)
        sw = check_sample_weight(
            None if sample_weight is None else np.asarray(sample_weight), n_samples
        )
        self.sampler_ = clone(self._sampler())
        estimator = clone(self._estimator())
        self.estimator_ = Pipeline(
            [("sampler", self.sampler_), ("classifier", estimator)]
        )
        check_weights_accepted(estimator, sw, name)
        check_proba_prior(self, estimator)
        est_params, sampler_params = {}, {}
        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, **fit_params
            )
            est_params = dict(routed.estimator.fit)
            sampler_params = dict(routed.sampler.fit_resample)
            est_params.pop("sample_weight", None)

        draws = self._draws()
        max_samples = n_draws(draws.max_samples, n_samples)
        if not draws.bootstrap and max_samples > n_samples:
            raise ValueError(
                f"max_samples={draws.max_samples!r} asks for {max_samples} rows per "
                f"member, but without bootstrap at most n_samples={n_samples} can "
                "be drawn. Lower max_samples or set bootstrap=True."
            )
        max_features = n_draws(draws.max_features, self.n_features_in_)
        if max_features > self.n_features_in_:
            raise ValueError(
                f"max_features={draws.max_features!r} asks for {max_features} "
                f"features per member, but X has {self.n_features_in_}. Lower "
                "max_features."
            )
        self._max_samples, self._max_features = max_samples, max_features
        self._n_samples = n_samples
        if draws.oob_score and not draws.bootstrap:
            raise ValueError(
                "Out of bag estimation only available if bootstrap=True; got "
                "oob_score=True with bootstrap=False."
            )
        if draws.oob_score and self.warm_start:
            raise ValueError(
                "Out of bag estimate only available if warm_start=False; got "
                "oob_score=True with warm_start=True."
            )
        if self.warm_start and hasattr(self, "oob_score_"):
            del self.oob_score_
            del self.oob_decision_function_

        fresh = not self.warm_start or not hasattr(self, "estimators_")
        if fresh:
            self.estimators_, self.estimators_features_ = [], []
            self.train_priors_ = np.zeros((0, classes.shape[0]))
            self._seeds = np.zeros(0, dtype=np.int64)
            self._redraws = np.zeros(0, dtype=np.int64)
        n_fitted = len(self.estimators_)
        n_more = warm_start_count(self, n_fitted)
        self.classes_ = classes
        self.n_classes_ = classes.shape[0]
        self.original_prior_ = class_prior(
            np.searchsorted(classes, y), len(classes), sw
        )
        if n_more == 0:
            return self
        seeds = member_seeds(self.random_state, self.n_estimators)[n_fitted:]
        feature_subset = draws.bootstrap_features or max_features != self.n_features_in_
        every_row = not draws.bootstrap and max_samples == n_samples
        layout = None
        if self._reuse_class_layout and every_row and not sampler_params:
            layout = ClassLayout.of(y)
        est_keys = set(per_sample_keys(est_params, n_samples))
        sampler_keys = set(per_sample_keys(sampler_params, n_samples))

        def fit_batch(part):
            out = []
            for j in range(part.start, part.stop):
                index = n_fitted + j
                member = clone(self.estimator_)
                seed_member(seeds[j], member)
                features, rows, redraws = self._draw(seeds[j], y)
                y_m = y[rows]
                if not (y_m != y_m[0]).any():
                    raise ValueError(
                        f"{name}: the rows drawn for member {index} held a single "
                        f"class in each of {MAX_REDRAWS + 1} draws (the last: "
                        f"class {py_label(y_m[0])!r}, {len(rows)} rows); a balanced "
                        "member needs at least two classes. Draw more rows per "
                        "member (max_samples) or use bootstrap=False."
                    )
                X_m = X if every_row else _safe_indexing(X, rows)
                if feature_subset:
                    X_m = take_columns(X_m, features)
                est_m = {
                    k: (_safe_indexing(v, rows) if k in est_keys else v)
                    for k, v in est_params.items()
                }
                sampler_m = {
                    k: (_safe_indexing(v, rows) if k in sampler_keys else v)
                    for k, v in sampler_params.items()
                }
                prior = fit_member(
                    index,
                    name,
                    member.steps[0][1],
                    member.steps[-1][1],
                    X_m,
                    y_m,
                    classes,
                    sample_weight=None if sw is None else sw[rows],
                    fit_params=est_m,
                    sampler_params=sampler_m,
                    layout=layout,
                )
                out.append((member, features, prior, redraws))
                if self.verbose > 1:
                    print(f"Built member {index + 1} of {self.n_estimators}.")
            return out

        results = run_batches(
            fit_batch, chunks(n_more, self.n_jobs), self.n_jobs, self.verbose
        )
        redrawn = []
        for batch in results:
            for member, features, prior, redraws in batch:
                self.estimators_.append(member)
                self.estimators_features_.append(features)
                self.train_priors_ = np.vstack([self.train_priors_, prior])
                redrawn.append(redraws)
        self._seeds = np.r_[self._seeds, seeds]
        self._redraws = np.r_[self._redraws, redrawn].astype(np.int64)
        if draws.oob_score:
            self._set_oob_score(X, y)
        return self

    def _set_oob_score(self, X, y):
        """OOB probabilities (training prior) of the rows each member did not draw."""
        classes = np.asarray(self.classes_)
        n = _num_samples(X)
        total = np.zeros((n, classes.shape[0]))
        counts = np.zeros(n, dtype=np.int64)
        for member, features, rows in zip(
            self.estimators_,
            self.estimators_features_,
            self.estimators_samples_,
            strict=True,
        ):
            mask = np.ones(n, dtype=bool)
            mask[rows] = False
            if not mask.any():
                continue
            X_m = take_columns(_safe_indexing(X, np.flatnonzero(mask)), features)
            columns = self._member_columns(member)
            total[mask] += member_proba(member, X_m, columns, classes.shape[0])
            counts[mask] += 1
        oob_summary(self, total, counts, np.searchsorted(classes, y))

    def _member_views(self):
        return list(zip(self.estimators_, self.estimators_features_, strict=True))

    @property
    def estimators_samples_(self):
        """Rows drawn for each member, before its sampler (int arrays).

        Regenerated from the members' seeds (and the number of redraws of a
        single-class draw) at each access, not stored. The member's sampler
        then resampled ``X[rows]``.
        """
        check_is_fitted(self)
        return [
            self._draw(seed, redraws=redraws)[1]
            for seed, redraws in zip(self._seeds, self._redraws, strict=True)
        ]

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Return the average of the members' decision functions (prior unchanged).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Binary: the average score of the second class; otherwise one
            column per class (columns of a class a member did not see add 0).
        """
        X = self._predict_input(X)
        classes = np.asarray(self.classes_)
        total = 0.0
        for member, features in self._member_views():
            scores = np.asarray(member.decision_function(take_columns(X, features)))
            if classes.shape[0] > 2:
                columns = np.searchsorted(classes, member.classes_)
                full = np.zeros((scores.shape[0], classes.shape[0]))
                if scores.ndim == 1:  # a member that saw two of the classes
                    full[:, columns[0]], full[:, columns[1]] = -scores, scores
                else:
                    full[:, columns] = scores
                scores = full
            total = total + scores
        return total / len(self.estimators_)

    @property
    def feature_importances_(self):
        """Average of the members' feature importances (normalised to sum 1).

        Available when the members' estimator has ``feature_importances_``;
        a member fitted on a subset of the features gives its importances to
        those features.
        """
        check_is_fitted(self)
        total = np.zeros(self.n_features_in_)
        for member, features in self._member_views():
            np.add.at(total, features, member.steps[-1][1].feature_importances_)
        norm = total.sum()
        return total / norm if norm > 0 else total

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        ``sample_weight`` is consumed here (and carried to each member's
        estimator); other ``fit`` metadata go to the estimator's ``fit`` and
        the sampler's ``fit_resample`` as they requested.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return fit_router(
            self,
            estimator=(self._estimator(), "fit"),
            sampler=(self._sampler(), "fit_resample"),
        )

    def __sklearn_tags__(self):
        return inner_tags(
            super().__sklearn_tags__(), self._estimator(), self._sampler()
        )


_SAMPLING_STRATEGY = [
    Interval(numbers.Real, 0, 1, closed="right"),
    StrOptions(UNDER_SAMPLING_STRINGS),
    dict,
    callable,
]
_BAGGING_CONSTRAINTS = {
    "estimator": [HasMethods(["fit", "predict"]), None],
    "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
    "max_samples": [
        Interval(numbers.Integral, 1, None, closed="left"),
        Interval(RealNotInt, 0, 1, closed="right"),
    ],
    "max_features": [
        Interval(numbers.Integral, 1, None, closed="left"),
        Interval(RealNotInt, 0, 1, closed="right"),
    ],
    "bootstrap": ["boolean"],
    "bootstrap_features": ["boolean"],
    "oob_score": ["boolean"],
    "warm_start": ["boolean"],
    "sampling_strategy": _SAMPLING_STRATEGY,
    "replacement": ["boolean"],
    "n_jobs": [None, numbers.Integral],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "sampler": [HasMethods(["fit_resample"]), None],
    "proba_prior": [StrOptions({"fit", "original"})],
}


@fill_doc(sampling_strategy='"auto"')
class BalancedBaggingClassifier(BaseBalancedBagging):
    """Bagging whose members each resample their drawn rows before fitting.

    Member ``m`` draws rows (and columns) as scikit-learn's
    :class:`~sklearn.ensemble.BaggingClassifier` does, resamples the drawn
    rows with a clone of ``sampler`` (by default a
    :class:`~skclassgap.under_sampling.RandomUnderSampler` balancing the
    classes), and fits a clone of ``estimator`` on the result; the ensemble
    averages the members' probabilities (members without ``predict_proba``
    vote). Any sampler fits: skclassgap's over- and under-samplers or
    imbalanced-learn's, e.g. ``SMOTE`` for SMOTE-Bagging or a
    ``FunctionSampler`` for roughly balanced bagging.

    ``sample_weight`` is carried through each member: a drawn row keeps its
    weight (a row drawn ``c`` times is there ``c`` times, the equivalent of
    scikit-learn's bagging multiplying the weights by the bootstrap counts),
    then the sampler's output rows get the weights of the rows they come from
    (``sample_indices_``; synthetic rows the rule of
    :class:`~skclassgap.compose.ResampledClassifier`). With metadata routing
    enabled, other ``fit`` metadata reach the estimator's ``fit`` and the
    sampler's ``fit_resample``, per-row arrays following the rows.

    Each member learns the class prior of its resampled rows (balanced by
    default), so the averaged probabilities lean toward the rare classes.
    ``proba_prior="original"`` moves them back to the prior of the training
    data, member by member (see ``proba_prior``), without changing
    ``predict``.

    Parameters
    ----------
    estimator : classifier, default=None
        Fitted by each member on its resampled rows; ``None`` means
        :class:`~sklearn.tree.DecisionTreeClassifier()`.
    n_estimators : int, default=10
        Number of members.
    max_samples : int or float, default=1.0
        Rows drawn per member (before the sampler): an int, or a fraction of
        ``n_samples`` (``int(max_samples * n_samples)``, at least 1).
    max_features : int or float, default=1.0
        Columns drawn per member: an int, or a fraction of ``n_features``.
    bootstrap : bool, default=True
        Draw rows with replacement.
    bootstrap_features : bool, default=False
        Draw columns with replacement.
    oob_score : bool, default=False
        Estimate the accuracy on the rows each member did not draw
        (``oob_score_``, under the training prior like ``predict``).
    warm_start : bool, default=False
        Keep the fitted members and add ``n_estimators - len(estimators_)``
        new ones at the next ``fit``: the same members a fresh fit with as
        many members would have, for an int ``random_state``.
    %(sampling_strategy)s
        Used by the default sampler only; with ``sampler`` given, set its own
        ``sampling_strategy`` (a value other than ``"auto"`` here is then an
        error).
    replacement : bool, default=False
        Whether the default sampler draws with replacement (with ``sampler``
        given, ``True`` is an error).
    %(n_jobs)s
    %(random_state)s
    verbose : int, default=0
        Verbosity of the fit (joblib's, and one line per member above 1).
    sampler : sampler, default=None
        Object with ``fit_resample`` (skclassgap's or imbalanced-learn's
        samplers); cloned for each member. ``None`` means
        ``RandomUnderSampler(sampling_strategy=sampling_strategy,
        replacement=replacement)``. Carrying ``sample_weight`` needs a sampler
        that records ``sample_indices_``.
    %(proba_prior)s

    Attributes
    ----------
    estimator_ : Pipeline
        The unfitted member template: an imbalanced-learn
        :class:`~imblearn.pipeline.Pipeline` of ``("sampler", sampler_)`` and
        ``("classifier", estimator)``.
    sampler_ : sampler
        The unfitted sampler template.
    estimators_ : list of Pipeline
        The fitted members (sampler and estimator).
    estimators_features_ : list of ndarray
        Columns drawn for each member.
    estimators_samples_ : list of ndarray
        Rows drawn for each member, before its sampler.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    %(prior_attributes)s
    oob_score_ : float
        Accuracy of the out-of-bag predictions (when ``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag probabilities under the training prior (NaN for rows that
        every member drew).
    feature_importances_ : ndarray of shape (n_features,)
        Average of the members' importances, when their estimator has them.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EasyEnsembleClassifier : Bagging of AdaBoost learners on balanced subsets.
    BalancedRandomForestClassifier : Random forest on balanced samples.
    skclassgap.compose.ResampledClassifier : One resampled estimator.

    Notes
    -----
    Parameters, attributes and member layout follow imbalanced-learn's
    :class:`~imblearn.ensemble.BalancedBaggingClassifier` (its test suite
    passes against this class), with these differences: ``sample_weight``
    and routed metadata are accepted; ``proba_prior``; a given ``sampler``
    keeps its own ``sampling_strategy`` (imbalanced-learn overwrites it with
    this ensemble's; here setting both is an error); the default sampler is
    skclassgap's :class:`~skclassgap.under_sampling.RandomUnderSampler`,
    which keeps the same class counts as imbalanced-learn's but draws other
    rows; a member whose drawn rows hold a single class is an error naming
    the member. The rows drawn for a member equal scikit-learn's bagging
    draws for the same member seed.

    References
    ----------
    .. [1] S. Hido, H. Kashima and Y. Takahashi, "Roughly balanced bagging
       for imbalanced data", Statistical Analysis and Data Mining 2(5-6),
       2009, pp. 412-426.
    .. [2] S. Wang and X. Yao, "Diversity analysis on imbalanced data sets
       by using ensemble models", IEEE Symposium on Computational
       Intelligence and Data Mining, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.ensemble import BalancedBaggingClassifier
    >>> X, y = make_classification(n_samples=2000, weights=[0.95], random_state=0)
    >>> clf = BalancedBaggingClassifier(random_state=0).fit(X, y)
    >>> len(clf.estimators_)
    10

    Member 0 drew rows with replacement, then its under-sampler balanced them:

    >>> drawn = clf.estimators_samples_[0]
    >>> np.bincount(y[drawn])
    array([1885,  115])
    >>> np.bincount(y[drawn[clf.estimators_[0][0].sample_indices_]])
    array([115, 115])

    Probabilities for the training data's class prior:

    >>> raw = clf.predict_proba(X)[:, 1].mean()
    >>> clf.set_params(proba_prior="original")
    BalancedBaggingClassifier(proba_prior='original', random_state=0)
    >>> bool(clf.predict_proba(X)[:, 1].mean() < raw)
    True
    """

    _parameter_constraints: dict = _BAGGING_CONSTRAINTS

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        max_samples=1.0,
        max_features=1.0,
        bootstrap=True,
        bootstrap_features=False,
        oob_score=False,
        warm_start=False,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        sampler=None,
        proba_prior="fit",
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.sampler = sampler
        self.proba_prior = proba_prior

    def _draws(self):
        return Draws(
            self.max_samples,
            self.max_features,
            self.bootstrap,
            self.bootstrap_features,
            self.oob_score,
        )

    def _estimator(self):
        return DecisionTreeClassifier() if self.estimator is None else self.estimator

    def _sampler(self):
        if self.sampler is None:
            return RandomUnderSampler(
                sampling_strategy=self.sampling_strategy, replacement=self.replacement
            )
        return self.sampler

    def _check_sampler_params(self):
        if self.sampler is None:
            return
        strategy = self.sampling_strategy
        if not (isinstance(strategy, str) and strategy == "auto") or self.replacement:
            raise ValueError(
                "sampling_strategy and replacement configure the default "
                f"RandomUnderSampler; got sampling_strategy={strategy!r}, "
                f"replacement={self.replacement!r} with "
                f"sampler={type(self.sampler).__name__}. Set them on the sampler "
                "itself (e.g. sampler=SMOTE(sampling_strategy=0.5)) and leave "
                "these at their defaults."
            )
