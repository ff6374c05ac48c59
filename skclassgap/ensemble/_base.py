"""Shared machinery of the balanced ensembles: seeds, draws, member fits, priors.

Every ensemble of :mod:`skclassgap.ensemble` fits its members the same way:

1. **Seeds.** One integer seed per member, drawn up front from
   ``random_state`` (``RandomState.randint(2**31 - 1, size=n_estimators)``),
   so that a member depends on its seed alone: the result does not depend
   on ``n_jobs``, and a warm start that adds members gives the members a
   fresh fit of the same size would have.
2. **Random states of a member.** From ``RandomState(seed)``: one integer
   per ``random_state`` parameter of the estimator (nested parameters
   included, in sorted order of their names), then one for the sampler —
   the order scikit-learn's ensembles use for a ``Pipeline(sampler,
   classifier)`` member.
3. **Fit** (:func:`fit_member`). The sampler resamples the member's rows;
   ``sample_weight`` is carried through it by provenance (an output row that
   copies input row ``i`` gets ``w[i]``; a synthetic row the rule of
   :class:`~skclassgap.compose.ResampledClassifier`); the estimator is fitted
   on the output; the member's training prior ``π_train`` is the class
   frequencies of that output, weighted by the carried weights.
4. **Threads.** Each batch of member fits runs with one BLAS/OpenMP thread
   (threadpoolctl); parallelism comes from joblib over members
   (``prefer="threads"``: tree fits release the GIL; a
   :func:`joblib.parallel_config` backend overrides it).

Probabilities under the original prior
    Member ``m`` estimates ``p_m(y|x)`` under its own ``π_train^m``. With
    ``proba_prior="original"`` the ensemble returns

        p'(y|x) ∝ Σ_m p_m(y|x) · original_prior_(y) / π_train^m(y),

    normalised once over the classes: each member's probabilities are
    re-weighted by Bayes' factor for its own training prior (the factor of
    :func:`skclassgap.utils._priors.shift_log_proba`, the correction every
    prior-aware estimator of skclassgap uses), summed, and normalised. When
    the members share one training prior (every balanced sampler: random
    under-sampling to equal counts, the balanced forest, the self-paced
    under-sampler) this is exactly that correction applied to the members'
    average; with one member it is exactly that correction. Normalising
    member by member instead would leave members with one-hot probabilities
    (fully grown trees: pure leaves) uncorrected, since a probability of 0 or
    1 does not move under Bayes' rule; the sum moves the vote fractions.
"""

import numbers
import warnings

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.random import sample_without_replacement
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data
from threadpoolctl import threadpool_limits

from skclassgap._compat import _num_samples, _safe_indexing
from skclassgap.compose._resampled import resampled_source_rows, resampled_weights
from skclassgap.under_sampling._strategy import py_label
from skclassgap.utils._priors import class_prior, log_prior_ratio

MAX_INT = np.iinfo(np.int32).max

# Strings every under-sampling ``sampling_strategy`` takes (imbalanced-learn's).
UNDER_SAMPLING_STRINGS = {"auto", "majority", "not minority", "not majority", "all"}


def member_seeds(random_state, n_estimators):
    """One integer seed per member, drawn up front (see module)."""
    return check_random_state(random_state).randint(MAX_INT, size=n_estimators)


def seed_member(seed, estimator, sampler=None):
    """Set every ``random_state`` of ``estimator`` (sorted names), then the
    sampler's, from ``RandomState(seed)``; return the generator."""
    rs = np.random.RandomState(seed)
    for obj in (estimator, sampler):
        if obj is None:
            continue
        names = sorted(
            key
            for key in obj.get_params(deep=True)
            if key == "random_state" or key.endswith("__random_state")
        )
        if names:
            obj.set_params(**{key: int(rs.randint(MAX_INT)) for key in names})
    return rs


def draw_rows(rs, replace, n_population, n_draws):
    """``n_draws`` row indices among ``n_population``: uniform with
    replacement, or a uniform sample without replacement (all rows, in order,
    when ``n_draws == n_population``)."""
    if replace:
        return rs.randint(0, n_population, n_draws)
    return sample_without_replacement(n_population, n_draws, random_state=rs)


def n_draws(value, n_total):
    """Rows (or features) to draw: an int as given, a float as a fraction of
    ``n_total`` (at least one), ``None`` as ``n_total``."""
    if value is None:
        return n_total
    if isinstance(value, numbers.Integral):
        return int(value)
    return max(int(value * n_total), 1)


def per_sample_keys(params, n_samples):
    """Names of the fit parameters that hold one value per row."""
    return [
        key
        for key, value in params.items()
        if hasattr(value, "__len__")
        and not isinstance(value, str)
        and _num_samples(value) == n_samples
    ]


def check_weights_accepted(estimator, sample_weight, owner):
    """Refuse ``sample_weight`` for an estimator whose ``fit`` does not take it."""
    if sample_weight is not None and not has_fit_parameter(estimator, "sample_weight"):
        raise ValueError(
            f"{owner} carries sample_weight to its members' estimator, but "
            f"{type(estimator).__name__}.fit does not accept sample_weight. Fit "
            "without sample_weight or use an estimator that supports it."
        )


def _counts_text(y):
    labels, counts = np.unique(y, return_counts=True)
    return {py_label(label): int(n) for label, n in zip(labels, counts, strict=True)}


def check_classes(classes, owner):
    """Refuse a target with a single class (nothing to balance)."""
    if classes.shape[0] < 2:
        raise ValueError(
            f"{owner} balances classes and needs at least 2 classes in y; got 1 "
            f"class ({py_label(classes[0])!r})."
        )


def under_sample(sampler, X, y, layout):
    """Rows a skclassgap under-sampler keeps, from a class layout computed once.

    The sampler's own draw (``_strategy`` and ``_select``, the contract of
    :mod:`skclassgap.under_sampling._base`) on the full data, without
    validating ``X`` and ``y`` and counting the classes again for each
    member; sets ``sampling_strategy_`` and ``sample_indices_`` as
    ``fit_resample`` does, which gives the same rows.
    """
    sampler.sampling_strategy_ = sampler._strategy(y, layout)
    sampler.sample_indices_ = np.asarray(sampler._select(X, layout), dtype=np.int64)
    return sampler.sample_indices_


def fit_member(
    index,
    owner,
    sampler,
    estimator,
    X,
    y,
    classes,
    *,
    sample_weight=None,
    fit_params=None,
    sampler_params=None,
    extra_weight=None,
    layout=None,
):
    """Resample a member's rows, carry the weights, fit its estimator.

    Parameters
    ----------
    index : int
        The member's position in the ensemble (for messages).
    owner : str
        The ensemble's class name (for messages).
    sampler, estimator : objects
        The member's (unfitted, seeded) sampler and estimator.
    X, y : array-like
        The member's rows (a bootstrap sample, or every row).
    classes : ndarray
        The ensemble's sorted classes.
    sample_weight : ndarray or None
        Weights of the member's rows.
    fit_params, sampler_params : dict or None
        Routed metadata; arrays with one entry per row follow the rows.
    extra_weight : callable or None
        ``extra_weight(y_resampled)`` returns per-row factors multiplied
        into the carried weights (class weights of a forest).
    layout : ClassLayout or None
        The class layout of ``y`` when ``sampler`` is a skclassgap
        under-sampler run on every row (see :func:`under_sample`).

    Returns
    -------
    train_prior : ndarray of shape (n_classes,)
        Class frequencies of the rows the estimator was fitted on, weighted
        by the weights it received.
    """
    n_samples = _num_samples(X)
    try:
        if layout is None:
            X_res, y_res = sampler.fit_resample(X, y, **(sampler_params or {}))[:2]
        else:
            rows = under_sample(sampler, X, y, layout)
            X_res, y_res = _safe_indexing(X, rows), y[rows]
    except ValueError as exc:
        counts = _counts_text(y)
        smallest = min(counts, key=counts.get)
        raise ValueError(
            f"{owner}: the sampler {type(sampler).__name__} of member {index} "
            f"cannot resample the member's rows (class counts {counts}; the "
            f"smallest class, {smallest!r}, has {counts[smallest]} rows): {exc}"
        ) from exc
    y_res = np.asarray(y_res)
    weights = None
    if sample_weight is not None:
        weights = resampled_weights(sampler, sample_weight, y_res, n_samples)
    if extra_weight is not None:
        factor = extra_weight(y_res)
        weights = factor if weights is None else weights * factor
    params = dict(fit_params or {})
    keys = per_sample_keys(params, n_samples)
    if keys:
        source = resampled_source_rows(sampler, len(y_res))
        for key in keys:
            params[key] = _safe_indexing(params[key], source)
    if weights is not None:
        params["sample_weight"] = weights
    estimator.fit(X_res, y_res, **params)
    codes = np.searchsorted(classes, y_res)
    return class_prior(codes, classes.shape[0], weights)


def prior_ratio(train_prior, target_prior):
    """Per-class factor ``target_prior / train_prior`` of Bayes' rule (the
    exponential of :func:`skclassgap.utils._priors.log_prior_ratio`), 0 for a
    class the member was not fitted on (``train_prior`` 0)."""
    ratio = np.zeros(train_prior.shape[0])
    seen = train_prior > 0
    ratio[seen] = np.exp(log_prior_ratio(train_prior[seen], target_prior[seen]))
    return ratio


def member_proba(estimator, X, columns, n_classes, ratio=None):
    """A member's probabilities in the ensemble's class columns.

    ``columns[i]`` is the ensemble's column of ``estimator.classes_[i]``.
    Members without ``predict_proba`` vote (one-hot of ``predict``). With
    ``ratio`` (over the ensemble's classes, see :func:`prior_ratio`) each
    column is multiplied by its factor, *not* renormalised: the caller sums
    the members and normalises once (see the module docstring).
    """
    n = _num_samples(X)
    out = np.zeros((n, n_classes))
    if not hasattr(estimator, "predict_proba"):
        voted = np.searchsorted(estimator.classes_, estimator.predict(X))
        out[np.arange(n), columns[voted]] = 1.0
        return out
    out[:, columns] = estimator.predict_proba(X)
    if ratio is not None:
        out *= ratio
    return out


def normalise_rows(total, fallback):
    """Rows of ``total`` divided by their sums; a row summing to 0 (every
    class ruled out) becomes ``fallback``."""
    sums = total.sum(axis=1, keepdims=True)
    dead = sums[:, 0] <= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        total = total / sums
    total[dead] = fallback
    return total


# Members' predictions are summed in this many fixed blocks (whatever
# ``n_jobs``), so that the floating-point sum does not depend on the workers.
PREDICTION_BLOCKS = 16


def chunks(n_items, n_jobs):
    """Split ``range(n_items)`` into at most ``effective_n_jobs(n_jobs)``
    contiguous slices of near-equal size."""
    return _slices(n_items, effective_n_jobs(n_jobs))


def prediction_blocks(n_items):
    """Split ``range(n_items)`` into at most :data:`PREDICTION_BLOCKS`
    contiguous slices, the same for any ``n_jobs``."""
    return _slices(n_items, PREDICTION_BLOCKS)


def _slices(n_items, n_parts):
    n_parts = max(1, min(n_parts, n_items))
    bounds = np.linspace(0, n_items, n_parts + 1).round().astype(int)
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def run_batches(func, batches, n_jobs, verbose=0):
    """``[func(batch) for batch in batches]``, in parallel over joblib workers,
    each batch with one BLAS/OpenMP thread; results in batch order."""
    with threadpool_limits(limits=1):
        if len(batches) == 1 or effective_n_jobs(n_jobs) == 1:
            return [func(batch) for batch in batches]
        return Parallel(n_jobs=n_jobs, prefer="threads", verbose=verbose)(
            delayed(_one_thread)(func, batch) for batch in batches
        )


def _one_thread(func, batch):
    with threadpool_limits(limits=1):
        return func(batch)


def warm_start_count(ensemble, n_fitted):
    """Number of members to add; raise or warn as scikit-learn's ensembles do."""
    n_more = ensemble.n_estimators - n_fitted
    if n_more < 0:
        raise ValueError(
            f"n_estimators={ensemble.n_estimators} must be larger or equal to "
            f"len(estimators_)={n_fitted} when warm_start==True. Increase "
            "n_estimators or fit with warm_start=False."
        )
    if n_more == 0:
        warnings.warn(
            "Warm-start fitting without increasing n_estimators does not fit new "
            "trees.",
            UserWarning,
            stacklevel=3,
        )
    return n_more


def oob_summary(ensemble, proba_sum, n_predictions, y_codes):
    """Set ``oob_decision_function_`` and ``oob_score_`` from summed OOB
    probabilities, warning about rows that were never out of bag."""
    missing = n_predictions == 0
    if missing.any():
        warnings.warn(
            "Some inputs do not have OOB scores. This probably means too few "
            "estimators were used to compute any reliable oob estimates.",
            UserWarning,
            stacklevel=3,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        decision = proba_sum / n_predictions[:, None]
    ensemble.oob_decision_function_ = decision
    ensemble.oob_score_ = float(
        np.mean(y_codes[~missing] == np.argmax(decision[~missing], axis=1))
    )


class BalancedEnsembleMixin(ClassifierMixin, BaseEstimator):
    """Prediction by averaging members' probabilities, under either prior.

    A subclass sets, in ``fit``: ``classes_``, ``estimators_``,
    ``train_priors_`` (one row per member), ``original_prior_``, and defines
    ``_member_views()`` returning ``(estimator, features)`` pairs
    (``features=None``: every column) and ``_predict_input(X)``.
    """

    def __len__(self):
        """Number of members in the ensemble."""
        return len(self.estimators_)

    def __getitem__(self, index):
        """The ``index``-th member."""
        return self.estimators_[index]

    def __iter__(self):
        """Iterate over the members."""
        return iter(self.estimators_)

    def _predict_input(self, X):
        return predict_input(self, X)

    def _member_views(self):
        return [(estimator, None) for estimator in self.estimators_]

    def _member_columns(self, estimator):
        """The ensemble's column of each of ``estimator.classes_``."""
        return np.searchsorted(self.classes_, estimator.classes_)

    def _mean_proba(self, X, original):
        """Average of the members' probabilities, or with ``original`` their
        prior-corrected sum normalised (see the module docstring)."""
        views = self._member_views()
        n_classes = len(self.classes_)

        def batch(part):
            total = np.zeros((_num_samples(X), n_classes))
            for m in range(part.start, part.stop):
                estimator, features = views[m]
                X_m = X if features is None else take_columns(X, features)
                ratio = None
                if original:
                    ratio = prior_ratio(self.train_priors_[m], self.original_prior_)
                columns = self._member_columns(estimator)
                total += member_proba(estimator, X_m, columns, n_classes, ratio)
            return total

        n_jobs = getattr(self, "n_jobs", None)
        total = sum(run_batches(batch, prediction_blocks(len(views)), n_jobs))
        if original:
            return normalise_rows(total, self.original_prior_)
        return total / len(views)

    def predict(self, X):
        """Predict the class of each row: the argmax of the members' average
        probabilities under the training prior (the balanced rule).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        X = self._predict_input(X)
        proba = self._mean_proba(X, original=False)
        return np.asarray(self.classes_)[np.argmax(proba, axis=1)]

    def predict_proba(self, X):
        """Return class probabilities under the prior chosen by ``proba_prior``.

        The average over members of their probabilities; with
        ``proba_prior="original"``, moved to ``original_prior_`` (see
        ``proba_prior``).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        X = self._predict_input(X)
        return self._mean_proba(X, original=self.proba_prior == "original")

    def predict_log_proba(self, X):
        """Return the logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities (``-inf`` for a probability of 0).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


def predict_input(ensemble, X):
    """``X`` checked for prediction (fitted, feature count and names); a
    DataFrame is returned as given. Missing and infinite values are left to
    the members, which accept or refuse them (as in ``fit``)."""
    check_is_fitted(ensemble)
    X_checked = validate_data(
        ensemble,
        X,
        reset=False,
        accept_sparse=["csr", "csc"],
        dtype=None,
        ensure_all_finite=False,
    )
    return X if hasattr(X, "columns") else X_checked


def take_columns(X, features):
    if hasattr(X, "iloc"):
        return X.iloc[:, features]
    return X[:, features]


def check_proba_prior(ensemble, estimator):
    """Refuse ``proba_prior="original"`` for members without ``predict_proba``."""
    if ensemble.proba_prior == "original" and not hasattr(estimator, "predict_proba"):
        raise ValueError(
            f"proba_prior='original' moves each member's probabilities to the "
            f"prior of the training data, but {type(estimator).__name__} has no "
            "predict_proba. Use proba_prior='fit' (the members then vote) or an "
            "estimator with predict_proba."
        )
