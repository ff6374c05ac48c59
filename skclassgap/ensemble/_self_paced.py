"""Self-paced ensemble: under-sampling harmonised by hardness, after Liu et al. 2020.

Our reading of the paper's Algorithm 1 (Self-paced Ensemble), for ``n``
members and ``k`` bins:

1. Member 0 is fitted on every row of the kept classes (the minority) and a
   uniform random sample of each reduced class (as many rows as
   ``sampling_strategy`` asks: the minority's count by default).
2. For member ``i = 1 .. n-1``: the current ensemble ``F_i`` (the average of
   members ``0 .. i-1``'s probabilities) gives each row of a reduced class
   its hardness ``H(x, y, F_i)`` (absolute error ``1 - F_i(y|x)`` by
   default). The class's rows are cut into ``k`` bins of equal width between
   the least and the most hard; bin ``l`` has mean hardness ``h_l``. With the
   self-paced factor ``alpha = tan(i π / (2n))``, bin ``l`` gets the
   unnormalised weight ``1 / (h_l + alpha)`` (empty bins none), and the
   class's quota of rows is shared between the bins in proportion to their
   weights; each bin's share is drawn uniformly from its rows. Member ``i``
   is fitted on the minority rows and the drawn rows.
3. The ensemble averages the members' probabilities.

Small ``alpha`` (early members) favours the bins of low mean hardness: the
many easy rows are down-weighted per row but their bin still contributes,
and the hardest bins (often noise) are not over-sampled; as ``alpha`` grows
the bins' weights even out, so later members see the hard bins in a larger
proportion than their size (the "harmonised" hardness distribution).

Where our reading may differ from the paper and its authors' code:

- member 0 is part of the final ensemble, and the factor runs over
  ``i = 1 .. n-1`` with ``tan(i π / (2n))`` (finite for every member); the
  paper's loop fits ``n`` members after the random one and returns the
  average of members ``1 .. n``;
- bins are equal-width intervals of hardness (the paper says "cut into k
  bins w.r.t. H"; equal width is our choice);
- without replacement (the default), a bin asked for more rows than it has
  gives all of its rows and the excess goes to the other bins in
  proportion to their weights (largest-remainder rounding, the class's quota
  met exactly); with ``replacement=True`` a bin's share is drawn with
  replacement;
- more than two classes: every reduced class is under-sampled this way, its
  hardness from the ensemble's probability of the row's own class (the
  paper is binary; for two classes ``1 - F(y|x)`` is its absolute error).
"""

import numbers

import numpy as np
from sklearn.base import clone
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
    _safe_indexing,
)
from skclassgap.ensemble._bagging import _SAMPLING_STRATEGY
from skclassgap.ensemble._base import (
    BalancedEnsembleMixin,
    check_classes,
    check_proba_prior,
    check_weights_accepted,
    member_proba,
    member_seeds,
    per_sample_keys,
    seed_member,
)
from skclassgap.ensemble._docs import fill_doc
from skclassgap.under_sampling._strategy import under_sampling_strategy
from skclassgap.utils._meta import fit_router, inner_tags
from skclassgap.utils._priors import class_prior
from skclassgap.utils._validation import check_sample_weight

_EPS = np.finfo(np.float64).eps


def _absolute(p_own):
    return 1.0 - p_own


def _squared(p_own):
    return (1.0 - p_own) ** 2


def _cross_entropy(p_own):
    return -np.log(np.clip(p_own, _EPS, 1.0))


# Hardness of a row from the ensemble's probability of its own class.
HARDNESS = {
    "absolute": _absolute,
    "squared": _squared,
    "cross_entropy": _cross_entropy,
}


def self_paced_factor(i, n_estimators):
    """``alpha = tan(i π / (2 n))`` of member ``i`` (0 for member 0)."""
    return float(np.tan(i * np.pi / (2 * n_estimators)))


def hardness_bins(hardness, k_bins):
    """Bin of each row: ``k_bins`` equal-width intervals between the least and
    the most hard row (one bin when all are equally hard)."""
    low, high = hardness.min(), hardness.max()
    if not high > low:
        return np.zeros(hardness.shape[0], dtype=np.int64)
    position = (hardness - low) / (high - low) * k_bins
    return np.minimum(position.astype(np.int64), k_bins - 1)


def bin_quotas(weights, sizes, total, replacement):
    """Integer shares of ``total`` rows, proportional to ``weights``.

    Largest-remainder rounding; without replacement, no bin gets more than
    its ``size`` and the excess is shared again among the others (their
    weights renormalised), so the shares sum to ``total`` whenever the bins
    hold that many rows.
    """
    quotas = np.zeros(sizes.shape[0], dtype=np.int64)
    open_ = (weights > 0) & ((sizes > 0) | replacement)
    remaining = int(total)
    while remaining > 0 and open_.any():
        share = np.where(open_, weights, 0.0)
        share = share / share.sum() * remaining
        add = np.floor(share).astype(np.int64)
        leftover = remaining - int(add.sum())
        if leftover:
            order = np.argsort(-(share - add), kind="stable")
            add[order[:leftover]] += 1
        if not replacement:
            room = sizes - quotas
            add = np.minimum(add, room)
        quotas += add
        remaining -= int(add.sum())
        if not replacement:
            open_ &= quotas < sizes
        if add.sum() == 0:
            break
    return quotas


def self_paced_rows(hardness, n_keep, alpha, k_bins, replacement, rs):
    """Positions (among the class's rows) kept by one self-paced draw."""
    bins = hardness_bins(hardness, k_bins)
    sizes = np.bincount(bins, minlength=k_bins)
    sums = np.bincount(bins, weights=hardness, minlength=k_bins)
    weights = np.zeros(k_bins)
    full = sizes > 0
    weights[full] = 1.0 / (sums[full] / sizes[full] + alpha)
    quotas = bin_quotas(weights, sizes, n_keep, replacement)
    kept = []
    for b in np.flatnonzero(quotas):
        members = np.flatnonzero(bins == b)
        kept.append(rs.choice(members, size=quotas[b], replace=bool(replacement)))
    return np.sort(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)


@fill_doc(sampling_strategy='"auto"')
class SelfPacedEnsembleClassifier(BalancedEnsembleMixin):
    """Ensemble of learners on under-samples harmonised by hardness (self-paced).

    Self-paced Ensemble [1]_ (our implementation, written from the paper's
    algorithm): each member keeps every minority row and under-samples the
    other classes; member 0 at random, and each next member by the hardness
    of the rows under the ensemble so far: rows are binned by hardness and
    the bins are sampled with weights ``1 / (mean hardness + alpha)``, where
    the self-paced factor ``alpha = tan(i π / (2 n_estimators))`` grows with
    the member index ``i``, moving the samples from the easy bins toward a
    harmonised share of every bin. The ensemble averages the members'
    probabilities. The module :mod:`skclassgap.ensemble._self_paced`
    documents the algorithm step by step and where our reading of the paper
    may differ from its authors'.

    ``sample_weight`` reaches each member's estimator for the rows it kept;
    ``proba_prior="original"`` moves the balanced members' probabilities to
    the training data's prior (see ``proba_prior``).

    Parameters
    ----------
    estimator : classifier, default=None
        Fitted by each member; ``None`` means
        :class:`~sklearn.tree.DecisionTreeClassifier()`. Its
        ``predict_proba`` gives the hardness (members without it vote).
    n_estimators : int, default=50
        Number of members.
    k_bins : int, default=5
        Number of hardness bins per reduced class.
    hardness : {"absolute", "squared", "cross_entropy"} or callable, \
            default="absolute"
        Hardness of a row from the ensemble's probability ``p`` of its own
        class: ``1 - p``, ``(1 - p) ** 2`` or ``-log p`` (for two classes,
        the paper's absolute, squared and cross-entropy errors). A callable
        takes ``(y_true, proba)`` (labels, and probabilities with columns in
        the order of ``classes_``) and returns one non-negative value per
        row.
    %(sampling_strategy)s
    replacement : bool, default=False
        Draw each bin's share with replacement (otherwise a bin gives at most
        its rows and the excess goes to the other bins).
    n_jobs : int, default=None
        Number of joblib workers over members for the predictions. Fitting
        is sequential (each member depends on the previous ones); each
        member is fitted with one BLAS/OpenMP thread.
    %(random_state)s
    verbose : int, default=0
        Verbosity of the fit (one line per member above 1).
    %(proba_prior)s

    Attributes
    ----------
    estimator_ : classifier
        The unfitted estimator template.
    estimators_ : list of classifiers
        The fitted members.
    estimators_samples_ : list of ndarray
        Rows each member was fitted on (ascending; repeats with
        ``replacement=True``).
    alphas_ : ndarray of shape (n_estimators,)
        Self-paced factor of each member (0 for the random member 0).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    sampling_strategy_ : dict
        Rows kept per reduced class, per member.
    %(prior_attributes)s
    feature_importances_ : ndarray of shape (n_features,)
        Average of the members' importances, when their estimator has them.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EasyEnsembleClassifier : Members on uniformly random balanced subsets.
    BalancedBaggingClassifier : Bagging with any sampler and estimator.

    Notes
    -----
    imbalanced-ensemble's ``SelfPacedEnsembleClassifier`` implements the same
    paper; this class shares no code with it, draws differently, and defaults
    to ``replacement=False`` (it defaults to ``True``). It adds
    ``sample_weight``, metadata routing and ``proba_prior``.

    References
    ----------
    %(liu2020)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.ensemble import SelfPacedEnsembleClassifier
    >>> X, y = make_classification(n_samples=2000, weights=[0.95], random_state=0)
    >>> clf = SelfPacedEnsembleClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> np.bincount(y[clf.estimators_samples_[3]])
    array([110, 110])
    >>> clf.alphas_[:3].round(3)
    array([0.   , 0.158, 0.325])
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "k_bins": [Interval(numbers.Integral, 1, None, closed="left")],
        "hardness": [StrOptions(set(HARDNESS)), callable],
        "sampling_strategy": _SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "n_jobs": [None, numbers.Integral],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "proba_prior": [StrOptions({"fit", "original"})],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=50,
        *,
        k_bins=5,
        hardness="absolute",
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        proba_prior="fit",
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.k_bins = k_bins
        self.hardness = hardness
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.proba_prior = proba_prior

    def _estimator(self):
        return DecisionTreeClassifier() if self.estimator is None else self.estimator

    def _hardness(self, y_rows, proba, columns_of_y):
        """Hardness of rows of known classes, from the ensemble's probabilities."""
        if callable(self.hardness):
            values = np.asarray(self.hardness(y_rows, proba), dtype=np.float64)
            if values.shape != (y_rows.shape[0],) or not np.isfinite(values).all():
                raise ValueError(
                    "hardness must return one finite value per row; the callable "
                    f"returned an array of shape {values.shape} for "
                    f"{y_rows.shape[0]} rows."
                )
            return values
        own = proba[np.arange(proba.shape[0]), columns_of_y]
        return HARDNESS[self.hardness](own)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the members one after the other, each on a self-paced under-sample.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data (a DataFrame reaches the members as one).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, carried to each member's estimator for the rows it
            kept.
        **fit_params : dict
            Other metadata for the estimator's ``fit``, only with metadata
            routing enabled; per-row arrays follow the kept rows.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        _raise_for_params(fit_params, self, "fit")
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
        classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
        check_classes(classes, type(self).__name__)
        codes = codes.astype(np.int64).ravel()
        n_classes = classes.shape[0]
        name = type(self).__name__
        sw = check_sample_weight(
            None if sample_weight is None else np.asarray(sample_weight), n_samples
        )
        strategy = self.sampling_strategy
        if callable(strategy):
            strategy = strategy(y)
        self.sampling_strategy_ = under_sampling_strategy(strategy, classes, counts)
        self.estimator_ = clone(self._estimator())
        check_weights_accepted(self.estimator_, sw, name)
        check_proba_prior(self, self.estimator_)
        est_params = {}
        if _routing_enabled():
            routed = process_routing(
                self, "fit", sample_weight=sample_weight, **fit_params
            )
            est_params = dict(routed.estimator.fit)
            est_params.pop("sample_weight", None)
        row_keys = set(per_sample_keys(est_params, n_samples))
        self.classes_, self.n_classes_ = classes, n_classes
        self.original_prior_ = class_prior(codes, n_classes, sw)

        reduced = {
            int(np.searchsorted(classes, label)): n_keep
            for label, n_keep in self.sampling_strategy_.items()
        }
        kept_always = np.flatnonzero(~np.isin(codes, list(reduced)))
        class_rows = {code: np.flatnonzero(codes == code) for code in reduced}
        # The rows whose hardness is measured (the reduced classes'), and the
        # running sum of the members' probabilities on them.
        pool = np.flatnonzero(np.isin(codes, list(reduced)))
        X_pool = _safe_indexing(X, pool)
        position = {
            code: np.searchsorted(pool, rows) for code, rows in class_rows.items()
        }
        running = np.zeros((pool.shape[0], n_classes))
        seeds = member_seeds(self.random_state, self.n_estimators)
        estimators, samples, priors, alphas = [], [], [], []
        with threadpool_limits(limits=1):
            for i, seed in enumerate(seeds):
                estimator = clone(self.estimator_)
                rs = seed_member(seed, estimator)
                alpha = self_paced_factor(i, self.n_estimators)
                hardness = None
                if i > 0:
                    hardness = self._hardness(y[pool], running / i, codes[pool])
                parts = [kept_always]
                for code, n_keep in reduced.items():
                    rows = class_rows[code]
                    if hardness is None:
                        chosen = rs.choice(
                            rows.shape[0], size=n_keep, replace=bool(self.replacement)
                        )
                    else:
                        chosen = self_paced_rows(
                            hardness[position[code]],
                            n_keep,
                            alpha,
                            self.k_bins,
                            self.replacement,
                            rs,
                        )
                    parts.append(rows[chosen])
                rows = np.sort(np.concatenate(parts))
                params = {
                    key: (_safe_indexing(value, rows) if key in row_keys else value)
                    for key, value in est_params.items()
                }
                weights = None if sw is None else sw[rows]
                if weights is not None:
                    params["sample_weight"] = weights
                estimator.fit(_safe_indexing(X, rows), y[rows], **params)
                estimators.append(estimator)
                samples.append(rows)
                alphas.append(alpha if i > 0 else 0.0)
                priors.append(class_prior(codes[rows], n_classes, weights))
                if i < len(seeds) - 1:
                    columns = self._member_columns(estimator)
                    running += member_proba(estimator, X_pool, columns, n_classes)
                if self.verbose > 1:
                    print(f"Built member {i + 1} of {self.n_estimators}.")
        self.estimators_ = estimators
        self.estimators_samples_ = samples
        self.alphas_ = np.asarray(alphas)
        self.train_priors_ = np.asarray(priors)
        return self

    @property
    def feature_importances_(self):
        """Average of the members' feature importances (normalised to sum 1)."""
        check_is_fitted(self)
        total = np.mean([est.feature_importances_ for est in self.estimators_], axis=0)
        norm = total.sum()
        return total / norm if norm > 0 else total

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        ``sample_weight`` is consumed here (and carried to each member's
        estimator); other ``fit`` metadata go to the estimator's ``fit`` as
        it requested.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return fit_router(self, estimator=(self._estimator(), "fit"))

    def __sklearn_tags__(self):
        return inner_tags(super().__sklearn_tags__(), self._estimator())
