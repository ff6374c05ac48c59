"""Shared helpers: label encoding, input validation, estimator discovery.

numba settings live in the kernels layer (``skclassgap._kernels._config``),
which imports nothing from here.
"""

__all__ = ["all_estimators"]


def all_estimators(type_filter=None):
    """List the public estimators of skclassgap.

    Every subpackage listed in ``skclassgap.__all__`` is imported, and every
    class in its ``__all__`` that subclasses :class:`~sklearn.base.BaseEstimator`
    is returned. New estimators are found the moment they are exported.

    Parameters
    ----------
    type_filter : {"classifier", "transformer", "sampler"} or None, default=None
        Keep only estimators of this kind.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from skclassgap.utils import all_estimators
    >>> isinstance(all_estimators(), list)
    True
    """
    from skclassgap.utils._discovery import all_estimators as _all

    return _all(type_filter)
