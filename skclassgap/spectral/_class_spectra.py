"""Eigenvalue spectra of class-conditional covariances, from one pass over X."""

import numbers
from dataclasses import dataclass

import numpy as np

from skclassgap._compat import Interval, StrOptions, validate_params
from skclassgap.spectral._moments import ClassMoments


@dataclass
class ClassSpectra:
    """Per-class covariance spectra returned by :func:`class_spectra`.

    Arrays are in the input's floating dtype (float32 stays float32); they are
    computed in float64.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted class labels.
    counts : ndarray of shape (n_classes,)
        Rows per class.
    means : ndarray of shape (n_classes, n_features)
        Class means.
    covariances : ndarray of shape (n_classes, n_features, n_features)
        Class covariances (divided by ``n_c``), shrunk if asked.
    eigenvalues : ndarray of shape (n_classes, n_features)
        Eigenvalues of each class covariance, in descending order.
    eigenvectors : ndarray of shape (n_classes, n_features, n_features) or None
        ``eigenvectors[c][:, i]`` belongs to ``eigenvalues[c, i]``; None unless
        asked for.
    pooled_covariance : ndarray of shape (n_features, n_features)
        Class-balanced pooled within-class covariance: the plain average of the
        (shrunk) class covariances, each class weighted ``1 / n_classes``
        whatever its size.
    shrinkage : ndarray of shape (n_classes,)
        Shrinkage coefficient applied to each class (0 without shrinkage).
    """

    classes: np.ndarray
    counts: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray | None
    pooled_covariance: np.ndarray
    shrinkage: np.ndarray


def spectra_from_moments(moments, *, shrinkage=None, return_eigenvectors=False):
    """Build :class:`ClassSpectra` from fitted :class:`ClassMoments`.

    Parameters
    ----------
    moments : ClassMoments
        Fitted (or merged) moments.
    shrinkage : None, "ledoit_wolf" or float in [0, 1], default=None
        See :func:`class_spectra`.
    return_eigenvectors : bool, default=False
        Also return the eigenvectors.

    Returns
    -------
    spectra : ClassSpectra
        Spectra of every class.
    """
    cov, coef = moments.covariances(shrinkage)
    if return_eigenvectors:
        values, vectors = np.linalg.eigh(cov)
        vectors = vectors[:, :, ::-1]
    else:
        values, vectors = np.linalg.eigvalsh(cov), None
    values = values[:, ::-1]
    dtype = moments.dtype_
    return ClassSpectra(
        classes=moments.classes_.copy(),
        counts=moments.counts_.copy(),
        means=moments.means().astype(dtype),
        covariances=cov.astype(dtype),
        eigenvalues=np.ascontiguousarray(values, dtype=dtype),
        eigenvectors=None
        if vectors is None
        else np.ascontiguousarray(vectors, dtype=dtype),
        pooled_covariance=cov.mean(axis=0).astype(dtype),
        shrinkage=coef,
    )


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "shrinkage": [
            None,
            StrOptions({"ledoit_wolf"}),
            Interval(numbers.Real, 0, 1, closed="both"),
        ],
        "return_eigenvectors": ["boolean"],
        "chunk_size": [None, Interval(numbers.Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def class_spectra(X, y, *, shrinkage=None, return_eigenvectors=False, chunk_size=None):
    """Eigenvalue spectra of each class's feature covariance.

    For class ``c`` with rows ``x_1 .. x_n`` and mean ``m_c``, the covariance
    is ``S_c = sum (x_i - m_c)(x_i - m_c)^T / n`` (the maximum-likelihood
    estimate, as :func:`sklearn.covariance.empirical_covariance`), optionally
    shrunk toward ``(tr S_c / d) I``; its eigenvalues are returned in
    descending order.

    One pass over ``X``: rows are read in bounded chunks and grouped by class
    inside each chunk; each class's scatter is accumulated by BLAS in float64
    (see :class:`ClassMoments`, which also supports ``partial_fit`` and
    ``merge`` for data that arrive in pieces). Peak extra memory is one chunk
    plus ``n_classes * n_features ** 2`` floats.

    Dask arrays and DataFrames are accepted (with the ``dask`` extra): each
    block's moments are computed where the block lives and merged by a tree
    reduction, and the result equals the in-memory one up to floating-point
    rounding (float64 input: about 1e-12 relative).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features, e.g. frozen embeddings. float32 stays float32. A Dask array
        or DataFrame is reduced block by block.
    y : array-like of shape (n_samples,)
        Class labels; every class needs at least 2 rows. With Dask ``X``,
        split into the same blocks: a column of the same Dask DataFrame, or
        an array whose blocks hold the same rows (arrays of known chunk sizes
        are rechunked to ``X``'s blocks; with unknown sizes, the numbers of
        blocks must match and each block's rows are checked as it is read).
    shrinkage : None, "ledoit_wolf" or float in [0, 1], default=None
        ``None``: the empirical covariance (singular when a class has no more
        rows than features: its trailing eigenvalues are then 0). A float
        ``a``: ``(1 - a) S_c + a (tr S_c / d) I``. ``"ledoit_wolf"``: ``a`` per
        class by the Ledoit-Wolf formula; the covariance equals
        :func:`sklearn.covariance.ledoit_wolf` on the class's rows, computed
        from the per-class moments (counts, sums, scatter, ``sum ||x||^2 x``
        and ``sum ||x||^4``) without another pass.
    return_eigenvectors : bool, default=False
        Also compute the eigenvectors (columns, matching the eigenvalues).
    chunk_size : int, default=None
        Rows per chunk; by default about 64 MiB of ``X``.

    Returns
    -------
    spectra : ClassSpectra
        Classes, counts, means, covariances, descending eigenvalues, optional
        eigenvectors, the class-balanced pooled covariance and the shrinkage
        coefficients.

    Raises
    ------
    ValueError
        If ``X`` holds NaN or infinity, or a class has fewer than 2 rows.

    See Also
    --------
    ClassMoments : The additive statistics behind this function.
    spectral_imbalance : Per-class summaries of these spectra.

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.spectral import class_spectra
    >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    >>> spectra = class_spectra(X, [0, 0, 1, 1])
    >>> spectra.eigenvalues
    array([[1., 0.],
           [1., 0.]])
    >>> spectra.pooled_covariance
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    moments = ClassMoments(chunk_size=chunk_size).partial_fit(X, y)
    return spectra_from_moments(
        moments, shrinkage=shrinkage, return_eigenvectors=return_eigenvectors
    )
