"""Balance the (class, sub-class) cells of training rows before a model is fitted."""

from collections import OrderedDict
from numbers import Integral, Real

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from scipy import sparse
from sklearn.base import clone
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets

from skclassgap._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    imblearn_check_X_y,
)
from skclassgap.metrics._grouped import encode_groups
from skclassgap.subclass._discover import (
    class_subclasses,
    subclasses_per_class,
    true_class_margin,
)

_EMPTY_ROWS = np.zeros(0, dtype=np.int64)


def cell_targets(cell_class, cell_size, n_classes, alpha, sampling_strategy):
    """Rows each (class, sub-class) cell holds after balancing.

    Parameters
    ----------
    cell_class : int ndarray of shape (n_cells,)
        Class code of each cell.
    cell_size : int ndarray of shape (n_cells,)
        Rows of each cell, ``n_cs``.
    n_classes : int
    alpha : float in [0, 1]
    sampling_strategy : {"keep", "balance"}

    Returns
    -------
    targets : int64 ndarray of shape (n_cells,)
        ``max(n_cs, round(f_c * n_cs ** (1 - alpha) * m_c ** alpha))`` with
        ``m_c`` the largest cell of class ``c`` and ``f_c`` the class factor:
        ``"keep"``: ``R * n_c / B_c`` with ``B_c`` the class's sum of
        ``n_cs ** (1 - alpha) * m_c ** alpha`` and ``R = max_c B_c / n_c``
        (every class grows by the same factor ``R``, so the class
        proportions stay); ``"balance"``: ``max_c B_c / B_c`` (every class
        ends with ``max_c B_c`` rows).
    """
    size = cell_size.astype(np.float64)
    largest = np.zeros(n_classes)
    np.maximum.at(largest, cell_class, size)
    balanced = size ** (1.0 - alpha) * largest[cell_class] ** alpha
    class_total = np.bincount(cell_class, weights=balanced, minlength=n_classes)
    class_size = np.bincount(cell_class, weights=size, minlength=n_classes)
    present = class_size > 0
    if sampling_strategy == "keep":
        growth = np.max(class_total[present] / class_size[present])
        factor = np.ones(n_classes)
        factor[present] = growth * class_size[present] / class_total[present]
    else:
        factor = np.ones(n_classes)
        factor[present] = class_total[present].max() / class_total[present]
    targets = np.rint(factor[cell_class] * balanced).astype(np.int64)
    return np.maximum(targets, cell_size.astype(np.int64))


def copy_rows(rows, n_new, rng):
    """``n_new`` copies of ``rows``: each row ``n_new // len(rows)`` times, in
    order, then ``n_new % len(rows)`` distinct rows drawn at random (in row
    order)."""
    repeats, rest = divmod(n_new, len(rows))
    extra = np.sort(rng.choice(rows, size=rest, replace=False)) if rest else _EMPTY_ROWS
    return np.concatenate([np.tile(rows, repeats), extra]).astype(np.int64)


class SubclassBalancer(BaseSampler):
    """Balance the sub-classes inside each class, then the classes, by adding rows.

    A class made of a large sub-class and a rare one (a digit written in a
    rare way, a rare site) trains a model that sacrifices the rare one. This
    sampler finds the sub-classes of each class (or takes them from
    ``subclasses``), then adds rows so that inside each class the sub-classes
    weigh more equally, and the classes keep their proportions (or are
    balanced).

    It is our translation to tabular data and frozen embeddings of the
    subclass-balancing of SBCL (Hou et al. [1]_): SBCL splits classes into
    sub-classes by clustering and trains with a loss that balances
    instances and sub-classes; here the cluster sizes set how many rows each
    (class, sub-class) cell gets, and ``alpha`` moves the balance from the
    instances (``alpha=0``: every row counts once, nothing changes) to the
    sub-classes (``alpha=1``: every sub-class of a class as large as its
    largest). With cell ``(c, s)`` of ``n_cs`` rows and ``m_c`` rows in the
    largest cell of class ``c``, the cell is brought to
    ``f_c * n_cs ** (1 - alpha) * m_c ** alpha`` rows (rounded, never fewer
    than it has), where the class factor ``f_c`` keeps the class proportions
    (``sampling_strategy="keep"``) or balances the classes
    (``sampling_strategy="balance"``); see :attr:`cells_`.

    Sub-classes are discovered as :func:`subclass_report` does, on the
    training rows: with an ``estimator``, its out-of-fold predictions and
    scores (``cv`` folds) make the discovery error-aware (the errors the
    model's correct rows do not explain form sub-classes of their own); with
    ``estimator=None`` the class's rows are clustered on their features
    alone (``method="features"``).

    Rows are added by copying (``oversampler=None``: each row of a cell
    repeated, the remainder drawn without replacement, which is integer
    weighting) or by any over-sampler run inside the cells
    (e.g. :class:`~skclassgap.over_sampling.SMOTE`: synthetic rows between
    rows of the same cell). To weight instead of adding rows, fit the
    balancer and pass :attr:`sample_weight_` to the model's ``fit``.

    Parameters
    ----------
    sampling_strategy : {"keep", "balance"}, default="keep"
        Class totals after balancing: the class proportions of ``y``
        (``"keep"``: the classes grow by the same factor, a model's class
        prior does not move), or equal totals (``"balance"``).
    n_subclasses : int or "auto", default="auto"
        Sub-classes per class (see :func:`subclass_report`). Ignored when
        ``subclasses`` is passed to ``fit_resample``.
    alpha : float in [0, 1], default=1.0
        Balance between instances (0) and sub-classes (1).
    estimator : classifier or None, default=None
        Model whose out-of-fold errors guide the discovery. None: features
        only.
    cv : int, cross-validation generator or iterable, default=5
        Folds of the out-of-fold predictions (scikit-learn's ``cv``
        semantics: an int gives stratified folds, unshuffled).
    method : {"error-aware", "features"}, default="error-aware"
        Clustering used when ``estimator`` is given (see
        :func:`subclass_report`).
    oversampler : sampler or None, default=None
        How rows are added inside each cell: None copies rows; a sampler
        (with ``fit_resample`` and the dict ``sampling_strategy`` of
        imbalanced-learn) is cloned and run with the cell of every row as its
        label, so that its rows never mix cells. Its ``random_state``, when
        None, is drawn from ``random_state``. Samplers that choose their own
        counts (ADASYN, BorderlineSMOTE) may add fewer rows than asked.
    min_size : int, default=5
        Fewest rows of a discovered sub-class.
    novelty_quantile : float, default=0.01
        See :func:`subclass_report`.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="diag"
        Covariance of the mixtures (see :func:`subclass_report`).
    on_small_class : {"warn", "raise"}, default="warn"
        See :func:`subclass_report`.
    random_state : int, RandomState instance or None, default=None
        Seed of the discovery, the copies and the over-sampler.

    Attributes
    ----------
    subclasses_ : ndarray of shape (n_samples,)
        Sub-class of every input row within its class (discovered: numbered
        by decreasing size; or the values passed as ``subclasses``).
    cells_ : pandas.DataFrame
        One row per (class, sub-class) cell (index levels ``"class"`` and
        ``"subclass"``): ``n_before`` (rows in the input), ``n_after`` (rows
        asked for after balancing) and ``weight`` (``n_after / n_before``).
    sample_weight_ : ndarray of shape (n_samples,)
        ``weight`` of every input row's cell: weighting the input rows by it
        is what copying does, without the rounding.
    sampling_strategy_ : OrderedDict
        Class label -> number of rows asked to be added.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Input row of each output row (the input rows first, in order, then
        the added ones); -1 for a synthetic row.
    parents_, neighbors_, gaps_ : ndarray of shape (n_synthetic,)
        Provenance of the synthetic rows, as the over-sampler records it
        (empty when rows are copied).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    subclass_report : Find and report the sub-classes a model fails.
    skclassgap.compose.ResampledClassifier : Resample, then fit a classifier.

    References
    ----------
    .. [1] C. Hou, J. Zhang, H. Wang and T. Zhou, "Subclass-balancing
       Contrastive Learning for Long-tailed Recognition", ICCV 2023,
       arXiv:2306.15925.

    Examples
    --------
    Known sub-classes (an oracle, or domains): every cell is brought to the
    size of its class's largest cell, classes keep their proportions.

    >>> import numpy as np
    >>> from skclassgap.subclass import SubclassBalancer
    >>> X = np.arange(24, dtype=float).reshape(12, 2)
    >>> y = np.array([0] * 6 + [1] * 6)
    >>> sub = np.array([0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1])
    >>> balancer = SubclassBalancer(random_state=0)
    >>> X_res, y_res = balancer.fit_resample(X, y, subclasses=sub)
    >>> balancer.cells_
                    n_before  n_after  weight
    class subclass
    0     0                4        4     1.0
          1                2        4     2.0
    1     0                3        4     1.333333
          1                3        4     1.333333
    """

    _sampling_type = "bypass"
    _parameter_constraints: dict = {
        "sampling_strategy": [StrOptions({"keep", "balance"})],
        "n_subclasses": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "cv": ["cv_object"],
        "method": [StrOptions({"error-aware", "features"})],
        "oversampler": [HasMethods(["fit_resample"]), None],
        "min_size": [Interval(Integral, 1, None, closed="left")],
        "novelty_quantile": [Interval(Real, 0, 1, closed="neither")],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "on_small_class": [StrOptions({"warn", "raise"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        sampling_strategy="keep",
        *,
        n_subclasses="auto",
        alpha=1.0,
        estimator=None,
        cv=5,
        method="error-aware",
        oversampler=None,
        min_size=5,
        novelty_quantile=0.01,
        covariance_type="diag",
        on_small_class="warn",
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_subclasses = n_subclasses
        self.alpha = alpha
        self.estimator = estimator
        self.cv = cv
        self.method = method
        self.oversampler = oversampler
        self.min_size = min_size
        self.novelty_quantile = novelty_quantile
        self.covariance_type = covariance_type
        self.on_small_class = on_small_class
        self.random_state = random_state

    def _check_X_y(self, X, y, accept_sparse=None):
        if sparse.issparse(X):
            raise TypeError(
                f"{type(self).__name__} does not accept sparse X (sub-classes are "
                f"found on dense per-class projections); got a {type(X).__name__}. "
                "Convert it with X.toarray() or reduce it first (e.g. TruncatedSVD)."
            )
        X, y, binarize_y = imblearn_check_X_y(self, X, y, ["csr", "csc"])
        if sparse.issparse(X):  # sparse pandas columns arrive as a sparse matrix
            X = X.toarray()
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        return X, y, binarize_y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, subclasses=None):
        """Find the cells and how many rows each gets, without adding rows.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            Numeric training rows.
        y : array-like of shape (n_samples,)
            Class labels.
        subclasses : array-like of shape (n_samples,), default=None
            Known sub-class of every row (any hashable, sortable values; a
            cell is a (class, sub-class) pair). None: discovered.

        Returns
        -------
        self : object
            The fitted sampler (:attr:`cells_`, :attr:`sample_weight_`).
        """
        check_classification_targets(y)
        X, y, _ = self._check_X_y(X, y)
        self._fit(X, y, subclasses)
        return self

    def fit_resample(self, X, y, *, subclasses=None):
        """Balance the cells: the input rows, then the added rows.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            Numeric training rows.
        y : array-like of shape (n_samples,)
            Class labels.
        subclasses : array-like of shape (n_samples,), default=None
            Known sub-class of every row. None: discovered.

        Returns
        -------
        X_resampled : {ndarray, dataframe} of shape (n_samples_new, n_features)
            The input rows, unchanged and in order, followed by the added rows.
        y_resampled : array-like of shape (n_samples_new,)
            Their labels.
        """
        return super().fit_resample(X, y, subclasses=subclasses)

    def _fit(self, X, y, subclasses):
        rng = check_random_state(self.random_state)
        classes, codes = np.unique(y, return_inverse=True)
        codes = codes.reshape(-1).astype(np.int64)
        if subclasses is not None:
            sub, values = encode_groups(subclasses, len(y))
            names = values
        else:
            sub, names = self._discover(X, y, codes, classes, rng), None
        cell_of_row, cell_class, cell_sub = _cells(codes, sub)
        sizes = np.bincount(cell_of_row, minlength=len(cell_class))
        targets = cell_targets(
            cell_class, sizes, len(classes), self.alpha, self.sampling_strategy
        )
        labels = [_scalar(v) for v in classes]
        cell_names = [
            (labels[c], _scalar(names[s]) if names is not None else int(s))
            for c, s in zip(cell_class, cell_sub, strict=True)
        ]
        self.subclasses_ = names[sub] if names is not None else sub
        self.cells_ = pd.DataFrame(
            {"n_before": sizes, "n_after": targets, "weight": targets / sizes},
            index=pd.MultiIndex.from_tuples(cell_names, names=["class", "subclass"]),
        )
        self.sample_weight_ = (targets / sizes)[cell_of_row]
        added = np.bincount(cell_class, weights=targets - sizes, minlength=len(classes))
        self.sampling_strategy_ = OrderedDict(
            (label, int(n)) for label, n in zip(labels, added, strict=True)
        )
        return rng, cell_of_row, targets

    def _discover(self, X, y, codes, classes, rng):
        errors = margin = None
        if self.estimator is not None:
            cv = check_cv(self.cv, y, classifier=True)
            estimator = clone(self.estimator)
            method = next(
                (
                    m
                    for m in ("predict_proba", "decision_function")
                    if hasattr(estimator, m)
                ),
                "predict",
            )
            out = cross_val_predict(estimator, X, y, cv=cv, method=method)
            if method == "predict":
                errors = out != y
            else:
                scores = out if out.ndim == 2 else np.column_stack([-out / 2, out / 2])
                pred = np.argmax(scores, axis=1)
                errors = pred != codes
                margin = true_class_margin(scores, codes)
        sub = np.zeros(len(y), dtype=np.int64)
        method = self.method if self.estimator is not None else "features"
        for k, label in enumerate(classes.tolist()):
            rows = np.flatnonzero(codes == k)
            count = subclasses_per_class(
                self.n_subclasses, len(rows), self.min_size, label, self.on_small_class
            )
            found = class_subclasses(
                np.asarray(X[rows], dtype=np.float64),
                errors=None if errors is None else errors[rows],
                margin=None if margin is None else margin[rows],
                n_subclasses=count,
                method=method,
                min_size=self.min_size,
                novelty_quantile=self.novelty_quantile,
                covariance=self.covariance_type,
                rng=rng,
            )
            sub[rows] = found.labels
        return sub

    def _fit_resample(self, X, y, subclasses=None):
        rng, cell_of_row, targets = self._fit(X, y, subclasses)
        if self.oversampler is None:
            return self._copy(X, y, cell_of_row, targets, rng)
        return self._oversample(X, y, cell_of_row, targets, rng)

    def _copy(self, X, y, cell_of_row, targets, rng):
        sizes = np.bincount(cell_of_row, minlength=len(targets))
        copies = [
            copy_rows(np.flatnonzero(cell_of_row == cell), int(t - n), rng)
            for cell, (n, t) in enumerate(zip(sizes, targets, strict=True))
            if t > n
        ]
        indices = np.concatenate([np.arange(len(y), dtype=np.int64), *copies])
        self._set_provenance(indices, _EMPTY_ROWS, _EMPTY_ROWS, np.zeros(0))
        return X[indices], y[indices]

    def _oversample(self, X, y, cell_of_row, targets, rng):
        sampler = clone(self.oversampler)
        params = sampler.get_params(deep=False)
        if "random_state" in params and params["random_state"] is None:
            sampler.set_params(random_state=int(rng.randint(np.iinfo(np.int32).max)))
        sizes = np.bincount(cell_of_row, minlength=len(targets))
        wanted = {
            cell: int(t) for cell, (n, t) in enumerate(zip(sizes, targets, strict=True))
        }
        sampler.set_params(sampling_strategy=wanted)
        cell_class = np.zeros(len(targets), dtype=np.int64)
        cell_class[cell_of_row] = np.unique(y, return_inverse=True)[1].reshape(-1)
        try:
            X_res, cell_res = sampler.fit_resample(X, cell_of_row)[:2]
        except ValueError as exc:
            raise ValueError(
                f"{type(sampler).__name__} failed inside the (class, sub-class) "
                f"cells, whose sizes are {sizes.tolist()} (see cells_ for their "
                f"names): {exc}"
            ) from exc
        indices = getattr(sampler, "sample_indices_", None)
        if indices is None:
            raise ValueError(
                f"{type(sampler).__name__} does not record which input row each "
                "output row comes from (sample_indices_); use a sampler of "
                "skclassgap.over_sampling or oversampler=None."
            )
        labels = np.unique(y)
        y_res = labels[cell_class[np.asarray(cell_res)]].astype(y.dtype, copy=False)
        self._set_provenance(
            np.asarray(indices, dtype=np.int64),
            np.asarray(getattr(sampler, "parents_", _EMPTY_ROWS), dtype=np.int64),
            np.asarray(getattr(sampler, "neighbors_", _EMPTY_ROWS), dtype=np.int64),
            np.asarray(getattr(sampler, "gaps_", np.zeros(0)), dtype=np.float64),
        )
        return X_res, y_res

    def _set_provenance(self, indices, parents, neighbors, gaps):
        self.sample_indices_ = indices
        self.parents_ = parents
        self.neighbors_ = neighbors
        self.gaps_ = gaps

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.sampler_tags.sample_indices = True
        return tags


def _cells(codes, sub):
    """Cell of every row, and the class and sub-class of every cell.

    Cells are numbered in (class, sub-class) order.
    """
    width = int(sub.max()) + 1 if len(sub) else 1
    values, cell_of_row = np.unique(codes * width + sub, return_inverse=True)
    return cell_of_row.reshape(-1).astype(np.int64), values // width, values % width


def _scalar(value):
    return value.item() if isinstance(value, np.generic) else value
