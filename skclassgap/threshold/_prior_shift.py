"""Estimate the class prior of unlabelled target data; decide under it."""

from numbers import Integral, Real

import numpy as np
from scipy.optimize import nnls
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import cross_val_predict
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.validation import check_array, check_is_fitted

from skclassgap._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _raise_for_params,
    validate_params,
)
from skclassgap.threshold._temperature import (
    calibrated_log_proba,
    fit_temperature,
    proba_logits,
)
from skclassgap.utils._docstring import shared_docs
from skclassgap.utils._meta import (
    ShiftedPriorResponsesMixin,
    checked_input,
    checked_targets,
    inner_tags,
)
from skclassgap.utils._priors import (
    check_prior,
    class_prior,
    shift_log_proba,
    shift_proba,
)

# Weight of the sum-to-one row in BBSE's non-negative least squares.
_SIMPLEX_WEIGHT = 1e3


def _check_proba(y_proba, n_classes=None):
    proba = check_array(y_proba, dtype=np.float64, input_name="y_proba")
    if n_classes is not None and proba.shape[1] != n_classes:
        raise ValueError(
            f"y_proba has {proba.shape[1]} columns but the priors have "
            f"{n_classes} classes; pass one probability column per class."
        )
    if (proba < 0).any():
        raise ValueError(
            f"y_proba holds negative values (min {proba.min().item()!r}); pass "
            "class probabilities (predict_proba)."
        )
    n, k = proba.shape
    if n < k:
        raise ValueError(
            f"The target sample has {n} rows, too few to estimate the priors of "
            f"{k} classes; pass at least {k} rows (one per class), many more for "
            "a useful estimate."
        )
    return proba


def _em(proba, train_prior, max_iter, tol):
    """Saerens et al. (2002): alternate posteriors under the current prior and
    the prior as the mean posterior, until the prior moves less than ``tol``."""
    prior = train_prior
    for n_iter in range(1, max_iter + 1):  # noqa: B007
        new = shift_proba(proba, train_prior, prior).mean(axis=0)
        done = np.max(np.abs(new - prior)) < tol
        prior = new
        if done:
            break
    return prior / prior.sum(), n_iter


def _bbse(proba, confusion):
    """Lipton et al. (2018): the prior ``pi`` with ``M^T pi = mu`` (``M[i, j]``:
    rate of predicting j for class i, ``mu``: predicted-class frequencies on the
    target rows), solved in least squares on the probability simplex."""
    n_classes = confusion.shape[0]
    support = confusion.sum(axis=1, keepdims=True)
    rates = confusion / support
    predicted = np.bincount(np.argmax(proba, axis=1), minlength=n_classes)
    mu = predicted / predicted.sum()
    system = np.vstack((rates.T, np.full((1, n_classes), _SIMPLEX_WEIGHT)))
    rhs = np.append(mu, _SIMPLEX_WEIGHT)
    prior = nnls(system, rhs)[0]
    return prior / prior.sum()


@validate_params(
    {
        "y_proba": ["array-like"],
        "method": [StrOptions({"em", "bbse"})],
        "train_prior": ["array-like", None],
        "confusion": ["array-like", None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "return_n_iter": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@shared_docs
def estimate_target_prior(
    y_proba,
    *,
    method="em",
    train_prior=None,
    confusion=None,
    max_iter=1000,
    tol=1e-4,
    return_n_iter=False,
):
    """Estimate the class prior of unlabelled target rows from a classifier's output.

    Both methods assume *label shift*: the class prior changes between the
    training and the target data, the class-conditional distributions
    ``p(x|y)`` do not.

    - ``"em"`` (Saerens, Latinne & Decaestecker, 2002): maximum likelihood by
      EM. Starting from ``train_prior``, posteriors are re-weighted by
      ``prior / train_prior`` and renormalised, and the prior becomes their
      mean, until it moves less than ``tol``. Needs probabilities that are
      calibrated under ``train_prior``. With over-confident probabilities
      (naive Bayes on redundant features, unregularised trees) the estimate
      stays too near ``train_prior``, with under-confident ones (strongly
      regularised models) it overshoots past the true prior, and the Bayes
      correction of such probabilities can lower the accuracy it should
      raise. Pass calibrated
      probabilities, with ``train_prior`` the mean of the calibrated
      probabilities on the training distribution:
      :class:`PriorShiftAdapter` does both (``calibration="bcts"``).
    - ``"bbse"`` (black-box shift estimation, Lipton, Wang & Smola, 2018):
      solves ``M^T pi = mu`` where ``M[i, j]`` is the rate at which class
      ``i`` is predicted ``j`` on held-out labelled data (``confusion``, row
      normalised) and ``mu`` the frequencies of the predicted classes (the
      argmax of ``y_proba``) on the target rows; the solution is taken in
      least squares on the probability simplex (non-negative, summing to 1),
      which is the plain inverse whenever that lies in the simplex. Needs no
      calibration, only an invertible confusion matrix: classes the model
      confuses heavily are estimated with large variance.

    Parameters
    ----------
    y_proba : array-like of shape (n_samples, n_classes)
        Class probabilities of the target rows (``predict_proba``), columns in
        the order of the classifier's ``classes_``; calibrated for ``"em"``
        (see above).
    method : {"em", "bbse"}, default="em"
        Estimator of the prior (see above).
    train_prior : array-like of shape (n_classes,), default=None
        ``"em"`` only, required: the class prior the probabilities were
        fitted under (the training class frequencies, or the mean of the
        calibrated probabilities on held-out training rows).
    confusion : array-like of shape (n_classes, n_classes), default=None
        ``"bbse"`` only, required: counts on held-out labelled data of true
        class ``i`` (row) predicted as ``j`` (column), e.g. from
        :func:`~sklearn.model_selection.cross_val_predict`. Every class needs
        at least one row.
    max_iter : int, default=1000
        ``"em"`` only: iterations at most.
    tol : float, default=1e-4
        ``"em"`` only: stop when no class's prior moves more than this.
    return_n_iter : bool, default=False
        Also return the number of EM iterations run (0 for ``"bbse"``).

    Returns
    -------
    target_prior : ndarray of shape (n_classes,)
        Estimated class prior of the target rows, summing to 1.
    n_iter : int
        Only when ``return_n_iter`` is True.

    See Also
    --------
    PriorShiftAdapter : Fits the classifier, estimates the target prior and
        predicts under it.

    References
    ----------
    .. [1] {saerens2002}
    .. [2] {lipton2018}

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.threshold import estimate_target_prior
    >>> proba = np.array([[0.9, 0.1]] * 6 + [[0.2, 0.8]] * 4)
    >>> estimate_target_prior(proba, train_prior=[0.5, 0.5]).round(4)
    array([0.75, 0.25])
    >>> confusion = np.array([[90, 10], [20, 80]])  # true class i predicted j
    >>> estimate_target_prior(proba, method="bbse", confusion=confusion).round(4)
    array([0.5714, 0.4286])
    """
    n_iter = 0
    if method == "em":
        if train_prior is None:
            raise ValueError(
                "method='em' needs train_prior, the class prior the probabilities "
                "were fitted under (e.g. the training class frequencies)."
            )
        train = np.asarray(train_prior, dtype=np.float64)
        proba = _check_proba(y_proba, train.shape[0] if train.ndim == 1 else None)
        train = check_prior(train, "train_prior", np.arange(proba.shape[1]))
        prior, n_iter = _em(proba, train, max_iter, tol)
    else:
        if confusion is None:
            raise ValueError(
                "method='bbse' needs confusion, the counts of true class i "
                "predicted as j on held-out labelled data."
            )
        confusion = check_array(confusion, dtype=np.float64, input_name="confusion")
        if confusion.shape[0] != confusion.shape[1] or (confusion < 0).any():
            raise ValueError(
                "confusion must be a square matrix of non-negative counts; got "
                f"shape {confusion.shape} with minimum {confusion.min().item()!r}."
            )
        empty = np.flatnonzero(confusion.sum(axis=1) == 0)
        if empty.size:
            raise ValueError(
                f"confusion has no held-out row for class index(es) "
                f"{empty.tolist()!r}; every class needs labelled rows to estimate "
                "its prediction rates."
            )
        proba = _check_proba(y_proba, confusion.shape[0])
        prior = _bbse(proba, confusion)
    return (prior, n_iter) if return_n_iter else prior


@shared_docs
class PriorShiftAdapter(
    ClassifierMixin, MetaEstimatorMixin, ShiftedPriorResponsesMixin, BaseEstimator
):
    """Estimate the class prior of unlabelled target data and predict under it.

    ``fit(X, y)`` fits a clone of ``estimator`` on labelled training data,
    and on its out-of-fold probabilities a calibration of them (by default)
    and, for ``method="bbse"``, the confusion matrix. ``adapt(X_target)``
    estimates the class prior of unlabelled target rows with
    :func:`estimate_target_prior`. ``predict_proba`` then follows Bayes' rule
    for the new prior, ``p'(y|x) ∝ p(y|x) · target_prior_(y) /
    train_prior_(y)`` with ``p`` the calibrated probabilities, and
    ``predict`` is its argmax. Until ``adapt`` is called, ``target_prior_``
    is the training prior and predictions are the calibrated estimator's
    (the estimator's own with ``calibration=None`` or ``"ts"``, which keeps
    the argmax).

    This assumes *label shift*: only the class prior differs between training
    and target data, ``p(x|y)`` is the same. ``"em"`` also assumes calibrated
    probabilities: without them its estimate stays too near the training
    prior (over-confident models) or overshoots (under-confident ones), and
    the Bayes correction of under-confident probabilities can lower accuracy
    instead of raising it (digits, logistic regression with ``C=1``: 0.961
    before adapting, 0.958 after, over 100 Dirichlet-drawn target priors).

    **Calibration** follows our reading of Alexandari, Kundaje and
    Shrikumar (2020): the probabilities are rescaled as
    ``softmax(log(p) / temperature_ + bias_)``, with the temperature
    (``"ts"``) or the temperature and one bias per class (``"bcts"``,
    bias-corrected temperature scaling) fitted by minimising the negative
    log-likelihood of the out-of-fold probabilities of the training rows
    (``cv``), a convex problem whose minimum is never above the likelihood of
    the probabilities unchanged. The training prior of EM and of Bayes' rule
    is then the mean of the calibrated out-of-fold probabilities, the prior
    the calibrated model implies for the training distribution; for
    ``"bcts"`` it equals the class frequencies (the likelihood is stationary
    in the biases exactly when it does). Calibrated, the digits example above
    goes from 0.961 to 0.969.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``fit`` and ``predict_proba`` (the correction of the
        decisions works on probabilities, whatever the method).
    method : {"em", "bbse"}, default="em"
        How ``adapt`` estimates the target prior: EM on the target
        probabilities, or black-box shift estimation from the out-of-fold
        confusion matrix.
    calibration : {"bcts", "ts"} or None, default="bcts"
        Calibration of the estimator's probabilities, fitted on the
        out-of-fold probabilities of the training rows and applied to every
        probability the adapter uses (``adapt``, ``predict``,
        ``predict_proba``): ``"bcts"`` a temperature and one bias per class,
        ``"ts"`` a temperature alone, None the probabilities as they are (and
        no cross-validation for ``"em"``).
    cv : int, cross-validation generator or iterable, default=5
        Folds of the out-of-fold predictions that fit the calibration and
        give the ``"bbse"`` confusion matrix (an int is a stratified k-fold);
        unused for ``"em"`` without calibration.
    max_em_iter : int, default=1000
        ``"em"`` only: EM iterations at most.
    tol : float, default=1e-4
        ``"em"`` only: stop when no class's prior moves more than this.
    n_jobs : int, default=None
        Folds fitted in parallel (calibration, ``"bbse"``).

    Attributes
    ----------
    estimator_ : estimator instance
        The classifier fitted on all training rows.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    train_prior_ : ndarray of shape (n_classes,)
        Class prior of the (calibrated) probabilities: the class frequencies
        of the training ``y`` with ``calibration=None``, the mean of the
        calibrated out-of-fold probabilities otherwise.
    target_prior_ : ndarray of shape (n_classes,)
        Prior predictions follow: estimated by ``adapt``, the training prior
        before.
    temperature_ : float
        Fitted temperature (> 1: the probabilities were over-confident, < 1:
        under-confident); 1.0 with ``calibration=None``.
    bias_ : ndarray of shape (n_classes,)
        Fitted biases added to the scaled log-probabilities, summing to 0;
        zeros with ``calibration`` None or ``"ts"``.
    confusion_ : ndarray of shape (n_classes, n_classes)
        ``"bbse"`` only: out-of-fold counts of true class ``i`` predicted ``j``
        (the argmax of the calibrated probabilities when calibrated, else
        ``estimator.predict``).
    n_em_iter_ : int
        EM iterations of the last ``adapt`` (0 before, and for ``"bbse"``).
    {features_in_fit_}

    See Also
    --------
    estimate_target_prior : The estimation alone, on arrays.
    LogitAdjustedClassifier : Decide for a known target prior.

    References
    ----------
    .. [1] {saerens2002}
    .. [2] {lipton2018}
    .. [3] A. Alexandari, A. Kundaje and A. Shrikumar, "Maximum likelihood
       with bias-corrected calibration is hard-to-beat at label shift
       adaptation", ICML 2020, arXiv:1901.06852.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skclassgap.threshold import PriorShiftAdapter
    >>> X, y = make_classification(n_samples=4000, class_sep=1.5, random_state=0)
    >>> train = np.flatnonzero(y == 0)[:1000].tolist() + np.flatnonzero(y == 1)[
    ...     :1000].tolist()
    >>> target = np.flatnonzero(y == 0)[1000:1900].tolist() + np.flatnonzero(
    ...     y == 1)[1000:1100].tolist()  # target prior 0.9 / 0.1
    >>> model = PriorShiftAdapter(LogisticRegression()).fit(X[train], y[train])
    >>> model.adapt(X[target]).target_prior_.round(1)
    array([0.9, 0.1])
    >>> bool((model.predict(X[target]) == y[target]).mean()
    ...      >= (model.estimator_.predict(X[target]) == y[target]).mean())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "method": [StrOptions({"em", "bbse"})],
        "calibration": [StrOptions({"bcts", "ts"}), None],
        "cv": ["cv_object"],
        "max_em_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        method="em",
        calibration="bcts",
        cv=5,
        max_em_iter=1000,
        tol=1e-4,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.method = method
        self.calibration = calibration
        self.cv = cv
        self.max_em_iter = max_em_iter
        self.tol = tol
        self.n_jobs = n_jobs

    @_fit_context(
        # PriorShiftAdapter.estimator is not validated yet.
        prefer_skip_nested_validation=False
    )
    @shared_docs
    def fit(self, X, y, **params):
        """Fit the estimator, its calibration and (``"bbse"``) its confusion.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Labelled training data, as accepted by ``estimator``.
        y : array-like of shape (n_samples,)
            Class labels.
        {params_routed}

        Returns
        -------
        self : object
            Fitted adapter, predicting under the training prior until
            :meth:`adapt` is called.
        """
        _raise_for_params(params, self, "fit")
        X = checked_input(self, X, reset=True)
        y = checked_targets(self, y)
        routed = process_routing(self, "fit", **params)
        self.estimator_ = clone(self.estimator).fit(X, y, **routed.estimator.fit)
        classes = np.asarray(self.estimator_.classes_)
        n_classes = classes.shape[0]
        codes = np.searchsorted(classes, y)
        self.temperature_, self.bias_ = 1.0, np.zeros(n_classes)
        pred_codes = None
        if self.calibration is None:
            self.train_prior_ = class_prior(codes, n_classes)
            if self.method == "bbse":
                pred = self._out_of_fold(X, y, "predict", routed)
                pred_codes = np.searchsorted(classes, pred)
        else:
            logits = proba_logits(self._out_of_fold(X, y, "predict_proba", routed))
            self.temperature_, self.bias_, _ = fit_temperature(
                logits, codes, fit_bias=self.calibration == "bcts"
            )
            log_proba = calibrated_log_proba(logits, self.temperature_, self.bias_)
            # The prior the calibrated model implies for the training rows.
            self.train_prior_ = np.exp(log_proba).mean(axis=0)
            pred_codes = np.argmax(log_proba, axis=1)
        self.target_prior_ = self.train_prior_.copy()
        self.n_em_iter_ = 0
        if self.method == "bbse":
            self.confusion_ = np.bincount(
                codes * n_classes + pred_codes, minlength=n_classes * n_classes
            ).reshape(n_classes, n_classes)
        return self

    def _out_of_fold(self, X, y, method, routed):
        """Out-of-fold ``method`` responses of clones of ``estimator`` (``cv``)."""
        return cross_val_predict(
            clone(self.estimator),
            X,
            y,
            cv=self.cv,
            method=method,
            params=routed.estimator.fit,
            n_jobs=self.n_jobs,
        )

    def _proba(self, X):
        """Probabilities of ``estimator_`` for checked ``X``, calibrated."""
        proba = self.estimator_.predict_proba(X)
        if self.calibration is None:
            return proba
        return np.exp(
            calibrated_log_proba(proba_logits(proba), self.temperature_, self.bias_)
        )

    def adapt(self, X_target):
        """Estimate the class prior of unlabelled target rows.

        Parameters
        ----------
        X_target : {array-like, sparse matrix} of shape (n_target, n_features)
            Unlabelled rows drawn from the target distribution; at least one
            row per class.

        Returns
        -------
        self : object
            The adapter, ``target_prior_`` set: predictions now follow it.
        """
        check_is_fitted(
            self,
            "estimator_",
            msg=(
                "This PriorShiftAdapter is not fitted yet: call fit(X, y) on "
                "labelled training data before adapt(X_target) estimates the "
                "target prior."
            ),
        )
        X_target = checked_input(self, X_target, reset=False)
        proba = self._proba(X_target)
        self.target_prior_, self.n_em_iter_ = estimate_target_prior(
            proba,
            method=self.method,
            train_prior=self.train_prior_,
            confusion=getattr(self, "confusion_", None),
            max_iter=self.max_em_iter,
            tol=self.tol,
            return_n_iter=True,
        )
        return self

    @property
    def classes_(self):
        """Class labels, from the fitted estimator."""
        return self.estimator_.classes_

    def _shifted_log_proba(self, X):
        """Log-probabilities moved from ``train_prior_`` to ``target_prior_``."""
        check_is_fitted(self, "estimator_")
        X = checked_input(self, X, reset=False)
        return shift_log_proba(self._proba(X), self.train_prior_, self.target_prior_)

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
