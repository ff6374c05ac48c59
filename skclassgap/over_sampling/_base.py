"""Shared machinery of the synthetic over-samplers: provenance and output assembly.

Every sampler of :mod:`skclassgap.over_sampling` returns the input rows first,
unchanged and in order, followed by the synthetic rows of each class in the
order of ``sampling_strategy_``. It records where each output row comes from:

``sample_indices_`` : int64 ndarray of shape (n_samples_resampled,)
    Row of ``X`` that output row ``i`` copies, or ``-1`` for a synthetic row.
``parents_``, ``neighbors_`` : int64 ndarrays of shape (n_synthetic,)
    For synthetic row ``t`` (output row ``n_samples + t``): the row of ``X`` it
    grows from and the row it moves toward (``-1`` when there is none, as for
    :class:`~skclassgap.over_sampling.GaussianOverSampler`).
``gaps_`` : float64 ndarray of shape (n_synthetic,)
    Interpolation gap ``g``: the synthetic row is
    ``X[parent] + g * (X[neighbor] - X[parent])`` (NaN when there is no pair).
"""

import numbers

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from skclassgap._kernels.sampling import _draw_pairs, _interpolate

# Constraint of k_neighbors / m_neighbors / n_neighbors parameters.
NEIGHBORS_CONSTRAINT = [
    Interval(numbers.Integral, 1, None, closed="left"),
    HasMethods(["kneighbors"]),
]

_EMPTY_MASK = np.zeros((0, 0), dtype=np.bool_)
_EMPTY_REPEATS = np.zeros(0, dtype=np.int64)


def _check_class_size(label, n_rows, needed, param, value):
    """Raise when a class (or the data set) is too small for a neighbour count."""
    if n_rows < needed:
        where = f"class {label!r}" if label is not None else "the data set"
        raise ValueError(
            f"{param}={value} needs at least {needed} samples in {where}, which "
            f"has {n_rows}. Lower {param} or exclude the class via "
            "sampling_strategy."
        )


def _n_neighbors(param):
    """Number of neighbours asked for by an int or a neighbours estimator."""
    if isinstance(param, numbers.Integral):
        return int(param), None
    n = getattr(param, "n_neighbors", None)
    if not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(
            "a neighbours estimator passed as k_neighbors/m_neighbors must have an "
            f"integer n_neighbors >= 2 (the row itself plus at least one "
            f"neighbour); got n_neighbors={n!r}."
        )
    # As in imbalanced-learn, the estimator's n_neighbors counts the row itself.
    return int(n) - 1, param


class _BaseSyntheticSampler(BaseOverSampler):
    """Template of the synthetic samplers: subclasses implement ``_pairs``.

    ``_pairs(X, y_codes, code, label, rows, n_new, seed)`` returns
    ``(parents, neighbors, gaps)`` for one class; this class draws the seeds,
    interpolates in one numba pass and assembles the output and the provenance
    attributes.
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "n_jobs": [numbers.Integral, None],
    }
    _accept_sparse = False

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _check_X_y(self, X, y, accept_sparse=None):
        if not self._accept_sparse and sparse.issparse(X):
            raise TypeError(
                f"{type(self).__name__} does not accept sparse X; got a "
                f"{type(X).__name__}. Convert it with X.toarray() or use SMOTE, "
                "which supports CSR input."
            )
        X, y, binarize_y = super()._check_X_y(X, y, accept_sparse=["csr", "csc"])
        if sparse.issparse(X):
            # Sparse pandas columns arrive here as a sparse matrix: densify them
            # for the samplers that work on dense rows only.
            X = X.tocsr() if self._accept_sparse else X.toarray()
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        random_state = check_random_state(self.random_state)
        labels, y_codes = np.unique(y, return_inverse=True)
        y_codes = y_codes.astype(np.int64)
        if not sparse.issparse(X):
            X = np.ascontiguousarray(X)
        self._before_classes(X, y_codes)
        parts, y_parts = [], []
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            code = int(np.searchsorted(labels, label))
            # Python scalars: error messages read `class 1`, not `np.int64(1)`.
            label = label.item() if isinstance(label, np.generic) else label
            rows = np.flatnonzero(y_codes == code)
            seed = int(random_state.randint(np.iinfo(np.int32).max))
            part = self._pairs(X, y_codes, code, label, rows, n_new, seed)
            if part is None:
                continue
            parts.append(part)
            y_parts.append(np.full(len(part[0]), label, dtype=y.dtype))
        n_new_total = sum(len(p[0]) for p in parts)
        parents = np.concatenate([p[0] for p in parts] or [_EMPTY_REPEATS])
        neighbors = np.concatenate([p[1] for p in parts] or [_EMPTY_REPEATS])
        gaps = np.concatenate([p[2] for p in parts] or [np.zeros(0)])
        X_res = self._assemble(X, parts, parents, neighbors, gaps, n_new_total)
        n = X.shape[0]
        self.sample_indices_ = np.concatenate(
            [np.arange(n, dtype=np.int64), np.full(n_new_total, -1, dtype=np.int64)]
        )
        self.parents_, self.neighbors_, self.gaps_ = parents, neighbors, gaps
        return X_res, np.concatenate([y, *y_parts])

    def _before_classes(self, X, y_codes):
        """Hook run once before the per-class loop (e.g. whole-data neighbours)."""

    def _assemble(self, X, parts, parents, neighbors, gaps, n_new_total):
        """Original rows followed by the synthetic rows, in X's dtype and format."""
        n = X.shape[0]
        if sparse.issparse(X):
            g = sparse.diags(gaps)
            X_new = X[parents] + g @ (X[neighbors] - X[parents])
            return sparse.vstack([X, X_new.astype(X.dtype)], format="csr")
        X_res = np.empty((n + n_new_total, X.shape[1]), dtype=X.dtype)
        X_res[:n] = X
        _interpolate(X, parents, neighbors, gaps, X_res[n:])
        return X_res

    def _draw(self, base, nbrs, n_new, seed, half_gap=None, repeats=None):
        """Draw pairs through the kernel (see :func:`_draw_pairs`)."""
        return _draw_pairs(
            np.ascontiguousarray(base, dtype=np.int64),
            np.ascontiguousarray(nbrs, dtype=np.int64),
            _EMPTY_MASK if half_gap is None else np.ascontiguousarray(half_gap),
            _EMPTY_REPEATS
            if repeats is None
            else np.ascontiguousarray(repeats, dtype=np.int64),
            int(n_new),
            int(seed),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        tags.sampler_tags.sample_indices = True
        return tags
