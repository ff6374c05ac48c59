"""Every private name skclassgap takes from scikit-learn, imbalanced-learn and numba.

These names are not part of their libraries' public API and may change in any
release (imbalanced-learn broke on such imports in #995, #1060, #1141 and
#1155). The rest of the package imports them from here only, so that a new
release is checked, and if need be adapted, in one place. Each entry says
what it is for and the versions it was checked against; the lower bounds in
``pyproject.toml`` are the oldest checked, and CI runs the test suite once
against them.

This module sits below every layer of the package (the kernels included): it
imports nothing from skclassgap. numba's names are imported on first access,
so that the modules that need only scikit-learn's names do not import numba.

Checked against
---------------
- scikit-learn 1.6.1 (the lower bound) to 1.9.1;
- imbalanced-learn 0.13.0 (the lower bound) to 0.14.2;
- numba 0.59.1 (the lower bound) to 0.68.1.
"""

# scikit-learn >= 1.6 (checked 1.6.1, 1.9.1) -----------------------------------
# Parameter constraints and their validation, as scikit-learn's own estimators
# declare them (`_parameter_constraints`, `@validate_params`, `@_fit_context`).
# imbalanced-learn >= 0.13 (checked 0.13.0, 0.14.2) -----------------------------
# The samplers' input check: `BaseSampler._check_X_y(X, y, accept_sparse=None)`
# validates X and y and reports whether y was one-hot (binarize_y); our
# samplers override it to choose the sparse formats and dtypes they accept,
# and reach the base implementation through this function.
from imblearn.base import BaseSampler as _ImblearnBaseSampler
from sklearn.base import _fit_context

# Row indexing of arrays, DataFrames and lists alike (fold splits, subsets).
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)

# `set_output` configuration of a transformer (pandas output or not).
from sklearn.utils._set_output import _get_output_config

# Version parsing of a dependency (Dask's minimum version).
from sklearn.utils.fixes import parse_version

# Metadata routing: whether it is on, and the error for unrouted params.
from sklearn.utils.metadata_routing import _raise_for_params, _routing_enabled

# Validation helpers that scikit-learn's own meta-estimators use.
from sklearn.utils.validation import (
    _check_feature_names,
    _check_method_params,
    _check_n_features,
    _estimator_has,
    _num_features,
    _num_samples,
)


def imblearn_check_X_y(sampler, X, y, accept_sparse):
    """imbalanced-learn's ``BaseSampler._check_X_y`` on ``sampler``.

    Returns ``(X, y, binarize_y)`` as imbalanced-learn does.
    """
    return _ImblearnBaseSampler._check_X_y(sampler, X, y, accept_sparse=accept_sparse)


# numba >= 0.59 (checked 0.59.1, 0.68.1) -----------------------------------------
# The on-disk cache classes, subclassed by skclassgap._kernels._config to keep
# compiled kernels in a per-user, per-version directory instead of the
# installed package (numba has no public hook for a cache location).
_NUMBA_CACHING = (
    "CompileResultCacheImpl",
    "FunctionCache",
    "_CacheLocator",
    "_SourceFileBackedLocatorMixin",
)


def __getattr__(name):
    if name in _NUMBA_CACHING:
        from numba.core import caching

        return getattr(caching, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_check_feature_names",
    "_check_method_params",
    "_check_n_features",
    "_estimator_has",
    "_fit_context",
    "_get_output_config",
    "_num_features",
    "_num_samples",
    "_raise_for_params",
    "_routing_enabled",
    "_safe_indexing",
    "imblearn_check_X_y",
    "parse_version",
    "validate_params",
    *_NUMBA_CACHING,
]
