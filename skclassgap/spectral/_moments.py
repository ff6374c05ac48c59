"""Additive per-class moments of a feature matrix, accumulated in one chunked pass.

For every class ``c`` and a fixed per-class shift ``s_c`` (the mean of the
class's rows in the first chunk that contains the class, rounded to the
input dtype), :class:`ClassMoments` keeps, with ``y = x - s_c`` over the rows
of the class::

    n_c              number of rows
    u_c  = sum y                      (d,)
    M_c  = sum y y^T                  (d, d)   the shifted scatter
    T_c  = sum ||y||^2 y              (d,)     for Ledoit-Wolf
    q_c  = sum ||y||^4                ()       for Ledoit-Wolf

These sums are additive, and re-expressing them about another shift is exact
algebra (:func:`_reshift`), so two objects built on disjoint row sets merge
into the statistics of their union. Shifting by a value near the class mean
before forming ``M_c`` avoids the cancellation of ``sum x x^T / n - m m^T``.
"""

import functools
import numbers

import numpy as np
from sklearn.utils import check_array

from skclassgap._kernels.moments import (
    _chunk_slot_counts,
    _chunk_slot_sums,
    _code_counts,
    _group_shift,
)
from skclassgap.spectral._dask import dask_moments
from skclassgap.utils._dask import any_dask
from skclassgap.utils._labels import encode_label_pair, union_labels

# Rows per chunk are chosen so that one chunk of X takes about this many bytes.
_CHUNK_BYTES = 64 * 2**20


def _reshift(n, u, M, T, q, delta):
    """Moments about ``shift - delta`` from moments about ``shift``.

    With ``y' = y + delta`` (vectorised over a leading class axis)::

        u' = u + n delta
        M' = M + u delta^T + delta u^T + n delta delta^T
        T' = T + 2 M delta + e u + delta (tr M + 2 u.delta + n e)
        q' = q + 4 delta^T M delta + n e^2 + 4 delta.T + 2 e tr M + 4 e u.delta

    where ``e = ||delta||^2``.
    """
    n = n.astype(np.float64)
    e = np.einsum("kj,kj->k", delta, delta)
    ud = np.einsum("kj,kj->k", u, delta)
    Md = np.einsum("kij,kj->ki", M, delta)
    dMd = np.einsum("kj,kj->k", delta, Md)
    trM = np.einsum("kjj->k", M)
    u2 = u + n[:, None] * delta
    M2 = (
        M
        + u[:, :, None] * delta[:, None, :]
        + delta[:, :, None] * u[:, None, :]
        + n[:, None, None] * delta[:, :, None] * delta[:, None, :]
    )
    T2 = T + 2 * Md + e[:, None] * u + delta * (trM + 2 * ud + n * e)[:, None]
    q2 = (
        q
        + 4 * dMd
        + n * e**2
        + 4 * np.einsum("kj,kj->k", delta, T)
        + 2 * e * trM
        + 4 * e * ud
    )
    return u2, M2, T2, q2


def _ledoit_wolf_coefficients(n, scatter, quartic):
    """Ledoit-Wolf shrinkage of each class from its centred moments.

    ``scatter[k] = sum (x - m)(x - m)^T`` and ``quartic[k] = sum ||x - m||^4``
    over the ``n[k]`` rows of class ``k``. These are exactly the quantities
    :func:`sklearn.covariance.ledoit_wolf_shrinkage` forms from the centred
    data (``sum(X2.T @ X2)`` is ``sum ||x||^4``), so the coefficient is the
    same without a second pass over the rows.
    """
    n = n.astype(np.float64)
    p = scatter.shape[-1]
    S = scatter / n[:, None, None]
    tr = np.einsum("kjj->k", S)
    mu = tr / p
    delta_ = np.einsum("kij,kij->k", S, S)
    beta = (quartic / n - delta_) / (p * n)
    delta = (delta_ - 2 * mu * tr + p * mu**2) / p
    beta = np.minimum(beta, delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        coef = np.where((beta == 0) | (delta <= 0), 0.0, beta / delta)
    if p == 1:
        coef[:] = 0.0
    return np.clip(coef, 0.0, 1.0)


def _accumulate(X, codes, offset, lookup, rows, seen_before, shifts, out):
    """Add the moments of all rows of ``X`` to ``out``, one chunk of rows at a time.

    ``shifts`` (float64) is updated in place for classes seen for the first
    time: each is shifted by its mean in the first chunk that holds it,
    rounded to ``X``'s dtype so that the stored shift is exactly the one used.
    """
    counts, sums, scatters, cubic, quartic = out
    n, d = X.shape
    n_slots = len(counts)
    shifts_x = shifts.astype(X.dtype)
    # Two extra columns hold ||y||^2 and 1: a segment's Gram then holds the
    # scatter (top-left block), sum ||y||^2 y and sum ||y||^4 (column d) and
    # sum y (column d + 1).
    buf = np.empty((min(rows, n), d + 2), dtype=X.dtype)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        chunk_counts = _chunk_slot_counts(codes, offset, lookup, start, stop, n_slots)
        new = ~seen_before & (counts == 0) & (chunk_counts > 0)
        if new.any():
            raw = np.zeros((n_slots, d))
            _chunk_slot_sums(X, codes, offset, lookup, start, stop, new, raw)
            shifts_x[new] = raw[new] / chunk_counts[new, None]
            shifts[new] = shifts_x[new]
        bounds = _group_shift(
            X, codes, offset, lookup, start, stop, chunk_counts, shifts_x, buf
        )
        for k in np.flatnonzero(chunk_counts):
            seg = buf[bounds[k] : bounds[k + 1]]
            gram = seg.T @ seg  # one BLAS call (syrk), in X's dtype
            scatters[k] += gram[:d, :d]
            cubic[k] += gram[:d, d]
            quartic[k] += gram[d, d]
            sums[k] += gram[:d, d + 1]
        counts += chunk_counts


def _union_classes(classes, new, what):
    """Sorted union of two class arrays whose labels must be comparable."""
    try:
        return union_labels([classes, new], what)
    except ValueError:
        raise ValueError(
            f"{what} ({new.dtype}: {new.tolist()[:5]!r}) cannot be compared with the "
            f"classes already seen ({classes.dtype}: {classes.tolist()[:5]!r}); use "
            "one label type."
        ) from None


class ClassMoments:
    """Per-class counts, sums and scatter matrices that add up across chunks.

    Built by :meth:`partial_fit` in one pass over ``X``: rows are processed in
    bounded chunks, grouped by class inside each chunk (one small gather into
    a reused buffer, no per-class boolean mask over ``X``), shifted, and each
    class segment's scatter ``seg.T @ seg`` is formed by BLAS and added to a
    float64 accumulator. For float32 input the per-chunk products run in
    float32 (at most one chunk of rows per product, after shifting by a value
    near the class mean) and everything is summed in float64.

    Two objects fitted on disjoint rows :meth:`merge` into the moments of the
    union (exactly, up to floating-point rounding), so chunks or Dask blocks
    can be reduced in any order. :meth:`partial_fit` accepts Dask arrays and
    DataFrames (with the ``dask`` extra): each block of rows gets its own
    moments, computed where the block lives, and the blocks' moments are
    merged by a tree reduction, so only ``n_classes * n_features ** 2``
    statistics per block leave the workers.

    Parameters
    ----------
    chunk_size : int, default=None
        Rows per chunk. By default about 64 MiB of ``X`` per chunk.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Sorted labels seen so far.
    counts_ : ndarray of shape (n_classes,)
        Rows per class.
    n_features_in_ : int
        Number of features.
    dtype_ : numpy.dtype
        Floating dtype of the data seen (float32 only if every call was float32).

    See Also
    --------
    class_spectra : Eigenvalue spectra of the class covariances.

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.spectral import ClassMoments
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 3)), np.repeat([0, 1], 50)
    >>> a = ClassMoments().partial_fit(X[:60], y[:60])
    >>> b = ClassMoments().partial_fit(X[60:], y[60:])
    >>> merged = a.merge(b)
    >>> merged.counts_.tolist()
    [50, 50]
    >>> bool(np.allclose(merged.covariances()[0][1], np.cov(X[y == 1].T, bias=True)))
    True
    """

    def __init__(self, *, chunk_size=None):
        self.chunk_size = chunk_size

    # -- accumulation -------------------------------------------------------
    def _allocate(self, d, k):
        return (
            np.zeros(k, dtype=np.int64),
            np.zeros((k, d)),
            np.zeros((k, d)),
            np.zeros((k, d, d)),
            np.zeros((k, d)),
            np.zeros(k),
        )

    def _state(self):
        return (
            self.counts_,
            self.shifts_,
            self.sums_,
            self.scatters_,
            self.cubic_,
            self.quartic_,
        )

    def _set_state(self, classes, state):
        self.classes_ = classes
        (
            self.counts_,
            self.shifts_,
            self.sums_,
            self.scatters_,
            self.cubic_,
            self.quartic_,
        ) = state

    def _expand(self, classes):
        """Re-index the state on a (super)set of classes."""
        if not hasattr(self, "classes_"):
            self._set_state(classes, self._allocate(self.n_features_in_, len(classes)))
            return
        if len(classes) == len(self.classes_):
            return
        new = self._allocate(self.n_features_in_, len(classes))
        where = np.searchsorted(classes, self.classes_)
        for dst, src in zip(new, self._state(), strict=True):
            dst[where] = src
        self._set_state(classes, new)

    def partial_fit(self, X, y):
        """Add the rows of ``X`` with labels ``y`` to the moments.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features; float32 stays float32 in the chunk products. A Dask
            array or DataFrame is reduced block by block (``y`` then split
            into the same blocks, e.g. a column of the same Dask DataFrame).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : ClassMoments
            The updated object.
        """
        chunk_size = self.chunk_size
        if chunk_size is not None and (
            not isinstance(chunk_size, numbers.Integral) or chunk_size < 1
        ):
            raise ValueError(
                f"chunk_size must be a positive integer or None; got {chunk_size!r}."
            )
        if any_dask(X, y):
            moments = dask_moments(
                X,
                y,
                functools.partial(type(self), chunk_size=chunk_size),
                n_features=getattr(self, "n_features_in_", None),
            )
            return self.merge(moments)
        X = check_array(
            X,
            dtype=[np.float64, np.float32],
            order="C",
            ensure_all_finite=False,
            input_name="X",
        )
        n, d = X.shape
        if hasattr(self, "n_features_in_") and d != self.n_features_in_:
            raise ValueError(
                f"X has {d} features, but these moments were built on "
                f"{self.n_features_in_} features."
            )
        labels = encode_label_pair(y, y, names=("y", "y"))
        codes = labels.codes_true
        if len(codes) != n:
            raise ValueError(
                f"X and y must have the same number of samples; got {n} rows in X "
                f"and {len(codes)} labels in y."
            )
        present = _code_counts(codes, labels.offset, len(labels.values)) > 0
        seen = labels.values[present]
        if hasattr(self, "classes_"):
            classes = _union_classes(self.classes_, seen, "labels of y")
        else:
            classes = seen
        k_all = len(classes)
        lookup = np.full(len(labels.values), -1, dtype=np.int64)
        lookup[present] = np.searchsorted(classes, seen)

        # Accumulate this call into fresh arrays: the object changes only if
        # the data turn out to be finite.
        counts, shifts, sums, scatters, cubic, quartic = self._allocate(d, k_all)
        seen_before = np.zeros(k_all, dtype=bool)
        if hasattr(self, "classes_"):
            where = np.searchsorted(classes, self.classes_)
            shifts[where] = self.shifts_
            seen_before[where] = self.counts_ > 0
        rows = chunk_size or max(256, _CHUNK_BYTES // max(1, d * X.itemsize))
        with np.errstate(over="ignore", invalid="ignore"):  # checked right after
            _accumulate(
                X,
                codes,
                labels.offset,
                lookup,
                rows,
                seen_before,
                shifts,
                (counts, sums, scatters, cubic, quartic),
            )
        if not np.isfinite(sums).all():
            raise ValueError("Input X contains NaN or infinity.")
        if not np.isfinite(scatters).all():
            raise ValueError(
                f"Input X has values whose squares overflow {X.dtype}; rescale X."
            )
        if not hasattr(self, "classes_"):
            self.n_features_in_ = d
            self.dtype_ = X.dtype
        self._expand(classes)
        self.dtype_ = np.result_type(self.dtype_, X.dtype)
        self.shifts_ = shifts
        self.counts_ += counts
        self.sums_ += sums
        self.scatters_ += scatters
        self.cubic_ += cubic
        self.quartic_ += quartic
        return self

    def merge(self, other):
        """Add the moments of ``other`` (built on other rows) to this object.

        Parameters
        ----------
        other : ClassMoments
            Moments of disjoint rows with the same number of features.

        Returns
        -------
        self : ClassMoments
            This object, now holding the moments of both row sets.
        """
        if not isinstance(other, ClassMoments):
            raise TypeError(
                f"can only merge another ClassMoments; got {type(other).__name__}."
            )
        if not hasattr(other, "classes_"):
            return self
        if not hasattr(self, "classes_"):
            self.n_features_in_ = other.n_features_in_
            self.dtype_ = other.dtype_
            self._set_state(
                other.classes_.copy(), tuple(a.copy() for a in other._state())
            )
            return self
        if other.n_features_in_ != self.n_features_in_:
            raise ValueError(
                f"cannot merge moments on {other.n_features_in_} features into moments "
                f"on {self.n_features_in_} features."
            )
        classes = _union_classes(self.classes_, other.classes_, "the classes merged")
        self._expand(classes)
        where = np.searchsorted(classes, other.classes_)
        fresh = self.counts_[where] == 0
        shifts = np.where(fresh[:, None], other.shifts_, self.shifts_[where])
        u, M, T, q = _reshift(
            other.counts_,
            other.sums_,
            other.scatters_,
            other.cubic_,
            other.quartic_,
            other.shifts_ - shifts,
        )
        self.shifts_[where] = shifts
        self.counts_[where] += other.counts_
        self.sums_[where] += u
        self.scatters_[where] += M
        self.cubic_[where] += T
        self.quartic_[where] += q
        self.dtype_ = np.result_type(self.dtype_, other.dtype_)
        return self

    # -- derived quantities ---------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "classes_"):
            raise ValueError(
                "These ClassMoments hold no data yet; call partial_fit first."
            )

    def means(self):
        """Return the class means.

        Returns
        -------
        means : ndarray of shape (n_classes, n_features)
            Float64 means in the order of ``classes_``.
        """
        self._check_fitted()
        return self.shifts_ + self.sums_ / self.counts_[:, None]

    def _centred(self):
        delta = -self.sums_ / self.counts_[:, None]
        _, M, _, q = _reshift(
            self.counts_, self.sums_, self.scatters_, self.cubic_, self.quartic_, delta
        )
        return 0.5 * (M + M.transpose(0, 2, 1)), q

    def covariances(self, shrinkage=None):
        """Class covariance matrices (divided by ``n_c``), optionally shrunk.

        Parameters
        ----------
        shrinkage : None, "ledoit_wolf" or float in [0, 1], default=None
            ``None``: the empirical covariance ``S_c``. A float ``a``:
            ``(1 - a) S_c + a (tr S_c / d) I``. ``"ledoit_wolf"``: the same with
            ``a`` chosen per class by the Ledoit-Wolf formula, equal to
            :func:`sklearn.covariance.ledoit_wolf` on the class's rows.

        Returns
        -------
        covariances : ndarray of shape (n_classes, n_features, n_features)
            Float64 covariances.
        coefficients : ndarray of shape (n_classes,)
            Shrinkage coefficient used for each class.
        """
        self._check_fitted()
        small = self.counts_ < 2
        if small.any():
            i = int(np.argmax(small))
            label, count = self.classes_.tolist()[i], int(self.counts_[i])
            raise ValueError(
                f"class {label!r} has {count} sample(s); a class covariance needs at "
                "least 2 samples. Add rows or drop the class."
            )
        scatter, quartic = self._centred()
        n = self.counts_.astype(np.float64)
        cov = scatter / n[:, None, None]
        k = len(self.classes_)
        if shrinkage is None:
            coef = np.zeros(k)
        elif isinstance(shrinkage, str) and shrinkage == "ledoit_wolf":
            coef = _ledoit_wolf_coefficients(self.counts_, scatter, quartic)
        elif isinstance(shrinkage, numbers.Real) and 0 <= shrinkage <= 1:
            coef = np.full(k, float(shrinkage))
        else:
            raise ValueError(
                "shrinkage must be None, 'ledoit_wolf' or a float in [0, 1]; got "
                f"{shrinkage!r}."
            )
        d = cov.shape[-1]
        mu = np.einsum("kjj->k", cov) / d
        cov = (1 - coef)[:, None, None] * cov
        idx = np.arange(d)
        cov[:, idx, idx] += (coef * mu)[:, None]
        return cov, coef
