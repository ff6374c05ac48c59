"""Balanced random forest: each tree grown on a balanced sample of the rows."""

import numbers
from copy import deepcopy

import numpy as np
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from skclassgap._compat import Interval, RealNotInt, StrOptions, _fit_context
from skclassgap.ensemble._bagging import _SAMPLING_STRATEGY
from skclassgap.ensemble._base import (
    BalancedEnsembleMixin,
    check_classes,
    chunks,
    fit_member,
    member_proba,
    member_seeds,
    n_draws,
    oob_summary,
    run_batches,
    seed_member,
    warm_start_count,
)
from skclassgap.ensemble._docs import fill_doc
from skclassgap.under_sampling import RandomUnderSampler
from skclassgap.under_sampling._base import ClassLayout
from skclassgap.utils._priors import class_prior
from skclassgap.utils._validation import check_sample_weight

# Parameters handed to every tree.
_TREE_PARAMS = (
    "criterion",
    "max_depth",
    "min_samples_split",
    "min_samples_leaf",
    "min_weight_fraction_leaf",
    "max_features",
    "max_leaf_nodes",
    "min_impurity_decrease",
    "ccp_alpha",
    "monotonic_cst",
)


def strategy_for_codes(strategy, y, classes):
    """``sampling_strategy`` for a sampler that sees class codes, not labels:
    a dict's keys (or a callable's answer, computed on ``y``) become codes."""
    if callable(strategy):
        strategy = strategy(y)
    if isinstance(strategy, dict):
        unknown = [key for key in strategy if key not in set(classes.tolist())]
        if unknown:
            raise ValueError(
                f"sampling_strategy names class(es) {unknown!r} that are not in "
                f"the data; the classes are {classes.tolist()!r}."
            )
        return {
            int(np.searchsorted(classes, key)): value for key, value in strategy.items()
        }
    return strategy


@fill_doc(sampling_strategy='"all"')
class BalancedRandomForestClassifier(BalancedEnsembleMixin):
    """Random forest whose trees are each grown on a balanced sample.

    Chen, Liaw and Breiman's balanced random forest [1]_: tree ``m`` is grown
    on the rows kept by a
    :class:`~skclassgap.under_sampling.RandomUnderSampler` seeded for it
    (by default a bootstrap of every class to the minority's count:
    ``sampling_strategy="all"``, ``replacement=True``), optionally
    bootstrapped once more (``bootstrap=True``), with a random subset of
    features at each split; the forest averages the trees' probabilities.

    ``sample_weight`` (times ``class_weight``) reaches each tree for the
    rows its sampler kept. Each tree learns the balanced prior of its sample;
    ``proba_prior="original"`` moves the forest's probabilities back to the
    training data's prior (see ``proba_prior``).

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Split quality measure of the trees.
    max_depth : int, default=None
        Maximum depth of the trees (``None``: grow until pure or
        ``min_samples_split``).
    min_samples_split : int or float, default=2
        Minimum rows to split a node (a float: a fraction of the tree's rows).
    min_samples_leaf : int or float, default=1
        Minimum rows in a leaf (a float: a fraction of the tree's rows).
    min_weight_fraction_leaf : float, default=0.0
        Minimum weighted fraction of the tree's total weight in a leaf.
    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        Features considered at each split (scikit-learn's semantics).
    max_leaf_nodes : int, default=None
        Grow trees best-first with at most this many leaves.
    min_impurity_decrease : float, default=0.0
        Split a node only when it decreases the impurity by at least this.
    bootstrap : bool, default=False
        Bootstrap each tree's balanced sample once more (``max_samples`` draws
        with replacement, as weights).
    oob_score : bool, default=False
        Estimate the accuracy on the rows each tree did not see (needs
        ``bootstrap=True``; the rows its sampler left out count as unseen).
    %(sampling_strategy)s
    replacement : bool, default=True
        Whether the under-sampler draws with replacement (the default
        ``"all"`` with replacement is a bootstrap of each class to the
        minority's count).
    %(n_jobs)s
    %(random_state)s
    verbose : int, default=0
        Verbosity of the fit.
    warm_start : bool, default=False
        Keep the fitted trees and add ``n_estimators - len(estimators_)`` new
        ones at the next ``fit`` (the trees a fresh fit would have, for an
        int ``random_state``).
    class_weight : dict, list of dict, "balanced", "balanced_subsample" or None, \
            default=None
        Class weights multiplied into ``sample_weight``: ``"balanced"`` from
        the class counts of ``y``, ``"balanced_subsample"`` from each tree's
        sample; a dict maps a class to its weight.
    ccp_alpha : float, default=0.0
        Minimal cost-complexity pruning of the trees.
    max_samples : int or float, default=None
        With ``bootstrap=True``, draws per tree: ``None`` the size of its
        balanced sample, an int, or a fraction of ``n_samples``; at most the
        size of the balanced sample.
    monotonic_cst : array-like of int of shape (n_features,), default=None
        Monotonicity constraint of each feature (1, 0, -1), for the trees.
    %(proba_prior)s

    Attributes
    ----------
    estimator_ : DecisionTreeClassifier
        The unfitted tree template.
    base_sampler_ : RandomUnderSampler
        The unfitted sampler template (classes as codes ``0 .. n_classes-1``).
    estimators_ : list of DecisionTreeClassifier
        The fitted trees (fitted on class codes).
    samplers_ : list of RandomUnderSampler
        The fitted sampler of each tree.
    pipelines_ : list of Pipeline
        Copies of each sampler and its tree as an imbalanced-learn pipeline
        (built at each access).
    estimators_samples_ : list of ndarray
        Rows each tree was grown on (with repeats when drawn with
        replacement).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_outputs_ : int
        Always 1.
    %(prior_attributes)s
    feature_importances_ : ndarray of shape (n_features,)
        Mean of the trees' impurity-based importances (trees with a single
        node left out), normalised to sum 1.
    oob_score_ : float
        Accuracy of the out-of-bag predictions (when ``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag probabilities under the training prior.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    BalancedBaggingClassifier : Bagging with any sampler and estimator.
    sklearn.ensemble.RandomForestClassifier : The unbalanced forest.

    Notes
    -----
    Parameters, defaults and attributes follow imbalanced-learn 0.14's
    :class:`~imblearn.ensemble.BalancedRandomForestClassifier` (its test
    suite passes against this class). Differences: ``proba_prior``; the
    under-sampler is skclassgap's (same class counts, other rows); the
    out-of-bag rows of a tree are all the rows it did not see (imbalanced-
    learn counts only rows its sampler kept and its bootstrap left out).

    References
    ----------
    .. [1] C. Chen, A. Liaw and L. Breiman, "Using Random Forest to Learn
       Imbalanced Data", Technical Report 666, Department of Statistics,
       University of California, Berkeley, 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.ensemble import BalancedRandomForestClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> clf = BalancedRandomForestClassifier(n_estimators=20, random_state=0)
    >>> clf.fit(X, y)
    BalancedRandomForestClassifier(n_estimators=20, random_state=0)
    >>> np.bincount(y[clf.estimators_samples_[0]])
    array([102, 102])
    >>> clf.feature_importances_.shape
    (20,)
    """

    _parameter_constraints: dict = {
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(numbers.Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(numbers.Real, 0.0, 0.5, closed="both")],
        "max_features": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "min_impurity_decrease": [Interval(numbers.Real, 0.0, None, closed="left")],
        "bootstrap": ["boolean"],
        "oob_score": ["boolean"],
        "sampling_strategy": _SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "class_weight": [
            StrOptions({"balanced_subsample", "balanced"}),
            dict,
            list,
            None,
        ],
        "ccp_alpha": [Interval(numbers.Real, 0.0, None, closed="left")],
        "max_samples": [
            None,
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "monotonic_cst": ["array-like", None],
        "proba_prior": [StrOptions({"fit", "original"})],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        sampling_strategy="all",
        replacement=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
        proba_prior="fit",
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples
        self.monotonic_cst = monotonic_cst
        self.proba_prior = proba_prior

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Grow the forest: one balanced sample and one tree per member.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data (converted to float32, as scikit-learn's forests
            do; missing values allowed in dense data).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, carried to each tree for the rows its sampler kept
            (multiplied by ``class_weight`` and the bootstrap counts).

        Returns
        -------
        self : object
            The fitted forest.
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csc",
            dtype=np.float32,
            ensure_all_finite=False,
        )
        check_classification_targets(y)
        if self.oob_score and not self.bootstrap:
            raise ValueError(
                "Out of bag estimation only available if bootstrap=True; got "
                "oob_score=True with bootstrap=False."
            )
        n_samples = X.shape[0]
        classes, codes = np.unique(y, return_inverse=True)
        check_classes(classes, type(self).__name__)
        codes = codes.astype(np.int64).ravel()
        user_sw = check_sample_weight(
            None if sample_weight is None else np.asarray(sample_weight), n_samples
        )
        sw = user_sw
        if self.class_weight not in (None, "balanced_subsample"):
            factor = compute_sample_weight(self.class_weight, y)
            sw = factor if sw is None else sw * factor
        self.estimator_ = DecisionTreeClassifier(
            **{name: getattr(self, name) for name in _TREE_PARAMS}
        )
        self.base_sampler_ = RandomUnderSampler(
            sampling_strategy=strategy_for_codes(self.sampling_strategy, y, classes),
            replacement=self.replacement,
        )
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_, self.samplers_ = [], []
            self.train_priors_ = np.zeros((0, classes.shape[0]))
        n_fitted = len(self.estimators_)
        n_more = warm_start_count(self, n_fitted)
        self.classes_ = classes
        self.n_classes_ = classes.shape[0]
        self.n_outputs_ = 1
        # Class weights are a training device: the original prior is the data's.
        self.original_prior_ = class_prior(codes, classes.shape[0], user_sw)
        self._n_samples_bootstrap = n_draws(self.max_samples, n_samples)
        if n_more == 0:
            return self
        seeds = member_seeds(self.random_state, self.n_estimators)[n_fitted:]
        code_classes = np.arange(classes.shape[0])
        layout = ClassLayout.of(codes)
        name = type(self).__name__

        def fit_batch(part):
            out = []
            for j in range(part.start, part.stop):
                tree, sampler = clone(self.estimator_), clone(self.base_sampler_)
                seed_member(seeds[j], tree, sampler)
                prior = fit_member(
                    n_fitted + j,
                    name,
                    sampler,
                    tree,
                    X,
                    codes,
                    code_classes,
                    sample_weight=sw,
                    extra_weight=self._tree_weights(tree),
                    layout=layout,
                )
                out.append((tree, sampler, prior))
            return out

        for batch in run_batches(
            fit_batch, chunks(n_more, self.n_jobs), self.n_jobs, self.verbose
        ):
            for tree, sampler, prior in batch:
                self.estimators_.append(tree)
                self.samplers_.append(sampler)
                self.train_priors_ = np.vstack([self.train_priors_, prior])
        if self.oob_score:
            self._set_oob_score(X, codes)
        return self

    def _bootstrap_rows(self, tree, n_kept):
        """Positions (among a sampler's kept rows) the tree's bootstrap drew."""
        n_draw = min(self._n_samples_bootstrap, n_kept)
        return np.random.RandomState(tree.random_state).randint(0, n_kept, n_draw)

    def _tree_weights(self, tree):
        """Per-row factors of a tree's sample: bootstrap counts and
        ``"balanced_subsample"`` class weights; None when there are none."""
        if not self.bootstrap and self.class_weight != "balanced_subsample":
            return None

        def weights(y_kept):
            factor = np.ones(y_kept.shape[0])
            drawn = None
            if self.bootstrap:
                drawn = self._bootstrap_rows(tree, y_kept.shape[0])
                factor = np.bincount(drawn, minlength=y_kept.shape[0]).astype(float)
            if self.class_weight == "balanced_subsample":
                factor = factor * compute_sample_weight(
                    "balanced", y_kept, indices=drawn
                )
            return factor

        return weights

    @property
    def estimators_samples_(self):
        """Rows each tree was grown on (int arrays; repeats for rows drawn
        more than once)."""
        check_is_fitted(self)
        rows = []
        for tree, sampler in zip(self.estimators_, self.samplers_, strict=True):
            kept = sampler.sample_indices_
            if self.bootstrap:
                kept = np.sort(kept[self._bootstrap_rows(tree, kept.shape[0])])
            rows.append(kept)
        return rows

    def _set_oob_score(self, X, codes):
        n = X.shape[0]
        X = X.tocsr() if hasattr(X, "tocsr") else X
        total = np.zeros((n, self.n_classes_))
        counts = np.zeros(n, dtype=np.int64)
        for tree, seen in zip(self.estimators_, self.estimators_samples_, strict=True):
            mask = np.ones(n, dtype=bool)
            mask[seen] = False
            if not mask.any():
                continue
            columns = self._member_columns(tree)
            total[mask] += member_proba(tree, X[mask], columns, self.n_classes_)
            counts[mask] += 1
        oob_summary(self, total, counts, codes)

    def _member_columns(self, estimator):
        # Trees are fitted on class codes.
        return estimator.classes_.astype(np.int64)

    def _predict_input(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            reset=False,
            accept_sparse="csr",
            dtype=np.float32,
            ensure_all_finite=False,
        )

    @property
    def pipelines_(self):
        """Each tree with its sampler, as a (copied) imbalanced-learn pipeline."""
        check_is_fitted(self)
        return [
            make_pipeline(deepcopy(sampler), deepcopy(tree))
            for sampler, tree in zip(self.samplers_, self.estimators_, strict=True)
        ]

    @property
    def feature_importances_(self):
        """Mean impurity-based importance of each feature over the trees."""
        check_is_fitted(self)
        grown = [
            tree.feature_importances_
            for tree in self.estimators_
            if tree.tree_.node_count > 1
        ]
        if not grown:
            return np.zeros(self.n_features_in_)
        mean = np.mean(grown, axis=0)
        return mean / mean.sum()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        return tags
