"""Shared helpers.

Label encoding, input validation, estimator discovery and numba settings.

This package imports nothing heavy at import time: ``skclassgap._kernels`` reads
its numba settings from :mod:`skclassgap.utils._numba`, which depends on numba
and the standard library only.
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
